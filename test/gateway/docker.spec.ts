/**
 * The dev stack on a real Docker engine: every image, container, health check, upload, mount and volume the
 * program hands Docker, created by the Docker provider's stand-in (./dockerProvider.ts) from the program's exact
 * inputs under Pulumi's mocks, on the engine ./dockerEngine.ts finds or starts; the images the stack names pulled
 * or, where no registry answers, built as stand-ins (./standInImages.ts); our images/*.Dockerfile built for real.
 * The operations CLI runs against the same engine: up and down through the Pulumi stand-in (./dockerStack.ts), the
 * other commands from the stack's outputs in a file (--outputs). Bedrock and the IAM Identity Center portal are
 * stand-ins on this machine. What cannot run here is reported as NOT RUN with its exact error.
 */
import { strict as assert } from "node:assert";
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import { parse } from "yaml";
import { dockerNames } from "../../components/docker/naming";
import { ENV, POSTGRES } from "../../config/constants";
import type { StackConfig } from "../../config/schema";
import { run } from "../../ops/cli";
import { realDeps } from "../../ops/context";
import { reveal, runProgram } from "../support/pulumi";
import { engineConfigOfVariant, loadStack, loadVariant, type Values } from "../support/stacks";
import { freePort } from "../support/standins";
import { tempDir } from "../support/tempDirs";
import { type BedrockStandIn, standInReply, startBedrockRouter } from "./bedrock";
import { chat, modelNames, withMcpClient } from "./clients";
import { type Engine, useDockerEngine } from "./dockerEngine";
import { DockerProviderStandIn } from "./dockerProvider";
import { DockerStack } from "./dockerStack";
import { STAND_IN_CREDENTIALS, startBedrock } from "./gateway";
import { missingQueryEngine } from "./prisma";
import { type SsoAssignment, type SsoStandIn, startSsoStandIn } from "./sso";
import { type ProvidedImages, provideImages, removeSuiteImages, STAND_IN_PRISMA } from "./standInImages";

const log = (line: string) => process.stdout.write(`  ${line}\n`);
const notRun: string[] = [];
const figures: string[] = [];

/** The role the stand-in portal assigns the SSO profile: its credentials are the ones the Bedrock stand-in checks. */
const ASSIGNMENT: SsoAssignment = {
  accessToken: "stand-in-sso-access-token",
  accountId: "111122223333",
  roleName: "BedrockAccess",
  credentials: { ...STAND_IN_CREDENTIALS, sessionToken: "stand-in-session-token" },
};
const SSO_SESSION = "gateway-suite";

type Mode = "sso" | "credentials" | "directory";

/**
 * An AWS directory as `aws configure sso` and `aws sso login` (sso), or `aws configure` (credentials, directory)
 * leave it: the profile's config, its cached SSO token or its static keys. Each also holds a file of the other kind
 * (static keys beside an SSO profile, a token beside static keys), so that a mount that shows too much is seen.
 */
function writeAwsDirectory(dir: string, mode: Mode, portal: string): void {
  mkdirSync(join(dir, "sso", "cache"), { recursive: true });
  const region = "region = us-east-1\n";
  const config =
    mode === "sso"
      ? [
          "[default]",
          `sso_session = ${SSO_SESSION}`,
          `sso_account_id = ${ASSIGNMENT.accountId}`,
          `sso_role_name = ${ASSIGNMENT.roleName}`,
          region.trim(),
          "services = gateway-suite-portal",
          "",
          `[sso-session ${SSO_SESSION}]`,
          "sso_region = us-east-1",
          "sso_start_url = https://gateway-suite.awsapps.com/start",
          "",
          // The portal's stand-in answers where botocore's configured endpoint for the sso client says.
          "[services gateway-suite-portal]",
          "sso =",
          `  endpoint_url = ${portal}`,
          "",
        ].join("\n")
      : `[default]\n${region}`;
  writeFileSync(join(dir, "config"), config);
  const keys =
    mode === "sso" ? { accessKeyId: "AKIANOTMOUNTED000000", secretAccessKey: "not-mounted" } : STAND_IN_CREDENTIALS;
  writeFileSync(
    join(dir, "credentials"),
    `[default]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`,
  );
  const token = {
    startUrl: "https://gateway-suite.awsapps.com/start",
    region: "us-east-1",
    accessToken: ASSIGNMENT.accessToken,
    expiresAt: new Date(Date.now() + 8 * 3_600_000).toISOString().replace(/\.\d+Z$/, "Z"),
  };
  writeFileSync(
    join(dir, "sso", "cache", `${createHash("sha1").update(SSO_SESSION).digest("hex")}.json`),
    JSON.stringify(token),
  );
}

/** Every image reference the program hands Docker for these stacks: pulled images, and the bases of built ones. */
async function imageReferences(variants: readonly ((values: Values) => void)[], home: string): Promise<string[]> {
  const references: string[] = [];
  for (const change of variants) {
    const program = await runProgram("gateway-images", { config: engineConfigOfVariant("dev", change), home });
    for (const image of program.ofType("docker:index/remoteImage:RemoteImage"))
      references.push(reveal<string>(image.inputs["name"]));
    for (const image of program.ofType("docker:index/image:Image"))
      references.push(reveal<{ args: Record<string, string> }>(image.inputs["build"]).args["BASE_IMAGE"]!);
  }
  return [...new Set(references)];
}

/** Runs a command inside a container: its exit code and what it printed. */
async function exec(
  docker: Docker,
  container: string,
  command: string[],
): Promise<{ exitCode: number; output: string }> {
  const execution = await docker.getContainer(container).exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await execution.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on("data", (chunk: Buffer) => chunks.push(chunk));
  docker.modem.demuxStream(stream, sink, sink);
  await new Promise((resolve) => stream.on("end", resolve));
  const { ExitCode } = await execution.inspect();
  return { exitCode: ExitCode ?? -1, output: Buffer.concat(chunks).toString("utf8") };
}

/** The names of every container, network and volume on the engine that belong to a stack. */
async function objectsOf(docker: Docker, stack: string): Promise<string[]> {
  const prefix = `litellm-mcp-${stack}`;
  const containers = (await docker.listContainers({ all: true })).flatMap((container) =>
    container.Names.map((name) => name.replace(/^\//, "")),
  );
  const networks = (await docker.listNetworks()).map((network) => network.Name);
  const volumes = ((await docker.listVolumes()).Volumes ?? []).map((volume) => volume.Name);
  return [...containers, ...networks, ...volumes]
    .filter((name) => name === prefix || name.startsWith(`${prefix}-`))
    .sort();
}

/** The prefix of every Docker object of the suite's stacks (they are all named suite-*). */
const SUITE_OBJECTS = "litellm-mcp-suite-";

/** Removes what an earlier run of the suite left on the engine (a run stopped halfway): its stacks start empty. */
async function removeLeftovers(docker: Docker): Promise<void> {
  for (const container of await docker.listContainers({ all: true })) {
    if (container.Names.some((name) => name.startsWith(`/${SUITE_OBJECTS}`)))
      await docker.getContainer(container.Id).remove({ force: true });
  }
  for (const network of await docker.listNetworks())
    if (network.Name.startsWith(SUITE_OBJECTS)) await docker.getNetwork(network.Id).remove();
  for (const volume of (await docker.listVolumes()).Volumes ?? [])
    if (volume.Name.startsWith(SUITE_OBJECTS)) await docker.getVolume(volume.Name).remove({ force: true });
}

interface Deployed {
  readonly outputs: {
    proxyUrl: string;
    mcpGatewayUrl: string;
    masterKey: string;
    configYaml: string;
    containers: { litellm: string; postgres: string; redis?: string; mcpServers: Record<string, string> };
    volumeName: string;
  };
  readonly outputsFile: string;
  /** Why the proxy runs without its database, when Prisma's query engine is missing. */
  readonly databaseNotRun?: string;
}

describe("the dev stack on a real Docker engine", function () {
  this.timeout(300_000);
  let engine: Engine;
  let provided: ProvidedImages | undefined;
  let provider: DockerProviderStandIn;
  let bedrock: BedrockStandIn[] = [];
  let router: { url: string; stop(): Promise<void> } | undefined;
  let sso: SsoStandIn | undefined;
  /** The home of the user running the program: ~/.aws holds an SSO profile, as the committed dev stack mounts it. */
  let home: string;
  const stacks: DockerStack[] = [];
  /** The proxy containers of the suite's stacks: they get the Bedrock endpoint, and may stop for Prisma. */
  const proxies = new Set<string>();
  const base = loadStack("dev");

  function stackOf(name: string, change?: (values: Values) => void, userHome = home): DockerStack {
    const stack = new DockerStack(name, provider, userHome, change);
    stacks.push(stack);
    proxies.add(dockerNames(name).litellm);
    return stack;
  }

  async function cli(
    stack: DockerStack,
    args: string[],
    env: NodeJS.ProcessEnv = {},
  ): Promise<{ status: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const io = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      cwd: stack.project,
      env: { ...process.env, ...engine.env, ...env },
    };
    const status = await run([...args, "--stack", stack.stack], io, {
      ...realDeps,
      pulumi: () => stack,
      build: async () => undefined,
      timeoutMs: 20_000,
    });
    return { status, stdout, stderr };
  }

  /**
   * `litellm-mcp up`, and its outputs. A proxy that stopped for Prisma's missing query engine is reported NOT RUN
   * and made again without DATABASE_URL, so that everything else still runs.
   */
  async function up(stack: DockerStack): Promise<Deployed> {
    const result = await cli(stack, ["up"]);
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    const proxy = dockerNames(stack.stack).litellm;
    const reason = provider.notRun.get(proxy);
    if (reason !== undefined) {
      const entry = `NOT RUN: ${stack.stack}: the proxy container with its database (made again without DATABASE_URL)\n  ${reason}`;
      if (!notRun.includes(entry)) notRun.push(entry);
      await provider.recreate(proxy, (inputs) => ({
        ...inputs,
        envs: (inputs["envs"] as string[]).filter((entry) => !entry.startsWith(`${ENV.databaseUrl}=`)),
      }));
    }
    return {
      outputs: reveal(stack.last.outputs) as Deployed["outputs"],
      outputsFile: stack.outputsFile(),
      ...(reason ? { databaseNotRun: reason } : {}),
    };
  }

  before(async function () {
    // Cold, the stand-in images take minutes: a minimal Debian, then PyPI's and npm's packages.
    this.timeout(45 * 60_000);
    engine = await useDockerEngine(log);
    await removeLeftovers(engine.docker);
    const buildNetwork = engine.own ? "host" : undefined;
    home = tempDir("litellm-mcp-docker-home-");
    bedrock = await startBedrock(base);
    router = await startBedrockRouter(bedrock, engine.hostAddress);
    sso = await startSsoStandIn(engine.hostAddress, ASSIGNMENT);
    writeAwsDirectory(join(home, ".aws"), "sso", sso.url);
    const started = performance.now();
    provided = await provideImages(
      engine,
      await imageReferences(
        [() => undefined, (values) => (values["cache"] = { responses: true, redis: "always" })],
        home,
      ),
      log,
      buildNetwork,
    );
    if (provided.standIns.size > 0)
      figures.push(
        `stand-in images built (cold): ${[...provided.buildSeconds].map(([reference, seconds]) => `${reference} ${seconds.toFixed(0)} s`).join(", ")}; in all ${((performance.now() - started) / 1000).toFixed(0)} s`,
      );
    provider = new DockerProviderStandIn(engine.docker, {
      buildNetwork,
      // Where Bedrock answers: the one thing the suite adds to what the program gives a container.
      addedEnv: (container) => (proxies.has(container) ? [`AWS_BEDROCK_RUNTIME_ENDPOINT=${router!.url}`] : []),
      notRunReason: (container, text) =>
        proxies.has(container) ? missingQueryEngine(text, STAND_IN_PRISMA) : undefined,
    });
  });

  after(async function () {
    this.timeout(5 * 60_000);
    await provider?.removeAll();
    for (const stack of stacks) stack.dispose();
    await Promise.all([router?.stop(), sso?.stop(), ...bedrock.map((standIn) => standIn.stop())]);
    if (engine && !engine.own)
      await removeSuiteImages(engine.docker, provided, provider?.builds.map((build) => build.imageName) ?? []);
    await engine?.stop();
    if (notRun.length > 0)
      process.stdout.write(`\n${notRun.map((entry) => `  ${entry.replace(/\n/g, "\n  ")}`).join("\n")}\n`);
    if (figures.length > 0)
      process.stdout.write(
        `\n  Figures of the Docker runs (not pass or fail)\n${figures.map((figure) => `  ${figure}`).join("\n")}\n`,
      );
  });

  describe("the committed dev stack, up", () => {
    let stack: DockerStack;
    let deployed: Deployed;
    let config: StackConfig;

    before(async function () {
      this.timeout(15 * 60_000);
      const hostPort = await freePort();
      // Only the host port moves, to one that is free here.
      stack = stackOf("suite-dev", (values) => (values["docker"] = { ...values["docker"], hostPort }));
      config = loadVariant("dev", (values) => (values["docker"] = { ...values["docker"], hostPort }));
      const started = performance.now();
      deployed = await up(stack);
      figures.push(
        `dev cold start, up to every container healthy: ${((performance.now() - started) / 1000).toFixed(0)} s (image builds ${provider.builds.map((build) => `${build.imageName.split(":")[0]} ${build.seconds.toFixed(0)} s`).join(", ")})`,
      );
    });

    it("builds images/npm.Dockerfile and images/pip.Dockerfile from the program's build arguments, each MCP server running as the non-root user its Dockerfile names", async () => {
      const images = stack.last.ofType("docker:index/image:Image");
      assert.deepEqual(
        images
          .map((image) => reveal<{ dockerfile: string }>(image.inputs["build"]).dockerfile.split("/").at(-1))
          .sort(),
        ["npm.Dockerfile", "pip.Dockerfile"],
      );
      for (const image of images)
        assert.ok(
          provider.builds.some((build) => build.imageName === reveal(image.inputs["imageName"])),
          `${reveal(image.inputs["imageName"])} was not built`,
        );
      const users: Record<string, string> = { context7: "node", aws_docs: "mcp" };
      for (const [server, container] of Object.entries(deployed.outputs.containers.mcpServers)) {
        const id = await exec(engine.docker, container, ["id", "-un"]);
        assert.deepEqual([server, id.exitCode, id.output.trim()], [server, 0, users[server]]);
      }
    });

    it("brings every container to healthy by the health check the program declares for it", async () => {
      const containers = stack.last.ofType("docker:index/container:Container");
      assert.equal(containers.length, 4);
      for (const container of containers) {
        const name = reveal<string>(container.inputs["name"]);
        const inspected = await engine.docker.getContainer(name).inspect();
        assert.deepEqual(
          inspected.Config.Healthcheck?.Test,
          reveal<{ tests: string[] }>(container.inputs["healthcheck"]).tests,
          name,
        );
        assert.equal(inspected.State.Health?.Status, "healthy", name);
      }
    });

    it("publishes the proxy on its configured address and port only, and no port of an MCP server or of Postgres", async () => {
      for (const name of [
        deployed.outputs.containers.postgres,
        ...Object.values(deployed.outputs.containers.mcpServers),
      ]) {
        const ports = (await engine.docker.getContainer(name).inspect()).NetworkSettings.Ports ?? {};
        assert.ok(
          Object.values(ports).every((bindings) => bindings === null || bindings.length === 0),
          `${name} publishes ${JSON.stringify(ports)}`,
        );
      }
      const proxyPorts = (await engine.docker.getContainer(deployed.outputs.containers.litellm).inspect())
        .NetworkSettings.Ports;
      assert.deepEqual(proxyPorts, { "4000/tcp": [{ HostIp: "127.0.0.1", HostPort: String(config.docker.hostPort) }] });
      assert.equal((await fetch(`${deployed.outputs.proxyUrl}/health/liveliness`)).status, 200);
      const other = Object.values(networkInterfaces())
        .flat()
        .find((address) => address && address.family === "IPv4" && !address.internal)?.address;
      if (other)
        await assert.rejects(
          fetch(`http://${other}:${config.docker.hostPort}/health/liveliness`, { signal: AbortSignal.timeout(5_000) }),
          `the proxy answers on ${other}`,
        );
    });

    it("runs the uploaded config.yaml: the file in the container is the one the program rendered, and /v1/models lists exactly the stack's model names", async () => {
      const file = await exec(engine.docker, deployed.outputs.containers.litellm, ["cat", "/app/config.yaml"]);
      assert.equal(file.output, deployed.outputs.configYaml);
      const response = await fetch(`${deployed.outputs.proxyUrl}/v1/models`, {
        headers: { authorization: `Bearer ${deployed.outputs.masterKey}` },
      });
      const listed = ((await response.json()) as { data: { id: string }[] }).data.map((model) => model.id).sort();
      assert.deepEqual(listed, modelNames(config));
    });

    it("completes a chat for every model name through Bedrock with the mounted SSO profile's role credentials", async () => {
      const before = { sso: sso!.calls.length, bedrock: bedrock.flatMap((standIn) => standIn.calls).length };
      for (const name of modelNames(config)) {
        const result = await chat(deployed.outputs.proxyUrl, deployed.outputs.masterKey, name);
        const deployments = config.models.filter((model) => (model.group ?? model.name) === name);
        assert.equal(result.status, 200, result.text);
        assert.ok(
          deployments.some((model) => result.text === standInReply(model.region, model.bedrockModelId)),
          `${name}: ${result.text}`,
        );
      }
      const calls = bedrock.flatMap((standIn) => standIn.calls).slice(before.bedrock);
      assert.equal(calls.length, modelNames(config).length);
      assert.ok(
        calls.every((call) => call.signatureProblem === undefined),
        calls.map((call) => call.signatureProblem).join(", "),
      );
      // botocore exchanged the cached token for the role's credentials at the portal, with nothing else to sign with.
      const exchanges = sso!.calls.slice(before.sso);
      assert.ok(
        exchanges.length > 0 &&
          exchanges.every(
            (call) =>
              call.tokenValid && call.accountId === ASSIGNMENT.accountId && call.roleName === ASSIGNMENT.roleName,
          ),
        JSON.stringify(exchanges),
      );
    });

    it("shows the proxy the SSO profile's config and token cache, and not the static keys beside them", async () => {
      const seen = await exec(engine.docker, deployed.outputs.containers.litellm, ["find", "/root/.aws", "-type", "f"]);
      assert.deepEqual(seen.output.trim().split("\n").sort(), [
        "/root/.aws/config",
        `/root/.aws/sso/cache/${createHash("sha1").update(SSO_SESSION).digest("hex")}.json`,
      ]);
    });

    it("lists every MCP server's tools and calls one through the proxy's /mcp, the proxy reaching each container by its name on the network", async () => {
      const urls = (parse(deployed.outputs.configYaml) as { mcp_servers: Record<string, { url: string }> }).mcp_servers;
      for (const [server, container] of Object.entries(deployed.outputs.containers.mcpServers)) {
        assert.equal(new URL(urls[server]!.url).hostname, container);
        await withMcpClient(
          `${deployed.outputs.mcpGatewayUrl}/${server}`,
          deployed.outputs.masterKey,
          async (client) => {
            const tools = (await client.listTools()).tools.map((tool) => tool.name);
            assert.ok(tools.length > 0, `${server} lists no tool`);
            // Calls each server answers itself, without the internet this machine lacks: a page outside the AWS
            // documentation, and a library lookup that reaches no Context7 API.
            const tool =
              server === "aws_docs"
                ? tools.find((name) => name.endsWith("read_documentation"))!
                : tools.find((name) => name.endsWith("resolve-library-id"))!;
            const argumentsOf =
              server === "aws_docs"
                ? { url: "https://example.com/not-aws.html" }
                : { query: "pulumi", libraryName: "pulumi" };
            const result = (await client.callTool({ name: tool, arguments: argumentsOf })) as {
              content: { type: string; text?: string }[];
            };
            assert.ok(
              result.content.some((part) => (part.text ?? "").length > 0),
              `${server}: ${JSON.stringify(result)}`,
            );
          },
        );
      }
    });

    it("reports the stack through litellm-mcp status, from its outputs file", async () => {
      const result = await cli(stack, ["status", "--json", "--outputs", deployed.outputsFile]);
      const report = JSON.parse(result.stdout) as { checks: { name: string; ok: boolean; detail: string }[] };
      const failed = report.checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.detail}`);
      const expected = deployed.databaseNotRun ? ["proxy readiness: database Not connected"] : [];
      assert.deepEqual(failed, expected);
      assert.equal(result.status, expected.length === 0 ? 0 : 1);
      const names = report.checks.map((check) => check.name);
      for (const container of [
        deployed.outputs.containers.litellm,
        deployed.outputs.containers.postgres,
        ...Object.values(deployed.outputs.containers.mcpServers),
      ])
        assert.ok(names.includes(`container ${container}`), container);
    });

    it("prints each service's log with litellm-mcp logs", async () => {
      const expected: Record<string, RegExp> = {
        litellm: /Uvicorn running on http:\/\/0\.0\.0\.0:4000/,
        postgres: /database system is ready to accept connections/,
        context7: /\S/,
        aws_docs: /Uvicorn running on http:\/\/0\.0\.0\.0:8080|Serving|mcp-proxy|Started server process/i,
      };
      for (const [service, line] of Object.entries(expected)) {
        const result = await cli(stack, ["logs", service, "--outputs", deployed.outputsFile]);
        assert.equal(result.status, 0, `${service}: ${result.stderr}`);
        assert.match(result.stdout, line, service);
      }
    });

    it("restarts one service, and the gateway in its documented order: MCP servers first, the proxy last, each healthy again", async () => {
      const startedAt = async (container: string) =>
        new Date((await engine.docker.getContainer(container).inspect()).State.StartedAt).getTime();
      const context7 = deployed.outputs.containers.mcpServers["context7"]!;
      const before = await startedAt(context7);
      const one = await cli(stack, ["restart", "context7", "--outputs", deployed.outputsFile]);
      assert.deepEqual([one.status, one.stdout], [0, `restarting context7 (${context7})\ncontext7: restarted\n`]);
      assert.ok((await startedAt(context7)) > before);
      const all = await cli(stack, ["restart", "--outputs", deployed.outputsFile]);
      assert.equal(all.status, 0, all.stderr);
      const order = all.stdout
        .split("\n")
        .filter((line) => line.startsWith("restarting "))
        .map((line) => line.split(" ")[1]);
      assert.deepEqual(order, [...config.mcpServers.map((server) => server.name), "litellm"]);
      const times = await Promise.all(
        [
          ...config.mcpServers.map((server) => deployed.outputs.containers.mcpServers[server.name]!),
          deployed.outputs.containers.litellm,
        ].map(startedAt),
      );
      assert.deepEqual(
        [...times].sort((a, b) => a - b),
        times,
        "the containers started in another order",
      );
      for (const container of [
        ...Object.values(deployed.outputs.containers.mcpServers),
        deployed.outputs.containers.litellm,
      ]) {
        await waitHealthy(engine.docker, container);
      }
    });

    describe("the database on its volume", () => {
      const psql = (sql: string) =>
        exec(engine.docker, deployed.outputs.containers.postgres, [
          "psql",
          "-U",
          config.database.username,
          "-d",
          config.database.name,
          "-At",
          "-v",
          "ON_ERROR_STOP=1",
          "-c",
          sql,
        ]);
      const rows = async () => (await psql("SELECT id, note FROM gateway_suite_rows ORDER BY id")).output.trim();

      before(async () => {
        assert.equal(
          (
            await psql(
              "CREATE TABLE gateway_suite_rows (id int PRIMARY KEY, note text); INSERT INTO gateway_suite_rows VALUES (1, 'one'), (2, 'two'), (3, 'three')",
            )
          ).exitCode,
          0,
        );
      });

      it("backs up and restores with litellm-mcp: exactly the dumped rows come back", async () => {
        const file = join(stack.project, "suite-dev.dump");
        const backup = await cli(stack, ["backup", "--file", file, "--outputs", deployed.outputsFile]);
        assert.equal(backup.status, 0, backup.stderr);
        const dumped = await rows();
        assert.equal(
          (
            await psql(
              "UPDATE gateway_suite_rows SET note = 'changed' WHERE id = 1; DELETE FROM gateway_suite_rows WHERE id = 2; INSERT INTO gateway_suite_rows VALUES (4, 'four')",
            )
          ).exitCode,
          0,
        );
        assert.notEqual(await rows(), dumped);
        const restore = await cli(stack, ["restore", file, "--yes", "--outputs", deployed.outputsFile]);
        assert.equal(restore.status, 0, restore.stderr);
        assert.equal(await rows(), dumped);
        assert.equal(dumped, "1|one\n2|two\n3|three");
        await waitHealthy(engine.docker, deployed.outputs.containers.litellm);
      });

      it("keeps the volume, its rows and the keys across litellm-mcp down and up; the database takes the password it was given", async () => {
        // A file of the suite's own beside the database's: the same volume has it after down and up. (Docker
        // 20.10's local driver reports a volume's CreatedAt from its folder's mtime, which writes move.)
        const marker = `${POSTGRES.dataDir}/gateway-suite-marker`;
        const token = randomUUID();
        assert.equal(
          (await exec(engine.docker, deployed.outputs.containers.postgres, ["sh", "-c", `echo ${token} > ${marker}`]))
            .exitCode,
          0,
        );
        const down = await cli(stack, ["down"]);
        assert.equal(down.status, 0, down.stderr);
        assert.deepEqual(
          await objectsOf(engine.docker, stack.stack),
          [deployed.outputs.volumeName],
          "down leaves only the kept volume",
        );
        const builds = provider.builds.length;
        const again = await up(stack);
        figures.push(
          `image builds again after down (cached): ${provider.builds
            .slice(builds)
            .map((build) => `${build.imageName.split(":")[0]} ${build.seconds.toFixed(1)} s`)
            .join(", ")}`,
        );
        assert.equal(
          (await exec(engine.docker, again.outputs.containers.postgres, ["cat", marker])).output.trim(),
          token,
          "the volume was made anew",
        );
        assert.equal(again.outputs.masterKey, deployed.outputs.masterKey);
        assert.equal(await rows(), "1|one\n2|two\n3|three");
        // The URL the program gives the proxy logs in over the network with the password the volume was made with.
        const envs = reveal<string[]>(
          stack.last.resources.find((resource) => resource.name === "gateway-litellm-container")!.inputs["envs"],
        );
        const databaseUrl = envs
          .find((entry) => entry.startsWith(`${ENV.databaseUrl}=`))!
          .slice(ENV.databaseUrl.length + 1);
        const login = await exec(engine.docker, again.outputs.containers.postgres, [
          "psql",
          databaseUrl,
          "-At",
          "-c",
          "SELECT count(*) FROM gateway_suite_rows",
        ]);
        assert.deepEqual([login.exitCode, login.output.trim()], [0, "3"]);
        const stats = await engine.docker.getContainer(again.outputs.containers.litellm).stats({ stream: false });
        figures.push(
          `proxy container memory: ${Math.round(stats.memory_stats.usage / 2 ** 20)} MiB (${config.proxy.workers} worker(s))`,
        );
        deployed = again;
      });
    });

    describe("the other AWS profile mounts", () => {
      for (const mode of ["credentials", "directory"] as const) {
        it(`with mount ${mode}: the proxy sees ${mode === "credentials" ? "the config and the static keys, not the token cache" : "the whole directory, read-only"}, and signs Bedrock calls with the static keys`, async () => {
          const directory = tempDir(`litellm-mcp-aws-${mode}-`);
          writeAwsDirectory(directory, mode, sso!.url);
          const hostPort = config.docker.hostPort;
          stack.reconfigure(
            (values) =>
              (values["docker"] = {
                ...values["docker"],
                hostPort,
                awsCredentials: { ...values["docker"].awsCredentials, directory, mount: mode },
              }),
          );
          const portal = sso!.calls.length;
          const changed = await up(stack);
          const seen = (
            await exec(engine.docker, changed.outputs.containers.litellm, ["find", "/root/.aws", "-type", "f"])
          ).output
            .trim()
            .split("\n")
            .sort();
          const token = `/root/.aws/sso/cache/${createHash("sha1").update(SSO_SESSION).digest("hex")}.json`;
          assert.deepEqual(
            seen,
            mode === "credentials"
              ? ["/root/.aws/config", "/root/.aws/credentials"]
              : ["/root/.aws/config", "/root/.aws/credentials", token],
          );
          if (mode === "directory") {
            const write = await exec(engine.docker, changed.outputs.containers.litellm, [
              "touch",
              "/root/.aws/written",
            ]);
            assert.notEqual(write.exitCode, 0, "the directory is writable");
          }
          const name = modelNames(config)[0]!;
          const result = await chat(changed.outputs.proxyUrl, changed.outputs.masterKey, name);
          assert.equal(result.status, 200, result.text);
          assert.equal(sso!.calls.length, portal, "the proxy went to the SSO portal");
        });
      }
    });
  });

  describe("the dev stack with its response cache on Redis", () => {
    let stack: DockerStack;
    let deployed: Deployed;
    before(async function () {
      this.timeout(15 * 60_000);
      const hostPort = await freePort();
      stack = stackOf("suite-redis", (values) => {
        values["cache"] = { responses: true, redis: "always" };
        values["docker"] = { ...values["docker"], hostPort };
      });
      deployed = await up(stack);
    });

    it("runs Redis healthy by its own check, its port unpublished", async () => {
      const redis = await engine.docker.getContainer(deployed.outputs.containers.redis!).inspect();
      assert.equal(redis.State.Health?.Status, "healthy");
      assert.ok(
        Object.values(redis.NetworkSettings.Ports ?? {}).every(
          (bindings) => bindings === null || bindings.length === 0,
        ),
      );
    });

    it("serves a repeated completion from Redis, and litellm-mcp clear-cache empties it", async () => {
      const name = modelNames(base)[0]!;
      const content = `cache me ${Date.now()}`;
      const first = await chat(deployed.outputs.proxyUrl, deployed.outputs.masterKey, name, { content });
      const calls = bedrock.flatMap((standIn) => standIn.calls).length;
      const second = await chat(deployed.outputs.proxyUrl, deployed.outputs.masterKey, name, { content });
      assert.deepEqual([first.status, second.status, second.text], [200, 200, first.text]);
      assert.equal(bedrock.flatMap((standIn) => standIn.calls).length, calls, "the repeated call reached Bedrock");
      const cached = async () =>
        (
          await exec(engine.docker, deployed.outputs.containers.redis!, [
            "redis-cli",
            "--no-auth-warning",
            "--scan",
            "--pattern",
            "litellm.cache*",
          ])
        ).output.trim();
      assert.notEqual(await cached(), "", "no cache entry in Redis");
      const result = await cli(stack, ["clear-cache", "--outputs", deployed.outputsFile]);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /^Cleared the response cache of suite-redis in Redis/);
      assert.equal(await cached(), "");
    });

    it("prints Redis's log with litellm-mcp logs redis", async () => {
      const result = await cli(stack, ["logs", "redis", "--outputs", deployed.outputsFile]);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /Ready to accept connections/);
    });
  });

  describe("failures a user meets: one clear line each, and nothing half-made", () => {
    it("refuses a profile mount whose files are missing before anything exists, and creates no path on the host", async () => {
      const empty = tempDir("litellm-mcp-docker-nohome-");
      const stack = stackOf("suite-noaws", undefined, empty);
      const result = await cli(stack, ["up"]);
      assert.equal(result.status, 1);
      assert.match(
        result.stderr,
        /^litellm-mcp: pulumi could not update stack suite-noaws: Pulumi\.suite-noaws\.yaml: litellm-mcp:docker\.awsCredentials: mount "sso" mounts the file ~\/\.aws\/config into the proxy, and it does not exist .*: run aws configure sso --profile default to create it, or give the proxy keys with docker\.awsCredentials\.accessKeyId and secretAccessKey, which mounts nothing\n$/,
      );
      assert.equal(existsSync(join(empty, ".aws")), false, "a path was created in the home directory");
      assert.deepEqual(await objectsOf(engine.docker, stack.stack), []);
    });

    it("refuses a proxy port another program holds before anything exists", async () => {
      const holder: Server = createServer();
      const port = await freePort();
      await new Promise<void>((resolve) => holder.listen(port, "127.0.0.1", resolve));
      try {
        const stack = stackOf("suite-port", (values) => (values["docker"] = { ...values["docker"], hostPort: port }));
        const result = await cli(stack, ["up"]);
        assert.deepEqual(
          [result.status, result.stderr],
          [
            1,
            `litellm-mcp: 127.0.0.1:${port} is in use by another program on this machine (docker.hostPort of Pulumi.suite-port.yaml): stop it, or set docker.hostPort to a free port; nothing was changed\n`,
          ],
        );
        assert.deepEqual(await objectsOf(engine.docker, stack.stack), []);
      } finally {
        await new Promise((resolve) => holder.close(resolve));
      }
    });

    it("names the MCP server container that never became healthy, and down removes everything the failed up made", async function () {
      // The provider waits the container's whole waitTimeout before it gives up.
      this.timeout(10 * 60_000);
      const hostPort = await freePort();
      const stack = stackOf("suite-sick", (values) => {
        values["mcpServers"] = [{ ...values["mcpServers"][0], healthPath: "/not-a-health-path" }];
        values["docker"] = { ...values["docker"], hostPort };
      });
      const result = await cli(stack, ["up"]);
      const container = dockerNames("suite-sick").mcp("context7");
      assert.equal(result.status, 1);
      const lines = result.stderr.trimEnd().split("\n");
      assert.equal(
        lines[0],
        `context7 (container ${container}) is unhealthy; its health check of http://127.0.0.1:8080/not-a-health-path exited 1 and printed nothing; see litellm-mcp logs context7 --stack suite-sick`,
      );
      assert.match(
        lines[1]!,
        new RegExp(
          `^litellm-mcp: pulumi could not update stack suite-sick: creating docker:index/container:Container gateway-mcp-context7-container: container ${container} failed to be in a healthy state`,
        ),
      );
      assert.equal(lines.length, 2);
      assert.ok(
        !(await objectsOf(engine.docker, stack.stack)).includes(dockerNames("suite-sick").litellm),
        "the proxy was started without its MCP server",
      );
      const down = await cli(stack, ["down"]);
      assert.equal(down.status, 0, down.stderr);
      // The kept volume is the data the stack file keeps on purpose (docker.retainVolume).
      assert.deepEqual(await objectsOf(engine.docker, stack.stack), [dockerNames("suite-sick").volume]);
    });

    it("says the engine does not answer, and changes nothing, when Docker is not running", async () => {
      const gone = `unix://${join(tempDir("litellm-mcp-no-docker-"), "docker.sock")}`;
      const stack = stackOf("suite-noengine");
      const up = await cli(stack, ["up"], { DOCKER_HOST: gone });
      assert.equal(up.status, 1);
      assert.match(
        up.stderr,
        /^litellm-mcp: cannot reach the Docker daemon at .*docker\.sock: no such socket; start Docker \(Docker Desktop, or sudo systemctl start docker\), or point DOCKER_HOST at the daemon\n$/,
      );
      assert.throws(() => stack.last, /has not been deployed/);
      const outputs = join(stack.project, "outputs.json");
      const names = dockerNames(stack.stack);
      const containers = {
        litellm: names.litellm,
        postgres: names.postgres,
        mcpServers: { context7: names.mcp("context7") },
      };
      writeFileSync(
        outputs,
        JSON.stringify({
          target: "docker",
          proxyUrl: "http://127.0.0.1:4000",
          mcpGatewayUrl: "http://127.0.0.1:4000/mcp",
          containers,
          configYaml: "",
        }),
      );
      const logs = await cli(stack, ["logs", "litellm", "--outputs", outputs], { DOCKER_HOST: gone });
      assert.equal(logs.status, 1);
      assert.equal(logs.stderr.split("\n").length, 2, logs.stderr);
    });
  });
});

async function waitHealthy(docker: Docker, container: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const state = (await docker.getContainer(container).inspect()).State;
    if (state.Health?.Status === "healthy") return;
    if (Date.now() > deadline) throw new Error(`${container} is ${state.Health?.Status ?? state.Status} after 180 s`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
