/** Names and tags of the AWS stacks' resources that other parts of the program (and the CLI) agree on. */
import { LABELS, PROJECT, type Role } from "../../config/constants";

/** The logical name of the gateway component the program builds on AWS; its parts' names start with it. */
export const GATEWAY_COMPONENT = "gateway";

/**
 * The Service Connect discovery name and client alias by which the proxy reaches an MCP server: lower case, as
 * ECS takes only lower-case letters there, and "_" becomes "-" to keep it a hostname.
 */
export function serviceConnectAlias(serverName: string): string {
  return `mcp-${serverName.toLowerCase().replace(/_/g, "-")}`;
}

/** The logical name of an MCP server's component, under the gateway's. */
export function mcpComponentName(gateway: string, serverName: string): string {
  return `${gateway}-mcp-${serverName}`;
}

/** The task definition family of an MCP server's tasks. */
export function mcpTaskFamily(stack: string, serverName: string): string {
  return `${PROJECT}-${stack}-mcp-${serverName.replace(/_/g, "-")}`;
}

/**
 * The logical name of the ECR repository of an MCP server built from a package. Pulumi names the repository after
 * it, with a random suffix, and ECR takes only lower-case names: lower case, so that a server named in mixed case
 * gets a repository too.
 */
export function mcpRepositoryName(component: string): string {
  return `${component.toLowerCase()}-repository`;
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
