/** What the commands share: the Command type, common options, and helpers more than one group uses. */
import type { Context } from "../context";
import { EXIT, UsageError } from "../errors";
import { type Check, statusTable } from "../status";

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly description: string;
}

export interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: Record<string, OptionSpec>;
  /** Positional arguments accepted: [min, max]. */
  readonly positionals?: readonly [number, number];
  run(context: Context): Promise<number>;
}

export const STACK_DEV = { type: "string", description: "the stack (Pulumi.<stack>.yaml); dev when absent" } as const;

export const YES_AWS = {
  type: "boolean",
  description: "deploy an AWS stack without asking, once its preview passes",
} as const;

export const JSON_OUTPUT = { type: "boolean", description: "print JSON instead of a table" } as const;

export const write = (context: Context) => (text: string) => context.io.stdout.write(text);

/** Prints the checks (a table, or JSON with --json); exit 0 only when every one passed. */
export function report(context: Context, stack: string, checks: readonly Check[]): number {
  const healthy = checks.every((check) => check.ok);
  if (context.options["json"]) {
    context.io.stdout.write(`${JSON.stringify({ stack, healthy, checks }, null, 2)}\n`);
  } else {
    context.io.stdout.write(statusTable(checks));
    context.io.stdout.write(
      `\n${stack}: ${healthy ? "healthy" : `${checks.filter((check) => !check.ok).length} check(s) failed`}\n`,
    );
  }
  return healthy ? EXIT.ok : EXIT.failed;
}

export const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

export const RDS_INSTANCE = /^[a-z][a-z0-9-]{0,62}$/;

/** A string option that must be given and match. */
export function requiredOption(context: Context, name: string, pattern: RegExp, expected: string): string {
  const given = context.options[name];
  if (typeof given !== "string" || !pattern.test(given))
    throw new UsageError(`--${name}: expected ${expected}${given === undefined ? "" : `, got "${given}"`}`);
  return given;
}
