/**
 * The AWS calls of the operations CLI, through the AWS SDK v3: the master key from Secrets Manager, ECS service
 * counts and forced redeployments, CloudWatch log reading and live tail. Clients are injected for tests.
 */
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  type FilterLogEventsCommandInput,
  type FilteredLogEvent,
  StartLiveTailCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  RunTaskCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import {
  CreateDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
  RebootDBInstanceCommand,
} from "@aws-sdk/client-rds";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PROXY } from "../config/constants";
import { OpsError } from "./errors";

export interface ServiceState {
  readonly name: string;
  readonly status: string;
  readonly running: number;
  readonly desired: number;
  readonly pending: number;
  readonly deployments: number;
  /** The newest deployment's rollout: IN_PROGRESS, COMPLETED or FAILED. */
  readonly rollout?: string;
  readonly rolloutReason?: string;
}

export interface AwsLogOptions {
  /** Epoch milliseconds. */
  readonly since?: number;
  readonly follow: boolean;
  readonly write: (line: string) => void;
}

/** Where a one-off task runs (the migration, the smoke check): the proxy's cluster, private subnets, a security group. */
export interface TaskTarget {
  readonly cluster: string;
  readonly taskDefinition: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
}

/** How a one-off task ended, and what its container printed. */
export interface TaskEnd {
  readonly taskId: string;
  /** The container's exit code; undefined when it never ran (an image pull or a secret that failed). */
  readonly exitCode?: number;
  /** Why ECS stopped it, when the container has no exit code. */
  readonly reason?: string;
  readonly lines: string[];
}

/** A manual snapshot of the stack's database, with the tags `pulumi up` gives it. */
export interface DatabaseSnapshot {
  readonly id: string;
  /** creating, available, ... */
  readonly status: string;
  readonly created?: Date;
  readonly tags: Readonly<Record<string, string>>;
}

export interface AwsPort {
  masterKey(secretArn: string): Promise<string>;
  /**
   * Reboots the database when RDS holds a parameter change until a reboot (max_connections), and waits until it
   * is available with its parameters in sync; does nothing otherwise.
   */
  applyDatabaseParameters(instance: string, progress: (line: string) => void): Promise<void>;
  /** Takes a manual snapshot of the database and waits until it is available. */
  snapshotDatabase(
    instance: string,
    snapshot: { id: string; tags: Record<string, string> },
    progress: (line: string) => void,
  ): Promise<void>;
  /** The database's manual snapshots, newest first. */
  databaseSnapshots(instance: string): Promise<DatabaseSnapshot[]>;
  /** Runs the migration task to its end; fails unless its container exits 0. */
  migrate(target: TaskTarget, progress: (line: string) => void): Promise<void>;
  /**
   * Runs the smoke task to its end and reads what its container printed from its log stream
   * (`<prefix>/<container>/<task id>` in `logGroup`, as the awslogs driver names it).
   */
  smoke(
    target: TaskTarget,
    log: { group: string; streamPrefix: string },
    progress: (line: string) => void,
  ): Promise<TaskEnd>;
  services(cluster: string, names: string[]): Promise<ServiceState[]>;
  restart(cluster: string, service: string, progress: (line: string) => void): Promise<void>;
  logs(logGroup: string, options: AwsLogOptions): Promise<void>;
}

/** Anything with the SDK client's send(): the real clients, or stand-ins in tests. */
interface Sender {
  // biome-ignore lint/suspicious/noExplicitAny: the SDK's send is generic over every command of a client
  send(command: any): Promise<any>;
}

export interface AwsClients {
  readonly ecs: Sender;
  readonly logs: Sender;
  readonly secrets: Sender;
  readonly rds?: Sender;
}

export interface RestartTiming {
  readonly pollMs: number;
  readonly timeoutMs: number;
}

export class AwsServices implements AwsPort {
  constructor(
    private readonly clients: AwsClients,
    private readonly timing: RestartTiming = { pollMs: 15_000, timeoutMs: 30 * 60_000 },
  ) {}

  static forRegion(region: string): AwsServices {
    return new AwsServices({
      ecs: new ECSClient({ region }),
      logs: new CloudWatchLogsClient({ region }),
      secrets: new SecretsManagerClient({ region }),
      rds: new RDSClient({ region }),
    });
  }

  async masterKey(secretArn: string): Promise<string> {
    const secret = await this.call("read the master key", () =>
      this.clients.secrets.send(new GetSecretValueCommand({ SecretId: secretArn })),
    );
    if (typeof secret.SecretString !== "string") throw new OpsError("the master key secret holds no string value");
    return secret.SecretString;
  }

  async services(cluster: string, names: string[]): Promise<ServiceState[]> {
    if (names.length === 0) return [];
    const described = await this.call("describe the ECS services", () =>
      this.clients.ecs.send(new DescribeServicesCommand({ cluster, services: names })),
    );
    const byName = new Map<string, ServiceState>();
    for (const service of described.services ?? []) {
      const primary = (service.deployments ?? []).find(
        (deployment: { status?: string }) => deployment.status === "PRIMARY",
      );
      byName.set(service.serviceName, {
        name: service.serviceName,
        status: service.status ?? "UNKNOWN",
        running: service.runningCount ?? 0,
        desired: service.desiredCount ?? 0,
        pending: service.pendingCount ?? 0,
        deployments: (service.deployments ?? []).length,
        rollout: primary?.rolloutState,
        rolloutReason: primary?.rolloutStateReason,
      });
    }
    return names.map(
      (name) => byName.get(name) ?? { name, status: "MISSING", running: 0, desired: 0, pending: 0, deployments: 0 },
    );
  }

  /** Forces a new deployment and waits until ECS reports it complete (or rolled back), telling progress. */
  async restart(cluster: string, service: string, progress: (line: string) => void): Promise<void> {
    await this.call(`restart ${service}`, () =>
      this.clients.ecs.send(new UpdateServiceCommand({ cluster, service, forceNewDeployment: true })),
    );
    progress(`${service}: new deployment started`);
    await this.waitFor({
      deadline: Date.now() + this.timing.timeoutMs,
      describe: async () => {
        const [state] = await this.services(cluster, [service]);
        if (!state || state.status === "MISSING")
          throw new OpsError(`service ${service} is gone from cluster ${cluster}`);
        return state;
      },
      line: (state) =>
        `${service}: ${state.rollout?.toLowerCase().replace("_", " ") ?? "deploying"}, ${state.running} of ${state.desired} task(s) running, ${state.deployments} deployment(s)`,
      done: (state) => {
        if (state.rollout === "FAILED")
          throw new OpsError(
            `the new deployment of ${service} failed and was rolled back: ${state.rolloutReason ?? "no reason given"}`,
          );
        return state.rollout === "COMPLETED" && state.deployments === 1 && state.running === state.desired;
      },
      timedOut: `${service} did not become stable`,
      progress,
    });
    progress(`${service}: stable`);
  }

  async applyDatabaseParameters(instance: string, progress: (line: string) => void): Promise<void> {
    const rds = this.rds();
    const deadline = Date.now() + this.timing.timeoutMs;
    const describe = async () => {
      const described = await this.call(`describe the database ${instance}`, () =>
        rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instance })),
      );
      const db = described.DBInstances?.[0] as
        | {
            DBInstanceStatus?: string;
            MultiAZ?: boolean;
            DBParameterGroups?: { DBParameterGroupName?: string; ParameterApplyStatus?: string }[];
          }
        | undefined;
      if (!db) throw new OpsError(`no database ${instance}`);
      return {
        status: db.DBInstanceStatus ?? "unknown",
        multiAz: db.MultiAZ === true,
        apply: (db.DBParameterGroups ?? []).map((group) => group.ParameterApplyStatus ?? "unknown"),
      };
    };
    const wait = (done: (state: Awaited<ReturnType<typeof describe>>) => boolean, what: string) =>
      this.waitFor({
        deadline,
        describe,
        line: (state) => `database ${instance}: ${state.status}, parameters ${state.apply.join(", ") || "none"}`,
        done,
        timedOut: `the database ${instance} did not ${what}`,
        progress,
      });
    // RDS shows "applying" while it takes a changed parameter group, then in-sync or pending-reboot.
    const settled = await wait((state) => state.status === "available" && !state.apply.includes("applying"), "settle");
    if (!settled.apply.includes("pending-reboot")) {
      progress("database: parameters in sync, no reboot needed");
      return;
    }
    // A multi-AZ database fails over to its standby, which is the shorter interruption.
    await this.call(`reboot the database ${instance}`, () =>
      rds.send(new RebootDBInstanceCommand({ DBInstanceIdentifier: instance, ForceFailover: settled.multiAz })),
    );
    progress(`database ${instance}: rebooting${settled.multiAz ? " with failover" : ""} to apply its parameters`);
    await wait(
      (state) => state.status === "available" && state.apply.every((status) => status === "in-sync"),
      "come back in sync",
    );
    progress("database: parameters applied");
  }

  async snapshotDatabase(
    instance: string,
    snapshot: { id: string; tags: Record<string, string> },
    progress: (line: string) => void,
  ): Promise<void> {
    const rds = this.rds();
    await this.call(`snapshot the database ${instance}`, () =>
      rds.send(
        new CreateDBSnapshotCommand({
          DBInstanceIdentifier: instance,
          DBSnapshotIdentifier: snapshot.id,
          Tags: Object.entries(snapshot.tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      ),
    );
    progress(`snapshot ${snapshot.id} of ${instance} started`);
    await this.waitFor({
      deadline: Date.now() + this.timing.timeoutMs,
      describe: async () => {
        const described = await this.call(`describe the snapshot ${snapshot.id}`, () =>
          rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshot.id })),
        );
        const found = described.DBSnapshots?.[0] as { Status?: string; PercentProgress?: number } | undefined;
        if (!found) throw new OpsError(`the snapshot ${snapshot.id} is gone`);
        return { status: found.Status ?? "unknown", percent: found.PercentProgress ?? 0 };
      },
      line: (state) => `snapshot ${snapshot.id}: ${state.status}, ${state.percent}%`,
      done: (state) => {
        if (state.status === "failed")
          throw new OpsError(`RDS could not take the snapshot ${snapshot.id}: the migration does not run`);
        return state.status === "available";
      },
      timedOut: `the snapshot ${snapshot.id} did not become available`,
      progress,
    });
    progress(`snapshot ${snapshot.id}: available`);
  }

  async databaseSnapshots(instance: string): Promise<DatabaseSnapshot[]> {
    const rds = this.rds();
    const snapshots: DatabaseSnapshot[] = [];
    let marker: string | undefined;
    do {
      const page = await this.call(`list the snapshots of ${instance}`, () =>
        rds.send(
          new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: instance, SnapshotType: "manual", Marker: marker }),
        ),
      );
      for (const found of (page.DBSnapshots ?? []) as {
        DBSnapshotIdentifier?: string;
        Status?: string;
        SnapshotCreateTime?: Date;
        TagList?: { Key?: string; Value?: string }[];
      }[]) {
        if (!found.DBSnapshotIdentifier) continue;
        snapshots.push({
          id: found.DBSnapshotIdentifier,
          status: found.Status ?? "unknown",
          created: found.SnapshotCreateTime,
          tags: Object.fromEntries(
            (found.TagList ?? []).filter((tag) => tag.Key !== undefined).map((tag) => [tag.Key!, tag.Value ?? ""]),
          ),
        });
      }
      marker = page.Marker;
    } while (marker);
    return snapshots.sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0));
  }

  private rds(): Sender {
    if (!this.clients.rds) throw new OpsError("no RDS client");
    return this.clients.rds;
  }

  async migrate(target: TaskTarget, progress: (line: string) => void): Promise<void> {
    const { id, container, stoppedReason } = await this.runToEnd(target, "migration", progress);
    if (container?.exitCode !== 0) {
      const why =
        container?.exitCode !== undefined
          ? `exit code ${container.exitCode}`
          : (container?.reason ?? stoppedReason ?? "no exit code");
      throw new OpsError(
        `the database migration failed (${why}); the proxy keeps its current version. Its log: stream migrate/${container?.name ?? PROXY.container}/${id}`,
      );
    }
    progress("migration: done");
  }

  async smoke(
    target: TaskTarget,
    log: { group: string; streamPrefix: string },
    progress: (line: string) => void,
  ): Promise<TaskEnd> {
    const { id, container, stoppedReason } = await this.runToEnd(target, "smoke", progress);
    const stream = `${log.streamPrefix}/${container?.name ?? "smoke"}/${id}`;
    const lines: string[] = [];
    // The awslogs driver sends what is left when the container stops; a container that never ran, or printed
    // nothing, leaves no stream.
    if (container?.exitCode !== undefined) {
      await this.eachLogEvent(
        `read the smoke task's log ${stream}`,
        { logGroupName: log.group, logStreamNames: [stream] },
        (event) => {
          if (typeof event.message === "string") lines.push(event.message);
        },
        { noStreamIsEmpty: true },
      );
    }
    return { taskId: id, exitCode: container?.exitCode, reason: container?.reason ?? stoppedReason, lines };
  }

  /** Starts a one-off task of `target` and waits until ECS reports it stopped. */
  private async runToEnd(target: TaskTarget, what: "migration" | "smoke", progress: (line: string) => void) {
    const started = await this.call(`start the ${what} task`, () =>
      this.clients.ecs.send(
        new RunTaskCommand({
          cluster: target.cluster,
          taskDefinition: target.taskDefinition,
          launchType: "FARGATE",
          count: 1,
          startedBy: `litellm-mcp-${what}`,
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: [...target.subnets],
              securityGroups: [...target.securityGroups],
              assignPublicIp: "DISABLED",
            },
          },
        }),
      ),
    );
    const taskArn: string | undefined = started.tasks?.[0]?.taskArn;
    if (!taskArn) {
      const failure = (started.failures ?? [])[0] as { reason?: string; detail?: string } | undefined;
      throw new OpsError(
        `AWS: the ${what} task did not start: ${failure?.reason ?? "no reason given"}${failure?.detail ? ` (${failure.detail})` : ""}`,
      );
    }
    const id = taskArn.split("/").pop()!;
    progress(`${what} task ${id} started`);
    const task = await this.waitFor({
      deadline: Date.now() + this.timing.timeoutMs,
      describe: async () => {
        const described = await this.call(`describe the ${what} task`, () =>
          this.clients.ecs.send(new DescribeTasksCommand({ cluster: target.cluster, tasks: [taskArn] })),
        );
        const found = described.tasks?.[0] as
          | {
              lastStatus?: string;
              stoppedReason?: string;
              containers?: { name?: string; exitCode?: number; reason?: string }[];
            }
          | undefined;
        if (!found) throw new OpsError(`the ${what} task ${id} is gone from cluster ${target.cluster}`);
        return found;
      },
      line: (found) => `${what} task ${id}: ${(found.lastStatus ?? "UNKNOWN").toLowerCase()}`,
      done: (found) => found.lastStatus === "STOPPED",
      timedOut: `the ${what} task ${id} did not finish`,
      progress,
    });
    return { id, container: task.containers?.[0], stoppedReason: task.stoppedReason };
  }

  async logs(logGroup: string, options: AwsLogOptions): Promise<void> {
    await this.eachLogEvent(`read ${logGroup}`, { logGroupName: logGroup, startTime: options.since }, (event) =>
      options.write(formatEvent(event.timestamp, event.logStreamName, event.message)),
    );
    if (!options.follow) return;

    const groups = await this.call(`find ${logGroup}`, () =>
      this.clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroup })),
    );
    const arn = (groups.logGroups ?? []).find(
      (group: { logGroupName?: string }) => group.logGroupName === logGroup,
    )?.logGroupArn;
    if (!arn) throw new OpsError(`no log group ${logGroup}`);
    const tail = await this.call(`follow ${logGroup}`, () =>
      this.clients.logs.send(new StartLiveTailCommand({ logGroupIdentifiers: [arn] })),
    );
    for await (const event of tail.responseStream ?? []) {
      for (const result of event.sessionUpdate?.sessionResults ?? [])
        options.write(formatEvent(result.timestamp, result.logStreamName, result.message));
    }
  }

  /** Every event FilterLogEvents finds for `input`, page by page; with noStreamIsEmpty, a missing stream has none. */
  private async eachLogEvent(
    what: string,
    input: Omit<FilterLogEventsCommandInput, "nextToken">,
    onEvent: (event: FilteredLogEvent) => void,
    options: { noStreamIsEmpty?: boolean } = {},
  ): Promise<void> {
    let nextToken: string | undefined;
    do {
      const page = await this.call(what, () =>
        this.clients.logs
          .send(new FilterLogEventsCommand({ ...input, nextToken }))
          .catch((error: { name?: string }) => {
            if (options.noStreamIsEmpty && error.name === "ResourceNotFoundException") return { events: [] };
            throw error;
          }),
      );
      for (const event of (page.events ?? []) as FilteredLogEvent[]) onEvent(event);
      nextToken = page.nextToken;
    } while (nextToken);
  }

  /**
   * Asks for a state until `done` holds (or throws), telling each new state once; past the deadline, fails with
   * "<timedOut> within N minutes".
   */
  private async waitFor<T>(wait: {
    deadline: number;
    describe: () => Promise<T>;
    line: (state: T) => string;
    done: (state: T) => boolean;
    timedOut: string;
    progress: (line: string) => void;
  }): Promise<T> {
    let last = "";
    for (;;) {
      const state = await wait.describe();
      const line = wait.line(state);
      if (line !== last) wait.progress(line);
      last = line;
      if (wait.done(state)) return state;
      if (Date.now() > wait.deadline)
        throw new OpsError(`${wait.timedOut} within ${Math.round(this.timing.timeoutMs / 60_000)} minutes`);
      await new Promise((resolve) => setTimeout(resolve, this.timing.pollMs));
    }
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw new OpsError(`AWS: cannot ${what}: ${awsReason(error)}`);
    }
  }
}

function formatEvent(timestamp: number | undefined, stream: string | undefined, message: string | undefined): string {
  const time = timestamp === undefined ? "" : `${new Date(timestamp).toISOString()} `;
  return `${time}${stream ?? ""} ${(message ?? "").replace(/\n$/, "")}`;
}

function awsReason(error: unknown): string {
  const name = (error as { name?: string }).name ?? "";
  if (name === "CredentialsProviderError") return "no AWS credentials (set AWS_PROFILE or log in with aws sso login)";
  if (/AccessDenied|UnrecognizedClient|ExpiredToken/.test(name)) return `${name}: the credentials may not do this`;
  if (/NotFound/.test(name)) return `${name}: it does not exist (was the stack destroyed?)`;
  return `${name ? `${name}: ` : ""}${(error as Error).message ?? String(error)}`;
}
