import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ENV, PROXY } from "../../config/constants";
import type { RenderedConfig } from "../../config/render";
import { type StackConfig, secretRefsOf } from "../../config/schema";
import { hasRedis } from "../../config/topology";
import type { EnvSources } from "../env";
import { ACCESS_LOG_PREFIX, AccessLogBucket } from "./accessLogs";
import { GatewayAlarms } from "./alarms";
import { GatewayCache } from "./cache";
import { GatewayDashboard } from "./dashboard";
import { GatewayCluster } from "./cluster";
import { ConfigBucket } from "./configBucket";
import { GatewayDatabase } from "./database";
import { GatewayLoadBalancer, listenerPorts } from "./loadBalancer";
import { McpService } from "./mcpService";
import { proxyEnvironment } from "./proxyEnvironment";
import { mcpComponentName } from "./naming";
import { GatewayVpc } from "./network";
import { ProxyService } from "./proxyService";
import { GatewaySecrets } from "./secrets";
import { GatewaySecurityGroups } from "./securityGroups";
import { metricsNamespace } from "./telemetry";

export interface AwsGatewayArgs {
  readonly stack: string;
  readonly config: StackConfig;
  /** The config.yaml to deploy and the environment it needs. */
  readonly rendered: RenderedConfig;
  /** The value of a secret config key, as a Pulumi secret. */
  readonly readSecret: (key: string) => pulumi.Output<string>;
  /** The zones of a new VPC's subnets, as the account offers them (zones.ts); none with `network.existing`. */
  readonly zones?: readonly string[];
}

/** Where `litellm-mcp smoke` runs: the machine it is run on, or a one-off task in the private subnets. */
export type SmokeOutput =
  | { readonly from: "runner" }
  | {
      readonly from: "vpc";
      readonly taskDefinition: string;
      readonly subnets: string[];
      readonly securityGroups: string[];
    };

/** The test and prod stacks: the whole gateway on AWS. */
export class AwsGateway extends pulumi.ComponentResource {
  readonly proxyUrl: pulumi.Output<string>;
  /** The load balancer's own DNS name, which the stack's domain name points at. */
  readonly loadBalancerDnsName: pulumi.Output<string>;
  readonly mcpGatewayUrl: pulumi.Output<string>;
  /** The master key's Secrets Manager ARN (never its value); undefined when auth is off. */
  readonly masterKeySecretArn: pulumi.Output<string> | undefined;
  readonly clusterName: pulumi.Output<string>;
  readonly services: pulumi.Output<{ proxy: string; mcpServers: Record<string, string> }>;
  readonly logGroups: pulumi.Output<{ proxy: string; mcpServers: Record<string, string> }>;
  readonly configBucket: pulumi.Output<string>;
  readonly alarmTopicArn: pulumi.Output<string>;
  readonly dashboardName: pulumi.Output<string>;
  readonly region: pulumi.Output<string>;
  /** The RDS instance's identifier: rollback finds the snapshots taken before migrations by it. */
  readonly databaseInstance: pulumi.Output<string>;
  /** Where `litellm-mcp smoke` checks the gateway from, and the one-off task it runs in the VPC. */
  readonly smoke: pulumi.Output<SmokeOutput>;

  constructor(name: string, args: AwsGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:aws:Gateway", name, {}, opts);
    const parent = { parent: this };
    const { config, stack } = args;
    const settings = config.aws;
    const prod = config.stage === "prod";
    const recoveryWindowDays = settings.secrets.recoveryWindowDays;
    const redis = hasRedis(config);
    const smokeInVpc = settings.smoke.from === "vpc";

    const identity = aws.getCallerIdentityOutput({}, parent);
    const partition = aws.getPartitionOutput({}, parent).partition;
    const region = aws.getRegionOutput({}, parent).region;

    const vpc = new GatewayVpc(
      `${name}-vpc`,
      { stack, network: settings.network, ...(args.zones ? { zones: args.zones } : {}) },
      parent,
    );
    const groups = new GatewaySecurityGroups(
      `${name}-sg`,
      {
        stack,
        vpcId: vpc.vpcId,
        ingressCidrs: settings.loadBalancer.ingressCidrs,
        listenerPorts: listenerPorts(settings.loadBalancer),
        proxyPort: config.proxy.port,
        mcpPorts: config.mcpServers.map((server) => server.port),
        cache: redis,
        ...(smokeInVpc
          ? { smoke: { internalLoadBalancer: settings.loadBalancer.internal, natAddresses: vpc.natAddresses } }
          : {}),
      },
      parent,
    );
    const cluster = new GatewayCluster(`${name}-cluster`, { stack, vpcId: vpc.vpcId }, parent);

    // The proxy's own keys are declared below; docker.* secrets are for the docker target only.
    const userSecrets = secretRefsOf(config)
      .filter(({ path }) => path[0] !== "proxy" && path[0] !== "docker")
      .map(({ ref }) => ref);
    const secrets = new GatewaySecrets(
      `${name}-secrets`,
      {
        stack,
        recoveryWindowDays,
        auth: config.proxy.auth,
        masterKey: config.proxy.masterKey,
        saltKey: config.proxy.saltKey,
        keepKeys: settings.database.deletionProtection || settings.database.finalSnapshot,
        references: userSecrets,
        readSecret: args.readSecret,
      },
      parent,
    );

    const database = new GatewayDatabase(
      `${name}-database`,
      {
        stack,
        prod,
        database: config.database,
        instance: settings.database,
        subnetIds: vpc.privateSubnetIds,
        securityGroupId: groups.database.id,
        recoveryWindowDays,
        region,
      },
      parent,
    );
    const cache =
      redis && groups.cache
        ? new GatewayCache(
            `${name}-cache`,
            {
              stack,
              cache: settings.cache,
              subnetIds: vpc.privateSubnetIds,
              securityGroupId: groups.cache.id,
              recoveryWindowDays,
            },
            parent,
          )
        : undefined;

    const bucket = new ConfigBucket(
      `${name}-config`,
      { stack, configYaml: args.rendered.yaml, forceDestroy: !prod },
      parent,
    );
    const accessLogs = new AccessLogBucket(
      `${name}-access-logs`,
      { stack, region, partition, retentionDays: settings.logs.accessLogDays, forceDestroy: !prod },
      parent,
    );
    const loadBalancer = new GatewayLoadBalancer(
      `${name}-lb`,
      {
        stack,
        loadBalancer: settings.loadBalancer,
        vpcId: vpc.vpcId,
        subnetIds: settings.loadBalancer.internal ? vpc.privateSubnetIds : vpc.publicSubnetIds,
        securityGroupId: groups.loadBalancer.id,
        proxyPort: config.proxy.port,
        // ECS drains a task at the load balancer before it stops it: a stream gets as long as request_timeout.
        deregistrationDelaySeconds: config.proxy.requestTimeoutSeconds,
        accessLogs: { bucket: accessLogs.bucketName, prefix: ACCESS_LOG_PREFIX, ready: accessLogs.ready },
      },
      parent,
    );

    const common = {
      stack,
      logRetentionDays: settings.logs.retentionDays,
      region,
      accountId: identity.accountId,
      clusterArn: cluster.clusterArn,
      namespaceArn: cluster.namespaceArn,
      subnetIds: vpc.privateSubnetIds,
    };
    const mcpServices = config.mcpServers.map(
      (server) =>
        new McpService(
          mcpComponentName(name, server.name),
          {
            ...common,
            server,
            requestTimeoutSeconds: config.proxy.requestTimeoutSeconds,
            securityGroupId: groups.mcpServers.id,
            secrets: Object.entries(server.secrets).map(([key, ref]) => ({
              name: key,
              valueFrom: secrets.valueFromOf(ref),
            })),
          },
          parent,
        ),
    );
    const mcpServiceNames = Object.fromEntries(
      config.mcpServers.map((server, index) => [server.name, mcpServices[index]!.serviceName]),
    );

    const sources: EnvSources<pulumi.Output<string>> = {
      endpoints: cache ? { redisHost: cache.host, redisPort: String(cache.port) } : {},
      secrets: {
        masterKey: secrets.masterKeyValueFrom,
        saltKey: secrets.saltKeyValueFrom,
        databaseUrl: database.urlSecretValueFrom,
        redisPassword: cache?.tokenSecretValueFrom,
      },
      secretRef: (ref) => secrets.valueFromOf(ref),
    };
    const { serving, migration } = proxyEnvironment(args.rendered.env, sources, [
      { name: ENV.configBucketName, value: bucket.bucketName },
      { name: ENV.configBucketObjectKey, value: bucket.objectKey },
      // A new config.yaml changes the task definition, and so rolls the service onto it.
      { name: ENV.configHash, value: bucket.configHash },
    ]);

    const proxy = new ProxyService(
      `${name}-proxy`,
      {
        ...common,
        proxy: config.proxy,
        loadBalancerIdleTimeoutSeconds: settings.loadBalancer.idleTimeoutSeconds,
        service: settings.service,
        models: config.models,
        partition,
        clusterName: cluster.clusterName,
        securityGroupId: groups.proxy.id,
        targetGroupArn: loadBalancer.targetGroupArn,
        requestCountResourceLabel: pulumi.interpolate`${loadBalancer.arnSuffix}/${loadBalancer.targetGroupArnSuffix}`,
        listeners: loadBalancer.listeners,
        database: database.parametersApplied,
        databaseInstance: database.instance.identifier,
        configObjectArn: bucket.objectArn,
        environment: serving.environment,
        secrets: serving.secrets,
        migration,
        tracing: config.tracing,
        ...(smokeInVpc
          ? { smoke: { proxyUrl: loadBalancer.url, mcpServers: config.mcpServers.map((server) => server.name) } }
          : {}),
      },
      { parent: this, dependsOn: mcpServices },
    );

    const alarms = new GatewayAlarms(
      `${name}-alarms`,
      {
        stack,
        emails: settings.alarms.emails,
        loadBalancerArnSuffix: loadBalancer.arnSuffix,
        targetGroupArnSuffix: loadBalancer.targetGroupArnSuffix,
        clusterName: cluster.clusterName,
        proxyServiceName: proxy.serviceName,
        databaseInstanceId: database.instance.identifier,
        databaseStorageGb: settings.database.allocatedStorageGb,
        databaseMaxConnections: config.database.maxConnections,
        mcpServiceNames,
        cacheNodeId: cache?.primaryNodeId,
        monthlyBudgetUsd: config.spend.awsMonthlyBudgetUsd,
      },
      parent,
    );

    const dashboard = new GatewayDashboard(
      `${name}-dashboard`,
      {
        stack,
        region,
        loadBalancerArnSuffix: loadBalancer.arnSuffix,
        clusterName: cluster.clusterName,
        proxyServiceName: proxy.serviceName,
        mcpServiceNames,
        databaseInstanceId: database.instance.identifier,
        databaseMaxConnections: config.database.maxConnections,
        cacheNodeId: cache?.primaryNodeId,
        ...(config.tracing.enabled ? { litellmNamespace: metricsNamespace(stack) } : {}),
      },
      parent,
    );
    this.dashboardName = dashboard.dashboardName;

    this.proxyUrl = loadBalancer.url;
    this.loadBalancerDnsName = loadBalancer.dnsName;
    this.mcpGatewayUrl = pulumi.interpolate`${loadBalancer.url}${PROXY.mcpPath}`;
    this.masterKeySecretArn = secrets.masterKeyArn;
    this.clusterName = cluster.clusterName;
    const mcpNames = (pick: (service: McpService) => pulumi.Output<string>) =>
      pulumi
        .all(mcpServices.map(pick))
        .apply((names) => Object.fromEntries(config.mcpServers.map((server, index) => [server.name, names[index]!])));
    this.services = pulumi
      .all([proxy.serviceName, mcpNames((service) => service.serviceName)])
      .apply(([proxyName, mcp]) => ({ proxy: proxyName, mcpServers: mcp }));
    this.logGroups = pulumi
      .all([proxy.logGroupName, mcpNames((service) => service.logGroupName)])
      .apply(([proxyName, mcp]) => ({ proxy: proxyName, mcpServers: mcp }));
    this.configBucket = bucket.bucketName;
    this.alarmTopicArn = alarms.topicArn;
    this.region = region;
    this.databaseInstance = database.instance.identifier;
    this.smoke =
      proxy.smokeTaskDefinitionArn && groups.smoke
        ? pulumi.all([proxy.smokeTaskDefinitionArn, pulumi.all(vpc.privateSubnetIds), groups.smoke.id]).apply(
            ([taskDefinition, subnets, group]): SmokeOutput => ({
              from: "vpc",
              taskDefinition,
              subnets,
              securityGroups: [group],
            }),
          )
        : pulumi.output<SmokeOutput>({ from: "runner" });
    this.registerOutputs({
      proxyUrl: this.proxyUrl,
      mcpGatewayUrl: this.mcpGatewayUrl,
      masterKeySecretArn: this.masterKeySecretArn,
      clusterName: this.clusterName,
      services: this.services,
      logGroups: this.logGroups,
    });
  }
}
