/**
 * The commands `pulumi up` runs among the resources, not the user: snapshot-db before another image migrates,
 * and migrate.
 */
import { quote } from "../../config/errors";
import { parseImageRef } from "../../config/images";
import { stackName } from "../context";
import { EXIT, UsageError } from "../errors";
import { SNAPSHOT_TAGS, snapshotId } from "../release";
import { type Command, RDS_INSTANCE, REGION, requiredOption } from "./shared";

export const HOOKS_COMMANDS: Record<string, Command> = {
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
};
