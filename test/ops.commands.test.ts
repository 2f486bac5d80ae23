import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { localProcesses } from "../ops/local";
import type { AwsPort } from "../ops/aws";
import type { Backend } from "../ops/backend";
import { run } from "../ops/cli";
import type { Deps } from "../ops/context";
import type { ContainerState, DockerPort } from "../ops/docker";
import { OpsError } from "../ops/errors";
import type { BedrockSender } from "../ops/models";
import { BedrockControlPlaneStandIn } from "./support/bedrock";
import type { Outputs, PulumiPort } from "../ops/pulumi";
import type { RegistryPort } from "../ops/registry";
import type { ReleasesPort } from "../ops/releases";
import { Cosign, type SignaturePort } from "../ops/cosign";
import { type LiteLLMStandIn, startDockerStandIn, startLiteLLMStandIn } from "./support/standins";
import { PROJECT_DIR, type Values, variant } from "./support/stacks";
import { stringify } from "yaml";
import { DockerEngine, dockerConnection } from "../ops/docker";
import { tempDir } from "./support/tempDirs";

const KEY = "sk-test-master-key";

/** A stand-in for Pulumi: records what it was asked and answers with the given outputs. */
class FakePulumi implements PulumiPort {
  readonly calls: string[] = [];
  backend?: Backend;
  /** Whether a preview finds changes. */
  changes = true;
  /** What `up` fails with, if it fails. */
  upFailure?: Error;
  constructor(public stackOutputs: Outputs | Error) {}
  async outputs(stack: string): Promise<Outputs> {
    this.calls.push(`outputs ${stack}`);
    if (this.stackOutputs instanceof Error) throw this.stackOutputs;
    return this.stackOutputs;
  }
  async up(stack: string, write: (text: string) => void, options: { policyPack?: string } = {}) {
    this.calls.push(`up ${stack}${policyOf(options)}`);
    if (this.upFailure) throw this.upFailure;
    write("Updating (dev)\n+ 20 created\n");
  }
  async preview(stack: string, write: (text: string) => void, options: { policyPack?: string } = {}) {
    this.calls.push(`preview ${stack}${policyOf(options)}`);
    write("Previewing update (dev)\n");
    return { changes: this.changes };
  }
  async destroy(
    stack: string,
    write: (text: string) => void,
    options: { keepProtected: boolean; onSelected?: () => void },
  ) {
    options.onSelected?.();
    this.calls.push(`destroy ${stack}${options.keepProtected ? " --exclude-protected" : ""}`);
    write("Destroying (dev)\n");
  }
  async passthrough(stack: string, args: string[]) {
    this.calls.push(`pulumi ${args.join(" ")} --stack ${stack}`);
    return 3;
  }
}

function policyOf(options: { policyPack?: string }): string {
  return options.policyPack === undefined
    ? ""
    : ` --policy-pack ${options.policyPack === `${PROJECT_DIR}/policy` ? "policy" : options.policyPack}`;
}

const outputsOf = (values: Record<string, unknown>): Outputs =>
  Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { value, secret: key === "masterKey" }]));

function dockerOutputs(proxyUrl: string, extra: Record<string, unknown> = {}): Outputs {
  return outputsOf({
    target: "docker",
    proxyUrl,
    mcpGatewayUrl: `${proxyUrl}/mcp`,
    masterKey: KEY,
    containers: {
      litellm: "litellm-mcp-dev-litellm",
      postgres: "litellm-mcp-dev-postgres",
      mcpServers: { context7: "litellm-mcp-dev-mcp-context7" },
    },
    configYaml: "litellm_settings:\n  drop_params: true\n",
    ...extra,
  });
}

function awsOutputs(): Outputs {
  return outputsOf({
    target: "aws",
    proxyUrl: "https://gateway.example.com",
    mcpGatewayUrl: "https://gateway.example.com/mcp",
    masterKeySecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:litellm-mcp/test/master-key-AbCdEf",
    region: "us-east-1",
    clusterName: "cluster-1",
    services: { proxy: "proxy-svc", mcpServers: { context7: "context7-svc", aws_docs: "docs-svc" } },
    logGroups: {
      proxy: "/litellm-mcp/test/proxy",
      mcpServers: { context7: "/litellm-mcp/test/mcp/context7", aws_docs: "/litellm-mcp/test/mcp/aws_docs" },
    },
    configYaml: "litellm_settings:\n  cache: true\n  cache_params:\n    type: redis\n",
  });
}

/** An AWS port that gives the master key and no services or logs, and fails on anything else a test does not give it. */
function fakeAws(given: Partial<AwsPort>): AwsPort {
  return {
    masterKey: async () => KEY,
    services: async () => [],
    logs: async () => undefined,
    restart: () => assert.fail("not restarting"),
    migrate: () => assert.fail("not migrating"),
    smoke: () => assert.fail("not running the smoke task"),
    applyDatabaseParameters: () => assert.fail("not rebooting"),
    snapshotDatabase: () => assert.fail("not taking a snapshot"),
    databaseSnapshots: () => assert.fail("not listing snapshots"),
    ...given,
  };
}

/** A Docker port that finds no containers, and fails on anything else a test does not give it. */
function fakeDocker(given: Partial<DockerPort>): DockerPort {
  return {
    local: true,
    ping: async () => undefined,
    inspect: async () => undefined,
    logs: () => assert.fail("not reading logs"),
    restart: () => assert.fail("not restarting"),
    stop: () => assert.fail("not stopping"),
    start: () => assert.fail("not starting"),
    exec: () => assert.fail("not running a command"),
    ...given,
  };
}

interface Harness {
  pulumi: FakePulumi;
  /** The terminal's answers, in order; no terminal when absent. */
  answers?: string[];
  docker?: DockerPort;
  aws?: AwsPort;
  bedrock?: (region: string) => BedrockSender;
  /** The project folder the command runs in; the project itself when absent. */
  cwd?: string;
  registry?: RegistryPort;
  releases?: ReleasesPort;
  signatures?: SignaturePort;
  /** More of the environment the command sees. */
  env?: NodeJS.ProcessEnv;
  /** Host ports that are not free, by address:port; every other is free. */
  ports?: Record<string, "taken" | "no such address">;
}

async function cli(args: string[], harness: Harness) {
  let stdout = "";
  let stderr = "";
  const deps: Deps = {
    pulumi: (_project, backend) => {
      harness.pulumi.backend = backend;
      return harness.pulumi;
    },
    docker: () => harness.docker ?? assert.fail("no Docker here"),
    aws: () => harness.aws ?? assert.fail("no AWS here"),
    registry: () => harness.registry ?? assert.fail("no registry here"),
    releases: () => harness.releases ?? assert.fail("no PyPI here"),
    signatures: () => harness.signatures ?? assert.fail("no cosign here"),
    local: localProcesses,
    portState: async (address, port) => harness.ports?.[`${address}:${port}`] ?? "free",
    bedrock: (region) => harness.bedrock?.(region) ?? assert.fail("no Bedrock here"),
    async build(project, write) {
      harness.pulumi.calls.push(`build ${project === PROJECT_DIR ? "project" : project}`);
      write("");
    },
    timeoutMs: 2_000,
  };
  const answers = harness.answers;
  const io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd: harness.cwd ?? PROJECT_DIR,
    env: { PULUMI_BACKEND_URL: "file:///tmp/state", ...harness.env },
    ...(answers
      ? {
          ask: async (question: string) => {
            stdout += question;
            return answers.shift() ?? "";
          },
        }
      : {}),
  };
  const status = await run(args, io, deps);
  return { status, stdout, stderr };
}

describe("operations commands", () => {
  describe("up, preview, down", () => {
    it("builds the program if needed, deploys the dev stack by default and says where it answers", async () => {
      const pulumi = new FakePulumi(dockerOutputs("http://127.0.0.1:4000"));
      const result = await cli(["up"], { pulumi, docker: fakeDocker({}) });
      assert.equal(result.status, 0);
      assert.deepEqual(pulumi.calls, ["build project", "up dev", "outputs dev"]);
      assert.equal(
        result.stdout,
        "Deploying stack dev (docker target)\nUpdating (dev)\n+ 20 created\n\nStack dev is up: proxy http://127.0.0.1:4000, MCP gateway http://127.0.0.1:4000/mcp\nCheck it: litellm-mcp status --stack dev\n",
      );
    });

    it("validates the stack file before Pulumi runs", async () => {
      const pulumi = new FakePulumi(dockerOutputs("http://127.0.0.1:4000"));
      const result = await cli(["up", "--stack", "nope"], { pulumi });
      assert.equal(result.status, 2);
      assert.match(result.stderr, /^litellm-mcp: no stack file Pulumi\.nope\.yaml/);
      assert.deepEqual(pulumi.calls, []);
    });

    describe("a Docker stack's machine, before anything changes", () => {
      it("refuses, in one line, a host port another program holds, and never runs Pulumi", async () => {
        const pulumi = new FakePulumi(dockerOutputs("http://127.0.0.1:4000"));
        const result = await cli(["up"], { pulumi, docker: fakeDocker({}), ports: { "127.0.0.1:4000": "taken" } });
        assert.deepEqual(
          [result.status, result.stderr],
          [
            1,
            "litellm-mcp: 127.0.0.1:4000 is in use by another program on this machine (docker.hostPort of Pulumi.dev.yaml): stop it, or set docker.hostPort to a free port; nothing was changed\n",
          ],
        );
        assert.deepEqual(pulumi.calls, ["build project"]);
      });

      it("goes on when the port is held by the stack's own proxy, which the update replaces", async () => {
        const pulumi = new FakePulumi(dockerOutputs("http://127.0.0.1:4000"));
        const own = fakeDocker({
          inspect: async (name) =>
            name === "litellm-mcp-dev-litellm"
              ? { status: "running", health: "healthy", restartCount: 0, published: [4000] }
              : undefined,
        });
        const result = await cli(["up"], { pulumi, docker: own, ports: { "127.0.0.1:4000": "taken" } });
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(pulumi.calls, ["build project", "up dev", "outputs dev"]);
      });

      it("refuses a bind address this machine does not have", async () => {
        const pulumi = new FakePulumi(dockerOutputs("http://127.0.0.1:4000"));
        const result = await cli(["up"], {
          pulumi,
          docker: fakeDocker({}),
          ports: { "127.0.0.1:4000": "no such address" },
        });
        assert.equal(result.status, 1);
        assert.match(
          result.stderr,
          /^litellm-mcp: 127\.0\.0\.1 is not an address of this machine, so Docker cannot publish docker\.hostPort there/,
        );
        assert.deepEqual(pulumi.calls, ["build project"]);
      });

      it("does not look at this machine's ports for a daemon elsewhere (ssh, tcp to another host)", async () => {
        const pulumi = new FakePulumi(dockerOutputs("http://127.0.0.1:4000"));
        const result = await cli(["up"], {
          pulumi,
          docker: { ...fakeDocker({}), local: false },
          ports: { "127.0.0.1:4000": "taken" },
        });
        assert.equal(result.status, 0, result.stderr);
      });

      it("says the daemon does not answer, and never runs Pulumi", async () => {
        const pulumi = new FakePulumi(dockerOutputs("http://127.0.0.1:4000"));
        const down = fakeDocker({
          ping: async () =>
            Promise.reject(
              new OpsError("cannot reach the Docker daemon at /var/run/docker.sock: no such socket; start Docker"),
            ),
        });
        const result = await cli(["up"], { pulumi, docker: down });
        assert.deepEqual(
          [result.status, result.stderr],
          [1, "litellm-mcp: cannot reach the Docker daemon at /var/run/docker.sock: no such socket; start Docker\n"],
        );
        assert.deepEqual(pulumi.calls, ["build project"]);
      });

      it("names each container that exited or never became healthy when the update fails, with its health check's last words", async () => {
        const pulumi = new FakePulumi(dockerOutputs("http://127.0.0.1:4000"));
        pulumi.upFailure = new OpsError("pulumi could not update stack dev: container failed to be in a healthy state");
        const states: Record<string, ContainerState> = {
          "litellm-mcp-dev-postgres": { status: "running", health: "healthy", restartCount: 0, published: [] },
          "litellm-mcp-dev-mcp-context7": {
            status: "running",
            health: "unhealthy",
            failedHealthCheck: { exitCode: 1, url: "http://127.0.0.1:8080/ping", output: "" },
            restartCount: 0,
            published: [],
          },
          "litellm-mcp-dev-mcp-aws-docs": { status: "exited", exitCode: 1, restartCount: 3, published: [] },
        };
        const result = await cli(["up"], { pulumi, docker: fakeDocker({ inspect: async (name) => states[name] }) });
        assert.equal(result.status, 1);
        assert.equal(
          result.stderr,
          [
            "context7 (container litellm-mcp-dev-mcp-context7) is unhealthy; its health check of http://127.0.0.1:8080/ping exited 1 and printed nothing; see litellm-mcp logs context7 --stack dev",
            "aws_docs (container litellm-mcp-dev-mcp-aws-docs) exited with exit code 1 after 3 restart(s); see litellm-mcp logs aws_docs --stack dev",
            "litellm-mcp: pulumi could not update stack dev: container failed to be in a healthy state",
            "",
          ].join("\n"),
        );
      });
    });

    it("previews a stack", async () => {
      const pulumi = new FakePulumi({});
      const result = await cli(["preview", "--stack", "prod"], { pulumi });
      assert.deepEqual([result.status, pulumi.calls], [0, ["build project", "preview prod --policy-pack policy"]]);
    });

    it("deploys an AWS stack only after a preview with the policy pack and the stack's name typed back", async () => {
      const pulumi = new FakePulumi(awsOutputs());
      const result = await cli(["up", "--stack", "prod"], { pulumi, answers: ["prod"] });
      assert.equal(result.status, 0);
      assert.deepEqual(pulumi.calls, [
        "build project",
        "preview prod --policy-pack policy",
        "up prod --policy-pack policy",
        "outputs prod",
      ]);
      assert.match(
        result.stdout,
        /^Previewing stack prod \(aws target\) with the policy pack\nPreviewing update \(dev\)\nDeploy these changes to prod\? Type the stack name to confirm: Deploying stack prod \(aws target\)\n/,
      );
    });

    it("deploys nothing on another answer, and nothing without a terminal unless --yes", async () => {
      const declined = new FakePulumi(awsOutputs());
      const no = await cli(["up", "--stack", "prod"], { pulumi: declined, answers: ["yes"] });
      assert.equal(no.status, 1);
      assert.match(no.stdout, /Not deployed: the answer was not "prod"\n$/);
      assert.deepEqual(declined.calls, ["build project", "preview prod --policy-pack policy"]);

      const unattended = new FakePulumi(awsOutputs());
      const refused = await cli(["up", "--stack", "test"], { pulumi: unattended });
      assert.deepEqual(
        [refused.status, refused.stderr],
        [2, "litellm-mcp: refusing to deploy the AWS stack test without a yes: run it on a terminal, or pass --yes\n"],
      );
      assert.deepEqual(unattended.calls, ["build project", "preview test --policy-pack policy"]);

      const confirmed = new FakePulumi(awsOutputs());
      assert.equal((await cli(["up", "--stack", "test", "--yes"], { pulumi: confirmed })).status, 0);
      assert.deepEqual(confirmed.calls, [
        "build project",
        "preview test --policy-pack policy",
        "up test --policy-pack policy",
        "outputs test",
      ]);
    });

    it("stops after the preview when an AWS stack is up to date", async () => {
      const pulumi = new FakePulumi(awsOutputs());
      pulumi.changes = false;
      const result = await cli(["up", "--stack", "prod"], { pulumi, answers: [] });
      assert.equal(result.status, 0);
      assert.match(result.stdout, /Stack prod is up to date: nothing to deploy\n$/);
      assert.deepEqual(pulumi.calls, ["build project", "preview prod --policy-pack policy"]);
    });

    it("says what destroying the dev stack keeps", async () => {
      const pulumi = new FakePulumi({});
      const result = await cli(["down"], { pulumi });
      assert.equal(result.status, 0);
      assert.equal(
        result.stdout.split("\n")[0],
        "Destroying stack dev. It keeps the Postgres volume litellm-mcp-dev-pgdata (docker.retainVolume) and the keys and password that read it, so the next up finds its data; keeps the pulled images.",
      );
      assert.deepEqual(pulumi.calls, ["destroy dev --exclude-protected"]);
    });

    it("refuses to destroy an AWS stack without --yes, and says what prod keeps with it", async () => {
      const pulumi = new FakePulumi({});
      assert.deepEqual(await cli(["down", "--stack", "prod"], { pulumi }), {
        status: 2,
        stdout: "",
        stderr: "litellm-mcp: refusing to destroy the AWS stack prod without --yes\n",
      });
      const result = await cli(["down", "--stack", "prod", "--yes"], { pulumi });
      assert.equal(
        result.stdout.split("\n")[0],
        "Destroying stack prod. It takes a final database snapshot (litellm-mcp-prod-final-<suffix of this database>); keeps the master and salt keys, in the stack and in Secrets Manager, for the data that outlives it; cannot delete the database while its deletion protection is on (set aws.database.deletionProtection: false and run up first); keeps the secrets restorable for 30 days; keeps the config bucket, whose versions must be emptied before it can go.",
      );
    });

    it("keeps protected keys only where their data outlives the stack", async () => {
      const pulumi = new FakePulumi({});
      await cli(["down", "--stack", "prod", "--yes"], { pulumi });
      await cli(["down", "--stack", "test", "--yes"], { pulumi });
      // prod's database keeps a final snapshot and its deletion protection; test's goes with the stack.
      assert.deepEqual(pulumi.calls, ["destroy prod --exclude-protected", "destroy test"]);
    });

    it("runs any Pulumi command with the stack's backend and returns its exit status", async () => {
      const pulumi = new FakePulumi({});
      const result = await cli(["pulumi", "--", "config", "set", "--secret", "context7ApiKey", "x"], { pulumi });
      assert.equal(result.status, 3);
      assert.deepEqual(pulumi.calls, ["pulumi config set --secret context7ApiKey x --stack dev"]);
      assert.equal(pulumi.backend?.description, "file:///tmp/state");
    });

    it("says the Pulumi CLI is missing in one line", async () => {
      const pulumi = new FakePulumi(
        new OpsError("the Pulumi CLI is not installed; see https://www.pulumi.com/docs/install/"),
      );
      assert.deepEqual(await cli(["status"], { pulumi }), {
        status: 1,
        stdout: "",
        stderr: "litellm-mcp: the Pulumi CLI is not installed; see https://www.pulumi.com/docs/install/\n",
      });
    });
  });

  describe("status (against the LiteLLM stand-in)", () => {
    let proxy: LiteLLMStandIn;
    let docker: Awaited<ReturnType<typeof startDockerStandIn>>;
    before(async () => {
      proxy = await startLiteLLMStandIn({
        masterKey: KEY,
        models: ["claude-3-7-sonnet-us"],
        database: "connected",
        cache: "none",
        mcpServers: {},
      });
      docker = await startDockerStandIn({
        "litellm-mcp-dev-litellm": { status: "running", health: "healthy" },
        "litellm-mcp-dev-postgres": { status: "running", health: "healthy" },
        "litellm-mcp-dev-mcp-context7": { status: "running", health: "healthy" },
      });
    });
    after(async () => Promise.all([proxy.stop(), docker.stop()]));

    it("fails, exit 1, when an MCP server does not answer through the gateway, and names it", async () => {
      const result = await cli(["status"], {
        pulumi: new FakePulumi(dockerOutputs(proxy.url)),
        docker: new DockerEngine(dockerConnection({ DOCKER_HOST: `unix://${docker.socketPath}` })),
      });
      assert.equal(result.status, 1);
      assert.match(result.stdout, /^CHECK +RESULT +LATENCY +DETAIL\n/);
      assert.match(result.stdout, /\nproxy readiness +ok +\d+ ms +database connected, LiteLLM 1\.108\.7\n/);
      assert.match(result.stdout, /\nmcp context7 +FAIL +\d+ ms +HTTP 404: MCP server not found\n/);
      assert.match(result.stdout, /\ncontainer litellm-mcp-dev-mcp-context7 +ok +- +running, healthy\n/);
      assert.match(result.stdout, /\ndev: 1 check\(s\) failed\n$/);
      assert.ok(!result.stdout.includes(KEY) && !result.stderr.includes(KEY), "the key is never printed");
    });

    it("is healthy, exit 0, and prints JSON with --json", async () => {
      const outputs = dockerOutputs(proxy.url, {
        containers: { litellm: "litellm-mcp-dev-litellm", postgres: "litellm-mcp-dev-postgres", mcpServers: {} },
      });
      const result = await cli(["status", "--json"], {
        pulumi: new FakePulumi(outputs),
        docker: new DockerEngine(dockerConnection({ DOCKER_HOST: `unix://${docker.socketPath}` })),
      });
      assert.equal(result.status, 0, result.stdout);
      const report = JSON.parse(result.stdout) as {
        stack: string;
        healthy: boolean;
        checks: { name: string; ok: boolean }[];
      };
      assert.deepEqual([report.stack, report.healthy], ["dev", true]);
      assert.deepEqual(
        report.checks.map((check) => check.name),
        [
          "proxy liveness",
          "proxy readiness",
          "models",
          "container litellm-mcp-dev-litellm",
          "container litellm-mcp-dev-postgres",
        ],
      );
    });

    it("reports a wrong key as a failed model check", async () => {
      const outputs = dockerOutputs(proxy.url, {
        masterKey: "sk-wrong",
        containers: { litellm: "litellm-mcp-dev-litellm", postgres: "litellm-mcp-dev-postgres", mcpServers: {} },
      });
      const result = await cli(["status"], {
        pulumi: new FakePulumi(outputs),
        docker: new DockerEngine(dockerConnection({ DOCKER_HOST: `unix://${docker.socketPath}` })),
      });
      assert.equal(result.status, 1);
      assert.match(result.stdout, /\nmodels +FAIL +\d+ ms +the proxy refused the key \(HTTP 401\)\n/);
    });

    it("says a stack was never deployed", async () => {
      assert.deepEqual(await cli(["status"], { pulumi: new FakePulumi({}) }), {
        status: 1,
        stdout: "",
        stderr: "litellm-mcp: stack dev has no outputs: it has not been deployed yet (litellm-mcp up --stack dev)\n",
      });
    });

    it("reads the master key of an AWS stack from Secrets Manager and counts ECS tasks", async () => {
      const keysRead: string[] = [];
      const aws = fakeAws({
        async masterKey(arn) {
          keysRead.push(arn);
          return KEY;
        },
        async services(_cluster, names) {
          return names.map((name) => ({
            name,
            status: "ACTIVE",
            running: name === "docs-svc" ? 0 : 1,
            desired: 1,
            pending: 0,
            deployments: 1,
          }));
        },
        logs: () => assert.fail("not reading logs"),
      });
      const outputs = awsOutputs();
      (outputs["proxyUrl"] as { value: string }).value = proxy.url;
      (outputs["mcpGatewayUrl"] as { value: string }).value = `${proxy.url}/mcp`;
      (outputs["services"] as { value: unknown }).value = { proxy: "proxy-svc", mcpServers: { aws_docs: "docs-svc" } };
      const result = await cli(["status", "--stack", "test"], { pulumi: new FakePulumi(outputs), aws });
      assert.equal(result.status, 1);
      assert.deepEqual(keysRead, [
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:litellm-mcp/test/master-key-AbCdEf",
      ]);
      assert.match(result.stdout, /\nmodels +ok +\d+ ms +1 model\(s\): claude-3-7-sonnet-us\n/);
      assert.match(result.stdout, /\nservice proxy-svc +ok +- +1\/1 running\n/);
      assert.match(result.stdout, /\nservice docs-svc +FAIL +- +0\/1 running\n/);
    });
  });

  describe("smoke", () => {
    const vpcOutputs = () => {
      const outputs = awsOutputs();
      outputs["smoke"] = {
        secret: false,
        value: {
          from: "vpc",
          taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/litellm-mcp-test-smoke:2",
          subnets: ["subnet-0a1b", "subnet-0c2d"],
          securityGroups: ["sg-0456"],
        },
      };
      return outputs;
    };
    const line = (check: string, ok: boolean, detail: string) => JSON.stringify({ check, ok, latencyMs: 12, detail });

    it("on AWS runs the smoke task in the VPC and prints its checks; this machine reads no key and reaches no gateway", async () => {
      const runs: unknown[] = [];
      const aws = fakeAws({
        masterKey: () => assert.fail("the task reads the key itself"),
        async smoke(target, log, progress) {
          runs.push({ target, log });
          progress("smoke task 7d1e0b3a started");
          return {
            taskId: "7d1e0b3a",
            exitCode: 0,
            lines: [
              line("proxy liveness", true, "alive"),
              line("call claude-sonnet-us", true, "answered"),
              line("mcp aws_docs", true, "awslabs 1.0: 4 tool(s)"),
              '{"smoke": "passed", "failed": []}',
            ],
          };
        },
      });
      const result = await cli(["smoke", "--stack", "test"], { pulumi: new FakePulumi(vpcOutputs()), aws });
      assert.equal(result.status, 0, result.stdout);
      assert.deepEqual(runs, [
        {
          target: {
            cluster: "cluster-1",
            taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/litellm-mcp-test-smoke:2",
            subnets: ["subnet-0a1b", "subnet-0c2d"],
            securityGroups: ["sg-0456"],
          },
          log: { group: "/litellm-mcp/test/proxy", streamPrefix: "smoke" },
        },
      ]);
      assert.equal(result.stderr, "smoke task 7d1e0b3a started\n");
      assert.match(
        result.stdout,
        /^CHECK +RESULT +LATENCY +DETAIL\nproxy liveness +ok +12 ms +alive\ncall claude-sonnet-us +ok +12 ms +answered\nmcp aws_docs +ok +12 ms +awslabs 1\.0: 4 tool\(s\)\n\ntest: healthy\n$/,
      );
    });

    it("fails, exit 1, on a failed check the task reported, and on a task that never ran", async () => {
      const failed = fakeAws({
        smoke: async () => ({
          taskId: "7d1e0b3a",
          exitCode: 1,
          lines: [
            line("call claude-sonnet-us", false, "AccessDeniedException: not authorized"),
            '{"smoke": "failed", "failed": ["call claude-sonnet-us"]}',
          ],
        }),
      });
      const result = await cli(["smoke", "--stack", "test"], { pulumi: new FakePulumi(vpcOutputs()), aws: failed });
      assert.equal(result.status, 1);
      assert.match(
        result.stdout,
        /\ncall claude-sonnet-us +FAIL +12 ms +AccessDeniedException: not authorized\n\ntest: 1 check\(s\) failed\n$/,
      );
      const unpulled = fakeAws({
        smoke: async () => ({ taskId: "7d1e0b3a", reason: "CannotPullContainerError: pull access denied", lines: [] }),
      });
      const json = await cli(["smoke", "--stack", "test", "--json"], {
        pulumi: new FakePulumi(vpcOutputs()),
        aws: unpulled,
      });
      assert.equal(json.status, 1);
      assert.deepEqual(JSON.parse(json.stdout), {
        stack: "test",
        healthy: false,
        checks: [
          {
            name: "smoke task 7d1e0b3a",
            ok: false,
            detail: "it did not run: CannotPullContainerError: pull access denied",
          },
        ],
      });
    });

    it("checks from this machine, calling each model once, when the stack says so or was deployed before its smoke task", async () => {
      const proxy = await startLiteLLMStandIn({
        masterKey: KEY,
        models: ["claude-sonnet-us"],
        database: "connected",
        cache: "none",
        mcpServers: {},
      });
      try {
        const aws = fakeAws({
          smoke: () => assert.fail("no smoke task"),
          services: async (_cluster, names) =>
            names.map((name) => ({ name, status: "ACTIVE", running: 1, desired: 1, pending: 0, deployments: 1 })),
        });
        for (const smoke of [{ from: "runner" }, undefined]) {
          const outputs = awsOutputs();
          (outputs["proxyUrl"] as { value: string }).value = proxy.url;
          (outputs["mcpGatewayUrl"] as { value: string }).value = `${proxy.url}/mcp`;
          (outputs["services"] as { value: unknown }).value = { proxy: "proxy-svc", mcpServers: {} };
          if (smoke) outputs["smoke"] = { secret: false, value: smoke };
          const result = await cli(["smoke", "--stack", "test"], { pulumi: new FakePulumi(outputs), aws });
          assert.equal(result.status, 0, result.stdout);
          assert.match(result.stdout, /\ncall claude-sonnet-us +ok +\d+ ms +answered\n/);
          assert.equal(
            result.stderr,
            smoke
              ? ""
              : "test was deployed before its smoke task existed: checking from this machine (litellm-mcp up adds the task)\n",
          );
        }
        assert.equal(proxy.requests.filter((request) => request === "POST /v1/chat/completions").length, 2);
      } finally {
        await proxy.stop();
      }
    });
  });

  describe("logs, restart, clear-cache", () => {
    it("reads a container's logs since a duration ago, and refuses an unknown service or duration", async () => {
      const calls: string[] = [];
      const docker = fakeDocker({
        async logs(container, options) {
          calls.push(`${container} follow=${options.follow} since=${options.since !== undefined}`);
          options.write("hello");
        },
      });
      const pulumi = new FakePulumi(dockerOutputs("http://127.0.0.1:4000"));
      assert.deepEqual(await cli(["logs", "context7", "--since", "10m", "--follow"], { pulumi, docker }), {
        status: 0,
        stdout: "hello\n",
        stderr: "",
      });
      assert.deepEqual(calls, ["litellm-mcp-dev-mcp-context7 follow=true since=true"]);
      assert.deepEqual(await cli(["logs", "nginx"], { pulumi, docker }), {
        status: 2,
        stdout: "",
        stderr: 'litellm-mcp: unknown service "nginx"; this stack has: litellm, postgres, context7\n',
      });
      assert.equal((await cli(["logs", "litellm", "--since", "yesterday"], { pulumi, docker })).status, 2);
      assert.equal(
        (await cli(["logs"], { pulumi, docker })).stderr,
        "litellm-mcp: expected 1 argument(s), got 0; usage: litellm-mcp logs <service> [--stack <name>] [--follow] [--since <10m|2h|1d|ISO time>] [--outputs <file>]\n",
      );
    });

    it("reads an AWS service's log group and explains where the database's logs are", async () => {
      const groups: string[] = [];
      const aws = fakeAws({
        restart: async () => undefined,
        migrate: async () => undefined,
        async logs(group) {
          groups.push(group);
        },
      });
      const pulumi = new FakePulumi(awsOutputs());
      assert.equal((await cli(["logs", "aws_docs", "--stack", "test"], { pulumi, aws })).status, 0);
      assert.deepEqual(groups, ["/litellm-mcp/test/mcp/aws_docs"]);
      assert.deepEqual(await cli(["logs", "postgres", "--stack", "test"], { pulumi, aws }), {
        status: 1,
        stdout: "",
        stderr:
          "litellm-mcp: postgres runs as a managed AWS service on the test stack: see its events in the RDS or ElastiCache console\n",
      });
    });

    it("restarts the MCP servers first and the proxy last, or just the one named, Postgres included", async () => {
      const restarted: string[] = [];
      const docker = fakeDocker({ restart: async (container) => void restarted.push(container) });
      const pulumi = new FakePulumi(dockerOutputs("http://127.0.0.1:4000"));
      assert.equal((await cli(["restart"], { pulumi, docker })).status, 0);
      assert.deepEqual(restarted, ["litellm-mcp-dev-mcp-context7", "litellm-mcp-dev-litellm"]);
      restarted.length = 0;
      const result = await cli(["restart", "litellm"], { pulumi, docker });
      assert.deepEqual(
        [result.stdout, restarted],
        ["restarting litellm (litellm-mcp-dev-litellm)\nlitellm: restarted\n", ["litellm-mcp-dev-litellm"]],
      );
      restarted.length = 0;
      await cli(["restart", "postgres"], { pulumi, docker });
      assert.deepEqual(restarted, ["litellm-mcp-dev-postgres"]);
    });

    it("forces new ECS deployments, MCP servers first, printing progress", async () => {
      const restarted: string[] = [];
      const aws = fakeAws({
        async restart(cluster, service, progress) {
          restarted.push(`${cluster}/${service}`);
          progress(`${service}: stable`);
        },
      });
      const result = await cli(["restart", "--stack", "test"], { pulumi: new FakePulumi(awsOutputs()), aws });
      assert.equal(result.status, 0);
      assert.deepEqual(restarted, ["cluster-1/context7-svc", "cluster-1/docs-svc", "cluster-1/proxy-svc"]);
      assert.equal(result.stdout, "context7-svc: stable\ndocs-svc: stable\nproxy-svc: stable\n");
    });

    it("restarts from an outputs file (pulumi stack output --json) without reading the stack's state", async () => {
      const restarted: string[] = [];
      const aws = fakeAws({
        async restart(cluster, service) {
          restarted.push(`${cluster}/${service}`);
        },
      });
      const file = join(tempDir("litellm-mcp-outputs-"), "outputs.json");
      writeFileSync(
        file,
        JSON.stringify(Object.fromEntries(Object.entries(awsOutputs()).map(([name, output]) => [name, output.value]))),
      );
      const pulumi = new FakePulumi(new Error("the state is not reachable"));
      const result = await cli(["restart", "aws_docs", "--stack", "test", "--outputs", file], { pulumi, aws });
      assert.deepEqual([result.status, restarted, pulumi.calls], [0, ["cluster-1/docs-svc"], []], result.stderr);
    });

    it("runs the migration task pulumi up asks for, and refuses arguments it cannot use", async () => {
      const migrations: string[] = [];
      const aws = fakeAws({
        async migrate(target, progress) {
          migrations.push(JSON.stringify(target));
          progress("migration: done");
        },
      });
      const args = [
        "migrate",
        "--region",
        "us-east-1",
        "--cluster",
        "arn:aws:ecs:us-east-1:123456789012:cluster/litellm-mcp-test",
        "--task-definition",
        "arn:aws:ecs:us-east-1:123456789012:task-definition/litellm-mcp-test-migrate:7",
        "--subnets",
        "subnet-0a1b,subnet-0c2d",
        "--security-group",
        "sg-0123",
      ];
      const result = await cli(args, { pulumi: new FakePulumi({}), aws });
      assert.deepEqual(result, { status: 0, stdout: "migration: done\n", stderr: "" });
      assert.deepEqual(
        migrations.map((text) => JSON.parse(text)),
        [
          {
            cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/litellm-mcp-test",
            taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/litellm-mcp-test-migrate:7",
            subnets: ["subnet-0a1b", "subnet-0c2d"],
            securityGroups: ["sg-0123"],
          },
        ],
      );
      const unrevisioned = await cli(
        args.map((arg) => arg.replace(/:7$/, "")),
        { pulumi: new FakePulumi({}), aws },
      );
      assert.deepEqual(unrevisioned, {
        status: 2,
        stdout: "",
        stderr:
          'litellm-mcp: --task-definition: expected a task definition ARN with its revision, got "arn:aws:ecs:us-east-1:123456789012:task-definition/litellm-mcp-test-migrate"\n',
      });
      assert.equal(migrations.length, 1);
    });

    it("applies database parameters for pulumi up, and refuses an instance that is not an identifier", async () => {
      const applied: string[] = [];
      const aws = fakeAws({
        async applyDatabaseParameters(instance, progress) {
          applied.push(instance);
          progress("database: parameters in sync, no reboot needed");
        },
      });
      const ok = await cli(
        ["apply-db-parameters", "--region", "us-east-1", "--instance", "gateway-database-instance-7g8h9i"],
        { pulumi: new FakePulumi({}), aws },
      );
      assert.deepEqual(ok, { status: 0, stdout: "database: parameters in sync, no reboot needed\n", stderr: "" });
      const bad = await cli(["apply-db-parameters", "--region", "us-east-1", "--instance", "db; reboot"], {
        pulumi: new FakePulumi({}),
        aws,
      });
      assert.deepEqual(bad, {
        status: 2,
        stdout: "",
        stderr: 'litellm-mcp: --instance: expected an RDS instance identifier, got "db; reboot"\n',
      });
      assert.deepEqual(applied, ["gateway-database-instance-7g8h9i"]);
    });

    it("says there is no cache to clear, or why a memory cache cannot be flushed", async () => {
      assert.deepEqual(await cli(["clear-cache"], { pulumi: new FakePulumi(dockerOutputs("http://127.0.0.1:4000")) }), {
        status: 0,
        stdout: "dev has no response cache (cache.responses is false): nothing to clear\n",
        stderr: "",
      });
      const local = dockerOutputs("http://127.0.0.1:4000", {
        configYaml: "litellm_settings:\n  cache: true\n  cache_params:\n    type: local\n",
      });
      const result = await cli(["clear-cache"], { pulumi: new FakePulumi(local) });
      assert.equal(result.status, 1);
      assert.match(
        result.stderr,
        /caches responses in the proxy's memory, which LiteLLM cannot flush through its API: litellm-mcp restart litellm --stack dev empties it\n$/,
      );
    });

    it("flushes a Redis response cache through the proxy (LiteLLM stand-in)", async () => {
      const proxy = await startLiteLLMStandIn({
        masterKey: KEY,
        models: [],
        database: "connected",
        cache: "redis",
        mcpServers: {},
      });
      try {
        const outputs = dockerOutputs(proxy.url, {
          configYaml: "litellm_settings:\n  cache: true\n  cache_params:\n    type: redis\n",
        });
        const result = await cli(["clear-cache"], { pulumi: new FakePulumi(outputs) });
        assert.equal(result.status, 0);
        assert.match(result.stdout, /^Cleared the response cache of dev in Redis \(\d+ ms\)\./);
        assert.ok(proxy.requests.includes("POST /cache/flushall"));
        const unreachable = dockerOutputs("http://127.0.0.1:1", {
          configYaml: "litellm_settings:\n  cache: true\n  cache_params:\n    type: redis\n",
        });
        const failed = await cli(["clear-cache"], { pulumi: new FakePulumi(unreachable) });
        assert.equal(failed.status, 1);
        assert.match(
          failed.stderr,
          /^litellm-mcp: could not clear the cache of dev: cannot reach the proxy at http:\/\/127\.0\.0\.1:1: /,
        );
      } finally {
        await proxy.stop();
      }
    });
  });
});

describe("a gateway run as local processes (--outputs)", () => {
  const dir = tempDir("litellm-mcp-local-");
  const logFile = join(dir, "litellm.log");
  writeFileSync(logFile, "INFO: started\nINFO: Uvicorn running on http://127.0.0.1:4000\n");
  // A process that has exited: its pid names nothing that runs.
  const gone = spawnSync("true").pid;
  const outputsFile = join(dir, "outputs.json");
  writeFileSync(
    outputsFile,
    JSON.stringify({
      target: "local",
      proxyUrl: "http://127.0.0.1:9",
      mcpGatewayUrl: "http://127.0.0.1:9/mcp",
      masterKey: "sk-local",
      processes: {
        litellm: { pid: process.pid, logFile },
        mcpServers: { context7: { pid: gone, logFile: join(dir, "context7.log") } },
      },
      configYaml: "model_list: []\n",
    }),
  );
  const harness = () => ({ pulumi: new FakePulumi({}) });

  it("prints a process's log file, and refuses --since and an unknown service", async () => {
    assert.deepEqual(await cli(["logs", "litellm", "--outputs", outputsFile], harness()), {
      status: 0,
      stdout: "INFO: started\nINFO: Uvicorn running on http://127.0.0.1:4000\n",
      stderr: "",
    });
    const since = await cli(["logs", "litellm", "--since", "10m", "--outputs", outputsFile], harness());
    assert.deepEqual(
      [since.status, since.stderr],
      [2, "litellm-mcp: --since: the log files of local processes carry no timestamps of their own; leave it out\n"],
    );
    const unknown = await cli(["logs", "postgres", "--outputs", outputsFile], harness());
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /postgres/);
  });

  it("reports whether each process runs, and fails, exit 1, when one does not", async () => {
    const result = await cli(["status", "--json", "--outputs", outputsFile], harness());
    const report = JSON.parse(result.stdout) as { checks: { name: string; ok: boolean; detail: string }[] };
    const processes = report.checks.filter((check) => check.name.startsWith("process "));
    assert.deepEqual(processes, [
      { name: "process litellm", ok: true, detail: `running (pid ${process.pid})` },
      { name: "process context7", ok: false, detail: `not running (pid ${gone})` },
    ]);
    assert.equal(result.status, 1);
  });

  it("says which file it cannot read", async () => {
    const result = await cli(["status", "--outputs", join(dir, "missing.json")], harness());
    assert.deepEqual(
      [result.status, result.stderr],
      [1, `litellm-mcp: --outputs: cannot read ${join(dir, "missing.json")}: ENOENT\n`],
    );
  });
});

describe("models (against a stand-in of Bedrock's control plane, holding what the model catalog says)", () => {
  const harness = (bedrock: BedrockControlPlaneStandIn, cwd?: string): Harness => ({
    pulumi: new FakePulumi({}),
    bedrock: (region) => bedrock.client(region),
    cwd,
  });
  /** The dev stack with a model changed: a project folder of its own, with the stack file and the catalog. */
  const projectWith = (change: (values: Values) => void): string => {
    const dir = tempDir("litellm-mcp-models-");
    mkdirSync(join(dir, "config"));
    copyFileSync(join(PROJECT_DIR, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
    copyFileSync(join(PROJECT_DIR, "config", "bedrock-catalog.json"), join(dir, "config", "bedrock-catalog.json"));
    copyFileSync(join(PROJECT_DIR, "README.md"), join(dir, "README.md"));
    const input = variant("dev", change);
    writeFileSync(
      join(dir, "Pulumi.dev.yaml"),
      stringify({
        config: Object.fromEntries(Object.entries(input.values).map(([key, value]) => [`litellm-mcp:${key}`, value])),
      }),
    );
    return dir;
  };

  it("reports every configured model offered, Active and invokable in its region, exit 0, asking once per id and region", async () => {
    const bedrock = new BedrockControlPlaneStandIn();
    const result = await cli(["models", "--stack", "dev"], harness(bedrock));
    assert.equal(result.status, 0, result.stdout);
    const rows = result.stdout.trimEnd().split("\n");
    assert.match(rows[0]!, /^MODEL +REGION +ID +LIFECYCLE +END OF LIFE +ACCESS +RESULT$/);
    assert.deepEqual(
      rows.slice(1).map((row) => row.split(/ {2,}/)),
      [
        ["claude-sonnet.us-east-1", "us-east-1", "us.anthropic.claude-sonnet-5-5", "ACTIVE", "-", "granted", "ok"],
        [
          "claude-sonnet.ap-northeast-1",
          "ap-northeast-1",
          "global.anthropic.claude-sonnet-5-5",
          "ACTIVE",
          "-",
          "granted",
          "ok",
        ],
        ["claude-sonnet-us", "us-east-1", "us.anthropic.claude-sonnet-5-5", "ACTIVE", "-", "granted", "ok"],
        ["claude-sonnet-4-6-jp", "ap-northeast-1", "jp.anthropic.claude-sonnet-4-6", "ACTIVE", "-", "granted", "ok"],
      ],
    );
    assert.deepEqual(bedrock.calls.sort(), [
      "ap-northeast-1 GetFoundationModel anthropic.claude-sonnet-4-6",
      "ap-northeast-1 GetFoundationModel anthropic.claude-sonnet-5-5",
      "ap-northeast-1 GetFoundationModelAvailability anthropic.claude-sonnet-4-6",
      "ap-northeast-1 GetFoundationModelAvailability anthropic.claude-sonnet-5-5",
      "ap-northeast-1 GetInferenceProfile global.anthropic.claude-sonnet-5-5",
      "ap-northeast-1 GetInferenceProfile jp.anthropic.claude-sonnet-4-6",
      "us-east-1 GetFoundationModel anthropic.claude-sonnet-5-5",
      "us-east-1 GetFoundationModelAvailability anthropic.claude-sonnet-5-5",
      "us-east-1 GetInferenceProfile us.anthropic.claude-sonnet-5-5",
    ]);
  });

  it("says an id is not offered in its region, exit 1, with the ids AWS offers there", async () => {
    // A stack that claims, wrongly, to have checked the id with Bedrock gets past validation.
    const cwd = projectWith((v) =>
      Object.assign(v.models[3], {
        bedrockModelId: "jp.anthropic.claude-sonnet-5-5",
        checkedWithBedrock: "2026-11-30",
      }),
    );
    const result = await cli(["models", "--stack", "dev", "--json"], harness(new BedrockControlPlaneStandIn(), cwd));
    const report = JSON.parse(result.stdout) as { ok: boolean; models: Record<string, unknown>[] };
    assert.deepEqual([result.status, report.ok], [1, false]);
    assert.deepEqual(report.models[3], {
      name: "claude-sonnet-4-6-jp",
      region: "ap-northeast-1",
      modelId: "jp.anthropic.claude-sonnet-5-5",
      outcome: "not-offered",
      lifecycle: "-",
      access: "-",
      verdict: "failed",
      detail: "no inference profile jp.anthropic.claude-sonnet-5-5 in ap-northeast-1: not offered in ap-northeast-1",
      fix: 'set bedrockModelId to "global.anthropic.claude-sonnet-5-5", the id(s) AWS offers for it in ap-northeast-1',
    });
  });

  it("says a model is at its end of life, exit 1, with since when and an Active replacement", async () => {
    const bedrock = new BedrockControlPlaneStandIn();
    bedrock.regions["ap-northeast-1"]!.models["anthropic.claude-sonnet-4-6"]!.endOfLifeTime = new Date(
      "2026-11-28T00:00:00Z",
    );
    const result = await cli(["models", "--stack", "dev"], harness(bedrock));
    assert.equal(result.status, 1);
    assert.match(
      result.stdout,
      /\nclaude-sonnet-4-6-jp +ap-northeast-1 +jp\.anthropic\.claude-sonnet-4-6 +EOL +2026-11-28 +- +FAIL\n/,
    );
    assert.match(
      result.stdout,
      /\nerror: claude-sonnet-4-6-jp \(ap-northeast-1\): end of life since 2026-11-28: every call fails\n {2}fix: set bedrockModelId to an Active one offered in ap-northeast-1, such as "jp\.anthropic\.claude-sonnet-4-5-20250929-v1:0"/,
    );
  });

  it("reports a profile still listed whose model is gone as end of life, not as unknown", async () => {
    const bedrock = new BedrockControlPlaneStandIn();
    delete bedrock.regions["ap-northeast-1"]!.models["anthropic.claude-sonnet-4-6"];
    const result = await cli(["models", "--stack", "dev", "--json"], harness(bedrock));
    const report = JSON.parse(result.stdout) as { models: { name: string; outcome: string; detail: string }[] };
    assert.equal(result.status, 1);
    assert.deepEqual(
      report.models
        .filter((model) => model.outcome !== "active")
        .map((model) => [model.name, model.outcome, model.detail]),
      [
        [
          "claude-sonnet-4-6-jp",
          "end-of-life",
          "the inference profile is listed, but Bedrock no longer has anthropic.claude-sonnet-4-6 in ap-northeast-1",
        ],
      ],
    );
  });

  it("warns, exit 0, of a model that is legacy until a date, with what to move to", async () => {
    const bedrock = new BedrockControlPlaneStandIn();
    Object.assign(bedrock.regions["us-east-1"]!.models["anthropic.claude-sonnet-5-5"]!, {
      status: "LEGACY",
      endOfLifeTime: new Date("2027-06-30T00:00:00Z"),
    });
    const result = await cli(["models", "--stack", "dev"], harness(bedrock));
    assert.equal(result.status, 0);
    assert.match(
      result.stdout,
      /\nwarning: claude-sonnet-us \(us-east-1\): legacy until 2027-06-30\n {2}fix: before then, set bedrockModelId to an Active one offered in us-east-1, such as "us\.anthropic\.claude-sonnet-5"/,
    );
  });

  it("says the account has no access, exit 1, and where to ask for it; and names a question Bedrock refused", async () => {
    const bedrock = new BedrockControlPlaneStandIn();
    bedrock.regions["us-east-1"]!.access = { authorizationStatus: "NOT_AUTHORIZED" };
    bedrock.regions["ap-northeast-1"]!.denied = "User is not authorized to perform: bedrock:GetInferenceProfile";
    const result = await cli(["models", "--stack", "dev"], harness(bedrock));
    assert.equal(result.status, 1);
    assert.match(
      result.stdout,
      /\nerror: claude-sonnet-us \(us-east-1\): no access: the account may not invoke it\n {2}fix: request access to anthropic\.claude-sonnet-5-5 in the Bedrock console \(Model access\) in us-east-1/,
    );
    assert.match(
      result.stdout,
      /\nerror: claude-sonnet-4-6-jp \(ap-northeast-1\): cannot ask Bedrock in ap-northeast-1: AccessDeniedException: User is not authorized to perform: bedrock:GetInferenceProfile\n/,
    );
  });

  it("says once, without a stack trace, that there are no AWS credentials", async () => {
    const noCredentials = {
      send: async () =>
        Promise.reject(
          Object.assign(new Error("Could not load credentials from any providers"), {
            name: "CredentialsProviderError",
          }),
        ),
    };
    const result = await cli(["models", "--stack", "dev"], {
      pulumi: new FakePulumi({}),
      bedrock: () => noCredentials,
    });
    assert.deepEqual([result.status, result.stdout], [1, ""]);
    assert.equal(
      result.stderr,
      "litellm-mcp: no AWS credentials to ask Bedrock with: run `aws sso login` (or `aws configure`), or set AWS_PROFILE to a profile that has them, and try again\n",
    );
  });

  it("asks Bedrock about an id newer than the catalog, which validation refuses, and says how to have it accepted", async () => {
    const bedrock = new BedrockControlPlaneStandIn();
    bedrock.regions["us-east-1"]!.profiles.push("us.anthropic.claude-sonnet-6");
    bedrock.regions["us-east-1"]!.models["anthropic.claude-sonnet-6"] = { status: "ACTIVE" };
    const cwd = projectWith((v) => (v.models[2].bedrockModelId = "us.anthropic.claude-sonnet-6"));
    const validate = await cli(["validate", "--stack", "dev"], harness(bedrock, cwd));
    assert.match(
      validate.stderr,
      /models\[2\]\.bedrockModelId: "us\.anthropic\.claude-sonnet-6" is not in the model catalog/,
    );
    const result = await cli(["models", "--stack", "dev", "--json"], harness(bedrock, cwd));
    const report = JSON.parse(result.stdout) as { models: { name: string; detail: string }[] };
    assert.equal(result.status, 0);
    assert.match(
      report.models[2]!.detail,
      /^Active; newer than the model catalog: set checkedWithBedrock: "\d{4}-\d{2}-\d{2}" on it$/,
    );
  });

  it("renews the catalog with --refresh: asks every region the catalog names, writes the file and says what changed", async () => {
    const bedrock = new BedrockControlPlaneStandIn();
    bedrock.regions["us-east-1"]!.models["anthropic.claude-sonnet-6"] = { status: "ACTIVE", name: "Claude Sonnet 6" };
    bedrock.regions["us-east-1"]!.profiles.push("us.anthropic.claude-sonnet-6");
    bedrock.regions["ap-south-1"]!.denied = "not opted in";
    const cwd = projectWith((v) => (v.models[2].bedrockModelId = "us.anthropic.claude-sonnet-6"));
    assert.equal(
      (await cli(["validate", "--stack", "dev"], harness(bedrock, cwd))).status,
      1,
      "the new id is not in the catalog yet",
    );
    const result = await cli(["models", "--refresh"], harness(bedrock, cwd));
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /^Asking Bedrock in \d+ region\(s\) with your AWS credentials\.\.\.\nskipped ap-south-1 \(kept what the catalog held\): AccessDeniedException: not opted in\n/,
    );
    assert.match(result.stdout, /\nadded anthropic\.claude-sonnet-6 \(Claude Sonnet 6\)\n/);
    assert.match(
      result.stdout,
      /\nWrote config\/bedrock-catalog\.json and the README's model table \(\d+ models, \d+ change\(s\)\); review and commit them, then run litellm-mcp validate\n$/,
    );
    assert.match(
      readFileSync(join(cwd, "README.md"), "utf8"),
      /\n\| Claude Sonnet 6 \| `anthropic\.claude-sonnet-6` \| Active \| `us\.` \| - \|\n/,
    );
    const validate = await cli(["validate", "--stack", "dev"], harness(bedrock, cwd));
    assert.deepEqual(
      [validate.status, validate.stdout],
      [0, "Pulumi.dev.yaml: valid (docker target, dev stage)\n"],
      validate.stderr,
    );
  });

  it("refuses --refresh with a stack, and regions that are not regions, changing nothing", async () => {
    const bedrock = new BedrockControlPlaneStandIn();
    const withStack = await cli(["models", "--refresh", "--stack", "dev"], harness(bedrock));
    assert.deepEqual(
      [withStack.status, withStack.stderr],
      [2, "litellm-mcp: --refresh renews the catalog for every stack: leave out --stack and --json\n"],
    );
    const badRegion = await cli(["models", "--refresh", "--regions", "us-east-1,tokyo"], harness(bedrock));
    assert.deepEqual(
      [badRegion.status, badRegion.stderr],
      [2, 'litellm-mcp: --regions: expected AWS regions such as "us-east-1,ap-northeast-1", got "tokyo"\n'],
    );
    assert.deepEqual(bedrock.calls, []);
  });

  it("asks about the dev stack's models without --stack", async () => {
    const withoutStack = await cli(["models"], harness(new BedrockControlPlaneStandIn()));
    const dev = await cli(["models", "--stack", "dev"], harness(new BedrockControlPlaneStandIn()));
    assert.deepEqual(withoutStack, dev);
  });
});

describe("backup and restore of a Docker stack's database (the commands' side; the round trip runs against the real Postgres in the gateway suite)", () => {
  const ARCHIVE = Buffer.from("PGDMP\x01\x0e\x00 the rest of a custom-format archive");

  /** A Docker port that records the commands run in containers and the stops and starts, in order. */
  function recordingDocker(exec: DockerPort["exec"]) {
    const calls: string[] = [];
    const docker = fakeDocker({
      stop: async (container) => void calls.push(`stop ${container}`),
      start: async (container) => void calls.push(`start ${container}`),
      async exec(container, command, options) {
        calls.push(`exec ${container} ${command.join(" ")}`);
        return exec(container, command, options);
      },
    });
    return { calls, docker };
  }

  it("dumps the stack's database with the Postgres container's own pg_dump, into the file given", async () => {
    const { calls, docker } = recordingDocker(async (_container, _command, options) => {
      options.stdout.write(ARCHIVE);
      return { exitCode: 0, stderr: "" };
    });
    const file = join(tempDir("backup-"), "nested", "dev.dump");
    const result = await cli(["backup", "--file", file], {
      pulumi: new FakePulumi(dockerOutputs("http://127.0.0.1:4000")),
      docker,
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(calls, [
      "exec litellm-mcp-dev-postgres pg_dump --format=custom --username=litellm --dbname=litellm",
    ]);
    assert.ok(readFileSync(file).equals(ARCHIVE));
    assert.equal(
      result.stdout,
      `Backed up the litellm database of dev to ${file} (0.0 KiB)\nRestore it: litellm-mcp restore ${file} --stack dev\n`,
    );
  });

  it("writes under XDG_DATA_HOME/litellm-mcp/backups/<stack>/ when given no file", async () => {
    const data = tempDir("data-");
    const { docker } = recordingDocker(async (_container, _command, options) => {
      options.stdout.write(ARCHIVE);
      return { exitCode: 0, stderr: "" };
    });
    const result = await cli(["backup"], {
      pulumi: new FakePulumi(dockerOutputs("http://127.0.0.1:4000")),
      docker,
      env: { XDG_DATA_HOME: data },
    });
    const file =
      /^Backed up the litellm database of dev to (\S+) /.exec(result.stdout)?.[1] ?? assert.fail(result.stdout);
    assert.match(file, new RegExp(`^${data}/litellm-mcp/backups/dev/dev-\\d{8}T\\d{6}Z\\.dump$`));
    assert.ok(readFileSync(file).equals(ARCHIVE));
  });

  it("leaves no file behind when pg_dump fails, and says why", async () => {
    const { docker } = recordingDocker(async (_container, _command, options) => {
      options.stdout.write("PGDMP partial");
      return {
        exitCode: 1,
        stderr:
          'pg_dump: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  the database system is starting up\n',
      };
    });
    const dir = tempDir("backup-");
    const result = await cli(["backup", "--file", join(dir, "dev.dump")], {
      pulumi: new FakePulumi(dockerOutputs("http://127.0.0.1:4000")),
      docker,
    });
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /^litellm-mcp: pg_dump failed in litellm-mcp-dev-postgres \(exit 1\): pg_dump: error: .*the database system is starting up\n$/,
    );
    assert.deepEqual(readdirSync(dir), []);
  });

  it("restores with the proxy stopped, and starts it again, the archive sent as the command's input", async () => {
    let received = Buffer.alloc(0);
    const { calls, docker } = recordingDocker(async (_container, _command, options) => {
      for await (const chunk of options.stdin ?? []) received = Buffer.concat([received, chunk as Buffer]);
      return { exitCode: 0, stderr: "" };
    });
    const file = join(tempDir("restore-"), "dev.dump");
    writeFileSync(file, ARCHIVE);
    const result = await cli(["restore", file, "--yes"], {
      pulumi: new FakePulumi(dockerOutputs("http://127.0.0.1:4000")),
      docker,
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(calls, [
      "stop litellm-mcp-dev-litellm",
      `exec litellm-mcp-dev-postgres sh -c ${[
        "set -e",
        "dir=$(mktemp -d)",
        `trap 'rm -rf "$dir"' EXIT`,
        'cat > "$dir/archive"',
        'pg_restore --no-owner --file="$dir/restore.sql" "$dir/archive"',
        `{ echo 'SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public;'; cat "$dir/restore.sql"; } | psql --quiet --no-psqlrc --set=ON_ERROR_STOP=1 --single-transaction --username=litellm --dbname=litellm`,
      ].join("\n")}`,
      "start litellm-mcp-dev-litellm",
    ]);
    assert.ok(received.equals(ARCHIVE));
  });

  it("starts the proxy again when the restore fails, and says the database is unchanged", async () => {
    const { calls, docker } = recordingDocker(async () => ({
      exitCode: 3,
      stderr: 'psql:<stdin>:40: ERROR:  relation "LiteLLM_X" already exists\n',
    }));
    const file = join(tempDir("restore-"), "dev.dump");
    writeFileSync(file, ARCHIVE);
    const result = await cli(["restore", file, "--yes"], {
      pulumi: new FakePulumi(dockerOutputs("http://127.0.0.1:4000")),
      docker,
    });
    assert.equal(result.status, 1);
    assert.equal(calls.at(-1), "start litellm-mcp-dev-litellm");
    assert.match(
      result.stderr,
      /^litellm-mcp: the restore failed in litellm-mcp-dev-postgres \(exit 3\) and was rolled back, the database unchanged: psql:<stdin>:40: ERROR: {2}relation "LiteLLM_X" already exists\n$/,
    );
  });

  it("refuses a file that is no archive, and a restore without a yes, before anything stops", async () => {
    const { calls, docker } = recordingDocker(() => assert.fail("nothing runs"));
    const dir = tempDir("restore-");
    writeFileSync(join(dir, "notes.sql"), "SELECT 1;\n");
    writeFileSync(join(dir, "dev.dump"), ARCHIVE);
    const pulumi = new FakePulumi(dockerOutputs("http://127.0.0.1:4000"));
    assert.deepEqual(await cli(["restore", join(dir, "notes.sql"), "--yes"], { pulumi, docker }), {
      status: 2,
      stdout: "",
      stderr: `litellm-mcp: "${join(dir, "notes.sql")}" is not a pg_dump custom-format archive (litellm-mcp backup writes one)\n`,
    });
    assert.deepEqual(await cli(["restore", join(dir, "dev.dump")], { pulumi, docker }), {
      status: 2,
      stdout: "",
      stderr:
        "litellm-mcp: refusing to replace the database of dev without a yes: run it on a terminal, or pass --yes\n",
    });
    const declined = await cli(["restore", join(dir, "dev.dump")], { pulumi, docker, answers: ["no"] });
    assert.equal(declined.status, 1);
    assert.match(declined.stdout, /Not restored: the answer was not "dev"/);
    assert.deepEqual(calls, []);
  });

  it("points an AWS stack to its RDS snapshots instead", async () => {
    const result = await cli(["backup", "--stack", "test"], { pulumi: new FakePulumi(awsOutputs()), aws: fakeAws({}) });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /runs its database on RDS, which backs it up daily and before every LiteLLM migration/);
  });
});

describe("upgrade and rollback of LiteLLM (PyPI's migration lists, Docker, AWS and Pulumi as fakes that record)", () => {
  const OLD = "1.106.3";
  const NOW = "1.108.7";
  const NEXT = "1.109.0";
  /** Each release's litellm-proxy-extras migrations, as PyPI's wheels list them. */
  const MIGRATIONS: Record<string, string[]> = {
    [OLD]: ["20250101000000_init", "20261001000000_add_budgets"],
    [NOW]: [
      "20250101000000_init",
      "20261001000000_add_budgets",
      "20261008120000_add_daily_request_errors",
      "20261015000000_managed_object_end_user_id",
    ],
    [NEXT]: [
      "20250101000000_init",
      "20261001000000_add_budgets",
      "20261008120000_add_daily_request_errors",
      "20261015000000_managed_object_end_user_id",
      "20261101000000_add_skills",
    ],
    "1.108.5": [
      "20250101000000_init",
      "20261001000000_add_budgets",
      "20261008120000_add_daily_request_errors",
      "20261015000000_managed_object_end_user_id",
    ],
  };
  const releases: ReleasesPort = {
    migrations: async (version) => MIGRATIONS[version] ?? assert.fail(`no release ${version} here`),
  };

  /** A project folder of its own holding the committed stack files, so that the commands may change them. */
  const project = (): string => {
    const dir = tempDir("litellm-mcp-release-");
    mkdirSync(join(dir, "config"));
    for (const file of ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.test.yaml", join("config", "bedrock-catalog.json")])
      copyFileSync(join(PROJECT_DIR, file), join(dir, file));
    return dir;
  };
  const imageIn = (dir: string, stack: string) =>
    /^ {4}image: (\S+)$/m.exec(readFileSync(join(dir, `Pulumi.${stack}.yaml`), "utf8"))?.[1];

  /** Docker that records into the same list as Pulumi, and dumps a small archive. */
  const dockerInto = (calls: string[]) =>
    fakeDocker({
      stop: async (container) => void calls.push(`docker stop ${container}`),
      start: async (container) => void calls.push(`docker start ${container}`),
      async exec(container, command, options) {
        calls.push(`docker exec ${container} ${command[0]}${command[0] === "sh" ? " (restore)" : ""}`);
        if (command[0] === "pg_dump") options.stdout.write("PGDMP archive");
        return { exitCode: 0, stderr: "" };
      },
    });

  it("upgrade shows the schema migrations the new release brings, backs up the dev database, then previews and deploys the new image", async () => {
    const cwd = project();
    const data = tempDir("data-");
    const pulumi = new FakePulumi(dockerOutputs("http://127.0.0.1:4000"));
    const result = await cli(["upgrade", "--to", NEXT], {
      pulumi,
      docker: dockerInto(pulumi.calls),
      releases,
      cwd,
      env: { XDG_DATA_HOME: data },
    });
    assert.equal(result.status, 0, result.stderr);
    const backup = readdirSync(join(data, "litellm-mcp", "backups", "dev"));
    assert.equal(backup.length, 1);
    assert.match(backup[0]!, /^dev-\d{8}T\d{6}Z-before-1\.109\.0\.dump$/);
    const file = join(data, "litellm-mcp", "backups", "dev", backup[0]!);
    assert.equal(readFileSync(file, "utf8"), "PGDMP archive");
    assert.equal(
      result.stdout.split("Previewing")[0],
      `LiteLLM ${NOW} -> ${NEXT}: 1 schema migration(s), which a rollback to ${NOW} undoes only by restoring the database:\n  20261101000000_add_skills\nBacking up the database of dev before ${NEXT} migrates it\nBackup: ${file}\n`,
    );
    assert.deepEqual(pulumi.calls, [
      "outputs dev",
      "docker exec litellm-mcp-dev-postgres pg_dump",
      `build ${cwd}`,
      "preview dev",
      "up dev",
    ]);
    assert.equal(imageIn(cwd, "dev"), `ghcr.io/berriai/litellm-database:v${NEXT}`);
    assert.match(readFileSync(join(cwd, "Pulumi.dev.yaml"), "utf8"), /^# /m, "the stack file's comments are kept");
    assert.ok(
      result.stdout.endsWith(
        `\ndev runs LiteLLM ${NEXT}. Check it: litellm-mcp smoke --stack dev\nGo back: litellm-mcp rollback --stack dev --to ${NOW} --restore ${file}\n`,
      ),
      result.stdout,
    );
  });

  it("upgrade refuses a wrong, older, current or compromised release, and changes nothing", async () => {
    const cwd = project();
    const before = readFileSync(join(cwd, "Pulumi.dev.yaml"), "utf8");
    const pulumi = new FakePulumi(dockerOutputs("http://127.0.0.1:4000"));
    const attempt = (to: string[]) => cli(["upgrade", ...to], { pulumi, releases, cwd });
    assert.deepEqual(await attempt([]), {
      status: 2,
      stdout: "",
      stderr: 'litellm-mcp: --to: expected a LiteLLM release such as "1.108.7"\n',
    });
    assert.deepEqual(await attempt(["--to", "v1.109"]), {
      status: 2,
      stdout: "",
      stderr: 'litellm-mcp: --to: expected a LiteLLM release such as "1.108.7", got "v1.109"\n',
    });
    assert.deepEqual(await attempt(["--to", OLD]), {
      status: 2,
      stdout: "",
      stderr: `litellm-mcp: ${OLD} is older than ${NOW}, which dev runs: litellm-mcp rollback --to ${OLD} goes back\n`,
    });
    assert.deepEqual(await attempt(["--to", NOW]), {
      status: 1,
      stdout: "",
      stderr: `litellm-mcp: dev already runs LiteLLM ${NOW}\n`,
    });
    assert.deepEqual(await attempt(["--to", "1.107.0"]), {
      status: 1,
      stdout: "",
      stderr:
        "litellm-mcp: LiteLLM 1.107.0 was published compromised (LiteLLM's security incident post): choose another release\n",
    });
    assert.deepEqual(pulumi.calls, []);
    assert.equal(readFileSync(join(cwd, "Pulumi.dev.yaml"), "utf8"), before);
  });

  it("upgrade of an AWS stack previews with the policy pack and deploys only on a yes; declined, the stack file is put back", async () => {
    const cwd = project();
    const before = readFileSync(join(cwd, "Pulumi.test.yaml"), "utf8");
    const declined = new FakePulumi(awsOutputs());
    const no = await cli(["upgrade", "--stack", "test", "--to", NEXT], {
      pulumi: declined,
      releases,
      cwd,
      answers: ["prod"],
    });
    assert.equal(no.status, 1);
    assert.match(
      no.stdout,
      /pulumi up snapshots the database before 1\.109\.0's migration task runs \(tagged litellm-mcp:before-image=ghcr\.io\/berriai\/litellm-database:v1\.109\.0\)\n/,
    );
    assert.match(no.stdout, /Not done: the answer was not "test"; Pulumi\.test\.yaml is as it was\n$/);
    assert.deepEqual(declined.calls, ["outputs test", `build ${cwd}`, `preview test --policy-pack ${cwd}/policy`]);
    assert.equal(readFileSync(join(cwd, "Pulumi.test.yaml"), "utf8"), before);

    const confirmed = new FakePulumi(awsOutputs());
    const yes = await cli(["upgrade", "--stack", "test", "--to", NEXT, "--yes"], { pulumi: confirmed, releases, cwd });
    assert.equal(yes.status, 0, yes.stderr);
    assert.deepEqual(confirmed.calls, [
      "outputs test",
      `build ${cwd}`,
      `preview test --policy-pack ${cwd}/policy`,
      `up test --policy-pack ${cwd}/policy`,
    ]);
    assert.equal(imageIn(cwd, "test"), `ghcr.io/berriai/litellm-database:v${NEXT}`);
    assert.match(
      yes.stdout,
      /Go back: litellm-mcp rollback --stack test --to 1\.108\.7 --restore-snapshot <the snapshot taken before it>\n$/,
    );
  });

  it("upgrade keeps an image pinned by digest pinned: the new tag's digest from its registry", async () => {
    const cwd = project();
    const file = join(cwd, "Pulumi.test.yaml");
    const digest = (n: string) => `sha256:${n.repeat(64)}`;
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(`litellm-database:v${NOW}`, `litellm-database:v${NOW}@${digest("a")}`),
    );
    const asked: string[] = [];
    const registry: RegistryPort = {
      async digestOf(image) {
        asked.push(image);
        return digest("b");
      },
    };
    const result = await cli(["upgrade", "--stack", "test", "--to", NEXT, "--yes"], {
      pulumi: new FakePulumi(awsOutputs()),
      releases,
      registry,
      cwd,
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(asked, [`ghcr.io/berriai/litellm-database:v${NEXT}`]);
    assert.equal(imageIn(cwd, "test"), `ghcr.io/berriai/litellm-database:v${NEXT}@${digest("b")}`);
  });

  it("upgrade that fails to deploy says so and prints the way back, the backup named", async () => {
    const cwd = project();
    const data = tempDir("data-");
    const pulumi = new FakePulumi(dockerOutputs("http://127.0.0.1:4000"));
    pulumi.upFailure = new OpsError("pulumi up failed: litellm-mcp-dev-litellm: container exited (1)");
    const result = await cli(["upgrade", "--to", NEXT], {
      pulumi,
      docker: dockerInto(pulumi.calls),
      releases,
      cwd,
      env: { XDG_DATA_HOME: data },
    });
    assert.equal(result.status, 1);
    const backup = join(
      data,
      "litellm-mcp",
      "backups",
      "dev",
      readdirSync(join(data, "litellm-mcp", "backups", "dev"))[0]!,
    );
    assert.equal(
      result.stderr,
      `litellm-mcp: pulumi up failed: litellm-mcp-dev-litellm: container exited (1)\nThe upgrade to ${NEXT} did not finish (Pulumi.dev.yaml names ghcr.io/berriai/litellm-database:v${NEXT}). Go back: litellm-mcp rollback --stack dev --to ${NOW} --restore ${backup}\n`,
    );
  });

  it("rollback across a schema migration is refused, naming the migrations and the backup taken before them; nothing changes", async () => {
    const cwd = project();
    const data = tempDir("data-");
    const dir = join(data, "litellm-mcp", "backups", "dev");
    mkdirSync(dir, { recursive: true });
    for (const name of [
      "dev-20261101T090000Z-before-1.108.7.dump",
      "dev-20261120T090000Z-before-1.108.7.dump",
      "dev-20261125T090000Z.dump",
    ])
      writeFileSync(join(dir, name), "PGDMP");
    const before = readFileSync(join(cwd, "Pulumi.dev.yaml"), "utf8");
    const pulumi = new FakePulumi(dockerOutputs("http://127.0.0.1:4000"));
    const result = await cli(["rollback", "--to", OLD], {
      pulumi,
      docker: dockerInto(pulumi.calls),
      releases,
      cwd,
      env: { XDG_DATA_HOME: data },
    });
    assert.deepEqual(result, {
      status: 1,
      stdout: "",
      stderr: [
        `litellm-mcp: Rolling back dev from LiteLLM ${NOW} to ${OLD} crosses 2 schema migration(s) ${NOW} applied:`,
        "  20261008120000_add_daily_request_errors",
        "  20261015000000_managed_object_end_user_id",
        `LiteLLM ${OLD} would run on a schema it does not know, and migrations are not undone. Restore the database as it was before them, losing what was written since:`,
        `  litellm-mcp rollback --stack dev --to ${OLD} --restore ${join(dir, "dev-20261120T090000Z-before-1.108.7.dump")}`,
        "(dev-20261120T090000Z-before-1.108.7.dump: the backup litellm-mcp upgrade took before 1.108.7)",
        "",
      ].join("\n"),
    });
    assert.deepEqual(pulumi.calls, ["outputs dev"]);
    assert.equal(readFileSync(join(cwd, "Pulumi.dev.yaml"), "utf8"), before);
  });

  it("rollback with the backup restores it with the proxy stopped, and deploys the older release, which starts on its own schema", async () => {
    const cwd = project();
    const backup = join(tempDir("backup-"), "dev.dump");
    writeFileSync(backup, "PGDMP archive");
    const pulumi = new FakePulumi(dockerOutputs("http://127.0.0.1:4000"));
    const result = await cli(["rollback", "--to", OLD, "--restore", backup], {
      pulumi,
      docker: dockerInto(pulumi.calls),
      releases,
      cwd,
    });
    assert.equal(result.status, 0, result.stderr);
    // No start in between: the newer release would migrate the restored database again.
    assert.deepEqual(pulumi.calls, [
      "outputs dev",
      "docker stop litellm-mcp-dev-litellm",
      "docker exec litellm-mcp-dev-postgres sh (restore)",
      `build ${cwd}`,
      "preview dev",
      "up dev",
    ]);
    assert.equal(imageIn(cwd, "dev"), `ghcr.io/berriai/litellm-database:v${OLD}`);

    const failing = new FakePulumi(dockerOutputs("http://127.0.0.1:4000"));
    failing.upFailure = new OpsError("pulumi up failed: image not found");
    const failed = await cli(["rollback", "--to", OLD, "--restore", backup], {
      pulumi: failing,
      docker: dockerInto(failing.calls),
      releases,
      cwd: project(),
    });
    assert.deepEqual(
      [failed.status, failed.stderr],
      [
        1,
        `litellm-mcp: pulumi up failed: image not found\nThe rollback to ${OLD} did not finish (Pulumi.dev.yaml names ghcr.io/berriai/litellm-database:v${OLD}; the database holds the backup and the proxy stays stopped until then): fix the cause and run litellm-mcp up --stack dev\n`,
      ],
    );
  });

  it("rollback of a stack never deployed only changes the image", async () => {
    const cwd = project();
    const pulumi = new FakePulumi({});
    const result = await cli(["rollback", "--to", OLD], { pulumi, releases, cwd });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^dev was never deployed: there is no database to keep, only the image to change\n/);
    assert.equal(imageIn(cwd, "dev"), `ghcr.io/berriai/litellm-database:v${OLD}`);
  });

  it("rollback to a release with the same schema needs no restore", async () => {
    const cwd = project();
    const pulumi = new FakePulumi(dockerOutputs("http://127.0.0.1:4000"));
    const result = await cli(["rollback", "--to", "1.108.5"], { pulumi, releases, cwd });
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /^LiteLLM 1\.108\.7 -> 1\.108\.5: no schema migration in between; the database stays as it is\n/,
    );
    assert.deepEqual(pulumi.calls, ["outputs dev", `build ${cwd}`, "preview dev", "up dev"]);
  });

  it("rollback of an AWS stack names the snapshot taken before the migration, and restores it through the stack file", async () => {
    const cwd = project();
    const snapshots = [
      {
        id: "litellm-mcp-test-before-1-108-7-20261120t090000z",
        status: "available",
        created: new Date("2026-11-20T09:00:00Z"),
        tags: { "litellm-mcp:stack": "test", "litellm-mcp:before-image": "ghcr.io/berriai/litellm-database:v1.108.7" },
      },
      {
        id: "litellm-mcp-test-before-1-106-3-20261001t090000z",
        status: "available",
        created: new Date("2026-10-01T09:00:00Z"),
        tags: { "litellm-mcp:stack": "test", "litellm-mcp:before-image": "ghcr.io/berriai/litellm-database:v1.106.3" },
      },
    ];
    const asked: string[] = [];
    const aws = fakeAws({
      async databaseSnapshots(instance) {
        asked.push(instance);
        return snapshots;
      },
    });
    const outputs = () =>
      new FakePulumi({
        ...awsOutputs(),
        databaseInstance: { value: "gateway-database-instance-7g8h9i", secret: false },
      });
    const refused = await cli(["rollback", "--stack", "test", "--to", OLD], { pulumi: outputs(), aws, releases, cwd });
    assert.equal(refused.status, 1);
    assert.ok(
      refused.stderr.endsWith(
        [
          `  litellm-mcp rollback --stack test --to ${OLD} --restore-snapshot litellm-mcp-test-before-1-108-7-20261120t090000z`,
          "(litellm-mcp-test-before-1-108-7-20261120t090000z: taken 2026-11-20T09:00:00.000Z before 1.108.7 migrated)",
          "The restore replaces the database instance: with aws.database.deletionProtection on, RDS refuses to delete the old one, so turn it off first (and on again after).",
          "",
        ].join("\n"),
      ),
      refused.stderr,
    );
    assert.deepEqual(asked, ["gateway-database-instance-7g8h9i"]);

    const pulumi = outputs();
    const restored = await cli(
      ["rollback", "--stack", "test", "--to", OLD, "--restore-snapshot", snapshots[0]!.id, "--yes"],
      { pulumi, aws, releases, cwd },
    );
    assert.equal(restored.status, 0, restored.stderr);
    assert.deepEqual(pulumi.calls, [
      "outputs test",
      `build ${cwd}`,
      `preview test --policy-pack ${cwd}/policy`,
      `up test --policy-pack ${cwd}/policy`,
    ]);
    const written = readFileSync(join(cwd, "Pulumi.test.yaml"), "utf8");
    assert.equal(imageIn(cwd, "test"), `ghcr.io/berriai/litellm-database:v${OLD}`);
    assert.match(written, /\n {6}restoreSnapshot: litellm-mcp-test-before-1-108-7-20261120t090000z\n/);

    const unknown = await cli(["rollback", "--stack", "test", "--to", OLD, "--restore-snapshot", "nope", "--yes"], {
      pulumi: outputs(),
      aws,
      releases,
      cwd: project(),
    });
    assert.deepEqual(
      [unknown.status, unknown.stderr],
      [1, 'litellm-mcp: gateway-database-instance-7g8h9i has no manual snapshot "nope"\n'],
    );
  });

  it("rollback refuses a restore of the other target's kind, and both at once", async () => {
    const cwd = project();
    const pulumi = new FakePulumi(dockerOutputs("http://127.0.0.1:4000"));
    assert.deepEqual(await cli(["rollback", "--to", OLD, "--restore-snapshot", "snap-1"], { pulumi, releases, cwd }), {
      status: 2,
      stdout: "",
      stderr: "litellm-mcp: --restore-snapshot takes an RDS snapshot; dev is on Docker: --restore <backup file>\n",
    });
    assert.deepEqual(
      await cli(["rollback", "--to", OLD, "--restore", "a.dump", "--restore-snapshot", "s"], { pulumi, releases, cwd }),
      {
        status: 2,
        stdout: "",
        stderr:
          "litellm-mcp: --restore (a Docker stack's backup) and --restore-snapshot (an AWS stack's snapshot): give one\n",
      },
    );
  });
});

describe("verify-image: the LiteLLM image's signature, with the key its release notes name (cosign a recording fake)", () => {
  /** The dev stack with another proxy image, in a project folder of its own. */
  const projectWith = (image: string): string => {
    const dir = tempDir("litellm-mcp-verify-");
    mkdirSync(join(dir, "config"));
    for (const file of ["Pulumi.yaml", "Pulumi.dev.yaml", join("config", "bedrock-catalog.json")])
      copyFileSync(join(PROJECT_DIR, file), join(dir, file));
    const file = join(dir, "Pulumi.dev.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("ghcr.io/berriai/litellm-database:v1.108.7", image));
    return dir;
  };
  const recording = (fails = false) => {
    const verified: string[] = [];
    const signatures: SignaturePort = {
      async verify(image, keyUrl, write) {
        verified.push(`${image} ${keyUrl}`);
        write("Verification for ghcr.io/berriai/litellm-database --\n");
        if (fails)
          throw new OpsError(
            `the signature of ${image} does not verify against ${keyUrl} (cosign exit 1): do not deploy it`,
          );
      },
    };
    return { verified, signatures };
  };
  const KEY_1_108 =
    "https://raw.githubusercontent.com/BerriAI/litellm/e82a3c646908ba0a6ee0beddc4310d7a6cac4065/cosign.pub";
  const KEY_1_83 =
    "https://raw.githubusercontent.com/BerriAI/litellm/0112e53046018d726492c814b3644b7d376029d0/cosign.pub";

  it("verifies the committed release with the key its 1.108 release notes name", async () => {
    const { verified, signatures } = recording();
    const result = await cli(["verify-image"], { pulumi: new FakePulumi({}), signatures });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(verified, [`ghcr.io/berriai/litellm-database:v1.108.7 ${KEY_1_108}`]);
    assert.ok(result.stdout.endsWith("ghcr.io/berriai/litellm-database:v1.108.7: signed by LiteLLM's key\n"));
  });

  it("verifies an image pinned by digest as pinned, with the key of its release", async () => {
    const image = `ghcr.io/berriai/litellm:v1.106.3@sha256:${"c".repeat(64)}`;
    const { verified, signatures } = recording();
    assert.equal(
      (await cli(["verify-image"], { pulumi: new FakePulumi({}), signatures, cwd: projectWith(image) })).status,
      0,
    );
    assert.deepEqual(verified, [`${image} ${KEY_1_83}`]);
  });

  it("fails when the signature does not verify", async () => {
    const { signatures } = recording(true);
    const result = await cli(["verify-image"], { pulumi: new FakePulumi({}), signatures });
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      `litellm-mcp: the signature of ghcr.io/berriai/litellm-database:v1.108.7 does not verify against ${KEY_1_108} (cosign exit 1): do not deploy it\n`,
    );
  });

  it("refuses a release no known key signs, and one from before LiteLLM signed, without running cosign", async () => {
    const { verified, signatures } = recording();
    const at = async (image: string) =>
      (await cli(["verify-image"], { pulumi: new FakePulumi({}), signatures, cwd: projectWith(image) })).stderr;
    assert.equal(
      await at("ghcr.io/berriai/litellm-database:v1.107.2"),
      "litellm-mcp: cannot verify ghcr.io/berriai/litellm-database:v1.107.2: no release notes known here name the key that signs 1.107.2\n",
    );
    assert.equal(
      await at("ghcr.io/berriai/litellm:v1.80.0"),
      "litellm-mcp: cannot verify ghcr.io/berriai/litellm:v1.80.0: LiteLLM signs its images from 1.83.0 on; 1.80.0 is unsigned\n",
    );
    assert.deepEqual(verified, []);
  });

  it("says there is nothing of LiteLLM's to verify in an image from another registry", async () => {
    const { verified, signatures } = recording();
    const image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/mirror/litellm-database:v1.108.7";
    const result = await cli(["verify-image"], { pulumi: new FakePulumi({}), signatures, cwd: projectWith(image) });
    assert.deepEqual(result, {
      status: 0,
      stdout: `${image} is not an image LiteLLM publishes on ghcr.io/berriai: no signature of LiteLLM's to verify\n`,
      stderr: "",
    });
    assert.deepEqual(verified, []);
  });

  it("runs cosign verify --key <url> <image>, shows what it checked, and fails on its refusal (a cosign stand-in script)", async () => {
    const bin = tempDir("cosign-");
    const args = join(bin, "args");
    writeFileSync(
      join(bin, "cosign"),
      `#!/bin/sh\necho "$@" > ${args}\nif [ "$4" = "good" ]; then echo "The cosign claims were validated" >&2; echo '[{"critical":{}}]'; exit 0; fi\necho "Error: no matching signatures" >&2\nexit 1\n`,
      { mode: 0o755 },
    );
    const cosign = new Cosign({ PATH: bin });
    let shown = "";
    await cosign.verify("good", KEY_1_108, (text) => (shown += text));
    assert.equal(readFileSync(args, "utf8"), `verify --key ${KEY_1_108} good\n`);
    assert.equal(shown, "The cosign claims were validated\n");
    await assert.rejects(
      cosign.verify("bad", KEY_1_108, () => undefined),
      new OpsError(`the signature of bad does not verify against ${KEY_1_108} (cosign exit 1): do not deploy it`),
    );
  });

  it("says where to get cosign when it is not installed", async () => {
    await assert.rejects(
      new Cosign({ PATH: tempDir("no-cosign-") }).verify(
        "ghcr.io/berriai/litellm:v1.108.7",
        KEY_1_108,
        () => undefined,
      ),
      /^OpsError: cosign is not installed: see https:\/\/docs\.sigstore\.dev\//,
    );
  });
});
