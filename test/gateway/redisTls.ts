/**
 * Redis as ElastiCache serves it with encryption in transit and an auth token: TLS only (no plain port), the token
 * required, a server certificate for the replication group's endpoint name, signed by a certificate authority the
 * suite makes. Debian's redis-server is built with TLS. The test CA joins the system's CA bundle for the tasks, as
 * Amazon's CA is in an image's trust store.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Started, startProcess, waitFor } from "./processes";

function openssl(args: string[]): void {
  const result = spawnSync("openssl", args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`openssl ${args[0]}: ${result.stderr.trim()}`);
}

export interface TlsRedis {
  readonly process: Started;
  readonly host: string;
  readonly port: number;
  /** The system CA bundle with the suite's CA: for SSL_CERT_FILE. */
  readonly caBundle: string;
  /** redis-cli over TLS with the token; its output, trimmed, and its status. */
  cli(args: readonly string[]): { status: number | null; output: string };
}

const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

export async function startTlsRedis(options: { host: string; port: number; hostname: string; password: string; logDir: string }): Promise<TlsRedis> {
  const file = (name: string) => join(options.logDir, `redis-${name}`);
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=litellm-mcp test CA", "-keyout", file("ca.key"), "-out", file("ca.crt")]);
  openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${options.hostname}`, "-keyout", file("server.key"), "-out", file("server.csr")]);
  writeFileSync(file("san.ext"), `subjectAltName=DNS:${options.hostname}\n`);
  openssl(["x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial", "-days", "1", "-extfile", file("san.ext"), "-out", file("server.crt")]);
  writeFileSync(file("bundle.crt"), `${readFileSync(SYSTEM_BUNDLE, "utf8")}\n${readFileSync(file("ca.crt"), "utf8")}`);
  const started = startProcess(
    "redis-tls",
    [
      "redis-server",
      "--port", "0",
      "--tls-port", String(options.port),
      "--bind", options.host,
      "--tls-cert-file", file("server.crt"),
      "--tls-key-file", file("server.key"),
      "--tls-ca-cert-file", file("ca.crt"),
      "--tls-auth-clients", "no",
      "--requirepass", options.password,
      "--save", "",
      "--appendonly", "no",
    ],
    { env: { PATH: process.env["PATH"] }, logDir: options.logDir },
  );
  const cli = (args: readonly string[]) => {
    const result = spawnSync(
      "redis-cli",
      ["--tls", "--cacert", file("ca.crt"), "--sni", options.hostname, "-h", options.host, "-p", String(options.port), "--no-auth-warning", ...args],
      { encoding: "utf8", env: { PATH: process.env["PATH"], REDISCLI_AUTH: options.password } },
    );
    return { status: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() };
  };
  await waitFor(started, "PONG over TLS", async () => cli(["PING"]).output === "PONG", 15_000);
  return { process: started, host: options.host, port: options.port, caBundle: file("bundle.crt"), cli };
}
