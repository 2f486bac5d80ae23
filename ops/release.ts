/**
 * upgrade and rollback: moving a stack's LiteLLM release, with its database schema in mind. An upgrade says which
 * schema migrations the new release brings (the litellm-proxy-extras migrations one release has and the other
 * lacks), keeps a way back (a pg_dump on Docker; on AWS `pulumi up` snapshots the database before the migration
 * task runs), previews and deploys. A rollback across migrations is refused unless it restores the backup or
 * snapshot taken before them: an older release cannot be trusted on a schema it does not know, and migrations
 * are not undone.
 */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { quote } from "../config/errors";
import { atLitellmVersion, compareVersions, litellmVersionOf, parseImageRef } from "../config/images";
import {
  backupDatabase,
  checkArchive,
  compactTimestamp,
  defaultBackupFile,
  dockerDatabase,
  restoreDatabase,
} from "./backup";
import {
  type Context,
  confirmedByStackName,
  type SelectedStack,
  selectStack,
  stackFile,
  stackOutputs,
} from "./context";
import { EXIT, OpsError, UsageError } from "./errors";
import { type GatewayOutputs, readOutputs } from "./outputs";
import { migrationDiff } from "./releases";
import { editStackFile, type StackEdit } from "./stackFile";

/** The policy pack enforced on every preview and update of an AWS stack. */
export const POLICY_PACK_DIR = "policy";

/** Tags of the snapshot `pulumi up` takes before a migration: rollback finds it by them. */
export const SNAPSHOT_TAGS = { stack: "litellm-mcp:stack", beforeImage: "litellm-mcp:before-image" } as const;

/**
 * A name RDS accepts (letters, digits and single hyphens, a letter first) that says which stack, which release
 * it was taken before, and when: litellm-mcp-prod-before-1-109-0-20261201t061500z.
 */
export function snapshotId(stack: string, image: string, now: Date): string {
  const release = litellmVersionOf(image) ?? parseImageRef(image)?.tag ?? "image";
  return `litellm-mcp-${stack}-before-${release}-${compactTimestamp(now)}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/-+$/, "");
}

/**
 * Releases LiteLLM published compromised, on PyPI and in its images: 1.82.7 and 1.82.8 (March 2026) and 1.107.0
 * (2026-10-21), per LiteLLM's security incident posts of those dates. Neither command moves a stack onto one.
 */
export const COMPROMISED_RELEASES: readonly string[] = ["1.82.7", "1.82.8", "1.107.0"];

const VERSION = /^\d+\.\d+\.\d+$/;

interface Move {
  readonly selected: SelectedStack;
  readonly from: string;
  readonly to: string;
  readonly image: string;
  /** The schema migrations one release has and the other lacks: an upgrade's to apply, a rollback's crossed. */
  readonly migrations: string[];
}

/** Reads --to and the stack's current release, refuses what cannot move, and asks PyPI for both migration lists. */
async function plan(context: Context, direction: "upgrade" | "rollback"): Promise<Move> {
  const to = context.options["to"];
  if (typeof to !== "string" || !VERSION.test(to))
    throw new UsageError(
      `--to: expected a LiteLLM release such as "1.108.7"${to === undefined ? "" : `, got ${quote(String(to))}`}`,
    );
  if (COMPROMISED_RELEASES.includes(to)) {
    throw new OpsError(
      `LiteLLM ${to} was published compromised (LiteLLM's security incident post): choose another release`,
    );
  }
  const selected = selectStack(context, "dev");
  const image = selected.config.proxy.image;
  const from = litellmVersionOf(image);
  if (from === undefined)
    throw new OpsError(
      `Pulumi.${selected.stack}.yaml: proxy.image ${quote(image)} names no LiteLLM release in its tag (vX.Y.Z): set it by hand`,
    );
  const order = compareVersions(to, from);
  if (order === 0) throw new OpsError(`${selected.stack} already runs LiteLLM ${to}`);
  if (direction === "upgrade" && order < 0)
    throw new UsageError(
      `${to} is older than ${from}, which ${selected.stack} runs: litellm-mcp rollback --to ${to} goes back`,
    );
  if (direction === "rollback" && order > 0)
    throw new UsageError(
      `${to} is newer than ${from}, which ${selected.stack} runs: litellm-mcp upgrade --to ${to} goes forward`,
    );
  const releases = context.deps.releases();
  const [older, newer] = direction === "upgrade" ? [from, to] : [to, from];
  const [olderMigrations, newerMigrations] = await Promise.all([
    releases.migrations(older),
    releases.migrations(newer),
  ]);
  const { added, removed } = migrationDiff(olderMigrations, newerMigrations);
  if (removed.length > 0) {
    context.io.stderr.write(
      `warning: LiteLLM ${newer} lacks ${removed.length} migration(s) of ${older} (${removed.join(", ")}): its schema may not be a superset\n`,
    );
  }
  return { selected, from, to, image, migrations: added };
}

/** The stack's image at release `to`, pinned by digest when its current image is. */
async function imageAt(context: Context, image: string, to: string): Promise<string> {
  const next = atLitellmVersion(image, to);
  if (parseImageRef(image)?.digest === undefined) return next;
  return `${next}@${await context.deps.registry().digestOf(next)}`;
}

/** The deployed stack's outputs (from --outputs when given), or undefined when it was never deployed. */
async function outputsOf(context: Context, selected: SelectedStack): Promise<GatewayOutputs | undefined> {
  const raw = await stackOutputs(context, selected);
  return Object.keys(raw).length === 0 ? undefined : readOutputs(selected.stack, raw);
}

function list(migrations: readonly string[]): string {
  return migrations.map((name) => `  ${name}\n`).join("");
}

/**
 * Writes the stack file's changes, previews (with the policy pack on AWS), asks on AWS unless --yes, and deploys.
 * Declined, the stack file is put back as it was. Returns false when declined.
 */
async function deploy(
  context: Context,
  selected: SelectedStack,
  edits: readonly StackEdit[],
  verb: string,
): Promise<boolean> {
  const write = (text: string) => context.io.stdout.write(text);
  const file = stackFile(selected.project, selected.stack);
  const { previous, config } = editStackFile(file, edits);
  const putBack = () => writeFileSync(file, previous);
  const policyPack = config.target === "aws" ? join(selected.project, POLICY_PACK_DIR) : undefined;
  try {
    await context.deps.build(selected.project, write);
    write(`Previewing stack ${selected.stack}${policyPack ? " with the policy pack" : ""}\n`);
    await selected.pulumi.preview(selected.stack, write, { policyPack });
    const question = `${verb[0]!.toUpperCase()}${verb.slice(1)} ${selected.stack}?`;
    if (
      config.target === "aws" &&
      !(await confirmedByStackName(context, selected.stack, `${verb} the AWS stack ${selected.stack}`, question))
    ) {
      putBack();
      write(`Not done: the answer was not "${selected.stack}"; Pulumi.${selected.stack}.yaml is as it was\n`);
      return false;
    }
  } catch (error) {
    putBack();
    throw error;
  }
  write(`Deploying stack ${selected.stack}\n`);
  await selected.pulumi.up(selected.stack, write, { policyPack });
  return true;
}

export async function upgrade(context: Context): Promise<number> {
  const move = await plan(context, "upgrade");
  const { selected, from, to } = move;
  const say = (line: string) => context.io.stdout.write(`${line}\n`);
  say(
    move.migrations.length === 0
      ? `LiteLLM ${from} -> ${to}: no schema migration; a rollback to ${from} needs no restore`
      : `LiteLLM ${from} -> ${to}: ${move.migrations.length} schema migration(s), which a rollback to ${from} undoes only by restoring the database:\n${list(move.migrations).trimEnd()}`,
  );
  const next = await imageAt(context, move.image, to);
  const outputs = await outputsOf(context, selected);
  let backup: string | undefined;
  if (outputs?.target === "docker") {
    // The proxy container migrates as it starts: the dump comes first.
    backup = defaultBackupFile(context.io.env, selected.stack, new Date()).replace(/\.dump$/, `-before-${to}.dump`);
    say(`Backing up the database of ${selected.stack} before ${to} migrates it`);
    await backupDatabase(context.deps.docker(context.io.env), dockerDatabase(outputs, selected.config), backup);
    say(`Backup: ${backup}`);
  } else if (selected.config.target === "aws" && outputs !== undefined) {
    say(
      `pulumi up snapshots the database before ${to}'s migration task runs (tagged ${SNAPSHOT_TAGS.beforeImage}=${next})`,
    );
  }
  const back = rollbackCommand(
    selected.stack,
    from,
    move.migrations.length > 0
      ? backup
        ? `--restore ${backup}`
        : selected.config.target === "aws"
          ? "--restore-snapshot <the snapshot taken before it>"
          : undefined
      : undefined,
  );
  try {
    if (!(await deploy(context, selected, [{ path: ["proxy", "image"], value: next }], "upgrade"))) return EXIT.failed;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new OpsError(
      `${(error as Error).message}\nThe upgrade to ${to} did not finish (Pulumi.${selected.stack}.yaml names ${next}). Go back: ${back}`,
    );
  }
  say(
    `\n${selected.stack} runs LiteLLM ${to}. Check it: litellm-mcp smoke --stack ${selected.stack}\nGo back: ${back}`,
  );
  return EXIT.ok;
}

export async function rollback(context: Context): Promise<number> {
  const restoreFile = context.options["restore"];
  const restoreSnapshot = context.options["restore-snapshot"];
  if (restoreFile !== undefined && restoreSnapshot !== undefined)
    throw new UsageError(
      "--restore (a Docker stack's backup) and --restore-snapshot (an AWS stack's snapshot): give one",
    );
  const move = await plan(context, "rollback");
  const { selected, from, to } = move;
  const aws = selected.config.target === "aws";
  if (restoreFile !== undefined && aws)
    throw new UsageError(
      `--restore takes a Docker stack's backup; ${selected.stack} is on AWS: --restore-snapshot <id>`,
    );
  if (restoreSnapshot !== undefined && !aws)
    throw new UsageError(
      `--restore-snapshot takes an RDS snapshot; ${selected.stack} is on Docker: --restore <backup file>`,
    );
  const say = (line: string) => context.io.stdout.write(`${line}\n`);
  const outputs = await outputsOf(context, selected);
  const previous = await imageAt(context, move.image, to);
  const edits: StackEdit[] = [{ path: ["proxy", "image"], value: previous }];

  if (outputs === undefined) {
    say(`${selected.stack} was never deployed: there is no database to keep, only the image to change`);
  } else if (move.migrations.length > 0 && restoreFile === undefined && restoreSnapshot === undefined) {
    const crossed = `Rolling back ${selected.stack} from LiteLLM ${from} to ${to} crosses ${move.migrations.length} schema migration(s) ${from} applied:\n${list(move.migrations)}`;
    const why = `LiteLLM ${to} would run on a schema it does not know, and migrations are not undone. Restore the database as it was before them, losing what was written since:\n`;
    throw new OpsError(`${crossed}${why}${await restoreHint(context, selected, outputs, move)}`);
  }
  if (outputs !== undefined && move.migrations.length === 0)
    say(`LiteLLM ${from} -> ${to}: no schema migration in between; the database stays as it is`);

  if (typeof restoreFile === "string") {
    const file = resolve(context.io.cwd, restoreFile);
    checkArchive(file);
    if (outputs?.target !== "docker")
      throw new OpsError(`${selected.stack} was never deployed: there is no database to restore`);
    const docker = context.deps.docker(context.io.env);
    // The proxy stays stopped until `up` replaces it with the older release: the newer one would migrate again.
    say(`stopping ${outputs.containers.litellm}`);
    await docker.stop(outputs.containers.litellm);
    say(`restoring the database from ${file}`);
    await restoreDatabase(docker, dockerDatabase(outputs, selected.config), file);
  }
  if (typeof restoreSnapshot === "string") {
    if (outputs?.target !== "aws" || outputs.databaseInstance === undefined) {
      throw new OpsError(
        `the outputs of ${selected.stack} name no database instance: run litellm-mcp up --stack ${selected.stack} first`,
      );
    }
    const instance = outputs.databaseInstance;
    const snapshot = (await context.deps.aws(outputs.region).databaseSnapshots(instance)).find(
      (found) => found.id === restoreSnapshot,
    );
    if (!snapshot) throw new OpsError(`${instance} has no manual snapshot ${quote(restoreSnapshot)}`);
    if (snapshot.status !== "available")
      throw new OpsError(`the snapshot ${restoreSnapshot} is ${snapshot.status}, not available yet`);
    say(
      `The database is replaced by one RDS restores from ${restoreSnapshot}${snapshot.created ? ` (taken ${snapshot.created.toISOString()})` : ""}`,
    );
    edits.push({ path: ["aws", "database", "restoreSnapshot"], value: restoreSnapshot });
  }
  try {
    if (!(await deploy(context, selected, edits, "roll back"))) return EXIT.failed;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const restored =
      typeof restoreFile === "string" ? "; the database holds the backup and the proxy stays stopped until then" : "";
    throw new OpsError(
      `${(error as Error).message}\nThe rollback to ${to} did not finish (Pulumi.${selected.stack}.yaml names ${previous}${restored}): fix the cause and run litellm-mcp up --stack ${selected.stack}`,
    );
  }
  say(`\n${selected.stack} runs LiteLLM ${to}. Check it: litellm-mcp smoke --stack ${selected.stack}`);
  return EXIT.ok;
}

function rollbackCommand(stack: string, to: string, restore: string | undefined): string {
  return `litellm-mcp rollback --stack ${stack} --to ${to}${restore ? ` ${restore}` : ""}`;
}

/** How to restore: the newest backup or snapshot taken before the current release migrated, when one is found. */
async function restoreHint(
  context: Context,
  selected: SelectedStack,
  outputs: GatewayOutputs | undefined,
  move: Move,
): Promise<string> {
  if (selected.config.target === "docker") {
    const dir = dirname(defaultBackupFile(context.io.env, selected.stack, new Date()));
    const suffix = `-before-${move.from}.dump`;
    const found = existsSync(dir)
      ? readdirSync(dir)
          .filter((name) => name.endsWith(suffix))
          .sort()
          .at(-1)
      : undefined;
    return found
      ? `  ${rollbackCommand(selected.stack, move.to, `--restore ${join(dir, found)}`)}\n(${basename(found)}: the backup litellm-mcp upgrade took before ${move.from})`
      : `  ${rollbackCommand(selected.stack, move.to, `--restore <a backup taken before the upgrade to ${move.from}>`)}\n(no backup taken before ${move.from} in ${dir})`;
  }
  const instance = outputs?.target === "aws" ? outputs.databaseInstance : undefined;
  const steps = `The restore replaces the database instance: with aws.database.deletionProtection on, RDS refuses to delete the old one, so turn it off first (and on again after).`;
  if (instance === undefined || outputs?.target !== "aws")
    return `  ${rollbackCommand(selected.stack, move.to, "--restore-snapshot <id>")}\n${steps}`;
  const snapshots = await context.deps.aws(outputs.region).databaseSnapshots(instance);
  const before = snapshots.find(
    (snapshot) =>
      snapshot.tags[SNAPSHOT_TAGS.beforeImage] !== undefined &&
      litellmVersionOf(snapshot.tags[SNAPSHOT_TAGS.beforeImage]!) === move.from,
  );
  return before
    ? `  ${rollbackCommand(selected.stack, move.to, `--restore-snapshot ${before.id}`)}\n(${before.id}: taken${before.created ? ` ${before.created.toISOString()}` : ""} before ${move.from} migrated)\n${steps}`
    : `  ${rollbackCommand(selected.stack, move.to, "--restore-snapshot <id>")}\n(no snapshot of ${instance} is tagged as taken before ${move.from}: pick one from the RDS console)\n${steps}`;
}
