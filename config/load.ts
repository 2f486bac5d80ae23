/**
 * Reads the stack config from a Pulumi.<stack>.yaml file (CLI, tests), and validates it through the schema the
 * running program's config (./pulumiConfig.ts) goes through too. Secret values are never read into the config: a secret key
 * only counts as set.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseDocument } from "yaml";
import type * as z from "zod/mini";
import { REGIONS, regionOfArn, regionProblem } from "./awsFacts";
import { awsNameProblems } from "./awsNames";
import { CATALOG, CATALOG_FILE, type Catalog, catalogProblem, parseCatalog } from "./modelCatalog";
import { PROJECT } from "./constants";
import {
  ConfigError,
  type ConfigProblem,
  expectation,
  formatPath,
  problemsFrom,
  quote,
  unknownKeyMessage,
} from "./errors";
import { baseSchema, secretRefsOf, type StackConfig, stackConfigSchema } from "./schema";

/** The project's keys as found in a stack, before validation. */
export interface StackInput {
  /** Where the config came from, named in every message, e.g. `Pulumi.prod.yaml`. */
  readonly source: string;
  /** Values of the project's non-secret keys, by key name without the namespace. */
  readonly values: Readonly<Record<string, unknown>>;
  /** The project's keys whose value is a secret. Their values are not read. */
  readonly secretKeys: ReadonlySet<string>;
  /** Problems found while reading, reported with the validation problems. */
  readonly problems: readonly ConfigProblem[];
  /** The stack's `aws:region`, the AWS provider's region, when set. */
  readonly awsRegion?: unknown;
}

export const NAMESPACE = `${PROJECT}:`;
export const AWS_REGION = "aws:region";
const TOP_LEVEL_KEYS = Object.keys(baseSchema.shape);

export function isTopLevelKey(key: string): key is keyof typeof baseSchema.shape {
  return TOP_LEVEL_KEYS.includes(key);
}

export interface ValidateOptions {
  /**
   * The model catalog each model id is checked against; the project's by default. False only for
   * `litellm-mcp models`, which asks Bedrock itself about ids the catalog does not know yet.
   */
  readonly catalog?: Catalog | false;
  /** The day the catalog's lifecycles are read for. */
  readonly today?: Date;
}

/** Validates a stack's keys; throws a ConfigError listing every problem. */
export function validateStackInput(input: StackInput, options: ValidateOptions = {}): StackConfig {
  const problems: ConfigProblem[] = [...input.problems];
  const configValues: Record<string, unknown> = {};
  const otherKeys: string[] = [];
  for (const [key, value] of Object.entries(input.values)) {
    if (isTopLevelKey(key)) configValues[key] = value;
    else otherKeys.push(key);
  }

  const parsed = stackConfigSchema.safeParse(configValues, { error: (issue) => expectation(issue) });
  if (!parsed.success) {
    problems.push(...problemsFrom(parsed.error.issues, configValues, (path) => knownKeysAt(baseSchema, path)));
    // Without a valid config the references are unknown: only keys that cannot be secrets are reported.
    for (const key of otherKeys) problems.push({ path: key, message: unknownKeyMessage(key, TOP_LEVEL_KEYS) });
    throw new ConfigError(input.source, problems);
  }

  const referenced = new Map<string, string>();
  for (const { path, ref } of secretRefsOf(parsed.data)) {
    if ("config" in ref && !referenced.has(ref.config)) referenced.set(ref.config, formatPath(path));
  }
  for (const [key, usedBy] of referenced) {
    if (input.secretKeys.has(key)) continue;
    const command = configSetCommand(input.source, parsed.data.target, `--secret ${NAMESPACE}${key} <value>`);
    const message =
      key in input.values
        ? `is set in plain text but holds a secret (used by ${usedBy}): set it with \`${command}\``
        : `is not set (used by ${usedBy}): set it with \`${command}\``;
    problems.push({ path: key, message });
  }
  problems.push(...stackRegionProblems(input.source, parsed.data, input.awsRegion));
  problems.push(...awsNameProblems(stackOfSource(input.source), parsed.data));
  if (options.catalog !== false) {
    const today = options.today ?? new Date();
    const catalog = options.catalog ?? CATALOG;
    parsed.data.models.forEach((model, index) => {
      const problem = catalogProblem(model, today, catalog);
      if (problem) problems.push({ path: `models[${index}].bedrockModelId`, message: problem });
    });
  }
  const known = [...TOP_LEVEL_KEYS, ...referenced.keys()];
  for (const key of [...otherKeys, ...input.secretKeys]) {
    if (!referenced.has(key) && !isTopLevelKey(key))
      problems.push({ path: key, message: unknownKeyMessage(key, known) });
  }

  if (problems.length > 0) throw new ConfigError(input.source, problems);
  return parsed.data;
}

const STACK_FILE = /^Pulumi\.(.+)\.yaml$/;

/** The stack a stack file is of; "stack" for a source that is no stack file's name. */
function stackOfSource(source: string): string {
  return STACK_FILE.exec(source)?.[1] ?? "stack";
}

/**
 * The command that sets a config key of the stack a file belongs to, as it works when pasted: a stack on the
 * docker target keeps its state in the project's local backend, which only the operations CLI selects.
 */
export function configSetCommand(source: string, target: StackConfig["target"], args: string): string {
  const stack = STACK_FILE.exec(source)?.[1] ?? "<stack>";
  return target === "docker"
    ? `npx litellm-mcp pulumi --stack ${stack} -- config set ${args}`
    : `pulumi config set --stack ${stack} ${args}`;
}

/** Rules that tie the project's keys to the AWS provider's region. */
function stackRegionProblems(source: string, config: StackConfig, configured: unknown): ConfigProblem[] {
  if (config.target !== "aws") return [];
  // The AWS provider falls back to the environment, as the AWS CLI does.
  const awsRegion = configured ?? (process.env["AWS_REGION"] || process.env["AWS_DEFAULT_REGION"] || undefined);
  if (awsRegion === undefined) {
    return [
      {
        path: AWS_REGION,
        message: `is not set: expected the stack's AWS region, e.g. \`${configSetCommand(source, "aws", "aws:region us-east-1")}\``,
      },
    ];
  }
  const problem =
    typeof awsRegion === "string" ? regionProblem(awsRegion) : 'expected an AWS region such as "us-east-1"';
  if (problem) return [{ path: AWS_REGION, message: `${problem}, got ${quote(awsRegion)}` }];
  const region = awsRegion as string;
  const problems: ConfigProblem[] = [];
  const { certificateArn } = config.aws.loadBalancer;
  if (certificateArn !== undefined && regionOfArn(certificateArn) !== region) {
    problems.push({
      path: "aws.loadBalancer.certificateArn",
      message: `expected a certificate in the stack's region (${AWS_REGION} ${region}), got one in ${regionOfArn(certificateArn)}: a load balancer takes certificates from its own region only`,
    });
  }
  const zones = REGIONS[region]!.availabilityZones;
  if (config.aws.network.existing === undefined && config.aws.network.availabilityZones > zones) {
    problems.push({
      path: "aws.network.availabilityZones",
      message: `expected at most ${zones}: ${region} has ${zones} availability zones`,
    });
  }
  return problems;
}

/** Reads the project's keys from a Pulumi.<stack>.yaml file, or from `given`, the text it is about to hold. */
export function readStackFile(file: string, given?: string): StackInput {
  const source = basename(file);
  let text: string;
  try {
    text = given ?? readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(source, [
      { path: "", message: `cannot read the stack file: ${(error as NodeJS.ErrnoException).code ?? String(error)}` },
    ]);
  }
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      source,
      document.errors.map((error) => ({
        path: "",
        message: `is not valid YAML (line ${error.linePos?.[0].line ?? "?"}): ${error.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "")}`,
      })),
    );
  }
  let root: unknown;
  try {
    root = document.toJS();
  } catch (error) {
    // yaml refuses documents that expand beyond reason (an alias bomb) when they are converted.
    throw new ConfigError(source, [{ path: "", message: `is not valid YAML: ${(error as Error).message}` }]);
  }
  const config = root === null || typeof root !== "object" ? undefined : (root as Record<string, unknown>)["config"];
  if (config !== undefined && (config === null || typeof config !== "object" || Array.isArray(config))) {
    throw new ConfigError(source, [{ path: "", message: 'expected a "config:" map of keys' }]);
  }

  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const [fullKey, value] of Object.entries((config ?? {}) as Record<string, unknown>)) {
    if (!fullKey.includes(":")) {
      problems.push({
        path: "",
        message: `${JSON.stringify(fullKey)}: configuration keys are namespaced, expected "${NAMESPACE}${fullKey}"`,
      });
      continue;
    }
    if (!fullKey.startsWith(NAMESPACE)) continue;
    const key = fullKey.slice(NAMESPACE.length);
    if (isSecure(value)) secretKeys.add(key);
    else if (isTopLevelKey(key) && typeof value === "string") values[key] = fromConfigText(value);
    else if (isTopLevelKey(key) && containsSecure(value)) problems.push(nestedSecretProblem(key));
    else values[key] = value;
  }
  return {
    source,
    values,
    secretKeys,
    problems,
    awsRegion: (config as Record<string, unknown> | undefined)?.[AWS_REGION],
  };
}

/** Reads, validates and returns the config of a stack file (or of `text`, were the file to hold it); throws a ConfigError. */
export function loadStackFile(file: string, options: ValidateOptions & { text?: string } = {}): StackConfig {
  const { text, ...validate } = options;
  return validateStackInput(readStackFile(file, text), { catalog: catalogBeside(file), ...validate });
}

/** The model catalog of the project a stack file belongs to (config/ beside it), or the program's own. */
export function catalogBeside(file: string): Catalog {
  const beside = join(dirname(file), CATALOG_FILE);
  return existsSync(beside) ? parseCatalog(JSON.parse(readFileSync(beside, "utf8"))) : CATALOG;
}

/**
 * Structured values reach the program as JSON text, and so does a string that holds JSON text: the program
 * cannot tell `models: [...]` from `models: '[...]'`. Both readers take such a string as the structure it
 * spells, so that `validate` and the program accept the same files.
 */
export function fromConfigText(text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON after all: validate it as the text it is.
    return text;
  }
}

function isSecure(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    "secure" in value
  );
}

function containsSecure(value: unknown): boolean {
  if (isSecure(value)) return true;
  if (value === null || typeof value !== "object") return false;
  return Object.values(value).some(containsSecure);
}

export function nestedSecretProblem(key: string): ConfigProblem {
  return {
    path: key,
    message: 'holds a secret value: keep each secret in a key of its own and reference it, e.g. {config: "myApiKey"}',
  };
}

/** The keys a strict object accepts at a path of the schema, for "did you mean" hints. */
export function knownKeysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.core.$ZodType | undefined = schema;
  for (const segment of path) {
    const def = unwrap(current)._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === "object") current = (def["shape"] as Record<PropertyKey, z.core.$ZodType>)[segment];
    else if (def.type === "array") current = def["element"] as z.core.$ZodType;
    else if (def.type === "record") current = def["valueType"] as z.core.$ZodType;
    else return [];
    if (current === undefined) return [];
  }
  const def = unwrap(current)._zod.def as unknown as Record<string, unknown> & { type: string };
  return def.type === "object" ? Object.keys(def["shape"] as object) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const def = current._zod.def as unknown as Record<string, unknown> & { type: string };
    if (["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"].includes(def.type)) {
      current = def["innerType"] as z.core.$ZodType;
    } else if (def.type === "pipe") current = def["in"] as z.core.$ZodType;
    else return current;
  }
}
