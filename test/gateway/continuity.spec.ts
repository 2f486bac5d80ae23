/**
 * A second `up` after `down` on the dev stack. The program runs under Pulumi's mocks against a stand-in for the
 * stack's state (test/support/engine.ts): the first `up` gives the Postgres and proxy containers their
 * environment, `litellm-mcp down` destroys the stack as the CLI does, and the second `up` gives the containers
 * theirs again. The real Postgres 15 runs on the volume as the postgres image does (initialised from the first
 * container's environment, then started again on the kept data, ignoring the new one), LiteLLM's own migrations
 * make its schema, and LiteLLM's own helper encrypts a credential into its credentials table with the salt key
 * the program gave the proxy. Whether the second `up` can read it all depends on the program alone: which keys
 * it protects, where it keeps them, what `down` excludes and whether the volume survives.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ENV } from "../../config/constants";
import { run } from "../../ops/cli";
import { realDeps } from "../../ops/context";
import type { PulumiPort } from "../../ops/pulumi";
import { StackState } from "../support/engine";
import { loadStack, PROJECT_DIR } from "../support/stacks";
import { type DevDeployment, upDev } from "./deployment";
import { applyMigrations, migrationFiles } from "./migrations";
import { ImageVolume, psqlUrl } from "./postgres";
import { ensureVenv, pythonEnvs } from "./python";

const CREDENTIAL = "aws-secret-access-key-stored-through-the-ui";

/** `litellm-mcp down --stack dev`, with Pulumi's destroy carried out on the stack state. */
async function down(state: StackState): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const pulumi = {
    destroy: async (
      _stack: string,
      _write: (text: string) => void,
      options: { keepProtected: boolean; onSelected?: () => void },
    ) => {
      options.onSelected?.();
      await state.destroy({ excludeProtected: options.keepProtected });
    },
  } as unknown as PulumiPort;
  const io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd: PROJECT_DIR,
    // A backend of its own: nothing is written into the project.
    env: { PULUMI_BACKEND_URL: "file:///nonexistent", PULUMI_CONFIG_PASSPHRASE: "unused" },
  };
  const status = await run(["down", "--stack", "dev"], io, { ...realDeps, pulumi: () => pulumi });
  return { status, stdout, stderr };
}

describe("dev down and up: the data, and the keys the program gives the containers to read it, against the real Postgres and LiteLLM", function () {
  this.timeout(120_000);
  let python: string;
  let volume: ImageVolume;
  let first: DevDeployment;
  let second: DevDeployment;
  let downResult: { status: number; stdout: string; stderr: string };
  let volumeKept: boolean;

  const litellm = (mode: "encrypt" | "decrypt", saltKey: string, input: string) =>
    spawnSync(join(python, "python"), [join(__dirname, "salt_roundtrip.py"), mode], {
      encoding: "utf8",
      env: { ...process.env, LITELLM_SALT_KEY: saltKey, LITELLM_LOG: "ERROR", LITELLM_LOCAL_MODEL_COST_MAP: "True" },
      input,
    });

  before(async function () {
    this.timeout(20 * 60_000);
    python = ensureVenv(pythonEnvs(loadStack("dev")).find((env) => env.name === "litellm-proxy")!, (line) =>
      process.stdout.write(`  ${line}\n`),
    );
    const state = new StackState();

    // First `up`: the volume is empty; the image initialises it from the container's environment; LiteLLM's
    // migrations make its schema, and a credential is stored encrypted with the proxy's salt key.
    first = await upDev(state);
    volume = new ImageVolume();
    await volume.startContainer(first.postgres.env, first.postgres.command);
    const url = volume.server.reach(first.proxy.env[ENV.databaseUrl]!);
    applyMigrations(url, migrationFiles(python));
    const encrypted = litellm("encrypt", first.proxy.env[ENV.saltKey]!, CREDENTIAL);
    assert.equal(encrypted.status, 0, encrypted.stderr);
    const values = JSON.stringify({ aws_secret_access_key: encrypted.stdout.trim() }).replace(/'/g, "''");
    const stored = psqlUrl(
      url,
      `INSERT INTO "LiteLLM_CredentialsTable" (credential_id, credential_name, credential_values, created_by, updated_by) VALUES ('c1', 'bedrock', '${values}', 'admin', 'admin')`,
    );
    assert.equal(stored.status, 0, stored.stderr);

    // `down`: the CLI destroys the stack; the container goes, and the volume stays if the program keeps it.
    downResult = await down(state);
    volume.stopContainer();
    volumeKept = first.volume.retainOnDelete;
    if (!volumeKept) {
      volume.remove();
      volume = new ImageVolume();
    }

    // The second `up`, on what is left.
    second = await upDev(state);
    await volume.startContainer(second.postgres.env, second.postgres.command);
  });

  after(() => volume?.remove());

  it("keeps the Postgres volume through litellm-mcp down, and says so", () => {
    assert.equal(downResult.status, 0, downResult.stderr);
    assert.ok(volumeKept, "the program lets the volume go with the stack");
    assert.ok(existsSync(join(volume.server.dataDir, "PG_VERSION")));
    assert.match(downResult.stdout, new RegExp(`keeps the Postgres volume ${first.volume.name}`));
  });

  it("logs in to the kept volume with the DATABASE_URL the program gives the proxy after down and up", () => {
    const login = psqlUrl(
      volume.server.reach(second.proxy.env[ENV.databaseUrl]!),
      `SELECT credential_name FROM "LiteLLM_CredentialsTable"`,
    );
    assert.deepEqual([login.status, login.stdout.trim()], [0, "bedrock"], login.stderr);
  });

  it("decrypts the stored credential with the salt key the program gives the proxy after down and up", () => {
    const row = psqlUrl(
      volume.server.reach(second.proxy.env[ENV.databaseUrl]!),
      `SELECT credential_values->>'aws_secret_access_key' FROM "LiteLLM_CredentialsTable"`,
    );
    assert.equal(row.status, 0, row.stderr);
    assert.notEqual(row.stdout.trim(), CREDENTIAL, "LiteLLM stored the credential encrypted");
    const decrypted = litellm("decrypt", second.proxy.env[ENV.saltKey]!, row.stdout.trim());
    assert.deepEqual([decrypted.status, decrypted.stdout.trim()], [0, CREDENTIAL], decrypted.stderr);
  });

  it("could not read the volume with the keys of a stack created anew (what a regenerated key would break)", async () => {
    const fresh = await upDev(new StackState());
    const refused = psqlUrl(volume.server.reach(fresh.proxy.env[ENV.databaseUrl]!), "SELECT 1");
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /password authentication failed for user "litellm"/);
    const row = psqlUrl(
      volume.server.reach(second.proxy.env[ENV.databaseUrl]!),
      `SELECT credential_values->>'aws_secret_access_key' FROM "LiteLLM_CredentialsTable"`,
    );
    assert.equal(litellm("decrypt", fresh.proxy.env[ENV.saltKey]!, row.stdout.trim()).status, 3);
  });
});
