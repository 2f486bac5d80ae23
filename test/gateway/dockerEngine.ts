/**
 * The Docker engine the suite's Docker part runs on. The one the environment names, found as the operations CLI
 * finds it (DOCKER_HOST, the current Docker context, or the default socket); where none answers and the suite runs
 * as root with Debian's docker.io installed (test/gateway/system-packages.sh installs it), a dockerd of its own,
 * with its own data root, exec root, socket and pid file, and no iptables rules: its containers reach the host and
 * each other, and nothing beyond. It is stopped at the end with everything it held; on a found engine the suite
 * removes what it made itself.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { dockerConnection } from "../../ops/docker";
import { type Started, startProcess, waitFor } from "./processes";

export interface Engine {
  readonly docker: Docker;
  /** The environment that points the operations CLI (and the docker CLI) at this engine. */
  readonly env: { readonly DOCKER_HOST: string };
  /** Whether the suite started this engine itself; such an engine reaches no container registry. */
  readonly own: boolean;
  /** Where the engine is, in words. */
  readonly description: string;
  /**
   * An address of this machine that containers reach: the gateway of the engine's default bridge. The suite's
   * servers that stand in for the world outside (Bedrock, SSO) listen there.
   */
  readonly hostAddress: string;
  stop(): Promise<void>;
}

/** The gateway address of the engine's default bridge network. */
async function bridgeGateway(docker: Docker): Promise<string> {
  const bridge = (await docker.getNetwork("bridge").inspect()) as {
    IPAM?: { Config?: { Gateway?: string; Subnet?: string }[] };
  };
  const gateway = bridge.IPAM?.Config?.find((config) => config.Gateway !== undefined)?.Gateway;
  if (gateway === undefined) throw new Error("the engine's bridge network names no gateway address");
  return gateway;
}

/** The subnet of the own engine's default bridge, and the pool its user-defined networks come from. */
const BRIDGE_IP = "10.213.0.1/24";
const ADDRESS_POOL = "base=10.214.0.0/16,size=24";

async function answers(docker: Docker): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

function dockerdAvailable(): string | undefined {
  for (const path of ["/usr/sbin/dockerd", "/usr/bin/dockerd"]) if (existsSync(path)) return path;
  return undefined;
}

/** The engine the environment names, or a dockerd of the suite's own; fails, saying why, where neither can be had. */
export async function useDockerEngine(log: (line: string) => void): Promise<Engine> {
  const connection = dockerConnection(process.env);
  const found = new Docker(connection.options);
  if (await answers(found)) {
    const host =
      process.env["DOCKER_HOST"] ||
      (connection.options.socketPath ? `unix://${connection.options.socketPath}` : connection.description);
    log(`using the Docker engine at ${connection.description}`);
    return {
      docker: found,
      env: { DOCKER_HOST: host },
      own: false,
      description: connection.description,
      hostAddress: await bridgeGateway(found),
      stop: async () => undefined,
    };
  }
  const dockerd = dockerdAvailable();
  const root = process.getuid?.() === 0;
  if (dockerd === undefined || !root) {
    throw new Error(
      `no Docker engine answers at ${connection.description}, and ${root ? "dockerd is not installed (bash test/gateway/system-packages.sh installs docker.io)" : "the suite is not root, so it cannot start one of its own"}`,
    );
  }
  return startOwnEngine(dockerd, log);
}

async function startOwnEngine(dockerd: string, log: (line: string) => void): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), "litellm-mcp-dockerd-"));
  const socket = join(dir, "docker.sock");
  const pidFile = join(dir, "docker.pid");
  mkdirSync(join(dir, "data"));
  const argv = [
    dockerd,
    `--data-root=${join(dir, "data")}`,
    `--exec-root=${join(dir, "exec")}`,
    `--host=unix://${socket}`,
    `--pidfile=${pidFile}`,
    "--iptables=false",
    "--ip-masq=false",
    `--bip=${BRIDGE_IP}`,
    `--default-address-pool=${ADDRESS_POOL}`,
  ];
  // dockerd makes the default bridge and leaves it when it exits: the suite removes it unless it was there before.
  const bridgeBefore = existsSync("/sys/class/net/docker0");
  const started: Started = startProcess("dockerd", argv, { env: { PATH: process.env["PATH"] }, logDir: dir });
  const docker = new Docker({ socketPath: socket });
  await waitFor(started, "an answer on its socket", () => answers(docker), 60_000);
  log(
    `started a Docker engine of the suite's own: ${(await docker.version()).Version} at ${socket} (log ${join(dir, "dockerd.log")})`,
  );
  return {
    docker,
    env: { DOCKER_HOST: `unix://${socket}` },
    own: true,
    description: socket,
    hostAddress: BRIDGE_IP.split("/")[0]!,
    async stop() {
      // Containers first, so that dockerd unmounts their layers before it exits.
      for (const info of await docker.listContainers({ all: true }).catch(() => [])) {
        await docker
          .getContainer(info.Id)
          .remove({ force: true })
          .catch(() => undefined);
      }
      await started.stop();
      // A layer still mounted keeps its folder busy: unmount what is left under the data root, then remove it all.
      spawnSync("sh", ["-c", `grep -o " ${dir}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
      rmSync(dir, { recursive: true, force: true });
      if (!bridgeBefore && existsSync("/sys/class/net/docker0")) spawnSync("ip", ["link", "delete", "docker0"]);
    },
  };
}
