/**
 * What a target provides to the config renderer, derived from the stack config and the stack name alone,
 * so that `pulumi up` and `litellm-mcp render` produce the same config.yaml.
 */
import { type RenderContext, type RenderedConfig, renderLiteLLMConfig } from "../config/litellm";
import type { StackConfig } from "../config/schema";
import { hasRedis, maxProxyInstances } from "../config/topology";
import { awsMcpUrl } from "./aws/naming";
import { dockerMcpUrl } from "./docker/naming";

export function renderContextFor(config: StackConfig, stack: string): RenderContext {
  const url = (server: StackConfig["mcpServers"][number]) =>
    config.target === "docker" ? dockerMcpUrl(stack, server) : awsMcpUrl(server);
  return {
    mcpServerUrls: Object.fromEntries(config.mcpServers.map((server) => [server.name, url(server)])),
    redis: hasRedis(config),
    // ElastiCache runs with encryption in transit; the dev Redis container is plain.
    redisTls: config.target === "aws" && hasRedis(config),
    maxInstances: maxProxyInstances(config),
    databaseMaxConnections: config.database.maxConnections,
  };
}

/** The stack's config.yaml and the environment its proxy needs. */
export function renderStack(config: StackConfig, stack: string): RenderedConfig {
  return renderLiteLLMConfig(config, renderContextFor(config, stack));
}
