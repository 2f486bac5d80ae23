/**
 * The proxy's environment on AWS: what the renderer asks for, split into plain values and Secrets Manager
 * references (which ECS resolves at task start, so no value is in a task definition), for the serving tasks and for
 * the one-off migration task, which gets only what LiteLLM's migration reads.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ENV } from "../../config/constants";
import type { ProxyEnvVar } from "../../config/render";
import { type EnvSources, envSource } from "../env";
import type { ContainerEnv, ContainerSecret } from "./containers";

/** What LiteLLM's migration reads besides the database URL: its log settings and the offline switches. */
const MIGRATION_ENV: readonly string[] = [
  ENV.logLevel,
  ENV.mode,
  ENV.jsonLogs,
  ENV.localModelCostMap,
  ENV.prismaOfflineMode,
];

export interface TaskEnvironment {
  readonly environment: ContainerEnv[];
  readonly secrets: ContainerSecret[];
}

/**
 * The serving tasks' environment and the migration task's. `first` leads the serving environment (where the
 * config.yaml is, whose hash rolls the service when it changes); the serving tasks only check the schema, the
 * migration task migrates.
 */
export function proxyEnvironment(
  variables: readonly ProxyEnvVar[],
  sources: EnvSources<pulumi.Output<string>>,
  first: readonly ContainerEnv[],
): { serving: TaskEnvironment; migration: TaskEnvironment } {
  const environment: ContainerEnv[] = [...first];
  const secrets: ContainerSecret[] = [];
  for (const variable of variables) {
    const source = envSource(variable, sources);
    if ("secret" in source) secrets.push({ name: variable.name, valueFrom: source.secret });
    else environment.push({ name: variable.name, value: source.value });
  }
  const migration = {
    environment: environment.filter((entry) => MIGRATION_ENV.includes(entry.name)),
    secrets: secrets.filter((entry) => entry.name === ENV.databaseUrl),
  };
  environment.push({ name: ENV.disableSchemaUpdate, value: "true" });
  return { serving: { environment, secrets }, migration };
}
