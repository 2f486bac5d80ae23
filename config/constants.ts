/**
 * Facts the whole program shares: the names of the environment variables the LiteLLM proxy reads,
 * its ports and paths, and the default image references. Each lives here once and is imported.
 */

/** The Pulumi project name, which is also the namespace of every stack config key. */
export const PROJECT = "litellm-mcp";

/** Environment variables read by the LiteLLM proxy. */
export const ENV = {
  masterKey: "LITELLM_MASTER_KEY",
  saltKey: "LITELLM_SALT_KEY",
  databaseUrl: "DATABASE_URL",
  redisHost: "REDIS_HOST",
  redisPort: "REDIS_PORT",
  redisPassword: "REDIS_PASSWORD",
  /** Makes LiteLLM's Redis clients use TLS (ElastiCache with encryption in transit). */
  redisSsl: "REDIS_SSL",
  logLevel: "LITELLM_LOG",
  /** "true": JSON logs from uvicorn and start-up too, where json_logs in config.yaml reaches only LiteLLM's loggers. */
  jsonLogs: "JSON_LOGS",
  mode: "LITELLM_MODE",
  configBucketName: "LITELLM_CONFIG_BUCKET_NAME",
  configBucketObjectKey: "LITELLM_CONFIG_BUCKET_OBJECT_KEY",
  /** True: use the model cost map bundled with LiteLLM instead of fetching it from GitHub at every start. */
  localModelCostMap: "LITELLM_LOCAL_MODEL_COST_MAP",
  /** True: migrate with the Prisma CLI and engines built into the litellm-database image, downloading nothing. */
  prismaOfflineMode: "PRISMA_OFFLINE_MODE",
  /** "true": the proxy only checks the schema at start; the one-off migration task migrates it (AWS). */
  disableSchemaUpdate: "DISABLE_SCHEMA_UPDATE",
  /** LiteLLM's OpenTelemetry callback: the exporter, the collector's traces URL and the service name. */
  otelExporter: "OTEL_EXPORTER",
  otelEndpoint: "OTEL_ENDPOINT",
  otelServiceName: "OTEL_SERVICE_NAME",
  /** Not read by LiteLLM: the hash of config.yaml, so that a new config is a new task definition. */
  configHash: "LITELLM_MCP_CONFIG_SHA256",
  /** Where prometheus_client's workers share their samples, so that /metrics counts every worker's. */
  prometheusMultiprocDir: "PROMETHEUS_MULTIPROC_DIR",
} as const;

/** The environment variable that carries the credential the proxy sends to an MCP server. */
export function mcpAuthEnvName(serverName: string): string {
  return `MCP_${serverName.toUpperCase()}_AUTH`;
}

/** Prefix that makes LiteLLM read a config.yaml value from its environment at start-up. */
export const OS_ENVIRON = "os.environ/";

export const PROXY = {
  port: 4000,
  /** The proxy's container in its ECS tasks (serving and migration), and the stream prefix its logs go under. */
  container: "litellm",
  /** Where config.yaml is placed inside the proxy container on Docker. */
  configPath: "/app/config.yaml",
  /** Liveness probe: no auth, no model calls. */
  livenessPath: "/health/liveliness",
  /** Readiness probe: no auth, includes the database status. */
  readinessPath: "/health/readiness",
  /** The MCP gateway: every server at `/mcp`, one at `/mcp/<name>`. */
  mcpPath: "/mcp",
} as const;

/**
 * The fixed resource names of the keys the program generates (components/keys.ts), at the top of the stack: never
 * derived from a component's name, so that a refactor cannot move them.
 */
export const KEY_RESOURCES = {
  "master-key": "proxy-master-key",
  "salt-key": "proxy-salt-key",
  "database-password": "proxy-database-password",
} as const;

/**
 * The smoke check's one-off task on AWS: its container, and the awslogs stream prefix it logs under in the proxy's
 * log group (streams `smoke/smoke/<task id>`).
 */
export const SMOKE_TASK = { container: "smoke", streamPrefix: "smoke" } as const;

/** Default image references. Versions are pinned; check release notes before moving them. */
export const IMAGES = {
  /**
   * LiteLLM with Prisma for Postgres. The tag is the PyPI release the gateway suite installs and runs:
   * 1.108.7 is the newest 1.108.x whose `litellm[proxy]` installs from PyPI (1.108.8 to 1.108.12 require
   * litellm-enterprise 0.1.79.post2, which PyPI does not serve).
   */
  litellm: "ghcr.io/berriai/litellm-database:v1.108.7",
  postgres: "postgres:15-alpine",
  redis: "redis:7.4-alpine",
  /** Base images for MCP servers built from an npm or a PyPI package. */
  nodeBase: "node:22-alpine",
  pythonBase: "python:3.13-slim",
  /** AWS Distro for OpenTelemetry: the proxy task's trace collector, exporting to X-Ray (v0.49.0, July 2026). */
  adotCollector: "public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0",
  /** The OpenTelemetry Collector for dev: OTLP in, spans printed to its log (its image's default config). */
  otelCollector: "otel/opentelemetry-collector:0.99.0",
} as const;

/**
 * The folder several proxy workers share their Prometheus samples in. LiteLLM's CLI makes one itself only when it
 * reads `callbacks: [prometheus]` from a --config file; a proxy that reads config.yaml from S3 needs it given, on a
 * volume of its task. Without it each worker counts alone and /metrics answers from whichever worker takes the scrape.
 */
export const PROMETHEUS_MULTIPROC = { path: "/tmp/litellm-mcp-prometheus", volume: "prometheus-multiproc" } as const;

/** Where the proxy sends its spans: OTLP over HTTP to a collector. */
export const OTLP = { httpPort: 4318, tracesPath: "/v1/traces" } as const;

/** The stdio-to-Streamable-HTTP bridge: one long-lived child shared by every session. */
export const BRIDGE = {
  package: "mcp-proxy==0.11.0",
  healthPath: "/status",
} as const;

export const MCP_DEFAULTS = {
  port: 8080,
  path: "/mcp",
} as const;

export const POSTGRES = {
  port: 5432,
  dataDir: "/var/lib/postgresql/data",
} as const;

export const REDIS = {
  port: 6379,
} as const;

/** Connections kept free for migrations, the admin and Postgres' own reserved slots. */
export const RESERVED_DB_CONNECTIONS = 10;

/** Labels (Docker) and tags (AWS) that identify what a resource is; the policy pack reads them. */
export const LABELS = {
  stack: `${PROJECT}.stack`,
  role: `${PROJECT}.role`,
  mcpServer: `${PROJECT}.mcp-server`,
  /** On a Docker container published beyond loopback because the stack config asks for it. */
  expose: `${PROJECT}.expose`,
  /** On a load balancer that serves plain HTTP to the internet because the stack config says so. */
  plainHttpFromAnywhere: `${PROJECT}.plain-http-from-anywhere`,
} as const;

/** The part each resource plays in the gateway. */
export type Role = "proxy" | "load-balancer" | "database" | "cache" | "mcp-server" | "network" | "tracing" | "smoke";

/** Where the dev proxy finds the host's AWS profile (the image runs as root). */
export const AWS_PROFILE_MOUNT = "/root/.aws";

/** Addresses that keep a published port on the machine itself. */
export const LOOPBACK: readonly string[] = ["127.0.0.1", "::1"];

/**
 * LiteLLM's admin API and UI, as load-balancer path patterns: the route prefixes of LiteLLM's management, spend,
 * admin-viewer and UI routes (LiteLLMRoutes in litellm/proxy/_types.py of the pinned release), and the UI itself.
 * Model and MCP traffic (/v1/chat/completions, /v1/models, /mcp/...) and the health routes stay out of it.
 */
export const ADMIN_PATH_PATTERNS: readonly string[] = [
  "/ui",
  "/ui/*",
  "/login",
  "/login/*",
  "/logout",
  "/sso/*",
  "/onboarding/*",
  "/fallback/*",
  "/key/*",
  "/v2/key/*",
  "/user/*",
  "/v2/user/*",
  "/team/*",
  "/v2/team/*",
  "/organization/*",
  "/customer/*",
  "/end_user/*",
  "/budget/*",
  "/tag/*",
  "/project/*",
  "/invitation/*",
  "/jwt/*",
  "/model/*",
  "/v2/model/*",
  "/v1/model/*",
  "/model_group/*",
  "/credentials",
  "/credentials/*",
  "/v1/mcp/*",
  "/config/*",
  "/get/*",
  "/cache/*",
  "/alerting/*",
  "/callbacks/*",
  "/guardrails/*",
  "/v2/guardrails/*",
  "/policies*",
  "/spend/*",
  "/global/*",
  "/cost/*",
  "/audit*",
  "/management/*",
  "/schedule/*",
  "/telemetry/*",
  "/lens/*",
  "/compliance/*",
  "/auto_router/*",
  "/gateway/*",
  "/routes",
  "/debug/*",
  // LiteLLM's Prometheus metrics (with tracing on): spend per key, user and team.
  "/metrics",
  "/metrics/*",
];
