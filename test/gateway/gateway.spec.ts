/**
 * The gateway suite: the real LiteLLM proxy at the pinned version, the real MCP servers with the commands the
 * stack gives their containers, Postgres and Redis, started from the dev stack's own config, and checked through
 * the proxy and the operations CLI. Bedrock is a stand-in (./bedrock.ts). Runs twice: as the dev stack is, and
 * with the response cache on Redis. What cannot run on this machine is reported as NOT RUN with its error.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { parse } from "yaml";
import { renderStack } from "../../components/endpoints";
import { BRIDGE } from "../../config/constants";
import type { ModelConfig } from "../../config/schema";
import { hasRedis } from "../../config/topology";
import { run } from "../../ops/cli";
import { realDeps } from "../../ops/context";
import { committedStacks, loadStack, loadVariant } from "../support/stacks";
import { type BedrockStandIn, standInReply } from "./bedrock";
import { chat, modelNames } from "./clients";
import { type Figures, printFigures, processTreeRssMb, signedConverseAnswer } from "./figures";
import { ENV } from "../../config/constants";
import { StackState } from "../support/engine";
import { upDev } from "./deployment";
import {
  type Keys,
  type McpProcess,
  newKeys,
  ProxyStartError,
  type ProxyInputs,
  type ProxyRun,
  type PythonBins,
  redisCli,
  renderLocal,
  startBedrock,
  startMcpServer,
  startProxy,
  startEgressRecorder,
  startOtlpReceiver,
  startRedis,
  type OtlpReceiver,
  type EgressRecorder,
} from "./gateway";
import { ImageVolume } from "./postgres";
import { ensurePrismaCli, missingQueryEngine, type PrismaToolchain } from "./prisma";
import type { Started } from "./processes";
import { ensureVenv, LITELLM_SETTINGS_FILE, litellmSettingsOf, litellmVersion, pythonEnvs } from "./python";

const notRun: string[] = [];
const figures: Figures = {};

/** Marks a check NOT RUN, with the reason, and skips it. */
function skipBecause(context: Mocha.Context, reason: string): never {
  const title = context.test?.fullTitle() ?? "?";
  notRun.push(`NOT RUN: ${title}\n  ${reason}`);
  context.skip();
}

async function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd: join(__dirname, "..", ".."),
    env: process.env,
  };
  const status = await run(args, io, { ...realDeps, timeoutMs: 20_000 });
  return { status, stdout, stderr };
}

async function mcpTools(url: string, headers: Record<string, string>): Promise<string[]> {
  const client = new Client({ name: "gateway-suite", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  try {
    return (await client.listTools()).tools.map((tool) => tool.name);
  } finally {
    await client.close();
  }
}

function totalCalls(standIns: readonly BedrockStandIn[]): number {
  return standIns.reduce((sum, standIn) => sum + standIn.calls.length, 0);
}

describe("the gateway, run for real from the dev stack", function () {
  this.timeout(120_000);
  const base = loadStack("dev");
  let logDir: string;
  let bins: PythonBins;
  const mcp: McpProcess[] = [];
  let bedrock: BedrockStandIn[] = [];
  let egress: EgressRecorder;
  let prisma: PrismaToolchain;

  before(async function () {
    // A first install downloads the pinned packages; later runs reuse the cached environments.
    this.timeout(20 * 60_000);
    logDir = mkdtempSync(join(tmpdir(), "litellm-mcp-gateway-"));
    process.stdout.write(`  logs: ${logDir}\n`);
    const log = (line: string) => process.stdout.write(`  ${line}\n`);
    bins = Object.fromEntries(pythonEnvs(base).map((env) => [env.name, ensureVenv(env, log)]));
    // Everything is installed before the egress recorder starts: from here on, nothing may leave loopback.
    prisma = ensurePrismaCli(bins["litellm-proxy"]!, log);
    bedrock = await startBedrock(base);
    egress = await startEgressRecorder();
    for (const server of base.mcpServers) mcp.push(await startMcpServer(server, bins, logDir));
  });

  after(async () => {
    await Promise.all([
      ...mcp.map((server) => server.process.stop()),
      ...bedrock.map((standIn) => standIn.stop()),
      egress?.stop(),
    ]);
    if (notRun.length > 0)
      process.stdout.write(`\n${notRun.map((entry) => `  ${entry.replace(/\n/g, "\n  ")}`).join("\n")}\n`);
    printFigures(figures);
  });

  describe("installed at the versions the stacks pin", () => {
    it("runs the LiteLLM release of the pinned proxy image", () => {
      const version = spawnSync(
        join(bins["litellm-proxy"]!, "python"),
        ["-c", "import importlib.metadata as m; print(m.version('litellm'))"],
        { encoding: "utf8" },
      ).stdout.trim();
      assert.equal(version, litellmVersion(base.proxy.image));
    });

    it("checks extra LiteLLM settings against exactly the keys the pinned LiteLLM reads (config/litellm-settings.json)", () => {
      assert.equal(
        litellmSettingsOf(bins["litellm-proxy"]!),
        readFileSync(LITELLM_SETTINGS_FILE, "utf8"),
        "run npm run gateway:lock",
      );
    });

    it("runs each MCP server at the version its image is built with, the stdio one behind the pinned mcp-proxy", () => {
      for (const server of base.mcpServers) {
        const packages = [
          ...(server.build?.pip ?? []),
          ...(server.transport === "stdio" && server.build?.pip ? [BRIDGE.package] : []),
        ];
        for (const spec of packages) {
          const [name, version] = spec.split("==") as [string, string];
          const found = spawnSync(
            join(bins[`mcp-${server.name}`]!, "python"),
            ["-c", `import importlib.metadata as m; print(m.version(${JSON.stringify(name)}))`],
            { encoding: "utf8" },
          ).stdout.trim();
          assert.equal(found, version, `${server.name}: ${name}`);
        }
      }
    });
  });

  describe("the Bedrock Runtime stand-in", () => {
    it("serves the ids the model catalog offers in its region and refuses the others as Bedrock does", async () => {
      const tokyo = bedrock.find((standIn) => standIn.region === "ap-northeast-1")!;
      const answer = async (id: string) => {
        const { status, errorType, body } = await signedConverseAnswer(tokyo, id)();
        return [status, errorType, status === 200 ? "" : (JSON.parse(body) as { message: string }).message];
      };
      assert.deepEqual(await answer("global.anthropic.claude-sonnet-5-5"), [200, null, ""]);
      assert.deepEqual(await answer("jp.anthropic.claude-sonnet-5-5"), [
        400,
        "ValidationException",
        "The provided model identifier is invalid.",
      ]);
      assert.deepEqual(await answer("apac.anthropic.claude-3-7-sonnet-20250219-v1:0"), [
        404,
        "ResourceNotFoundException",
        "This model version has reached the end of its life. Please refer to the AWS documentation for more details.",
      ]);
    });
  });

  describe("the rendered config.yaml, as the pinned LiteLLM reads it", () => {
    let reads: { unread: string[]; document: unknown };
    let rendered: string;
    before(() => {
      const config = loadVariant("dev", (values) => {
        values["cache"] = { responses: true, redis: "always" };
        values["litellm"] = {
          litellm_settings: { success_callback: ["prometheus"] },
          general_settings: { max_parallel_requests: 100 },
          router_settings: { enable_pre_call_checks: true },
        };
      });
      rendered = renderLocal(config, mcp, bedrock).yaml;
      const file = join(logDir, "reads-config.yaml");
      writeFileSync(file, rendered);
      const result = spawnSync(join(bins["litellm-proxy"]!, "python"), [join(__dirname, "litellm_reads.py"), file], {
        encoding: "utf8",
      });
      assert.equal(result.status, 0, result.stderr);
      reads = JSON.parse(result.stdout) as typeof reads;
    });

    it("holds no key of general_settings, router_settings, litellm_settings or mcp_servers that LiteLLM does not read", () => {
      assert.deepEqual(reads.unread, []);
    });

    it("reads back under YAML 1.1 (PyYAML, LiteLLM's parser) exactly as it was rendered", () => {
      assert.deepEqual(reads.document, parse(rendered));
    });

    it("reads back every committed stack's config.yaml, and hostile names, unchanged under PyYAML", () => {
      const hostile = loadVariant("dev", (values) => {
        values["models"][0].name = "on";
        values["models"][0].group = "2024-01-01";
        values["models"][1].group = "2024-01-01";
        values["models"][2].name = "1:20";
        values["mcpServers"][0].name = "No";
        values["mcpServers"][0].description = "yes";
      });
      const configs = [
        ...committedStacks().map((stack) => [stack, renderStack(loadStack(stack), stack).yaml] as const),
        ["hostile", renderStack(hostile, "dev").yaml] as const,
      ];
      for (const [label, yaml] of configs) {
        const file = join(logDir, `pyyaml-${label}.yaml`);
        writeFileSync(file, yaml);
        const read = spawnSync(
          join(bins["litellm-proxy"]!, "python"),
          ["-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))", file],
          { encoding: "utf8" },
        );
        assert.equal(read.status, 0, read.stderr);
        assert.deepEqual(JSON.parse(read.stdout), parse(yaml), label);
      }
    });

    it("starts the proxy with flags the pinned LiteLLM CLI accepts", () => {
      const help = spawnSync(join(bins["litellm-proxy"]!, "litellm"), ["--help"], { encoding: "utf8" }).stdout;
      for (const flag of [
        "--config",
        "--host",
        "--port",
        "--num_workers",
        "--keepalive_timeout",
        "--max_requests_before_restart",
      ])
        assert.match(help, new RegExp(`${flag}\\b`), flag);
    });
  });

  for (const variant of ["as the dev stack is", "with the response cache on Redis"] as const) {
    describe(variant, () => {
      const cacheOn = variant !== "as the dev stack is";
      const change = cacheOn
        ? (values: Record<string, unknown>) => (values["cache"] = { responses: true, redis: "always" })
        : undefined;
      const config = change ? loadVariant("dev", change) : base;
      let keys: Keys;
      let volume: ImageVolume | undefined;
      let redis: { process: Started; port: number; password: string } | undefined;
      let proxy: ProxyRun;
      let proxyInputs: ProxyInputs;
      let outputsFile: string;
      /** The exact error when this proxy could not set up its database here; undefined when it could. */
      let databaseNotRun: string | undefined;

      before(async function () {
        this.timeout(300_000);
        assert.equal(hasRedis(config), cacheOn, "the variant decides whether a Redis serves the proxy");
        if (hasRedis(config)) redis = await startRedis(logDir);
        // The database, the keys and the URL as the program gives them to the dev containers.
        const deployment = await upDev(new StackState(), change);
        keys = { masterKey: deployment.proxy.env[ENV.masterKey]!, saltKey: deployment.proxy.env[ENV.saltKey]! };
        volume = new ImageVolume();
        await volume.startContainer(deployment.postgres.env, deployment.postgres.command);
        const databaseUrl = deployment.proxy.env[ENV.databaseUrl]!;
        assert.equal(
          new URL(databaseUrl).hostname,
          deployment.postgres.name,
          "the proxy's DATABASE_URL names the Postgres container",
        );
        const rendered = renderLocal(config, mcp, bedrock);
        const name = `litellm-${cacheOn ? "cache" : "plain"}`;
        proxyInputs = {
          config,
          rendered,
          bins,
          keys,
          redis,
          logDir,
          egress,
          prisma,
          name,
          databaseUrl: volume.server.reach(databaseUrl),
        };
        try {
          proxy = await startProxy(proxyInputs);
        } catch (error) {
          // Only Prisma's missing query engine lets the checks go on, without the database; anything else fails.
          const cause = error instanceof ProxyStartError ? missingQueryEngine(error.log, prisma) : undefined;
          if (cause === undefined) throw error;
          databaseNotRun = cause;
          proxy = await startProxy({ ...proxyInputs, databaseUrl: undefined, name: `${name}-nodb` });
        }
        if (!cacheOn) {
          figures.coldStartMs = proxy.coldStartMs;
          figures.proxyRssMb = processTreeRssMb(proxy.process.pid);
        }
        outputsFile = join(logDir, `outputs-${cacheOn ? "cache" : "plain"}.json`);
        writeFileSync(
          outputsFile,
          JSON.stringify({
            target: "local",
            proxyUrl: proxy.url,
            mcpGatewayUrl: `${proxy.url}/mcp`,
            masterKey: keys.masterKey,
            processes: {
              litellm: { pid: proxy.process.pid, logFile: proxy.process.logFile },
              ...(redis ? { redis: { pid: redis.process.pid, logFile: redis.process.logFile } } : {}),
              mcpServers: Object.fromEntries(
                mcp.map((server) => [server.server.name, { pid: server.process.pid, logFile: server.process.logFile }]),
              ),
            },
            configYaml: rendered.yaml,
          }),
        );
      });

      after(async () => {
        await proxy?.process.stop();
        await redis?.process.stop();
        volume?.remove();
      });

      it("answers liveness, and readiness with the database connected", async function () {
        assert.equal((await fetch(`${proxy.url}/health/liveliness`)).status, 200);
        const readiness = (await (await fetch(`${proxy.url}/health/readiness`)).json()) as { db?: string };
        if (databaseNotRun) skipBecause(this, `the proxy cannot set up its database here: ${databaseNotRun}`);
        assert.equal(readiness.db, "connected");
      });

      it("lists exactly the stack's model names on /v1/models", async () => {
        const response = await fetch(`${proxy.url}/v1/models`, {
          headers: { authorization: `Bearer ${keys.masterKey}` },
        });
        const ids = ((await response.json()) as { data: { id: string }[] }).data.map((model) => model.id).sort();
        assert.deepEqual(ids, modelNames(config));
      });

      it("refuses a request without the master key", async () => {
        assert.equal((await fetch(`${proxy.url}/v1/models`)).status, 401);
      });

      it("lists each MCP server's tools through the gateway's REST route, as the server itself lists them", async () => {
        for (const server of mcp) {
          const direct = await mcpTools(server.url, {});
          const expected = server.server.allowedTools
            ? direct.filter((tool) => server.server.allowedTools!.includes(tool))
            : direct;
          const response = await fetch(`${proxy.url}/mcp-rest/tools/list?server_id=${server.server.name}`, {
            headers: { authorization: `Bearer ${keys.masterKey}` },
          });
          assert.equal(response.status, 200, server.server.name);
          const listed = ((await response.json()) as { tools: { name: string }[] }).tools.map((tool) => tool.name);
          assert.ok(expected.length > 0, `${server.server.name} lists no tool`);
          assert.deepEqual([...listed].sort(), [...expected].sort(), server.server.name);
        }
      });

      it("lists each MCP server's tools to an MCP client on /mcp/<server> with the x-litellm-api-key header", async () => {
        for (const server of mcp) {
          const tools = await mcpTools(`${proxy.url}/mcp/${server.server.name}`, {
            "x-litellm-api-key": `Bearer ${keys.masterKey}`,
          });
          const direct = await mcpTools(server.url, {});
          assert.ok(tools.length > 0, server.server.name);
          for (const tool of tools)
            assert.ok(
              direct.some((name) => tool.endsWith(name)),
              `${server.server.name}: ${tool} is not one of ${direct.join(", ")}`,
            );
        }
      });

      it("completes a chat, streamed and not, through LiteLLM's Bedrock client with the model id, region and a valid SigV4 signature", async () => {
        for (const name of modelNames(config)) {
          const deployments = config.models.filter((model) => (model.group ?? model.name) === name);
          for (const stream of [false, true]) {
            const before = totalCalls(bedrock);
            const result = await chat(proxy.url, keys.masterKey, name, {
              stream,
              content: `hello ${name} ${stream} ${variant}`,
            });
            assert.equal(result.status, 200, result.text);
            // A shared name may be answered by any of its deployments; the reply says which.
            const model = deployments.find(
              (deployment) => result.text === standInReply(deployment.region, deployment.bedrockModelId),
            );
            assert.ok(model, `${name} answered "${result.text}", from none of its deployments`);
            const standIn = bedrock.find((candidate) => candidate.region === model.region)!;
            const call = standIn.calls.at(-1);
            assert.equal(totalCalls(bedrock), before + 1);
            assert.deepEqual(
              [call?.modelId, call?.region, call?.stream, call?.signatureProblem],
              [model.bedrockModelId, model.region, stream, undefined],
            );
          }
        }
      });

      it("answers a name served in two regions from the other region while one fails", async () => {
        const shared = modelNames(config)
          .map((name) => config.models.filter((model) => (model.group ?? model.name) === name))
          .find((deployments) => new Set(deployments.map((model) => model.region)).size > 1);
        assert.ok(shared, "the dev stack serves no name from two regions");
        // Each run takes down another region: a region cooled down in one run does not mask the other's outage.
        const failing = shared[cacheOn ? 1 : 0]!;
        const healthy: ModelConfig = shared.find((model) => model.region !== failing.region)!;
        const standIn = bedrock.find((candidate) => candidate.region === failing.region)!;
        const failedBefore = standIn.calls.length;
        standIn.failing = true;
        try {
          for (let attempt = 0; attempt < 6; attempt++) {
            const result = await chat(proxy.url, keys.masterKey, failing.group!, {
              content: `outage of ${failing.region} ${attempt} ${variant}`,
            });
            assert.deepEqual(
              [result.status, result.text],
              [200, standInReply(healthy.region, healthy.bedrockModelId)],
              `${failing.region} down, attempt ${attempt}`,
            );
          }
        } finally {
          standIn.failing = false;
        }
        // The router cooled the failing region down at its first failure instead of calling it every time.
        assert.ok(
          standIn.calls.length - failedBefore <= config.proxy.allowedFails + 1,
          `${standIn.calls.length - failedBefore} calls reached the failing region`,
        );
      });

      it("makes a virtual key with /key/generate that works, and still works after a restart with the same master and salt keys", async function () {
        if (databaseNotRun)
          skipBecause(this, `virtual keys live in the database, which the proxy cannot set up here: ${databaseNotRun}`);
        const generated = await fetch(`${proxy.url}/key/generate`, {
          method: "POST",
          headers: { authorization: `Bearer ${keys.masterKey}`, "content-type": "application/json" },
          body: "{}",
        });
        assert.equal(generated.status, 200);
        const virtualKey = ((await generated.json()) as { key: string }).key;
        assert.equal(
          (await fetch(`${proxy.url}/v1/models`, { headers: { authorization: `Bearer ${virtualKey}` } })).status,
          200,
        );
        await proxy.process.stop();
        proxy = await startProxy({ ...proxyInputs, name: `${proxyInputs.name}-again` });
        assert.equal(
          (await fetch(`${proxy.url}/v1/models`, { headers: { authorization: `Bearer ${virtualKey}` } })).status,
          200,
        );
      });

      it("reports every check through litellm-mcp status --json", async () => {
        const result = await cli(["status", "--json", "--outputs", outputsFile]);
        const report = JSON.parse(result.stdout) as {
          healthy: boolean;
          checks: { name: string; ok: boolean; detail: string }[];
        };
        const failed = report.checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.detail}`);
        // Without its database the proxy still answers readiness, and says so (naming no version then).
        const expectedFailures = databaseNotRun ? ["proxy readiness: database Not connected"] : [];
        assert.deepEqual(failed, expectedFailures);
        assert.equal(result.status, expectedFailures.length === 0 ? 0 : 1);
        const names = report.checks.map((check) => check.name);
        for (const server of mcp) {
          assert.ok(
            names.includes(`mcp ${server.server.name}`) && names.includes(`process ${server.server.name}`),
            server.server.name,
          );
        }
        assert.match(
          report.checks.find((check) => check.name === "models")!.detail,
          new RegExp(`^${modelNames(config).length} model\\(s\\): `),
        );
      });

      it("calls each model once with litellm-mcp status --call-models, and names the model Bedrock refuses", async () => {
        const pinned = config.models.find((model) => model.group === undefined && model.region === bedrock[1]!.region)!;
        const answered = await cli(["status", "--json", "--call-models", "--outputs", outputsFile]);
        const calls = (
          JSON.parse(answered.stdout) as { checks: { name: string; ok: boolean; detail: string }[] }
        ).checks.filter((check) => check.name.startsWith("call "));
        assert.deepEqual(
          calls.map((check) => [check.name, check.ok, check.detail]).sort(),
          modelNames(config).map((name) => [`call ${name}`, true, "answered"]),
        );
        const standIn = bedrock[1]!;
        standIn.denied = true;
        try {
          const refused = await cli(["status", "--json", "--call-models", "--outputs", outputsFile]);
          const check = (
            JSON.parse(refused.stdout) as { checks: { name: string; ok: boolean; detail: string }[] }
          ).checks.find((candidate) => candidate.name === `call ${pinned.name}`);
          assert.equal(refused.status, 1);
          assert.equal(check?.ok, false);
          assert.match(check?.detail ?? "", /You don't have access to the model with the specified model ID/);
        } finally {
          standIn.denied = false;
        }
      });

      it("prints the proxy's log with litellm-mcp logs", async () => {
        const result = await cli(["logs", "litellm", "--outputs", outputsFile]);
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /Uvicorn running on http:\/\/127\.0\.0\.1:\d+/);
      });

      if (!cacheOn) {
        it("says there is no response cache to clear with litellm-mcp clear-cache", async () => {
          const result = await cli(["clear-cache", "--outputs", outputsFile]);
          assert.deepEqual(
            [result.status, result.stdout],
            [0, "dev has no response cache (cache.responses is false): nothing to clear\n"],
          );
        });
      } else {
        it("serves a repeated completion from the cache, and litellm-mcp clear-cache empties Redis and says what it cannot empty", async () => {
          const name = modelNames(config)[0]!;
          const prompt = `cache me ${Date.now()}`;
          const first = await chat(proxy.url, keys.masterKey, name, { content: prompt });
          const calls = totalCalls(bedrock);
          const second = await chat(proxy.url, keys.masterKey, name, { content: prompt });
          assert.deepEqual([first.status, second.status, second.text], [200, 200, first.text]);
          assert.equal(totalCalls(bedrock), calls, "the repeated call reached Bedrock");
          const cached = () => redisCli(redis!.port, redis!.password, ["--scan", "--pattern", "litellm.cache*"]);
          assert.notEqual(cached(), "", "no cache entry in Redis");
          const result = await cli(["clear-cache", "--outputs", outputsFile]);
          assert.equal(result.status, 0, result.stderr);
          assert.match(result.stdout, /^Cleared the response cache of dev in Redis/);
          assert.equal(cached(), "", "Redis still holds cache entries");
          // LiteLLM keeps each worker's copy in memory in front of Redis (DualCache): the CLI says so.
          assert.match(
            result.stdout,
            /in its own memory, in front of Redis, until they expire; litellm-mcp restart litellm --stack dev empties those too/,
          );
        });

        it("has litellm-mcp status report an MCP server down, exit 1, once it is stopped", async () => {
          const victim = mcp.at(-1)!;
          await victim.process.stop();
          const result = await cli(["status", "--json", "--outputs", outputsFile]);
          const report = JSON.parse(result.stdout) as { checks: { name: string; ok: boolean }[] };
          const failed = report.checks.filter((check) => !check.ok).map((check) => check.name);
          assert.equal(result.status, 1);
          assert.ok(
            failed.includes(`mcp ${victim.server.name}`) && failed.includes(`process ${victim.server.name}`),
            failed.join(", "),
          );
          for (const other of mcp.slice(0, -1))
            assert.ok(!failed.includes(`mcp ${other.server.name}`), `${other.server.name} reported down too`);
        });
      }
    });
  }

  describe("with tracing on, as in prod: LiteLLM's OpenTelemetry callback", () => {
    const config = loadVariant("dev", (values) => (values["tracing"] = { enabled: true }));
    const keys = newKeys();
    let receiver: OtlpReceiver;
    let proxy: ProxyRun;

    before(async function () {
      this.timeout(300_000);
      receiver = await startOtlpReceiver();
      // The collector's OTLP/HTTP endpoint moved to loopback; the rest is the config.yaml and environment tracing renders.
      const rendered = renderLocal(config, mcp, bedrock, receiver.tracesUrl);
      assert.ok(rendered.yaml.includes("callbacks:\n    - otel"), rendered.yaml);
      proxy = await startProxy({ config, rendered, bins, keys, logDir, egress, prisma, name: "litellm-traced-nodb" });
    });

    after(async () => {
      await proxy?.process.stop();
      await receiver?.stop();
    });

    it("exports a span for a real completion to an OTLP receiver on loopback, with the model and the service name", async function () {
      this.timeout(60_000);
      const answer = await chat(proxy.url, keys.masterKey, "claude-sonnet-us");
      assert.equal(answer.status, 200, answer.text);
      // The SDK's batch processor exports every few seconds.
      const deadline = Date.now() + 30_000;
      const spanFor = () =>
        receiver.bodies.find((body) => body.includes("claude-sonnet-us") && body.includes("litellm-mcp-dev"));
      while (!spanFor() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
      assert.ok(spanFor(), `no span for the completion among ${receiver.bodies.length} export(s)`);
      assert.match(receiver.contentTypes[0] ?? "", /^application\/(x-protobuf|json)/);
    });

    it("counts the completion's spend and tokens on /metrics, per model, for the collector to scrape", async () => {
      // LiteLLM guards /metrics with a key, as the collector's scrape config carries one.
      assert.equal((await fetch(`${proxy.url}/metrics`)).status, 401);
      const response = await fetch(`${proxy.url}/metrics`, { headers: { authorization: `Bearer ${keys.masterKey}` } });
      assert.equal(response.status, 200);
      const text = await response.text();
      for (const metric of ["litellm_spend_metric", "litellm_total_tokens_metric"]) {
        const line = text
          .split("\n")
          .find((candidate) => candidate.startsWith(metric) && candidate.includes('model="claude-sonnet-us"'));
        assert.ok(
          line,
          `no ${metric} sample for claude-sonnet-us in:\n${text
            .split("\n")
            .filter((candidate) => candidate.startsWith("litellm_"))
            .slice(0, 20)
            .join("\n")}`,
        );
      }
    });
  });

  describe("after both runs", () => {
    it("started and served without reaching beyond loopback: no model cost map, no Prisma download, no telemetry, nothing", () => {
      assert.deepEqual(egress.destinations, []);
    });

    it("leaves no log line that shows a master or salt key", () => {
      const logs = readdirSync(logDir)
        .filter((file) => file.endsWith(".log"))
        .map((file) => readFileSync(join(logDir, file), "utf8"))
        .join("\n");
      assert.ok(logs.length > 0, "no logs written");
      assert.ok(!/sk-[0-9a-f]{48}/.test(logs), "a generated key appears in a log");
    });
  });
});
