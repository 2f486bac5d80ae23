/**
 * The test and prod stacks, as committed, run the way ECS runs them. The program runs under Pulumi's mocks with its
 * AWS resources created in moto's AWS API emulator (./moto.ts); the tasks start from the task definitions moto
 * stores, each in a network namespace of its own in a local VPC (./vpc.ts), through a stand-in for the ECS agent
 * (./ecsAgent.ts): secrets from Secrets Manager, the task role's credentials at 169.254.170.2, config.yaml read by
 * LiteLLM itself from S3 (no --config), Redis over TLS with its auth token, the RDS endpoint over TLS, and the MCP
 * servers reached through Service Connect (haproxy in the proxy's task, round robin over each service's tasks).
 * Bedrock (./bedrock.ts) and the trace collector sidecar's image (./collector.ts) are stood in for. The operations CLI then runs against the same emulated AWS API;
 * its smoke task runs inside the VPC and reaches the proxy through the load balancer (haproxy, ./loadBalancer.ts).
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { DescribeDBSnapshotsCommand } from "@aws-sdk/client-rds";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { awsCalls, awsOutputs } from "../support/awsMocks";
import { ENV, PROXY, RESERVED_DB_CONNECTIONS } from "../../config/constants";
import type { StackConfig } from "../../config/schema";
import { maxConnectedProxyInstances, readsConfigFile, workerPoolLimit } from "../../config/topology";
import { run as cli } from "../../ops/cli";
import { AwsServices } from "../../ops/aws";
import { realDeps } from "../../ops/context";
import { StackState } from "../support/engine";
import { type ProgramRun, type Registered, reveal } from "../support/pulumi";
import { loadStack, PROJECT_DIR } from "../support/stacks";
import { type BedrockStandIn, standInReply, startBedrockRouter } from "./bedrock";
import { EcsAgentStandIn, oneOffTaskApi, type RoleCredentials, type RunningTask } from "./ecsAgent";
import { type CollectorStandIn, startCollectorStandIn } from "./collector";
import { processTreeRssMb } from "./figures";
import { type EgressRecorder, STAND_IN_CREDENTIALS, startBedrock, startEgressRecorder } from "./gateway";
import { type Moto, motoProvider, startMoto } from "./moto";
import { type AuthorizedConnection, type RdsLike, startRdsLike } from "./postgres";
import { ensurePrismaCli, missingQueryEngine, type PrismaToolchain } from "./prisma";
import { AWS_EMULATOR, ensureVenv, pythonEnvs } from "./python";
import { type LoadBalancerStandIn, startLoadBalancer } from "./loadBalancer";
import { startTlsRedis, type TlsRedis } from "./redisTls";
import { createTestCa, type TestCa } from "./tls";
import { type ServiceConnectProxy, type ServiceConnectService, startServiceConnectProxy } from "./serviceConnect";
import { LocalVpc } from "./vpc";

const REGION = "us-east-1";
/** The stdio server runs with two tasks at least: Service Connect then spreads its requests over both. */
const SCALED_OUT_SERVER = "aws_docs";
const MIN_REPLICAS_OF_SCALED_OUT = 2;

const notRun: string[] = [];
const figures: string[] = [];

function byName(run: ProgramRun, name: string): Registered {
  const found = run.resources.find((resource) => resource.name === name);
  if (!found) throw new Error(`the program registers no ${name}`);
  return found;
}

function modelNames(config: StackConfig): string[] {
  return [...new Set(config.models.map((model) => model.group ?? model.name))].sort();
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  failed?: () => string | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    const why = failed?.();
    if (why !== undefined) throw new Error(`${what}: ${why}`);
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function chat(
  url: string,
  key: string,
  model: string,
  content: string,
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, max_tokens: 16, messages: [{ role: "user", content }] }),
  });
  const body = (await response.json()) as { choices?: { message: { content: string } }[] };
  return { status: response.status, text: body.choices?.[0]?.message.content ?? JSON.stringify(body) };
}

for (const stack of ["test", "prod"] as const) {
  describe(`the ${stack} stack, its tasks run as ECS runs them against local AWS APIs`, function () {
    this.timeout(180_000);
    const config = loadStack(stack);
    let logDir: string;
    let bins: Record<string, string>;
    let prisma: PrismaToolchain;
    let vpc: LocalVpc;
    let moto: Moto;
    let bedrock: BedrockStandIn[] = [];
    let router: { url: string; stop(): Promise<void> } | undefined;
    let egress: EgressRecorder;
    let agent: EcsAgentStandIn;
    let program: ProgramRun;
    let rds: RdsLike | undefined;
    let redis: TlsRedis | undefined;
    let serviceConnect: ServiceConnectProxy;
    let ca: TestCa;
    let loadBalancer: LoadBalancerStandIn;
    let proxyPath: string;
    const collectors = new Map<string, CollectorStandIn>();
    const mcpTasks: RunningTask[] = [];
    let migration: RunningTask;
    let proxy: RunningTask;
    let proxyUrl: string;
    let masterKey: string;
    let databaseNotRun: string | undefined;
    let withDatabaseLog = "";
    let outputsFile: string;

    /** The connections the database authorized from a task, as the master user to its database. */
    const connectionsFrom = (task: RunningTask): AuthorizedConnection[] => {
      const instance = program.one("aws:rds/instance:Instance");
      return (rds?.authorizedConnections() ?? []).filter(
        (connection) =>
          connection.host === task.network.ip &&
          connection.user === reveal(instance.inputs["username"]) &&
          connection.database === reveal(instance.inputs["dbName"]),
      );
    };

    before(async function () {
      this.timeout(20 * 60_000);
      logDir = mkdtempSync(join(tmpdir(), `litellm-mcp-aws-${stack}-`));
      process.stdout.write(`  logs: ${logDir}\n`);
      const log = (line: string) => process.stdout.write(`  ${line}\n`);
      bins = Object.fromEntries([...pythonEnvs(config), AWS_EMULATOR].map((env) => [env.name, ensureVenv(env, log)]));
      prisma = ensurePrismaCli(bins["litellm-proxy"]!, log);

      // The AWS side: a VPC, the AWS APIs, Bedrock, and the program's resources created in them.
      vpc = LocalVpc.create();
      moto = await startMoto(bins[AWS_EMULATOR.name]!, vpc.gateway, REGION, logDir);
      bedrock = await startBedrock(config);
      router = await startBedrockRouter(bedrock, vpc.gateway);
      egress = await startEgressRecorder(vpc.gateway);
      program = await new StackState().up(stack, { outputs: motoProvider(moto, awsOutputs), calls: awsCalls });
      agent = new EcsAgentStandIn(moto, vpc);
      await agent.start();

      // What RDS and ElastiCache serve, from the program's own inputs, where their endpoints resolve.
      const instance = program.one("aws:rds/instance:Instance");
      const parameters = Object.fromEntries(
        reveal<{ name: string; value: string }[]>(
          program.one("aws:rds/parameterGroup:ParameterGroup").inputs["parameters"],
        ).map((parameter) => [parameter.name, parameter.value]),
      );
      const address = String(instance.outputs["address"]);
      rds = await startRdsLike(
        {
          dbName: reveal(instance.inputs["dbName"]),
          username: reveal(instance.inputs["username"]),
          password: reveal(instance.inputs["password"]),
          parameters,
        },
        { host: vpc.gateway, port: Number(instance.outputs["port"]) },
      );
      const group = program.one("aws:elasticache/replicationGroup:ReplicationGroup");
      const redisHost = String(group.outputs["primaryEndpointAddress"]);
      ca = createTestCa(logDir);
      redis = await startTlsRedis({
        host: vpc.gateway,
        port: Number(group.inputs["port"] ?? 6379),
        hostname: redisHost,
        password: reveal(group.inputs["authToken"]),
        ca,
        logDir,
      });
      const hosts = { [address]: vpc.gateway, [redisHost]: vpc.gateway };
      const role: RoleCredentials = STAND_IN_CREDENTIALS;
      const systemPath = process.env["PATH"] ?? "";

      // The MCP services, each at its task count, and Service Connect in the proxy's task.
      const services: ServiceConnectService[] = [];
      for (const server of config.mcpServers) {
        const service = byName(program, `gateway-mcp-${server.name}-service`);
        const connect = (
          service.inputs["serviceConnectConfiguration"] as {
            services: { clientAlias: { port: number; dnsName: string }[] }[];
          }
        ).services[0]!;
        const desired = Number(service.inputs["desiredCount"]);
        const count = server.name === SCALED_OUT_SERVER ? Math.max(desired, MIN_REPLICAS_OF_SCALED_OUT) : desired;
        const path = [bins[`mcp-${server.name}`], join(PROJECT_DIR, "node_modules", ".bin"), systemPath]
          .filter(Boolean)
          .join(":");
        const tasks: RunningTask[] = [];
        for (let index = 0; index < count; index++) {
          tasks.push(
            await agent.runTask(String(service.inputs["taskDefinition"]), undefined, {
              label: `${connect.clientAlias[0]!.dnsName}-${index}`,
              hosts: {},
              path,
              harnessEnv: {},
              logDir,
            }),
          );
        }
        for (const task of tasks) {
          await until(
            `a healthy ${server.name} task`,
            () => (task.healthCheck().status === 0 ? true : undefined),
            90_000,
            () => (task.process.exited() ? task.process.tail() : undefined),
          );
        }
        await moto.clients.ecs.send(
          new UpdateServiceCommand({
            cluster: String(service.inputs["cluster"]),
            service: String(service.outputs["name"]),
            desiredCount: count,
          }),
        );
        mcpTasks.push(...tasks);
        services.push({
          alias: connect.clientAlias[0]!.dnsName,
          port: connect.clientAlias[0]!.port,
          tasks: tasks.map((task) => task.network.ip),
          containerPort: server.port,
        });
      }
      const proxyNetwork = vpc.task("proxy", {
        ...hosts,
        ...Object.fromEntries(services.map((service, index) => [service.alias, `127.255.0.${index + 1}`])),
      });
      serviceConnect = await startServiceConnectProxy(proxyNetwork, services, logDir);

      // What the proxy's task needs of this machine: where the AWS APIs and Bedrock answer, the test CA, the Prisma
      // CLI the image bakes in; and the egress recorder as its HTTP(S) proxy, with everything in the VPC exempt.
      const noProxy = [
        "127.0.0.1",
        "localhost",
        vpc.gateway,
        "169.254.170.2",
        ...Object.keys(hosts),
        ...services.map((service) => service.alias),
      ].join(",");
      const harnessEnv = {
        ...moto.sdkEnv,
        AWS_BEDROCK_RUNTIME_ENDPOINT: router.url,
        SSL_CERT_FILE: ca.bundle,
        ...prisma.env,
        HTTP_PROXY: egress.url,
        HTTPS_PROXY: egress.url,
        http_proxy: egress.url,
        https_proxy: egress.url,
        NO_PROXY: noProxy,
        no_proxy: noProxy,
      };
      // The task role's own credentials come from the agent, not from the environment.
      for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
        delete (harnessEnv as Record<string, string>)[name];
      proxyPath = `${bins["litellm-proxy"]}:${systemPath}`;
      const proxyService = byName(program, "gateway-proxy-service");
      // The trace collector sidecar is a container image: its stand-in listens where the collector's config opens.
      const sidecars = (
        JSON.parse(reveal<string>(byName(program, "gateway-proxy-task").inputs["containerDefinitions"])) as {
          name: string;
          essential?: boolean;
          environment?: { name: string; value: string }[];
        }[]
      ).filter((container) => container.essential === false);
      for (const sidecar of sidecars) {
        const standIn = startCollectorStandIn(proxyNetwork, sidecar, logDir);
        await until(
          `${sidecar.name}'s stand-in listening`,
          () => (standIn.process.tail().includes("OTLP/HTTP receiver on") ? true : undefined),
          15_000,
          () => (standIn.process.exited() ? standIn.process.tail() : undefined),
        );
        collectors.set(sidecar.name, standIn);
      }

      // The migration task first, as `pulumi up` runs it before the service takes its new definition.
      const migrationTask = String(byName(program, "gateway-proxy-migration-task").outputs["arn"]);
      migration = await agent.runTask(migrationTask, undefined, {
        label: "migrate",
        hosts,
        path: proxyPath,
        imageEntryPoint: ["litellm"],
        harnessEnv,
        logDir,
      });
      await until("the migration's end", () => (migration.process.exited() ? true : undefined), 180_000);
      if (migration.process.exitCode() !== 0) {
        const cause = missingQueryEngine(readFileSync(migration.process.logFile, "utf8"), prisma, {
          databaseReached: connectionsFrom(migration).length > 0,
        });
        if (cause === undefined) throw new Error(`the migration task failed:\n${migration.process.tail(30)}`);
        notRun.push(`NOT RUN: ${stack}: the migration task's schema migration\n  ${cause}`);
      }

      // The serving task: with its database; without it only for Prisma's missing query engine.
      const start = (without?: Record<string, string>) =>
        agent.runTask(String(proxyService.inputs["taskDefinition"]), role, {
          label: "proxy",
          hosts,
          path: proxyPath,
          imageEntryPoint: ["litellm"],
          harnessEnv,
          logDir,
          network: proxyNetwork,
          without,
        });
      const healthy = async (task: RunningTask) => {
        const started = performance.now();
        await until(
          "a healthy proxy task",
          () => (task.healthCheck().status === 0 ? true : undefined),
          180_000,
          () => (task.process.exited() ? `exited:\n${task.process.tail(30)}` : undefined),
        );
        return performance.now() - started;
      };
      proxy = await start();
      let coldStartMs: number;
      try {
        coldStartMs = await healthy(proxy);
      } catch (error) {
        await proxy.process.stop();
        withDatabaseLog = readFileSync(proxy.process.logFile, "utf8");
        databaseNotRun = missingQueryEngine(withDatabaseLog, prisma);
        if (databaseNotRun === undefined) throw error;
        notRun.push(
          `NOT RUN: ${stack}: the proxy task with its database (started again without ${ENV.databaseUrl})\n  ${databaseNotRun}`,
        );
        proxy = await start({ [ENV.databaseUrl]: databaseNotRun });
        coldStartMs = await healthy(proxy);
      }
      if (!withDatabaseLog) withDatabaseLog = readFileSync(proxy.process.logFile, "utf8");
      await moto.clients.ecs.send(
        new UpdateServiceCommand({
          cluster: String(proxyService.inputs["cluster"]),
          service: String(proxyService.outputs["name"]),
          desiredCount: 1,
        }),
      );
      proxyUrl = `http://${proxyNetwork.ip}:${config.proxy.port}`;
      masterKey = proxy.containerEnv[ENV.masterKey]!;
      figures.push(
        `${stack}: proxy task cold start to its health check passing: ${(coldStartMs / 1000).toFixed(1)} s; resident memory with its ${config.proxy.workers} worker(s): ${processTreeRssMb(proxy.process.pid)} MiB`,
      );
      const unattended = proxy.notStarted.filter((skipped) => !collectors.has(skipped.split(" ")[0]!));
      if (unattended.length > 0)
        throw new Error(`the proxy task has containers nothing runs: ${unattended.join("; ")}`);

      // The load balancer, at the stack's URL, for what runs inside the VPC.
      loadBalancer = await startLoadBalancer(vpc, {
        url: String(program.outputs["proxyUrl"]),
        targets: [proxy.network.ip],
        targetPort: config.proxy.port,
        ca,
        logDir,
      });

      // The stack's outputs for the CLI, the load balancer's address replaced by the task's.
      outputsFile = join(logDir, "outputs.json");
      writeFileSync(
        outputsFile,
        JSON.stringify({ ...program.outputs, proxyUrl, mcpGatewayUrl: `${proxyUrl}${PROXY.mcpPath}` }),
      );
    });

    after(async () => {
      await Promise.all([
        proxy?.process.stop(),
        migration?.process.stop(),
        serviceConnect?.process.stop(),
        loadBalancer?.process.stop(),
        ...mcpTasks.map((task) => task.process.stop()),
        ...[...collectors.values()].map((collector) => collector.process.stop()),
      ]);
      await Promise.all([
        redis?.process.stop(),
        moto?.process.stop(),
        router?.stop(),
        egress?.stop(),
        agent?.stop(),
        ...bedrock.map((standIn) => standIn.stop()),
      ]);
      rds?.remove();
      vpc?.destroy();
    });

    it("starts the proxy from its task definition with no --config: LiteLLM reads config.yaml from S3 itself", async () => {
      assert.ok(!proxy.argv.includes("--config"), proxy.argv.join(" "));
      assert.deepEqual(proxy.argv.slice(0, 1), ["litellm"]);
      const response = await fetch(`${proxyUrl}/v1/models`, { headers: { authorization: `Bearer ${masterKey}` } });
      const ids = ((await response.json()) as { data: { id: string }[] }).data.map((model) => model.id).sort();
      assert.deepEqual(ids, modelNames(config));
    });

    it("gives the container every secret from Secrets Manager at the version the definition names, and none in its plain environment", async () => {
      const definition = proxy.container;
      assert.deepEqual(
        (definition.secrets ?? []).map((secret) => secret.name).sort(),
        Object.keys(proxy.containerEnv)
          .filter((name) => (definition.secrets ?? []).some((secret) => secret.name === name))
          .sort(),
      );
      const written = program
        .ofType("aws:secretsmanager/secretVersion:SecretVersion")
        .map((version) => reveal<string>(version.inputs["secretString"]));
      for (const secret of definition.secrets ?? []) {
        if (secret.name === ENV.databaseUrl && databaseNotRun) continue;
        assert.ok(
          written.includes(proxy.containerEnv[secret.name]!),
          `${secret.name} is not a value the program wrote`,
        );
      }
      assert.equal((await fetch(`${proxyUrl}/v1/models`)).status, 401);
    });

    it("opens the database pool the program sizes for it: LiteLLM's own, per worker, as the proxy reports it", () => {
      const budget = /Postgres connection budget per pod = (\d+) worker\(s\) x writer connection_limit (\d+)/.exec(
        withDatabaseLog,
      );
      assert.ok(budget, "the proxy printed no connection budget");
      const expected = workerPoolLimit(
        readsConfigFile(config),
        config.database.maxConnections,
        maxConnectedProxyInstances(config),
        config.proxy.workers,
        RESERVED_DB_CONNECTIONS,
      );
      assert.deepEqual([Number(budget[1]), Number(budget[2])], [config.proxy.workers, expected]);
    });

    it("runs the migration task's command before the service: it connects to the database over TLS with the URL secret", function () {
      assert.deepEqual(migration.argv.slice(-1), ["--skip_server_startup"]);
      const connections = connectionsFrom(migration);
      assert.ok(connections.length > 0, "the database authorized no connection from the migration task");
      assert.ok(
        connections.every((connection) => connection.ssl),
        "a connection without TLS",
      );
      if (migration.process.exitCode() !== 0) this.skip();
    });

    it("passes the health check of its own task definition", () => {
      const check = proxy.healthCheck();
      assert.equal(check.status, 0, check.output);
    });

    it("reaches Redis over TLS with the auth token from Secrets Manager, and nothing reaches it in clear text", async () => {
      for (let index = 0; index < 3; index++)
        assert.equal(
          (await chat(proxyUrl, masterKey, config.models[0]!.group ?? config.models[0]!.name, `redis ${index}`)).status,
          200,
        );
      const clients = redis!
        .cli(["CLIENT", "LIST"])
        .output.split("\n")
        .filter((line) => line.includes(`addr=${proxy.network.ip}:`));
      assert.ok(clients.length > 0, "no connection from the proxy's task");
      // With requirepass, only an authenticated client's commands execute (a refused one counts as rejected_calls):
      // the proxy's own commands ran, and no AUTH failed.
      const executed = [...redis!.cli(["INFO", "commandstats"]).output.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)]
        .filter(
          (match) =>
            !["auth", "hello", "client|list", "info", "acl|log", "ping"].includes(match[1]!) && Number(match[2]) > 0,
        )
        .map((match) => match[1]);
      assert.ok(executed.length > 0, "no command of the proxy's executed");
      assert.equal(redis!.cli(["ACL", "LOG"]).output.trim(), "", "a refused AUTH");
      // The server listens only with TLS; a plain connection gets no answer.
      const plain = await fetch(`http://${vpc.gateway}:${redis!.port}`).then(
        () => "answered",
        () => "refused",
      );
      assert.equal(plain, "refused");
    });

    it("completes a chat for every name through LiteLLM's Bedrock client, signed with the task role's credentials", async () => {
      for (const name of modelNames(config)) {
        const result = await chat(proxyUrl, masterKey, name, `hello ${name} from ${stack}`);
        assert.equal(result.status, 200, result.text);
        const deployments = config.models.filter((model) => (model.group ?? model.name) === name);
        assert.ok(
          deployments.some((model) => result.text === standInReply(model.region, model.bedrockModelId)),
          `${name} answered "${result.text}"`,
        );
      }
      const calls = bedrock.flatMap((standIn) => standIn.calls);
      assert.ok(
        calls.length > 0 && calls.every((call) => call.signatureProblem === undefined),
        calls.map((call) => call.signatureProblem).join(", "),
      );
    });

    it("lists and calls MCP tools again and again through Service Connect, each service's requests spread over its tasks", async () => {
      for (let round = 0; round < 4; round++) {
        for (const server of config.mcpServers) {
          const client = new Client({ name: "aws-suite", version: "1.0.0" });
          await client.connect(
            new StreamableHTTPClientTransport(new URL(`${proxyUrl}/mcp/${server.name}`), {
              requestInit: { headers: { "x-litellm-api-key": `Bearer ${masterKey}` } },
            }),
          );
          try {
            const tools = (await client.listTools()).tools.map((tool) => tool.name);
            assert.ok(tools.length > 0, `${server.name} lists no tool (round ${round})`);
            if (server.name === SCALED_OUT_SERVER) {
              // A call the server answers without the internet: it refuses a URL outside the AWS documentation.
              const tool = tools.find((name) => name.endsWith("read_documentation"))!;
              const result = await client.callTool({
                name: tool,
                arguments: { url: "https://example.com/not-aws.html" },
              });
              assert.ok(JSON.stringify(result.content).length > 0, `no answer from ${tool}`);
            }
          } finally {
            await client.close();
          }
        }
      }
      const spread = await serviceConnect.requestsPerTask();
      const scaledOut =
        spread[Object.keys(spread).find((alias) => alias.endsWith(SCALED_OUT_SERVER.replace(/_/g, "-")))!]!;
      assert.ok(
        scaledOut.length >= MIN_REPLICAS_OF_SCALED_OUT && scaledOut.every((requests) => requests > 0),
        `requests per task: ${scaledOut.join(", ")}`,
      );
    });

    if (config.tracing.enabled) {
      it("sends a completion's span to its collector sidecar, at the endpoint the collector's own config opens", async function () {
        this.timeout(60_000);
        const collector = [...collectors.values()][0];
        assert.ok(collector, "the task defines no collector sidecar");
        // The SDK's batch processor exports every few seconds: wait for what earlier requests sent, then count anew.
        await new Promise((resolve) => setTimeout(resolve, 6_000));
        const before = collector.exports().length;
        assert.equal((await chat(proxyUrl, masterKey, "claude-sonnet-us", "traced")).status, 200);
        const spanFor = () =>
          collector
            .exports()
            .slice(before)
            .find((body) => body.includes("claude-sonnet-us") && body.includes(`litellm-mcp-${stack}`));
        await until("a span for the completion at the collector", () => (spanFor() ? true : undefined), 30_000);
      });
    }

    if (stack === "prod") {
      it("answers /metrics the same from whichever of its workers takes the scrape", async () => {
        for (let index = 0; index < 6; index++)
          assert.equal((await chat(proxyUrl, masterKey, "claude-sonnet-us", `metrics ${index}`)).status, 200);
        const scrape = async () => {
          const text = await (
            await fetch(`${proxyUrl}/metrics/`, { headers: { authorization: `Bearer ${masterKey}` } })
          ).text();
          return text
            .split("\n")
            .filter(
              (line) => line.startsWith("litellm_total_tokens_metric") && line.includes('model="claude-sonnet-us"'),
            )
            .map((line) => Number(line.split(" ").pop()))
            .reduce((sum, value) => sum + value, 0);
        };
        const scrapes: number[] = [];
        for (let index = 0; index < 8; index++) scrapes.push(await scrape());
        assert.ok(scrapes[0]! > 0, "no tokens counted");
        assert.deepEqual(new Set(scrapes).size, 1, `scrapes: ${scrapes.join(", ")}`);
      });
    }

    describe("the operations CLI against the local AWS API", () => {
      const saved: Record<string, string | undefined> = {};
      const run = async (args: string[]) => {
        let stdout = "";
        let stderr = "";
        const io = {
          stdout: { write: (text: string) => (stdout += text) },
          stderr: { write: (text: string) => (stderr += text) },
          cwd: PROJECT_DIR,
          env: process.env,
        };
        const status = await cli(args, io, { ...realDeps, timeoutMs: 20_000 });
        return { status, stdout, stderr };
      };
      before(() => {
        // The SDK clients the CLI makes find moto through the environment, as they would find AWS.
        for (const [name, value] of Object.entries(moto.sdkEnv)) {
          saved[name] = process.env[name];
          process.env[name] = value;
        }
      });
      after(() => {
        for (const [name, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      });

      it("status reads the master key from Secrets Manager and the ECS services, and checks the proxy and every MCP server", async () => {
        const result = await run(["status", "--stack", stack, "--json", "--outputs", outputsFile]);
        const report = JSON.parse(result.stdout) as { checks: { name: string; ok: boolean; detail: string }[] };
        const failed = report.checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.detail}`);
        assert.deepEqual(failed, databaseNotRun ? ["proxy readiness: database Not connected"] : []);
        const names = report.checks.map((check) => check.name);
        for (const server of config.mcpServers) assert.ok(names.includes(`mcp ${server.name}`), server.name);
        assert.equal(names.filter((name) => name.startsWith("service ")).length, 1 + config.mcpServers.length);
      });

      it("logs prints the proxy's log from CloudWatch Logs, where the awslogs driver puts it", async () => {
        await proxy.shipLogs();
        const shipped = readFileSync(proxy.process.logFile, "utf8")
          .split("\n")
          .filter((line) => line.trim() !== "");
        const result = await run(["logs", "litellm", "--stack", stack, "--outputs", outputsFile]);
        assert.equal(result.status, 0, result.stderr);
        const printed = result.stdout.trimEnd().split("\n");
        assert.equal(printed.length, shipped.length, "a line lost or added on its way");
        for (const [index, line] of printed.entries())
          assert.ok(line.endsWith(` ${shipped[index]}`), `line ${index + 1}: ${line}`);
      });

      it("restart forces a new deployment of an MCP service and waits until ECS reports it complete", async () => {
        const result = await run(["restart", config.mcpServers[0]!.name, "--stack", stack, "--outputs", outputsFile]);
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /: new deployment started\n[\s\S]*: stable\n$/);
      });

      it("apply-db-parameters finds the database's parameters in sync and leaves it running", async () => {
        const identifier = String(program.one("aws:rds/instance:Instance").outputs["identifier"]);
        const result = await run(["apply-db-parameters", "--region", REGION, "--instance", identifier]);
        assert.deepEqual(
          [result.status, result.stdout.trim().split("\n").pop()],
          [0, "database: parameters in sync, no reboot needed"],
          result.stderr,
        );
      });

      it("snapshot-db, run as pulumi up runs it before another release migrates, leaves an available snapshot tagged with that release, which rollback names", async () => {
        const snapshot = byName(program, "gateway-proxy-snapshot-before-migration");
        const command = String(snapshot.inputs["create"]).split(" ");
        assert.deepEqual(command.slice(0, 3), ["node", "ops/bin.js", "snapshot-db"]);
        const taken = await run(command.slice(2));
        assert.equal(taken.status, 0, taken.stderr);
        assert.match(taken.stdout, /: available\n$/);
        const identifier = String(program.one("aws:rds/instance:Instance").outputs["identifier"]);
        const described = await moto.clients.rds.send(
          new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: identifier, SnapshotType: "manual" }),
        );
        const found = described.DBSnapshots ?? [];
        assert.equal(found.length, 1);
        assert.equal(found[0]!.Status, "available");
        assert.match(
          found[0]!.DBSnapshotIdentifier!,
          new RegExp(`^litellm-mcp-${stack}-before-1-108-7-\\d{8}t\\d{6}z$`),
        );
        const tags = Object.fromEntries((found[0]!.TagList ?? []).map((tag) => [tag.Key, tag.Value]));
        assert.equal(tags["litellm-mcp:before-image"], config.proxy.image);

        // A rollback to a release before the pinned one's migrations (its lists from PyPI) is refused, and names it.
        const refused = await run(["rollback", "--stack", stack, "--to", "1.106.3", "--outputs", outputsFile]);
        assert.equal(refused.status, 1, refused.stdout);
        assert.match(refused.stderr, /crosses \d+ schema migration\(s\) 1\.108\.7 applied:\n/);
        assert.ok(
          refused.stderr.includes(
            `  litellm-mcp rollback --stack ${stack} --to 1.106.3 --restore-snapshot ${found[0]!.DBSnapshotIdentifier}\n`,
          ),
          refused.stderr,
        );
      });

      /** `litellm-mcp smoke` as the deploy workflow runs it, its task started through the ECS agent stand-in. */
      const smoke = async () => {
        const host = new URL(String(program.outputs["proxyUrl"])).hostname;
        // The task reaches the internet, were it to try, through the egress recorder; the load balancer directly.
        const taskEnv = { SSL_CERT_FILE: ca.bundle, HTTP_PROXY: egress.url, HTTPS_PROXY: egress.url, NO_PROXY: host };
        const ecs = oneOffTaskApi(agent, REGION, {
          label: "smoke",
          hosts: loadBalancer.hosts,
          path: proxyPath,
          harnessEnv: taskEnv,
          logDir,
        });
        const aws = new AwsServices(
          { ecs, logs: moto.clients.logs, secrets: moto.clients.secrets },
          { pollMs: 500, timeoutMs: 180_000 },
        );
        let stdout = "";
        let stderr = "";
        const io = {
          stdout: { write: (text: string) => (stdout += text) },
          stderr: { write: (text: string) => (stderr += text) },
          cwd: PROJECT_DIR,
          env: process.env,
        };
        const status = await cli(["smoke", "--stack", stack, "--json", "--outputs", outputsFile], io, {
          ...realDeps,
          timeoutMs: 20_000,
          aws: () => aws,
        });
        const report = JSON.parse(stdout) as { checks: { name: string; ok: boolean; detail: string }[] };
        return { status, stderr, checks: report.checks, sent: ecs.sent };
      };

      it("smoke runs the stack's smoke task as ECS runs it, inside the VPC through the load balancer, and prints the checks it logged", async () => {
        const forwardedBefore = await loadBalancer.forwarded();
        const { status, stderr, checks, sent } = await smoke();
        const names = checks.map((check) => check.name);
        // One call of each model, in the order the proxy lists them.
        assert.deepEqual(
          names.filter((name) => name.startsWith("call ")).sort(),
          modelNames(config).map((name) => `call ${name}`),
          stderr,
        );
        assert.deepEqual(
          names.filter((name) => !name.startsWith("call ")),
          ["proxy liveness", "proxy readiness", "models", ...config.mcpServers.map((server) => `mcp ${server.name}`)],
        );
        const failed = checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.detail}`);
        assert.deepEqual(failed, databaseNotRun ? ["proxy readiness: database Not connected"] : []);
        assert.equal(status, failed.length === 0 ? 0 : 1);
        assert.deepEqual(sent.slice(0, 2), ["RunTaskCommand", "DescribeTasksCommand"]);
        assert.match(stderr, /^smoke task \w+ started\n/);
        // Every request went through the load balancer, and nothing left the VPC.
        assert.ok(
          (await loadBalancer.forwarded()) - forwardedBefore >= checks.length,
          "requests that did not cross the load balancer",
        );
        assert.deepEqual(egress.destinations, []);
      });

      it("smoke fails, exit 1, when Bedrock refuses the model only one region serves, and says what Bedrock said", async () => {
        const tokyo = bedrock.find((standIn) => standIn.region === "ap-northeast-1")!;
        const onlyThere = modelNames(config).filter((name) =>
          config.models
            .filter((model) => (model.group ?? model.name) === name)
            .every((model) => model.region === tokyo.region),
        );
        assert.ok(onlyThere.length > 0, "no model is served from ap-northeast-1 alone");
        tokyo.denied = true;
        try {
          const { status, checks } = await smoke();
          assert.equal(status, 1);
          for (const name of onlyThere) {
            const call = checks.find((check) => check.name === `call ${name}`);
            assert.ok(
              call &&
                !call.ok &&
                call.detail.includes("You don't have access to the model with the specified model ID."),
              JSON.stringify(call),
            );
          }
        } finally {
          tokyo.denied = false;
        }
      });

      it("clear-cache reads the master key from Secrets Manager and says there is no response cache", async () => {
        const result = await run(["clear-cache", "--stack", stack, "--outputs", outputsFile]);
        assert.deepEqual(
          [result.status, result.stdout],
          [0, `${stack} has no response cache (cache.responses is false): nothing to clear\n`],
          result.stderr,
        );
      });
    });

    it("logs no error while it serves but the one a request without a key earns, and LiteLLM's known OTEL defect", () => {
      const errors = readFileSync(proxy.process.logFile, "utf8")
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as { level?: string; message?: string })
        .filter((entry) => entry.level === "ERROR" || entry.level === "CRITICAL")
        .map((entry) => entry.message ?? "")
        .filter(
          (message) =>
            !message.startsWith(
              "litellm.proxy.proxy_server.user_api_key_auth(): Exception occured - No api key passed in.",
            ),
        )
        // BerriAI/litellm#30651: its OTEL callback reads an MCP response as a dict; the span loses the response.
        .filter(
          (message) =>
            !(
              config.tracing.enabled &&
              message === "OpenTelemetry logging error in set_attributes 'list' object has no attribute 'get'"
            ),
        );
      assert.deepEqual(errors, []);
    });

    it("reaches nothing beyond the VPC: no model cost map, no Prisma download, no telemetry", () => {
      assert.deepEqual(egress.destinations, []);
    });
  });
}

after(() => {
  if (notRun.length > 0)
    process.stdout.write(`\n${notRun.map((entry) => `  ${entry.replace(/\n/g, "\n  ")}`).join("\n")}\n`);
  if (figures.length > 0)
    process.stdout.write(
      `\n  Figures of the AWS-way runs (not pass or fail)\n${figures.map((line) => `  ${line}`).join("\n")}\n`,
    );
});
