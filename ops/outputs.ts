/** The outputs a deployed stack exports, as the operations CLI reads them. */
import { parse } from "yaml";
import * as z from "zod/mini";
import { OpsError } from "./errors";
import type { Outputs } from "./pulumi";

const names = z.record(z.string(), z.string());

const dockerOutputs = z.object({
  target: z.literal("docker"),
  proxyUrl: z.string(),
  mcpGatewayUrl: z.string(),
  masterKey: z.optional(z.string()),
  containers: z.object({
    litellm: z.string(),
    postgres: z.string(),
    redis: z.optional(z.string()),
    otel: z.optional(z.string()),
    mcpServers: names,
  }),
  configYaml: z.string(),
});

const awsOutputs = z.object({
  target: z.literal("aws"),
  proxyUrl: z.string(),
  mcpGatewayUrl: z.string(),
  masterKeySecretArn: z.optional(z.string()),
  region: z.string(),
  clusterName: z.string(),
  /** Absent from a stack last deployed before it was exported: `up` adds it. */
  databaseInstance: z.optional(z.string()),
  services: z.object({ proxy: z.string(), mcpServers: names }),
  logGroups: z.object({ proxy: z.string(), mcpServers: names }),
  /** Where `smoke` checks from; absent from a stack last deployed before it was exported (then from this machine). */
  smoke: z.optional(
    z.discriminatedUnion("from", [
      z.object({ from: z.literal("runner") }),
      z.object({
        from: z.literal("vpc"),
        taskDefinition: z.string(),
        subnets: z.array(z.string()),
        securityGroups: z.array(z.string()),
      }),
    ]),
  ),
  configYaml: z.string(),
});

const localProcess = z.object({ pid: z.int(), logFile: z.string() });

/** A gateway run as local processes (see ops/local.ts), described by an outputs file. */
const localOutputs = z.object({
  target: z.literal("local"),
  proxyUrl: z.string(),
  mcpGatewayUrl: z.string(),
  masterKey: z.optional(z.string()),
  processes: z.object({
    litellm: localProcess,
    redis: z.optional(localProcess),
    mcpServers: z.record(z.string(), localProcess),
  }),
  configYaml: z.string(),
});

const gatewayOutputs = z.discriminatedUnion("target", [dockerOutputs, awsOutputs, localOutputs]);

export type DockerOutputs = z.output<typeof dockerOutputs>;
export type LocalOutputs = z.output<typeof localOutputs>;
export type GatewayOutputs = z.output<typeof gatewayOutputs>;

export function readOutputs(stack: string, outputs: Outputs): GatewayOutputs {
  if (Object.keys(outputs).length === 0) {
    throw new OpsError(`stack ${stack} has no outputs: it has not been deployed yet (litellm-mcp up --stack ${stack})`);
  }
  const values = Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]));
  const parsed = gatewayOutputs.safeParse(values);
  if (!parsed.success) {
    throw new OpsError(
      `stack ${stack}'s outputs are not this program's (${parsed.error.issues[0]?.path.join(".")}): run litellm-mcp up --stack ${stack}`,
    );
  }
  return parsed.data;
}

/** The MCP servers a deployed stack runs, by name. */
export function mcpServerNames(outputs: GatewayOutputs): string[] {
  if (outputs.target === "local") return Object.keys(outputs.processes.mcpServers);
  return Object.keys(outputs.target === "docker" ? outputs.containers.mcpServers : outputs.services.mcpServers);
}

/** A local gateway's processes by service name: litellm, redis when it runs, and each MCP server. */
export function localServices(outputs: LocalOutputs): Record<string, LocalOutputs["processes"]["litellm"]> {
  const { litellm, redis, mcpServers } = outputs.processes;
  return { litellm, ...(redis ? { redis } : {}), ...mcpServers };
}

/** What the deployed config.yaml caches responses in. */
export function responseCache(configYaml: string): "none" | "redis" | "local" {
  const settings = (parse(configYaml) as { litellm_settings?: { cache?: boolean; cache_params?: { type?: string } } })
    .litellm_settings;
  if (settings?.cache !== true) return "none";
  return (settings.cache_params?.type ?? "redis") === "redis" ? "redis" : "local";
}
