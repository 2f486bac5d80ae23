import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config/schema";
import { subnetCidr } from "../../config/cidr";
import { awsTags } from "./naming";

export interface GatewayVpcArgs {
  readonly stack: string;
  readonly network: StackConfig["aws"]["network"];
  /** For a new VPC: the zone of each subnet pair, one per `network.availabilityZones` (see zones.ts). */
  readonly zones?: readonly string[];
}

/**
 * The network: public subnets for the load balancer, private ones for tasks, database and cache, reaching the
 * internet through NAT (one gateway, or one per zone). Or an existing VPC and its subnets.
 */
/**
 * The interface endpoints network.interfaceEndpoints adds: Bedrock Runtime (calls to the stack's own region),
 * Secrets Manager and STS (task start, role sessions), ECR's API and registry (image pulls), CloudWatch Logs.
 */
export const INTERFACE_ENDPOINT_SERVICES = [
  "bedrock-runtime",
  "secretsmanager",
  "sts",
  "ecr.api",
  "ecr.dkr",
  "logs",
] as const;

export class GatewayVpc extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string>[];
  readonly privateSubnetIds: pulumi.Output<string>[];
  /** The NAT gateways' public addresses, which the private subnets reach the internet from; none for an existing VPC. */
  readonly natAddresses: pulumi.Output<string>[];

  constructor(name: string, args: GatewayVpcArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:aws:Vpc", name, {}, opts);
    const { network, stack } = args;
    if (network.existing) {
      this.vpcId = pulumi.output(network.existing.vpcId);
      this.publicSubnetIds = network.existing.publicSubnetIds.map((id) => pulumi.output(id));
      this.privateSubnetIds = network.existing.privateSubnetIds.map((id) => pulumi.output(id));
      this.natAddresses = [];
      this.registerOutputs({ vpcId: this.vpcId });
      return;
    }

    const parent = { parent: this };
    const tags = (suffix: string) => ({ ...awsTags(stack, "network"), Name: `litellm-mcp-${stack}-${suffix}` });
    const zones = args.zones;
    // A subnet without a zone lands where AWS picks: never create one.
    if (zones === undefined || zones.length !== network.availabilityZones) {
      throw new Error(
        `a new VPC needs ${network.availabilityZones} availability zones, and was given ${zones?.length ?? "none"}`,
      );
    }
    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      { cidrBlock: network.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tags("vpc") },
      parent,
    );
    const internet = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags("igw") }, parent);

    const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: tags("public") }, parent);
    new aws.ec2.Route(
      `${name}-public-internet`,
      { routeTableId: publicRoutes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: internet.id },
      parent,
    );

    const count = zones.length;
    const publicSubnets = Array.from({ length: count }, (_, index) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-public-${index}`,
        {
          vpcId: vpc.id,
          cidrBlock: subnetCidr(network.vpcCidr, 4, index),
          availabilityZone: zones[index]!,
          tags: tags(`public-${index}`),
        },
        parent,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-public-${index}`,
        { subnetId: subnet.id, routeTableId: publicRoutes.id },
        parent,
      );
      return subnet;
    });

    const natCount = network.natGateways === "perAz" ? count : 1;
    const natAddresses: pulumi.Output<string>[] = [];
    const nats = Array.from({ length: natCount }, (_, index) => {
      const address = new aws.ec2.Eip(`${name}-nat-${index}`, { domain: "vpc", tags: tags(`nat-${index}`) }, parent);
      natAddresses.push(address.publicIp);
      return new aws.ec2.NatGateway(
        `${name}-nat-${index}`,
        { allocationId: address.id, subnetId: publicSubnets[index]!.id, tags: tags(`nat-${index}`) },
        { parent: this, dependsOn: [internet] },
      );
    });

    const privateRouteTables: aws.ec2.RouteTable[] = [];
    const privateSubnets = Array.from({ length: count }, (_, index) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-private-${index}`,
        {
          vpcId: vpc.id,
          cidrBlock: subnetCidr(network.vpcCidr, 4, 8 + index),
          availabilityZone: zones[index]!,
          tags: tags(`private-${index}`),
        },
        parent,
      );
      const routes = new aws.ec2.RouteTable(
        `${name}-private-${index}`,
        { vpcId: vpc.id, tags: tags(`private-${index}`) },
        parent,
      );
      new aws.ec2.Route(
        `${name}-private-${index}-nat`,
        {
          routeTableId: routes.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: nats[natCount === 1 ? 0 : index]!.id,
        },
        parent,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-private-${index}`,
        { subnetId: subnet.id, routeTableId: routes.id },
        parent,
      );
      privateRouteTables.push(routes);
      return subnet;
    });

    // config.yaml and image layers come from S3: a gateway endpoint keeps that traffic off the NAT gateways.
    const region = aws.getRegionOutput({}, parent).region;
    new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: vpc.id,
        serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: privateRouteTables.map((table) => table.id),
        tags: tags("s3"),
      },
      parent,
    );

    if (network.interfaceEndpoints) {
      // The AWS APIs the tasks call, reached inside the VPC instead of through the NAT gateways, which charge per GB.
      const endpoints = new aws.ec2.SecurityGroup(
        `${name}-endpoints`,
        {
          vpcId: vpc.id,
          description: "litellm-mcp VPC interface endpoints: HTTPS from the VPC",
          tags: tags("endpoints"),
        },
        parent,
      );
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-endpoints-in`,
        {
          securityGroupId: endpoints.id,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv4: network.vpcCidr,
          description: "HTTPS from the VPC",
          tags: tags("endpoints"),
        },
        parent,
      );
      for (const service of INTERFACE_ENDPOINT_SERVICES) {
        new aws.ec2.VpcEndpoint(
          `${name}-${service.replace(/\./g, "-")}`,
          {
            vpcId: vpc.id,
            serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`,
            vpcEndpointType: "Interface",
            privateDnsEnabled: true,
            subnetIds: privateSubnets.map((subnet) => subnet.id),
            securityGroupIds: [endpoints.id],
            tags: tags(service),
          },
          parent,
        );
      }
    }

    this.vpcId = vpc.id;
    this.publicSubnetIds = publicSubnets.map((subnet) => subnet.id);
    this.privateSubnetIds = privateSubnets.map((subnet) => subnet.id);
    this.natAddresses = natAddresses;
    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
    });
  }
}
