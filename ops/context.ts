/** What every command works with: its input and output, the outside world (injected), and the stack it names. */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { loadStackFile } from "../config/load";
import type { StackConfig } from "../config/schema";
import type { AwsPort } from "./aws";
import type { SignaturePort } from "./cosign";
import { type Backend, backendFor } from "./backend";
import type { DockerPort } from "./docker";
import { type PortCheck, portState } from "./ports";
import { quote } from "../config/errors";
import { UsageError } from "./errors";
import { type LocalPort, localProcesses, readOutputsFile } from "./local";
import type { BedrockSender } from "./models";
import { type GatewayOutputs, readOutputs } from "./outputs";
import type { Outputs, PulumiPort } from "./pulumi";
import type { RegistryPort } from "./registry";
import type { ReleasesPort } from "./releases";

export interface Io {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Asks a question on the terminal and returns the answer; absent when there is no terminal to ask on. */
  readonly ask?: (question: string) => Promise<string>;
}

/** The outside world, replaced in tests. */
export interface Deps {
  pulumi(project: string, backend: Backend): PulumiPort;
  docker(env: NodeJS.ProcessEnv): DockerPort;
  /** Whether a port of this machine is free, before a Docker stack publishes it. */
  readonly portState: PortCheck;
  aws(region: string): AwsPort;
  /** Bedrock's control plane in a region (models). */
  bedrock(region: string): BedrockSender;
  /** Image registries, for the digests of tags (pin-images). */
  registry(): RegistryPort;
  /** LiteLLM's releases on PyPI, for the schema migrations each brings (upgrade, rollback). */
  releases(): ReleasesPort;
  /** cosign, for image signatures (verify-image). */
  signatures(env: NodeJS.ProcessEnv): SignaturePort;
  /** Processes of a gateway run locally (--outputs). */
  readonly local: LocalPort;
  /** Compiles the program when its build is older than its sources. */
  build(project: string, write: (text: string) => void): Promise<void>;
  /** Deadline of each network check, in milliseconds. */
  readonly timeoutMs: number;
}

/**
 * The real outside world. Each part loads its SDK (Pulumi's automation API, dockerode, the AWS SDK) only when a
 * command first uses it: `--help`, `--version` and the commands that read files start without them.
 */
export const realDeps: Deps = {
  pulumi: (project, backend) =>
    new (require("./pulumi") as typeof import("./pulumi")).AutomationPulumi(project, backend),
  docker: (env) => {
    const { DockerEngine, dockerConnection } = require("./docker") as typeof import("./docker");
    return new DockerEngine(dockerConnection(env));
  },
  aws: (region) => (require("./aws") as typeof import("./aws")).AwsServices.forRegion(region),
  bedrock: (region) =>
    new (require("@aws-sdk/client-bedrock") as typeof import("@aws-sdk/client-bedrock")).BedrockClient({ region }),
  registry: () => new (require("./registry") as typeof import("./registry")).OciRegistry(),
  releases: () => new (require("./releases") as typeof import("./releases")).PyPiReleases(),
  signatures: (env) => new (require("./cosign") as typeof import("./cosign")).Cosign(env),
  local: localProcesses,
  portState,
  build: (project, write) => (require("./build") as typeof import("./build")).ensureBuilt(project, write),
  timeoutMs: 10_000,
};

export type Options = Record<string, string | boolean | undefined>;

export interface Context {
  readonly io: Io;
  readonly deps: Deps;
  readonly options: Options;
  readonly positionals: string[];
}

/** The directory holding Pulumi.yaml: the working directory or the nearest parent. */
export function projectDir(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "Pulumi.yaml"))) return dir;
    if (dirname(dir) === dir)
      throw new UsageError(`no Pulumi.yaml in ${resolve(cwd)} or its parents: run litellm-mcp inside the project`);
  }
}

export function listStacks(project: string): string[] {
  return readdirSync(project)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

export function stackFile(project: string, stack: string): string {
  const file = join(project, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) {
    const known = listStacks(project);
    throw new UsageError(
      `no stack file Pulumi.${stack}.yaml in ${project}${known.length ? `; stacks: ${known.join(", ")}` : ""}`,
    );
  }
  return file;
}

const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** The --stack option, checked; `fallback` when the command has a default stack. */
export function stackName(options: Options, fallback?: string): string {
  const stack = options["stack"] ?? fallback;
  if (typeof stack !== "string") throw new UsageError("--stack <name> is required");
  if (!STACK_NAME.test(stack))
    throw new UsageError(`--stack: expected a stack name of letters, digits and _ . -, got ${quote(stack)}`);
  return stack;
}

export interface SelectedStack {
  readonly project: string;
  readonly stack: string;
  readonly config: StackConfig;
  readonly pulumi: PulumiPort;
}

/** The stack the command names, its validated config, and Pulumi on its backend. */
export function selectStack(context: Context, fallback?: string): SelectedStack {
  const stack = stackName(context.options, fallback);
  const project = projectDir(context.io.cwd);
  const config = loadStackFile(stackFile(project, stack));
  const pulumi = context.deps.pulumi(project, backendFor(project, config.target, context.io.env));
  return { project, stack, config, pulumi };
}

export interface DeployedStack extends SelectedStack {
  readonly outputs: GatewayOutputs;
  /** The master key, when auth is on. Never printed. */
  readonly key: string | undefined;
}

/** The --outputs option shared by the commands that act on a running gateway. */
export const OUTPUTS_OPTION = {
  type: "string",
  description:
    "read the gateway's outputs from this JSON file instead of the stack's state (pulumi stack output --json, or a gateway run as local processes)",
} as const;

/** The stack's raw outputs: from the --outputs file when given, else from its Pulumi state. */
export async function stackOutputs(context: Context, selected: SelectedStack): Promise<Outputs> {
  const file = context.options["outputs"];
  return typeof file === "string"
    ? readOutputsFile(resolve(context.io.cwd, file))
    : await selected.pulumi.outputs(selected.stack);
}

/**
 * Whether to go on with what changes a stack: --yes, or the stack's name typed back after `question`. Without
 * --yes and without a terminal to ask on, refuses to `action` (a usage error).
 */
export async function confirmedByStackName(
  context: Context,
  stack: string,
  action: string,
  question: string,
): Promise<boolean> {
  if (context.options["yes"] === true) return true;
  if (!context.io.ask) throw new UsageError(`refusing to ${action} without a yes: run it on a terminal, or pass --yes`);
  return (await context.io.ask(`${question} Type the stack name to confirm: `)).trim() === stack;
}

/** A deployed stack's outputs: with --outputs, from that file instead of the stack's Pulumi state. */
export async function deployedOutputs(context: Context, fallback?: string): Promise<Omit<DeployedStack, "key">> {
  const selected = selectStack(context, fallback);
  return { ...selected, outputs: readOutputs(selected.stack, await stackOutputs(context, selected)) };
}

/** A deployed stack's outputs and master key (from the outputs on Docker and for local processes, from Secrets Manager on AWS). */
export async function deployedStack(context: Context, fallback?: string): Promise<DeployedStack> {
  const found = await deployedOutputs(context, fallback);
  return { ...found, key: await masterKeyOf(context, found.outputs) };
}

/** The master key of a deployed stack (from Secrets Manager on AWS), when auth is on. */
export async function masterKeyOf(context: Context, outputs: GatewayOutputs): Promise<string | undefined> {
  if (outputs.target !== "aws") return outputs.masterKey;
  return outputs.masterKeySecretArn
    ? context.deps.aws(outputs.region).masterKey(outputs.masterKeySecretArn)
    : undefined;
}
