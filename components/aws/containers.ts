/** ECS container definition pieces shared by the proxy and the MCP services. */
import type * as pulumi from "@pulumi/pulumi";

export interface ContainerEnv {
  readonly name: string;
  readonly value: pulumi.Input<string>;
}

export interface ContainerSecret {
  readonly name: string;
  /** ARN of the Secrets Manager secret; ECS fetches it at start, so the value is never in the definition. */
  readonly valueFrom: pulumi.Input<string>;
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
