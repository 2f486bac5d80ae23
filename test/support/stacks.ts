/** The committed stack files, and variants of them for tests. */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { readStackFile, type StackInput, validateStackInput } from "../../config/load";
import type { StackConfig } from "../../config/schema";

export const PROJECT_DIR = resolve(__dirname, "..", "..");

/** Every Pulumi.<stack>.yaml committed in the project. */
export function committedStacks(): string[] {
  return readdirSync(PROJECT_DIR)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

export function stackFile(stack: string): string {
  return join(PROJECT_DIR, `Pulumi.${stack}.yaml`);
}

export function readStack(stack: string): StackInput {
  return readStackFile(stackFile(stack));
}

export function loadStack(stack: string): StackConfig {
  return validateStackInput(readStack(stack));
}

/** Stack config values as tests change them: free-form on purpose, so that any key can be broken. */
// biome-ignore lint/suspicious/noExplicitAny: tests write invalid shapes into the config on purpose
export type Values = Record<string, any>;

/** A committed stack with its values changed by `change`; secretKeys are added as set secrets. */
export function variant(stack: string, change: (values: Values) => void, secretKeys: string[] = []): StackInput {
  const input = readStack(stack);
  const values = structuredClone(input.values) as Values;
  change(values);
  return { ...input, values, secretKeys: new Set([...input.secretKeys, ...secretKeys]) };
}

export function loadVariant(stack: string, change: (values: Values) => void, secretKeys: string[] = []): StackConfig {
  return validateStackInput(variant(stack, change, secretKeys));
}

/**
 * A stack file's `config:` as the Pulumi engine hands it to a program: structured values as JSON text,
 * secure values decrypted (here: a stand-in value) and listed as secret keys.
 */
export function engineConfigOf(
  stack: string,
  secretValues: Record<string, string> = {},
): { config: Record<string, string>; secretKeys: string[] } {
  const document = parse(readFileSync(stackFile(stack), "utf8")) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(document.config ?? {})) {
    if (value !== null && typeof value === "object" && "secure" in value) {
      config[key] = secretValues[key] ?? `stand-in secret for ${key}`;
      secretKeys.push(key);
    } else {
      config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  for (const [key, value] of Object.entries(secretValues)) {
    if (!(key in config)) {
      config[key] = value;
      secretKeys.push(key);
    }
  }
  return { config, secretKeys };
}

/** A variant of a committed stack as the engine hands it to a program (see engineConfigOf). */
export function engineConfigOfVariant(
  stack: string,
  change: (values: Values) => void,
  secretValues: Record<string, string> = {},
): { config: Record<string, string>; secretKeys: string[] } {
  const base = engineConfigOf(stack, secretValues);
  const input = variant(stack, change);
  const config = Object.fromEntries(
    Object.entries(base.config).filter(([key]) => !key.startsWith("litellm-mcp:") || base.secretKeys.includes(key)),
  );
  for (const [key, value] of Object.entries(input.values)) {
    config[`litellm-mcp:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { config, secretKeys: base.secretKeys };
}
