/**
 * Runs the Pulumi program in-process under the SDK's mocks and records every resource it registers with the
 * exact inputs it was given, secrets still marked as secrets.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { CallMocks, OutputMocks } from "./awsMocks";
import { engineConfigOf } from "./stacks";
import { tempDir } from "./tempDirs";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export interface Registered {
  readonly type: string;
  readonly name: string;
  /** Inputs as registered: secret values are wrapped, see isSecret and reveal. */
  readonly inputs: Record<string, unknown>;
  /** Resource options as the engine receives them. */
  readonly options: {
    readonly parent: string;
    readonly retainOnDelete: boolean;
    readonly protect: boolean;
    /** Inputs whose changes the engine ignores. */
    readonly ignoreChanges: string[];
    /** URNs of the resources this one waits for. */
    readonly dependsOn: string[];
    /** For each input, the URNs of the resources its value came from. */
    readonly propertyDependencies: Record<string, string[]>;
  };
  /** Set once the registration has completed. */
  urn: string;
  /** The outputs the mocks gave it: its inputs, and what the provider would add. */
  outputs: Record<string, unknown>;
}

export interface ProgramRun {
  readonly resources: Registered[];
  /** The stack's exports, resolved; secret outputs stay wrapped. */
  readonly outputs: Record<string, unknown>;
  /** Resources of a type, in registration order. */
  ofType(type: string): Registered[];
  /** The only resource of a type; fails when there is not exactly one. */
  one(type: string): Registered;
  /** What the program logged as warnings (pulumi.log.warn), as `pulumi up` shows them. */
  readonly warnings: string[];
}

interface RegisterRequest {
  getParent(): string;
  getRetainondelete(): boolean | undefined;
  getProtect(): boolean | undefined;
  getIgnorechangesList(): string[];
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { entries(): Iterable<[string, { getUrnsList(): string[] }]> };
}

/** Whether a registered value is a Pulumi secret. */
export function isSecret(value: unknown): boolean {
  return value !== null && typeof value === "object" && (value as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE;
}

/** The value with every secret wrapper removed. */
export function reveal<T = unknown>(value: unknown): T {
  if (isSecret(value)) return reveal((value as { value: unknown }).value);
  if (Array.isArray(value)) return value.map((item) => reveal(item)) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, reveal(item)])) as T;
  }
  return value as T;
}

export type { CallMocks, OutputMocks } from "./awsMocks";

export interface RunOptions {
  readonly outputs?: OutputMocks;
  readonly calls?: CallMocks;
  /** Extra stack config, e.g. secret values: key -> value; listed as secret. */
  readonly secrets?: Record<string, string>;
  /** Replaces the stack file's config. */
  readonly config?: { config: Record<string, string>; secretKeys: string[] };
  /** Another program module to run in place of index.ts. */
  readonly program?: string;
  /** The home directory of the user running the program; by default one with an AWS profile (see programHome). */
  readonly home?: string;
}

let defaultHome: string | undefined;

/**
 * The home directory the program runs with unless a test names another: one holding what the dev stack mounts of
 * an AWS profile (~/.aws/config, ~/.aws/credentials, ~/.aws/sso/cache), as on a machine where `aws configure` ran.
 */
export function programHome(): string {
  if (defaultHome === undefined) {
    defaultHome = tempDir("litellm-mcp-home-");
    mkdirSync(join(defaultHome, ".aws", "sso", "cache"), { recursive: true });
    writeFileSync(join(defaultHome, ".aws", "config"), "[default]\nregion = us-east-1\n");
    writeFileSync(join(defaultHome, ".aws", "credentials"), "");
  }
  return defaultHome;
}

/** A failed run's error carries what was registered before the failure. */
export type ProgramError = Error & { registered: Registered[] };

/**
 * Loads index.ts afresh, as `pulumi up` would, with the stack's config and mocks, and waits until every
 * registration has completed.
 */
export async function runProgram(stack: string, options: RunOptions = {}): Promise<ProgramRun> {
  const resources: Registered[] = [];
  let registering: Registered["options"] | undefined;
  // An invoke without a mock leaves outputs unresolved for ever: fail the run at once instead.
  let failRun: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (failRun = reject));
  failed.catch(() => undefined);
  await pulumi.runtime.setMocks(
    {
      async newResource(args) {
        const resourceOptions = registering!;
        const registered: Registered = {
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          options: resourceOptions,
          urn: "",
          outputs: {},
        };
        resources.push(registered);
        const mock = options.outputs?.[args.type] ?? options.outputs?.["*"];
        // A mock may answer later (a provider backed by a local API) and name the resource's physical id. A mock
        // that fails fails the run, as a provider's error fails `pulumi up`.
        let extra: Record<string, unknown>;
        try {
          extra = (await mock?.(args.name, reveal(args.inputs), args.type)) ?? {};
        } catch (error) {
          const failure = new Error(`creating ${args.type} ${args.name}: ${(error as Error).message}`);
          failRun(failure);
          throw failure;
        }
        const state = { ...reveal<Record<string, unknown>>(args.inputs), ...extra };
        registered.outputs = state;
        return { id: typeof extra["id"] === "string" ? extra["id"] : `${args.name}-id`, state };
      },
      call(args) {
        const mock = options.calls?.[args.token];
        if (!mock) {
          const error = new Error(`no mock for the invoke ${args.token}`);
          failRun(error);
          throw error;
        }
        return mock(reveal(args.inputs));
      },
    },
    "litellm-mcp",
    stack,
    false,
  );
  // The mocks hand newResource no resource options; read them off the registration request.
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, callback: unknown): Promise<void>;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const propertyDependencies: Record<string, string[]> = {};
    for (const [key, value] of req.getPropertydependenciesMap().entries())
      propertyDependencies[key] = value.getUrnsList();
    registering = {
      parent: req.getParent(),
      retainOnDelete: req.getRetainondelete() ?? false,
      protect: req.getProtect() ?? false,
      ignoreChanges: req.getIgnorechangesList(),
      dependsOn: req.getDependenciesList(),
      propertyDependencies,
    };
    const registered = resources.length;
    const registration = register(req, (error: unknown, response?: { getUrn(): string }) => {
      const resource = resources[registered];
      if (resource && response) resource.urn = response.getUrn();
      (callback as (error: unknown, response?: unknown) => void)(error, response);
    });
    registering = undefined;
    return registration;
  };
  const { config, secretKeys } = options.config ?? engineConfigOf(stack, options.secrets);
  pulumi.runtime.setAllConfig(config, secretKeys);

  const entry = options.program ?? require.resolve("../../index");
  for (const id of Object.keys(require.cache)) {
    if (id === entry) delete require.cache[id];
  }
  // Without an engine the SDK prints warnings to the console: keep them with the run instead.
  const warnings: string[] = [];
  const consoleWarn = console.warn;
  console.warn = (...args: unknown[]) => {
    const text = args.map(String).join(" ");
    if (text.startsWith("warning: [runtime] ")) warnings.push(text.slice("warning: [runtime] ".length));
    else consoleWarn(...args);
  };
  // The program finds the user's files (the AWS profile Docker mounts) under HOME, as os.homedir() reads it.
  const home = process.env["HOME"];
  process.env["HOME"] = options.home ?? programHome();
  const outputs: Record<string, unknown> = {};
  try {
    let exported: unknown;
    try {
      // require, not import(): the program's exports are its module.exports object, nothing wrapped around it.
      exported = require(entry);
    } catch (error) {
      await waitForRegistrations();
      throw error;
    }
    // The program exports its outputs once it has asked what it needs before registering (a promise, as Pulumi
    // awaits it); a resource that fails to create fails the run, after what was registered before it.
    const exports = (await Promise.race([Promise.resolve(exported), failed])) as Record<string, unknown>;
    await Promise.race([waitForRegistrations(), failed]);
    for (const [key, value] of Object.entries(exports)) outputs[key] = await Promise.race([resolve(value), failed]);
    await Promise.race([waitForRegistrations(), failed]);
  } catch (error) {
    throw Object.assign(error as Error, { registered: resources });
  } finally {
    console.warn = consoleWarn;
    if (home === undefined) delete process.env["HOME"];
    else process.env["HOME"] = home;
  }

  const ofType = (type: string) => resources.filter((resource) => resource.type === type);
  return {
    resources,
    outputs,
    warnings,
    ofType,
    one(type) {
      const found = ofType(type);
      if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
      return found[0]!;
    },
  };
}

async function waitForRegistrations(): Promise<void> {
  const wait = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (!wait) throw new Error("this version of @pulumi/pulumi has no waitForRPCs");
  await wait();
}

/** An export's value; a secret output resolves to a wrapped value so that tests can see it is secret. */
async function resolve(value: unknown): Promise<unknown> {
  if (!pulumi.Output.isInstance(value)) return value;
  const output = value as pulumi.Output<unknown>;
  const [plain, secret] = await Promise.all([
    new Promise((done) => output.apply((resolved) => done(resolved))),
    pulumi.isSecret(output),
  ]);
  return secret ? { [SECRET_SIG]: SECRET_VALUE, value: plain } : plain;
}
