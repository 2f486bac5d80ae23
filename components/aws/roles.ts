import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { secretArnOf } from "./containers";
import type { Role } from "../../config/constants";
import type { PolicyStatement } from "./bedrockPolicy";
import { awsTags } from "./naming";

export interface ServiceRolesArgs {
  readonly stack: string;
  readonly role: Role;
  readonly mcpServer?: string;
  readonly accountId: pulumi.Input<string>;
  /** The secrets the service's containers receive: the execution role reads exactly these. */
  readonly secretArns: pulumi.Input<string>[];
  /** The service's log group: the execution role writes exactly there. */
  readonly logGroupArn: pulumi.Input<string>;
  /** ECR repositories the service's images come from. */
  readonly repositoryArns: pulumi.Input<string>[];
  /** What the running containers may do; no task role at all when absent. */
  readonly taskStatements?: pulumi.Input<PolicyStatement[]>;
}

/** A service's execution role (pull, secrets, logs) and, if it needs AWS APIs, its task role. */
export class ServiceRoles extends pulumi.ComponentResource {
  readonly executionRoleArn: pulumi.Output<string>;
  readonly taskRoleArn: pulumi.Output<string> | undefined;

  constructor(name: string, args: ServiceRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:aws:ServiceRoles", name, {}, opts);
    const parent = { parent: this };
    const tags = awsTags(args.stack, args.role, args.mcpServer);
    // Only ECS tasks of this account may assume the roles.
    const assumeRolePolicy = pulumi.output(args.accountId).apply((accountId) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "ecs-tasks.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
          },
        ],
      }),
    );

    const execution = new aws.iam.Role(
      `${name}-execution`,
      { assumeRolePolicy, description: "litellm-mcp: start tasks", tags },
      parent,
    );
    const executionPolicy = pulumi
      .all([pulumi.output(args.logGroupArn), pulumi.all(args.secretArns), pulumi.all(args.repositoryArns)])
      .apply(([logGroupArn, secretArns, repositoryArns]) => {
        const statements: object[] = [
          {
            Sid: "WriteLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: [`${logGroupArn}:*`],
          },
        ];
        if (secretArns.length > 0) {
          statements.push({
            Sid: "ReadSecrets",
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue"],
            Resource: [...new Set(secretArns.map(secretArnOf))],
          });
        }
        if (repositoryArns.length > 0) {
          statements.push(
            {
              Sid: "PullImages",
              Effect: "Allow",
              Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
              Resource: repositoryArns,
            },
            // The registry login is account-wide: it has no resource to name.
            { Sid: "LogInToRegistry", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
          );
        }
        return JSON.stringify({ Version: "2012-10-17", Statement: statements });
      });
    new aws.iam.RolePolicy(`${name}-execution`, { role: execution.id, policy: executionPolicy }, parent);
    this.executionRoleArn = execution.arn;

    if (args.taskStatements !== undefined) {
      const task = new aws.iam.Role(
        `${name}-task`,
        { assumeRolePolicy, description: "litellm-mcp: what the running containers may do", tags },
        parent,
      );
      new aws.iam.RolePolicy(
        `${name}-task`,
        {
          role: task.id,
          policy: pulumi
            .output(args.taskStatements)
            .apply((statements) => JSON.stringify({ Version: "2012-10-17", Statement: statements })),
        },
        parent,
      );
      this.taskRoleArn = task.arn;
    }
    this.registerOutputs({ executionRoleArn: this.executionRoleArn, taskRoleArn: this.taskRoleArn });
  }
}
