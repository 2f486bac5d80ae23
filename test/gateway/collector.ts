/**
 * A stand-in for the proxy task's trace collector sidecar (the AWS Distro for OpenTelemetry image), because no
 * container engine runs here: an OTLP/HTTP traces receiver, started inside the proxy's task at the endpoint the
 * collector's own configuration (AOT_CONFIG_CONTENT in the task definition) opens. It answers as a collector's
 * receiver does (an empty ExportTraceServiceResponse for POST /v1/traces, 404 otherwise) and keeps each export's
 * body, one base64 line per export, in a file. What the real collector does next (X-Ray, the metrics scrape) is
 * not stood in for.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { OTLP } from "../../config/constants";
import type { Started } from "./processes";
import type { TaskNetwork } from "./vpc";

/** A container of a task definition, as far as the collector is concerned. */
interface CollectorContainer {
  readonly name: string;
  readonly environment?: { name: string; value: string }[];
}

/** Where the collector's configuration opens its OTLP/HTTP receiver: host and port. */
export function collectorHttpEndpoint(container: CollectorContainer): { host: string; port: number } {
  const text = container.environment?.find((entry) => entry.name === "AOT_CONFIG_CONTENT")?.value;
  if (!text) throw new Error(`${container.name} has no AOT_CONFIG_CONTENT`);
  const endpoint = (parse(text) as { receivers?: { otlp?: { protocols?: { http?: { endpoint?: string } } } } })
    .receivers?.otlp?.protocols?.http?.endpoint;
  const match = /^([\d.]+):(\d+)$/.exec(endpoint ?? "");
  if (!match)
    throw new Error(`${container.name}: no OTLP/HTTP receiver endpoint in its configuration (got ${String(endpoint)})`);
  return { host: match[1]!, port: Number(match[2]) };
}

const RECEIVER = `
const { createServer } = require("node:http");
const { appendFileSync } = require("node:fs");
const [host, port, file, path] = process.argv.slice(1);
createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    if (request.method === "POST" && request.url === path) {
      appendFileSync(file, Buffer.concat(chunks).toString("base64") + "\\n");
      response.writeHead(200, { "content-type": String(request.headers["content-type"] || "application/x-protobuf") });
      response.end();
    } else {
      response.writeHead(404);
      response.end();
    }
  });
}).listen(Number(port), host, () => console.log("OTLP/HTTP receiver on " + host + ":" + port));
`;

export interface CollectorStandIn {
  readonly process: Started;
  /** The bodies of the exports received so far. */
  exports(): Buffer[];
}

export function startCollectorStandIn(
  network: TaskNetwork,
  container: CollectorContainer,
  logDir: string,
): CollectorStandIn {
  const { host, port } = collectorHttpEndpoint(container);
  const file = join(logDir, `${container.name}-exports.b64`);
  const started = network.start(
    `${container.name}-stand-in`,
    [process.execPath, "-e", RECEIVER, host, String(port), file, OTLP.tracesPath],
    { env: { PATH: process.env["PATH"] }, logDir },
  );
  return {
    process: started,
    exports: () =>
      existsSync(file)
        ? readFileSync(file, "utf8")
            .split("\n")
            .filter((line) => line !== "")
            .map((line) => Buffer.from(line, "base64"))
        : [],
  };
}
