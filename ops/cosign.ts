/** cosign, the Sigstore CLI, run as a process: `cosign verify --key <url> <image>` checks an image's signature. */
import { spawn } from "node:child_process";
import { OpsError } from "./errors";

export interface SignaturePort {
  /** Verifies the image's signature against the public key at `keyUrl`; fails when it does not verify. */
  verify(image: string, keyUrl: string, write: (text: string) => void): Promise<void>;
}

export class Cosign implements SignaturePort {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  verify(image: string, keyUrl: string, write: (text: string) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn("cosign", ["verify", "--key", keyUrl, image], {
        env: this.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      // cosign prints what it checked on stderr and the verified payloads as JSON on stdout: only the former reads well.
      child.stderr.on("data", (chunk: Buffer) => write(chunk.toString("utf8")));
      child.stdout.resume();
      child.on("error", (error: NodeJS.ErrnoException) =>
        reject(
          error.code === "ENOENT"
            ? new OpsError(
                "cosign is not installed: see https://docs.sigstore.dev/cosign/system_config/installation/ (the deploy workflow installs it with sigstore/cosign-installer)",
              )
            : new OpsError(`cannot run cosign: ${error.message}`),
        ),
      );
      child.on("close", (code) =>
        code === 0
          ? resolve()
          : reject(
              new OpsError(
                `the signature of ${image} does not verify against ${keyUrl} (cosign exit ${code}): do not deploy it`,
              ),
            ),
      );
    });
  }
}
