/**
 * Where a stack's state lives. A stack on the docker target defaults to a local file backend in the project
 * (.pulumi-state/) with a passphrase generated there when a stack is first written, so that a newcomer needs no
 * Pulumi account; reading a stack that was never deployed creates nothing.
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
  /**
   * False when the backend holds no stack for certain: the project's own state folder was never made. A command
   * that only reads a stack then says so without starting Pulumi, and leaves nothing behind.
   */
  readonly mayHoldStacks: boolean;
  /** Makes what writing a stack needs: the generated passphrase of the project's own state folder, once. */
  prepare(): void;
}

export function backendFor(project: string, target: "docker" | "aws", env: NodeJS.ProcessEnv): Backend {
  const nothingToPrepare = () => undefined;
  if (env["PULUMI_BACKEND_URL"])
    return { env: {}, description: env["PULUMI_BACKEND_URL"], mayHoldStacks: true, prepare: nothingToPrepare };
  if (target !== "docker")
    return {
      env: {},
      description: "the backend you are logged in to (pulumi login)",
      mayHoldStacks: true,
      prepare: nothingToPrepare,
    };

  const stateDir = join(project, STATE_DIR);
  const result: Record<string, string> = { PULUMI_BACKEND_URL: `file://${stateDir}` };
  const description = `the local file backend in ${stateDir}`;
  const mayHoldStacks = existsSync(stateDir);
  if (env["PULUMI_CONFIG_PASSPHRASE"] !== undefined || env["PULUMI_CONFIG_PASSPHRASE_FILE"])
    return { env: result, description, mayHoldStacks, prepare: nothingToPrepare };
  const passphraseFile = join(stateDir, "passphrase");
  result["PULUMI_CONFIG_PASSPHRASE_FILE"] = passphraseFile;
  return {
    env: result,
    description,
    mayHoldStacks,
    prepare() {
      if (existsSync(passphraseFile)) return;
      mkdirSync(stateDir, { recursive: true });
      writeFileSync(passphraseFile, randomBytes(32).toString("hex"), { mode: 0o600 });
    },
  };
}
