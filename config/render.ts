/**
 * Renders LiteLLM's config.yaml from the stack config and what the target provides. Pure: the same input gives
 * the same bytes. Secrets never appear in the output: the proxy reads them from its environment through
 * `os.environ/` references, and the renderer lists every environment variable the proxy must receive.
 */
import { stringify } from "yaml";
import { ENV, OS_ENVIRON, PROMETHEUS_MULTIPROC, RESERVED_DB_CONNECTIONS, mcpAuthEnvName } from "./constants";
import { isSecretReference, SECTIONS, type Section, type SettingValue, settingEnvName } from "./litellmSettings";
import type { McpServerConfig, ModelConfig, SecretRef, StackConfig } from "./schema";
import { workerPoolLimit } from "./topology";

/** What the target knows when it renders the config. */
export interface RenderContext {
  /** The URL by which the proxy reaches each MCP server, by server name. */
  readonly mcpServerUrls: Readonly<Record<string, string>>;
  /** Whether a Redis serves the proxy's router state and cache. */
  readonly redis: boolean;
  /** Whether that Redis is reached over TLS. */
  readonly redisTls: boolean;
  /** The most proxy instances that can run at once. */
  readonly maxInstances: number;
  /** The database's max_connections. */
  readonly databaseMaxConnections: number;
  /** Whether the proxy's CLI reads this file (--config), and so its pool settings (config/topology.ts). */
  readonly readsConfigFile: boolean;
  /**
   * Bedrock Runtime endpoint per AWS region (LiteLLM's per-model `aws_bedrock_runtime_endpoint`), for regions
   * not reached at their public endpoint; absent regions use the SDK's default.
   */
  readonly bedrockRuntimeEndpoints?: Readonly<Record<string, string>>;
  /** Where the proxy sends its spans (OTLP over HTTP), when tracing is on. */
  readonly otelTracesUrl?: string;
  /** The service name the spans carry. */
  readonly otelServiceName?: string;
}

/** A secret the target generates or composes (it never comes from config). */
export type TargetSecret = "masterKey" | "saltKey" | "databaseUrl" | "redisPassword";
/** A plain value only the target knows. */
export type TargetEndpoint = "redisHost" | "redisPort";

/** An environment variable the proxy must receive, and where its value comes from. */
export type ProxyEnvVar =
  | { readonly name: string; readonly kind: "value"; readonly value: string }
  | { readonly name: string; readonly kind: "endpoint"; readonly endpoint: TargetEndpoint }
  | { readonly name: string; readonly kind: "targetSecret"; readonly secret: TargetSecret; readonly ref?: SecretRef }
  | { readonly name: string; readonly kind: "secretRef"; readonly ref: SecretRef };

export interface RenderedConfig {
  /** config.yaml as an object. */
  readonly document: LiteLLMConfig;
  /** config.yaml as text. */
  readonly yaml: string;
  /** Every environment variable the proxy needs, in a stable order. */
  readonly env: readonly ProxyEnvVar[];
}

type Scalar = string | number | boolean;

export interface LiteLLMConfig {
  model_list: { model_name: string; litellm_params: Record<string, Scalar>; model_info: { id: string } }[];
  litellm_settings: Record<string, SettingValue>;
  general_settings: Record<string, SettingValue>;
  router_settings: Record<string, SettingValue>;
  mcp_servers?: Record<string, Record<string, Scalar | string[]>>;
}

const env = (name: string) => `${OS_ENVIRON}${name}`;

export function renderLiteLLMConfig(config: StackConfig, context: RenderContext): RenderedConfig {
  const proxy = config.proxy;
  const poolLimit = workerPoolLimit(
    context.readsConfigFile,
    context.databaseMaxConnections,
    context.maxInstances,
    proxy.workers,
    RESERVED_DB_CONNECTIONS,
  );
  if (poolLimit === undefined) {
    throw new Error(
      `database max_connections ${context.databaseMaxConnections} cannot serve ${context.maxInstances} instance(s) x ${proxy.workers} worker(s)`,
    );
  }

  const litellmSettings: LiteLLMConfig["litellm_settings"] = {
    drop_params: proxy.dropParams,
    num_retries: proxy.numRetries,
    request_timeout: proxy.requestTimeoutSeconds,
    json_logs: proxy.jsonLogs,
  };
  if (config.tracing.enabled) {
    if (context.otelTracesUrl === undefined) throw new Error("tracing is on, but the target gave no collector URL");
    // otel: a span per request; prometheus: spend and token counters on /metrics, which the collector scrapes.
    litellmSettings["callbacks"] = ["otel", "prometheus"];
  }
  const { spend } = config;
  if (spend.maxBudgetUsd !== undefined) {
    litellmSettings["max_budget"] = spend.maxBudgetUsd;
    if (spend.budgetDuration !== undefined) litellmSettings["budget_duration"] = spend.budgetDuration;
  }
  if (spend.keyMaxBudgetUsd !== undefined) {
    litellmSettings["default_key_generate_params"] = {
      max_budget: spend.keyMaxBudgetUsd,
      ...(spend.keyBudgetDuration === undefined ? {} : { budget_duration: spend.keyBudgetDuration }),
    };
  }
  if (config.cache.responses) {
    litellmSettings["cache"] = true;
    litellmSettings["cache_params"] = context.redis
      ? {
          type: "redis",
          host: env(ENV.redisHost),
          port: env(ENV.redisPort),
          password: env(ENV.redisPassword),
          ttl: config.cache.ttlSeconds,
          namespace: "litellm.cache",
          ...(context.redisTls ? { ssl: true } : {}),
        }
      : { type: "local", ttl: config.cache.ttlSeconds };
  }

  const generalSettings: LiteLLMConfig["general_settings"] = {};
  if (proxy.auth) generalSettings["master_key"] = env(ENV.masterKey);
  generalSettings["database_url"] = env(ENV.databaseUrl);
  // A proxy started without --config never reads it (it opens LiteLLM's own pool): no setting that does nothing.
  if (context.readsConfigFile) generalSettings["database_connection_pool_limit"] = poolLimit;
  Object.assign(generalSettings, {
    store_model_in_db: proxy.storeModelInDb,
    proxy_batch_write_at: proxy.batchWriteIntervalSeconds,
    allow_requests_on_db_unavailable: proxy.allowRequestsOnDbUnavailable,
    disable_spend_logs: !proxy.spendLogs,
  });

  const routerSettings: LiteLLMConfig["router_settings"] = {
    routing_strategy: proxy.routingStrategy,
    allowed_fails: proxy.allowedFails,
    cooldown_time: proxy.cooldownSeconds,
  };
  if (context.redis) {
    Object.assign(routerSettings, {
      redis_host: env(ENV.redisHost),
      redis_port: env(ENV.redisPort),
      redis_password: env(ENV.redisPassword),
    });
  }

  const document: LiteLLMConfig = {
    model_list: config.models.map((model) => modelEntry(model, context.bedrockRuntimeEndpoints?.[model.region])),
    litellm_settings: { ...litellmSettings, ...extraSettings(config, "litellm_settings") },
    general_settings: { ...generalSettings, ...extraSettings(config, "general_settings") },
    router_settings: { ...routerSettings, ...extraSettings(config, "router_settings") },
  };
  if (config.mcpServers.length > 0) {
    document.mcp_servers = Object.fromEntries(
      config.mcpServers.map((server) => [server.name, mcpServerEntry(server, context)]),
    );
  }

  return { document, yaml: toYaml(document), env: proxyEnv(config, context) };
}

/** A section's settings from the stack's `litellm` block, in key order; secrets as environment references. */
function extraSettings(config: StackConfig, section: Section): Record<string, SettingValue> {
  const values = config.litellm[section] ?? {};
  return Object.fromEntries(
    Object.keys(values)
      .sort()
      .map((key) => {
        const value = values[key]!;
        return [key, isSecretReference(value) ? env(settingEnvName(section, key)) : value];
      }),
  );
}

function modelEntry(model: ModelConfig, bedrockEndpoint: string | undefined): LiteLLMConfig["model_list"][number] {
  const params: Record<string, Scalar> = {
    model: `bedrock/${model.bedrockModelId}`,
    aws_region_name: model.region,
  };
  if (bedrockEndpoint !== undefined) params["aws_bedrock_runtime_endpoint"] = bedrockEndpoint;
  // Without a role, boto3's default chain is used: the ECS task role, or the mounted profile in dev.
  if (model.roleArn !== undefined) {
    params["aws_role_name"] = model.roleArn;
    params["aws_session_name"] = model.sessionName ?? "litellm-mcp";
  }
  if (model.rpm !== undefined) params["rpm"] = model.rpm;
  if (model.tpm !== undefined) params["tpm"] = model.tpm;
  for (const key of Object.keys(model.params).sort()) params[key] = model.params[key]!;
  return { model_name: model.group ?? model.name, litellm_params: params, model_info: { id: model.name } };
}

function mcpServerEntry(server: McpServerConfig, context: RenderContext): Record<string, Scalar | string[]> {
  const url = context.mcpServerUrls[server.name];
  if (url === undefined) throw new Error(`the target gave no URL for MCP server "${server.name}"`);
  // LiteLLM assumes sse when the transport is omitted; every server here is reached over Streamable HTTP.
  const entry: Record<string, Scalar | string[]> = { url, transport: "http" };
  if (server.description !== undefined) entry["description"] = server.description;
  if (server.auth !== undefined) {
    entry["auth_type"] = server.auth.type;
    entry["auth_value"] = env(mcpAuthEnvName(server.name));
  }
  if (server.allowedTools !== undefined) entry["allowed_tools"] = [...server.allowedTools];
  return entry;
}

function proxyEnv(config: StackConfig, context: RenderContext): ProxyEnvVar[] {
  const vars: ProxyEnvVar[] = [
    { name: ENV.logLevel, kind: "value", value: config.proxy.logLevel },
    // Stops the proxy from loading a .env file.
    { name: ENV.mode, kind: "value", value: "PRODUCTION" },
    // Without it every start fetches the cost map from GitHub: a start that depends on the internet.
    { name: ENV.localModelCostMap, kind: "value", value: "True" },
    // Without it a migration may fetch Prisma's binaries from the internet.
    { name: ENV.prismaOfflineMode, kind: "value", value: "true" },
  ];
  if (config.tracing.enabled && context.otelTracesUrl !== undefined) {
    vars.push(
      { name: ENV.otelExporter, kind: "value", value: "otlp_http" },
      { name: ENV.otelEndpoint, kind: "value", value: context.otelTracesUrl },
      { name: ENV.otelServiceName, kind: "value", value: context.otelServiceName ?? "litellm" },
    );
  }
  if (config.proxy.jsonLogs) vars.push({ name: ENV.jsonLogs, kind: "value", value: "true" });
  if (config.tracing.enabled && config.proxy.workers > 1 && !context.readsConfigFile) {
    vars.push({ name: ENV.prometheusMultiprocDir, kind: "value", value: PROMETHEUS_MULTIPROC.path });
  }
  if (config.proxy.auth)
    vars.push({ name: ENV.masterKey, kind: "targetSecret", secret: "masterKey", ref: config.proxy.masterKey });
  vars.push({ name: ENV.saltKey, kind: "targetSecret", secret: "saltKey", ref: config.proxy.saltKey });
  vars.push({ name: ENV.databaseUrl, kind: "targetSecret", secret: "databaseUrl" });
  if (context.redis) {
    vars.push(
      { name: ENV.redisHost, kind: "endpoint", endpoint: "redisHost" },
      { name: ENV.redisPort, kind: "endpoint", endpoint: "redisPort" },
      { name: ENV.redisPassword, kind: "targetSecret", secret: "redisPassword" },
    );
    if (context.redisTls) vars.push({ name: ENV.redisSsl, kind: "value", value: "True" });
  }
  for (const server of config.mcpServers) {
    if (server.auth !== undefined)
      vars.push({ name: mcpAuthEnvName(server.name), kind: "secretRef", ref: server.auth.secret });
  }
  for (const section of SECTIONS) {
    for (const [key, value] of Object.entries(config.litellm[section] ?? {})) {
      if (isSecretReference(value))
        vars.push({ name: settingEnvName(section, key), kind: "secretRef", ref: value.secret });
    }
  }
  return vars;
}

/**
 * YAML text with a fixed layout: no line folding, so the output depends on the input alone. LiteLLM reads it with
 * PyYAML, a YAML 1.1 parser: strings 1.1 would read as something else (on, yes, No, 1:20, 2024-01-01) are quoted,
 * and quoted strings read the same under 1.2.
 */
function toYaml(document: object): string {
  return stringify(document, {
    version: "1.1",
    lineWidth: 0,
    minContentWidth: 0,
    indentSeq: true,
    sortMapEntries: false,
  });
}
