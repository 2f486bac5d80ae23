/** The commands of litellm-mcp: what each does, its options, and how it runs. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { renderStack } from "../components/endpoints";
import { dockerNames } from "../components/docker/naming";
import { CATALOG_FILE, catalogRegions, parseCatalog } from "../config/modelCatalog";
import { IMAGES, SMOKE_TASK } from "../config/constants";
import { ConfigError, formatPath, formatProblem, quote } from "../config/errors";
import { deployedImages, parseImageRef } from "../config/images";
import { catalogBeside, loadStackFile } from "../config/load";
import { litellmSigning } from "../config/signing";
import { stackWarnings } from "../config/warnings";
import type { StackConfig } from "../config/schema";
import {
  type DatabaseTarget,
  backupDatabase,
  checkArchive,
  defaultBackupFile,
  dockerDatabase,
  restoreDatabase,
} from "./backup";
import {
  type Context,
  confirmedByStackName,
  type DeployedStack,
  deployedOutputs,
  deployedStack,
  masterKeyOf,
  listStacks,
  OUTPUTS_OPTION,
  projectDir,
  selectStack,
  stackFile,
  stackName,
} from "./context";
import { checkDockerHost, failedContainers } from "./dockerUp";
import { EXIT, OpsError, UsageError } from "./errors";
import { POLICY_PACK_DIR, rollback, SNAPSHOT_TAGS, snapshotId, upgrade } from "./release";
import { editStackFile } from "./stackFile";
import {
  type DockerOutputs,
  type GatewayOutputs,
  localServices,
  mcpServerNames,
  readOutputs,
  responseCache,
} from "./outputs";
import { refreshCatalog, withCatalogTable } from "./catalog";
import { checkModels, modelsTable } from "./models";
import { flushCache } from "./proxyClient";
import { parseSince } from "./since";
import { smokeTaskChecks } from "./smoke";
import { type Check, collectStatus, type StatusSources, statusTable } from "./status";

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly description: string;
}

export interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: Record<string, OptionSpec>;
  /** Positional arguments accepted: [min, max]. */
  readonly positionals?: readonly [number, number];
  run(context: Context): Promise<number>;
}

const STACK_ALL = { type: "string", description: "the stack (Pulumi.<stack>.yaml); every stack when absent" } as const;
const STACK_DEV = { type: "string", description: "the stack (Pulumi.<stack>.yaml); dev when absent" } as const;
const YES_AWS = {
  type: "boolean",
  description: "deploy an AWS stack without asking, once its preview passes",
} as const;
const JSON_OUTPUT = { type: "boolean", description: "print JSON instead of a table" } as const;

const write = (context: Context) => (text: string) => context.io.stdout.write(text);

/** What status reads besides the gateway: the containers, the processes or the ECS services that run it. */
function statusSources(context: Context, outputs: GatewayOutputs): StatusSources {
  const common = { timeoutMs: context.deps.timeoutMs };
  if (outputs.target === "docker") return { docker: context.deps.docker(context.io.env), ...common };
  if (outputs.target === "local") return { local: context.deps.local, ...common };
  return { aws: context.deps.aws(outputs.region), ...common };
}

/** Prints the checks (a table, or JSON with --json); exit 0 only when every one passed. */
function report(context: Context, stack: string, checks: readonly Check[]): number {
  const healthy = checks.every((check) => check.ok);
  if (context.options["json"]) {
    context.io.stdout.write(`${JSON.stringify({ stack, healthy, checks }, null, 2)}\n`);
  } else {
    context.io.stdout.write(statusTable(checks));
    context.io.stdout.write(
      `\n${stack}: ${healthy ? "healthy" : `${checks.filter((check) => !check.ok).length} check(s) failed`}\n`,
    );
  }
  return healthy ? EXIT.ok : EXIT.failed;
}

export const COMMANDS: Record<string, Command> = {
  render: {
    summary: "print a stack's LiteLLM config.yaml",
    usage: "litellm-mcp render [--stack <name>]",
    options: { stack: STACK_DEV },
    async run(context) {
      const stack = stackName(context.options, "dev");
      const config = loadStackFile(stackFile(projectDir(context.io.cwd), stack));
      context.io.stdout.write(renderStack(config, stack).yaml);
      return EXIT.ok;
    },
  },

  validate: {
    summary: "check one stack file, or every Pulumi.<stack>.yaml of the project",
    usage: "litellm-mcp validate [--stack <name>]",
    options: { stack: STACK_ALL },
    async run(context) {
      const project = projectDir(context.io.cwd);
      const stacks = context.options["stack"] === undefined ? listStacks(project) : [stackName(context.options)];
      if (stacks.length === 0) throw new UsageError(`no Pulumi.<stack>.yaml files in ${project}`);
      let status: number = EXIT.ok;
      for (const stack of stacks) {
        try {
          const file = stackFile(project, stack);
          const config = loadStackFile(file);
          // Rendering checks what only the whole config can tell (pool sizes, MCP URLs).
          renderStack(config, stack);
          context.io.stdout.write(`Pulumi.${stack}.yaml: valid (${config.target} target, ${config.stage} stage)\n`);
          for (const warning of stackWarnings(config, new Date(), catalogBeside(file)))
            context.io.stderr.write(`${formatProblem(`Pulumi.${stack}.yaml`, warning)}\n`);
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          context.io.stderr.write(`${error.message}\n`);
          status = EXIT.failed;
        }
      }
      return status;
    },
  },

  models: {
    summary:
      "ask Bedrock whether each configured model is offered, Active and may be invoked; --refresh renews the model catalog",
    usage: "litellm-mcp models [--stack <name>] [--json] | litellm-mcp models --refresh [--regions <region,region>]",
    options: {
      stack: STACK_DEV,
      json: JSON_OUTPUT,
      refresh: {
        type: "boolean",
        description: `rebuild ${CATALOG_FILE} from Bedrock in each region, with your AWS credentials`,
      },
      regions: {
        type: "string",
        description: "with --refresh: the regions to ask, comma-separated (default: every region the catalog names)",
      },
    },
    async run(context) {
      if (context.options["refresh"] === true) return refreshModelCatalog(context);
      if (context.options["regions"] !== undefined) throw new UsageError("--regions goes with --refresh");
      const stack = stackName(context.options, "dev");
      // Bedrock answers here for ids the catalog does not know yet: the catalog is not asked.
      const config = loadStackFile(stackFile(projectDir(context.io.cwd), stack), { catalog: false });
      const reports = await checkModels(config.models, (region) => context.deps.bedrock(region));
      const failed = reports.some((report) => report.verdict === "failed");
      if (context.options["json"])
        context.io.stdout.write(`${JSON.stringify({ stack, ok: !failed, models: reports }, null, 2)}\n`);
      else context.io.stdout.write(modelsTable(reports));
      return failed ? EXIT.failed : EXIT.ok;
    },
  },

  up: {
    summary: "deploy a stack (pulumi up); on AWS after a preview checked by the policy pack, and a yes",
    usage: "litellm-mcp up [--stack <name>] [--yes]",
    options: { stack: STACK_DEV, yes: YES_AWS },
    async run(context) {
      const { project, stack, config, pulumi } = selectStack(context, "dev");
      await context.deps.build(project, write(context));
      const policyPack = config.target === "aws" ? join(project, POLICY_PACK_DIR) : undefined;
      if (config.target === "aws") {
        // An AWS stack is previewed with the policy pack and deployed only on a yes: a mistyped stack name
        // shows what it would change instead of changing it.
        context.io.stdout.write(`Previewing stack ${stack} (aws target) with the policy pack\n`);
        const { changes } = await pulumi.preview(stack, write(context), { policyPack });
        if (!changes) {
          context.io.stdout.write(`\nStack ${stack} is up to date: nothing to deploy\n`);
          return EXIT.ok;
        }
        if (
          !(await confirmedByStackName(
            context,
            stack,
            `deploy the AWS stack ${stack}`,
            `Deploy these changes to ${stack}?`,
          ))
        ) {
          context.io.stdout.write(`Not deployed: the answer was not "${stack}"\n`);
          return EXIT.failed;
        }
      }
      const docker = config.target === "docker" ? context.deps.docker(context.io.env) : undefined;
      if (docker) await checkDockerHost(docker, context.deps.portState, stack, config);
      context.io.stdout.write(`Deploying stack ${stack} (${config.target} target)\n`);
      try {
        await pulumi.up(stack, write(context), { policyPack });
      } catch (error) {
        // Pulumi names the resource that failed; the container, its service and its health check say why.
        if (docker)
          for (const line of await failedContainers(docker, stack, config)) context.io.stderr.write(`${line}\n`);
        throw error;
      }
      const outputs = readOutputs(stack, await pulumi.outputs(stack));
      context.io.stdout.write(
        `\nStack ${stack} is up: proxy ${outputs.proxyUrl}, MCP gateway ${outputs.mcpGatewayUrl}\nCheck it: litellm-mcp status --stack ${stack}\n`,
      );
      return EXIT.ok;
    },
  },

  preview: {
    summary: "show what deploying a stack would change (pulumi preview --diff, with the policy pack on AWS)",
    usage: "litellm-mcp preview [--stack <name>]",
    options: { stack: STACK_DEV },
    async run(context) {
      const { project, stack, config, pulumi } = selectStack(context, "dev");
      await context.deps.build(project, write(context));
      await pulumi.preview(stack, write(context), {
        policyPack: config.target === "aws" ? join(project, POLICY_PACK_DIR) : undefined,
      });
      return EXIT.ok;
    },
  },

  down: {
    summary: "destroy a stack (pulumi destroy), saying what it keeps",
    usage: "litellm-mcp down [--stack <name>] [--yes]",
    options: { stack: STACK_DEV, yes: { type: "boolean", description: "confirm destroying a stack on AWS" } },
    async run(context) {
      const { stack, config, pulumi } = selectStack(context, "dev");
      if (config.target === "aws" && context.options["yes"] !== true) {
        throw new UsageError(`refusing to destroy the AWS stack ${stack} without --yes`);
      }
      // The plan is said once Pulumi has the stack open: a missing CLI or stack fails before it.
      const announce = () =>
        context.io.stdout.write(`Destroying stack ${stack}. It ${whatDownKeeps(stack, config).join("; ")}.\n`);
      // The keys are protected exactly where the data they unlock outlives the stack: they stay with it.
      await pulumi.destroy(stack, write(context), { keepProtected: keysKept(config), onSelected: announce });
      return EXIT.ok;
    },
  },

  status: {
    summary: "check the proxy, its database, models and MCP servers, and what runs them",
    usage: "litellm-mcp status [--stack <name>] [--json] [--call-models] [--outputs <file>]",
    options: {
      stack: STACK_DEV,
      json: JSON_OUTPUT,
      "call-models": {
        type: "boolean",
        description: "also call each model once through the proxy (one token, billed)",
      },
      outputs: OUTPUTS_OPTION,
    },
    async run(context) {
      const deployed = await deployedStack(context, "dev");
      const sources = {
        ...statusSources(context, deployed.outputs),
        callModels: context.options["call-models"] === true,
      };
      return report(context, deployed.stack, await collectStatus(deployed.outputs, deployed.key, sources));
    },
  },

  smoke: {
    summary:
      "check a deployed gateway end to end: health, the models, one call of each, each MCP server's tools (AWS: from a task in the VPC)",
    usage: "litellm-mcp smoke [--stack <name>] [--json] [--outputs <file>]",
    options: { stack: STACK_DEV, json: JSON_OUTPUT, outputs: OUTPUTS_OPTION },
    async run(context) {
      const found = await deployedOutputs(context, "dev");
      const { outputs } = found;
      let checks: Check[];
      if (outputs.target === "aws" && outputs.smoke?.from === "vpc") {
        // The task reads the master key itself, through the ECS agent: this machine needs none, nor a way in.
        const target = {
          cluster: outputs.clusterName,
          taskDefinition: outputs.smoke.taskDefinition,
          subnets: outputs.smoke.subnets,
          securityGroups: outputs.smoke.securityGroups,
        };
        const end = await context.deps
          .aws(outputs.region)
          .smoke(target, { group: outputs.logGroups.proxy, streamPrefix: SMOKE_TASK.streamPrefix }, (line) =>
            context.io.stderr.write(`${line}\n`),
          );
        checks = smokeTaskChecks(end);
      } else {
        if (outputs.target === "aws" && outputs.smoke === undefined) {
          context.io.stderr.write(
            `${found.stack} was deployed before its smoke task existed: checking from this machine (litellm-mcp up adds the task)\n`,
          );
        }
        checks = await collectStatus(outputs, await masterKeyOf(context, outputs), {
          ...statusSources(context, outputs),
          callModels: true,
        });
      }
      return report(context, found.stack, checks);
    },
  },

  logs: {
    summary: "print a service's logs: litellm, postgres, redis or an MCP server",
    usage: "litellm-mcp logs <service> [--stack <name>] [--follow] [--since <10m|2h|1d|ISO time>] [--outputs <file>]",
    options: {
      stack: STACK_DEV,
      outputs: OUTPUTS_OPTION,
      follow: { type: "boolean", description: "keep printing new lines" },
      since: { type: "string", description: "from this long ago (30s, 10m, 2h, 1d) or this time" },
    },
    positionals: [1, 1],
    async run(context) {
      const service = context.positionals[0]!;
      const since = parseSince(context.options["since"]);
      const deployed = await deployedStack(context, "dev");
      const options = {
        follow: context.options["follow"] === true,
        write: (line: string) => context.io.stdout.write(`${line}\n`),
      };
      if (deployed.outputs.target === "local") {
        const processes = localServices(deployed.outputs);
        const process = processes[service];
        if (!process) throw new UsageError(unknownService(service, Object.keys(processes)));
        if (since !== undefined)
          throw new UsageError(
            "--since: the log files of local processes carry no timestamps of their own; leave it out",
          );
        await context.deps.local.logs(process, options);
      } else if (deployed.outputs.target === "docker") {
        const container = dockerServices(deployed.outputs)[service];
        if (!container) throw new UsageError(unknownService(service, Object.keys(dockerServices(deployed.outputs))));
        await context.deps
          .docker(context.io.env)
          .logs(container, { ...options, since: since === undefined ? undefined : Math.floor(since / 1000) });
      } else {
        const groups: Record<string, string> = {
          litellm: deployed.outputs.logGroups.proxy,
          ...deployed.outputs.logGroups.mcpServers,
        };
        if (service === "postgres" || service === "redis") {
          throw new OpsError(
            `${service} runs as a managed AWS service on the ${deployed.stack} stack: see its events in the RDS or ElastiCache console`,
          );
        }
        const group = groups[service];
        if (!group) throw new UsageError(unknownService(service, Object.keys(groups)));
        await context.deps.aws(deployed.outputs.region).logs(group, { ...options, since });
      }
      return EXIT.ok;
    },
  },

  restart: {
    summary: "restart one service, or the gateway: MCP servers first, the proxy last (Postgres and Redis by name only)",
    usage: "litellm-mcp restart [service] [--stack <name>] [--outputs <file>]",
    options: { stack: STACK_DEV, outputs: OUTPUTS_OPTION },
    positionals: [0, 1],
    async run(context) {
      const service = context.positionals[0];
      const deployed = await deployedStack(context, "dev");
      const say = (line: string) => context.io.stdout.write(`${line}\n`);
      if (deployed.outputs.target === "local") {
        throw new OpsError(
          "the gateway's processes were started outside litellm-mcp (--outputs): restart them where they were started",
        );
      }
      if (deployed.outputs.target === "docker") {
        const containers = dockerServices(deployed.outputs);
        // As on AWS: the gateway's own services; the data stores restart only when named.
        const chosen = pick(containers, service, [...mcpServerNames(deployed.outputs), "litellm"]);
        const docker = context.deps.docker(context.io.env);
        for (const [name, container] of chosen) {
          say(`restarting ${name} (${container})`);
          await docker.restart(container);
          say(`${name}: restarted`);
        }
      } else {
        const services: Record<string, string> = {
          litellm: deployed.outputs.services.proxy,
          ...deployed.outputs.services.mcpServers,
        };
        const chosen = pick(services, service, [...mcpServerNames(deployed.outputs), "litellm"]);
        const aws = context.deps.aws(deployed.outputs.region);
        for (const [, ecsService] of chosen) await aws.restart(deployed.outputs.clusterName, ecsService, say);
      }
      return EXIT.ok;
    },
  },

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

  "snapshot-db": {
    summary:
      "take a snapshot of the database before a LiteLLM release migrates it, and wait for it (pulumi up runs it on AWS)",
    usage: "litellm-mcp snapshot-db --region <region> --instance <identifier> --stack <name> --before-image <image>",
    options: {
      region: { type: "string", description: "the stack's AWS region" },
      instance: { type: "string", description: "the RDS instance identifier" },
      stack: { type: "string", description: "the stack, for the snapshot's name and tags" },
      "before-image": { type: "string", description: "the proxy image whose migration follows" },
    },
    async run(context) {
      const region = requiredOption(context, "region", REGION, 'an AWS region such as "us-east-1"');
      const instance = requiredOption(context, "instance", RDS_INSTANCE, "an RDS instance identifier");
      const stack = stackName(context.options);
      const image = requiredOption(context, "before-image", /^\S+$/, "an image reference");
      if (parseImageRef(image) === undefined)
        throw new UsageError(`--before-image: expected an image reference, got ${quote(image)}`);
      const snapshot = {
        id: snapshotId(stack, image, new Date()),
        tags: { [SNAPSHOT_TAGS.stack]: stack, [SNAPSHOT_TAGS.beforeImage]: image },
      };
      await context.deps
        .aws(region)
        .snapshotDatabase(instance, snapshot, (line) => context.io.stdout.write(`${line}\n`));
      return EXIT.ok;
    },
  },

  migrate: {
    summary: "run the proxy's database migration as a one-off ECS task, and wait for it (pulumi up runs it on AWS)",
    usage:
      "litellm-mcp migrate --region <region> --cluster <arn> --task-definition <arn> --subnets <id,id> --security-group <id>",
    options: {
      region: { type: "string", description: "the stack's AWS region" },
      cluster: { type: "string", description: "the ECS cluster" },
      "task-definition": { type: "string", description: "the migration task definition (ARN with its revision)" },
      subnets: { type: "string", description: "the private subnets, comma-separated" },
      "security-group": { type: "string", description: "the proxy's security group" },
    },
    async run(context) {
      const value = (name: string, pattern: RegExp, expected: string) =>
        requiredOption(context, name, pattern, expected);
      const region = value("region", REGION, 'an AWS region such as "us-east-1"');
      const target = {
        cluster: value("cluster", /^arn:aws[\w-]*:ecs:[\w-]+:\d{12}:cluster\/[\w-]+$/, "an ECS cluster ARN"),
        taskDefinition: value(
          "task-definition",
          /^arn:aws[\w-]*:ecs:[\w-]+:\d{12}:task-definition\/[\w-]+:\d+$/,
          "a task definition ARN with its revision",
        ),
        subnets: value("subnets", /^subnet-[0-9a-f]+(,subnet-[0-9a-f]+)*$/, "subnet ids, comma-separated").split(","),
        securityGroups: [value("security-group", /^sg-[0-9a-f]+$/, "a security group id")],
      };
      await context.deps.aws(region).migrate(target, (line) => context.io.stdout.write(`${line}\n`));
      return EXIT.ok;
    },
  },

  "verify-image": {
    summary: "verify the signature of the LiteLLM image a stack deploys with LiteLLM's cosign key for that release",
    usage: "litellm-mcp verify-image [--stack <name>]",
    options: { stack: STACK_DEV },
    async run(context) {
      const stack = stackName(context.options, "dev");
      const image = loadStackFile(stackFile(projectDir(context.io.cwd), stack)).proxy.image;
      const signing = litellmSigning(image);
      if (signing.kind === "not-litellm") {
        context.io.stdout.write(
          `${image} is not an image LiteLLM publishes on ghcr.io/berriai: no signature of LiteLLM's to verify\n`,
        );
        return EXIT.ok;
      }
      if (signing.kind === "unknown") throw new OpsError(`cannot verify ${image}: ${signing.why}`);
      context.io.stdout.write(`Verifying ${image} with ${signing.keyUrl}\n`);
      await context.deps
        .signatures(context.io.env)
        .verify(image, signing.keyUrl, (text) => context.io.stdout.write(text));
      context.io.stdout.write(`${image}: signed by LiteLLM's key\n`);
      return EXIT.ok;
    },
  },

  "pin-images": {
    summary:
      "resolve each image tag a stack deploys to the digest its registry serves now; --write pins them in the stack file",
    usage: "litellm-mcp pin-images [--stack <name>] [--write] [--refresh]",
    options: {
      stack: STACK_DEV,
      write: { type: "boolean", description: "write tag@digest into Pulumi.<stack>.yaml (its comments kept)" },
      refresh: {
        type: "boolean",
        description:
          "also resolve the tag of each image already pinned as tag@digest again, to the digest the tag has now",
      },
    },
    async run(context) {
      const stack = stackName(context.options, "dev");
      const file = stackFile(projectDir(context.io.cwd), stack);
      const config = loadStackFile(file);
      const registry = context.deps.registry();
      const refresh = context.options["refresh"] === true;
      const pins: { key: string; path: readonly (string | number)[]; from: string; to: string }[] = [];
      for (const { path, image } of deployedImages(config, IMAGES)) {
        const ref = parseImageRef(image);
        // An image pinned by digest alone has no tag to resolve again: it stays as it is.
        const tagged =
          ref?.digest !== undefined && ref.tag !== undefined && refresh
            ? image.slice(0, image.lastIndexOf("@"))
            : undefined;
        const pinned =
          tagged !== undefined
            ? `${tagged}@${await registry.digestOf(tagged)}`
            : ref?.digest !== undefined
              ? image
              : `${image}@${await registry.digestOf(image)}`;
        pins.push({ key: formatPath(path), path, from: image, to: pinned });
      }
      const width = Math.max(...pins.map((pin) => pin.key.length));
      const kept = refresh ? "(unchanged)" : "(already pinned)";
      for (const pin of pins)
        context.io.stdout.write(`${pin.key.padEnd(width)}  ${pin.to === pin.from ? `${pin.to} ${kept}` : pin.to}\n`);
      if (context.options["write"] !== true) {
        context.io.stdout.write(`\nNothing written: --write pins these in Pulumi.${stack}.yaml\n`);
        return EXIT.ok;
      }
      editStackFile(
        file,
        pins.map((pin) => ({ path: pin.path, value: pin.to })),
      );
      context.io.stdout.write(
        `\nPinned ${pins.filter((pin) => pin.to !== pin.from).length} image(s) in Pulumi.${stack}.yaml\n`,
      );
      return EXIT.ok;
    },
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

  "clear-cache": {
    summary: "empty the proxy's response cache",
    usage: "litellm-mcp clear-cache [--stack <name>] [--outputs <file>]",
    options: { stack: STACK_DEV, outputs: OUTPUTS_OPTION },
    async run(context) {
      const deployed = await deployedStack(context, "dev");
      const cache = responseCache(deployed.outputs.configYaml);
      if (cache === "none") {
        context.io.stdout.write(
          `${deployed.stack} has no response cache (cache.responses is false): nothing to clear\n`,
        );
        return EXIT.ok;
      }
      if (cache === "local") {
        throw new OpsError(
          `${deployed.stack} caches responses in the proxy's memory, which LiteLLM cannot flush through its API: litellm-mcp restart litellm --stack ${deployed.stack} empties it`,
        );
      }
      const result = await flushCache(deployed.outputs.proxyUrl, deployed.key, context.deps.timeoutMs);
      if (!result.ok) throw new OpsError(`could not clear the cache of ${deployed.stack}: ${result.detail}`);
      context.io.stdout.write(
        `Cleared the response cache of ${deployed.stack} in Redis (${result.latencyMs} ms). The router's shared state in the same Redis is rebuilt as requests arrive.\n` +
          `Each proxy worker also keeps the responses it served in its own memory, in front of Redis, until they expire; litellm-mcp restart litellm --stack ${deployed.stack} empties those too.\n`,
      );
      return EXIT.ok;
    },
  },

  pulumi: {
    summary: "run any Pulumi command on a stack, with the stack's backend",
    usage: "litellm-mcp pulumi [--stack <name>] -- <pulumi arguments>",
    options: { stack: STACK_DEV },
    positionals: [1, Number.POSITIVE_INFINITY],
    async run(context) {
      const { stack, pulumi } = selectStack(context, "dev");
      return pulumi.passthrough(stack, context.positionals);
    },
  },
};

/** models --refresh: renews the catalog file from Bedrock, and says what changed. */
async function refreshModelCatalog(context: Context): Promise<number> {
  if (context.options["stack"] !== undefined || context.options["json"] !== undefined)
    throw new UsageError("--refresh renews the catalog for every stack: leave out --stack and --json");
  const file = join(projectDir(context.io.cwd), CATALOG_FILE);
  const previous = parseCatalog(JSON.parse(readFileSync(file, "utf8")));
  const given = context.options["regions"];
  const regions =
    typeof given === "string"
      ? given.split(",").map((region) => {
          if (!REGION.test(region))
            throw new UsageError(
              `--regions: expected AWS regions such as "us-east-1,ap-northeast-1", got ${quote(region)}`,
            );
          return region;
        })
      : catalogRegions(previous);
  const say = (line: string) => context.io.stdout.write(`${line}\n`);
  say(`Asking Bedrock in ${regions.length} region(s) with your AWS credentials...`);
  const result = await refreshCatalog(previous, regions, (region) => context.deps.bedrock(region), new Date());
  for (const [region, why] of Object.entries(result.skipped))
    say(`skipped ${region} (kept what the catalog held): ${why}`);
  if (Object.keys(result.skipped).length === regions.length)
    throw new OpsError("no region could be asked: the catalog is unchanged");
  writeFileSync(file, `${JSON.stringify(result.catalog, null, 2)}\n`);
  const readme = join(projectDir(context.io.cwd), "README.md");
  if (existsSync(readme)) writeFileSync(readme, withCatalogTable(readFileSync(readme, "utf8"), result.catalog));
  for (const line of result.changes) say(line);
  say(
    `Wrote ${CATALOG_FILE} and the README's model table (${Object.keys(result.catalog.models).length} models${result.changes.length === 0 ? ", unchanged" : `, ${result.changes.length} change(s)`}); review and commit them, then run litellm-mcp validate`,
  );
  return EXIT.ok;
}

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

/** Whether the stack's generated keys are protected: where their data outlives the stack (components/keys.ts). */
function keysKept(config: StackConfig): boolean {
  return config.target === "docker"
    ? config.docker.retainVolume
    : config.aws.database.deletionProtection || config.aws.database.finalSnapshot;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const RDS_INSTANCE = /^[a-z][a-z0-9-]{0,62}$/;

/** A string option that must be given and match. */
function requiredOption(context: Context, name: string, pattern: RegExp, expected: string): string {
  const given = context.options[name];
  if (typeof given !== "string" || !pattern.test(given))
    throw new UsageError(`--${name}: expected ${expected}${given === undefined ? "" : `, got "${given}"`}`);
  return given;
}

/** What `down` leaves behind, said before it starts. */
function whatDownKeeps(stack: string, config: StackConfig): string[] {
  if (config.target === "docker") {
    const volume = dockerNames(stack).volume;
    return config.docker.retainVolume
      ? [
          `keeps the Postgres volume ${volume} (docker.retainVolume) and the keys and password that read it, so the next up finds its data`,
          "keeps the pulled images",
        ]
      : [
          `deletes the Postgres volume ${volume} and its keys (docker.retainVolume is false)`,
          "keeps the pulled images",
        ];
  }
  const database = config.aws.database;
  const kept = [
    database.finalSnapshot
      ? `takes a final database snapshot (litellm-mcp-${stack}-final-<suffix of this database>)`
      : "deletes the database without a snapshot",
  ];
  if (keysKept(config))
    kept.push("keeps the master and salt keys, in the stack and in Secrets Manager, for the data that outlives it");
  if (database.deletionProtection)
    kept.push(
      "cannot delete the database while its deletion protection is on (set aws.database.deletionProtection: false and run up first)",
    );
  const window = config.aws.secrets.recoveryWindowDays;
  kept.push(window === 0 ? "deletes the secrets at once" : `keeps the secrets restorable for ${window} days`);
  if (config.stage === "prod") kept.push("keeps the config bucket, whose versions must be emptied before it can go");
  return kept;
}

function dockerServices(outputs: {
  containers: { litellm: string; postgres: string; redis?: string; otel?: string; mcpServers: Record<string, string> };
}): Record<string, string> {
  const { litellm, postgres, redis, otel, mcpServers } = outputs.containers;
  return { litellm, postgres, ...(redis ? { redis } : {}), ...(otel ? { otel } : {}), ...mcpServers };
}

/** The services to act on: the one named, or all in `order`. */
function pick(services: Record<string, string>, service: string | undefined, order: string[]): [string, string][] {
  if (service !== undefined) {
    const target = services[service];
    if (!target) throw new UsageError(unknownService(service, Object.keys(services)));
    return [[service, target]];
  }
  return order.filter((name) => services[name] !== undefined).map((name) => [name, services[name]!]);
}

function unknownService(service: string, known: string[]): string {
  return `unknown service "${service}"; this stack has: ${known.join(", ")}`;
}
