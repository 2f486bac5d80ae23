/**
 * The commands for the gateway's database and its LiteLLM release: apply-db-parameters, upgrade, rollback, backup
 * and restore.
 */
import { resolve } from "node:path";
import {
  type DatabaseTarget,
  backupDatabase,
  checkArchive,
  defaultBackupFile,
  dockerDatabase,
  restoreDatabase,
} from "../backup";
import { type Context, confirmedByStackName, type DeployedStack, deployedStack, OUTPUTS_OPTION } from "../context";
import { EXIT, OpsError } from "../errors";
import { rollback, upgrade } from "../release";
import type { DockerOutputs } from "../outputs";
import { type Command, RDS_INSTANCE, REGION, STACK_DEV, YES_AWS, requiredOption } from "./shared";

/** The database of a Docker stack, for backup and restore; AWS keeps its own. */
function databaseTarget(
  deployed: DeployedStack,
  what: "backup" | "restore",
): DatabaseTarget & { outputs: DockerOutputs } {
  if (deployed.outputs.target === "aws") {
    throw new OpsError(
      what === "backup"
        ? `${deployed.stack} runs its database on RDS, which backs it up daily and before every LiteLLM migration (pulumi up takes that snapshot): see litellm-mcp rollback`
        : `${deployed.stack} runs its database on RDS: a snapshot is restored by litellm-mcp rollback --restore-snapshot <id>`,
    );
  }
  if (deployed.outputs.target !== "docker")
    throw new OpsError(
      `the gateway of ${deployed.stack} was started outside litellm-mcp (--outputs): ${what} its database where it runs`,
    );
  return { ...dockerDatabase(deployed.outputs, deployed.config), outputs: deployed.outputs };
}

/** Restores with the proxy stopped (no connection holds a lock, nothing writes meanwhile), then starts it again. */
async function restoreInto(context: Context, proxy: string, target: DatabaseTarget, file: string): Promise<void> {
  const docker = context.deps.docker(context.io.env);
  const say = (line: string) => context.io.stdout.write(`${line}\n`);
  say(`stopping ${proxy}`);
  await docker.stop(proxy);
  try {
    say(`restoring ${target.database} from ${file}`);
    await restoreDatabase(docker, target, file);
  } finally {
    say(`starting ${proxy}`);
    await docker.start(proxy);
  }
}

function formatBytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export const DATABASE_COMMANDS: Record<string, Command> = {
  "apply-db-parameters": {
    summary:
      "reboot the database when a parameter change waits for one (pulumi up runs it on AWS when max_connections changes)",
    usage: "litellm-mcp apply-db-parameters --region <region> --instance <identifier>",
    options: {
      region: { type: "string", description: "the stack's AWS region" },
      instance: { type: "string", description: "the RDS instance identifier" },
    },
    async run(context) {
      const region = requiredOption(context, "region", REGION, 'an AWS region such as "us-east-1"');
      const instance = requiredOption(context, "instance", RDS_INSTANCE, "an RDS instance identifier");
      await context.deps.aws(region).applyDatabaseParameters(instance, (line) => context.io.stdout.write(`${line}\n`));
      return EXIT.ok;
    },
  },

  upgrade: {
    summary:
      "move a stack to a newer LiteLLM release: its schema migrations shown, the database backed up, previewed and deployed",
    usage: "litellm-mcp upgrade --to <version> [--stack <name>] [--yes] [--outputs <file>]",
    options: {
      stack: STACK_DEV,
      outputs: OUTPUTS_OPTION,
      to: { type: "string", description: "the LiteLLM release, e.g. 1.108.7" },
      yes: YES_AWS,
    },
    run: upgrade,
  },

  rollback: {
    summary:
      "move a stack back to an older LiteLLM release; across a schema migration only with the backup or snapshot taken before it",
    usage:
      "litellm-mcp rollback --to <version> [--stack <name>] [--restore <backup file> | --restore-snapshot <id>] [--yes] [--outputs <file>]",
    options: {
      stack: STACK_DEV,
      outputs: OUTPUTS_OPTION,
      to: { type: "string", description: "the older LiteLLM release, e.g. 1.106.3" },
      restore: {
        type: "string",
        description: "Docker: restore this backup (litellm-mcp upgrade took one) before the older release starts",
      },
      "restore-snapshot": {
        type: "string",
        description:
          "AWS: replace the database with one restored from this RDS snapshot (pulumi up took one before the migration)",
      },
      yes: YES_AWS,
    },
    run: rollback,
  },

  backup: {
    summary: "dump a Docker stack's database to a file (pg_dump, custom format)",
    usage: "litellm-mcp backup [--stack <name>] [--file <path>] [--outputs <file>]",
    options: {
      stack: STACK_DEV,
      file: {
        type: "string",
        description:
          "where to write the dump (default: ~/.local/share/litellm-mcp/backups/<stack>/<stack>-<time>.dump)",
      },
      outputs: OUTPUTS_OPTION,
    },
    async run(context) {
      const deployed = await deployedStack(context, "dev");
      const target = databaseTarget(deployed, "backup");
      const given = context.options["file"];
      const file =
        typeof given === "string"
          ? resolve(context.io.cwd, given)
          : defaultBackupFile(context.io.env, deployed.stack, new Date());
      const bytes = await backupDatabase(context.deps.docker(context.io.env), target, file);
      context.io.stdout.write(
        `Backed up the ${target.database} database of ${deployed.stack} to ${file} (${formatBytes(bytes)})\nRestore it: litellm-mcp restore ${file} --stack ${deployed.stack}\n`,
      );
      return EXIT.ok;
    },
  },

  restore: {
    summary: "put a Docker stack's database back as a backup holds it (the proxy stopped meanwhile)",
    usage: "litellm-mcp restore <file> [--stack <name>] [--yes] [--outputs <file>]",
    options: {
      stack: STACK_DEV,
      yes: { type: "boolean", description: "restore without asking" },
      outputs: OUTPUTS_OPTION,
    },
    positionals: [1, 1],
    async run(context) {
      const file = resolve(context.io.cwd, context.positionals[0]!);
      checkArchive(file);
      const deployed = await deployedStack(context, "dev");
      const target = databaseTarget(deployed, "restore");
      const question = `Replace everything in the ${target.database} database of ${deployed.stack} with ${file}?`;
      if (
        !(await confirmedByStackName(context, deployed.stack, `replace the database of ${deployed.stack}`, question))
      ) {
        context.io.stdout.write(`Not restored: the answer was not "${deployed.stack}"\n`);
        return EXIT.failed;
      }
      await restoreInto(context, target.outputs.containers.litellm, target, file);
      context.io.stdout.write(`Restored ${deployed.stack} from ${file}\n`);
      return EXIT.ok;
    },
  },
};
