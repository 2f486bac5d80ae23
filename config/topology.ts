/**
 * What a stack config implies about the running system, derived in one place so that the renderer,
 * both targets and the CLI agree: how many proxy processes can run at once and whether a Redis serves them.
 */

interface TopologyInput {
  readonly target: "docker" | "aws";
  readonly cache: { readonly redis: "auto" | "always" | "never" };
  readonly aws: { readonly service: { readonly maxCount: number } };
}

/**
 * A rolling deployment on ECS starts the new tasks before it stops the old ones: up to this percentage of the
 * desired count runs at once (deploymentMaximumPercent), with none of the old stopped first (minimum 100%).
 */
export const DEPLOYMENT_MAXIMUM_PERCENT = 200;

/** The most proxy instances (containers or ECS tasks) that serve at the same time outside a deployment. */
export function maxProxyInstances(config: TopologyInput): number {
  return config.target === "aws" ? config.aws.service.maxCount : 1;
}

/**
 * The most proxy instances connected to the database at once, a deployment included: on AWS, maxCount tasks
 * and their replacements. Docker replaces its one container (it stops the old one first).
 */
export function maxConnectedProxyInstances(config: TopologyInput): number {
  return config.target === "aws" ? Math.ceil((config.aws.service.maxCount * DEPLOYMENT_MAXIMUM_PERCENT) / 100) : 1;
}

/** A Redis exists when asked for, or, on "auto", as soon as more than one proxy instance can run. */
export function hasRedis(config: TopologyInput): boolean {
  if (config.cache.redis === "always") return true;
  if (config.cache.redis === "never") return false;
  return maxProxyInstances(config) > 1;
}

/**
 * LiteLLM's `database_connection_pool_limit` is per worker process; every instance runs `workers` of them.
 * Returns undefined when the database cannot give each process even one connection.
 */
export function connectionPoolLimit(
  maxConnections: number,
  instances: number,
  workers: number,
  reserved: number,
): number | undefined {
  const limit = Math.floor((maxConnections - reserved) / (instances * workers));
  return limit >= 1 ? limit : undefined;
}

/**
 * The pool each worker of a proxy opens when its CLI is started without --config: LiteLLM's own
 * (LiteLLMDatabaseConnectionPool in proxy_cli.py of 1.108.7), whatever config.yaml says. The CLI reads
 * general_settings, and with them database_connection_pool_limit, only from a --config file, and it replaces any
 * connection_limit DATABASE_URL carries with its own.
 */
export const LITELLM_DEFAULT_POOL_LIMIT = 10;

/**
 * Whether the proxy's CLI reads config.yaml from a file (--config), and so applies its database pool settings:
 * on Docker; on AWS the proxy reads it from S3 in its workers.
 */
export function readsConfigFile(config: { readonly target: "docker" | "aws" }): boolean {
  return config.target === "docker";
}

/**
 * The pool each proxy worker really opens: the one the program sizes, where the CLI reads it from config.yaml, and
 * LiteLLM's own otherwise. Undefined when the database cannot serve every worker of every instance that pool.
 */
export function workerPoolLimit(
  readsConfig: boolean,
  maxConnections: number,
  instances: number,
  workers: number,
  reserved: number,
): number | undefined {
  if (readsConfig) return connectionPoolLimit(maxConnections, instances, workers, reserved);
  return reserved + instances * workers * LITELLM_DEFAULT_POOL_LIMIT <= maxConnections
    ? LITELLM_DEFAULT_POOL_LIMIT
    : undefined;
}
