/** What the suite's checks send through a gateway, as its users' clients send it: chat completions and MCP. */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { StackConfig } from "../../config/schema";

/** The model names a stack's gateway lists: one per group, or per model outside a group. */
export function modelNames(config: StackConfig): string[] {
  return [...new Set(config.models.map((model) => model.group ?? model.name))].sort();
}

/** One chat completion through the proxy; streamed, its deltas joined. The answer's text, or the error's body. */
export async function chat(
  url: string,
  key: string,
  model: string,
  options: { stream?: boolean; content?: string } = {},
): Promise<{ status: number; text: string }> {
  const stream = options.stream ?? false;
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({
      model,
      stream,
      max_tokens: 16,
      messages: [{ role: "user", content: options.content ?? "Say hello" }],
    }),
  });
  const body = await response.text();
  if (!stream || response.status !== 200) {
    const parsed = JSON.parse(body) as { choices?: { message: { content: string } }[] };
    return { status: response.status, text: parsed.choices?.[0]?.message.content ?? body };
  }
  const text = body
    .split("\n")
    .filter((line) => line.startsWith("data: ") && line !== "data: [DONE]")
    .map(
      (line) =>
        (JSON.parse(line.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? "",
    )
    .join("");
  return { status: response.status, text };
}

/** An MCP client session on a gateway URL, with the gateway's key in the header MCP clients send it in; closed after `use`. */
export async function withMcpClient<T>(url: string, key: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ name: "gateway-suite", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { "x-litellm-api-key": `Bearer ${key}` } },
    }),
  );
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}
