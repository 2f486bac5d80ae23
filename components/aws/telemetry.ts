/**
 * What the AWS Distro for OpenTelemetry sidecar of a proxy task does: receive LiteLLM's spans over OTLP and send
 * them to X-Ray, and scrape LiteLLM's Prometheus metrics from the proxy beside it and write them to CloudWatch
 * as embedded metric format logs, so that spend and tokens per model are CloudWatch metrics of the stack.
 */
import { stringify } from "yaml";
import { OTLP } from "../../config/constants";

/** The sidecar's environment variable holding the key it scrapes /metrics with. */
export const SCRAPE_KEY_ENV = "LITELLM_MASTER_KEY";

/** The CloudWatch namespace LiteLLM's metrics land in. */
export function metricsNamespace(stack: string): string {
  return `LiteLLM/${stack}`;
}

/** LiteLLM's counters worth a CloudWatch metric, by name prefix (the receiver may add or drop _total). */
export const LITELLM_METRICS = [
  "litellm_spend_metric",
  "litellm_total_tokens_metric",
  "litellm_input_tokens_metric",
  "litellm_output_tokens_metric",
  "litellm_requests_metric",
];

/** The collector's configuration (AOT_CONFIG_CONTENT). */
export function collectorConfig(stack: string, proxyPort: number, metricsLogGroup: string): string {
  return stringify({
    receivers: {
      otlp: { protocols: { grpc: { endpoint: "127.0.0.1:4317" }, http: { endpoint: `127.0.0.1:${OTLP.httpPort}` } } },
      prometheus: {
        config: {
          scrape_configs: [
            {
              job_name: "litellm",
              scrape_interval: "60s",
              metrics_path: "/metrics",
              // LiteLLM's /metrics wants a key: the master key, which ECS hands the sidecar from Secrets Manager.
              authorization: { type: "Bearer", credentials: `\${env:${SCRAPE_KEY_ENV}}` },
              static_configs: [{ targets: [`127.0.0.1:${proxyPort}`] }],
            },
          ],
        },
      },
    },
    processors: { batch: {} },
    exporters: {
      awsxray: {},
      awsemf: {
        namespace: metricsNamespace(stack),
        log_group_name: metricsLogGroup,
        dimension_rollup_option: "NoDimensionRollup",
        // One dimension, the model: the keys, users and teams of the labels stay in LiteLLM's own spend logs.
        metric_declarations: [
          { dimensions: [["model"]], metric_name_selectors: LITELLM_METRICS.map((name) => `^${name}`) },
        ],
      },
    },
    service: {
      pipelines: {
        traces: { receivers: ["otlp"], processors: ["batch"], exporters: ["awsxray"] },
        metrics: { receivers: ["prometheus"], processors: ["batch"], exporters: ["awsemf"] },
      },
    },
  });
}
