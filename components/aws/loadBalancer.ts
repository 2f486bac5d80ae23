import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ADMIN_PATH_PATTERNS, LABELS, PROXY } from "../../config/constants";
import type { StackConfig } from "../../config/schema";
import { awsTags } from "./naming";

export interface GatewayLoadBalancerArgs {
  readonly stack: string;
  readonly loadBalancer: StackConfig["aws"]["loadBalancer"];
  readonly vpcId: pulumi.Input<string>;
  readonly subnetIds: pulumi.Input<string>[];
  readonly securityGroupId: pulumi.Input<string>;
  readonly proxyPort: number;
  /** How long a draining task may finish its requests (streams included). */
  readonly deregistrationDelaySeconds: number;
  /** Where the access logs go; the load balancer is created once the bucket lets it write. */
  readonly accessLogs: {
    readonly bucket: pulumi.Input<string>;
    readonly prefix: string;
    readonly ready: pulumi.Resource;
  };
}

/** Listener ports: HTTPS, and HTTP redirecting to it; plain HTTP alone without a certificate. */
export function listenerPorts(loadBalancer: StackConfig["aws"]["loadBalancer"]): number[] {
  return loadBalancer.certificateArn === undefined ? [80] : [443, 80];
}

/** A listener rule takes at most five condition values (Elastic Load Balancing quotas). */
const VALUES_PER_RULE = 5;

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, index) =>
    items.slice(index * size, (index + 1) * size),
  );
}

/**
 * Listener rules that keep LiteLLM's admin API and UI to the admin networks: first, requests from those networks
 * go to the proxy whatever their path; then admin paths from anywhere else get 403 from the load balancer; the
 * default action serves the rest (model and MCP routes).
 */
function adminRules(
  name: string,
  listener: aws.lb.Listener,
  targetGroupArn: pulumi.Input<string>,
  adminCidrs: readonly string[],
  tags: Record<string, string>,
  parent: pulumi.Resource,
) {
  chunks(adminCidrs, VALUES_PER_RULE).forEach((cidrs, index) => {
    new aws.lb.ListenerRule(
      `${name}-admins-${index}`,
      {
        listenerArn: listener.arn,
        priority: 10 + index,
        conditions: [{ sourceIp: { values: cidrs } }],
        actions: [{ type: "forward", targetGroupArn }],
        tags,
      },
      { parent },
    );
  });
  chunks(ADMIN_PATH_PATTERNS, VALUES_PER_RULE).forEach((patterns, index) => {
    new aws.lb.ListenerRule(
      `${name}-admin-paths-${index}`,
      {
        listenerArn: listener.arn,
        priority: 100 + index,
        conditions: [{ pathPattern: { values: patterns } }],
        actions: [
          {
            type: "fixed-response",
            fixedResponse: { statusCode: "403", contentType: "text/plain", messageBody: ADMIN_ONLY },
          },
        ],
        tags,
      },
      { parent },
    );
  });
}

/**
 * Rules of AWS's managed rule groups that inspect the request body. A prompt is prose and code: a script tag, a
 * path, a log4j string or a long document are what users send a model. These rules count (CloudWatch metrics
 * and sampled requests show what they would have blocked) instead of blocking.
 */
export const BODY_RULES_COUNTED: Readonly<Record<string, readonly string[]>> = {
  AWSManagedRulesCommonRuleSet: [
    "SizeRestrictions_BODY",
    "CrossSiteScripting_BODY",
    "GenericLFI_BODY",
    "GenericRFI_BODY",
    "EC2MetaDataSSRF_BODY",
  ],
  AWSManagedRulesKnownBadInputsRuleSet: ["Log4JRCE_BODY", "JavaDeserializationRCE_BODY"],
};

function webAcl(
  name: string,
  albArn: pulumi.Input<string>,
  requestsPerFiveMinutes: number,
  stack: string,
  tags: Record<string, string>,
  parent: pulumi.Resource,
): void {
  const visibility = (metric: string) => ({
    cloudwatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName: `litellm-mcp-${stack}-${metric}`,
  });
  const managed = Object.entries(BODY_RULES_COUNTED).map(([group, counted], index) => ({
    name: group,
    priority: 10 + index,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: "AWS",
        name: group,
        ruleActionOverrides: counted.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
      },
    },
    visibilityConfig: visibility(group),
  }));
  const acl = new aws.wafv2.WebAcl(
    name,
    {
      scope: "REGIONAL",
      description: `litellm-mcp ${stack}: AWS managed rules and a per-client rate limit`,
      defaultAction: { allow: {} },
      rules: [
        {
          name: "rate-limit-per-client",
          priority: 1,
          action: { block: {} },
          statement: {
            rateBasedStatement: { limit: requestsPerFiveMinutes, aggregateKeyType: "IP", evaluationWindowSec: 300 },
          },
          visibilityConfig: visibility("rate-limit"),
        },
        ...managed,
      ],
      visibilityConfig: visibility("web-acl"),
      tags,
    },
    { parent },
  );
  new aws.wafv2.WebAclAssociation(`${name}-association`, { resourceArn: albArn, webAclArn: acl.arn }, { parent });
}

/** What the load balancer answers on an admin path from outside the admin networks. */
export const ADMIN_ONLY =
  "403 Forbidden: LiteLLM's admin API and UI answer only the networks in aws.loadBalancer.adminCidrs\n";

/**
 * The application load balancer in front of the proxy tasks: HTTPS with the configured certificate, HTTP
 * redirected to it, health checks on the liveness route, and an idle timeout long enough for streamed completions.
 */
export class GatewayLoadBalancer extends pulumi.ComponentResource {
  readonly url: pulumi.Output<string>;
  readonly dnsName: pulumi.Output<string>;
  readonly arnSuffix: pulumi.Output<string>;
  readonly targetGroupArn: pulumi.Output<string>;
  readonly targetGroupArnSuffix: pulumi.Output<string>;
  /** The listeners; the service registers targets only once they exist. */
  readonly listeners: aws.lb.Listener[];

  constructor(name: string, args: GatewayLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:aws:LoadBalancer", name, {}, opts);
    const parent = { parent: this };
    const tags = awsTags(args.stack, "load-balancer");
    const settings = args.loadBalancer;

    const alb = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        loadBalancerType: "application",
        internal: settings.internal,
        subnets: args.subnetIds,
        securityGroups: [args.securityGroupId],
        idleTimeout: settings.idleTimeoutSeconds,
        dropInvalidHeaderFields: true,
        accessLogs: { bucket: args.accessLogs.bucket, prefix: args.accessLogs.prefix, enabled: true },
        tags: settings.allowPlainHttpFromAnywhere ? { ...tags, [LABELS.plainHttpFromAnywhere]: "allowed" } : tags,
      },
      { parent: this, dependsOn: [args.accessLogs.ready] },
    );
    const targets = new aws.lb.TargetGroup(
      `${name}-proxy`,
      {
        vpcId: args.vpcId,
        targetType: "ip",
        protocol: "HTTP",
        port: args.proxyPort,
        deregistrationDelay: args.deregistrationDelaySeconds,
        healthCheck: {
          path: PROXY.livenessPath,
          matcher: "200",
          interval: 15,
          timeout: 5,
          healthyThreshold: 2,
          unhealthyThreshold: 3,
        },
        tags,
      },
      parent,
    );
    const forward = [{ type: "forward", targetGroupArn: targets.arn }];
    if (settings.certificateArn !== undefined) {
      this.listeners = [
        new aws.lb.Listener(
          `${name}-https`,
          {
            loadBalancerArn: alb.arn,
            port: 443,
            protocol: "HTTPS",
            certificateArn: settings.certificateArn,
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            defaultActions: forward,
            tags,
          },
          parent,
        ),
        new aws.lb.Listener(
          `${name}-http`,
          {
            loadBalancerArn: alb.arn,
            port: 80,
            protocol: "HTTP",
            defaultActions: [
              { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
            ],
            tags,
          },
          parent,
        ),
      ];
      // The certificate covers the stack's own name, never the load balancer's.
      this.url = pulumi.interpolate`https://${settings.domainName ?? alb.dnsName}`;
    } else {
      this.listeners = [
        new aws.lb.Listener(
          `${name}-http`,
          { loadBalancerArn: alb.arn, port: 80, protocol: "HTTP", defaultActions: forward, tags },
          parent,
        ),
      ];
      this.url = pulumi.interpolate`http://${settings.domainName ?? alb.dnsName}`;
    }

    if (settings.waf !== undefined)
      webAcl(`${name}-waf`, alb.arn, settings.waf.requestsPerFiveMinutes, args.stack, tags, this);

    const serving = this.listeners[0]!;
    if (settings.adminCidrs !== undefined)
      adminRules(`${name}-rule`, serving, targets.arn, settings.adminCidrs, tags, this);

    this.dnsName = alb.dnsName;
    this.arnSuffix = alb.arnSuffix;
    this.targetGroupArn = targets.arn;
    this.targetGroupArnSuffix = targets.arnSuffix;
    this.registerOutputs({ url: this.url });
  }
}
