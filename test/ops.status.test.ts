import { strict as assert } from "node:assert";
import { probeMcp } from "../ops/mcpProbe";
import { flushCache, liveness, models, readiness } from "../ops/proxyClient";
import { collectStatus, statusTable } from "../ops/status";
import { smokeTaskChecks } from "../ops/smoke";
import type { GatewayOutputs } from "../ops/outputs";
import { DockerEngine, dockerConnection } from "../ops/docker";
import {
  freePort,
  type LiteLLMStandIn,
  type Running,
  startContext7,
  startDockerStandIn,
  startLiteLLMStandIn,
} from "./support/standins";

const KEY = "sk-test-master-key";

describe("status against the real Context7 MCP server", () => {
  it("lists its tools through the MCP probe, then reports it down with a clear reason, within a bounded time", async function () {
    this.timeout(30_000);
    const context7 = await startContext7();
    try {
      const up = await probeMcp(`${context7.url}/mcp`, { timeoutMs: 10_000 });
      assert.equal(up.ok, true, up.detail);
      assert.deepEqual(up.tools, ["resolve-library-id", "query-docs"]);
      assert.match(up.detail, /^Context7 4\.1\.1: 2 tool\(s\): resolve-library-id, query-docs$/);
    } finally {
      await context7.stop();
    }
    const down = await probeMcp(`${context7.url}/mcp`, { timeoutMs: 3_000 });
    assert.deepEqual([down.ok, down.tools, down.detail], [false, [], "connection refused"]);
    assert.ok(down.latencyMs < 3_000, `took ${down.latencyMs} ms`);
  });

  it("gives up on a server that never answers at the deadline", async () => {
    // A listening socket that accepts and says nothing.
    const { createServer } = await import("node:net");
    const silent = createServer(() => undefined).listen(0, "127.0.0.1");
    await new Promise((resolve) => silent.once("listening", resolve));
    const { port } = silent.address() as { port: number };
    try {
      const result = await probeMcp(`http://127.0.0.1:${port}/mcp`, { timeoutMs: 500 });
      assert.deepEqual([result.ok, result.detail], [false, "no answer within 1 s"]);
      assert.ok(result.latencyMs >= 450 && result.latencyMs < 2_000, `took ${result.latencyMs} ms`);
    } finally {
      silent.close();
    }
  });
});

describe("proxy checks (against a LiteLLM stand-in that answers as LiteLLM's docs describe)", () => {
  let proxy: LiteLLMStandIn;
  before(async () => {
    proxy = await startLiteLLMStandIn({
      masterKey: KEY,
      models: ["claude-3-5-sonnet-us", "claude-3-7-sonnet-us"],
      database: "connected",
      cache: "redis",
      mcpServers: {},
    });
  });
  after(() => proxy.stop());

  it("reads liveness, readiness with the database and version, and the model list with the key", async () => {
    assert.deepEqual(omitLatency(await liveness(proxy.url, 2_000)), { ok: true, detail: "alive" });
    assert.deepEqual(omitLatency(await readiness(proxy.url, 2_000)), {
      ok: true,
      detail: "database connected, LiteLLM 1.108.7",
    });
    assert.deepEqual(omitLatency(await models(proxy.url, KEY, 2_000)), {
      ok: true,
      detail: "2 model(s): claude-3-5-sonnet-us, claude-3-7-sonnet-us",
      ids: ["claude-3-5-sonnet-us", "claude-3-7-sonnet-us"],
    });
  });

  it("reports a disconnected database and a refused key", async () => {
    proxy.options = { ...proxy.options, database: "Not connected" };
    try {
      assert.deepEqual(omitLatency(await readiness(proxy.url, 2_000)), { ok: false, detail: "HTTP 503" });
    } finally {
      proxy.options = { ...proxy.options, database: "connected" };
    }
    assert.deepEqual(omitLatency(await models(proxy.url, "sk-wrong", 2_000)), {
      ok: false,
      detail: "the proxy refused the key (HTTP 401)",
      ids: [],
    });
  });

  it("flushes a Redis cache and explains why a local cache cannot be flushed", async () => {
    assert.deepEqual(omitLatency(await flushCache(proxy.url, KEY, 2_000)), { ok: true, detail: "flushed" });
    proxy.options = { ...proxy.options, cache: "local" };
    try {
      assert.deepEqual(omitLatency(await flushCache(proxy.url, KEY, 2_000)), {
        ok: false,
        detail: "HTTP 503: Service Unhealthy (Cache type local does not support flushing)",
      });
    } finally {
      proxy.options = { ...proxy.options, cache: "redis" };
    }
  });

  it("says the proxy is unreachable", async () => {
    const closed = await freePort();
    assert.deepEqual(omitLatency(await liveness(`http://127.0.0.1:${closed}`, 2_000)), {
      ok: false,
      detail: "no answer: connection refused",
    });
  });
});

describe("status of a Docker stack (LiteLLM and Docker Engine stand-ins, the real Context7 behind the gateway)", () => {
  let context7: Running;
  let proxy: LiteLLMStandIn;
  let docker: Awaited<ReturnType<typeof startDockerStandIn>>;
  let outputs: GatewayOutputs;

  before(async function () {
    this.timeout(30_000);
    context7 = await startContext7();
    proxy = await startLiteLLMStandIn({
      masterKey: KEY,
      models: ["claude-3-7-sonnet-us"],
      database: "connected",
      cache: "none",
      mcpServers: { context7: `${context7.url}/mcp` },
    });
    docker = await startDockerStandIn({
      "litellm-mcp-dev-litellm": { status: "running", health: "healthy" },
      "litellm-mcp-dev-postgres": { status: "running", health: "healthy" },
      "litellm-mcp-dev-mcp-context7": { status: "running", health: "healthy", restartCount: 2 },
    });
    outputs = {
      target: "docker",
      proxyUrl: proxy.url,
      mcpGatewayUrl: `${proxy.url}/mcp`,
      masterKey: KEY,
      containers: {
        litellm: "litellm-mcp-dev-litellm",
        postgres: "litellm-mcp-dev-postgres",
        mcpServers: { context7: "litellm-mcp-dev-mcp-context7" },
      },
      configYaml: "model_list: []\n",
    };
  });
  after(async () => {
    await Promise.all([context7.stop(), proxy.stop(), docker.stop()]);
  });

  it("checks the proxy, its models, each MCP server through the gateway and each container", async () => {
    const checks = await collectStatus(outputs, KEY, {
      docker: new DockerEngine(dockerConnection({ DOCKER_HOST: `unix://${docker.socketPath}` })),
      timeoutMs: 10_000,
    });
    assert.deepEqual(
      checks.map(({ name, ok, detail }) => ({ name, ok, detail })),
      [
        { name: "proxy liveness", ok: true, detail: "alive" },
        { name: "proxy readiness", ok: true, detail: "database connected, LiteLLM 1.108.7" },
        { name: "models", ok: true, detail: "1 model(s): claude-3-7-sonnet-us" },
        { name: "mcp context7", ok: true, detail: "Context7 4.1.1: 2 tool(s): resolve-library-id, query-docs" },
        { name: "container litellm-mcp-dev-litellm", ok: true, detail: "running, healthy" },
        { name: "container litellm-mcp-dev-postgres", ok: true, detail: "running, healthy" },
        { name: "container litellm-mcp-dev-mcp-context7", ok: true, detail: "running, healthy, 2 restart(s)" },
      ],
    );
    assert.ok(proxy.requests.includes("POST /mcp"), "the probe went through the gateway");
    for (const check of checks.slice(0, 4)) assert.ok(typeof check.latencyMs === "number" && check.latencyMs >= 0);
  });

  it("says when the gateway refuses the key for an MCP server", async () => {
    const result = await probeMcp(`${proxy.url}/mcp`, {
      headers: { "x-litellm-api-key": "Bearer sk-wrong", "x-mcp-servers": "context7" },
      timeoutMs: 5_000,
    });
    assert.deepEqual([result.ok, result.detail], [false, "the gateway refused the key (HTTP 401)"]);
  });

  it("renders a table whose failed rows say FAIL", async () => {
    const table = statusTable([
      { name: "proxy liveness", ok: true, latencyMs: 3, detail: "alive" },
      { name: "mcp aws_docs", ok: false, latencyMs: 5000, detail: "no answer within 5 s" },
      { name: "container x", ok: true, detail: "running, healthy" },
    ]);
    assert.equal(
      table,
      [
        "CHECK           RESULT  LATENCY  DETAIL",
        "proxy liveness  ok         3 ms  alive",
        "mcp aws_docs    FAIL    5000 ms  no answer within 5 s",
        "container x     ok            -  running, healthy",
        "",
      ].join("\n"),
    );
  });
});

function omitLatency<T extends { latencyMs: number }>(result: T): Omit<T, "latencyMs"> {
  const { latencyMs, ...rest } = result;
  assert.ok(latencyMs >= 0);
  return rest;
}

describe("the smoke task's report, read back from its log stream", () => {
  const check = (name: string, ok: boolean) =>
    JSON.stringify({ check: name, ok, latencyMs: 5, detail: ok ? "alive" : "no answer" });

  it("is the checks it printed, tools kept, when its exit code agrees with its verdict", () => {
    const tools = JSON.stringify({
      check: "mcp context7",
      ok: true,
      latencyMs: 9,
      detail: "context7 2.0: 2 tool(s)",
      tools: ["resolve", "docs"],
    });
    assert.deepEqual(
      smokeTaskChecks({
        taskId: "t1",
        exitCode: 0,
        lines: [check("proxy liveness", true), tools, '{"smoke": "passed", "failed": []}'],
      }),
      [
        { name: "proxy liveness", ok: true, latencyMs: 5, detail: "alive" },
        { name: "mcp context7", ok: true, latencyMs: 9, detail: "context7 2.0: 2 tool(s)", tools: ["resolve", "docs"] },
      ],
    );
  });

  it("adds a failed check for an exit without a verdict, naming the last line that was not a check", () => {
    const lines = [
      check("proxy liveness", true),
      "Traceback (most recent call last):",
      "ModuleNotFoundError: No module named 'httpx2'",
    ];
    assert.deepEqual(smokeTaskChecks({ taskId: "t1", exitCode: 1, lines }).at(-1), {
      name: "smoke task t1",
      ok: false,
      detail: "exit code 1 without a report: ModuleNotFoundError: No module named 'httpx2'",
    });
  });

  it("adds a failed check when the exit code contradicts the verdict", () => {
    assert.deepEqual(
      smokeTaskChecks({
        taskId: "t1",
        exitCode: 137,
        lines: [check("models", true), '{"smoke": "passed", "failed": []}'],
      }).at(-1),
      {
        name: "smoke task t1",
        ok: false,
        detail: "exit code 137, yet its report says passed",
      },
    );
  });
});
