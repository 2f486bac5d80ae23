import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface GatewayDashboardArgs {
  readonly stack: string;
  readonly region: pulumi.Input<string>;
  readonly loadBalancerArnSuffix: pulumi.Input<string>;
  readonly clusterName: pulumi.Input<string>;
  readonly proxyServiceName: pulumi.Input<string>;
  readonly mcpServiceNames: Readonly<Record<string, pulumi.Input<string>>>;
  readonly databaseInstanceId: pulumi.Input<string>;
  readonly databaseMaxConnections: number;
  /** The Redis node whose metrics are drawn, when there is a Redis. */
  readonly cacheNodeId?: pulumi.Input<string>;
  /** Where the collector writes LiteLLM's own metrics, when tracing is on. */
  readonly litellmNamespace?: string;
}

type Metric = (string | { stat?: string; label?: string; color?: string; expression?: string; id?: string })[];

interface Widget {
  readonly title: string;
  readonly metrics: Metric[];
  /** A line drawn across the graph, such as a limit. */
  readonly annotation?: { label: string; value: number };
  readonly stat?: string;
}

/**
 * One CloudWatch dashboard per AWS stack, for the daily questions: is it healthy (requests, latency, 5xx, tasks
 * against desired), is it saturated (CPU, memory, database connections against max_connections, Redis), and what
 * it spends: LiteLLM's own spend and token counters per model, which the collector scrapes from its Prometheus
 * endpoint into CloudWatch when tracing is on.
 */
export class GatewayDashboard extends pulumi.ComponentResource {
  readonly dashboardName: pulumi.Output<string>;

  constructor(name: string, args: GatewayDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:aws:Dashboard", name, {}, opts);
    const dashboardName = `litellm-mcp-${args.stack}`;
    const body = pulumi
      .all([
        pulumi.output(args.region),
        pulumi.output(args.loadBalancerArnSuffix),
        pulumi.output(args.clusterName),
        pulumi.output(args.proxyServiceName),
        pulumi.all(args.mcpServiceNames),
        pulumi.output(args.databaseInstanceId),
        pulumi.output(args.cacheNodeId),
      ])
      .apply(([region, alb, cluster, proxy, mcp, database, cache]) =>
        JSON.stringify({
          widgets: layout(
            region,
            widgets(args.databaseMaxConnections, alb, cluster, proxy, mcp, database, cache, args.litellmNamespace),
          ),
        }),
      );
    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      { dashboardName, dashboardBody: body },
      { parent: this },
    );
    this.dashboardName = dashboard.dashboardName;
    this.registerOutputs({ dashboardName: this.dashboardName });
  }
}

/** The widgets, in reading order. */
export function widgets(
  maxConnections: number,
  alb: string,
  cluster: string,
  proxy: string,
  mcp: Record<string, string>,
  database: string,
  cache: string | undefined,
  litellmNamespace?: string,
): Widget[] {
  const lb = ["LoadBalancer", alb];
  const ecs = (metric: string, service: string, label: string): Metric => [
    "ECS/ContainerInsights",
    metric,
    "ClusterName",
    cluster,
    "ServiceName",
    service,
    { label },
  ];
  const services: [string, string][] = [
    ["proxy", proxy],
    ...Object.entries(mcp).map(([server, service]): [string, string] => [`mcp ${server}`, service]),
  ];
  const list: Widget[] = [
    {
      title: "Requests and errors (load balancer)",
      stat: "Sum",
      metrics: [
        ["AWS/ApplicationELB", "RequestCount", ...lb, { label: "requests" }],
        ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ...lb, { label: "proxy 5xx" }],
        ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", ...lb, { label: "load balancer 5xx" }],
        ["AWS/ApplicationELB", "HTTPCode_Target_4XX_Count", ...lb, { label: "proxy 4xx" }],
      ],
    },
    {
      title: "Latency (target response time)",
      metrics: ["p50", "p90", "p99"].map(
        (stat): Metric => ["AWS/ApplicationELB", "TargetResponseTime", ...lb, { stat, label: stat }],
      ),
    },
    {
      title: "Tasks: running against desired",
      stat: "Average",
      metrics: services.flatMap(([label, service]) => [
        ecs("RunningTaskCount", service, `${label} running`),
        ecs("DesiredTaskCount", service, `${label} desired`),
      ]),
    },
    {
      title: "CPU and memory (% of the task's)",
      stat: "Average",
      metrics: [
        ["AWS/ECS", "CPUUtilization", "ClusterName", cluster, "ServiceName", proxy, { label: "proxy CPU" }],
        ["AWS/ECS", "MemoryUtilization", "ClusterName", cluster, "ServiceName", proxy, { label: "proxy memory" }],
        ...Object.entries(mcp).map(
          ([server, service]): Metric => [
            "AWS/ECS",
            "CPUUtilization",
            "ClusterName",
            cluster,
            "ServiceName",
            service,
            { label: `mcp ${server} CPU` },
          ],
        ),
      ],
    },
    {
      title: "Database connections against max_connections",
      stat: "Maximum",
      metrics: [["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", database, { label: "connections" }]],
      annotation: { label: "max_connections", value: maxConnections },
    },
    {
      title: "Database CPU and free storage",
      stat: "Average",
      metrics: [
        ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", database, { label: "CPU %" }],
        ["AWS/RDS", "FreeStorageSpace", "DBInstanceIdentifier", database, { label: "free storage (bytes)" }],
      ],
    },
  ];
  if (litellmNamespace !== undefined) {
    // The receiver may or may not keep Prometheus's _total suffix: an unquoted term matches either name.
    const search = (metric: string, id: string, label: string): Metric => [
      { expression: `SEARCH('{${litellmNamespace},model} ${metric}', 'Sum', 300)`, id, label },
    ];
    list.push(
      {
        title: "LiteLLM spend per model (USD per 5 minutes)",
        metrics: [search("litellm_spend_metric", "spend", "spend")],
      },
      {
        title: "LiteLLM tokens per model (per 5 minutes)",
        metrics: [search("litellm_total_tokens_metric", "tokens", "tokens")],
      },
    );
  }
  if (cache !== undefined) {
    list.push({
      title: "Redis",
      stat: "Average",
      metrics: [
        ["AWS/ElastiCache", "EngineCPUUtilization", "CacheClusterId", cache, { label: "engine CPU %" }],
        ["AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "CacheClusterId", cache, { label: "memory %" }],
        ["AWS/ElastiCache", "CurrConnections", "CacheClusterId", cache, { label: "connections" }],
      ],
    });
  }
  return list;
}

/** Two graphs per row, 12 units wide and 6 high each. */
function layout(region: string, list: Widget[]) {
  return list.map((widget, index) => ({
    type: "metric",
    x: (index % 2) * 12,
    y: Math.floor(index / 2) * 6,
    width: 12,
    height: 6,
    properties: {
      title: widget.title,
      region,
      view: "timeSeries",
      period: 60,
      ...(widget.stat ? { stat: widget.stat } : {}),
      metrics: widget.metrics,
      ...(widget.annotation
        ? { annotations: { horizontal: [{ label: widget.annotation.label, value: widget.annotation.value }] } }
        : {}),
    },
  }));
}
