/**
 * The suite's certificate authority: server certificates for the names AWS's endpoints carry (ElastiCache's
 * replication group, the load balancer's DNS name), made with openssl. Its bundle (the system's CAs and this one)
 * is what the tasks trust through SSL_CERT_FILE, as an image trusts Amazon's CAs.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

export interface TestCa {
  /** The CA's own certificate. */
  readonly cert: string;
  /** The system CA bundle with the suite's CA: for SSL_CERT_FILE. */
  readonly bundle: string;
  /** A server certificate and key for `hostname`, signed by the CA. */
  issue(hostname: string): { cert: string; key: string };
}

function openssl(args: string[]): void {
  const result = spawnSync("openssl", args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`openssl ${args[0]}: ${result.stderr.trim()}`);
}

export function createTestCa(dir: string): TestCa {
  const file = (name: string) => join(dir, `tls-${name}`);
  openssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=litellm-mcp test CA",
    "-keyout",
    file("ca.key"),
    "-out",
    file("ca.crt"),
  ]);
  writeFileSync(file("bundle.crt"), `${readFileSync(SYSTEM_BUNDLE, "utf8")}\n${readFileSync(file("ca.crt"), "utf8")}`);
  return {
    cert: file("ca.crt"),
    bundle: file("bundle.crt"),
    issue(hostname) {
      const base = file(hostname);
      openssl([
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        `/CN=${hostname}`,
        "-keyout",
        `${base}.key`,
        "-out",
        `${base}.csr`,
      ]);
      writeFileSync(`${base}.ext`, `subjectAltName=DNS:${hostname}\n`);
      openssl([
        "x509",
        "-req",
        "-in",
        `${base}.csr`,
        "-CA",
        file("ca.crt"),
        "-CAkey",
        file("ca.key"),
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        `${base}.ext`,
        "-out",
        `${base}.crt`,
      ]);
      return { cert: `${base}.crt`, key: `${base}.key` };
    },
  };
}
