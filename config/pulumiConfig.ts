/**
 * Reads the stack config from the running Pulumi program (or its mocks), and validates it through the same schema
 * as a stack file (./load.ts). Kept apart so that the CLI, which reads stack files, never loads the Pulumi SDK.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConfigProblem } from "./errors";
import {
  AWS_REGION,
  fromConfigText,
  isTopLevelKey,
  NAMESPACE,
  nestedSecretProblem,
  type StackInput,
  validateStackInput,
} from "./load";
import type { StackConfig } from "./schema";

/** Reads the project's keys from the running Pulumi program (or its mocks). */
function readPulumiConfig(): StackInput {
  const source = `Pulumi.${pulumi.getStack()}.yaml`;
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(NAMESPACE)) continue;
    const key = fullKey.slice(NAMESPACE.length);
    if (isConfigSecret(fullKey)) {
      if (isTopLevelKey(key)) problems.push(nestedSecretProblem(key));
      else secretKeys.add(key);
      continue;
    }
    values[key] = fromConfigText(text);
  }
  return { source, values, secretKeys, problems, awsRegion: pulumi.runtime.allConfig()[AWS_REGION] };
}

/** Reads and validates the running stack's config; throws a ConfigError. */
export function loadPulumiConfig(): StackConfig {
  return validateStackInput(readPulumiConfig());
}

/** Whether the engine passed a key as secret. The SDK has this check but leaves it out of its typings. */
function isConfigSecret(fullKey: string): boolean {
  const check = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
  if (check) return check(fullKey);
  const keys: unknown = JSON.parse(process.env["PULUMI_CONFIG_SECRET_KEYS"] ?? "[]");
  return Array.isArray(keys) && keys.includes(fullKey);
}
