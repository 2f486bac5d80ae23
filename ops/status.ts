/**
 * status: is the gateway healthy? The proxy's probes, its model list, every MCP server through the gateway,
 * and what runs them (containers on Docker, ECS services on AWS), each with a verdict and its latency.
 */
import type { AwsPort } from "./aws";
import type { DockerPort } from "./docker";
import type { LocalPort } from "./local";
import { type DockerOutputs, type GatewayOutputs, type LocalOutputs, localServices, mcpServerNames } from "./outputs";
import { callModel, liveness, models, readiness } from "./proxyClient";

/** The MCP probe, with the MCP SDK it loads, only when a status first asks a server: the CLI starts without it. */
const probeMcp = () => (require("./mcpProbe") as typeof import("./mcpProbe")).probeMcp;

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly latencyMs?: number;
  readonly detail: string;
  /** Tool names, for MCP servers. */
  readonly tools?: string[];
}

export interface StatusSources {
  readonly docker?: DockerPort;
  readonly aws?: AwsPort;
  readonly local?: LocalPort;
  readonly timeoutMs: number;
  /** Also call each model once through the proxy (one token): real provider calls, so only on request. */
  readonly callModels?: boolean;
}

export async function collectStatus(
  outputs: GatewayOutputs,
  key: string | undefined,
  sources: StatusSources,
): Promise<Check[]> {
  const { timeoutMs } = sources;
  const proxy = outputs.proxyUrl;
  const gatewayHeaders: Record<string, string> = key ? { "x-litellm-api-key": `Bearer ${key}` } : {};
  const checks: Promise<Check | Check[]>[] = [
    liveness(proxy, timeoutMs).then((result) => ({ name: "proxy liveness", ...result })),
    readiness(proxy, timeoutMs).then((result) => ({ name: "proxy readiness", ...result })),
    models(proxy, key, timeoutMs).then(async ({ ids, ...result }) => [
      { name: "models", ...result },
      ...(sources.callModels
        ? await Promise.all(
            ids.map(async (id) => ({ name: `call ${id}`, ...(await callModel(proxy, key, id, timeoutMs)) })),
          )
        : []),
    ]),
    ...mcpServerNames(outputs).map((server) =>
      // The gateway serves every server at /mcp; the header narrows it to one.
      probeMcp()(outputs.mcpGatewayUrl, { headers: { ...gatewayHeaders, "x-mcp-servers": server }, timeoutMs }).then(
        (result) => ({
          name: `mcp ${server}`,
          ok: result.ok && result.tools.length > 0,
          latencyMs: result.latencyMs,
          detail: result.ok && result.tools.length === 0 ? "the gateway lists no tool for it" : result.detail,
          tools: result.tools,
        }),
      ),
    ),
  ];
  if (outputs.target === "docker" && sources.docker) checks.push(containerChecks(outputs, sources.docker));
  if (outputs.target === "local" && sources.local) checks.push(Promise.resolve(processChecks(outputs, sources.local)));
  if (outputs.target === "aws" && sources.aws) {
    const aws = sources.aws;
    const services = [outputs.services.proxy, ...Object.values(outputs.services.mcpServers)];
    checks.push(
      aws.services(outputs.clusterName, services).then((states) =>
        states.map((state) => ({
          name: `service ${state.name}`,
          ok: state.status === "ACTIVE" && state.running >= state.desired && state.desired > 0,
          detail: `${state.running}/${state.desired} running${state.pending ? `, ${state.pending} pending` : ""}${state.deployments > 1 ? `, ${state.deployments} deployments` : ""}`,
        })),
      ),
    );
  }
  return (await Promise.all(checks)).flat();
}

async function containerChecks(outputs: DockerOutputs, docker: DockerPort): Promise<Check[]> {
  const containers = {
    litellm: outputs.containers.litellm,
    postgres: outputs.containers.postgres,
    ...(outputs.containers.redis ? { redis: outputs.containers.redis } : {}),
    ...outputs.containers.mcpServers,
  };
  return Promise.all(
    Object.values(containers).map(async (name) => {
      const state = await docker.inspect(name);
      if (!state) return { name: `container ${name}`, ok: false, detail: "not found" };
      const ok = state.status === "running" && (state.health === undefined || state.health === "healthy");
      const restarts = state.restartCount > 0 ? `, ${state.restartCount} restart(s)` : "";
      return {
        name: `container ${name}`,
        ok,
        detail: `${state.status}${state.health ? `, ${state.health}` : ""}${restarts}`,
      };
    }),
  );
}

function processChecks(outputs: LocalOutputs, local: LocalPort): Check[] {
  return Object.entries(localServices(outputs)).map(([name, process]) => {
    const { running } = local.inspect(process);
    return {
      name: `process ${name}`,
      ok: running,
      detail: `${running ? "running" : "not running"} (pid ${process.pid})`,
    };
  });
}

export function statusTable(checks: readonly Check[]): string {
  const rows = checks.map((check) => [
    check.name,
    check.ok ? "ok" : "FAIL",
    check.latencyMs === undefined ? "-" : `${check.latencyMs} ms`,
    check.detail,
  ]);
  const header = ["CHECK", "RESULT", "LATENCY", "DETAIL"];
  const widths = [0, 1, 2].map((column) => Math.max(header[column]!.length, ...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    [row[0]!.padEnd(widths[0]!), row[1]!.padEnd(widths[1]!), row[2]!.padStart(widths[2]!), row[3]].join("  ").trimEnd();
  return `${[header, ...rows].map(line).join("\n")}\n`;
}
