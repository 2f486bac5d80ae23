/**
 * The few Docker Engine API calls the operations CLI needs: a container's state and health, its logs, a restart.
 * Talks to the daemon DOCKER_HOST names (a unix socket by default, or tcp://) with Node's http client.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { describeNetworkError, OpsError } from "./errors";

export interface ContainerState {
  /** created, running, restarting, exited, ... */
  readonly status: string;
  /** healthy, unhealthy, starting, or undefined without a healthcheck. */
  readonly health?: string;
  readonly restartCount: number;
}

export interface LogOptions {
  /** Unix seconds. */
  readonly since?: number;
  readonly follow: boolean;
  readonly write: (line: string) => void;
}

export interface DockerPort {
  inspect(container: string): Promise<ContainerState | undefined>;
  logs(container: string, options: LogOptions): Promise<void>;
  restart(container: string): Promise<void>;
}

type Endpoint = { socketPath: string } | { host: string; port: number };

/** Where the daemon listens, from DOCKER_HOST. */
export function dockerEndpoint(dockerHost: string | undefined): Endpoint {
  if (!dockerHost) return { socketPath: "/var/run/docker.sock" };
  if (dockerHost.startsWith("unix://")) return { socketPath: dockerHost.slice("unix://".length) };
  const tcp = /^tcp:\/\/([^:/]+)(?::(\d+))?\/?$/.exec(dockerHost);
  if (tcp) return { host: tcp[1]!, port: Number(tcp[2] ?? 2375) };
  throw new OpsError(`DOCKER_HOST=${dockerHost}: only unix:// and tcp:// daemons are supported here; use an SSH tunnel to a local socket`);
}

export class DockerEngine implements DockerPort {
  constructor(private readonly endpoint: Endpoint) {}

  async inspect(container: string): Promise<ContainerState | undefined> {
    const response = await this.call("GET", `/containers/${encodeURIComponent(container)}/json`);
    if (response.statusCode === 404) {
      response.resume();
      return undefined;
    }
    const body = JSON.parse(await readAll(response)) as { State?: { Status?: string; Health?: { Status?: string } }; RestartCount?: number };
    this.expect(response, 200, `inspect ${container}`);
    return { status: body.State?.Status ?? "unknown", health: body.State?.Health?.Status, restartCount: body.RestartCount ?? 0 };
  }

  async logs(container: string, options: LogOptions): Promise<void> {
    const query = new URLSearchParams({ stdout: "1", stderr: "1", timestamps: "1", follow: options.follow ? "1" : "0" });
    if (options.since !== undefined) query.set("since", String(options.since));
    const response = await this.call("GET", `/containers/${encodeURIComponent(container)}/logs?${query}`);
    if (response.statusCode === 404) throw new OpsError(`no container ${container}: is the stack up?`);
    this.expect(response, 200, `read the logs of ${container}`);
    await demultiplex(response, options.write);
  }

  async restart(container: string): Promise<void> {
    const response = await this.call("POST", `/containers/${encodeURIComponent(container)}/restart`);
    response.resume();
    if (response.statusCode === 404) throw new OpsError(`no container ${container}: is the stack up?`);
    this.expect(response, 204, `restart ${container}`);
  }

  private expect(response: IncomingMessage, status: number, what: string): void {
    if (response.statusCode !== status) throw new OpsError(`Docker could not ${what} (HTTP ${response.statusCode})`);
  }

  private call(method: string, path: string): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ ...this.endpoint, method, path, headers: { host: "docker" } }, resolve);
      req.on("error", (error) => {
        const where = "socketPath" in this.endpoint ? this.endpoint.socketPath : `${this.endpoint.host}:${this.endpoint.port}`;
        reject(new OpsError(`cannot reach the Docker daemon at ${where}: ${describeNetworkError(error)}`));
      });
      req.end();
    });
  }
}

async function readAll(stream: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A container without a TTY sends its logs as frames: one byte for the stream, three of padding, a 32-bit
 * big-endian length, then that many bytes of output.
 */
export async function demultiplex(stream: AsyncIterable<Buffer | string>, write: (line: string) => void): Promise<void> {
  let pending = Buffer.alloc(0);
  let text = "";
  for await (const chunk of stream) {
    pending = Buffer.concat([pending, typeof chunk === "string" ? Buffer.from(chunk) : chunk]);
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      text += pending.subarray(8, 8 + size).toString("utf8");
      pending = pending.subarray(8 + size);
    }
    const lines = text.split("\n");
    text = lines.pop() ?? "";
    for (const line of lines) write(line);
  }
  if (text !== "") write(text);
}
