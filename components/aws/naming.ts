/** Names and tags of the AWS stacks' resources that other parts of the program (and the CLI) agree on. */
import { LABELS, PROJECT, type Role } from "../../config/constants";

/** The Service Connect alias by which the proxy reaches an MCP server; "_" becomes "-" to keep it a hostname. */
export function serviceConnectAlias(serverName: string): string {
  return `mcp-${serverName.replace(/_/g, "-")}`;
}

export function awsMcpUrl(server: { name: string; port: number; path: string }): string {
  return `http://${serviceConnectAlias(server.name)}:${server.port}${server.path}`;
}

/** The private DNS namespace Service Connect registers the MCP servers in. */
export function serviceConnectNamespace(stack: string): string {
  return `${PROJECT}-${stack}.internal`;
}

/** CloudWatch log group of a service: "proxy" or "mcp/<server>". */
export function logGroupName(stack: string, service: string): string {
  return `/${PROJECT}/${stack}/${service}`;
}

/** Prefix of the Secrets Manager names of a stack's secrets. */
export function secretNamePrefix(stack: string, purpose: string): string {
  return `${PROJECT}/${stack}/${purpose}-`;
}

/** Tags that say which stack a resource belongs to and what it is. */
export function awsTags(stack: string, role: Role, mcpServer?: string): Record<string, string> {
  return {
    [LABELS.stack]: stack,
    [LABELS.role]: role,
    ...(mcpServer === undefined ? {} : { [LABELS.mcpServer]: mcpServer }),
  };
}
