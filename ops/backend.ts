/**
 * Where a stack's state lives. A stack on the docker target defaults to a local file backend in the project
 * (.pulumi-state/) with a passphrase generated there on first use, so that a newcomer needs no Pulumi account.
 * Other stacks use whatever backend the user is logged in to. PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE
 * (or _FILE) in the environment always win.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const STATE_DIR = ".pulumi-state";

export interface Backend {
  /** Environment for the Pulumi CLI. */
  readonly env: Record<string, string>;
  /** Where the state is, in words, for messages. */
  readonly description: string;
}

export function backendFor(project: string, target: "docker" | "aws", env: NodeJS.ProcessEnv): Backend {
  if (env["PULUMI_BACKEND_URL"]) return { env: {}, description: env["PULUMI_BACKEND_URL"] };
  if (target !== "docker") return { env: {}, description: "the backend you are logged in to (pulumi login)" };

  const stateDir = join(project, STATE_DIR);
  const result: Record<string, string> = { PULUMI_BACKEND_URL: `file://${stateDir}` };
  if (env["PULUMI_CONFIG_PASSPHRASE"] === undefined && !env["PULUMI_CONFIG_PASSPHRASE_FILE"]) {
    const passphraseFile = join(stateDir, "passphrase");
    if (!existsSync(passphraseFile)) {
      mkdirSync(stateDir, { recursive: true });
      writeFileSync(passphraseFile, randomBytes(32).toString("hex"), { mode: 0o600 });
    }
    result["PULUMI_CONFIG_PASSPHRASE_FILE"] = passphraseFile;
  }
  return { env: result, description: `the local file backend in ${stateDir}` };
}
