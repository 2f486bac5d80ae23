/**
 * The proxy's database, created on the real Postgres 15 as each target creates it, with the names and values the
 * program gives it (the program run under Pulumi's mocks): the dev container's POSTGRES_* variables as the
 * postgres image reads them, or the RDS instance's inputs as RDS reads them. The URL the program gives the proxy
 * (the dev container's DATABASE_URL, the AWS tasks' database URL secret) is parsed and used by psql, libpq as a
 * client, and LiteLLM's own migrations are applied through it as its user.
 */
import { strict as assert } from "node:assert";
import { ENV } from "../../config/constants";
import { StackState } from "../support/engine";
import { loadStack } from "../support/stacks";
import { upAws, upDev } from "./deployment";
import { applyMigrations, migrationFiles, schemaTables, tableOwners } from "./migrations";
import { ImageVolume, type PostgresServer, psqlUrl, startRdsLike } from "./postgres";
import { ensureVenv, pythonEnvs } from "./python";

interface Target {
  readonly server: PostgresServer;
  /** The URL the program gives the proxy, moved to the suite's server. */
  readonly url: string;
  readonly user: string;
  readonly database: string;
  stop(): void;
}

const targets: Record<string, () => Promise<Target>> = {
  async dev() {
    const deployment = await upDev(new StackState());
    const volume = new ImageVolume();
    await volume.startContainer(deployment.postgres.env, deployment.postgres.command);
    const url = deployment.proxy.env[ENV.databaseUrl]!;
    assert.equal(new URL(url).hostname, deployment.postgres.name, "DATABASE_URL names the Postgres container");
    return {
      server: volume.server,
      url: volume.server.reach(url),
      user: deployment.postgres.env["POSTGRES_USER"]!,
      database: deployment.postgres.env["POSTGRES_DB"]!,
      stop: () => volume.remove(),
    };
  },
  ...Object.fromEntries(
    ["test", "prod"].map((stack) => [
      stack,
      async (): Promise<Target> => {
        const { database } = await upAws(new StackState(), stack);
        const server = await startRdsLike(database.instance);
        return {
          server,
          url: server.reach(database.url),
          user: database.instance.username,
          database: database.instance.dbName,
          stop: () => server.remove(),
        };
      },
    ]),
  ),
};

describe("the proxy's database, created as each target creates it, with the names and values the program gives it", function () {
  this.timeout(120_000);
  let litellmBin: string;

  before(function () {
    this.timeout(20 * 60_000);
    litellmBin = ensureVenv(pythonEnvs(loadStack("dev")).find((env) => env.name === "litellm-proxy")!, (line) =>
      process.stdout.write(`  ${line}\n`),
    );
  });

  for (const [stack, create] of Object.entries(targets)) {
    describe(stack, () => {
      let target: Target;
      before(async () => {
        target = await create();
      });
      after(() => target?.stop());

      it(`logs in with the database URL the program gives the proxy, as the user and to the database the ${stack === "dev" ? "Postgres container" : "RDS instance"} is created with${stack === "dev" ? "" : ", over TLS"}`, () => {
        const session = psqlUrl(
          target.url,
          "SELECT current_user || '|' || current_database() || '|' || coalesce((SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()), 'false')",
        );
        assert.equal(session.status, 0, session.stderr);
        assert.deepEqual(session.stdout.trim().split("|"), [
          target.user,
          target.database,
          stack === "dev" ? "false" : "true",
        ]);
      });

      it("applies LiteLLM's migrations of the pinned litellm-proxy-extras as that user, who then owns every table LiteLLM's schema maps", () => {
        const files = migrationFiles(litellmBin);
        applyMigrations(target.url, files);
        const owners = tableOwners(target.url);
        const needed = schemaTables(litellmBin);
        assert.ok(needed.length > 50, `only ${needed.length} models in LiteLLM's schema`);
        assert.deepEqual(
          needed.filter((table) => owners[table] !== target.user),
          [],
          `tables missing or owned by someone else (${files.length} migrations applied)`,
        );
      });
    });
  }
});
