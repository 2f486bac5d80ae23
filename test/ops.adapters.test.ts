import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { AwsServices } from "../ops/aws";
import { backendFor } from "../ops/backend";
import { parseSince } from "../ops/since";
import { DockerEngine, demultiplex, dockerConnection } from "../ops/docker";
import { OpsError } from "../ops/errors";
import { readOutputs, responseCache } from "../ops/outputs";
import { AutomationPulumi } from "../ops/pulumi";
import { frame, startDockerStandIn } from "./support/standins";
import { tempDir } from "./support/tempDirs";

/** A writable that keeps what it is given. */
function collector(): { stream: Writable; bytes(): Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      chunks.push(chunk);
      done();
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks) };
}

describe("Docker Engine client (against a stand-in that answers as the Engine API reference describes)", () => {
  let docker: Awaited<ReturnType<typeof startDockerStandIn>>;
  let engine: DockerEngine;
  before(async () => {
    docker = await startDockerStandIn({
      proxy: { status: "running", health: "starting", published: { "4000/tcp": 4000 } },
      mcp: {
        status: "running",
        health: "unhealthy",
        restartCount: 2,
        healthTest: [
          "CMD",
          "python3",
          "-c",
          "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)",
          "http://127.0.0.1:8080/status",
        ],
        healthLog: [
          { exitCode: 0, output: "" },
          {
            exitCode: 1,
            output: "Traceback (most recent call last):\nurllib.error.HTTPError: HTTP Error 404: Not Found\n",
          },
        ],
      },
      // Commands "inside" this container run here as given.
      shell: { status: "running", exec: (command) => ({ file: command[0]!, args: command.slice(1) }) },
      db: {
        status: "exited",
        logs: [
          [1, "listening on 5432"],
          [2, "FATAL: the database system is starting up"],
        ],
      },
    });
    engine = new DockerEngine(dockerConnection({ DOCKER_HOST: `unix://${docker.socketPath}` }));
  });
  after(() => docker.stop());

  it("reads a container's state, health, last failed check, exit code and published ports, and says when there is no such container", async () => {
    assert.deepEqual(await engine.inspect("proxy"), {
      status: "running",
      health: "starting",
      restartCount: 0,
      published: [4000],
    });
    assert.deepEqual(await engine.inspect("mcp"), {
      status: "running",
      health: "unhealthy",
      failedHealthCheck: {
        exitCode: 1,
        url: "http://127.0.0.1:8080/status",
        output: "urllib.error.HTTPError: HTTP Error 404: Not Found",
      },
      restartCount: 2,
      published: [],
    });
    assert.deepEqual(await engine.inspect("db"), {
      status: "exited",
      health: undefined,
      exitCode: 0,
      restartCount: 0,
      published: [],
    });
    assert.equal(await engine.inspect("gone"), undefined);
  });

  it("answers a ping of a daemon that runs, and says where it looked for one that does not", async () => {
    await engine.ping();
    assert.equal(engine.local, true);
    const missing = new DockerEngine(
      dockerConnection({ DOCKER_HOST: `unix://${join(tempDir("no-docker-"), "docker.sock")}` }),
    );
    await assert.rejects(
      missing.ping(),
      /^OpsError: cannot reach the Docker daemon at .*docker\.sock: no such socket; start Docker \(Docker Desktop, or sudo systemctl start docker\), or point DOCKER_HOST at the daemon$/,
    );
  });

  it("splits multiplexed logs into lines, stdout and stderr alike, and passes since and follow", async () => {
    const lines: string[] = [];
    await engine.logs("db", { since: 1_790_000_000, follow: false, write: (line) => lines.push(line) });
    assert.deepEqual(lines, ["listening on 5432", "FATAL: the database system is starting up"]);
    // The Engine API takes true/false and 1/0 alike for boolean query parameters.
    assert.equal(docker.logQueries.at(-1), "stdout=true&stderr=true&timestamps=true&since=1790000000&follow=false");
  });

  it("restarts a container and refuses an unknown one", async () => {
    await engine.restart("proxy");
    assert.deepEqual(docker.restarted, ["proxy"]);
    await assert.rejects(engine.restart("gone"), new OpsError("no container gone: is the stack up?"));
  });

  it("stops and starts a container, and refuses an unknown one", async () => {
    await engine.stop("proxy");
    await engine.start("proxy");
    assert.deepEqual(docker.lifecycle, ["stop proxy", "start proxy"]);
    await assert.rejects(engine.stop("gone"), new OpsError("no container gone: is the stack up?"));
  });

  it("runs a command inside a container: stdin in and closed at its end, stdout and stderr apart, its exit code", async () => {
    const input = Buffer.alloc(3 * 1024 * 1024, "x\n");
    const output = collector();
    const result = await engine.exec("shell", ["sh", "-c", "cat; echo closed >&2; exit 3"], {
      stdin: Readable.from([input.subarray(0, 1000), input.subarray(1000)]),
      stdout: output.stream,
    });
    assert.equal(result.exitCode, 3);
    assert.equal(result.stderr, "closed\n");
    assert.ok(output.bytes().equals(input), "what the command read is what was sent, byte for byte");
    assert.deepEqual(docker.execs.at(-1), {
      container: "shell",
      command: ["sh", "-c", "cat; echo closed >&2; exit 3"],
    });

    const quiet = collector();
    assert.deepEqual(await engine.exec("shell", ["sh", "-c", "echo out"], { stdout: quiet.stream }), {
      exitCode: 0,
      stderr: "",
    });
    assert.equal(quiet.bytes().toString(), "out\n");
    await assert.rejects(
      engine.exec("db", ["pg_dump"], { stdout: quiet.stream }),
      new OpsError("Docker could not run pg_dump in db (HTTP 409): container db is not running"),
    );
  });

  it("says when the daemon cannot be reached", async () => {
    const missing = new DockerEngine(
      dockerConnection({ DOCKER_HOST: `unix://${join(tempDir("no-docker-"), "docker.sock")}` }),
    );
    await assert.rejects(
      missing.inspect("proxy"),
      /^OpsError: cannot reach the Docker daemon at .*docker\.sock: no such socket; start Docker/,
    );
  });

  it("finds the daemon from DOCKER_HOST as the docker CLI does: unix, tcp (TLS on 2376) and ssh", () => {
    const home = tempDir("docker-home-");
    const at = (env: NodeJS.ProcessEnv) => {
      const { options, description } = dockerConnection({ HOME: home, ...env });
      const set = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
      return { ...set, description };
    };
    assert.deepEqual(at({}), { socketPath: "/var/run/docker.sock", description: "/var/run/docker.sock" });
    assert.deepEqual(at({ DOCKER_HOST: "unix:///run/user/1000/docker.sock" }), {
      socketPath: "/run/user/1000/docker.sock",
      description: "/run/user/1000/docker.sock",
    });
    assert.deepEqual(at({ DOCKER_HOST: "tcp://10.0.0.5:2375" }), {
      protocol: "http",
      host: "10.0.0.5",
      port: 2375,
      description: "tcp://10.0.0.5:2375",
    });
    assert.deepEqual(at({ DOCKER_HOST: "tcp://10.0.0.5:2376" }), {
      protocol: "https",
      host: "10.0.0.5",
      port: 2376,
      description: "tcp://10.0.0.5:2376",
    });
    assert.deepEqual(at({ DOCKER_HOST: "ssh://me@build-box", SSH_AUTH_SOCK: "/tmp/agent.sock" }), {
      protocol: "ssh",
      host: "build-box",
      port: 22,
      username: "me",
      sshOptions: { agent: "/tmp/agent.sock" },
      description: "ssh://me@build-box",
    });
    // Only a daemon on this machine publishes its ports and mounts its paths here.
    const local = (host: string) => dockerConnection({ HOME: home, DOCKER_HOST: host }).local;
    assert.deepEqual(
      [
        "unix:///x.sock",
        "tcp://127.0.0.1:2375",
        "tcp://localhost:2375",
        "tcp://10.0.0.5:2375",
        "ssh://me@build-box",
      ].map(local),
      [true, true, true, false, false],
    );
    // Unset keys stay set to undefined: docker-modem must not fall back to this process's own DOCKER_HOST.
    assert.ok("host" in dockerConnection({ HOME: home, DOCKER_HOST: "unix:///x.sock" }).options);
    assert.throws(
      () => dockerConnection({ HOME: home, DOCKER_HOST: "ftp://box" }),
      /expected unix:\/\/<socket>, tcp:\/\/<host>:<port> or ssh:\/\/<user>@<host>/,
    );
  });

  it("follows the current Docker context (Colima, OrbStack, rootless, ssh) where DOCKER_HOST is unset", () => {
    const config = tempDir("docker-config-");
    const context = (name: string, host: string) => {
      const dir = join(config, "contexts", "meta", createHash("sha256").update(name).digest("hex"));
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, "meta.json"),
        JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }),
      );
    };
    context("colima", "unix:///Users/me/.colima/default/docker.sock");
    context("build-box", "ssh://me@build-box:2222");
    writeFileSync(join(config, "config.json"), JSON.stringify({ currentContext: "colima" }));
    const env = { HOME: "/nonexistent", DOCKER_CONFIG: config };
    assert.deepEqual(
      dockerConnection(env).description,
      "/Users/me/.colima/default/docker.sock (Docker context colima)",
    );
    assert.equal(dockerConnection(env).options.socketPath, "/Users/me/.colima/default/docker.sock");
    assert.deepEqual(dockerConnection({ ...env, DOCKER_CONTEXT: "build-box" }).options.port, 2222);
    assert.equal(dockerConnection({ ...env, DOCKER_CONTEXT: "default" }).options.socketPath, "/var/run/docker.sock");
    assert.equal(
      dockerConnection({ ...env, DOCKER_HOST: "tcp://10.0.0.5:2375" }).options.host,
      "10.0.0.5",
      "DOCKER_HOST wins over the context",
    );
    assert.throws(
      () => dockerConnection({ ...env, DOCKER_CONTEXT: "gone" }),
      /the Docker context "gone" does not exist \(docker context ls lists them\)/,
    );
  });

  it("reports a missing container at once, the daemon's answer drained", async () => {
    const started = Date.now();
    assert.equal(await engine.inspect("gone"), undefined);
    await assert.rejects(
      engine.logs("gone", { follow: false, write: () => undefined }),
      new OpsError("no container gone: is the stack up?"),
    );
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  });

  it("reassembles frames split anywhere, and a last line without a newline", async () => {
    const bytes = Buffer.concat([frame(1, Buffer.from("one\ntw")), frame(2, Buffer.from("o\nthree"))]);
    const chunks = [bytes.subarray(0, 5), bytes.subarray(5, 13), bytes.subarray(13)];
    const lines: string[] = [];
    await demultiplex(Readable.from(chunks), (line) => lines.push(line));
    assert.deepEqual(lines, ["one", "two", "three"]);
  });
});

/** A stand-in for an AWS SDK client: answers each command by its name, and records what it was sent. */
function client(answers: Record<string, (input: Record<string, unknown>) => unknown>) {
  const sent: [string, Record<string, unknown>][] = [];
  return {
    sent,
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const name = command.constructor.name;
      sent.push([name, command.input]);
      const answer = answers[name];
      if (!answer) throw Object.assign(new Error(`unexpected ${name}`), { name: "UnexpectedCommand" });
      return answer(command.input);
    },
  };
}

describe("AWS adapter (with stand-in SDK clients)", () => {
  const nothing = client({});

  it("reads the master key from Secrets Manager", async () => {
    const secrets = client({ GetSecretValueCommand: () => ({ SecretString: "sk-from-secrets-manager" }) });
    const aws = new AwsServices({ ecs: nothing, logs: nothing, secrets });
    assert.equal(
      await aws.masterKey("arn:aws:secretsmanager:us-east-1:123456789012:secret:key"),
      "sk-from-secrets-manager",
    );
    assert.deepEqual(secrets.sent, [
      ["GetSecretValueCommand", { SecretId: "arn:aws:secretsmanager:us-east-1:123456789012:secret:key" }],
    ]);
  });

  it("turns an SDK error into one line the user can act on", async () => {
    const secrets = client({
      GetSecretValueCommand: () =>
        Promise.reject(Object.assign(new Error("Could not load credentials"), { name: "CredentialsProviderError" })),
    });
    const aws = new AwsServices({ ecs: nothing, logs: nothing, secrets });
    await assert.rejects(
      aws.masterKey("arn"),
      new OpsError(
        "AWS: cannot read the master key: no AWS credentials (set AWS_PROFILE or log in with aws sso login)",
      ),
    );
  });

  it("reports each service's running and desired counts, and a missing one", async () => {
    const ecs = client({
      DescribeServicesCommand: () => ({
        services: [
          {
            serviceName: "proxy",
            status: "ACTIVE",
            runningCount: 2,
            desiredCount: 2,
            pendingCount: 0,
            deployments: [{ status: "PRIMARY", rolloutState: "COMPLETED" }],
          },
        ],
      }),
    });
    const aws = new AwsServices({ ecs, logs: nothing, secrets: nothing });
    assert.deepEqual(await aws.services("cluster", ["proxy", "mcp"]), [
      {
        name: "proxy",
        status: "ACTIVE",
        running: 2,
        desired: 2,
        pending: 0,
        deployments: 1,
        rollout: "COMPLETED",
        rolloutReason: undefined,
      },
      { name: "mcp", status: "MISSING", running: 0, desired: 0, pending: 0, deployments: 0 },
    ]);
  });

  it("forces a new deployment and waits until it completes, telling its progress", async () => {
    const states = [
      {
        runningCount: 2,
        desiredCount: 2,
        deployments: [{ status: "PRIMARY", rolloutState: "IN_PROGRESS" }, { status: "ACTIVE" }],
      },
      {
        runningCount: 3,
        desiredCount: 2,
        deployments: [{ status: "PRIMARY", rolloutState: "IN_PROGRESS" }, { status: "ACTIVE" }],
      },
      { runningCount: 2, desiredCount: 2, deployments: [{ status: "PRIMARY", rolloutState: "COMPLETED" }] },
    ];
    const ecs = client({
      UpdateServiceCommand: () => ({}),
      DescribeServicesCommand: () => ({
        services: [{ serviceName: "proxy", status: "ACTIVE", pendingCount: 0, ...states.shift()! }],
      }),
    });
    const progress: string[] = [];
    await new AwsServices({ ecs, logs: nothing, secrets: nothing }, { pollMs: 0, timeoutMs: 10_000 }).restart(
      "cluster",
      "proxy",
      (line) => progress.push(line),
    );
    assert.deepEqual(ecs.sent[0], [
      "UpdateServiceCommand",
      { cluster: "cluster", service: "proxy", forceNewDeployment: true },
    ]);
    assert.deepEqual(progress, [
      "proxy: new deployment started",
      "proxy: in progress, 2 of 2 task(s) running, 2 deployment(s)",
      "proxy: in progress, 3 of 2 task(s) running, 2 deployment(s)",
      "proxy: completed, 2 of 2 task(s) running, 1 deployment(s)",
      "proxy: stable",
    ]);
  });

  it("says a deployment failed and was rolled back", async () => {
    const ecs = client({
      UpdateServiceCommand: () => ({}),
      DescribeServicesCommand: () => ({
        services: [
          {
            serviceName: "proxy",
            status: "ACTIVE",
            runningCount: 1,
            desiredCount: 2,
            deployments: [{ status: "PRIMARY", rolloutState: "FAILED", rolloutStateReason: "tasks failed to start" }],
          },
        ],
      }),
    });
    const aws = new AwsServices({ ecs, logs: nothing, secrets: nothing }, { pollMs: 0, timeoutMs: 10_000 });
    await assert.rejects(
      aws.restart("cluster", "proxy", () => undefined),
      new OpsError("the new deployment of proxy failed and was rolled back: tasks failed to start"),
    );
  });

  describe("database parameters that wait for a reboot (stand-in RDS answering as DescribeDBInstances and RebootDBInstance are documented)", () => {
    const rdsWith = (states: { DBInstanceStatus: string; apply: string }[]) =>
      client({
        DescribeDBInstancesCommand: () => {
          const state = states.length > 1 ? states.shift()! : states[0]!;
          return {
            DBInstances: [
              {
                DBInstanceStatus: state.DBInstanceStatus,
                MultiAZ: true,
                DBParameterGroups: [{ DBParameterGroupName: "pg", ParameterApplyStatus: state.apply }],
              },
            ],
          };
        },
        RebootDBInstanceCommand: () => ({ DBInstance: {} }),
      });

    it("does nothing when the parameters are in sync", async () => {
      const rds = rdsWith([{ DBInstanceStatus: "available", apply: "in-sync" }]);
      const progress: string[] = [];
      await new AwsServices(
        { ecs: nothing, logs: nothing, secrets: nothing, rds },
        { pollMs: 0, timeoutMs: 10_000 },
      ).applyDatabaseParameters("db-1", (line) => progress.push(line));
      assert.deepEqual(
        rds.sent.map(([name]) => name),
        ["DescribeDBInstancesCommand"],
      );
      assert.deepEqual(progress, [
        "database db-1: available, parameters in-sync",
        "database: parameters in sync, no reboot needed",
      ]);
    });

    it("waits out 'applying', reboots with failover on pending-reboot, and waits until in sync", async () => {
      const rds = rdsWith([
        { DBInstanceStatus: "available", apply: "applying" },
        { DBInstanceStatus: "available", apply: "pending-reboot" },
        { DBInstanceStatus: "rebooting", apply: "pending-reboot" },
        { DBInstanceStatus: "available", apply: "in-sync" },
      ]);
      const progress: string[] = [];
      await new AwsServices(
        { ecs: nothing, logs: nothing, secrets: nothing, rds },
        { pollMs: 0, timeoutMs: 10_000 },
      ).applyDatabaseParameters("db-1", (line) => progress.push(line));
      assert.deepEqual(
        rds.sent.find(([name]) => name === "RebootDBInstanceCommand"),
        ["RebootDBInstanceCommand", { DBInstanceIdentifier: "db-1", ForceFailover: true }],
      );
      assert.deepEqual(progress, [
        "database db-1: available, parameters applying",
        "database db-1: available, parameters pending-reboot",
        "database db-1: rebooting with failover to apply its parameters",
        "database db-1: rebooting, parameters pending-reboot",
        "database db-1: available, parameters in-sync",
        "database: parameters applied",
      ]);
    });
  });

  describe("the one-off migration task (stand-in ECS answering as RunTask and DescribeTasks are documented)", () => {
    const target = {
      cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/litellm-mcp-test",
      taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/litellm-mcp-test-migrate:3",
      subnets: ["subnet-0a1b", "subnet-0c2d"],
      securityGroups: ["sg-0123"],
    };
    const TASK = "arn:aws:ecs:us-east-1:123456789012:task/litellm-mcp-test/4f9c2e1d";
    const ecsWith = (states: object[]) =>
      client({
        RunTaskCommand: () => ({ tasks: [{ taskArn: TASK, lastStatus: "PROVISIONING" }], failures: [] }),
        DescribeTasksCommand: () => ({ tasks: [states.length > 1 ? states.shift() : states[0]] }),
      });

    it("starts the task in the private subnets and waits for its container to exit 0", async () => {
      const ecs = ecsWith([
        { lastStatus: "PROVISIONING", containers: [{ name: "litellm" }] },
        { lastStatus: "RUNNING", containers: [{ name: "litellm" }] },
        {
          lastStatus: "STOPPED",
          stoppedReason: "Essential container in task exited",
          containers: [{ name: "litellm", exitCode: 0 }],
        },
      ]);
      const progress: string[] = [];
      await new AwsServices({ ecs, logs: nothing, secrets: nothing }, { pollMs: 0, timeoutMs: 10_000 }).migrate(
        target,
        (line) => progress.push(line),
      );
      assert.deepEqual(ecs.sent[0], [
        "RunTaskCommand",
        {
          cluster: target.cluster,
          taskDefinition: target.taskDefinition,
          launchType: "FARGATE",
          count: 1,
          startedBy: "litellm-mcp-migration",
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: target.subnets,
              securityGroups: target.securityGroups,
              assignPublicIp: "DISABLED",
            },
          },
        },
      ]);
      assert.deepEqual(progress, [
        "migration task 4f9c2e1d started",
        "migration task 4f9c2e1d: provisioning",
        "migration task 4f9c2e1d: running",
        "migration task 4f9c2e1d: stopped",
        "migration: done",
      ]);
    });

    it("fails with the exit code and the log stream when the migration fails", async () => {
      const ecs = ecsWith([{ lastStatus: "STOPPED", containers: [{ name: "litellm", exitCode: 2 }] }]);
      const aws = new AwsServices({ ecs, logs: nothing, secrets: nothing }, { pollMs: 0, timeoutMs: 10_000 });
      await assert.rejects(
        aws.migrate(target, () => undefined),
        new OpsError(
          "the database migration failed (exit code 2); the proxy keeps its current version. Its log: stream migrate/litellm/4f9c2e1d",
        ),
      );
    });

    it("says why the task did not start", async () => {
      const ecs = client({
        RunTaskCommand: () => ({ tasks: [], failures: [{ reason: "RESOURCE:ENI", detail: "no free addresses" }] }),
      });
      const aws = new AwsServices({ ecs, logs: nothing, secrets: nothing }, { pollMs: 0, timeoutMs: 10_000 });
      await assert.rejects(
        aws.migrate(target, () => undefined),
        new OpsError("AWS: the migration task did not start: RESOURCE:ENI (no free addresses)"),
      );
    });
  });

  describe("the one-off smoke task (stand-in ECS and CloudWatch Logs answering as documented)", () => {
    const target = {
      cluster: "litellm-mcp-test-cluster",
      taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/litellm-mcp-test-smoke:2",
      subnets: ["subnet-0a1b", "subnet-0c2d"],
      securityGroups: ["sg-0456"],
    };
    const TASK = "arn:aws:ecs:us-east-1:123456789012:task/litellm-mcp-test-cluster/7d1e0b3a";
    const log = { group: "/litellm-mcp/test/proxy", streamPrefix: "smoke" };
    const ecsEnding = (container: object, stoppedReason?: string) =>
      client({
        RunTaskCommand: () => ({ tasks: [{ taskArn: TASK, lastStatus: "PROVISIONING" }], failures: [] }),
        DescribeTasksCommand: () => ({ tasks: [{ lastStatus: "STOPPED", stoppedReason, containers: [container] }] }),
      });

    it("runs the task in the private subnets, then reads every page of its own log stream", async () => {
      const ecs = ecsEnding({ name: "smoke", exitCode: 1 });
      const logs = client({
        FilterLogEventsCommand: (input) =>
          input["nextToken"] === undefined
            ? { events: [{ message: '{"check": "models"}' }], nextToken: "page-2" }
            : { events: [{ message: '{"smoke": "failed"}' }] },
      });
      const progress: string[] = [];
      const end = await new AwsServices({ ecs, logs, secrets: nothing }, { pollMs: 0, timeoutMs: 10_000 }).smoke(
        target,
        log,
        (line) => progress.push(line),
      );
      assert.deepEqual(end, {
        taskId: "7d1e0b3a",
        exitCode: 1,
        reason: undefined,
        lines: ['{"check": "models"}', '{"smoke": "failed"}'],
      });
      assert.deepEqual((ecs.sent[0]![1] as { startedBy: string }).startedBy, "litellm-mcp-smoke");
      assert.deepEqual(ecs.sent[0]![1]["networkConfiguration"], {
        awsvpcConfiguration: {
          subnets: target.subnets,
          securityGroups: target.securityGroups,
          assignPublicIp: "DISABLED",
        },
      });
      assert.deepEqual(
        logs.sent.map(([name, input]) => [name, input["logGroupName"], input["logStreamNames"], input["nextToken"]]),
        [
          ["FilterLogEventsCommand", "/litellm-mcp/test/proxy", ["smoke/smoke/7d1e0b3a"], undefined],
          ["FilterLogEventsCommand", "/litellm-mcp/test/proxy", ["smoke/smoke/7d1e0b3a"], "page-2"],
        ],
      );
      assert.deepEqual(progress, ["smoke task 7d1e0b3a started", "smoke task 7d1e0b3a: stopped"]);
    });

    it("gives no lines for a container that printed nothing (CloudWatch has no such stream)", async () => {
      const logs = client({
        FilterLogEventsCommand: () => {
          throw Object.assign(new Error("The specified log stream does not exist."), {
            name: "ResourceNotFoundException",
          });
        },
      });
      const end = await new AwsServices(
        { ecs: ecsEnding({ name: "smoke", exitCode: 0 }), logs, secrets: nothing },
        { pollMs: 0, timeoutMs: 10_000 },
      ).smoke(target, log, () => undefined);
      assert.deepEqual(end.lines, []);
    });

    it("reads no log and says why ECS stopped a task whose container never ran", async () => {
      const ecs = ecsEnding(
        { name: "smoke", reason: "CannotPullContainerError: pull access denied" },
        "Task failed to start",
      );
      const end = await new AwsServices(
        { ecs, logs: nothing, secrets: nothing },
        { pollMs: 0, timeoutMs: 10_000 },
      ).smoke(target, log, () => undefined);
      assert.deepEqual(end, {
        taskId: "7d1e0b3a",
        exitCode: undefined,
        reason: "CannotPullContainerError: pull access denied",
        lines: [],
      });
    });
  });

  it("reads every page of a log group, then follows it with a live tail", async () => {
    const logs = client({
      FilterLogEventsCommand: (input) =>
        input["nextToken"] === undefined
          ? { events: [{ timestamp: 0, logStreamName: "proxy/litellm/1", message: "started\n" }], nextToken: "page-2" }
          : { events: [{ timestamp: 1000, logStreamName: "proxy/litellm/1", message: "ready" }] },
      DescribeLogGroupsCommand: () => ({
        logGroups: [
          {
            logGroupName: "/litellm-mcp/test/proxy",
            logGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:/litellm-mcp/test/proxy",
          },
        ],
      }),
      StartLiveTailCommand: () => ({
        responseStream: (async function* () {
          yield { sessionStart: {} };
          yield {
            sessionUpdate: {
              sessionResults: [{ timestamp: 2000, logStreamName: "proxy/litellm/2", message: "request" }],
            },
          };
        })(),
      }),
    });
    const lines: string[] = [];
    await new AwsServices({ ecs: nothing, logs, secrets: nothing }).logs("/litellm-mcp/test/proxy", {
      since: 0,
      follow: true,
      write: (line) => lines.push(line),
    });
    assert.deepEqual(lines, [
      "1970-01-01T00:00:00.000Z proxy/litellm/1 started",
      "1970-01-01T00:00:01.000Z proxy/litellm/1 ready",
      "1970-01-01T00:00:02.000Z proxy/litellm/2 request",
    ]);
    assert.deepEqual(logs.sent.at(-1), [
      "StartLiveTailCommand",
      { logGroupIdentifiers: ["arn:aws:logs:us-east-1:123456789012:log-group:/litellm-mcp/test/proxy"] },
    ]);
  });
});

describe("operations building blocks", () => {
  it("keeps a docker stack's state in the project with a passphrase generated when a stack is first written, and leaves AWS stacks to the user's login", () => {
    const project = tempDir("litellm-mcp-backend-");
    const dev = backendFor(project, "docker", {});
    const passphrase = join(project, ".pulumi-state", "passphrase");
    assert.deepEqual(
      [dev.env, dev.mayHoldStacks],
      [{ PULUMI_BACKEND_URL: `file://${project}/.pulumi-state`, PULUMI_CONFIG_PASSPHRASE_FILE: passphrase }, false],
    );
    assert.ok(!existsSync(join(project, ".pulumi-state")), "choosing the backend writes nothing");
    dev.prepare();
    assert.match(readFileSync(passphrase, "utf8"), /^[0-9a-f]{64}$/);
    assert.equal(statSync(passphrase).mode & 0o777, 0o600);
    const again = readFileSync(passphrase, "utf8");
    const later = backendFor(project, "docker", {});
    later.prepare();
    assert.equal(readFileSync(passphrase, "utf8"), again, "the passphrase is kept");
    assert.equal(later.mayHoldStacks, true);
    assert.deepEqual(backendFor(project, "aws", {}).env, {});
    const elsewhere = backendFor(project, "docker", { PULUMI_BACKEND_URL: "s3://state" });
    assert.deepEqual([elsewhere.env, elsewhere.description, elsewhere.mayHoldStacks], [{}, "s3://state", true]);
    assert.deepEqual(backendFor(project, "docker", { PULUMI_CONFIG_PASSPHRASE: "mine" }).env, {
      PULUMI_BACKEND_URL: `file://${project}/.pulumi-state`,
    });
  });

  it("reads no stack from a project that never wrote one, and creates nothing doing so", async () => {
    const project = tempDir("litellm-mcp-backend-");
    const pulumi = new AutomationPulumi(project, backendFor(project, "docker", {}));
    await assert.rejects(
      pulumi.outputs("dev"),
      new OpsError(
        `no stack dev in the local file backend in ${project}/.pulumi-state: it was never deployed (litellm-mcp up --stack dev)`,
      ),
    );
    assert.deepEqual(readdirSync(project), []);
  });

  it("opens the stack before down says what it destroys: without the Pulumi CLI it fails first", async () => {
    const project = tempDir("litellm-mcp-backend-");
    const backend = backendFor(project, "docker", { PULUMI_CONFIG_PASSPHRASE: "unused" });
    mkdirSync(join(project, ".pulumi-state"));
    const pulumi = new AutomationPulumi(project, { ...backend, mayHoldStacks: true });
    const path = process.env["PATH"];
    process.env["PATH"] = tempDir("litellm-mcp-no-pulumi-");
    let announced = false;
    try {
      await assert.rejects(
        pulumi.destroy("dev", () => undefined, { keepProtected: true, onSelected: () => (announced = true) }),
        new OpsError("the Pulumi CLI is not installed; see https://www.pulumi.com/docs/install/"),
      );
    } finally {
      process.env["PATH"] = path;
    }
    assert.equal(announced, false);
  });

  it("reads --since as a duration ago or a time, and refuses anything else", () => {
    const now = Date.parse("2026-11-24T12:00:00Z");
    assert.equal(parseSince("10m", now), now - 600_000);
    assert.equal(parseSince("2h", now), now - 7_200_000);
    assert.equal(parseSince("1d", now), now - 86_400_000);
    assert.equal(parseSince("2026-11-24T10:00:00Z", now), Date.parse("2026-11-24T10:00:00Z"));
    assert.equal(parseSince(undefined, now), undefined);
    assert.throws(() => parseSince("yesterday", now), /--since: expected a duration such as 10m/);
  });

  it("knows a stack that was never deployed and outputs that are not this program's", () => {
    assert.throws(
      () => readOutputs("dev", {}),
      new OpsError("stack dev has no outputs: it has not been deployed yet (litellm-mcp up --stack dev)"),
    );
    assert.throws(
      () => readOutputs("dev", { target: { value: "docker", secret: false } }),
      /^OpsError: stack dev's outputs are not this program's \(proxyUrl\)/,
    );
  });

  it("reads the response cache of a deployed config", () => {
    assert.equal(responseCache("litellm_settings:\n  drop_params: true\n"), "none");
    assert.equal(responseCache("litellm_settings:\n  cache: true\n  cache_params:\n    type: local\n"), "local");
    assert.equal(responseCache("litellm_settings:\n  cache: true\n  cache_params:\n    type: redis\n"), "redis");
  });
});
