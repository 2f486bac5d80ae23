/** The `aws` block of the stack config (aws target). */
import * as z from "zod/mini";
import { cacheNodeTypeProblem, rdsInstanceClassProblem } from "../awsFacts";
import { checked, cidr, distinct, integer, matching, vpcCidr } from "./primitives";

const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const subnetIds = distinct(matching(/^subnet-[0-9a-f]{8,17}$/, "expected a subnet id"), "subnet").check(
  z.minLength(2, { error: "expected subnets in at least 2 availability zones" }),
);

export const awsSchema = z.strictObject({
  network: z.prefault(
    z.strictObject({
      vpcCidr: z._default(vpcCidr, "10.40.0.0/16"),
      availabilityZones: z._default(integer(2, 6), 2),
      /**
       * Interface endpoints for Bedrock Runtime, Secrets Manager, STS, ECR and CloudWatch Logs in the private subnets,
       * so those calls skip the NAT gateways (hourly per endpoint and zone; see the README's cost table).
       */
      interfaceEndpoints: z._default(z.boolean(), false),
      /** single: one NAT gateway for the VPC; perAz: one per availability zone. Default: perAz in prod. */
      natGateways: z.optional(z.enum(["single", "perAz"])),
      /** Use an existing VPC instead of creating one. */
      existing: z.optional(
        z.strictObject({
          vpcId: matching(/^vpc-[0-9a-f]{8,17}$/, 'expected a VPC id such as "vpc-0abc12345def67890"'),
          publicSubnetIds: subnetIds,
          privateSubnetIds: subnetIds,
        }),
      ),
    }),
    {},
  ),
  service: z.prefault(
    z.strictObject({
      cpu: z._default(z.int(), 2048),
      memory: z._default(z.int(), 4096),
      minCount: z._default(integer(1, 100), 2),
      maxCount: z._default(integer(1, 100), 4),
      /** Tasks at deployment; minCount when absent. Autoscaling moves it between minCount and maxCount. */
      desiredCount: z.optional(integer(1, 100)),
      cpuTargetPercent: z._default(integer(10, 90), 60),
      requestsPerTarget: z._default(integer(1, 100_000), 500),
      healthCheckGracePeriodSeconds: z._default(integer(0, 7200), 180),
    }),
    {},
  ),
  loadBalancer: z.prefault(
    z.strictObject({
      /** ACM certificate for the HTTPS listener; required in prod. */
      certificateArn: z.optional(
        matching(
          /^arn:aws(?:-cn|-us-gov)?:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/,
          "expected an ACM certificate ARN",
        ),
      ),
      /**
       * The DNS name clients use, which the certificate covers, pointed (CNAME or Route 53 alias) at the load
       * balancer's own name (the loadBalancerDnsName output): the stack's URLs use it. Required with certificateArn.
       */
      domainName: z.optional(
        matching(
          /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/,
          'expected a DNS name in lower case, such as "llm.example.com"',
        ),
      ),
      ingressCidrs: z._default(
        distinct(cidr, "CIDR block").check(z.minLength(1, { error: "expected at least one CIDR block" })),
        ["0.0.0.0/0"],
      ),
      /**
       * Who may reach LiteLLM's admin API and UI (config/constants.ts ADMIN_PATH_PATTERNS); the load balancer answers
       * everyone else 403 there. Unset: whoever reaches the load balancer. Required in prod.
       */
      adminCidrs: z.optional(
        distinct(cidr, "CIDR block").check(z.minLength(1, { error: "expected at least one CIDR block" })),
      ),
      /** Serve plain HTTP to the whole internet, keys in clear text. Refused unless set. */
      allowPlainHttpFromAnywhere: z._default(z.boolean(), false),
      /** An AWS WAF web ACL on the load balancer: AWS managed rules and a per-client rate limit. */
      waf: z.optional(
        z.strictObject({
          /** Requests one client IP may send in any 5 minutes before WAF blocks it (AWS takes 10 to 2,000,000,000). */
          requestsPerFiveMinutes: z._default(integer(10, 2_000_000_000), 3000),
        }),
      ),
      /** Long enough for streamed completions. */
      idleTimeoutSeconds: z._default(integer(300, 4000), 600),
      internal: z._default(z.boolean(), false),
    }),
    {},
  ),
  database: z.prefault(
    z.strictObject({
      instanceClass: z._default(checked(rdsInstanceClassProblem), "db.t4g.medium"),
      allocatedStorageGb: z._default(integer(20, 65536), 20),
      maxAllocatedStorageGb: z._default(integer(20, 65536), 100),
      /** Defaults: true in prod. */
      multiAz: z.optional(z.boolean()),
      deletionProtection: z.optional(z.boolean()),
      finalSnapshot: z.optional(z.boolean()),
      /** Defaults: 7 in prod, 1 elsewhere. */
      backupRetentionDays: z.optional(integer(0, 35)),
      performanceInsights: z._default(z.boolean(), false),
      /**
       * The manual snapshot the database is restored from (`litellm-mcp rollback --restore-snapshot` sets it).
       * Setting or changing it replaces the database with one restored from that snapshot; taking it out changes nothing.
       */
      restoreSnapshot: z.optional(
        matching(
          /^[a-zA-Z](?:-?[a-zA-Z0-9])*$/,
          "expected an RDS snapshot identifier (letters, digits and single hyphens, a letter first)",
        ),
      ),
    }),
    {},
  ),
  cache: z.prefault(
    z.strictObject({
      engine: z._default(z.enum(["valkey", "redis"]), "valkey"),
      nodeType: z._default(checked(cacheNodeTypeProblem), "cache.t4g.small"),
      /** Replicas besides the primary; at least 1 gives automatic failover. */
      replicas: z._default(integer(0, 5), 1),
    }),
    {},
  ),
  secrets: z.prefault(
    z.strictObject({
      /** Days a deleted secret can be restored; 0 deletes at once (test stacks only). */
      recoveryWindowDays: z._default(
        z.int().check(
          z.refine((days) => days === 0 || (days >= 7 && days <= 30), {
            error: "expected 0 or a number of days from 7 to 30",
          }),
        ),
        7,
      ),
    }),
    {},
  ),
  logs: z.prefault(
    z.strictObject({
      retentionDays: z._default(
        z.int().check(
          z.refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
            error: `expected a CloudWatch retention period (${LOG_RETENTION_DAYS.join(", ")})`,
          }),
        ),
        30,
      ),
      /** Days the load balancer's access logs are kept in their bucket. */
      accessLogDays: z._default(integer(1, 3650), 90),
    }),
    {},
  ),
  /**
   * Where `litellm-mcp smoke` checks the gateway after a deploy. vpc: a one-off ECS task in the private subnets,
   * from the proxy's own image, through the load balancer (the deploying machine need not reach it: an internal
   * load balancer, or ingressCidrs without it). runner: from the machine that runs the command.
   */
  smoke: z.prefault(z.strictObject({ from: z._default(z.enum(["vpc", "runner"]), "vpc") }), {}),
  alarms: z.prefault(
    z.strictObject({
      /** Subscribed to the alarm topic. */
      emails: z._default(z.array(z.email({ error: "expected an email address" })), []),
    }),
    {},
  ),
});
