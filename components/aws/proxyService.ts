import * as aws from "@pulumi/aws";
import { local } from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { ENV, PROMETHEUS_MULTIPROC, PROXY, SMOKE_TASK } from "../../config/constants";
import type { ModelConfig, StackConfig } from "../../config/schema";
import { DEPLOYMENT_MAXIMUM_PERCENT } from "../../config/topology";
import { proxyCommand, proxyHealthcheck } from "../proxyProcess";
import {
  type ContainerEnv,
  type ContainerSecret,
  awsLogs,
  byName,
  ecsHealthCheck,
  fargateTaskDefinition,
} from "./containers";
import { migrationCommand, smokeScript, snapshotCommand } from "./deployCommands";
import { awsTags, logGroupName } from "./naming";
import { proxyTaskStatements } from "./proxyTaskPolicy";
import { ServiceRoles } from "./roles";
import { collectorConfig, SCRAPE_KEY_ENV } from "./telemetry";

/** How long the smoke task waits for each answer: a model's one-token reply, an MCP server's tool list. */
const SMOKE_TIMEOUT_SECONDS = 60;
const OTEL_CONTAINER = "aws-otel-collector";
/**
 * Fargate kills a task at most 120 s after SIGTERM. Streams are drained before that, at the load balancer
 * (its deregistration delay is request_timeout); this is for the requests still open when draining ends.
 */
const PROXY_STOP_TIMEOUT_SECONDS = 120;

/** Seconds the proxy keeps idle connections: past the load balancer's idle timeout, so the balancer closes first. */
function keepaliveBehind(idleTimeoutSeconds: number): number {
  return idleTimeoutSeconds + 5;
}

export interface ProxyServiceArgs {
  readonly stack: string;
  /** The load balancer's idle timeout: the proxy's keep-alive outlasts it. */
  readonly loadBalancerIdleTimeoutSeconds: number;
  readonly proxy: StackConfig["proxy"];
  readonly service: StackConfig["aws"]["service"];
  readonly models: readonly ModelConfig[];
  readonly logRetentionDays: number;
  readonly region: pulumi.Input<string>;
  readonly partition: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  readonly clusterArn: pulumi.Input<string>;
  readonly clusterName: pulumi.Input<string>;
  readonly namespaceArn: pulumi.Input<string>;
  readonly subnetIds: pulumi.Input<string>[];
  readonly securityGroupId: pulumi.Input<string>;
  readonly targetGroupArn: pulumi.Input<string>;
  /** `<alb arn suffix>/<target group arn suffix>`, for scaling on requests per target. */
  readonly requestCountResourceLabel: pulumi.Input<string>;
  /** The service registers with the target group only once the listeners exist. */
  readonly listeners: pulumi.Resource[];
  /** The database with its parameters applied: migrations and pools wait for it. */
  readonly database: pulumi.Resource;
  /** The RDS instance's identifier: it is snapshotted before another release migrates it. */
  readonly databaseInstance: pulumi.Input<string>;
  readonly configObjectArn: pulumi.Input<string>;
  /** Plain environment: nothing secret. */
  readonly environment: readonly ContainerEnv[];
  /** Secret environment, injected by ECS from Secrets Manager. */
  readonly secrets: readonly ContainerSecret[];
  /** LiteLLM's spans go to an AWS Distro for OpenTelemetry sidecar, which exports them to X-Ray. */
  readonly tracing: StackConfig["tracing"];
  /** What the one-off migration task needs of both (the database URL, LiteLLM's offline settings). */
  readonly migration: { readonly environment: readonly ContainerEnv[]; readonly secrets: readonly ContainerSecret[] };
  /** The smoke check's one-off task, when the stack runs it in the VPC: the URL it checks and the MCP servers. */
  readonly smoke?: { readonly proxyUrl: pulumi.Input<string>; readonly mcpServers: readonly string[] };
}

/**
 * The proxy on Fargate: config.yaml from S3, secrets from Secrets Manager, Bedrock through the task role,
 * rolled back on a failed deployment, scaled between minCount and maxCount on CPU and requests per target.
 */
export class ProxyService extends pulumi.ComponentResource {
  readonly serviceName: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  /** The smoke task's definition, when the stack runs the smoke check in the VPC. */
  readonly smokeTaskDefinitionArn: pulumi.Output<string> | undefined;

  constructor(name: string, args: ProxyServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:aws:ProxyService", name, {}, opts);
    const parent = { parent: this };
    const tags = awsTags(args.stack, "proxy");
    const { proxy, service } = args;

    const logs = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: logGroupName(args.stack, "proxy"), retentionInDays: args.logRetentionDays, tags },
      parent,
    );
    // LiteLLM's metrics as embedded metric format logs, which CloudWatch turns into metrics.
    const metricLogs = args.tracing.enabled
      ? new aws.cloudwatch.LogGroup(
          `${name}-metrics`,
          { name: logGroupName(args.stack, "metrics"), retentionInDays: args.logRetentionDays, tags },
          parent,
        )
      : undefined;

    const taskStatements = pulumi
      .all([args.partition, args.accountId, args.configObjectArn, metricLogs?.arn])
      .apply(([partition, accountId, configObjectArn, metricLogsArn]) =>
        proxyTaskStatements({
          models: args.models,
          partition,
          accountId,
          configObjectArn,
          tracing: args.tracing.enabled,
          metricLogsArn,
        }),
      );
    const roles = new ServiceRoles(
      `${name}-roles`,
      {
        stack: args.stack,
        role: "proxy",
        accountId: args.accountId,
        secretArns: args.secrets.map((secret) => secret.valueFrom),
        logGroupArn: logs.arn,
        repositoryArns: [],
        taskStatements,
      },
      parent,
    );

    // Several workers count their Prometheus samples in one folder, on a volume of the task's own storage.
    const sharedMetrics = args.environment.some((entry) => entry.name === ENV.prometheusMultiprocDir);
    const container = {
      name: PROXY.container,
      image: proxy.image,
      essential: true,
      command: proxyCommand(proxy, { keepaliveSeconds: keepaliveBehind(args.loadBalancerIdleTimeoutSeconds) }),
      portMappings: [{ name: "proxy", containerPort: proxy.port, protocol: "tcp", appProtocol: "http" }],
      environment: byName(args.environment),
      secrets: byName(args.secrets),
      logConfiguration: awsLogs(logs.name, args.region, "proxy"),
      // Database migrations run at start-up before the proxy answers.
      healthCheck: ecsHealthCheck(proxyHealthcheck(proxy.port), 120),
      stopTimeout: PROXY_STOP_TIMEOUT_SECONDS,
      ulimits: [{ name: "nofile", softLimit: 65536, hardLimit: 65536 }],
      ...(sharedMetrics
        ? {
            mountPoints: [
              { sourceVolume: PROMETHEUS_MULTIPROC.volume, containerPath: PROMETHEUS_MULTIPROC.path, readOnly: false },
            ],
          }
        : {}),
      ...(args.tracing.enabled ? { dependsOn: [{ containerName: OTEL_CONTAINER, condition: "START" }] } : {}),
    };
    // The collector is not essential: a collector that fails loses traces, never requests.
    const sidecars = args.tracing.enabled
      ? [
          {
            name: OTEL_CONTAINER,
            image: args.tracing.collectorImage,
            essential: false,
            // Traces to X-Ray, and LiteLLM's /metrics scraped into CloudWatch (components/aws/telemetry.ts).
            environment: [
              {
                name: "AOT_CONFIG_CONTENT",
                value: collectorConfig(args.stack, proxy.port, logGroupName(args.stack, "metrics")),
              },
              { name: "AWS_REGION", value: args.region },
            ],
            secrets: args.secrets.filter((secret) => secret.name === SCRAPE_KEY_ENV),
            logConfiguration: awsLogs(logs.name, args.region, "otel"),
          },
        ]
      : [];
    const taskDefinition = fargateTaskDefinition(
      `${name}-task`,
      {
        family: `litellm-mcp-${args.stack}-proxy`,
        cpu: service.cpu,
        memory: service.memory,
        executionRoleArn: roles.executionRoleArn,
        taskRoleArn: roles.taskRoleArn,
        container,
        sidecars,
        volumes: sharedMetrics ? [PROMETHEUS_MULTIPROC.volume] : [],
        tags,
      },
      this,
    );

    // LiteLLM's migration, once per version, before the service takes the new task definition: the serving tasks
    // only check the schema (DISABLE_SCHEMA_UPDATE). `litellm --skip_server_startup` migrates and exits.
    const migrationTask = fargateTaskDefinition(
      `${name}-migration-task`,
      {
        family: `litellm-mcp-${args.stack}-migrate`,
        cpu: 512,
        memory: 1024,
        executionRoleArn: roles.executionRoleArn,
        container: {
          name: PROXY.container,
          image: proxy.image,
          essential: true,
          command: ["--skip_server_startup"],
          environment: byName(args.migration.environment),
          secrets: byName(args.migration.secrets),
          logConfiguration: awsLogs(logs.name, args.region, "migrate"),
        },
        tags,
      },
      this,
    );
    // The smoke check, run by `litellm-mcp smoke` after a deploy: the proxy's own image and Python, through the
    // load balancer's URL, with the master key from Secrets Manager. It serves nothing and runs only when asked.
    const smokeTask = args.smoke
      ? fargateTaskDefinition(
          `${name}-smoke-task`,
          {
            family: `litellm-mcp-${args.stack}-smoke`,
            cpu: 256,
            memory: 512,
            executionRoleArn: roles.executionRoleArn,
            container: {
              name: SMOKE_TASK.container,
              image: proxy.image,
              essential: true,
              entryPoint: ["python3", "-c"],
              command: [smokeScript()],
              environment: byName([
                { name: "SMOKE_MCP_SERVERS", value: JSON.stringify(args.smoke.mcpServers) },
                { name: "SMOKE_PROXY_URL", value: args.smoke.proxyUrl },
                { name: "SMOKE_TIMEOUT_SECONDS", value: String(SMOKE_TIMEOUT_SECONDS) },
              ]),
              secrets: byName(args.secrets.filter((secret) => secret.name === ENV.masterKey)),
              logConfiguration: awsLogs(logs.name, args.region, SMOKE_TASK.streamPrefix),
            },
            tags,
          },
          this,
        )
      : undefined;

    // Every image snapshots the database before it migrates: a changed trigger replaces the command, which runs
    // again. The command's own first run snapshots too: it cannot tell a new database from one deployed by an
    // earlier version of this program, whose first update with the command may bring a new image as well. A
    // failed snapshot stops the update before anything migrates.
    const snapshot = new local.Command(
      `${name}-snapshot-before-migration`,
      {
        create: pulumi
          .all([args.region, args.databaseInstance])
          .apply(([region, instance]) => snapshotCommand(region, instance, args.stack, proxy.image)),
        triggers: [proxy.image],
      },
      { parent: this, dependsOn: [args.database], deleteBeforeReplace: true },
    );
    const migration = new local.Command(
      `${name}-migration`,
      {
        create: pulumi
          .all([args.region, args.clusterArn, migrationTask.arn, pulumi.all(args.subnetIds), args.securityGroupId])
          .apply(([region, cluster, taskDefinition, subnets, securityGroup]) =>
            migrationCommand(region, cluster, taskDefinition, subnets, securityGroup),
          ),
        // A new revision (another image, another database URL) migrates again; nothing else does.
        triggers: [migrationTask.arn],
      },
      { parent: this, deleteBeforeReplace: true, dependsOn: [args.database, snapshot] },
    );

    const ecsService = new aws.ecs.Service(
      `${name}-service`,
      {
        cluster: args.clusterArn,
        taskDefinition: taskDefinition.arn,
        launchType: "FARGATE",
        desiredCount: service.desiredCount,
        networkConfiguration: {
          subnets: args.subnetIds,
          securityGroups: [args.securityGroupId],
          assignPublicIp: false,
        },
        loadBalancers: [
          { targetGroupArn: args.targetGroupArn, containerName: PROXY.container, containerPort: proxy.port },
        ],
        healthCheckGracePeriodSeconds: service.healthCheckGracePeriodSeconds,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        // `up` waits for the deployment: one the circuit breaker rolls back fails the update instead of passing.
        waitForSteadyState: true,
        deploymentMinimumHealthyPercent: 100,
        deploymentMaximumPercent: DEPLOYMENT_MAXIMUM_PERCENT,
        // A client of the namespace: the proxy resolves the MCP servers' Service Connect aliases.
        serviceConnectConfiguration: { enabled: true, namespace: args.namespaceArn },
        propagateTags: "SERVICE",
        enableEcsManagedTags: true,
        tags,
      },
      // Autoscaling owns the running count once the service exists.
      { parent: this, dependsOn: [...args.listeners, migration], ignoreChanges: ["desiredCount"] },
    );

    const resourceId = pulumi.interpolate`service/${args.clusterName}/${ecsService.name}`;
    const target = new aws.appautoscaling.Target(
      `${name}-scaling`,
      {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId,
        minCapacity: service.minCount,
        maxCapacity: service.maxCount,
      },
      parent,
    );
    const tracking = (
      policy: string,
      targetValue: number,
      metric: aws.types.input.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification,
    ) =>
      new aws.appautoscaling.Policy(
        `${name}-${policy}`,
        {
          policyType: "TargetTrackingScaling",
          serviceNamespace: target.serviceNamespace,
          scalableDimension: target.scalableDimension,
          resourceId: target.resourceId,
          targetTrackingScalingPolicyConfiguration: {
            targetValue,
            predefinedMetricSpecification: metric,
            scaleInCooldown: 300,
            scaleOutCooldown: 60,
          },
        },
        parent,
      );
    tracking("cpu", service.cpuTargetPercent, { predefinedMetricType: "ECSServiceAverageCPUUtilization" });
    tracking("requests", service.requestsPerTarget, {
      predefinedMetricType: "ALBRequestCountPerTarget",
      resourceLabel: args.requestCountResourceLabel,
    });

    this.serviceName = ecsService.name;
    this.logGroupName = logs.name;
    this.smokeTaskDefinitionArn = smokeTask?.arn;
    this.registerOutputs({ serviceName: this.serviceName, logGroupName: this.logGroupName });
  }
}
