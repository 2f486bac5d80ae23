/**
 * Redis as ElastiCache serves it with encryption in transit and an auth token: TLS only (no plain port), the token
 * required, a server certificate for the replication group's endpoint name, signed by the suite's certificate
 * authority (./tls.ts). Debian's redis-server is built with TLS.
 */
import { spawnSync } from "node:child_process";
import { type Started, startProcess, waitFor } from "./processes";
import type { TestCa } from "./tls";

export interface TlsRedis {
  readonly process: Started;
  readonly host: string;
  readonly port: number;
  /** redis-cli over TLS with the token; its output, trimmed, and its status. */
  cli(args: readonly string[]): { status: number | null; output: string };
}

export async function startTlsRedis(options: {
  host: string;
  port: number;
  hostname: string;
  password: string;
  ca: TestCa;
  logDir: string;
}): Promise<TlsRedis> {
  const server = options.ca.issue(options.hostname);
  const started = startProcess(
    "redis-tls",
    [
      "redis-server",
      "--port",
      "0",
      "--tls-port",
      String(options.port),
      "--bind",
      options.host,
      "--tls-cert-file",
      server.cert,
      "--tls-key-file",
      server.key,
      "--tls-ca-cert-file",
      options.ca.cert,
      "--tls-auth-clients",
      "no",
      "--requirepass",
      options.password,
      "--save",
      "",
      "--appendonly",
      "no",
    ],
    { env: { PATH: process.env["PATH"] }, logDir: options.logDir },
  );
  const cli = (args: readonly string[]) => {
    const result = spawnSync(
      "redis-cli",
      [
        "--tls",
        "--cacert",
        options.ca.cert,
        "--sni",
        options.hostname,
        "-h",
        options.host,
        "-p",
        String(options.port),
        "--no-auth-warning",
        ...args,
      ],
      { encoding: "utf8", env: { PATH: process.env["PATH"], REDISCLI_AUTH: options.password } },
    );
    return { status: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() };
  };
  await waitFor(started, "PONG over TLS", async () => cli(["PING"]).output === "PONG", 15_000);
  return { process: started, host: options.host, port: options.port, cli };
}
