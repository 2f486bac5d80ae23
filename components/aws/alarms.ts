import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsTags } from "./naming";

export interface GatewayAlarmsArgs {
  readonly stack: string;
  /** Subscribed to the alarm topic by email (each address confirms once). */
  readonly emails: readonly string[];
  readonly loadBalancerArnSuffix: pulumi.Input<string>;
  readonly targetGroupArnSuffix: pulumi.Input<string>;
  readonly clusterName: pulumi.Input<string>;
  readonly proxyServiceName: pulumi.Input<string>;
  readonly databaseInstanceId: pulumi.Input<string>;
  readonly databaseStorageGb: number;
}

/** Alarms on what breaks a gateway: 5xx answers, unhealthy targets, a saturated proxy, a busy or full database. */
export class GatewayAlarms extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: GatewayAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:aws:Alarms", name, {}, opts);
    const parent = { parent: this };
    const tags = awsTags(args.stack, "proxy");
    // Not encrypted with the aws/sns key: CloudWatch cannot publish to a topic that key protects.
    const topic = new aws.sns.Topic(`${name}-topic`, { tags }, parent);
    args.emails.forEach((email, index) =>
      new aws.sns.TopicSubscription(`${name}-email-${index}`, { topic: topic.arn, protocol: "email", endpoint: email }, parent),
    );

    const alarm = (
      suffix: string,
      description: string,
      metric: { namespace: string; metricName: string; statistic: string; dimensions: Record<string, pulumi.Input<string>> },
      condition: { comparisonOperator: string; threshold: number; periodSeconds: number; evaluationPeriods: number },
    ) =>
      new aws.cloudwatch.MetricAlarm(
        `${name}-${suffix}`,
        {
          alarmDescription: `litellm-mcp ${args.stack}: ${description}`,
          namespace: metric.namespace,
          metricName: metric.metricName,
          statistic: metric.statistic,
          dimensions: metric.dimensions,
          comparisonOperator: condition.comparisonOperator,
          threshold: condition.threshold,
          period: condition.periodSeconds,
          evaluationPeriods: condition.evaluationPeriods,
          treatMissingData: "notBreaching",
          alarmActions: [topic.arn],
          okActions: [topic.arn],
          tags,
        },
        parent,
      );

    const alb = { LoadBalancer: args.loadBalancerArnSuffix };
    alarm("alb-5xx", "the load balancer answers 5xx (no healthy proxy, or it timed out)",
      { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_ELB_5XX_Count", statistic: "Sum", dimensions: alb },
      { comparisonOperator: "GreaterThanThreshold", threshold: 10, periodSeconds: 300, evaluationPeriods: 1 });
    alarm("proxy-5xx", "the proxy answers 5xx",
      { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count", statistic: "Sum", dimensions: alb },
      { comparisonOperator: "GreaterThanThreshold", threshold: 25, periodSeconds: 300, evaluationPeriods: 1 });
    alarm("unhealthy-targets", "proxy tasks fail the load balancer's health check",
      { namespace: "AWS/ApplicationELB", metricName: "UnHealthyHostCount", statistic: "Maximum", dimensions: { ...alb, TargetGroup: args.targetGroupArnSuffix } },
      { comparisonOperator: "GreaterThanThreshold", threshold: 0, periodSeconds: 60, evaluationPeriods: 3 });
    alarm("proxy-cpu", "the proxy service runs hot even after scaling out",
      { namespace: "AWS/ECS", metricName: "CPUUtilization", statistic: "Average", dimensions: { ClusterName: args.clusterName, ServiceName: args.proxyServiceName } },
      { comparisonOperator: "GreaterThanThreshold", threshold: 85, periodSeconds: 300, evaluationPeriods: 3 });
    const database = { DBInstanceIdentifier: args.databaseInstanceId };
    alarm("database-cpu", "the database is busy",
      { namespace: "AWS/RDS", metricName: "CPUUtilization", statistic: "Average", dimensions: database },
      { comparisonOperator: "GreaterThanThreshold", threshold: 80, periodSeconds: 300, evaluationPeriods: 3 });
    alarm("database-storage", "the database has less than 10% of its storage free",
      { namespace: "AWS/RDS", metricName: "FreeStorageSpace", statistic: "Minimum", dimensions: database },
      { comparisonOperator: "LessThanThreshold", threshold: args.databaseStorageGb * 1024 ** 3 * 0.1, periodSeconds: 300, evaluationPeriods: 1 });

    this.topicArn = topic.arn;
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
