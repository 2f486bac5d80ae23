/**
 * The program with its gateway component renamed, as a refactor would rename it: run by tests next to
 * index.ts to show what a rename moves and what it must not.
 */
import * as pulumi from "@pulumi/pulumi";
import { AwsGateway } from "../../components/aws/gateway";
import { DockerGateway } from "../../components/docker/gateway";
import { renderStack } from "../../components/endpoints";
import { recordNoPromiseStacks } from "../../components/promiseStacks";
import { loadPulumiConfig } from "../../config/pulumiConfig";
import { vpcZones } from "../../program";

const config = loadPulumiConfig();
const stack = pulumi.getStack();
const secrets = new pulumi.Config();
recordNoPromiseStacks();
const args = {
  stack,
  config,
  rendered: renderStack(config, stack),
  readSecret: (key: string) => secrets.requireSecret(key),
};
export = vpcZones(config, `Pulumi.${stack}.yaml`).then((zones) => {
  if (config.target === "docker") new DockerGateway("renamed-gateway", args);
  else new AwsGateway("renamed-gateway", { ...args, ...(zones ? { zones } : {}) });
  return {};
});
