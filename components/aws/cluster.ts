import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsTags, serviceConnectNamespace } from "./naming";

export interface GatewayClusterArgs {
  readonly stack: string;
  readonly vpcId: pulumi.Input<string>;
}

/** The ECS cluster (with Container Insights) and the private namespace Service Connect uses for the MCP servers. */
export class GatewayCluster extends pulumi.ComponentResource {
  readonly clusterArn: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  readonly namespaceArn: pulumi.Output<string>;

  constructor(name: string, args: GatewayClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:aws:Cluster", name, {}, opts);
    const tags = awsTags(args.stack, "proxy");
    const namespace = new aws.servicediscovery.PrivateDnsNamespace(
      `${name}-namespace`,
      { name: serviceConnectNamespace(args.stack), vpc: args.vpcId, description: "litellm-mcp MCP servers", tags },
      { parent: this },
    );
    const cluster = new aws.ecs.Cluster(
      `${name}-cluster`,
      {
        settings: [{ name: "containerInsights", value: "enabled" }],
        serviceConnectDefaults: { namespace: namespace.arn },
        tags,
      },
      { parent: this },
    );
    this.clusterArn = cluster.arn;
    this.clusterName = cluster.name;
    this.namespaceArn = namespace.arn;
    this.registerOutputs({
      clusterArn: this.clusterArn,
      clusterName: this.clusterName,
      namespaceArn: this.namespaceArn,
    });
  }
}
