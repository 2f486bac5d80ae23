/**
 * npm run gateway:figures: the gateway's own overhead, measured apart from the tests. It starts the dev stack's
 * first MCP server and the proxy (without its database) as the gateway suite does, then times 200 sequential
 * calls of tools/list and of a non-streamed completion, straight to the server or the Bedrock stand-in and through
 * the proxy, and prints the figures. It neither passes nor fails: it exits 1 only when it cannot run.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { loadVariant } from "../support/stacks";
import type { BedrockStandIn } from "./bedrock";
import { type Figures, measure, printFigures, processTreeRssMb, signedConverse } from "./figures";
import {
  type McpProcess,
  newKeys,
  type ProxyRun,
  renderLocal,
  startBedrock,
  startMcpServer,
  startProxy,
} from "./gateway";
import { ensurePrismaCli } from "./prisma";
import { ensureVenv, pythonEnvs } from "./python";

const CALLS = 200;

async function main(): Promise<void> {
  // The dev stack with its first MCP server only: the one measured.
  const config = loadVariant("dev", (values) => (values["mcpServers"] = values["mcpServers"].slice(0, 1)));
  const logDir = mkdtempSync(join(tmpdir(), "litellm-mcp-figures-"));
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const bins = Object.fromEntries(pythonEnvs(config).map((env) => [env.name, ensureVenv(env, log)]));
  const prisma = ensurePrismaCli(bins["litellm-proxy"]!, log);
  const keys = newKeys();
  const figures: Figures = {};
  let bedrock: BedrockStandIn[] = [];
  let server: McpProcess | undefined;
  let proxy: ProxyRun | undefined;
  try {
    bedrock = await startBedrock(config);
    server = await startMcpServer(config.mcpServers[0]!, bins, logDir);
    proxy = await startProxy({
      config,
      rendered: renderLocal(config, [server], bedrock),
      bins,
      keys,
      logDir,
      prisma,
      name: "litellm-figures",
    });
    figures.coldStartMs = proxy.coldStartMs;
    const direct = new Client({ name: "figures", version: "1.0.0" });
    const gateway = new Client({ name: "figures", version: "1.0.0" });
    await direct.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    await gateway.connect(
      new StreamableHTTPClientTransport(new URL(`${proxy.url}/mcp/${server.server.name}`), {
        requestInit: { headers: { "x-litellm-api-key": `Bearer ${keys.masterKey}` } },
      }),
    );
    try {
      figures.toolsListDirect = await measure(CALLS, () => direct.listTools());
      figures.toolsListGateway = await measure(CALLS, () => gateway.listTools());
    } finally {
      await Promise.all([direct.close(), gateway.close()]);
    }
    const model = config.models[0]!;
    const standIn = bedrock.find((candidate) => candidate.region === model.region)!;
    figures.completionDirect = await measure(CALLS, signedConverse(standIn, model.bedrockModelId));
    figures.completionGateway = await measure(CALLS, async () => {
      const response = await fetch(`${proxy!.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${keys.masterKey}`, "content-type": "application/json" },
        body: JSON.stringify({
          model: model.group ?? model.name,
          max_tokens: 16,
          messages: [{ role: "user", content: `figures ${Math.random()}` }],
        }),
      });
      if (response.status !== 200) throw new Error(await response.text());
    });
    figures.proxyRssMb = processTreeRssMb(proxy.process.pid);
    figures.mcpServer = server.server.name;
    printFigures(figures);
    process.stdout.write(`  logs: ${logDir}\n`);
  } finally {
    await proxy?.process.stop();
    await server?.process.stop();
    await Promise.all(bedrock.map((standIn) => standIn.stop()));
  }
}

main().catch((error: Error) => {
  process.stderr.write(`gateway:figures could not run: ${error.message}\n`);
  process.exitCode = 1;
});
