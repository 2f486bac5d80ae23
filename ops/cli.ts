/**
 * The litellm-mcp command line. Exit status: 0 done, 1 the stack config is invalid, 2 wrong usage.
 * A user's mistake gets one clear message, never a stack trace.
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { renderStack } from "../components/endpoints";
import { ConfigError, closest } from "../config/errors";
import { loadStackFile } from "../config/load";

export interface Io {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly cwd: string;
}

export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

/** A mistake in how the command was called: reported in one line with exit status 2. */
class UsageError extends Error {}

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: Record<string, { type: "string" | "boolean"; description: string }>;
  run(options: Record<string, string | boolean | undefined>, io: Io): number;
}

const STACK_OPTION = { type: "string", description: "the stack name: reads Pulumi.<name>.yaml" } as const;

const COMMANDS: Record<string, Command> = {
  render: {
    summary: "print a stack's LiteLLM config.yaml",
    usage: "litellm-mcp render --stack <name>",
    options: { stack: STACK_OPTION },
    run(options, io) {
      const stack = requireStack(options);
      const project = findProject(io.cwd);
      const config = loadStackFile(stackFile(project, stack));
      io.stdout.write(renderStack(config, stack).yaml);
      return EXIT.ok;
    },
  },
  validate: {
    summary: "check one stack file, or every Pulumi.<stack>.yaml of the project",
    usage: "litellm-mcp validate [--stack <name>]",
    options: { stack: STACK_OPTION },
    run(options, io) {
      const project = findProject(io.cwd);
      const stacks = typeof options["stack"] === "string" ? [requireStack(options)] : listStacks(project);
      if (stacks.length === 0) throw new UsageError(`no Pulumi.<stack>.yaml files in ${project}`);
      let status: number = EXIT.ok;
      for (const stack of stacks) {
        const file = stackFile(project, stack);
        try {
          const config = loadStackFile(file);
          // Rendering checks what only the whole config can tell (pool sizes, MCP URLs).
          renderStack(config, stack);
          io.stdout.write(`Pulumi.${stack}.yaml: valid (${config.target} target, ${config.stage} stage)\n`);
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          io.stderr.write(`${error.message}\n`);
          status = EXIT.invalid;
        }
      }
      return status;
    },
  },
};

const GLOBAL_HELP = [
  "Usage: litellm-mcp <command> [options]",
  "",
  "Commands:",
  ...Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`),
  "",
  "Run `litellm-mcp <command> --help` for a command's options.",
  "",
].join("\n");

function commandHelp(name: string, command: Command): string {
  const lines = [`Usage: ${command.usage}`, "", `${name}: ${command.summary}`, "", "Options:"];
  for (const [option, spec] of Object.entries(command.options)) {
    lines.push(`${`  --${option}${spec.type === "string" ? " <value>" : ""}`.padEnd(22)}${spec.description}`);
  }
  lines.push(`${"  --help".padEnd(22)}show this help`, "");
  return lines.join("\n");
}

export async function run(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(GLOBAL_HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  try {
    if (command === undefined) {
      throw new UsageError(`unknown command "${name}"; expected one of: ${Object.keys(COMMANDS).join(", ")}`);
    }
    const options = parseOptions(command, rest);
    if (options["help"]) {
      io.stdout.write(commandHelp(name, command));
      return EXIT.ok;
    }
    return command.run(options, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`litellm-mcp: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof ConfigError) {
      io.stderr.write(`${error.message}\n`);
      return EXIT.invalid;
    }
    throw error;
  }
}

function parseOptions(command: Command, args: readonly string[]): Record<string, string | boolean | undefined> {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    });
    return values;
  } catch (error) {
    // parseArgs explains the problem in its message; the usage line says what is accepted.
    const reason = (error as Error).message.split("\n")[0]?.replace(/\.$/, "") ?? "invalid arguments";
    const unknown = /^Unknown option '--([^']+)'/.exec(reason)?.[1];
    const suggestion = unknown === undefined ? undefined : closest(unknown, Object.keys(command.options));
    throw new UsageError(`${reason}${suggestion ? ` (did you mean --${suggestion}?)` : ""}; usage: ${command.usage}`);
  }
}

const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

function requireStack(options: Record<string, string | boolean | undefined>): string {
  const stack = options["stack"];
  if (typeof stack !== "string") throw new UsageError("--stack <name> is required");
  if (!STACK_NAME.test(stack)) throw new UsageError(`--stack: expected a stack name of letters, digits and _ . -, got ${JSON.stringify(stack)}`);
  return stack;
}

/** The directory holding Pulumi.yaml: the working directory or the nearest parent. */
function findProject(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "Pulumi.yaml"))) return dir;
    if (dirname(dir) === dir) throw new UsageError(`no Pulumi.yaml in ${resolve(cwd)} or its parents: run litellm-mcp inside the project`);
  }
}

function listStacks(project: string): string[] {
  return readdirSync(project)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

function stackFile(project: string, stack: string): string {
  const file = join(project, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) {
    const known = listStacks(project);
    throw new UsageError(`no stack file Pulumi.${stack}.yaml in ${project}${known.length ? `; stacks: ${known.join(", ")}` : ""}`);
  }
  return file;
}
