/** ECS task pieces shared by the proxy and the MCP services. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ContainerEnv {
  readonly name: string;
  readonly value: pulumi.Input<string>;
}

export interface ContainerSecret {
  readonly name: string;
  /**
   * ARN of the Secrets Manager secret, pinned to a version where the stack holds the value; ECS fetches it at
   * start, so the value is never in the definition.
   */
  readonly valueFrom: pulumi.Input<string>;
}

/** The secret's own ARN in a valueFrom (arn:aws:secretsmanager:region:account:secret:name[:key:stage:version]). */
export function secretArnOf(valueFrom: string): string {
  return valueFrom.split(":").slice(0, 7).join(":");
}

export function awsLogs(logGroupName: pulumi.Input<string>, region: pulumi.Input<string>, prefix: string) {
  return {
    logDriver: "awslogs",
    options: { "awslogs-group": logGroupName, "awslogs-region": region, "awslogs-stream-prefix": prefix },
  };
}

/** ECS health check from a Docker-style probe command. */
export function ecsHealthCheck(command: string[], startPeriodSeconds: number) {
  return { command, interval: 15, timeout: 5, retries: 5, startPeriod: startPeriodSeconds };
}

export function byName<T extends { name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.name.localeCompare(b.name));
}

export interface FargateTaskArgs {
  readonly family: string;
  /** CPU units and MiB. */
  readonly cpu: number;
  readonly memory: number;
  readonly executionRoleArn: pulumi.Input<string>;
  readonly taskRoleArn?: pulumi.Input<string>;
  /** The task's main container; its inputs are resolved into the definition's JSON. */
  readonly container: Record<string, unknown>;
  /** Containers beside it, such as a trace collector. */
  readonly sidecars?: readonly Record<string, unknown>[];
  /** Task volumes on the task's own storage, which its containers mount by name. */
  readonly volumes?: readonly string[];
  readonly tags: Record<string, string>;
}

/** A Fargate task on x86-64 Linux: its main container, and sidecars when given. */
export function fargateTaskDefinition(
  name: string,
  args: FargateTaskArgs,
  parent: pulumi.Resource,
): aws.ecs.TaskDefinition {
  return new aws.ecs.TaskDefinition(
    name,
    {
      family: args.family,
      cpu: String(args.cpu),
      memory: String(args.memory),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: args.executionRoleArn,
      taskRoleArn: args.taskRoleArn,
      containerDefinitions: pulumi
        .output([args.container, ...(args.sidecars ?? [])])
        .apply((definitions) => JSON.stringify(definitions)),
      ...(args.volumes && args.volumes.length > 0 ? { volumes: args.volumes.map((volume) => ({ name: volume })) } : {}),
      tags: args.tags,
    },
    { parent },
  );
}
