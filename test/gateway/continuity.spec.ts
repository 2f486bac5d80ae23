/**
 * A second `up` after `down` on the dev stack, against the real Postgres and the pinned LiteLLM: the volume
 * survives `down`, so its data must be read with the keys it was written with. The program keeps those keys
 * (protected resources at fixed URNs, left by `down`: test/keys.test.ts); here, what that buys and what a
 * regenerated key, as the stack once made on every `up` after `down`, would break.
 *
 * Postgres is initialised as the postgres image initialises an empty volume (initdb with POSTGRES_USER and
 * POSTGRES_PASSWORD, password auth on TCP), and restarted on the same data directory as the image restarts on a
 * kept volume, which ignores POSTGRES_PASSWORD. The credential is encrypted and decrypted by LiteLLM's own
 * helpers; the proxy itself cannot set up its schema here (Prisma's engines are downloaded at first use), so
 * the row is written with psql into a table of the suite's own.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadStack } from "../support/stacks";
import { newKeys } from "./gateway";
import { ensureVenv, pythonEnvs } from "./python";

const POSTGRES_USER = "postgres";

function sh(argv: string[], options: { env?: NodeJS.ProcessEnv; input?: string; asPostgres?: boolean } = {}) {
  const [command, ...args] = options.asPostgres && process.getuid?.() === 0 ? ["runuser", "-u", POSTGRES_USER, "--", ...argv] : argv;
  return spawnSync(command!, args, { encoding: "utf8", env: { ...process.env, ...options.env }, input: options.input });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** A Postgres data directory as the dev stack's volume holds it, and the server that runs on it. */
class Volume {
  readonly dir = mkdtempSync(join(tmpdir(), "litellm-mcp-volume-"));
  port = 0;

  constructor() {
    if (process.getuid?.() === 0) chownSync(this.dir, Number(sh(["id", "-u", POSTGRES_USER]).stdout.trim()), Number(sh(["id", "-g", POSTGRES_USER]).stdout.trim()));
  }

  /** The image's first start on an empty volume: initdb with the user, the password and password auth on TCP. */
  initialise(user: string, password: string): void {
    const pwfile = join(this.dir, "pwfile");
    writeFileSync(pwfile, `${password}\n`, { mode: 0o644 });
    const result = sh(["initdb", "-D", join(this.dir, "data"), `--username=${user}`, `--pwfile=${pwfile}`, "--auth-host=scram-sha-256", "--auth-local=trust"], { asPostgres: true });
    rmSync(pwfile);
    assert.equal(result.status, 0, result.stderr);
  }

  /** A start of the container; the password it is given is not looked at once the volume holds a database. */
  async start(): Promise<void> {
    this.port = await freePort();
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`;
    const result = sh(["pg_ctl", "-D", join(this.dir, "data"), "-o", options, "-l", join(this.dir, "log"), "-w", "start"], { asPostgres: true });
    assert.equal(result.status, 0, result.stderr);
  }

  /** `down`: the container goes, the volume stays. */
  stop(): void {
    sh(["pg_ctl", "-D", join(this.dir, "data"), "-m", "fast", "-w", "stop"], { asPostgres: true });
  }

  remove(): void {
    this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** psql over TCP as the proxy connects, with a password. */
  psql(user: string, password: string, database: string, sql: string) {
    return sh(["psql", "-h", "127.0.0.1", "-p", String(this.port), "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1", "-tAc", sql], { env: { PGPASSWORD: password } });
  }
}

describe("dev down/up: the data and the keys that read it, against the real Postgres and LiteLLM", function () {
  this.timeout(120_000);
  const config = loadStack("dev");
  const { username, name: database } = config.database;
  let python: string;
  let volume: Volume;
  // The stack's keys on the first `up`; the program keeps them through `down` (test/keys.test.ts).
  const kept = { ...newKeys(), databasePassword: newKeys().masterKey.slice(3, 35) };
  // What a stack that generates its keys anew on every `up` after `down` would hand the containers.
  const regenerated = { ...newKeys(), databasePassword: newKeys().masterKey.slice(3, 35) };
  const credential = "aws-access-key-stored-through-the-ui";

  const litellm = (mode: "encrypt" | "decrypt", saltKey: string, input: string) =>
    sh([join(python, "python"), join(__dirname, "salt_roundtrip.py"), mode], { env: { LITELLM_SALT_KEY: saltKey, LITELLM_LOG: "ERROR" }, input });

  before(async function () {
    this.timeout(20 * 60_000);
    python = ensureVenv(pythonEnvs(config).find((env) => env.name === "litellm-proxy")!, (line) => process.stdout.write(`  ${line}\n`));
    volume = new Volume();

    // First `up`: the volume is empty; Postgres initialises it with the stack's password, and LiteLLM stores
    // a credential encrypted with the stack's salt key.
    volume.initialise(username, kept.databasePassword);
    await volume.start();
    assert.equal(volume.psql(username, kept.databasePassword, "postgres", `CREATE DATABASE ${database}`).status, 0);
    const encrypted = litellm("encrypt", kept.saltKey, credential);
    assert.equal(encrypted.status, 0, encrypted.stderr);
    const sql = `CREATE TABLE stored_credential (name text primary key, value text); INSERT INTO stored_credential VALUES ('bedrock', '${encrypted.stdout.trim()}')`;
    assert.equal(volume.psql(username, kept.databasePassword, database, sql).status, 0);

    // `down`, then the second `up` on the kept volume.
    volume.stop();
    await volume.start();
  });

  after(() => volume?.remove());

  it("logs in to the kept volume with the kept password, and refuses a regenerated one", () => {
    const login = volume.psql(username, kept.databasePassword, database, "SELECT count(*) FROM stored_credential");
    assert.deepEqual([login.status, login.stdout.trim()], [0, "1"], login.stderr);
    const refused = volume.psql(username, regenerated.databasePassword, database, "SELECT 1");
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /password authentication failed for user "litellm"/);
  });

  it("decrypts the stored credential with the kept salt key, and not with a regenerated one", () => {
    const row = volume.psql(username, kept.databasePassword, database, "SELECT value FROM stored_credential WHERE name = 'bedrock'");
    assert.equal(row.status, 0, row.stderr);
    const stored = row.stdout.trim();
    assert.notEqual(stored, credential, "LiteLLM stored the credential encrypted");
    const decrypted = litellm("decrypt", kept.saltKey, stored);
    assert.deepEqual([decrypted.status, decrypted.stdout.trim()], [0, credential], decrypted.stderr);
    assert.equal(litellm("decrypt", regenerated.saltKey, stored).status, 3);
  });
});
