/**
 * The litellm-mcp command line. Exit status: 0 done (or healthy), 1 failed (an invalid config, an unhealthy or
 * unreachable gateway, a stack never deployed), 2 wrong usage. A user's mistake gets one clear line, never a
 * stack trace.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, closest } from "../config/errors";
import type { Command } from "./commands";
import type { Deps, Io } from "./context";
import { EXIT, OpsError, UsageError } from "./errors";

/** The commands, loaded only when a command is asked for: `--version` needs none of them. */
const commands = (): Record<string, Command> => (require("./commands") as typeof import("./commands")).COMMANDS;

function globalHelp(): string {
  return [
    "Usage: litellm-mcp <command> [options]",
    "",
    "Commands:",
    ...Object.entries(commands()).map(([name, command]) => `  ${name.padEnd(12)} ${command.summary}`),
    "",
    "Run `litellm-mcp help <command>` (or `<command> --help`) for a command's options,",
    "and `litellm-mcp --version` for the version.",
    "",
  ].join("\n");
}

/** The project's version, from its package.json: the nearest above this module (ops/, or dist/ops/ when built). */
function version(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
    if (dirname(dir) === dir) return "unknown";
  }
}

function commandHelp(name: string, command: Command): string {
  const lines = [`Usage: ${command.usage}`, "", `${name}: ${command.summary}`, "", "Options:"];
  for (const [option, spec] of Object.entries(command.options)) {
    lines.push(`${`  --${option}${spec.type === "string" ? " <value>" : ""}`.padEnd(22)}${spec.description}`);
  }
  lines.push(`${"  --help".padEnd(22)}show this help`, "");
  return lines.join("\n");
}

export async function run(argv: readonly string[], io: Io, given?: Deps): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-V" || name === "version") {
    io.stdout.write(`litellm-mcp ${version()}\n`);
    return EXIT.ok;
  }
  if (name === "help" && rest.length > 0) return run([rest[0]!, "--help"], io, given);
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(globalHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const known = commands();
  const command = known[name];
  // A caller that asked for JSON gets its errors as JSON too, on stderr with the same exit status.
  const json = rest.includes("--json");
  const fail = (message: string, status: number) => {
    io.stderr.write(json ? `${JSON.stringify({ ok: false, error: message, status })}\n` : `${message}\n`);
    return status;
  };
  try {
    if (command === undefined) {
      const suggestion = closest(name, Object.keys(known));
      throw new UsageError(
        `unknown command "${name}"${suggestion ? ` (did you mean ${suggestion}?)` : ""}; expected one of: ${Object.keys(known).join(", ")}`,
      );
    }
    const { options, positionals } = parseOptions(command, rest);
    if (options["help"]) {
      io.stdout.write(commandHelp(name, command));
      return EXIT.ok;
    }
    const deps = given ?? (require("./context") as typeof import("./context")).realDeps;
    return await command.run({ io, deps, options, positionals });
  } catch (error) {
    if (error instanceof UsageError || error instanceof OpsError)
      return fail(json ? error.message : `litellm-mcp: ${error.message}`, error.status);
    if (error instanceof ConfigError) return fail(error.message, EXIT.failed);
    throw error;
  }
}

function parseOptions(
  command: Command,
  args: readonly string[],
): { options: Record<string, string | boolean | undefined>; positionals: string[] } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: command.positionals !== undefined,
    });
  } catch (error) {
    // parseArgs explains the problem in its message; the usage line says what is accepted.
    const reason = (error as Error).message.split("\n")[0]?.replace(/\.$/, "") ?? "invalid arguments";
    const unknown = /^Unknown option '--([^']+)'/.exec(reason)?.[1];
    const suggestion = unknown === undefined ? undefined : closest(unknown, Object.keys(command.options));
    throw new UsageError(`${reason}${suggestion ? ` (did you mean --${suggestion}?)` : ""}; usage: ${command.usage}`);
  }
  const [min, max] = command.positionals ?? [0, 0];
  if (!parsed.values["help"] && (parsed.positionals.length < min || parsed.positionals.length > max)) {
    throw new UsageError(
      `expected ${min === max ? min : `${min} to ${max}`} argument(s), got ${parsed.positionals.length}; usage: ${command.usage}`,
    );
  }
  return { options: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
}
