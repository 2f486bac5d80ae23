/** The commands that change a stack through Pulumi: up, preview, down, and pulumi itself. */
import { join } from "node:path";
import { dockerNames } from "../../components/docker/naming";
import type { StackConfig } from "../../config/schema";
import { confirmedByStackName, selectStack } from "../context";
import { checkDockerHost, failedContainers } from "../dockerUp";
import { EXIT, UsageError } from "../errors";
import { POLICY_PACK_DIR } from "../release";
import { readOutputs } from "../outputs";
import { type Command, STACK_DEV, YES_AWS, write } from "./shared";

/** Whether the stack's generated keys are protected: where their data outlives the stack (components/keys.ts). */
function keysKept(config: StackConfig): boolean {
  return config.target === "docker"
    ? config.docker.retainVolume
    : config.aws.database.deletionProtection || config.aws.database.finalSnapshot;
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

export const DEPLOY_COMMANDS: Record<string, Command> = {
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
