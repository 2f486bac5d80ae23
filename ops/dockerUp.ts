/**
 * What `litellm-mcp up` checks of a Docker stack before Pulumi changes anything, and what it says when an update
 * fails on a container. Before: the engine answers, and every host port the stack publishes is free or already
 * held by the stack's own container (which the update replaces); a port another program holds would otherwise fail
 * the update halfway, after the database and the MCP servers started. After a failure: each of the stack's
 * containers that exited or never became healthy, by its service, with what its health check last said.
 */
import { dockerNames } from "../components/docker/naming";
import type { StackConfig } from "../config/schema";
import { hasRedis } from "../config/topology";
import type { DockerPort } from "./docker";
import { OpsError } from "./errors";

import type { PortCheck } from "./ports";

/** The host ports a Docker stack publishes: where, which setting says so, and the container that holds it. */
function publishedPorts(
  stack: string,
  config: StackConfig,
): { address: string; port: number; key: string; container: string }[] {
  const names = dockerNames(stack);
  const ports = [
    {
      address: config.docker.bindAddress,
      port: config.docker.hostPort,
      key: "docker.hostPort",
      container: names.litellm,
    },
  ];
  const database = config.docker.postgresHostPort;
  if (database !== undefined)
    ports.push({ address: "127.0.0.1", port: database, key: "docker.postgresHostPort", container: names.postgres });
  return ports;
}

/** Fails, in one line, when the engine does not answer or a port the stack publishes is another program's. */
export async function checkDockerHost(
  docker: DockerPort,
  portState: PortCheck,
  stack: string,
  config: StackConfig,
): Promise<void> {
  await docker.ping();
  // A remote daemon publishes on its own machine, where this one cannot look.
  if (!docker.local) return;
  for (const { address, port, key, container } of publishedPorts(stack, config)) {
    const found = await portState(address, port);
    if (found === "free") continue;
    if (found === "no such address") {
      throw new OpsError(
        `${address} is not an address of this machine, so Docker cannot publish ${key} there (docker.bindAddress of Pulumi.${stack}.yaml): set it to 127.0.0.1 or to one of this machine's addresses; nothing was changed`,
      );
    }
    const own = await docker.inspect(container);
    if (own?.published.includes(port)) continue;
    throw new OpsError(
      `${address}:${port} is in use by another program on this machine (${key} of Pulumi.${stack}.yaml): stop it, or set ${key} to a free port; nothing was changed`,
    );
  }
}

/** The stack's containers by service, in the order `up` starts them. */
function stackContainers(stack: string, config: StackConfig): [string, string][] {
  const names = dockerNames(stack);
  return [
    ["postgres", names.postgres],
    ...(hasRedis(config) ? [["redis", names.redis] as [string, string]] : []),
    ...config.mcpServers.map((server): [string, string] => [server.name, names.mcp(server.name)]),
    ["litellm", names.litellm],
  ];
}

/** One line for each of the stack's containers that exited or is not healthy, after a failed update. */
export async function failedContainers(docker: DockerPort, stack: string, config: StackConfig): Promise<string[]> {
  const lines: string[] = [];
  for (const [service, container] of stackContainers(stack, config)) {
    const state = await docker.inspect(container).catch(() => undefined);
    if (
      state === undefined ||
      (state.status === "running" && (state.health === undefined || state.health === "healthy"))
    )
      continue;
    const what =
      state.status === "running" || state.status === "restarting"
        ? `is ${state.health ?? state.status}`
        : `${state.status}${state.exitCode === undefined ? "" : ` with exit code ${state.exitCode}`}`;
    const check = state.failedHealthCheck;
    const probe = check
      ? `; its health check${check.url ? ` of ${check.url}` : ""} exited ${check.exitCode}${check.output ? `: ${check.output}` : " and printed nothing"}`
      : "";
    lines.push(
      `${service} (container ${container}) ${what}${state.restartCount > 0 ? ` after ${state.restartCount} restart(s)` : ""}${probe}; see litellm-mcp logs ${service} --stack ${stack}`,
    );
  }
  return lines;
}
