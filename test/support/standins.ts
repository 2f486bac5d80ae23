/**
 * What the operations tests talk to. The Context7 MCP server is the real one (its npm package, on loopback).
 * The LiteLLM proxy and the Docker Engine API cannot run here: they are local stand-ins that answer as their
 * documentation says (LiteLLM docs/proxy/health.md and caching routes; the Docker Engine API reference).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { createServer, type IncomingMessage, request as httpRequest, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_DIR } from "./stacks";

export interface Running {
  readonly url: string;
  stop(): Promise<void>;
}

async function listen(server: Server): Promise<void> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await listen(server);
  const { port } = server.address() as AddressInfo;
  await close(server);
  return port;
}

/** The real Context7 MCP server (npm @upstash/context7-mcp), over Streamable HTTP on a free loopback port. */
export async function startContext7(): Promise<Running & { port: number }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(PROJECT_DIR, "node_modules", "@upstash", "context7-mcp", "dist", "index.js"), "--transport", "http", "--port", String(port)], {
    env: { ...process.env, OTEL_SDK_DISABLED: "true" },
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/ping`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill();
      throw new Error("the Context7 MCP server did not start");
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

export interface LiteLLMStandInOptions {
  /** The key the stand-in accepts (Authorization or x-litellm-api-key, "Bearer <key>"). */
  readonly masterKey: string;
  readonly models: string[];
  /** "connected" or "Not connected", as /health/readiness reports it. */
  readonly database: string;
  /** The kind of response cache: none (no cache), local (in memory) or redis. */
  readonly cache: "none" | "local" | "redis";
  /** MCP servers of the gateway, by name: their Streamable HTTP URLs. */
  readonly mcpServers: Record<string, string>;
}

export interface LiteLLMStandIn extends Running {
  options: LiteLLMStandInOptions;
  /** Requests received, as "METHOD path". */
  readonly requests: string[];
}

/**
 * A stand-in for the LiteLLM proxy (which cannot run here), answering as its documentation describes:
 * /health/liveliness and /health/readiness without auth; /v1/models and /cache/flushall with the key;
 * /mcp forwarded to the server named by the x-mcp-servers header.
 */
export async function startLiteLLMStandIn(options: LiteLLMStandInOptions): Promise<LiteLLMStandIn> {
  const requests: string[] = [];
  const state = { options };
  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };
  const authorized = (request: IncomingMessage) => {
    const given = request.headers["x-litellm-api-key"] ?? request.headers.authorization;
    return given === `Bearer ${state.options.masterKey}`;
  };
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0]!;
    requests.push(`${request.method} ${path}`);
    if (path === "/health/liveliness") return json(response, 200, "I'm alive!");
    if (path === "/health/readiness") {
      const ready = state.options.database === "connected";
      return json(response, ready ? 200 : 503, { status: ready ? "connected" : "unhealthy", db: state.options.database, cache: state.options.cache === "redis" ? "redis" : null, litellm_version: "1.108.7" });
    }
    if (!authorized(request)) return json(response, 401, { error: { message: "Authentication Error, Invalid proxy server token passed." } });
    if (path === "/v1/models") return json(response, 200, { object: "list", data: state.options.models.map((id) => ({ id, object: "model", owned_by: "openai" })) });
    if (path === "/cache/flushall" && request.method === "POST") {
      if (state.options.cache === "none") return json(response, 503, { detail: "Service Unhealthy (Cache not initialized. litellm.cache is None)" });
      if (state.options.cache === "local") return json(response, 503, { detail: "Service Unhealthy (Cache type local does not support flushing)" });
      return json(response, 200, { status: "success" });
    }
    if (path === "/mcp") {
      const target = state.options.mcpServers[String(request.headers["x-mcp-servers"] ?? "")];
      if (!target) return json(response, 404, { detail: "MCP server not found" });
      const upstream = httpRequest(target, { method: request.method, headers: { ...request.headers, host: new URL(target).host } }, (reply) => {
        response.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(response);
      });
      upstream.on("error", () => json(response, 502, { detail: "MCP server unreachable" }));
      request.pipe(upstream);
      return;
    }
    json(response, 404, { detail: "Not Found" });
  });
  await listen(server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get options() {
      return state.options;
    },
    set options(value) {
      state.options = value;
    },
    stop: () => close(server),
  };
}

export interface StandInContainer {
  readonly status: string;
  readonly health?: string;
  readonly restartCount?: number;
  /** Output lines: [stream (1 stdout, 2 stderr), text]. */
  readonly logs?: [number, string][];
}

export interface DockerStandIn {
  readonly socketPath: string;
  readonly restarted: string[];
  /** Query strings of the log requests. */
  readonly logQueries: string[];
  stop(): Promise<void>;
}

/** A stand-in for the Docker Engine API on a unix socket, answering as the API reference describes. */
export async function startDockerStandIn(containers: Record<string, StandInContainer>): Promise<DockerStandIn> {
  const socketPath = join(mkdtempSync(join(tmpdir(), "litellm-mcp-docker-")), "docker.sock");
  const restarted: string[] = [];
  const logQueries: string[] = [];
  const server = createServer((request, response) => {
    const match = /^\/containers\/([^/]+)\/(json|logs|restart)(?:\?(.*))?$/.exec(request.url ?? "");
    const container = match ? containers[decodeURIComponent(match[1]!)] : undefined;
    if (!match || !container) {
      response.writeHead(404, { "content-type": "application/json" });
      response.end(JSON.stringify({ message: `No such container: ${match?.[1] ?? ""}` }));
      return;
    }
    if (match[2] === "json") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ State: { Status: container.status, ...(container.health ? { Health: { Status: container.health } } : {}) }, RestartCount: container.restartCount ?? 0 }));
    } else if (match[2] === "restart" && request.method === "POST") {
      restarted.push(decodeURIComponent(match[1]!));
      response.writeHead(204);
      response.end();
    } else {
      logQueries.push(match[3] ?? "");
      // Without a TTY the daemon multiplexes stdout and stderr in frames: type, 3 zero bytes, big-endian size.
      response.writeHead(200, { "content-type": "application/vnd.docker.multiplexed-stream" });
      for (const [stream, text] of container.logs ?? []) {
        const payload = Buffer.from(`${text}\n`);
        const header = Buffer.alloc(8);
        header.writeUInt8(stream, 0);
        header.writeUInt32BE(payload.length, 4);
        // Split each frame across writes, as a socket may deliver it.
        response.write(Buffer.concat([header, payload.subarray(0, 3)]));
        response.write(payload.subarray(3));
      }
      response.end();
    }
  });
  server.listen(socketPath);
  await once(server, "listening");
  return { socketPath, restarted, logQueries, stop: () => close(server) };
}
