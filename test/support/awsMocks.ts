/**
 * What the providers would answer, for running the program under Pulumi's mocks:
 * invoke results and resource outputs in the shapes AWS, Docker and random return them.
 */

import { createHash } from "node:crypto";

/** Resource outputs a mock returns on top of its inputs, by resource type; "*" serves every other type. */
export type OutputMocks = Record<
  string,
  (
    name: string,
    inputs: Record<string, unknown>,
    type: string,
  ) => Record<string, unknown> | Promise<Record<string, unknown>>
>;

/** Results of provider functions (invokes), by token. */
export type CallMocks = Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;

export const ACCOUNT = "123456789012";
const REGION = "us-east-1";

export const awsCalls: CallMocks = {
  // Elastic Load Balancing's account in us-east-1, which delivers access logs there.
  "aws:elb/getServiceAccount:getServiceAccount": () => ({ arn: "arn:aws:iam::127311923021:root", id: "127311923021" }),
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: ACCOUNT,
    arn: `arn:aws:iam::${ACCOUNT}:user/deployer`,
    userId: "AIDAEXAMPLE",
    id: ACCOUNT,
  }),
  "aws:index/getPartition:getPartition": () => ({
    partition: "aws",
    dnsSuffix: "amazonaws.com",
    reverseDnsPrefix: "com.amazonaws",
    id: "aws",
  }),
  "aws:index/getRegion:getRegion": () => ({
    region: REGION,
    name: REGION,
    id: REGION,
    endpoint: `ec2.${REGION}.amazonaws.com`,
    description: "US East (N. Virginia)",
  }),
  "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
    names: ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"],
    zoneIds: ["use1-az1", "use1-az2", "use1-az4", "use1-az6"],
    id: REGION,
  }),
  "aws:ecr/getAuthorizationToken:getAuthorizationToken": () => ({
    authorizationToken: "QVdTOmVjci1wYXNzd29yZA==",
    userName: "AWS",
    password: "ecr-password",
    proxyEndpoint: `https://${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`,
    expiresAt: "2026-11-25T00:00:00Z",
    id: REGION,
  }),
  // DescribeSecret by name, by complete ARN, or by partial ARN (without the suffix): the complete ARN comes back.
  "aws:secretsmanager/getSecret:getSecret": (inputs) => {
    const given = inputs["arn"] === undefined ? undefined : String(inputs["arn"]);
    const name =
      given === undefined ? String(inputs["name"]) : given.split(":secret:")[1]!.replace(/-[A-Za-z0-9]{6}$/, "");
    const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
    return { arn, name, id: arn };
  },
};

const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;

/** Outputs of the resources both targets create, shaped as the providers return them. */
export const awsOutputs: OutputMocks = {
  "docker:index/remoteImage:RemoteImage": (_, inputs) => ({
    imageId: `${inputs["name"]}@sha256:${"0".repeat(64)}`,
    repoDigest: `${inputs["name"]}@sha256:${"0".repeat(64)}`,
  }),
  "random:index/randomPassword:RandomPassword": (name) => ({ result: `generated-${name}` }),
  // RandomId's hex, one that follows from the name and the keepers: new keepers, a new id.
  "random:index/randomId:RandomId": (name, inputs) => ({
    hex: createHash("sha256")
      .update(name)
      .update(JSON.stringify(inputs["keepers"] ?? {}))
      .digest("hex")
      .slice(0, 2 * Number(inputs["byteLength"])),
  }),
  "aws:ec2/vpc:Vpc": (name) => ({ arn: arn("ec2", `vpc/${name}`) }),
  // An Elastic IP's public address, one per NAT gateway (gateway-vpc-nat-<index>).
  "aws:ec2/eip:Eip": (name) => ({
    publicIp: `44.192.0.${10 + Number(name.split("-").pop())}`,
    allocationId: `eipalloc-${name}`,
  }),
  "aws:ecs/cluster:Cluster": (name) => ({ name: `${name}-1a2b3c`, arn: arn("ecs", `cluster/${name}-1a2b3c`) }),
  "aws:ecs/service:Service": (name) => ({ name: `${name}-4d5e6f` }),
  "aws:ecs/taskDefinition:TaskDefinition": (name, inputs) => ({
    arn: arn("ecs", `task-definition/${String(inputs["family"])}:1`),
    revision: 1,
    id: name,
  }),
  "aws:lb/loadBalancer:LoadBalancer": (name) => ({
    arn: arn("elasticloadbalancing", `loadbalancer/app/${name}/50dc6c495c0c9188`),
    arnSuffix: `app/${name}/50dc6c495c0c9188`,
    dnsName: `${name}-123456.${REGION}.elb.amazonaws.com`,
  }),
  "aws:lb/targetGroup:TargetGroup": (name) => ({
    arn: arn("elasticloadbalancing", `targetgroup/${name}/73e2d6bc24d8a067`),
    arnSuffix: `targetgroup/${name}/73e2d6bc24d8a067`,
  }),
  "aws:rds/instance:Instance": (name) => ({
    identifier: `${name}-7g8h9i`,
    address: `${name}.abcdefghijkl.${REGION}.rds.amazonaws.com`,
    port: 5432,
    arn: arn("rds", `db:${name}-7g8h9i`),
  }),
  "aws:elasticache/replicationGroup:ReplicationGroup": (name) => ({
    primaryEndpointAddress: `master.${name}.abcdef.use1.cache.amazonaws.com`,
  }),
  "aws:secretsmanager/secret:Secret": (_, inputs) => ({
    arn: arn("secretsmanager", `secret:${String(inputs["namePrefix"])}AbCdEf`),
  }),
  // Secrets Manager gives every new value a new version id (a UUID): here one that follows from the value.
  "aws:secretsmanager/secretVersion:SecretVersion": (_, inputs) => ({
    versionId: uuidOf(String(inputs["secretString"])),
  }),
  "aws:s3/bucket:Bucket": (_, inputs) => ({
    bucket: `${String(inputs["bucketPrefix"])}20261124`,
    arn: `arn:aws:s3:::${String(inputs["bucketPrefix"])}20261124`,
  }),
  "aws:cloudwatch/logGroup:LogGroup": (_, inputs) => ({ arn: arn("logs", `log-group:${String(inputs["name"])}`) }),
  "aws:ecr/repository:Repository": (name) => ({
    arn: arn("ecr", `repository/${name}`),
    repositoryUrl: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${name}`,
    registryId: ACCOUNT,
    name,
  }),
  "docker:index/image:Image": (_, inputs) => ({
    repoDigest: `${String(inputs["imageName"]).split(":")[0]}@sha256:${"1".repeat(64)}`,
  }),
  "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": (name) => ({
    arn: arn("servicediscovery", `namespace/ns-${name}`),
  }),
  "aws:sns/topic:Topic": (name) => ({ arn: arn("sns", name) }),
  "aws:iam/role:Role": (name) => ({ arn: `arn:aws:iam::${ACCOUNT}:role/${name}` }),
  // Resources the program leaves to autonaming get a physical name from the provider.
  "*": (name, inputs, type) => ({
    arn: arn(type.split(":")[1]!.split("/")[0]!, name),
    ...("name" in inputs ? {} : { name: `${name}-0a1b2c` }),
  }),
};

function uuidOf(text: string): string {
  const hex = createHash("sha256").update(text).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
