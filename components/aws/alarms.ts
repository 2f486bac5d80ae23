import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LABELS } from "../../config/constants";
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
  /** Postgres max_connections: the connections alarm fires near it. */
  readonly databaseMaxConnections: number;
  /** The MCP services, by server name. */
  readonly mcpServiceNames: Readonly<Record<string, pulumi.Input<string>>>;
  /** The Redis node whose metrics are watched, when there is a Redis. */
  readonly cacheNodeId?: pulumi.Input<string>;
  /** An AWS Budget on the stack's tag, alerting the topic. */
  readonly monthlyBudgetUsd?: number;
}

/** The share of max_connections at which the connections alarm fires. */
export const CONNECTIONS_ALARM_SHARE = 0.8;

/** name, description, namespace, metric, statistic, dimensions, comparison, threshold, period (s), evaluation periods */
type AlarmDefinition = [
  string,
  string,
  string,
  string,
  string,
  Record<string, pulumi.Input<string>>,
  string,
  number,
  number,
  number,
];

/**
 * Alarms on what breaks a gateway: 5xx answers, unhealthy targets, fewer tasks than desired, an MCP server with no
 * task, a saturated proxy, a busy or full database, a database out of connections, a saturated Redis.
 */
export class GatewayAlarms extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: GatewayAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:aws:Alarms", name, {}, opts);
    const parent = { parent: this };
    const tags = awsTags(args.stack, "proxy");
    // Not encrypted with the aws/sns key: CloudWatch cannot publish to a topic that key protects.
    const topic = new aws.sns.Topic(`${name}-topic`, { tags }, parent);
    args.emails.forEach((email, index) => {
      new aws.sns.TopicSubscription(
        `${name}-email-${index}`,
        { topic: topic.arn, protocol: "email", endpoint: email },
        parent,
      );
    });

    const alb = { LoadBalancer: args.loadBalancerArnSuffix };
    const database = { DBInstanceIdentifier: args.databaseInstanceId };
    const alarms: AlarmDefinition[] = [
      [
        "alb-5xx",
        "the load balancer answers 5xx (no healthy proxy, or it timed out)",
        "AWS/ApplicationELB",
        "HTTPCode_ELB_5XX_Count",
        "Sum",
        alb,
        "GreaterThanThreshold",
        10,
        300,
        1,
      ],
      [
        "proxy-5xx",
        "the proxy answers 5xx",
        "AWS/ApplicationELB",
        "HTTPCode_Target_5XX_Count",
        "Sum",
        alb,
        "GreaterThanThreshold",
        25,
        300,
        1,
      ],
      [
        "unhealthy-targets",
        "proxy tasks fail the load balancer's health check",
        "AWS/ApplicationELB",
        "UnHealthyHostCount",
        "Maximum",
        { ...alb, TargetGroup: args.targetGroupArnSuffix },
        "GreaterThanThreshold",
        0,
        60,
        3,
      ],
      [
        "proxy-cpu",
        "the proxy service runs hot even after scaling out",
        "AWS/ECS",
        "CPUUtilization",
        "Average",
        { ClusterName: args.clusterName, ServiceName: args.proxyServiceName },
        "GreaterThanThreshold",
        85,
        300,
        3,
      ],
      [
        "database-cpu",
        "the database is busy",
        "AWS/RDS",
        "CPUUtilization",
        "Average",
        database,
        "GreaterThanThreshold",
        80,
        300,
        3,
      ],
      // Storage autoscaling adds space within minutes when less than 10% is free; free space that stays below 10% of
      // the first allocation for half an hour means it cannot: maxAllocatedStorageGb is reached, or it is cooling down.
      [
        "database-storage",
        "the database stays short of storage that autoscaling cannot add",
        "AWS/RDS",
        "FreeStorageSpace",
        "Minimum",
        database,
        "LessThanThreshold",
        args.databaseStorageGb * 1024 ** 3 * 0.1,
        300,
        6,
      ],
      // The first thing that fails when tasks scale out: every new connection is refused.
      [
        "database-connections",
        `the database holds more than ${CONNECTIONS_ALARM_SHARE * 100}% of its max_connections (${args.databaseMaxConnections})`,
        "AWS/RDS",
        "DatabaseConnections",
        "Maximum",
        database,
        "GreaterThanThreshold",
        Math.floor(args.databaseMaxConnections * CONNECTIONS_ALARM_SHARE),
        60,
        5,
      ],
      ...Object.entries(args.mcpServiceNames).map(
        ([server, service]): AlarmDefinition => [
          `mcp-${server}-no-task`,
          `the MCP server ${server} has no running task: its tools are gone from the gateway`,
          "ECS/ContainerInsights",
          "RunningTaskCount",
          "Minimum",
          { ClusterName: args.clusterName, ServiceName: service },
          "LessThanThreshold",
          1,
          60,
          3,
        ],
      ),
      ...(args.cacheNodeId === undefined
        ? []
        : ([
            [
              "redis-cpu",
              "Redis's engine thread is saturated",
              "AWS/ElastiCache",
              "EngineCPUUtilization",
              "Average",
              { CacheClusterId: args.cacheNodeId },
              "GreaterThanThreshold",
              80,
              300,
              3,
            ],
            [
              "redis-memory",
              "Redis is near its memory limit: it evicts the router's state and the cache",
              "AWS/ElastiCache",
              "DatabaseMemoryUsagePercentage",
              "Average",
              { CacheClusterId: args.cacheNodeId },
              "GreaterThanThreshold",
              80,
              300,
              3,
            ],
          ] satisfies AlarmDefinition[])),
    ];
    for (const [
      suffix,
      description,
      namespace,
      metricName,
      statistic,
      dimensions,
      comparisonOperator,
      threshold,
      period,
      evaluationPeriods,
    ] of alarms) {
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

    // Fewer tasks running than desired, for the proxy and each MCP server: a deployment stuck, tasks crashing.
    const services = {
      proxy: args.proxyServiceName,
      ...Object.fromEntries(
        Object.entries(args.mcpServiceNames).map(([server, service]) => [`mcp-${server}`, service]),
      ),
    };
    for (const [suffix, service] of Object.entries(services)) {
      const metric = (metricName: string) => ({
        metric: {
          namespace: "ECS/ContainerInsights",
          metricName,
          dimensions: { ClusterName: args.clusterName, ServiceName: service },
          period: 60,
          stat: "Average",
        },
        returnData: false,
      });
      new aws.cloudwatch.MetricAlarm(
        `${name}-${suffix}-below-desired`,
        {
          alarmDescription: `litellm-mcp ${args.stack}: ${suffix} runs fewer tasks than desired`,
          metricQueries: [
            { id: "desired", ...metric("DesiredTaskCount") },
            { id: "running", ...metric("RunningTaskCount") },
            { id: "missing", expression: "desired - running", label: "tasks missing", returnData: true },
          ],
          comparisonOperator: "GreaterThanThreshold",
          threshold: 0,
          evaluationPeriods: 10,
          datapointsToAlarm: 10,
          treatMissingData: "notBreaching",
          alarmActions: [topic.arn],
          okActions: [topic.arn],
          tags,
        },
        parent,
      );
    }

    if (args.monthlyBudgetUsd !== undefined) {
      // AWS Budgets publishes to the topic only if the topic's policy lets it.
      new aws.sns.TopicPolicy(
        `${name}-topic-policy`,
        {
          arn: topic.arn,
          policy: topic.arn.apply((arn) =>
            JSON.stringify({
              Version: "2012-10-17",
              Statement: [
                {
                  Sid: "BudgetsPublish",
                  Effect: "Allow",
                  Principal: { Service: "budgets.amazonaws.com" },
                  Action: "SNS:Publish",
                  Resource: arn,
                },
              ],
            }),
          ),
        },
        parent,
      );
      const alert = (type: "ACTUAL" | "FORECASTED", threshold: number) => ({
        comparisonOperator: "GREATER_THAN",
        notificationType: type,
        threshold,
        thresholdType: "PERCENTAGE",
        subscriberSnsTopicArns: [topic.arn],
      });
      new aws.budgets.Budget(
        `${name}-budget`,
        {
          name: `litellm-mcp-${args.stack}`,
          budgetType: "COST",
          limitAmount: args.monthlyBudgetUsd.toFixed(2),
          limitUnit: "USD",
          timeUnit: "MONTHLY",
          // The stack's resources carry this tag; activate it once as a cost allocation tag in the Billing console.
          costFilters: [{ name: "TagKeyValue", values: [`user:${LABELS.stack}$${args.stack}`] }],
          notifications: [alert("ACTUAL", 80), alert("FORECASTED", 100)],
        },
        parent,
      );
    }

    this.topicArn = topic.arn;
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
