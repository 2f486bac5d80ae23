/**
 * A stand-in for what the ECS agent and Fargate do to start a task, because no container engine runs here: it
 * reads the task definition from the (emulated) ECS API, resolves each container's `secrets` from Secrets Manager
 * (ARN, JSON key, version stage, version id, as valueFrom names them), serves the task role's credentials at
 * 169.254.170.2 (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, as the agent does), sets AWS_REGION, mounts the task's
 * volumes, and starts the container's entry point and command as a process in the task's own network namespace.
 * The container's health check is the task definition's command, run inside the task. The awslogs driver is
 * stood in for by copying the process's output to the log group and stream the definition names.
 *
 * What only an image holds is mapped to this machine: the image's default entry point (the LiteLLM images run
 * `litellm` with the container's command), and the programs on PATH come from the suite's installs.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import type { Moto } from "./moto";
import type { Started } from "./processes";
import { ECS_CREDENTIALS_HOST, type LocalVpc, type Mount, type TaskNetwork } from "./vpc";

export interface ContainerDefinition {
  name: string;
  image: string;
  essential?: boolean;
  entryPoint?: string[];
  command?: string[];
  environment?: { name: string; value: string }[];
  secrets?: { name: string; valueFrom: string }[];
  mountPoints?: { sourceVolume: string; containerPath: string }[];
  healthCheck?: { command: string[]; interval?: number; timeout?: number; retries?: number; startPeriod?: number };
  logConfiguration?: { logDriver: string; options: Record<string, string> };
}

/** The role credentials the agent hands the tasks. */
export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface RunningTask {
  readonly id: string;
  readonly network: TaskNetwork;
  readonly container: ContainerDefinition;
  readonly argv: readonly string[];
  /** The container's environment as the agent gave it: the definition's and its resolved secrets. */
  readonly containerEnv: Readonly<Record<string, string>>;
  readonly process: Started;
  /** Non-essential containers of the task that were not started, and why. */
  readonly notStarted: readonly string[];
  /** Runs the definition's health check in the task once; exit status 0 is healthy. */
  healthCheck(): { status: number | null; output: string };
  /** Copies what the container printed since the last call to its log stream, as the awslogs driver does. */
  shipLogs(): Promise<void>;
}

export interface TaskOptions {
  /** The task's name in its own /etc/hosts. */
  readonly label: string;
  /** What the task's DNS answers: names to addresses. */
  readonly hosts: Readonly<Record<string, string>>;
  /** The programs the image's entry point and command name, on PATH. */
  readonly path: string;
  /** Where the image's default entry point is (for an image run without entryPoint). */
  readonly imageEntryPoint?: readonly string[];
  /** What the process gets besides the container's environment: where the AWS APIs answer, the test CA. */
  readonly harnessEnv: Readonly<Record<string, string>>;
  /** Environment variables of the definition this start leaves out, each with why. */
  readonly without?: Readonly<Record<string, string>>;
  readonly logDir: string;
  /** The task's network, when something already runs in it (its Service Connect proxy); a new one otherwise. */
  readonly network?: TaskNetwork;
}

/** valueFrom: a secret's ARN, then optionally :json-key:version-stage:version-id. */
export function parseValueFrom(valueFrom: string): {
  arn: string;
  jsonKey?: string;
  stage?: string;
  versionId?: string;
} {
  const parts = valueFrom.split(":");
  const [jsonKey, stage, versionId] = parts.slice(7);
  return {
    arn: parts.slice(0, 7).join(":"),
    ...(jsonKey ? { jsonKey } : {}),
    ...(stage ? { stage } : {}),
    ...(versionId ? { versionId } : {}),
  };
}

export class EcsAgentStandIn {
  private server: Server | undefined;
  private readonly tokens = new Map<string, RoleCredentials>();
  private count = 0;

  constructor(
    private readonly moto: Moto,
    private readonly vpc: LocalVpc,
  ) {}

  /** Serves task role credentials on 169.254.170.2:80, as the agent does. */
  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const credentials = this.tokens.get(request.url ?? "");
      if (!credentials) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          AccessKeyId: credentials.accessKeyId,
          SecretAccessKey: credentials.secretAccessKey,
          Token: `task-session-${request.url?.split("/").pop()}`,
          Expiration: new Date(Date.now() + 3_600_000).toISOString(),
          RoleArn: "arn:aws:iam::123456789012:role/task",
        }),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(80, ECS_CREDENTIALS_HOST, resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  async definition(taskDefinitionArn: string): Promise<ContainerDefinition[]> {
    const described = await this.moto.clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn }),
    );
    return (described.taskDefinition?.containerDefinitions ?? []) as ContainerDefinition[];
  }

  /** Starts the task's essential container as ECS would; non-essential containers are reported, not started. */
  async runTask(
    taskDefinitionArn: string,
    role: RoleCredentials | undefined,
    options: TaskOptions,
  ): Promise<RunningTask> {
    const containers = await this.definition(taskDefinitionArn);
    const container = containers.find((candidate) => candidate.essential !== false);
    if (!container) throw new Error(`${taskDefinitionArn} has no essential container`);
    const notStarted = containers
      .filter((candidate) => candidate !== container)
      .map((candidate) => `${candidate.name} (${candidate.image}): a container image; no container engine runs here`);

    const containerEnv: Record<string, string> = {};
    for (const entry of container.environment ?? []) containerEnv[entry.name] = entry.value;
    for (const secret of container.secrets ?? []) {
      const { arn, jsonKey, stage, versionId } = parseValueFrom(secret.valueFrom);
      const value = await this.moto.clients.secrets.send(
        new GetSecretValueCommand({ SecretId: arn, VersionId: versionId, VersionStage: stage }),
      );
      containerEnv[secret.name] = jsonKey
        ? String((JSON.parse(value.SecretString ?? "{}") as Record<string, unknown>)[jsonKey])
        : (value.SecretString ?? "");
    }
    const id = randomUUID().replace(/-/g, "");
    const credentialsPath = `/v2/credentials/${randomUUID()}`;
    if (role) this.tokens.set(credentialsPath, role);
    // What Fargate adds to every container's environment.
    const fargateEnv = {
      AWS_REGION: this.moto.region,
      AWS_DEFAULT_REGION: this.moto.region,
      ...(role ? { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: credentialsPath } : {}),
    };
    const env: NodeJS.ProcessEnv = {
      PATH: options.path,
      HOME: this.vpc.volume(),
      LANG: "C.UTF-8",
      ...options.harnessEnv,
      ...fargateEnv,
      ...containerEnv,
    };
    for (const name of Object.keys(options.without ?? {})) delete env[name];

    const argv = [...(container.entryPoint ?? options.imageEntryPoint ?? []), ...(container.command ?? [])];
    if (argv.length === 0) throw new Error(`${container.name}: no entry point or command`);
    const volumes = new Map<string, string>();
    const mounts: Mount[] = (container.mountPoints ?? []).map((point) => {
      if (!volumes.has(point.sourceVolume)) volumes.set(point.sourceVolume, this.vpc.volume());
      return { hostPath: volumes.get(point.sourceVolume)!, containerPath: point.containerPath };
    });
    const network = options.network ?? this.vpc.task(options.label, options.hosts);
    const name = `${options.label}-${++this.count}`;
    const started = network.start(name, argv, { env, logDir: options.logDir, mounts });

    const logs = container.logConfiguration?.logDriver === "awslogs" ? container.logConfiguration.options : undefined;
    const stream = logs ? `${logs["awslogs-stream-prefix"]}/${container.name}/${id}` : undefined;
    let shipped = 0;
    let streamMade = false;
    const check = container.healthCheck?.command ?? [];
    const probe = check[0] === "CMD-SHELL" ? ["sh", "-c", check.slice(1).join(" ")] : check.slice(1);
    return {
      id,
      network,
      container,
      argv,
      containerEnv,
      process: started,
      notStarted,
      healthCheck: () =>
        probe.length === 0
          ? { status: 0, output: "no health check" }
          : network.run(probe, { PATH: options.path }, (container.healthCheck?.timeout ?? 5) * 1000),
      shipLogs: async () => {
        if (!logs || !stream) return;
        const lines = readFileSync(started.logFile, "utf8")
          .split("\n")
          .filter((line) => line.trim() !== "");
        const fresh = lines.slice(shipped);
        if (fresh.length === 0) return;
        if (!streamMade) {
          await this.moto.clients.logs.send(
            new CreateLogStreamCommand({ logGroupName: logs["awslogs-group"], logStreamName: stream }),
          );
          streamMade = true;
        }
        const now = Date.now();
        await this.moto.clients.logs.send(
          new PutLogEventsCommand({
            logGroupName: logs["awslogs-group"],
            logStreamName: stream,
            logEvents: fresh.map((message) => ({ timestamp: now, message })),
          }),
        );
        shipped = lines.length;
      },
    };
  }
}

/**
 * ECS's RunTask and DescribeTasks for the operations CLI's one-off tasks, answered by starting the task through the
 * agent stand-in: moto 5.2.5's RunTask raises a TypeError on a Fargate task definition whose containers set no
 * memory of their own. A task is RUNNING until its process exits, then STOPPED with its container's exit code,
 * its output first shipped to its log stream, as the awslogs driver sends it before ECS reports the task stopped.
 */
export function oneOffTaskApi(agent: EcsAgentStandIn, region: string, options: TaskOptions) {
  const tasks = new Map<string, RunningTask>();
  const sent: string[] = [];
  return {
    sent,
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> {
      const name = command.constructor.name;
      sent.push(name);
      if (name === "RunTaskCommand") {
        const task = await agent.runTask(String(command.input["taskDefinition"]), undefined, options);
        const arn = `arn:aws:ecs:${region}:123456789012:task/${String(command.input["cluster"])}/${task.id}`;
        tasks.set(arn, task);
        return { tasks: [{ taskArn: arn, lastStatus: "PROVISIONING" }], failures: [] };
      }
      if (name === "DescribeTasksCommand") {
        const found = ((command.input["tasks"] as string[]) ?? []).map((arn) => [arn, tasks.get(arn)] as const);
        const described = [];
        for (const [arn, task] of found) {
          if (!task) continue;
          if (!task.process.exited()) {
            described.push({ taskArn: arn, lastStatus: "RUNNING", containers: [{ name: task.container.name }] });
            continue;
          }
          await task.shipLogs();
          described.push({
            taskArn: arn,
            lastStatus: "STOPPED",
            stoppedReason: "Essential container in task exited",
            containers: [{ name: task.container.name, exitCode: task.process.exitCode() ?? undefined }],
          });
        }
        return { tasks: described, failures: [] };
      }
      throw Object.assign(new Error(`the one-off task stand-in does not answer ${name}`), {
        name: "UnexpectedCommand",
      });
    },
  };
}
