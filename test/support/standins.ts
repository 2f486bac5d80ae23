/**
 * What the operations tests talk to. The Context7 MCP server is the real one (its npm package, on loopback).
 * The LiteLLM proxy and the Docker Engine API cannot run here: they are local stand-ins that answer as their
 * documentation says (LiteLLM docs/proxy/health.md and caching routes; the Docker Engine API reference).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import {
  createServer,
  type IncomingMessage,
  request as httpRequest,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
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
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(PROJECT_DIR, "node_modules", "@upstash", "context7-mcp", "dist", "index.js"),
      "--transport",
      "http",
      "--port",
      String(port),
    ],
    {
      env: { ...process.env, OTEL_SDK_DISABLED: "true" },
      stdio: "ignore",
    },
  );
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
 * /health/liveliness and /health/readiness without auth; /v1/models, a one-token /v1/chat/completions (400 for a
 * model it does not serve) and /cache/flushall with the key;
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
      return json(response, ready ? 200 : 503, {
        status: ready ? "connected" : "unhealthy",
        db: state.options.database,
        cache: state.options.cache === "redis" ? "redis" : null,
        litellm_version: "1.108.7",
      });
    }
    if (!authorized(request))
      return json(response, 401, { error: { message: "Authentication Error, Invalid proxy server token passed." } });
    if (path === "/v1/models")
      return json(response, 200, {
        object: "list",
        data: state.options.models.map((id) => ({ id, object: "model", owned_by: "openai" })),
      });
    if (path === "/v1/chat/completions" && request.method === "POST") {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      request.on("end", () => {
        const model = String((JSON.parse(body || "{}") as { model?: unknown }).model);
        if (!state.options.models.includes(model)) {
          return json(response, 400, {
            error: {
              message: `Invalid model name passed in model=${model}. Call \`/v1/models\` to view available models for your key.`,
              type: "invalid_request_error",
              code: "400",
            },
          });
        }
        json(response, 200, {
          object: "chat.completion",
          model,
          choices: [{ index: 0, finish_reason: "length", message: { role: "assistant", content: "p" } }],
          usage: { prompt_tokens: 8, completion_tokens: 1, total_tokens: 9 },
        });
      });
      return;
    }
    if (path === "/cache/flushall" && request.method === "POST") {
      if (state.options.cache === "none")
        return json(response, 503, { detail: "Service Unhealthy (Cache not initialized. litellm.cache is None)" });
      if (state.options.cache === "local")
        return json(response, 503, { detail: "Service Unhealthy (Cache type local does not support flushing)" });
      return json(response, 200, { status: "success" });
    }
    if (path === "/mcp") {
      const target = state.options.mcpServers[String(request.headers["x-mcp-servers"] ?? "")];
      if (!target) return json(response, 404, { detail: "MCP server not found" });
      const upstream = httpRequest(
        target,
        { method: request.method, headers: { ...request.headers, host: new URL(target).host } },
        (reply) => {
          response.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(response);
        },
      );
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
  /** The health checks' results so far, oldest first, and the check's command. */
  readonly healthLog?: { readonly exitCode: number; readonly output: string }[];
  readonly healthTest?: string[];
  readonly exitCode?: number;
  readonly restartCount?: number;
  /** Host ports it publishes, by container port ("4000/tcp"). */
  readonly published?: Record<string, number>;
  /** Output lines: [stream (1 stdout, 2 stderr), text]. */
  readonly logs?: [number, string][];
  /**
   * What a command run inside the container runs here instead: a process on this machine (the container's own
   * program, pointed at what the container would reach). Without it, the stand-in refuses exec as the daemon
   * refuses it for a stopped container.
   */
  readonly exec?: (command: readonly string[]) => { file: string; args: string[]; env?: NodeJS.ProcessEnv };
}

export interface DockerStandIn {
  readonly socketPath: string;
  readonly restarted: string[];
  /** Containers stopped and started, in order: "stop name", "start name". */
  readonly lifecycle: string[];
  /** Commands run through exec: the container and the command. */
  readonly execs: { container: string; command: string[] }[];
  /** Query strings of the log requests. */
  readonly logQueries: string[];
  stop(): Promise<void>;
}

/** Without a TTY the daemon multiplexes stdout and stderr in frames: type, 3 zero bytes, big-endian size. */
export function frame(stream: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

async function text(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A stand-in for the Docker Engine API on a unix socket, answering as the API reference describes. */
export async function startDockerStandIn(containers: Record<string, StandInContainer>): Promise<DockerStandIn> {
  const socketDir = mkdtempSync(join(tmpdir(), "litellm-mcp-docker-"));
  const socketPath = join(socketDir, "docker.sock");
  const restarted: string[] = [];
  const lifecycle: string[] = [];
  const execs: { container: string; command: string[] }[] = [];
  const logQueries: string[] = [];
  const created = new Map<string, { container: string; command: string[]; exitCode?: number; running: boolean }>();
  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };
  const server = createServer(async (request, response) => {
    if (request.url === "/_ping") {
      response.writeHead(200, { "content-type": "text/plain" });
      return response.end("OK");
    }
    const execMatch = /^\/exec\/([^/]+)\/json$/.exec(request.url ?? "");
    if (execMatch) {
      const exec = created.get(execMatch[1]!);
      if (!exec) return json(response, 404, { message: `No such exec instance: ${execMatch[1]}` });
      return json(response, 200, { ID: execMatch[1], Running: exec.running, ExitCode: exec.exitCode ?? null });
    }
    const match = /^\/containers\/([^/]+)\/(json|logs|restart|stop|start|exec)(?:\?(.*))?$/.exec(request.url ?? "");
    const name = match ? decodeURIComponent(match[1]!) : "";
    const container = match ? containers[name] : undefined;
    if (!match || !container) return json(response, 404, { message: `No such container: ${match?.[1] ?? ""}` });
    if (match[2] === "json") {
      const health = container.health
        ? {
            Health: {
              Status: container.health,
              Log: (container.healthLog ?? []).map((probe) => ({ ExitCode: probe.exitCode, Output: probe.output })),
            },
          }
        : {};
      const bindings = Object.fromEntries(
        Object.entries(container.published ?? {}).map(([port, hostPort]) => [
          port,
          [{ HostIp: "127.0.0.1", HostPort: String(hostPort) }],
        ]),
      );
      json(response, 200, {
        State: { Status: container.status, ExitCode: container.exitCode ?? 0, ...health },
        RestartCount: container.restartCount ?? 0,
        HostConfig: { PortBindings: bindings },
        Config: container.healthTest ? { Healthcheck: { Test: container.healthTest } } : {},
      });
    } else if (match[2] === "restart" && request.method === "POST") {
      restarted.push(name);
      response.writeHead(204);
      response.end();
    } else if ((match[2] === "stop" || match[2] === "start") && request.method === "POST") {
      lifecycle.push(`${match[2]} ${name}`);
      response.writeHead(204);
      response.end();
    } else if (match[2] === "exec" && request.method === "POST") {
      const body = JSON.parse(await text(request)) as { Cmd?: string[] };
      if (!container.exec) return json(response, 409, { message: `container ${name} is not running` });
      const id = `exec${created.size + 1}`;
      created.set(id, { container: name, command: body.Cmd ?? [], running: false });
      json(response, 201, { Id: id });
    } else {
      logQueries.push(match[3] ?? "");
      // Without a TTY the daemon multiplexes stdout and stderr in frames: type, 3 zero bytes, big-endian size.
      response.writeHead(200, { "content-type": "application/vnd.docker.multiplexed-stream" });
      for (const [stream, text] of container.logs ?? []) {
        const payload = Buffer.from(`${text}\n`);
        // Split each frame across writes, as a socket may deliver it.
        const framed = frame(stream, payload);
        response.write(framed.subarray(0, 11));
        response.write(framed.subarray(11));
      }
      response.end();
    }
  });
  // The daemon keeps idle connections open (Go's http.Server without an IdleTimeout); Node's server would close
  // them after 5 s, under a client that reuses them.
  server.keepAliveTimeout = 0;
  // POST /exec/{id}/start with Upgrade: tcp hijacks the connection: stdin up, multiplexed stdout and stderr down.
  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const match = /^\/exec\/([^/]+)\/start$/.exec(request.url ?? "");
    const exec = match ? created.get(match[1]!) : undefined;
    if (!exec) {
      socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    execs.push({ container: exec.container, command: exec.command });
    // The start request's own JSON body comes first on the connection; what follows is the command's stdin.
    let skip = Number(request.headers["content-length"] ?? 0);
    const { file, args, env } = containers[exec.container]!.exec!(exec.command);
    const child = spawn(file, args, { env: env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    exec.running = true;
    socket.write(
      "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n",
    );
    const input = (chunk: Buffer) => {
      const rest = chunk.subarray(Math.min(skip, chunk.length));
      skip -= chunk.length - rest.length;
      if (rest.length > 0) child.stdin.write(rest);
    };
    if (head.length > 0) input(head);
    socket.on("data", input);
    // The client's half-close ends the command's input.
    socket.on("end", () => child.stdin.end());
    child.stdin.on("error", () => undefined);
    child.stdout.on("data", (chunk: Buffer) => socket.write(frame(1, chunk)));
    child.stderr.on("data", (chunk: Buffer) => socket.write(frame(2, chunk)));
    child.on("close", (code) => {
      exec.running = false;
      exec.exitCode = code ?? -1;
      socket.end();
    });
  });
  server.listen(socketPath);
  await once(server, "listening");
  return {
    socketPath,
    restarted,
    lifecycle,
    execs,
    logQueries,
    stop: async () => {
      await close(server);
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}
