/**
 * The smoke task's script (components/aws/smoke.py) with the Python, httpx and MCP SDK of the pinned LiteLLM, as
 * the task runs it (`python3 -c <script>`), against what the AWS-way suite cannot give it: a gateway whose database
 * is connected (the LiteLLM stand-in, with the real Context7 MCP server behind its /mcp), a gateway that never
 * answers, and an incomplete environment. The script against the real proxy runs in aws.spec.ts.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { smokeScript } from "../../components/aws/deployCommands";
import { loadStack } from "../support/stacks";
import { freePort, type LiteLLMStandIn, type Running, startContext7, startLiteLLMStandIn } from "../support/standins";
import { ensureVenv, pythonEnvs } from "./python";

const KEY = "sk-smoke-master-key";

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

describe("the smoke task's script, with the Python packages of the pinned LiteLLM", function () {
  this.timeout(120_000);
  let bin: string;
  let context7: Running;
  let proxy: LiteLLMStandIn;

  const smoke = (env: Record<string, string>): Promise<Ran> =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const child = spawn(join(bin, "python3"), ["-c", smokeScript()], {
        env: { PATH: `${bin}:/usr/bin:/bin`, ...env },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
      child.on("error", reject);
      child.on("close", (status) => resolve({ status, stdout, stderr, ms: performance.now() - started }));
    });
  const report = (ran: Ran) =>
    ran.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  before(async function () {
    this.timeout(20 * 60_000);
    bin = ensureVenv(pythonEnvs(loadStack("test")).find((env) => env.name === "litellm-proxy")!, (line) =>
      process.stdout.write(`  ${line}\n`),
    );
    context7 = await startContext7();
    proxy = await startLiteLLMStandIn({
      masterKey: KEY,
      models: ["claude-sonnet-us", "claude-sonnet-4-6-jp"],
      database: "connected",
      cache: "none",
      mcpServers: { context7: `${context7.url}/mcp` },
    });
  });
  after(async () => Promise.all([context7?.stop(), proxy?.stop()]));

  it("passes, exit 0, against a healthy gateway: one call of each model, the MCP server's tools, the key never printed", async () => {
    const ran = await smoke({
      SMOKE_PROXY_URL: proxy.url,
      SMOKE_MCP_SERVERS: '["context7"]',
      SMOKE_TIMEOUT_SECONDS: "30",
      LITELLM_MASTER_KEY: KEY,
    });
    assert.equal(ran.status, 0, `${ran.stdout}${ran.stderr}`);
    const lines = report(ran);
    assert.deepEqual(
      lines.map((line) => [line["check"] ?? line["smoke"], line["ok"]]),
      [
        ["proxy liveness", true],
        ["proxy readiness", true],
        ["models", true],
        ["call claude-sonnet-us", true],
        ["call claude-sonnet-4-6-jp", true],
        ["mcp context7", true],
        ["passed", undefined],
      ],
    );
    assert.ok((lines[5]!["tools"] as string[]).length > 0, "Context7 lists no tool");
    assert.equal(proxy.requests.filter((request) => request === "POST /v1/chat/completions").length, 2);
    assert.ok(!ran.stdout.includes(KEY) && !ran.stderr.includes(KEY), "the key was printed");
  });

  it("fails, exit 1, with the proxy's refusal when the key is wrong, and still prints no key", async () => {
    const wrong = "sk-not-the-key";
    const ran = await smoke({
      SMOKE_PROXY_URL: proxy.url,
      SMOKE_MCP_SERVERS: '["context7"]',
      SMOKE_TIMEOUT_SECONDS: "30",
      LITELLM_MASTER_KEY: wrong,
    });
    assert.equal(ran.status, 1);
    const failed = report(ran).filter((line) => line["ok"] === false);
    assert.deepEqual(
      failed.map((line) => [line["check"], line["detail"]]),
      [
        ["models", "the proxy refused the key (HTTP 401)"],
        ["mcp context7", "the proxy refused the key (HTTP 401)"],
      ],
    );
    assert.ok(!ran.stdout.includes(wrong) && !ran.stderr.includes(wrong), "the key was printed");
  });

  it("fails, exit 1, naming the gateway's answer for an MCP server it does not know", async () => {
    const ran = await smoke({
      SMOKE_PROXY_URL: proxy.url,
      SMOKE_MCP_SERVERS: '["context8"]',
      SMOKE_TIMEOUT_SECONDS: "30",
      LITELLM_MASTER_KEY: KEY,
    });
    assert.equal(ran.status, 1);
    assert.deepEqual(
      report(ran)
        .filter((line) => line["ok"] === false)
        .map((line) => [line["check"], line["detail"]]),
      [["mcp context8", "HTTP 404: MCP server not found"]],
    );
  });

  it("fails, exit 1, each check saying it had no answer within the deadline, against a gateway that accepts connections and never answers", async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    const port = await freePort();
    await new Promise<void>((resolve) => silent.listen(port, "127.0.0.1", resolve));
    try {
      const ran = await smoke({
        SMOKE_PROXY_URL: `http://127.0.0.1:${port}`,
        SMOKE_MCP_SERVERS: '["context7"]',
        SMOKE_TIMEOUT_SECONDS: "2",
        LITELLM_MASTER_KEY: KEY,
      });
      assert.equal(ran.status, 1);
      assert.deepEqual(
        report(ran)
          .filter((line) => "check" in line)
          .map((line) => [line["check"], line["detail"]]),
        [
          ["proxy liveness", "no answer within 2 s"],
          ["proxy readiness", "no answer within 2 s"],
          ["models", "no answer within 2 s"],
          ["mcp context7", "no answer within 2 s"],
        ],
      );
      console.log(
        `      (the script's whole run against a silent gateway, 2 s deadline: ${(ran.ms / 1000).toFixed(1)} s)`,
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("exits 2, naming what is missing, when the task's environment is incomplete", async () => {
    const ran = await smoke({ SMOKE_MCP_SERVERS: "[]" });
    assert.deepEqual(
      [ran.status, ran.stdout],
      [2, '{"error": "the task\'s environment lacks SMOKE_PROXY_URL, SMOKE_TIMEOUT_SECONDS"}\n'],
    );
  });
});
