/** The rules across keys of the stack config: what no single block can check on its own. */
import type * as z from "zod/mini";
import { geographyProblem, splitModelId } from "../modelCatalog";
import { quote } from "../errors";
import { LOOPBACK, RESERVED_DB_CONNECTIONS } from "../constants";
import { FARGATE_CPU_SIZES, fargateSizeProblem } from "../fargate";
import { pinningProblem } from "../images";
import {
  DEPLOYMENT_MAXIMUM_PERCENT,
  LITELLM_DEFAULT_POOL_LIMIT,
  maxConnectedProxyInstances,
  readsConfigFile,
  workerPoolLimit,
} from "../topology";
import { type ParsedConfig, type Path, baseSchema, secretRefsOf } from "./base";
import { region } from "./primitives";

export function defaultWorkers(config: ParsedConfig): number {
  return config.proxy.workers ?? (config.target === "aws" ? Math.max(1, Math.floor(config.aws.service.cpu / 1024)) : 1);
}

export function crossKeyRules(config: ParsedConfig, ctx: z.core.$RefinementCtx): void {
  const issue = (path: Path, message: string) => ctx.addIssue({ code: "custom", path, message });
  const aws = config.target === "aws";
  const prod = config.stage === "prod";

  if (prod && !aws) issue(["target"], 'expected "aws": a prod stage runs on AWS');
  if (!config.proxy.auth) {
    if (aws || config.stage !== "dev")
      issue(["proxy", "auth"], "expected true: only a dev stack on the docker target may turn auth off");
    else if (!LOOPBACK.includes(config.docker.bindAddress)) {
      issue(
        ["proxy", "auth"],
        `expected true while docker.bindAddress is ${config.docker.bindAddress}: without auth the proxy must stay on loopback`,
      );
    }
  }

  if (aws || config.stage !== "dev") {
    const images: [Path, string | undefined][] = [
      [["proxy", "image"], config.proxy.image],
      ...config.mcpServers.flatMap((server, index): [Path, string | undefined][] => [
        [["mcpServers", index, "image"], server.image],
        [["mcpServers", index, "build", "baseImage"], server.build?.baseImage],
      ]),
    ];
    for (const [path, image] of images) {
      const problem = image === undefined ? undefined : pinningProblem(image);
      if (problem) {
        issue(
          path,
          `expected an image pinned to a version tag or a digest outside a dev stack on docker, got ${quote(image)}, which ${problem}`,
        );
      }
    }
  }

  for (const { path, ref } of secretRefsOf(config)) {
    if ("secretsManager" in ref && !aws)
      issue([...path, "secretsManager"], 'expected "config": Secrets Manager references need the aws target');
    if ("config" in ref && ref.config in baseSchema.shape) {
      issue(
        [...path, "config"],
        `expected the name of a secret config key, not the stack config key ${quote(ref.config)}`,
      );
    }
  }
  const credentials = config.docker.awsCredentials;
  if (aws && credentials.accessKeyId !== undefined) {
    issue(
      ["docker", "awsCredentials", "accessKeyId"],
      "is for the docker target only: on AWS the task role reaches Bedrock",
    );
  }

  if (!aws && config.spend.awsMonthlyBudgetUsd !== undefined) {
    issue(["spend", "awsMonthlyBudgetUsd"], "is for the aws target only: an AWS Budget watches the stack's AWS costs");
  }
  if (
    !aws &&
    config.docker.postgresHostPort !== undefined &&
    config.docker.postgresHostPort === config.docker.hostPort
  ) {
    issue(
      ["docker", "postgresHostPort"],
      `expected another port than docker.hostPort (${config.docker.hostPort}): both are published on the host`,
    );
  }
  if (aws) awsRules(config, issue);

  config.models.forEach((model, index) => {
    // A region that is not one has its own message already.
    const problem = region.safeParse(model.region).success
      ? geographyProblem(model.bedrockModelId, model.region)
      : undefined;
    if (problem) issue(["models", index, "bedrockModelId"], problem);
  });

  // One name, one model version: a client calling a name gets the same model whichever deployment answers.
  const modelOfName = new Map<string, string>();
  config.models.forEach((model, index) => {
    const name = model.group ?? model.name;
    const foundation = splitModelId(model.bedrockModelId).foundationModel;
    const first = modelOfName.get(name);
    if (first === undefined) modelOfName.set(name, foundation);
    else if (first !== foundation) {
      issue(
        ["models", index, "bedrockModelId"],
        `expected ${quote(first)}, the model of the other deployments of ${quote(name)}: one name serves one model version, got ${quote(foundation)}`,
      );
    }
  });

  // A call to a name served by several deployments moves to another deployment only on a retry.
  const served = new Map<string, number>();
  for (const model of config.models)
    served.set(model.group ?? model.name, (served.get(model.group ?? model.name) ?? 0) + 1);
  const shared = [...served].find(([, count]) => count > 1);
  if (shared && config.proxy.numRetries < 1) {
    issue(
      ["proxy", "numRetries"],
      `expected at least 1: ${quote(shared[0])} is served by ${shared[1]} deployments, and a failed call reaches another one only on a retry`,
    );
  }

  const workers = defaultWorkers(config);
  const instances = maxConnectedProxyInstances(config);
  const configured = readsConfigFile(config);
  if (
    workerPoolLimit(configured, config.database.maxConnections, instances, workers, RESERVED_DB_CONNECTIONS) ===
    undefined
  ) {
    const during = aws
      ? ` (maxCount ${config.aws.service.maxCount} at ${DEPLOYMENT_MAXIMUM_PERCENT}% during a rolling deployment)`
      : "";
    const each = configured ? 1 : LITELLM_DEFAULT_POOL_LIMIT;
    const need = configured
      ? "each need a connection"
      : `each open LiteLLM's own pool of ${LITELLM_DEFAULT_POOL_LIMIT} connections (the proxy reads config.yaml from S3, so its CLI applies no pool setting)`;
    issue(
      ["database", "maxConnections"],
      `expected at least ${RESERVED_DB_CONNECTIONS + instances * workers * each}: ${instances} proxy instance(s)${during} x ${workers} worker(s) ${need}, and ${RESERVED_DB_CONNECTIONS} stay reserved`,
    );
  }
}

/** The longest deregistration delay a target group takes (Elastic Load Balancing). */
const MAX_DRAIN_SECONDS = 3600;

function awsRules(config: ParsedConfig, issue: (path: Path, message: string) => void): void {
  const { service, database, loadBalancer, secrets } = config.aws;
  const prod = config.stage === "prod";

  if (config.proxy.requestTimeoutSeconds > MAX_DRAIN_SECONDS) {
    issue(
      ["proxy", "requestTimeoutSeconds"],
      `expected at most ${MAX_DRAIN_SECONDS} on aws: the load balancer drains a task for at most ${MAX_DRAIN_SECONDS} s (deregistration delay) before ECS stops it, so a longer request would be cut at every deployment`,
    );
  }
  const serviceSize = fargateSizeProblem(service.cpu, service.memory);
  if (serviceSize) issue(["aws", "service", FARGATE_CPU_SIZES.includes(service.cpu) ? "memory" : "cpu"], serviceSize);
  config.mcpServers.forEach((server, index) => {
    const size = fargateSizeProblem(server.cpu, server.memory);
    if (size) issue(["mcpServers", index, FARGATE_CPU_SIZES.includes(server.cpu) ? "memory" : "cpu"], size);
  });
  if (service.minCount > service.maxCount)
    issue(["aws", "service", "maxCount"], `expected at least minCount (${service.minCount})`);
  if (
    service.desiredCount !== undefined &&
    (service.desiredCount < service.minCount || service.desiredCount > service.maxCount)
  ) {
    issue(
      ["aws", "service", "desiredCount"],
      `expected a count from minCount (${service.minCount}) to maxCount (${service.maxCount})`,
    );
  }
  if (config.cache.redis === "never" && service.maxCount > 1) {
    issue(
      ["cache", "redis"],
      `expected "auto" or "always": ${service.maxCount} proxy tasks share router state and cache through Redis`,
    );
  }
  if (config.aws.network.interfaceEndpoints && config.aws.network.existing !== undefined) {
    issue(
      ["aws", "network", "interfaceEndpoints"],
      "is for the VPC the stack creates: add interface endpoints to an existing VPC where it is managed",
    );
  }
  if (database.maxAllocatedStorageGb < database.allocatedStorageGb) {
    issue(
      ["aws", "database", "maxAllocatedStorageGb"],
      `expected at least allocatedStorageGb (${database.allocatedStorageGb})`,
    );
  }
  if (secrets.recoveryWindowDays === 0 && config.stage !== "test") {
    issue(
      ["aws", "secrets", "recoveryWindowDays"],
      "expected 7 to 30: only a test stage may delete secrets without a recovery window",
    );
  }
  const minBackups = prod ? 7 : 1;
  if (database.backupRetentionDays !== undefined && database.backupRetentionDays < minBackups) {
    issue(["aws", "database", "backupRetentionDays"], `expected at least ${minBackups} in a ${config.stage} stage`);
  }
  const open = loadBalancer.ingressCidrs.filter((block) => block === "0.0.0.0/0" || block === "::/0");
  if (
    loadBalancer.certificateArn === undefined &&
    !loadBalancer.internal &&
    open.length > 0 &&
    !loadBalancer.allowPlainHttpFromAnywhere
  ) {
    issue(
      ["aws", "loadBalancer", "ingressCidrs", loadBalancer.ingressCidrs.indexOf(open[0]!)],
      `expected your networks, or a certificate (certificateArn): plain HTTP from ${open[0]} carries the master key and virtual keys across the internet in clear text (allowPlainHttpFromAnywhere: true accepts that)`,
    );
  }
  if (loadBalancer.certificateArn !== undefined && loadBalancer.domainName === undefined) {
    issue(
      ["aws", "loadBalancer", "domainName"],
      "expected the DNS name the certificate covers: ACM does not issue certificates for the load balancer's own name, so HTTPS to it fails verification",
    );
  }
  if (prod) {
    if (loadBalancer.certificateArn === undefined) {
      issue(["aws", "loadBalancer", "certificateArn"], "expected an ACM certificate ARN: prod serves HTTPS only");
    }
    if (loadBalancer.adminCidrs === undefined && !loadBalancer.internal) {
      issue(
        ["aws", "loadBalancer", "adminCidrs"],
        "expected the networks that may reach LiteLLM's admin API and UI: prod keeps them off the internet",
      );
    }
    for (const key of ["multiAz", "deletionProtection", "finalSnapshot"] as const) {
      if (database[key] === false) issue(["aws", "database", key], "expected true (or unset) in prod");
    }
  }
}

/** Fills the defaults that depend on the target or the stage. */
