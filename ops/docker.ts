/**
 * The few Docker Engine API calls the operations CLI needs: a container's state and health, its logs, a restart,
 * a stop and a start, and a command run inside a container (pg_dump and pg_restore in the Postgres container).
 * Through dockerode (docker-modem), which speaks to a unix socket, tcp (TLS too) or ssh; the daemon is found as
 * the docker CLI finds it: DOCKER_HOST, else the current Docker context (DOCKER_CONTEXT, or currentContext in
 * the CLI's config.json), else the local socket.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import Docker from "dockerode";
import { describeNetworkError, OpsError } from "./errors";

export interface ContainerState {
  /** created, running, restarting, exited, ... */
  readonly status: string;
  /** healthy, unhealthy, starting, or undefined without a healthcheck. */
  readonly health?: string;
  /** The last health check, when it failed: its exit code, the URL it probes (if any), the last line it printed. */
  readonly failedHealthCheck?: { readonly exitCode: number; readonly url?: string; readonly output: string };
  /** The exit code of its process, once it exited. */
  readonly exitCode?: number;
  readonly restartCount: number;
  /** The host ports it publishes. */
  readonly published: readonly number[];
}

export interface LogOptions {
  /** Unix seconds. */
  readonly since?: number;
  readonly follow: boolean;
  readonly write: (line: string) => void;
}

export interface ExecOptions {
  /** Sent to the command's standard input, which is closed at its end. */
  readonly stdin?: NodeJS.ReadableStream;
  /** Receives the command's standard output. */
  readonly stdout: NodeJS.WritableStream;
}

export interface DockerPort {
  /** Whether the daemon runs on this machine (a local socket): the host paths and ports it uses are this machine's. */
  readonly local: boolean;
  /** Fails, saying where it looked, when the daemon does not answer. */
  ping(): Promise<void>;
  inspect(container: string): Promise<ContainerState | undefined>;
  logs(container: string, options: LogOptions): Promise<void>;
  restart(container: string): Promise<void>;
  stop(container: string): Promise<void>;
  start(container: string): Promise<void>;
  /** Runs `command` inside the container (docker exec, no TTY); its exit code and what it wrote on stderr. */
  exec(
    container: string,
    command: readonly string[],
    options: ExecOptions,
  ): Promise<{ exitCode: number; stderr: string }>;
}

export interface DockerConnection {
  /** docker-modem's options, every one set, so that nothing falls back to this process's own DOCKER_HOST. */
  readonly options: Docker.DockerOptions;
  /** Where the daemon is, in words, for messages. */
  readonly description: string;
  /** Whether it runs on this machine: a unix socket or named pipe, or tcp to loopback. */
  readonly local: boolean;
}

/** The Docker CLI's config directory: DOCKER_CONFIG, or ~/.docker. */
function configDir(env: NodeJS.ProcessEnv): string {
  return env["DOCKER_CONFIG"] || join(env["HOME"] || homedir(), ".docker");
}

/** The daemon address of the current Docker context, or undefined for the default context. */
function contextHost(env: NodeJS.ProcessEnv): { host: string; context: string } | undefined {
  const dir = configDir(env);
  let context = env["DOCKER_CONTEXT"];
  if (!context) {
    const config = join(dir, "config.json");
    if (!existsSync(config)) return undefined;
    try {
      context = (JSON.parse(readFileSync(config, "utf8")) as { currentContext?: string }).currentContext;
    } catch {
      throw new OpsError(`${config} is not valid JSON: the docker CLI cannot read it either`);
    }
  }
  if (!context || context === "default") return undefined;
  // The CLI stores a context's endpoints under the SHA-256 of its name.
  const meta = join(dir, "contexts", "meta", createHash("sha256").update(context).digest("hex"), "meta.json");
  if (!existsSync(meta))
    throw new OpsError(`the Docker context "${context}" does not exist (docker context ls lists them)`);
  const host = (JSON.parse(readFileSync(meta, "utf8")) as { Endpoints?: { docker?: { Host?: string } } }).Endpoints
    ?.docker?.Host;
  if (!host) throw new OpsError(`the Docker context "${context}" names no Docker endpoint`);
  return { host, context };
}

/** How to reach the daemon, as the docker CLI would with this environment. */
export function dockerConnection(env: NodeJS.ProcessEnv): DockerConnection {
  const none = {
    host: undefined,
    port: undefined,
    socketPath: undefined,
    protocol: undefined,
    username: undefined,
    sshOptions: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
  };
  const fromContext = env["DOCKER_HOST"] ? undefined : contextHost(env);
  const address = env["DOCKER_HOST"] || fromContext?.host;
  const via = fromContext ? ` (Docker context ${fromContext.context})` : "";
  if (!address) {
    const desktop = join(env["HOME"] || homedir(), ".docker", "run", "docker.sock");
    const socketPath = existsSync(desktop) ? desktop : "/var/run/docker.sock";
    return { options: { ...none, socketPath }, description: socketPath, local: true };
  }
  if (address.startsWith("unix://") || address.startsWith("npipe://")) {
    const socketPath = address.replace(/^(unix|npipe):\/\//, "");
    return { options: { ...none, socketPath }, description: `${socketPath}${via}`, local: true };
  }
  let url: URL;
  try {
    url = new URL(address.includes("://") ? address : `tcp://${address}`);
  } catch {
    throw new OpsError(`DOCKER_HOST=${address}: expected unix://<socket>, tcp://<host>:<port> or ssh://<user>@<host>`);
  }
  if (url.protocol === "ssh:") {
    return {
      options: {
        ...none,
        protocol: "ssh",
        host: url.hostname,
        port: Number(url.port || 22),
        username: decodeURIComponent(url.username) || undefined,
        sshOptions: { agent: env["SSH_AUTH_SOCK"] },
      },
      description: `${address}${via}`,
      local: false,
    };
  }
  if (url.protocol !== "tcp:")
    throw new OpsError(`DOCKER_HOST=${address}: expected unix://<socket>, tcp://<host>:<port> or ssh://<user>@<host>`);
  const tls = env["DOCKER_TLS_VERIFY"] === "1" || url.port === "2376";
  const certs = env["DOCKER_CERT_PATH"];
  const files =
    tls && certs
      ? {
          ca: readFileSync(join(certs, "ca.pem")),
          cert: readFileSync(join(certs, "cert.pem")),
          key: readFileSync(join(certs, "key.pem")),
        }
      : {};
  return {
    options: {
      ...none,
      protocol: tls ? "https" : "http",
      host: url.hostname,
      port: Number(url.port || (tls ? 2376 : 2375)),
      ...files,
    },
    description: `${address}${via}`,
    local: ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname),
  };
}

interface DockerError extends Error {
  statusCode?: number;
  json?: { message?: string } | null;
}

export class DockerEngine implements DockerPort {
  private readonly docker: Docker;
  readonly local: boolean;

  constructor(private readonly connection: DockerConnection) {
    this.docker = new Docker(connection.options);
    this.local = connection.local;
  }

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (error) {
      throw this.failure(error, "answer");
    }
  }

  async inspect(container: string): Promise<ContainerState | undefined> {
    try {
      const body = await this.docker.getContainer(container).inspect();
      const state = body.State;
      const probe = state?.Health?.Log?.at(-1);
      const bindings = (body.HostConfig?.PortBindings ?? {}) as Record<string, { HostPort?: string }[] | null>;
      const published = Object.values(bindings).flatMap((list) =>
        (list ?? []).map((binding) => Number(binding.HostPort)),
      );
      return {
        status: state?.Status ?? "unknown",
        health: state?.Health?.Status,
        ...(probe && probe.ExitCode !== 0
          ? { failedHealthCheck: failedCheck(probe, body.Config?.Healthcheck?.Test ?? []) }
          : {}),
        ...(state?.Status === "exited" ? { exitCode: state.ExitCode } : {}),
        restartCount: body.RestartCount ?? 0,
        published: published.filter((port) => Number.isInteger(port) && port > 0),
      };
    } catch (error) {
      if ((error as DockerError).statusCode === 404) return undefined;
      throw this.failure(error, `inspect ${container}`);
    }
  }

  async logs(container: string, options: LogOptions): Promise<void> {
    const query = {
      stdout: true,
      stderr: true,
      timestamps: true,
      ...(options.since === undefined ? {} : { since: options.since }),
    };
    try {
      if (options.follow) {
        await demultiplex(await this.docker.getContainer(container).logs({ ...query, follow: true }), options.write);
      } else {
        await demultiplex([await this.docker.getContainer(container).logs({ ...query, follow: false })], options.write);
      }
    } catch (error) {
      throw this.failure(error, `read the logs of ${container}`, container);
    }
  }

  async restart(container: string): Promise<void> {
    try {
      await this.docker.getContainer(container).restart();
    } catch (error) {
      throw this.failure(error, `restart ${container}`, container);
    }
  }

  async stop(container: string): Promise<void> {
    try {
      await this.docker.getContainer(container).stop();
    } catch (error) {
      // 304: already stopped.
      if ((error as DockerError).statusCode !== 304) throw this.failure(error, `stop ${container}`, container);
    }
  }

  async start(container: string): Promise<void> {
    try {
      await this.docker.getContainer(container).start();
    } catch (error) {
      if ((error as DockerError).statusCode !== 304) throw this.failure(error, `start ${container}`, container);
    }
  }

  async exec(
    container: string,
    command: readonly string[],
    options: ExecOptions,
  ): Promise<{ exitCode: number; stderr: string }> {
    try {
      const stdin = options.stdin !== undefined;
      const exec = await this.docker
        .getContainer(container)
        .exec({ Cmd: [...command], AttachStdin: stdin, AttachStdout: true, AttachStderr: true, Tty: false });
      // Hijacked: the connection carries stdin up and the multiplexed stdout and stderr down.
      const stream = await exec.start({ hijack: true, stdin });
      const stderr: Buffer[] = [];
      const errors = new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          stderr.push(chunk);
          done();
        },
      });
      const ended = new Promise<void>((resolve, reject) => {
        stream.on("end", resolve);
        stream.on("close", resolve);
        // A command that exits before reading all its input closes the connection under the input still being
        // sent: its exit code says what happened.
        stream.on("error", (error: NodeJS.ErrnoException) =>
          stdin && (error.code === "EPIPE" || error.code === "ECONNRESET") ? resolve() : reject(error),
        );
      });
      this.docker.modem.demuxStream(stream, options.stdout, errors);
      // The end of the input half-closes the connection: the daemon then closes the command's stdin.
      if (options.stdin) options.stdin.pipe(stream);
      await ended;
      const { ExitCode } = await exec.inspect();
      return { exitCode: ExitCode ?? -1, stderr: Buffer.concat(stderr).toString("utf8") };
    } catch (error) {
      throw this.failure(error, `run ${command[0]} in ${container}`, container);
    }
  }

  /** One line for what went wrong: no daemon, no such container, or the daemon's own message. */
  private failure(error: unknown, what: string, container?: string): OpsError {
    if (error instanceof OpsError) return error;
    const status = (error as DockerError).statusCode;
    if (status === 404 && container !== undefined) return new OpsError(`no container ${container}: is the stack up?`);
    if (status !== undefined) {
      const reason = (error as DockerError).json?.message;
      return new OpsError(`Docker could not ${what} (HTTP ${status})${reason ? `: ${reason}` : ""}`);
    }
    return new OpsError(
      `cannot reach the Docker daemon at ${this.connection.description}: ${describeNetworkError(error)}; start Docker (Docker Desktop, or sudo systemctl start docker), or point DOCKER_HOST at the daemon`,
    );
  }
}

function failedCheck(
  probe: { ExitCode: number; Output: string },
  test: readonly string[],
): NonNullable<ContainerState["failedHealthCheck"]> {
  const url = test.find((word) => /^https?:\/\//.test(word)) ?? /https?:\/\/[^\s'"]+/.exec(test.join(" "))?.[0];
  return { exitCode: probe.ExitCode, ...(url ? { url } : {}), output: probe.Output.trim().split("\n").at(-1) ?? "" };
}

/**
 * A container without a TTY sends its logs as frames: one byte for the stream, three of padding, a 32-bit
 * big-endian length, then that many bytes of output.
 */
export async function demultiplex(
  stream: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  write: (line: string) => void,
): Promise<void> {
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
