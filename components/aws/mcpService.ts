import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { McpServerConfig } from "../../config/schema";
import { mcpHealthcheck, mcpImageBuild, mcpProcess } from "../mcp";
import { type ContainerSecret, awsLogs, byName, ecsHealthCheck, fargateTaskDefinition } from "./containers";
import { awsTags, logGroupName, mcpRepositoryName, mcpTaskFamily, serviceConnectAlias } from "./naming";
import { ServiceRoles } from "./roles";

const MCP_CONTAINER = "mcp";
/** Tool calls can take far longer than Service Connect's 15-second default for HTTP. */
const REQUEST_TIMEOUT_SECONDS = 300;

export interface McpServiceArgs {
  readonly stack: string;
  readonly server: McpServerConfig;
  /** The proxy's request timeout: Service Connect must not cut a tool call the proxy still waits for. */
  readonly requestTimeoutSeconds: number;
  readonly logRetentionDays: number;
  readonly region: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  readonly clusterArn: pulumi.Input<string>;
  readonly namespaceArn: pulumi.Input<string>;
  readonly subnetIds: pulumi.Input<string>[];
  /** Admits the proxy only. */
  readonly securityGroupId: pulumi.Input<string>;
  /** The server's secret environment, from Secrets Manager. */
  readonly secrets: readonly ContainerSecret[];
}

/**
 * One MCP server as an ECS service, reached by the proxy through Service Connect at `mcp-<name>:<port>`.
 * A server built from a package gets its image built and pushed to a private ECR repository.
 */
export class McpService extends pulumi.ComponentResource {
  readonly serviceName: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: McpServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:aws:McpService", name, {}, opts);
    const parent = { parent: this };
    const { server, stack } = args;
    const tags = awsTags(stack, "mcp-server", server.name);
    const alias = serviceConnectAlias(server.name);

    const logs = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: logGroupName(stack, `mcp/${server.name}`), retentionInDays: args.logRetentionDays, tags },
      parent,
    );

    const build = mcpImageBuild(server);
    let image: pulumi.Input<string>;
    const repositoryArns: pulumi.Output<string>[] = [];
    if (build) {
      const repository = new aws.ecr.Repository(
        mcpRepositoryName(name),
        { imageScanningConfiguration: { scanOnPush: true }, imageTagMutability: "MUTABLE", forceDelete: true, tags },
        parent,
      );
      new aws.ecr.LifecyclePolicy(
        `${name}-repository`,
        {
          repository: repository.name,
          policy: JSON.stringify({
            rules: [
              {
                rulePriority: 1,
                description: "keep the last 10 images",
                selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 10 },
                action: { type: "expire" },
              },
            ],
          }),
        },
        parent,
      );
      const credentials = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, parent);
      const built = new docker.Image(
        `${name}-image`,
        {
          imageName: pulumi.interpolate`${repository.repositoryUrl}:${build.tag}`,
          build: {
            context: build.context,
            dockerfile: build.dockerfile,
            args: { ...build.args },
            platform: "linux/amd64",
          },
          registry: {
            server: repository.repositoryUrl,
            username: credentials.userName,
            password: pulumi.secret(credentials.password),
          },
        },
        parent,
      );
      // The digest pins exactly the image that was pushed.
      image = built.repoDigest;
      repositoryArns.push(repository.arn);
    } else {
      image = server.image!;
    }

    const roles = new ServiceRoles(
      `${name}-roles`,
      {
        stack,
        role: "mcp-server",
        mcpServer: server.name,
        accountId: args.accountId,
        secretArns: args.secrets.map((secret) => secret.valueFrom),
        logGroupArn: logs.arn,
        repositoryArns,
      },
      parent,
    );

    const { entrypoint, command } = mcpProcess(server);
    const container = {
      name: MCP_CONTAINER,
      image,
      essential: true,
      ...(entrypoint ? { entryPoint: entrypoint } : {}),
      ...(command ? { command } : {}),
      portMappings: [{ name: MCP_CONTAINER, containerPort: server.port, protocol: "tcp", appProtocol: "http" }],
      environment: byName(Object.entries(server.environment).map(([key, value]) => ({ name: key, value }))),
      secrets: byName(args.secrets),
      logConfiguration: awsLogs(logs.name, args.region, "mcp"),
      healthCheck: ecsHealthCheck(mcpHealthcheck(server), 60),
    };
    const taskDefinition = fargateTaskDefinition(
      `${name}-task`,
      {
        family: mcpTaskFamily(stack, server.name),
        cpu: server.cpu,
        memory: server.memory,
        executionRoleArn: roles.executionRoleArn,
        container,
        tags,
      },
      this,
    );
    const service = new aws.ecs.Service(
      `${name}-service`,
      {
        cluster: args.clusterArn,
        taskDefinition: taskDefinition.arn,
        launchType: "FARGATE",
        desiredCount: server.replicas,
        networkConfiguration: {
          subnets: args.subnetIds,
          securityGroups: [args.securityGroupId],
          assignPublicIp: false,
        },
        deploymentCircuitBreaker: { enable: true, rollback: true },
        waitForSteadyState: true,
        serviceConnectConfiguration: {
          enabled: true,
          namespace: args.namespaceArn,
          services: [
            {
              portName: MCP_CONTAINER,
              discoveryName: alias,
              clientAlias: [{ port: server.port, dnsName: alias }],
              timeout: { perRequestTimeoutSeconds: Math.max(REQUEST_TIMEOUT_SECONDS, args.requestTimeoutSeconds) },
            },
          ],
        },
        propagateTags: "SERVICE",
        enableEcsManagedTags: true,
        tags,
      },
      parent,
    );

    this.serviceName = service.name;
    this.logGroupName = logs.name;
    this.registerOutputs({ serviceName: this.serviceName, logGroupName: this.logGroupName });
  }
}
