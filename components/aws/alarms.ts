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

/** name, description, namespace, metric, statistic, dimensions, comparison, threshold, period (s), evaluation periods */
type AlarmDefinition = [string, string, string, string, string, Record<string, pulumi.Input<string>>, string, number, number, number];

/** Alarms on what breaks a gateway: 5xx answers, unhealthy targets, a saturated proxy, a busy or full database. */
export class GatewayAlarms extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: GatewayAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:aws:Alarms", name, {}, opts);
    const parent = { parent: this };
    const tags = awsTags(args.stack, "proxy");
    // Not encrypted with the aws/sns key: CloudWatch cannot publish to a topic that key protects.
    const topic = new aws.sns.Topic(`${name}-topic`, { tags }, parent);
    args.emails.forEach((email, index) => {
      new aws.sns.TopicSubscription(`${name}-email-${index}`, { topic: topic.arn, protocol: "email", endpoint: email }, parent);
    });

    const alb = { LoadBalancer: args.loadBalancerArnSuffix };
    const database = { DBInstanceIdentifier: args.databaseInstanceId };
    const alarms: AlarmDefinition[] = [
      ["alb-5xx", "the load balancer answers 5xx (no healthy proxy, or it timed out)", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", alb, "GreaterThanThreshold", 10, 300, 1],
      ["proxy-5xx", "the proxy answers 5xx", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", alb, "GreaterThanThreshold", 25, 300, 1],
      ["unhealthy-targets", "proxy tasks fail the load balancer's health check", "AWS/ApplicationELB", "UnHealthyHostCount", "Maximum",
        { ...alb, TargetGroup: args.targetGroupArnSuffix }, "GreaterThanThreshold", 0, 60, 3],
      ["proxy-cpu", "the proxy service runs hot even after scaling out", "AWS/ECS", "CPUUtilization", "Average",
        { ClusterName: args.clusterName, ServiceName: args.proxyServiceName }, "GreaterThanThreshold", 85, 300, 3],
      ["database-cpu", "the database is busy", "AWS/RDS", "CPUUtilization", "Average", database, "GreaterThanThreshold", 80, 300, 3],
      ["database-storage", "the database has less than 10% of its storage free", "AWS/RDS", "FreeStorageSpace", "Minimum", database,
        "LessThanThreshold", args.databaseStorageGb * 1024 ** 3 * 0.1, 300, 1],
    ];
    for (const [suffix, description, namespace, metricName, statistic, dimensions, comparisonOperator, threshold, period, evaluationPeriods] of alarms) {
      new aws.cloudwatch.MetricAlarm(
        `${name}-${suffix}`,
        {
          alarmDescription: `litellm-mcp ${args.stack}: ${description}`,
          namespace,
          metricName,
          statistic,
          dimensions,
          comparisonOperator,
          threshold,
          period,
          evaluationPeriods,
          treatMissingData: "notBreaching",
          alarmActions: [topic.arn],
          okActions: [topic.arn],
          tags,
        },
        parent,
      );
    }

    this.topicArn = topic.arn;
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
