/**
 * What a target provides to the config renderer, derived from the stack config and the stack name alone,
 * so that `pulumi up` and `litellm-mcp render` produce the same config.yaml.
 */
import { type RenderContext, type RenderedConfig, renderLiteLLMConfig } from "../config/render";
import type { StackConfig } from "../config/schema";
import { hasRedis, maxConnectedProxyInstances, readsConfigFile } from "../config/topology";
import { awsMcpUrl } from "./aws/naming";
import { OTLP } from "../config/constants";
import { dockerMcpUrl, dockerNames } from "./docker/naming";

export function renderContextFor(config: StackConfig, stack: string): RenderContext {
  const url = (server: StackConfig["mcpServers"][number]) =>
    config.target === "docker" ? dockerMcpUrl(stack, server) : awsMcpUrl(server);
  return {
    mcpServerUrls: Object.fromEntries(config.mcpServers.map((server) => [server.name, url(server)])),
    redis: hasRedis(config),
    // ElastiCache runs with encryption in transit; the dev Redis container is plain.
    redisTls: config.target === "aws" && hasRedis(config),
    maxInstances: maxConnectedProxyInstances(config),
    databaseMaxConnections: config.database.maxConnections,
    readsConfigFile: readsConfigFile(config),
    ...(config.tracing.enabled
      ? {
          // On AWS the collector is a sidecar in the proxy's task (one network namespace); in dev, a container.
          otelTracesUrl: `http://${config.target === "aws" ? "127.0.0.1" : dockerNames(stack).otel}:${OTLP.httpPort}${OTLP.tracesPath}`,
          otelServiceName: `litellm-mcp-${stack}`,
        }
      : {}),
  };
}

/** Where each part listens when the gateway runs as local processes on loopback instead of on its target. */
export interface LoopbackEndpoints {
  /** The URL of each MCP server's Streamable HTTP endpoint, by server name. */
  readonly mcpServerUrls: Readonly<Record<string, string>>;
  /** Bedrock Runtime endpoints by region, when something other than AWS answers for Bedrock. */
  readonly bedrockRuntimeEndpoints?: Readonly<Record<string, string>>;
  /** The OTLP traces URL of a collector on loopback, when tracing is on. */
  readonly otelTracesUrl?: string;
}

/**
 * The stack's own render context with only the endpoints moved to loopback: everything else (Redis, pool sizes,
 * transports) stays as the target decides, so the local gateway runs the config.yaml the stack deploys.
 */
export function loopbackRenderContext(config: StackConfig, stack: string, endpoints: LoopbackEndpoints): RenderContext {
  const missing = config.mcpServers
    .map((server) => server.name)
    .filter((name) => endpoints.mcpServerUrls[name] === undefined);
  if (missing.length > 0) throw new Error(`no loopback URL for MCP server(s) ${missing.join(", ")}`);
  return {
    ...renderContextFor(config, stack),
    // The target's Redis may use TLS (ElastiCache); a local Redis is plain.
    redisTls: false,
    mcpServerUrls: endpoints.mcpServerUrls,
    ...(endpoints.bedrockRuntimeEndpoints ? { bedrockRuntimeEndpoints: endpoints.bedrockRuntimeEndpoints } : {}),
    ...(endpoints.otelTracesUrl && config.tracing.enabled ? { otelTracesUrl: endpoints.otelTracesUrl } : {}),
  };
}

/** The stack's config.yaml and the environment its proxy needs. */
export function renderStack(config: StackConfig, stack: string): RenderedConfig {
  return renderLiteLLMConfig(config, renderContextFor(config, stack));
}
