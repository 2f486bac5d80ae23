/** How the LiteLLM proxy container is started and probed, the same on Docker and on ECS. */
import { PROXY } from "../config/constants";
import type { StackConfig } from "../config/schema";
import { pythonProbe } from "./probes";

export interface ProxyCommandOptions {
  /** Where config.yaml is; absent when the config comes from S3. */
  readonly configPath?: string;
  /** Moves the proxy off its container defaults (every interface, proxy.port), as a local process on loopback needs. */
  readonly listen?: { readonly host: string; readonly port: number };
  /**
   * Seconds uvicorn keeps an idle connection open. Behind a load balancer it must outlast the balancer's idle
   * timeout, or the balancer reuses a connection the proxy just closed: an intermittent 502.
   */
  readonly keepaliveSeconds?: number;
}

/**
 * Seconds uvicorn waits for a worker's health ping before it kills and restarts the worker (uvicorn's default, 5 s,
 * is shorter than a worker takes to import LiteLLM on a busy task: workers die while starting).
 */
export const WORKER_HEALTHCHECK_TIMEOUT_SECONDS = 60;

/** The spread of the restarts of workers recycled after a number of requests, so that they do not all go at once. */
export function restartJitter(maxRequestsBeforeRestart: number): number {
  return Math.max(1, Math.floor(maxRequestsBeforeRestart / 10));
}

/** Arguments to the image's entrypoint. */
export function proxyCommand(proxy: StackConfig["proxy"], options: ProxyCommandOptions = {}): string[] {
  const { configPath, listen, keepaliveSeconds } = options;
  const command = configPath === undefined ? [] : ["--config", configPath];
  if (listen !== undefined) command.push("--host", listen.host);
  command.push("--port", String(listen?.port ?? proxy.port), "--num_workers", String(proxy.workers));
  if (proxy.workers > 1) command.push("--timeout_worker_healthcheck", String(WORKER_HEALTHCHECK_TIMEOUT_SECONDS));
  if (keepaliveSeconds !== undefined) command.push("--keepalive_timeout", String(keepaliveSeconds));
  if (proxy.maxRequestsBeforeRestart !== undefined) {
    command.push(
      "--max_requests_before_restart",
      String(proxy.maxRequestsBeforeRestart),
      "--max_requests_before_restart_jitter",
      String(restartJitter(proxy.maxRequestsBeforeRestart)),
    );
  }
  return command;
}

/** The image ships Python, not curl. */
export function proxyHealthcheck(port: number): string[] {
  return pythonProbe(`http://127.0.0.1:${port}${PROXY.livenessPath}`);
}
