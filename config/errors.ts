/**
 * Config errors written for the person editing Pulumi.<stack>.yaml: each names the file, the key path and
 * what was expected, and all of them are reported in one run.
 */
import type * as z from "zod/mini";
import { PROJECT } from "./constants";

export interface ConfigProblem {
  /**
   * Key path below the project namespace, e.g. `models[1].region`, or another namespace's key such as
   * `aws:region`; empty for the file as a whole.
   */
  readonly path: string;
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(
    /** The stack file (or stack) the config came from. */
    readonly source: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(problems.map((problem) => formatProblem(source, problem)).join("\n"));
    this.name = "ConfigError";
  }
}

export function formatProblem(source: string, problem: ConfigProblem): string {
  if (problem.path === "") return `${source}: ${problem.message}`;
  // Another namespace's key (aws:region) is named as it is; the project's keys get the project's namespace.
  const key = /^[a-z][a-z0-9-]*:/.test(problem.path) ? problem.path : `${PROJECT}:${problem.path}`;
  return `${source}: ${key}: ${problem.message}`;
}

/** The longest a value is shown in a message, quotes and escapes not counted. */
const SHOWN = 80;

/**
 * A value from a stack file or a command line, as every message shows it: quoted, with newlines and control
 * characters escaped, so that it stays on the message's one line and never reads as config, and shortened, saying
 * how long it was. The one way values enter messages.
 */
export function quote(value: unknown): string {
  const text = String(value);
  const shown = text.length > SHOWN ? `${text.slice(0, SHOWN - 3)}...` : text;
  return `${JSON.stringify(shown)}${text.length > SHOWN ? ` (${text.length} characters)` : ""}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]{0,79}$/.test(String(segment)))
      text += text === "" ? String(segment) : `.${String(segment)}`;
    else text += `[${quote(segment)}]`;
  }
  return text;
}

/** Keys whose values are never echoed back, even when they are wrong. */
const SENSITIVE = /secret|password|token|credential|masterkey|saltkey|accesskey/i;

function describeValue(path: readonly PropertyKey[], value: unknown): string {
  if (value === undefined) return "nothing";
  if (path.some((segment) => typeof segment === "string" && SENSITIVE.test(segment))) return `a ${kindOf(value)}`;
  if (value === null || typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return quote(value);
  return kindOf(value);
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "list";
  if (value === null) return "null";
  return typeof value === "object" ? "map" : typeof value;
}

/** Default wording for zod's own issue codes; fields with a message of their own keep theirs. */
export function expectation(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "int" ? "expected a whole number" : `expected ${article(issue.expected)}`;
    case "invalid_value":
      return `expected ${issue.values.map((value) => quote(value)).join(" or ")}`;
    case "too_small":
      return `expected at least ${bound(issue.origin, issue.minimum)}`;
    case "too_big":
      return `expected at most ${bound(issue.origin, issue.maximum)}`;
    case "invalid_union":
      return "expected a string, a number or a boolean";
    default:
      return "is not valid here";
  }
}

function bound(origin: string, limit: number | bigint): string {
  return origin === "array" ? `${limit} item(s)` : origin === "string" ? `${limit} character(s)` : String(limit);
}

function article(type: string): string {
  const names: Record<string, string> = {
    object: "a map",
    array: "a list",
    string: "a string",
    number: "a number",
    boolean: "true or false",
  };
  return names[type] ?? type;
}

/** Turns zod's issues into problems, with what was found appended and unknown keys explained. */
export function problemsFrom(
  issues: readonly z.core.$ZodIssue[],
  raw: unknown,
  knownKeysAt: (path: readonly PropertyKey[]) => readonly string[],
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push({
          path: formatPath([...issue.path, key]),
          message: unknownKeyMessage(key, knownKeysAt(issue.path)),
        });
      }
      continue;
    }
    if (issue.code === "invalid_key") {
      // A record's key is wrong, not its value: the key is in the path, the key schema says what was expected.
      problems.push({ path: formatPath(issue.path), message: issue.issues.map((inner) => inner.message).join("; ") });
      continue;
    }
    const found = valueAt(raw, issue.path);
    let message = issue.message;
    // A value refused as a credential is never shown, not even shortened.
    const credential =
      issue.code === "custom" && (issue.params as { credential?: boolean } | undefined)?.credential === true;
    if (found !== undefined && !credential && !/\bgot\b/.test(message))
      message += `, got ${describeValue(issue.path, found)}`;
    else if (found === undefined && issue.code !== "custom") message += ", but it is not set";
    problems.push({ path: formatPath(issue.path), message });
  }
  return problems;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const suggestion = closest(key, known);
  if (suggestion) return `unknown key; did you mean ${quote(suggestion)}?`;
  return known.length > 0 ? `unknown key; expected one of ${known.join(", ")}` : "unknown key";
}

/** The known key nearest to a misspelt one, when it is near enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
