import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { REDIS } from "../../config/constants";
import type { StackConfig } from "../../config/schema";
import { awsTags } from "./naming";
import { storedSecret } from "./storedSecret";

const ENGINE_VERSIONS = { valkey: "8.0", redis: "7.1" } as const;

export interface GatewayCacheArgs {
  readonly stack: string;
  readonly cache: StackConfig["aws"]["cache"];
  readonly subnetIds: pulumi.Input<string>[];
  readonly securityGroupId: pulumi.Input<string>;
  readonly recoveryWindowDays: number;
}

/**
 * The Redis (Valkey) the proxy tasks share for router state and the response cache: encrypted in transit and
 * at rest, with an auth token kept in Secrets Manager.
 */
export class GatewayCache extends pulumi.ComponentResource {
  readonly host: pulumi.Output<string>;
  /** For its metrics: ElastiCache reports per node, the first one named <group>-001. */
  readonly primaryNodeId: pulumi.Output<string>;
  readonly port: number = REDIS.port;
  /** The auth token's secret, as a task definition names it. */
  readonly tokenSecretValueFrom: pulumi.Output<string>;

  constructor(name: string, args: GatewayCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:aws:Cache", name, {}, opts);
    const parent = { parent: this };
    const tags = awsTags(args.stack, "cache");
    const replicated = args.cache.replicas > 0;

    const subnets = new aws.elasticache.SubnetGroup(`${name}-subnets`, { subnetIds: args.subnetIds, tags }, parent);
    const token = new random.RandomPassword(`${name}-token`, { length: 64, special: false }, parent);
    const group = new aws.elasticache.ReplicationGroup(
      `${name}-redis`,
      {
        description: `litellm-mcp ${args.stack}: router state and response cache`,
        engine: args.cache.engine,
        engineVersion: ENGINE_VERSIONS[args.cache.engine],
        nodeType: args.cache.nodeType,
        numCacheClusters: 1 + args.cache.replicas,
        automaticFailoverEnabled: replicated,
        multiAzEnabled: replicated,
        port: REDIS.port,
        subnetGroupName: subnets.name,
        securityGroupIds: [args.securityGroupId],
        transitEncryptionEnabled: true,
        atRestEncryptionEnabled: true,
        authToken: token.result,
        // A changed token is added beside the old one, so running proxies keep their connections meanwhile.
        authTokenUpdateStrategy: "ROTATE",
        tags,
      },
      parent,
    );
    this.host = group.primaryEndpointAddress;
    this.primaryNodeId = pulumi.interpolate`${group.id}-001`;
    this.tokenSecretValueFrom = storedSecret(
      `${name}-token`,
      {
        stack: args.stack,
        purpose: "redis-auth-token",
        role: "cache",
        value: token.result,
        recoveryWindowDays: args.recoveryWindowDays,
      },
      parent,
    ).valueFrom;
    this.registerOutputs({ host: this.host, tokenSecretValueFrom: this.tokenSecretValueFrom });
  }
}
