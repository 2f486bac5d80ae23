/** Names of the AWS stacks' resources that other parts of the program (and the CLI) need to agree on. */

/** The Service Connect alias by which the proxy reaches an MCP server; "_" becomes "-" to keep it a hostname. */
export function serviceConnectAlias(serverName: string): string {
  return `mcp-${serverName.replace(/_/g, "-")}`;
}

export function awsMcpUrl(server: { name: string; port: number; path: string }): string {
  return `http://${serviceConnectAlias(server.name)}:${server.port}${server.path}`;
}
