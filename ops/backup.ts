/**
 * Backup and restore of a Docker stack's database, by the tools of the Postgres container itself (pg_dump,
 * pg_restore and psql of the server's own version, over its local socket): nothing needs installing on the host,
 * and the database port need not be published.
 */
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  openSync,
  readSync,
  closeSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { quote } from "../config/errors";
import type { DockerPort } from "./docker";
import { OpsError, UsageError } from "./errors";

export interface DatabaseTarget {
  /** The Postgres container. */
  readonly container: string;
  readonly database: string;
  readonly username: string;
}

/** pg_dump's custom format: compressed, and pg_restore can restore it whole or in part. */
export function dumpCommand(target: DatabaseTarget): string[] {
  return ["pg_dump", "--format=custom", `--username=${target.username}`, `--dbname=${target.database}`];
}

/**
 * Restores an archive read on stdin as one transaction: the public schema is dropped and created again, then
 * the archive's SQL is applied. The database then holds exactly what was dumped: tables a later migration
 * added are gone too, so the release that made the dump finds its own schema. The archive is read whole into
 * the container first, so that one cut short fails before anything is dropped; any error rolls it all back.
 */
export function restoreCommand(target: DatabaseTarget): string[] {
  const psql = `psql --quiet --no-psqlrc --set=ON_ERROR_STOP=1 --single-transaction --username=${target.username} --dbname=${target.database}`;
  const script = [
    "set -e",
    "dir=$(mktemp -d)",
    `trap 'rm -rf "$dir"' EXIT`,
    'cat > "$dir/archive"',
    'pg_restore --no-owner --file="$dir/restore.sql" "$dir/archive"',
    `{ echo 'SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public;'; cat "$dir/restore.sql"; } | ${psql}`,
  ].join("\n");
  return ["sh", "-c", script];
}

/** A moment in UTC to the second, for a name: 20261201T061500Z. */
export function compactTimestamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

/** Where `backup` writes when given no --file: the user's data directory, one folder per stack. */
export function defaultBackupFile(env: NodeJS.ProcessEnv, stack: string, now: Date): string {
  const data = env["XDG_DATA_HOME"] || join(env["HOME"] || homedir(), ".local", "share");
  return join(data, "litellm-mcp", "backups", stack, `${stack}-${compactTimestamp(now)}.dump`);
}

/** A Docker stack's database: the Postgres container, and the database and user the stack file names. */
export function dockerDatabase(
  outputs: { containers: { postgres: string } },
  config: { database: { name: string; username: string } },
): DatabaseTarget {
  return { container: outputs.containers.postgres, database: config.database.name, username: config.database.username };
}

/** Dumps the database into `file` (through a .partial file, renamed once pg_dump succeeded); its size in bytes. */
export async function backupDatabase(docker: DockerPort, target: DatabaseTarget, file: string): Promise<number> {
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  const out = createWriteStream(partial, { mode: 0o600 });
  try {
    const result = await docker.exec(target.container, dumpCommand(target), { stdout: out });
    out.end();
    await finished(out);
    if (result.exitCode !== 0)
      throw new OpsError(
        `pg_dump failed in ${target.container} (exit ${result.exitCode}): ${firstLines(result.stderr)}`,
      );
    renameSync(partial, file);
    return statSync(file).size;
  } finally {
    out.destroy();
    rmSync(partial, { force: true });
  }
}

/** The first bytes of every pg_dump custom-format archive. */
const ARCHIVE_MAGIC = "PGDMP";

/** Refuses a file that is not a pg_dump custom-format archive, before anything is stopped. */
export function checkArchive(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    throw new UsageError(`cannot read ${quote(file)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const head = Buffer.alloc(ARCHIVE_MAGIC.length);
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString("latin1") !== ARCHIVE_MAGIC)
    throw new UsageError(`${quote(file)} is not a pg_dump custom-format archive (litellm-mcp backup writes one)`);
}

/** Restores `file` into the database (see restoreCommand); nothing changes when it fails. */
export async function restoreDatabase(docker: DockerPort, target: DatabaseTarget, file: string): Promise<void> {
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  const result = await docker.exec(target.container, restoreCommand(target), {
    stdin: createReadStream(file),
    stdout: discard,
  });
  if (result.exitCode !== 0)
    throw new OpsError(
      `the restore failed in ${target.container} (exit ${result.exitCode}) and was rolled back, the database unchanged: ${firstLines(result.stderr)}`,
    );
}

function firstLines(text: string): string {
  return text.trim().split("\n").slice(0, 3).join(" ") || "(nothing on stderr)";
}
