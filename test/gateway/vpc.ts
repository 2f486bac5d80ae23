/**
 * A VPC of the suite's own on this machine, for running ECS tasks as Fargate runs them (awsvpc): a Linux bridge for
 * the subnet, and a network namespace per task, each with its own network stack and loopback, joined to the bridge
 * by a veth pair. The host's end of the bridge stands for what a task reaches in AWS: the AWS APIs, RDS,
 * ElastiCache, Bedrock, and the ECS agent's credentials endpoint at 169.254.170.2. A task's /etc/hosts is its own
 * (`ip netns exec` binds /etc/netns/<name>/hosts over it): the names AWS's DNS answers for it. Its volumes are bind
 * mounts private to it. Needs root and iproute2, as the gateway suite's other servers do.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Started, startProcess } from "./processes";

/** Where the ECS agent serves a task its role's credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI). */
export const ECS_CREDENTIALS_HOST = "169.254.170.2";

function ip(args: readonly string[]): void {
  const result = spawnSync("ip", args, { encoding: "utf8" });
  if (result.error) throw new Error(`ip: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`ip ${args.join(" ")}: ${result.stderr.trim()}`);
}

/** A bind mount of a task: a folder of the host at a path inside the task. */
export interface Mount {
  readonly hostPath: string;
  readonly containerPath: string;
}

export interface TaskNetwork {
  readonly name: string;
  /** The task's address in the VPC. */
  readonly ip: string;
  /** Starts a process in the task: its network, its /etc/hosts, its mounts. */
  start(
    name: string,
    argv: readonly string[],
    options: { env: NodeJS.ProcessEnv; logDir: string; mounts?: readonly Mount[] },
  ): Started;
  /** Runs a command in the task to its end (a health check). */
  run(argv: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): { status: number | null; output: string };
}

/** The command line that runs `argv` inside a task's namespaces, its volumes mounted first. */
function inTask(name: string, argv: readonly string[], mounts: readonly Mount[]): string[] {
  const script = [
    ...mounts.map((_, index) => `mount --bind "$${index * 2 + 1}" "$${index * 2 + 2}"`),
    `shift ${mounts.length * 2}`,
    'exec "$@"',
  ].join(" && ");
  return [
    "ip",
    "netns",
    "exec",
    name,
    "unshare",
    "--mount",
    "--propagation",
    "private",
    "sh",
    "-c",
    script,
    "task",
    ...mounts.flatMap((mount) => [mount.hostPath, mount.containerPath]),
    ...argv,
  ];
}

export class LocalVpc {
  private readonly tasks: string[] = [];
  private readonly createdPaths: string[] = [];

  private constructor(
    private readonly id: string,
    /** The first three octets of the subnet. */
    private readonly prefix: string,
  ) {}

  /** The host's address on the bridge: where the tasks reach the AWS stand-ins and emulators. */
  get gateway(): string {
    return `${this.prefix}.1`;
  }

  private get bridge(): string {
    return `lmv${this.id}`;
  }

  static create(): LocalVpc {
    if (process.getuid?.() !== 0)
      throw new Error("the local VPC needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN) for its bridge and network namespaces");
    const id = randomBytes(3).toString("hex");
    const vpc = new LocalVpc(id, `10.77.${Number.parseInt(id.slice(0, 2), 16) % 250}`);
    // A bridge without an address of its own takes the lowest of its ports' and changes it when a task with a lower
    // one joins: the other tasks' ARP entries for the gateway then point nowhere for half a minute, and everything
    // they send to the AWS APIs, Bedrock, the database and Redis stalls. A set address stays (locally administered).
    const mac = `02:6c:6d:${id.slice(0, 2)}:${id.slice(2, 4)}:${id.slice(4, 6)}`;
    ip(["link", "add", vpc.bridge, "address", mac, "type", "bridge"]);
    ip(["addr", "add", `${vpc.gateway}/24`, "dev", vpc.bridge]);
    ip(["addr", "add", `${ECS_CREDENTIALS_HOST}/32`, "dev", vpc.bridge]);
    ip(["link", "set", vpc.bridge, "up"]);
    return vpc;
  }

  /** A task's network: its namespace, its address, and the names its DNS answers. */
  task(label: string, hosts: Readonly<Record<string, string>>): TaskNetwork {
    const index = this.tasks.length;
    const name = `lmv${this.id}t${index}`;
    const address = `${this.prefix}.${10 + index}`;
    const [hostEnd, taskEnd] = [`${name}h`, `${name}c`];
    this.tasks.push(name);
    ip(["netns", "add", name]);
    ip(["link", "add", hostEnd, "type", "veth", "peer", "name", taskEnd]);
    ip(["link", "set", taskEnd, "netns", name]);
    ip(["link", "set", hostEnd, "master", this.bridge]);
    ip(["link", "set", hostEnd, "up"]);
    ip(["netns", "exec", name, "ip", "addr", "add", `${address}/24`, "dev", taskEnd]);
    ip(["netns", "exec", name, "ip", "link", "set", taskEnd, "up"]);
    ip(["netns", "exec", name, "ip", "link", "set", "lo", "up"]);
    ip(["netns", "exec", name, "ip", "route", "add", "default", "via", this.gateway]);
    const etc = join("/etc/netns", name);
    mkdirSync(etc, { recursive: true });
    const lines = [
      "127.0.0.1 localhost",
      `${address} ${label}`,
      ...Object.entries(hosts).map(([host, to]) => `${to} ${host}`),
    ];
    writeFileSync(join(etc, "hosts"), `${lines.join("\n")}\n`);
    return {
      name,
      ip: address,
      start: (process, argv, options) => {
        for (const mount of options.mounts ?? []) this.mountPoint(mount.containerPath);
        return startProcess(process, inTask(name, argv, options.mounts ?? []), {
          env: options.env,
          logDir: options.logDir,
        });
      },
      run: (argv, env, timeoutMs) => {
        const result = spawnSync(inTask(name, argv, [])[0]!, inTask(name, argv, []).slice(1), {
          encoding: "utf8",
          env,
          timeout: timeoutMs,
        });
        return { status: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
      },
    };
  }

  /** A mount needs its mount point: made on the host (under a temporary folder only), removed at the end. */
  private mountPoint(path: string): void {
    if (existsSync(path)) return;
    if (!path.startsWith(`${tmpdir()}/`))
      throw new Error(`${path}: the suite makes mount points under ${tmpdir()} only`);
    mkdirSync(path, { recursive: true });
    this.createdPaths.push(path);
  }

  /** A fresh folder of the host for a task's volume, removed with the VPC. */
  volume(): string {
    const dir = mkdtempSync(join(tmpdir(), "litellm-mcp-volume-"));
    this.createdPaths.push(dir);
    return dir;
  }

  /** Removes the namespaces, the bridge and what the VPC made; its processes must be stopped first. */
  destroy(): void {
    for (const name of this.tasks) {
      spawnSync("ip", ["netns", "del", name]);
      rmSync(join("/etc/netns", name), { recursive: true, force: true });
    }
    spawnSync("ip", ["link", "del", this.bridge]);
    for (const path of this.createdPaths) rmSync(path, { recursive: true, force: true });
  }
}
