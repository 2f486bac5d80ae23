/** How the LiteLLM proxy container is started and probed, the same on Docker and on ECS. */
import { PROXY } from "../config/constants";
import type { StackConfig } from "../config/schema";
import { pythonProbe } from "./probes";

/**
 * Arguments to the image's entrypoint; `configPath` is absent when the config comes from S3. `listen` moves the
 * proxy off its container defaults (every interface, proxy.port), as a local process on loopback needs.
 */
export function proxyCommand(proxy: StackConfig["proxy"], configPath?: string, listen?: { host: string; port: number }): string[] {
  const command = configPath === undefined ? [] : ["--config", configPath];
  if (listen !== undefined) command.push("--host", listen.host);
  command.push("--port", String(listen?.port ?? proxy.port), "--num_workers", String(proxy.workers));
  if (proxy.maxRequestsBeforeRestart !== undefined) command.push("--max_requests_before_restart", String(proxy.maxRequestsBeforeRestart));
  return command;
}

/** The image ships Python, not curl. */
export function proxyHealthcheck(port: number): string[] {
  return pythonProbe(`http://127.0.0.1:${port}${PROXY.livenessPath}`);
}
