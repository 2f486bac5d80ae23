import { isIPv6 } from "node:net";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { POSTGRES, REDIS } from "../../config/constants";
import { awsTags } from "./naming";

export interface GatewaySecurityGroupsArgs {
  readonly stack: string;
  readonly vpcId: pulumi.Input<string>;
  /** Who may reach the load balancer. */
  readonly ingressCidrs: readonly string[];
  /** The load balancer's listener ports. */
  readonly listenerPorts: readonly number[];
  readonly proxyPort: number;
  /** Ports the MCP servers listen on. */
  readonly mcpPorts: readonly number[];
  readonly cache: boolean;
  /**
   * The one-off smoke task in the VPC, when the stack runs it: an internal load balancer admits its security group;
   * an internet-facing one sees it arrive from the NAT gateways' addresses, so it admits those.
   */
  readonly smoke?: { readonly internalLoadBalancer: boolean; readonly natAddresses: readonly pulumi.Input<string>[] };
}

/**
 * One security group per tier. Only the load balancer admits traffic from outside, on its listener ports;
 * the proxy admits only the load balancer, and the MCP servers, the database and the cache admit only the proxy.
 */
export class GatewaySecurityGroups extends pulumi.ComponentResource {
  readonly loadBalancer: aws.ec2.SecurityGroup;
  readonly proxy: aws.ec2.SecurityGroup;
  readonly mcpServers: aws.ec2.SecurityGroup;
  readonly database: aws.ec2.SecurityGroup;
  readonly cache: aws.ec2.SecurityGroup | undefined;
  readonly smoke: aws.ec2.SecurityGroup | undefined;

  constructor(name: string, args: GatewaySecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:aws:SecurityGroups", name, {}, opts);
    const parent = { parent: this };
    const group = (tier: string, description: string, role: Parameters<typeof awsTags>[1]) =>
      new aws.ec2.SecurityGroup(
        `${name}-${tier}`,
        { vpcId: args.vpcId, description, tags: awsTags(args.stack, role) },
        parent,
      );

    this.loadBalancer = group(
      "alb",
      "litellm-mcp load balancer: HTTPS (and its redirect) from the allowed networks",
      "load-balancer",
    );
    this.proxy = group("proxy", "litellm-mcp proxy tasks: from the load balancer only", "proxy");
    this.mcpServers = group("mcp", "litellm-mcp MCP servers: from the proxy only", "mcp-server");
    this.database = group("database", "litellm-mcp database: from the proxy only", "database");
    this.cache = args.cache ? group("cache", "litellm-mcp Redis: from the proxy only", "cache") : undefined;
    this.smoke = args.smoke
      ? group("smoke", "litellm-mcp smoke check task: admits nothing, reaches the load balancer", "smoke")
      : undefined;

    const ingress = (
      rule: string,
      groupId: pulumi.Input<string>,
      port: number,
      from: { cidr?: string; group?: pulumi.Input<string>; natAddress?: pulumi.Input<string> },
      description: string,
      role: Parameters<typeof awsTags>[1],
    ) =>
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-${rule}`,
        {
          securityGroupId: groupId,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          description,
          // The policy pack admits traffic from anywhere only on rules of the load balancer.
          tags: awsTags(args.stack, role),
          ...(from.group !== undefined
            ? { referencedSecurityGroupId: from.group }
            : from.natAddress !== undefined
              ? { cidrIpv4: pulumi.interpolate`${from.natAddress}/32` }
              : isIPv6(from.cidr!.split("/")[0]!)
                ? { cidrIpv6: from.cidr }
                : { cidrIpv4: from.cidr }),
        },
        parent,
      );
    const egressEverywhere = (rule: string, groupId: pulumi.Input<string>, description: string) => {
      for (const [suffix, cidr] of [
        ["ipv4", { cidrIpv4: "0.0.0.0/0" }],
        ["ipv6", { cidrIpv6: "::/0" }],
      ] as const) {
        new aws.vpc.SecurityGroupEgressRule(
          `${name}-${rule}-${suffix}`,
          { securityGroupId: groupId, ipProtocol: "-1", description, ...cidr },
          parent,
        );
      }
    };

    for (const port of args.listenerPorts) {
      args.ingressCidrs.forEach((cidr, index) => {
        ingress(`alb-in-${port}-${index}`, this.loadBalancer.id, port, { cidr }, `clients on ${port}`, "load-balancer");
      });
    }
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-alb-out`,
      {
        securityGroupId: this.loadBalancer.id,
        ipProtocol: "tcp",
        fromPort: args.proxyPort,
        toPort: args.proxyPort,
        referencedSecurityGroupId: this.proxy.id,
        description: "to the proxy",
      },
      parent,
    );
    ingress(
      "proxy-in",
      this.proxy.id,
      args.proxyPort,
      { group: this.loadBalancer.id },
      "from the load balancer",
      "proxy",
    );
    // Bedrock, S3, Secrets Manager and the MCP servers (through Service Connect) are all outbound HTTPS or VPC traffic.
    egressEverywhere("proxy-out", this.proxy.id, "Bedrock, AWS APIs, MCP servers, database, cache");
    for (const port of [...new Set(args.mcpPorts)])
      ingress(`mcp-in-${port}`, this.mcpServers.id, port, { group: this.proxy.id }, "from the proxy", "mcp-server");
    egressEverywhere("mcp-out", this.mcpServers.id, "the MCP servers' upstream APIs");
    ingress("database-in", this.database.id, POSTGRES.port, { group: this.proxy.id }, "from the proxy", "database");
    if (this.cache) ingress("cache-in", this.cache.id, REDIS.port, { group: this.proxy.id }, "from the proxy", "cache");
    if (this.smoke && args.smoke) {
      // The smoke task admits nothing. The load balancer admits it on the port the stack's URL names: by its security
      // group when internal; when internet-facing, the task arrives from the NAT gateways' addresses.
      egressEverywhere("smoke-out", this.smoke.id, "its image, Secrets Manager, the load balancer");
      const port = args.listenerPorts[0]!;
      if (args.smoke.internalLoadBalancer) {
        ingress(
          `alb-in-${port}-smoke`,
          this.loadBalancer.id,
          port,
          { group: this.smoke.id },
          "the smoke check task",
          "load-balancer",
        );
      } else if (!args.ingressCidrs.includes("0.0.0.0/0")) {
        args.smoke.natAddresses.forEach((address, index) => {
          ingress(
            `alb-in-${port}-nat-${index}`,
            this.loadBalancer.id,
            port,
            { natAddress: address },
            "the smoke check task, through a NAT gateway",
            "load-balancer",
          );
        });
      }
    }

    this.registerOutputs({});
  }
}
