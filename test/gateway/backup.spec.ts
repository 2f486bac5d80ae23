/**
 * `litellm-mcp backup` and `restore` of the dev stack, end to end: the CLI as users run it, the Docker Engine API
 * through dockerode, and pg_dump, pg_restore and psql against the real Postgres 15, initialised as the postgres
 * image initialises the volume the program gives it, holding LiteLLM's schema of the pinned release. Only the
 * engine is a stand-in (no Docker engine here): it answers the Engine API, and runs what `docker exec` would run in
 * the Postgres container as a process here, reaching the server through its unix socket as the container does.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENV } from "../../config/constants";
import { run } from "../../ops/cli";
import { realDeps } from "../../ops/context";
import { StackState } from "../support/engine";
import { reveal } from "../support/pulumi";
import { type DockerStandIn, startDockerStandIn } from "../support/standins";
import { loadStack, PROJECT_DIR } from "../support/stacks";
import { devDeployment } from "./deployment";
import { applyMigrations, migrationFiles } from "./migrations";
import { ImageVolume, psqlUrl } from "./postgres";
import { ensureVenv, pythonEnvs } from "./python";

/** Every table of the public schema and an MD5 of its rows in a stable order: what "the same data" means here. */
function contents(url: string): Record<string, string> {
  const tables = psqlUrl(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
  assert.equal(tables.status, 0, tables.stderr);
  const result: Record<string, string> = {};
  for (const table of tables.stdout.trim().split("\n").filter(Boolean)) {
    const digest = psqlUrl(
      url,
      `SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM "${table}" t`,
    );
    assert.equal(digest.status, 0, digest.stderr);
    result[table] = digest.stdout.trim();
  }
  return result;
}

describe("backup and restore of the dev database (the CLI, dockerode and pg_dump/pg_restore against the real Postgres; the Docker engine a stand-in)", function () {
  this.timeout(120_000);
  const volume = new ImageVolume();
  let engine: DockerStandIn;
  let url: string;
  let litellmBin: string;
  let names: { litellm: string; postgres: string };
  let outputsFile: string;
  const work = mkdtempSync(join(tmpdir(), "litellm-mcp-backup-"));

  const cli = async (args: string[]) => {
    let stdout = "";
    let stderr = "";
    const io = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      cwd: PROJECT_DIR,
      env: { ...process.env, DOCKER_HOST: `unix://${engine.socketPath}`, XDG_DATA_HOME: work },
    };
    const status = await run([...args, "--outputs", outputsFile], io, realDeps);
    return { status, stdout, stderr };
  };

  before(async function () {
    this.timeout(20 * 60_000);
    litellmBin = ensureVenv(pythonEnvs(loadStack("dev")).find((env) => env.name === "litellm-proxy")!, (line) =>
      process.stdout.write(`  ${line}\n`),
    );
    const deployed = await new StackState().up("dev");
    const deployment = devDeployment(deployed);
    await volume.startContainer(deployment.postgres.env, deployment.postgres.command);
    url = volume.server.reach(deployment.proxy.env[ENV.databaseUrl]!);
    names = deployed.outputs["containers"] as { litellm: string; postgres: string };
    outputsFile = join(work, "outputs.json");
    writeFileSync(outputsFile, JSON.stringify(reveal(deployed.outputs)));
    const server = volume.server;
    engine = await startDockerStandIn({
      [names.litellm]: { status: "running" },
      // The image's tools, on the container's socket, with the container's environment (no password: local trust).
      [names.postgres]: {
        status: "running",
        exec: (command) => ({
          file: command[0]!,
          args: command.slice(1),
          env: { PATH: process.env["PATH"], PGHOST: server.socketDir, PGPORT: String(server.port) },
        }),
      },
    });
    applyMigrations(url, migrationFiles(litellmBin));
  });
  after(async () => {
    await engine?.stop();
    volume.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it("brings back exactly the rows and tables that were dumped, after rows changed and a later release's migration ran", async () => {
    const seed = psqlUrl(
      url,
      [
        `INSERT INTO "LiteLLM_Config" (param_name, param_value) VALUES ('general_settings', '{"store_model_in_db": true}'), ('litellm_settings', '{"drop_params": true}')`,
        `INSERT INTO "LiteLLM_BudgetTable" (budget_id, max_budget, created_by, updated_by) SELECT 'budget-' || g, g * 1.5, 'backup-test', 'backup-test' FROM generate_series(1, 500) g`,
      ]
        .map((sql) => `${sql};`)
        .join("\n"),
    );
    assert.equal(seed.status, 0, seed.stderr);
    const dumped = contents(url);
    assert.ok(Object.keys(dumped).length > 50, `only ${Object.keys(dumped).length} tables`);
    assert.equal(dumped["LiteLLM_BudgetTable"]?.split(":")[0], "500");

    const file = join(work, "dev.dump");
    const backup = await cli(["backup", "--file", file]);
    assert.equal(backup.status, 0, backup.stderr);
    assert.match(backup.stdout, /^Backed up the litellm database of dev to .*dev\.dump \(\d+\.\d KiB\)\n/);
    assert.deepEqual(engine.execs.at(-1), {
      container: names.postgres,
      command: ["pg_dump", "--format=custom", "--username=litellm", "--dbname=litellm"],
    });

    // What happens after a backup: rows change, and a newer release migrates the schema.
    const changed = psqlUrl(
      url,
      [
        `DELETE FROM "LiteLLM_BudgetTable" WHERE max_budget > 300`,
        `UPDATE "LiteLLM_Config" SET param_value = '{}' WHERE param_name = 'general_settings'`,
        `CREATE TABLE "LiteLLM_FromANewerRelease" (id TEXT PRIMARY KEY)`,
        `ALTER TABLE "LiteLLM_BudgetTable" ADD COLUMN from_a_newer_release TEXT`,
      ]
        .map((sql) => `${sql};`)
        .join("\n"),
    );
    assert.equal(changed.status, 0, changed.stderr);
    assert.notDeepEqual(contents(url), dumped);

    const restore = await cli(["restore", file, "--yes"]);
    assert.equal(restore.status, 0, restore.stderr);
    assert.deepEqual(contents(url), dumped);
    assert.deepEqual(engine.lifecycle.slice(-2), [`stop ${names.litellm}`, `start ${names.litellm}`]);
    const columns = psqlUrl(
      url,
      `SELECT count(*) FROM information_schema.columns WHERE column_name = 'from_a_newer_release'`,
    );
    assert.equal(columns.stdout.trim(), "0", "the newer release's column is gone with its migration");
  });

  it("leaves the database as it was when the archive is cut short, and starts the proxy again", async () => {
    const before = contents(url);
    const whole = join(work, "whole.dump");
    const backup = await cli(["backup", "--file", whole]);
    assert.equal(backup.status, 0, backup.stderr);
    const bytes = readFileSync(whole);
    const cut = join(work, "cut.dump");
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const restore = await cli(["restore", cut, "--yes"]);
    assert.equal(restore.status, 1);
    assert.match(
      restore.stderr,
      /^litellm-mcp: the restore failed in .* and was rolled back, the database unchanged: /,
    );
    assert.deepEqual(contents(url), before);
    assert.equal(engine.lifecycle.at(-1), `start ${names.litellm}`);
  });
});
