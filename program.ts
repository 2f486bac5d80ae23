/** The program as a function of its config, so that tests can build several stacks in one process. */
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config/schema";
import { AwsGateway } from "./components/aws/gateway";
import { GATEWAY_COMPONENT } from "./components/aws/naming";
import { offeredZones, subnetZones } from "./components/aws/zones";
import { DockerGateway } from "./components/docker/gateway";
import { renderStack } from "./components/endpoints";
import { recordNoPromiseStacks } from "./components/promiseStacks";
import { formatProblem } from "./config/errors";

/** The stack outputs; the operations CLI and the README's examples read them. */
export type StackOutputs = Record<string, pulumi.Input<unknown>>;

/**
 * The zones of a new AWS VPC's subnets, asked of the account before any resource is registered, so that a count
 * it cannot meet fails the preview and `up` creates nothing. None for Docker or an existing VPC.
 */
export async function vpcZones(config: StackConfig, source: string): Promise<string[] | undefined> {
  if (config.target !== "aws" || config.aws.network.existing !== undefined) return undefined;
  const { names, region } = await offeredZones();
  const zones = subnetZones(names, config.aws.network.availabilityZones, region);
  if (!Array.isArray(zones)) throw new pulumi.RunError(formatProblem(source, zones));
  return zones;
}

/**
 * Builds the stack on its target. `readSecret` gives the value of a secret config key as a Pulumi secret; `zones`
 * are the availability zones of a new AWS VPC's subnets, as the account offers them (components/aws/zones.ts).
 */
export function deploy(
  config: StackConfig,
  stack: string,
  readSecret: (key: string) => pulumi.Output<string>,
  zones?: readonly string[],
): StackOutputs {
  recordNoPromiseStacks();
  const rendered = renderStack(config, stack);
  if (config.target === "docker") {
    const gateway = new DockerGateway("gateway", { stack, config, rendered, readSecret });
    return {
      target: config.target,
      proxyUrl: gateway.proxyUrl,
      mcpGatewayUrl: gateway.mcpGatewayUrl,
      ...(gateway.masterKey ? { masterKey: gateway.masterKey } : {}),
      containers: gateway.containers,
      networkName: gateway.networkName,
      volumeName: gateway.volumeName,
      configYaml: rendered.yaml,
    };
  }
  const gateway = new AwsGateway(GATEWAY_COMPONENT, {
    stack,
    config,
    rendered,
    readSecret,
    ...(zones ? { zones } : {}),
  });
  return {
    target: config.target,
    proxyUrl: gateway.proxyUrl,
    mcpGatewayUrl: gateway.mcpGatewayUrl,
    loadBalancerDnsName: gateway.loadBalancerDnsName,
    ...(gateway.masterKeySecretArn ? { masterKeySecretArn: gateway.masterKeySecretArn } : {}),
    region: gateway.region,
    clusterName: gateway.clusterName,
    databaseInstance: gateway.databaseInstance,
    smoke: gateway.smoke,
    services: gateway.services,
    logGroups: gateway.logGroups,
    configBucket: gateway.configBucket,
    alarmTopicArn: gateway.alarmTopicArn,
    dashboardName: gateway.dashboardName,
    configYaml: rendered.yaml,
  };
}
