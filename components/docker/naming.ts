/** Names and labels of the dev stack's Docker objects, derived from the stack so two stacks can share a host. */
import { LABELS, PROJECT, type Role } from "../../config/constants";

export interface DockerNames {
  readonly network: string;
  readonly volume: string;
  readonly postgres: string;
  readonly redis: string;
  readonly litellm: string;
  /** The OpenTelemetry Collector, when tracing is on. */
  readonly otel: string;
  /** Container (and host) name of an MCP server; "_" becomes "-" to keep it a valid hostname. */
  mcp(serverName: string): string;
}

export function dockerNames(stack: string): DockerNames {
  const prefix = `${PROJECT}-${stack}`;
  return {
    network: prefix,
    volume: `${prefix}-pgdata`,
    postgres: `${prefix}-postgres`,
    redis: `${prefix}-redis`,
    litellm: `${prefix}-litellm`,
    otel: `${prefix}-otel`,
    mcp: (serverName) => `${prefix}-mcp-${serverName.replace(/_/g, "-")}`,
  };
}

/** The proxy reaches an MCP server by its container name on the stack's network. */
export function dockerMcpUrl(stack: string, server: { name: string; port: number; path: string }): string {
  return `http://${dockerNames(stack).mcp(server.name)}:${server.port}${server.path}`;
}

/** Labels that say which stack an object belongs to and what it is. */
export function dockerLabels(stack: string, role: Role, mcpServer?: string): { label: string; value: string }[] {
  const labels: { label: string; value: string }[] = [
    { label: LABELS.stack, value: stack },
    { label: LABELS.role, value: role },
  ];
  if (mcpServer !== undefined) labels.push({ label: LABELS.mcpServer, value: mcpServer });
  return labels;
}
