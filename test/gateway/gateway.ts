/**
 * The dev stack's gateway as local processes: each MCP server with its container's command line, Redis when the
 * stack has one, a fresh database on the local Postgres, and the LiteLLM proxy with the config.yaml the stack
 * renders (the same renderer, a loopback render context) and the environment the dev container gets, less what
 * only Docker needs. Bedrock is the one part that cannot run here: a stand-in per region answers for it.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { REDIS_SERVER } from "../../components/docker/redis";
import { loopbackRenderContext } from "../../components/endpoints";
import { envSource } from "../../components/env";
import { mcpLocalArgv } from "../../components/mcp";
import { proxyCommand } from "../../components/proxyProcess";
import { OTLP, PROXY } from "../../config/constants";
import { type RenderedConfig, renderLiteLLMConfig } from "../../config/render";
import type { McpServerConfig, StackConfig } from "../../config/schema";
import { freePort } from "../support/standins";
import type { PrismaToolchain } from "./prisma";
import { PROJECT_DIR } from "../support/stacks";
import { type BedrockStandIn, type StandInCredentials, startBedrockStandIn } from "./bedrock";
import { type Started, startProcess, waitFor } from "./processes";

/** What the suite installed: the bin/ folder of each Python environment, by environment name. */
export type PythonBins = Readonly<Record<string, string>>;

/** Credentials of the stand-in AWS account the proxy signs Bedrock calls with. */
export const STAND_IN_CREDENTIALS: StandInCredentials = {
  accessKeyId: "AKIASTANDIN000000000",
  secretAccessKey: "stand-in-secret-access-key",
};

export interface Keys {
  readonly masterKey: string;
  readonly saltKey: string;
}

export function newKeys(): Keys {
  return { masterKey: `sk-${randomBytes(24).toString("hex")}`, saltKey: `sk-${randomBytes(24).toString("hex")}` };
}

export interface McpProcess {
  readonly server: McpServerConfig;
  readonly url: string;
  readonly process: Started;
}

/** The version an npm build of the stack pins, checked against what node_modules holds. */
function npmBin(server: McpServerConfig): string {
  const spec = server.build?.npm;
  if (spec === undefined) throw new Error(`${server.name}: not built from npm`);
  const at = spec.lastIndexOf("@");
  const [name, version] = [spec.slice(0, at), spec.slice(at + 1)];
  const manifest = join(PROJECT_DIR, "node_modules", name, "package.json");
  if (!existsSync(manifest)) throw new Error(`${server.name}: ${name} is not in node_modules: run npm ci`);
  const installed = (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
  if (installed !== version)
    throw new Error(`${server.name}: the stack pins ${spec}, node_modules has ${installed}: align package.json`);
  return join(PROJECT_DIR, "node_modules", ".bin");
}

/** Starts an MCP server as its container would run it, on a free loopback port; waits for its health path. */
export async function startMcpServer(server: McpServerConfig, bins: PythonBins, logDir: string): Promise<McpProcess> {
  const port = await freePort();
  const argv = mcpLocalArgv(server, { host: "127.0.0.1", port });
  if (argv === undefined)
    throw new Error(`${server.name} runs from a ready image (${server.image}), which needs Docker`);
  const bin = server.build?.npm !== undefined ? npmBin(server) : bins[`mcp-${server.name}`];
  if (bin === undefined) throw new Error(`${server.name}: no environment installed`);
  const env = { PATH: `${bin}:${process.env["PATH"]}`, HOME: process.env["HOME"], ...server.environment };
  const started = startProcess(`mcp-${server.name}`, argv, { env, logDir });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    started,
    `an answer on ${server.healthPath}`,
    async () => (await fetch(`${base}${server.healthPath}`)).ok,
    60_000,
  );
  return { server, url: `${base}${server.path}`, process: started };
}

/** Redis as the dev container runs it (the password from the environment), on a free loopback port. */
export async function startRedis(logDir: string): Promise<{ process: Started; port: number; password: string }> {
  const port = await freePort();
  const password = randomBytes(16).toString("hex");
  const started = startProcess(
    "redis",
    ["sh", "-c", `${REDIS_SERVER} --port ${port} --bind 127.0.0.1 --save "" --appendonly no`],
    { env: { PATH: process.env["PATH"], REDISCLI_AUTH: password }, logDir },
  );
  await waitFor(started, "PONG", async () => redisCli(port, password, ["PING"]) === "PONG", 15_000);
  return { process: started, port, password };
}

/** One redis-cli command against the suite's Redis; its output, trimmed. */
export function redisCli(port: number, password: string, args: string[]): string {
  const result = spawnSync("redis-cli", ["-p", String(port), "--no-auth-warning", ...args], {
    encoding: "utf8",
    env: { PATH: process.env["PATH"], REDISCLI_AUTH: password },
  });
  return (result.stdout ?? "").trim();
}

export interface ProxyRun {
  readonly process: Started;
  readonly url: string;
  readonly configFile: string;
  /** Milliseconds from the start to the first answer on the liveness route. */
  readonly coldStartMs: number;
}

/**
 * Where the proxy would go beyond loopback: an HTTP proxy on loopback, set as HTTP(S)_PROXY for the proxy
 * process, that records the destination of every request (CONNECT host:port, or the absolute URL) and refuses
 * it. The machine has no route to the internet; this shows what the proxy would have fetched if it had one.
 */
export interface EgressRecorder {
  readonly url: string;
  readonly destinations: string[];
  stop(): Promise<void>;
}

/** The recorder listens on loopback, or on `host` (the local VPC's gateway, for tasks in their own network). */
export async function startEgressRecorder(host = "127.0.0.1"): Promise<EgressRecorder> {
  const destinations: string[] = [];
  const server: Server = createServer((socket) => {
    socket.once("data", (chunk) => {
      const [method, target] = chunk.toString("latin1").split("\r\n", 1)[0]!.split(" ");
      destinations.push(method === "CONNECT" ? target! : new URL(target!).host);
      socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    });
    socket.on("error", () => undefined);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    url: `http://${host}:${port}`,
    destinations,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * An OTLP/HTTP traces receiver on loopback, as a collector's: it accepts POST /v1/traces (protobuf, or JSON) and
 * keeps each request's body.
 */
export interface OtlpReceiver {
  readonly tracesUrl: string;
  readonly bodies: Buffer[];
  readonly contentTypes: string[];
  stop(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const bodies: Buffer[] = [];
  const contentTypes: string[] = [];
  const server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method === "POST" && request.url === OTLP.tracesPath) {
        bodies.push(Buffer.concat(chunks));
        contentTypes.push(String(request.headers["content-type"] ?? ""));
        // An empty ExportTraceServiceResponse: accepted, nothing rejected.
        response.writeHead(200, {
          "content-type": String(request.headers["content-type"] ?? "application/x-protobuf"),
        });
        response.end();
      } else {
        response.writeHead(404);
        response.end();
      }
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    tracesUrl: `http://127.0.0.1:${port}${OTLP.tracesPath}`,
    bodies,
    contentTypes,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface ProxyInputs {
  readonly config: StackConfig;
  readonly rendered: RenderedConfig;
  readonly bins: PythonBins;
  readonly keys: Keys;
  /** The database URL the program gives the proxy, moved to the suite's server; absent: no database. */
  readonly databaseUrl?: string;
  /** Where the Prisma CLI is, and where its engines would be. */
  readonly prisma: PrismaToolchain;
  readonly redis?: { port: number; password: string };
  readonly logDir: string;
  readonly name?: string;
  /** Every request beyond loopback goes through it. */
  readonly egress?: EgressRecorder;
}

/** The environment the dev container gets, less what only Docker needs, with the local endpoints. */
export function proxyEnv(inputs: ProxyInputs, bin: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: `${bin}:${process.env["PATH"]}`, HOME: process.env["HOME"], LANG: "C.UTF-8" };
  const sources = {
    endpoints: inputs.redis ? { redisHost: "127.0.0.1", redisPort: String(inputs.redis.port) } : {},
    secrets: {
      masterKey: inputs.keys.masterKey,
      saltKey: inputs.keys.saltKey,
      databaseUrl: inputs.databaseUrl,
      redisPassword: inputs.redis?.password,
    },
    secretRef: () => {
      throw new Error("the gateway suite runs stacks without secret config keys");
    },
  };
  for (const variable of inputs.rendered.env) {
    if (variable.kind === "targetSecret" && variable.secret === "databaseUrl" && inputs.databaseUrl === undefined)
      continue;
    const source = envSource(variable, sources);
    env[variable.name] = String("secret" in source ? source.secret : source.value);
  }
  // The image's Prisma CLI and engines live at its own paths; here the CLI is in the suite's cache.
  Object.assign(env, inputs.prisma.env);
  // The dev container's AWS settings, with keys as docker.awsCredentials.accessKeyId gives them (no profile mount).
  Object.assign(env, {
    AWS_REGION: inputs.config.docker.awsCredentials.region,
    AWS_ACCESS_KEY_ID: STAND_IN_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: STAND_IN_CREDENTIALS.secretAccessKey,
  });
  if (inputs.egress) {
    for (const name of ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"]) env[name] = inputs.egress.url;
    for (const name of ["NO_PROXY", "no_proxy"]) env[name] = "127.0.0.1,localhost";
  }
  return env;
}

/** A proxy that did not come up: its whole log, to tell the one known cause from every other. */
export class ProxyStartError extends Error {
  constructor(
    message: string,
    readonly log: string,
  ) {
    super(message);
  }
}

/** Starts the proxy with the stack's command line on a free loopback port; waits for liveness. */
export async function startProxy(inputs: ProxyInputs): Promise<ProxyRun> {
  const bin = inputs.bins["litellm-proxy"];
  if (bin === undefined) throw new Error("the LiteLLM environment is not installed");
  const port = await freePort();
  const configFile = join(inputs.logDir, `${inputs.name ?? "litellm"}-config.yaml`);
  writeFileSync(configFile, inputs.rendered.yaml);
  const argv = [
    join(bin, "litellm"),
    ...proxyCommand(inputs.config.proxy, { configPath: configFile, listen: { host: "127.0.0.1", port } }),
  ];
  const started = startProcess(inputs.name ?? "litellm", argv, { env: proxyEnv(inputs, bin), logDir: inputs.logDir });
  const url = `http://127.0.0.1:${port}`;
  try {
    const coldStartMs = await waitFor(
      started,
      "liveness",
      async () => (await fetch(`${url}${PROXY.livenessPath}`)).ok,
      180_000,
    );
    return { process: started, url, configFile, coldStartMs };
  } catch (error) {
    await started.stop();
    throw new ProxyStartError((error as Error).message, readFileSync(started.logFile, "utf8"));
  }
}

/** The stack's config.yaml for processes on loopback, with a Bedrock stand-in per region. */
export function renderLocal(
  config: StackConfig,
  mcp: readonly McpProcess[],
  bedrock: readonly BedrockStandIn[],
  otelTracesUrl?: string,
): RenderedConfig {
  const context = loopbackRenderContext(config, "dev", {
    mcpServerUrls: Object.fromEntries(mcp.map((server) => [server.server.name, server.url])),
    bedrockRuntimeEndpoints: Object.fromEntries(bedrock.map((standIn) => [standIn.region, standIn.url])),
    ...(otelTracesUrl ? { otelTracesUrl } : {}),
  });
  return renderLiteLLMConfig(config, context);
}

export async function startBedrock(config: StackConfig): Promise<BedrockStandIn[]> {
  const regions = [...new Set(config.models.map((model) => model.region))];
  return Promise.all(regions.map((region) => startBedrockStandIn(region, STAND_IN_CREDENTIALS)));
}
