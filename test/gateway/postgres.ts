/**
 * Postgres 15 servers of the suite's own (initdb, pg_ctl), each created the way its target creates the
 * database, with the names and values the program gives it:
 *
 * - the dev stack's container: the postgres image initialises an empty volume with POSTGRES_USER,
 *   POSTGRES_PASSWORD and POSTGRES_DB (that user is the superuser; password auth on TCP), and ignores those
 *   variables on every later start on the same volume;
 * - RDS: a cluster whose master user is not a superuser but may create databases and roles, owning the
 *   database dbName; TLS required (rds.force_ssl), as the stack's parameter group sets it.
 *
 * The machine's own Postgres trusts every local connection, so a wrong password would pass there: these
 * servers check it.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../support/standins";

const OS_USER = "postgres";
/** The superuser initdb creates for an RDS-like cluster; the RDS master user is not it. */
const RDS_ADMIN = "rdsadmin";

/** Debian keeps the server's programs outside PATH, under their major version. */
const SERVER_BIN = "/usr/lib/postgresql/15/bin";

/** A Postgres server program: from PATH, or from Debian's Postgres 15 folder. */
function serverProgram(name: "initdb" | "pg_ctl"): string {
  const onPath = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
  if (onPath) return onPath;
  if (existsSync(join(SERVER_BIN, name))) return join(SERVER_BIN, name);
  throw new Error(`${name} is not installed: run test/gateway/system-packages.sh`);
}

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function sh(argv: string[], options: { env?: NodeJS.ProcessEnv; asPostgres?: boolean } = {}): Run {
  const [command, ...args] =
    options.asPostgres && process.getuid?.() === 0 ? ["runuser", "-u", OS_USER, "--", ...argv] : argv;
  const result = spawnSync(command!, args, { encoding: "utf8", env: { ...process.env, ...options.env } });
  if (result.error) throw new Error(`${argv[0]}: ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** psql against a connection URL, as a client of the proxy's database connects: one command, or files in order. */
export function psqlUrl(url: string, sql: string | readonly string[]): Run {
  const input = typeof sql === "string" ? ["-c", sql] : sql.flatMap((file) => ["-f", file]);
  return sh(["psql", url, "-v", "ON_ERROR_STOP=1", "-qtA", ...input]);
}

export interface PostgresServer {
  /** The data directory: what a Docker volume holds. */
  readonly dataDir: string;
  /** Where the server's unix socket is: what a program inside its container reaches it through. */
  readonly socketDir: string;
  readonly port: number;
  /** The URL's host and port moved to where this server listens; user, password, database and options kept. */
  reach(url: string): string;
  start(args?: readonly string[]): Promise<void>;
  /** Stops the server; the data stays (the container goes, the volume stays). */
  stop(): void;
  /** Stops the server and deletes its data. */
  remove(): void;
}

class Cluster implements RdsLike {
  readonly root = mkdtempSync(join(tmpdir(), "litellm-mcp-postgres-"));
  readonly dataDir = join(this.root, "data");
  readonly socketDir = this.root;
  host = "127.0.0.1";
  port = 0;
  private running = false;

  constructor() {
    if (process.getuid?.() === 0) {
      const id = (flag: string) => Number(sh(["id", flag, OS_USER]).stdout.trim());
      chownSync(this.root, id("-u"), id("-g"));
    }
  }

  initdb(superuser: string, password: string, extra: string[]): void {
    const pwfile = join(this.root, "pwfile");
    writeFileSync(pwfile, `${password}\n`, { mode: 0o644 });
    try {
      const result = sh(
        [
          serverProgram("initdb"),
          "-D",
          this.dataDir,
          `--username=${superuser}`,
          `--pwfile=${pwfile}`,
          "--auth-local=trust",
          ...extra,
        ],
        { asPostgres: true },
      );
      if (result.status !== 0) throw new Error(`initdb: ${result.stderr.trim()}`);
    } finally {
      rmSync(pwfile, { force: true });
    }
  }

  async start(args: readonly string[] = [], listen?: { host: string; port: number }): Promise<void> {
    this.host = listen?.host ?? "127.0.0.1";
    this.port = listen?.port ?? (await freePort());
    const options = [`-p ${this.port}`, `-k ${this.root}`, `-c listen_addresses=${this.host}`, ...args].join(" ");
    const result = sh(
      [serverProgram("pg_ctl"), "-D", this.dataDir, "-o", options, "-l", join(this.root, "log"), "-w", "start"],
      { asPostgres: true },
    );
    if (result.status !== 0) throw new Error(`pg_ctl start: ${result.stderr.trim() || result.stdout.trim()}`);
    this.running = true;
  }

  stop(): void {
    if (!this.running) return;
    sh([serverProgram("pg_ctl"), "-D", this.dataDir, "-m", "fast", "-w", "stop"], { asPostgres: true });
    this.running = false;
  }

  remove(): void {
    this.stop();
    rmSync(this.root, { recursive: true, force: true });
  }

  authorizedConnections(): AuthorizedConnection[] {
    const log = existsSync(join(this.root, "log")) ? readFileSync(join(this.root, "log"), "utf8") : "";
    return [...log.matchAll(/^host=(\S+) LOG: {2}connection authorized: user=(\S+) database=(\S+)(.*)$/gm)].map(
      (match) => ({
        host: match[1]!,
        user: match[2]!,
        database: match[3]!,
        ssl: match[4]!.includes("SSL enabled"),
      }),
    );
  }

  reach(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = this.host;
    parsed.port = String(this.port);
    return parsed.toString();
  }

  /** SQL as the superuser over the local socket. */
  admin(user: string, sql: string, database = "postgres"): void {
    const result = sh(
      [
        "psql",
        "-h",
        this.root,
        "-p",
        String(this.port),
        "-U",
        user,
        "-d",
        database,
        "-v",
        "ON_ERROR_STOP=1",
        "-qc",
        sql,
      ],
      { asPostgres: true },
    );
    if (result.status !== 0) throw new Error(`psql ${sql}: ${result.stderr.trim()}`);
  }
}

/** Splits the postgres container's command (`postgres -c key=value ...`) into server options. */
function serverOptions(command: readonly string[]): string[] {
  if (command[0] !== "postgres") throw new Error(`the Postgres container runs ${command.join(" ")}, not postgres`);
  const options: string[] = [];
  for (let i = 1; i < command.length; i++) {
    if (command[i] !== "-c" || command[i + 1] === undefined)
      throw new Error(`unexpected Postgres argument ${command[i]}`);
    options.push(`-c ${command[i + 1]}`);
    i++;
  }
  return options;
}

/** A Docker volume for the postgres image, and the server the image runs on it. */
export class ImageVolume {
  private readonly cluster = new Cluster();
  get server(): PostgresServer {
    return this.cluster;
  }

  /**
   * A start of the container with the environment and command the program gives it. On an empty volume, the
   * image's entrypoint initialises it from POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB; on a volume that
   * holds a database, it starts the server and looks at none of them.
   */
  async startContainer(env: Readonly<Record<string, string>>, command: readonly string[]): Promise<void> {
    const options = serverOptions(command);
    if (!existsSync(this.cluster.dataDir)) {
      const user = env["POSTGRES_USER"] ?? "postgres";
      const password = env["POSTGRES_PASSWORD"];
      if (!password)
        throw new Error("the Postgres container has no POSTGRES_PASSWORD: the image refuses to initialise the volume");
      // The image's default POSTGRES_HOST_AUTH_METHOD for Postgres 15: scram-sha-256 on every TCP connection.
      this.cluster.initdb(user, password, ["--auth-host=scram-sha-256"]);
      await this.cluster.start(options);
      const database = env["POSTGRES_DB"] ?? user;
      if (database !== "postgres") this.cluster.admin(user, `CREATE DATABASE "${database}"`);
      return;
    }
    await this.cluster.start(options);
  }

  stopContainer(): void {
    this.cluster.stop();
  }

  remove(): void {
    this.cluster.remove();
  }
}

/** A connection the server authorized, from its log. */
export interface AuthorizedConnection {
  readonly host: string;
  readonly user: string;
  readonly database: string;
  /** Whether it came over TLS. */
  readonly ssl: boolean;
}

export interface RdsLike extends PostgresServer {
  /** Every connection authorized so far. */
  authorizedConnections(): AuthorizedConnection[];
}

/** What an aws.rds.Instance is created with. */
export interface RdsInstanceInputs {
  readonly dbName: string;
  readonly username: string;
  readonly password: string;
  /** The parameter group's parameters. */
  readonly parameters: Readonly<Record<string, string>>;
}

/**
 * An RDS for PostgreSQL instance as RDS creates it from the program's inputs; on `listen` when given (the address
 * and port its endpoint resolves to), else on a free loopback port.
 */
export async function startRdsLike(
  instance: RdsInstanceInputs,
  listen?: { host: string; port: number },
): Promise<RdsLike> {
  const cluster = new Cluster();
  const forceSsl = instance.parameters["rds.force_ssl"] === "1";
  cluster.initdb(RDS_ADMIN, `${instance.password}-admin`, ["--auth-host=scram-sha-256"]);
  const conf = join(cluster.dataDir, "postgresql.conf");
  if (forceSsl) {
    const cert = join(cluster.dataDir, "server.crt");
    const key = join(cluster.dataDir, "server.key");
    const made = sh(
      [
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-keyout",
        key,
        "-out",
        cert,
      ],
      { asPostgres: true },
    );
    if (made.status !== 0) throw new Error(`openssl: ${made.stderr.trim()}`);
    appendFileSync(conf, "ssl = on\n");
  }
  // What RDS writes to its log with log_connections on: who connected from where, and whether over TLS.
  appendFileSync(conf, "log_connections = on\nlog_line_prefix = 'host=%h '\n");
  // Password auth from anywhere the instance's security group admits; with rds.force_ssl = 1 only over TLS.
  const remote = forceSsl
    ? "hostssl all all 0.0.0.0/0 scram-sha-256\nhostnossl all all 0.0.0.0/0 reject\n"
    : "host all all 0.0.0.0/0 scram-sha-256\n";
  writeFileSync(join(cluster.dataDir, "pg_hba.conf"), `local all all trust\n${remote}`);
  const maxConnections = instance.parameters["max_connections"];
  await cluster.start(maxConnections ? [`-c max_connections=${maxConnections}`] : [], listen);
  // The master user: may create databases and roles, owns the initial database; not a superuser.
  const password = instance.password.replace(/'/g, "''");
  cluster.admin(RDS_ADMIN, `CREATE ROLE "${instance.username}" WITH LOGIN CREATEDB CREATEROLE PASSWORD '${password}'`);
  cluster.admin(RDS_ADMIN, `CREATE DATABASE "${instance.dbName}" OWNER "${instance.username}"`);
  return cluster;
}
