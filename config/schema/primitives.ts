/** Building blocks of the stack config's schema: value shapes, secret references, unique names. */
import { isIP } from "node:net";
import * as z from "zod/mini";
import { regionProblem } from "../awsFacts";
import { hostBitsProblem } from "../cidr";
import { quote } from "../errors";
import { OS_ENVIRON } from "../constants";
import { parseImageRef } from "../images";

// The config is parsed once per run: compiling a fast path for each object schema costs more than it saves.
z.config({ jitless: true });

export function matching(pattern: RegExp, expected: string) {
  return z.string({ error: expected }).check(z.regex(pattern, { error: expected }));
}

export function integer(min: number, max: number, expected = `expected a whole number from ${min} to ${max}`) {
  return z.int({ error: expected }).check(z.gte(min, { error: expected }), z.lte(max, { error: expected }));
}

export const port = integer(1, 65535, "expected a port number from 1 to 65535");

/** Text that lands in config.yaml: LiteLLM would replace a value starting with os.environ/ by an env var. */
export function yamlText(max: number) {
  return z.string().check(
    z.maxLength(max, { error: `expected at most ${max} characters` }),
    z.refine((text) => !text.trimStart().startsWith(OS_ENVIRON), {
      error: `must not start with "${OS_ENVIRON}": the proxy would replace it with the value of an environment variable`,
    }),
  );
}

export const imageRef = z.string().check(
  z.refine((text) => parseImageRef(text) !== undefined, {
    error: 'expected an image reference such as "ghcr.io/berriai/litellm-database:v1.108.7"',
  }),
);

/** A string (of the base schema) checked by a function that returns what is wrong with it, or undefined. */
export function checked(problemOf: (value: string) => string | undefined, base: z.ZodMiniString = z.string()) {
  return base.check((ctx) => {
    const problem = problemOf(ctx.value);
    if (problem) ctx.issues.push({ code: "custom", input: ctx.value, message: problem });
  });
}

/** A region AWS has (config/awsFacts.ts). */
export const region = checked(regionProblem, z.string({ error: 'expected an AWS region such as "us-east-1"' }));

export const envName = matching(
  /^[A-Za-z_][A-Za-z0-9_]*$/,
  "expected an environment variable name (letters, digits, _)",
);

export const urlPath = matching(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/, 'expected a URL path starting with "/"');

function isCidr(text: string): boolean {
  const [address, prefix, ...rest] = text.split("/");
  const version = isIP(address ?? "");
  if (rest.length > 0 || version === 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}
export const cidr = z.string().check((ctx) => {
  if (!isCidr(ctx.value))
    ctx.issues.push({ code: "custom", input: ctx.value, message: 'expected a CIDR block such as "10.0.0.0/8"' });
  else {
    const problem = hostBitsProblem(ctx.value);
    if (problem) ctx.issues.push({ code: "custom", input: ctx.value, message: problem });
  }
});

/** The VPC is carved into subnets 4 bits longer, and AWS takes VPCs and subnets from /16 to /28. */
export const vpcCidr = cidr.check(
  z.refine((text) => text.includes(".") && Number(text.split("/")[1]) >= 16 && Number(text.split("/")[1]) <= 24, {
    error: "expected an IPv4 block from /16 to /24: AWS takes VPCs from /16 to /28, and the subnets are 4 bits longer",
  }),
);

/** A list in which no entry appears twice (AWS refuses duplicate rules and duplicate subnets). */
export function distinct<T extends z.core.$ZodType>(item: T, what: string) {
  return z.array(item).check((ctx) => {
    const first = new Map<unknown, number>();
    ctx.value.forEach((value, index) => {
      const seen = first.get(value);
      if (seen === undefined) first.set(value, index);
      else
        ctx.issues.push({
          code: "custom",
          input: value,
          path: [index],
          message: `duplicate ${what} (also at [${seen}])`,
        });
    });
  });
}

/** Names of Pulumi config keys that hold a secret (`pulumi config set --secret <name> ...`). */
const CONFIG_KEY_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Secrets the stack generates itself: a config key of the same name would give two resources one name. */
const GENERATED_SECRETS = ["master-key", "salt-key"];

const configKeyName = matching(
  CONFIG_KEY_NAME,
  'expected the name of a secret config key, such as "context7ApiKey"',
).check(
  z.refine((key) => !GENERATED_SECRETS.includes(key), {
    error: `must not be ${GENERATED_SECRETS.map((key) => `"${key}"`).join(" or ")}: the stack names its generated secrets so; choose another name, such as "myMasterKey"`,
  }),
);

const secretsManagerRef = matching(
  /^(?:arn:aws(?:-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+|[A-Za-z0-9/_+=.@-]{1,512})$/,
  "expected the name or ARN of a Secrets Manager secret",
);

/**
 * A secret is referenced, never inlined: by the name of a Pulumi secret config key of this project,
 * or (aws target) by an existing Secrets Manager secret.
 */
export const secretRefSchema = z.pipe(
  z
    .strictObject({
      config: z.optional(configKeyName),
      secretsManager: z.optional(secretsManagerRef),
    })
    .check(
      z.refine((ref) => (ref.config === undefined) !== (ref.secretsManager === undefined), {
        error:
          'expected exactly one of "config" (the name of a Pulumi secret config key) or "secretsManager" (an existing secret\'s name or ARN)',
      }),
    ),
  z.transform(
    (ref): SecretRef => (ref.config !== undefined ? { config: ref.config } : { secretsManager: ref.secretsManager! }),
  ),
);

export type SecretRef = { readonly config: string } | { readonly secretsManager: string };

/**
 * Names unique in a list; `fold` maps a name to what must differ (MCP server names become environment variable
 * names in upper case and Service Connect names in lower case, so they must differ in more than letter case).
 */
export function uniqueNames(kind: string, fold: (name: string) => string = (name) => name) {
  return (items: readonly { name: string }[], ctx: z.core.$RefinementCtx) => {
    const first = new Map<string, number>();
    items.forEach((item, index) => {
      const seen = first.get(fold(item.name));
      if (seen === undefined) first.set(fold(item.name), index);
      else if (items[seen]!.name === item.name) {
        ctx.addIssue({
          code: "custom",
          path: [index, "name"],
          message: `duplicate ${kind} name ${quote(item.name)} (also at [${seen}])`,
        });
      } else {
        ctx.addIssue({
          code: "custom",
          path: [index, "name"],
          message: `duplicate ${kind} name ${quote(item.name)} (also at [${seen}] as ${quote(items[seen]!.name)}): names that differ only in letter case collide in the names derived from them`,
        });
      }
    });
  };
}
