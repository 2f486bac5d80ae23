/**
 * Asks an MCP server, over Streamable HTTP, who it is and what tools it has: initialize, then tools/list,
 * with the official SDK, within a deadline.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describeNetworkError } from "./errors";

export interface McpProbeResult {
  readonly ok: boolean;
  readonly latencyMs: number;
  /** Tool names, in the server's order. */
  readonly tools: string[];
  /** The server's name and version, or why the probe failed. */
  readonly detail: string;
}

export async function probeMcp(
  url: string,
  options: { headers?: Record<string, string>; timeoutMs: number },
): Promise<McpProbeResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: options.headers ?? {} },
  });
  const client = new Client({ name: "litellm-mcp-status", version: "1.0.0" });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${Math.round(options.timeoutMs / 1000)} s`)),
      options.timeoutMs,
    );
  });
  try {
    await Promise.race([client.connect(transport), deadline]);
    const listed = await Promise.race([client.listTools(), deadline]);
    const tools = listed.tools.map((tool) => tool.name);
    const server = client.getServerVersion();
    const name = server ? `${server.name} ${server.version}` : "server";
    return { ok: true, latencyMs: elapsed(), tools, detail: `${name}: ${tools.length} tool(s): ${tools.join(", ")}` };
  } catch (error) {
    return { ok: false, latencyMs: elapsed(), tools: [], detail: reason(error) };
  } finally {
    clearTimeout(timer);
    await client.close().catch(() => undefined);
  }
}

/** The SDK's transport error carries the HTTP status as its code and the response body in its message. */
function reason(error: unknown): string {
  const status = (error as { code?: unknown }).code;
  if (typeof status !== "number" || status < 400) return describeNetworkError(error);
  if (status === 401 || status === 403) return `the gateway refused the key (HTTP ${status})`;
  const body = /(\{.*\})\s*$/.exec((error as Error).message ?? "")?.[1];
  let detail = "";
  try {
    const parsed = JSON.parse(body ?? "") as { detail?: unknown; error?: { message?: unknown } };
    const text = parsed.detail ?? parsed.error?.message;
    if (typeof text === "string") detail = `: ${text}`;
  } catch {
    // No JSON body: the status says enough.
  }
  return `HTTP ${status}${detail}`;
}
