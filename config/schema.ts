/**
 * The stack config contract: the shape of every `litellm-mcp:` key in Pulumi.<stack>.yaml, its defaults and
 * the rules that tie keys together. The TypeScript type of the config is inferred from this schema.
 * Messages say what was expected; the loader adds the file, the key path and what was found.
 *
 * Written with zod/mini, whose functions the build bundles one by one: the program loads only the validation
 * it uses, on every `pulumi preview` and `up`.
 */
import { isIP } from "node:net";
import * as z from "zod/mini";
import { cacheNodeTypeProblem, rdsInstanceClassProblem, regionProblem, reservedNameProblem } from "./awsFacts";
import { geographyProblem, splitModelId } from "./bedrock";
import { hostBitsProblem } from "./cidr";
import { CREDENTIAL_KEY, CREDENTIAL_TEXT } from "./credentials";
import { quote } from "./errors";
import { checkSettings, isSecretReference, SECTIONS, type Section, type SettingValue } from "./litellmSettings";
import { BRIDGE, IMAGES, LOOPBACK, MCP_DEFAULTS, OS_ENVIRON, PROXY, RESERVED_DB_CONNECTIONS } from "./constants";
import { FARGATE_CPU_SIZES, fargateSizeProblem } from "./fargate";
import { parseImageRef, pinningProblem } from "./images";
import {
  DEPLOYMENT_MAXIMUM_PERCENT,
  LITELLM_DEFAULT_POOL_LIMIT,
  maxConnectedProxyInstances,
  readsConfigFile,
  workerPoolLimit,
} from "./topology";

// The config is parsed once per run: compiling a fast path for each object schema costs more than it saves.
z.config({ jitless: true });

// ---------------------------------------------------------------------------------------------------------
// Building blocks

function matching(pattern: RegExp, expected: string) {
  return z.string({ error: expected }).check(z.regex(pattern, { error: expected }));
}

function integer(min: number, max: number, expected = `expected a whole number from ${min} to ${max}`) {
  return z.int({ error: expected }).check(z.gte(min, { error: expected }), z.lte(max, { error: expected }));
}

const port = integer(1, 65535, "expected a port number from 1 to 65535");

/** Text that lands in config.yaml: LiteLLM would replace a value starting with os.environ/ by an env var. */
function yamlText(max: number) {
  return z.string().check(
    z.maxLength(max, { error: `expected at most ${max} characters` }),
    z.refine((text) => !text.trimStart().startsWith(OS_ENVIRON), {
      error: `must not start with "${OS_ENVIRON}": the proxy would replace it with the value of an environment variable`,
    }),
  );
}

const imageRef = z.string().check(
  z.refine((text) => parseImageRef(text) !== undefined, {
    error: 'expected an image reference such as "ghcr.io/berriai/litellm-database:v1.108.7"',
  }),
);

/** A string (of the base schema) checked by a function that returns what is wrong with it, or undefined. */
function checked(problemOf: (value: string) => string | undefined, base: z.ZodMiniString = z.string()) {
  return base.check((ctx) => {
    const problem = problemOf(ctx.value);
    if (problem) ctx.issues.push({ code: "custom", input: ctx.value, message: problem });
  });
}

/** A region AWS has (config/awsFacts.ts). */
const region = checked(regionProblem, z.string({ error: 'expected an AWS region such as "us-east-1"' }));

const envName = matching(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an environment variable name (letters, digits, _)");

const urlPath = matching(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/, 'expected a URL path starting with "/"');

function isCidr(text: string): boolean {
  const [address, prefix, ...rest] = text.split("/");
  const version = isIP(address ?? "");
  if (rest.length > 0 || version === 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}
const cidr = z.string().check((ctx) => {
  if (!isCidr(ctx.value))
    ctx.issues.push({ code: "custom", input: ctx.value, message: 'expected a CIDR block such as "10.0.0.0/8"' });
  else {
    const problem = hostBitsProblem(ctx.value);
    if (problem) ctx.issues.push({ code: "custom", input: ctx.value, message: problem });
  }
});

/** The VPC is carved into subnets 4 bits longer, and AWS takes VPCs and subnets from /16 to /28. */
const vpcCidr = cidr.check(
  z.refine((text) => text.includes(".") && Number(text.split("/")[1]) >= 16 && Number(text.split("/")[1]) <= 24, {
    error: "expected an IPv4 block from /16 to /24: AWS takes VPCs from /16 to /28, and the subnets are 4 bits longer",
  }),
);

/** A list in which no entry appears twice (AWS refuses duplicate rules and duplicate subnets). */
function distinct<T extends z.core.$ZodType>(item: T, what: string) {
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
const secretRefSchema = z.pipe(
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
function uniqueNames(kind: string, fold: (name: string) => string = (name) => name) {
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

// ---------------------------------------------------------------------------------------------------------
// proxy

const proxySchema = z.strictObject({
  image: z._default(imageRef, IMAGES.litellm),
  port: z._default(port, PROXY.port),
  /** Worker processes per instance (`--num_workers`). Default: 1 on Docker, the task's vCPUs on AWS. */
  workers: z.optional(integer(1, 64)),
  logLevel: z._default(z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]), "INFO"),
  /** true: every request needs the master key or a virtual key. Only a dev stack on Docker may turn it off. */
  auth: z._default(z.boolean(), true),
  /** Bring an existing master key (must start with sk-); generated when absent. */
  masterKey: z.optional(secretRefSchema),
  /** Bring the salt key of an existing database; generated when absent. Never change it once set. */
  saltKey: z.optional(secretRefSchema),
  jsonLogs: z._default(z.boolean(), false),
  requestTimeoutSeconds: z._default(integer(1, 6000), 600),
  numRetries: z._default(integer(0, 10), 2),
  /**
   * Failures a deployment may have in a minute before the router stops calling it (router_settings.allowed_fails).
   * 0: the first failure cools it down, so the same call's retry goes to another deployment of its name.
   */
  allowedFails: z._default(integer(0, 100), 0),
  /** How long the router leaves a failing deployment out (router_settings.cooldown_time). */
  cooldownSeconds: z._default(integer(1, 3600), 30),
  dropParams: z._default(z.boolean(), true),
  routingStrategy: z._default(
    z.enum(["simple-shuffle", "least-busy", "usage-based-routing-v2", "latency-based-routing"]),
    "simple-shuffle",
  ),
  storeModelInDb: z._default(z.boolean(), false),
  spendLogs: z._default(z.boolean(), true),
  batchWriteIntervalSeconds: z._default(integer(1, 3600), 60),
  allowRequestsOnDbUnavailable: z._default(z.boolean(), false),
  maxRequestsBeforeRestart: z.optional(integer(1, 1_000_000)),
});

// ---------------------------------------------------------------------------------------------------------
// models

/** Keys of litellm_params that the model entry sets itself, or that would carry a credential. */
const SET_BY_MODEL_ENTRY =
  /^(model|aws_region_name|aws_role_name|aws_session_name|aws_profile_name|aws_bedrock_runtime_endpoint)$/i;

const modelName = matching(
  /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/,
  "expected a model name of letters, digits and . _ : / -",
).check(
  // LiteLLM replaces os.environ/ in every string of model_list: a name could publish an environment variable.
  z.refine((name) => !name.startsWith(OS_ENVIRON), {
    error: `must not start with "${OS_ENVIRON}": the proxy would replace it with the value of an environment variable`,
  }),
);

const modelSchema = z.strictObject({
  /** Unique id of this deployment; also the name clients ask for unless `group` is set. */
  name: modelName,
  /** Several deployments with one group share traffic under that name (LiteLLM load balancing). */
  group: z.optional(modelName),
  bedrockModelId: z.string().check((ctx) => {
    const id = ctx.value;
    if (id.startsWith("bedrock/")) {
      ctx.issues.push({
        code: "custom",
        input: id,
        message: 'expected the Bedrock model id without the "bedrock/" prefix',
      });
    } else if (!/^[a-z0-9-]+\.[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(splitModelId(id).foundationModel)) {
      ctx.issues.push({
        code: "custom",
        input: id,
        message: 'expected a Bedrock model or inference profile id such as "us.anthropic.claude-sonnet-5-5"',
      });
    }
  }),
  region,
  /** Assume this role for the model's calls (aws_role_name); the task role or the dev profile is used otherwise. */
  roleArn: z.optional(
    matching(/^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, "expected an IAM role ARN"),
  ),
  sessionName: z.optional(matching(/^[\w+=,.@-]{2,64}$/, "expected a role session name of 2 to 64 characters")),
  rpm: z.optional(integer(1, 10_000_000)),
  tpm: z.optional(integer(1, 1_000_000_000)),
  /**
   * The day `litellm-mcp models` found this id offered in its region, for an id newer than the model catalog
   * (config/bedrock-catalog.json): validation then accepts an id the catalog does not list there.
   */
  checkedWithBedrock: z.optional(
    matching(/^\d{4}-\d{2}-\d{2}$/, 'expected the day litellm-mcp models answered for it, such as "2026-12-01"'),
  ),
  /** Further litellm_params (max_tokens, temperature, ...). Credentials are refused here. */
  params: z._default(
    z.record(
      z.string().check(
        z.refine((key) => !SET_BY_MODEL_ENTRY.test(key) && !CREDENTIAL_KEY.test(key), {
          error: "is set by the model entry itself or would hold a credential: use the model's own keys",
        }),
      ),
      z.union([yamlText(1000), z.number(), z.boolean()]),
    ),
    {},
  ),
});

// ---------------------------------------------------------------------------------------------------------
// MCP servers

const buildSchema = z
  .strictObject({
    /** An npm package at an exact version, installed into a Node image: "@upstash/context7-mcp@4.1.1". */
    npm: z.optional(
      matching(
        /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*@\d+\.\d+\.\d+(?:[-+][\w.-]+)?$/,
        'expected an npm package at an exact version, such as "@upstash/context7-mcp@4.1.1"',
      ),
    ),
    /** PyPI packages at exact versions, installed into a Python image. */
    pip: z.optional(
      z
        .array(
          matching(
            /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[\w,.-]+\])?==[0-9][\w.+!-]*$/,
            'expected a PyPI package at an exact version, such as "awslabs.aws-documentation-mcp-server==1.1.30"',
          ),
        )
        .check(z.minLength(1, { error: "expected at least one package" })),
    ),
    /** The image the package is installed into; a Node or Python image by default. */
    baseImage: z.optional(imageRef),
  })
  .check(
    z.refine((build) => (build.npm === undefined) !== (build.pip === undefined), {
      error: 'expected exactly one of "npm" or "pip"',
    }),
  );

const mcpServerFields = z.strictObject({
  /**
   * The server's name in the gateway: letters, digits and _ (LiteLLM reserves "-" as its tool prefix separator),
   * at most 24 characters so that the AWS names derived from it stay within AWS's limits.
   */
  name: matching(
    /^[A-Za-z][A-Za-z0-9_]{0,23}$/,
    "expected a server name of up to 24 letters, digits and _, starting with a letter",
  ),
  /** http: the image speaks Streamable HTTP itself. stdio: it runs behind a bridge in the same container. */
  transport: z.enum(["http", "stdio"]),
  description: z.optional(yamlText(500)),
  /** A ready image. For stdio it must contain the bridge (mcp-proxy) as well as the server's command. */
  image: z.optional(imageRef),
  /** Or: build an image from a pinned package (stdio servers get the bridge installed too). */
  build: z.optional(buildSchema),
  /** http: the command to run (required with build). stdio: the server's stdio command, run by the bridge. */
  command: z.optional(
    z.array(z.string().check(z.minLength(1))).check(z.minLength(1, { error: "expected at least one word" })),
  ),
  port: z._default(port, MCP_DEFAULTS.port),
  path: z._default(urlPath, MCP_DEFAULTS.path),
  /** HTTP path answered with 200 when the server is up; stdio servers use the bridge's. */
  healthPath: z.optional(urlPath),
  environment: z._default(
    z.record(envName, z.string()).check((ctx) => {
      for (const [name, value] of Object.entries(ctx.value)) {
        if (CREDENTIAL_KEY.test(name) || CREDENTIAL_TEXT.test(value)) {
          ctx.issues.push({
            code: "custom",
            input: value,
            path: [name],
            params: { credential: true },
            message: 'holds a credential in plain text: move it to secrets as a reference, e.g. {config: "myApiKey"}',
          });
        }
      }
    }),
    {},
  ),
  /** Environment variables of the server's container whose values are secrets. */
  secrets: z._default(z.record(envName, secretRefSchema), {}),
  /** How the proxy authenticates to the server; the credential reaches the proxy as an environment variable. */
  auth: z.optional(
    z.strictObject({
      type: z.enum(["bearer_token", "api_key", "basic", "authorization"]),
      secret: secretRefSchema,
    }),
  ),
  allowedTools: z.optional(z.array(matching(/^[A-Za-z0-9_.-]{1,128}$/, "expected a tool name")).check(z.minLength(1))),
  /** ECS task size and count on AWS (CPU units and MiB); the memory limit on Docker. */
  cpu: z._default(z.int(), 256),
  memory: z._default(integer(6, 131072), 512),
  replicas: z._default(integer(1, 10), 1),
});

function mcpServerRules(server: z.output<typeof mcpServerFields>, ctx: z.core.$RefinementCtx): void {
  if ((server.image === undefined) === (server.build === undefined)) {
    ctx.addIssue({ code: "custom", path: ["image"], message: 'expected exactly one of "image" or "build"' });
  }
  if (server.command === undefined && (server.transport === "stdio" || server.build !== undefined)) {
    ctx.addIssue({
      code: "custom",
      path: ["command"],
      message:
        server.transport === "stdio"
          ? 'expected the stdio command the bridge runs, such as ["awslabs.aws-documentation-mcp-server"]'
          : "expected the command that starts the built server",
    });
  }
  if (server.transport === "http" && server.healthPath === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["healthPath"],
      message: 'expected the HTTP path that answers 200 when the server is up, such as "/ping"',
    });
  }
  if (server.transport === "stdio" && server.path !== MCP_DEFAULTS.path) {
    ctx.addIssue({
      code: "custom",
      path: ["path"],
      message: `expected "${MCP_DEFAULTS.path}": the bridge serves Streamable HTTP there`,
    });
  }
  if (server.transport === "stdio" && server.healthPath !== undefined && server.healthPath !== BRIDGE.healthPath) {
    ctx.addIssue({
      code: "custom",
      path: ["healthPath"],
      message: `expected "${BRIDGE.healthPath}" (the bridge's) or nothing`,
    });
  }
  const portFlag = server.transport === "http" ? (server.command?.indexOf("--port") ?? -1) : -1;
  if (portFlag >= 0 && server.command?.[portFlag + 1] !== String(server.port)) {
    ctx.addIssue({
      code: "custom",
      path: ["command", portFlag + 1],
      message: `expected the same port as "port" (${server.port})`,
    });
  }
  for (const name of Object.keys(server.secrets)) {
    if (name in server.environment) {
      ctx.addIssue({
        code: "custom",
        path: ["secrets", name],
        message: "is also set in environment: keep it in one of the two",
      });
    }
  }
}

const mcpServerSchema = z.pipe(
  mcpServerFields.check(z.superRefine(mcpServerRules)),
  z.transform((server) => ({ ...server, healthPath: server.healthPath ?? BRIDGE.healthPath })),
);

// ---------------------------------------------------------------------------------------------------------
// database and cache

/** A Postgres identifier RDS for PostgreSQL accepts as the database's or the master user's name. */
function postgresName(what: "database" | "user") {
  return checked(
    (name) => reservedNameProblem(name, what),
    matching(/^[a-z][a-z0-9_]{0,62}$/, `expected a ${what} name of lower-case letters, digits and _`),
  );
}

const databaseSchema = z.strictObject({
  name: z._default(postgresName("database"), "litellm"),
  username: z._default(postgresName("user"), "litellm"),
  /** Postgres max_connections; the proxy's connection pool is sized from it. */
  maxConnections: z._default(integer(20, 5000), 100),
});

const cacheSchema = z.strictObject({
  /** Cache model responses (litellm_settings.cache). */
  responses: z._default(z.boolean(), false),
  ttlSeconds: z._default(integer(1, 604800), 600),
  /** auto: a Redis exists when more than one proxy instance can run. */
  redis: z._default(z.enum(["auto", "always", "never"]), "auto"),
});

// ---------------------------------------------------------------------------------------------------------
// tracing

const tracingSchema = z.strictObject({
  /** LiteLLM's OpenTelemetry callback, to a collector the stack runs. Default: on in prod, off elsewhere. */
  enabled: z.optional(z.boolean()),
  /** The collector: AWS Distro for OpenTelemetry exporting to X-Ray on AWS; the OpenTelemetry Collector in dev. */
  collectorImage: z.optional(imageRef),
});

// ---------------------------------------------------------------------------------------------------------
// spend

/** LiteLLM's budget durations: seconds, minutes, hours, days or months. */
const budgetDuration = matching(/^[1-9]\d{0,3}(s|m|h|d|mo)$/, 'expected a duration such as "30d", "12h" or "1mo"');
const usd = z
  .number({ error: "expected an amount in US dollars" })
  .check(
    z.positive({ error: "expected an amount above 0" }),
    z.lte(10_000_000, { error: "expected at most 10000000" }),
  );

const spendSchema = z
  .strictObject({
    /** What the whole proxy may spend per budgetDuration; LiteLLM refuses calls beyond it (litellm_settings.max_budget). */
    maxBudgetUsd: z.optional(usd),
    budgetDuration: z.optional(budgetDuration),
    /** What a new virtual key may spend per keyBudgetDuration unless it is given its own (default_key_generate_params). */
    keyMaxBudgetUsd: z.optional(usd),
    keyBudgetDuration: z.optional(budgetDuration),
    /** aws: an AWS Budget on the stack's tags, alerting the alarm topic at 80% actual and 100% forecast. */
    awsMonthlyBudgetUsd: z.optional(usd),
  })
  .check(
    z.superRefine((spend, ctx) => {
      if (spend.budgetDuration !== undefined && spend.maxBudgetUsd === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["budgetDuration"],
          message: "needs maxBudgetUsd: a duration resets a budget",
        });
      }
      if (spend.keyBudgetDuration !== undefined && spend.keyMaxBudgetUsd === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["keyBudgetDuration"],
          message: "needs keyMaxBudgetUsd: a duration resets a budget",
        });
      }
    }),
  );

// ---------------------------------------------------------------------------------------------------------
// docker target

const dockerSchema = z.strictObject({
  /** Host address the proxy is published on. Anything but loopback exposes it to the network. */
  bindAddress: z._default(
    z.string().check(z.refine((ip) => isIP(ip) !== 0, { error: 'expected an IP address such as "127.0.0.1"' })),
    "127.0.0.1",
  ),
  hostPort: z._default(port, PROXY.port),
  postgresImage: z._default(imageRef, IMAGES.postgres),
  /** Publish Postgres on 127.0.0.1 at this port (for psql); not published by default. */
  postgresHostPort: z.optional(port),
  redisImage: z._default(imageRef, IMAGES.redis),
  /** Keep the Postgres volume when the stack is destroyed. */
  retainVolume: z._default(z.boolean(), true),
  restartPolicy: z._default(z.enum(["no", "on-failure", "always", "unless-stopped"]), "unless-stopped"),
  /** Bedrock from a laptop: the host's AWS profile mounted read-only, or keys from secret config. */
  awsCredentials: z.prefault(
    z
      .strictObject({
        profile: z._default(matching(/^[\w+=,.@-]{1,64}$/, "expected an AWS profile name"), "default"),
        /** AWS_REGION of the proxy, for AWS calls that name no region of their own. */
        region: z._default(region, "us-east-1"),
        /** Absolute, or under the home directory of the user running Pulumi (~/...): Docker mounts absolute paths only. */
        directory: z._default(
          matching(/^(~|~\/.*|\/.*)$/, 'expected an absolute path or one under ~/, such as "~/.aws"'),
          "~/.aws",
        ),
        /**
         * What of the directory the proxy sees. sso: the profiles' config (read-only) and the SSO token cache, which
         * token refresh writes; no static keys. credentials: config and credentials, read-only, for a profile with
         * static keys. directory: all of it, read-only.
         */
        mount: z._default(z.enum(["sso", "credentials", "directory"]), "sso"),
        accessKeyId: z.optional(secretRefSchema),
        secretAccessKey: z.optional(secretRefSchema),
        sessionToken: z.optional(secretRefSchema),
      })
      .check(
        z.refine((c) => (c.accessKeyId === undefined) === (c.secretAccessKey === undefined), {
          error: "expected both accessKeyId and secretAccessKey, or neither (then the profile is used)",
        }),
        z.refine((c) => c.sessionToken === undefined || c.accessKeyId !== undefined, {
          error: "sessionToken needs accessKeyId and secretAccessKey",
        }),
      ),
    {},
  ),
});

// ---------------------------------------------------------------------------------------------------------
// aws target

const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const subnetIds = distinct(matching(/^subnet-[0-9a-f]{8,17}$/, "expected a subnet id"), "subnet").check(
  z.minLength(2, { error: "expected subnets in at least 2 availability zones" }),
);

const awsSchema = z.strictObject({
  network: z.prefault(
    z.strictObject({
      vpcCidr: z._default(vpcCidr, "10.40.0.0/16"),
      availabilityZones: z._default(integer(2, 6), 2),
      /**
       * Interface endpoints for Bedrock Runtime, Secrets Manager, STS, ECR and CloudWatch Logs in the private subnets,
       * so those calls skip the NAT gateways (hourly per endpoint and zone; see the README's cost table).
       */
      interfaceEndpoints: z._default(z.boolean(), false),
      /** single: one NAT gateway for the VPC; perAz: one per availability zone. Default: perAz in prod. */
      natGateways: z.optional(z.enum(["single", "perAz"])),
      /** Use an existing VPC instead of creating one. */
      existing: z.optional(
        z.strictObject({
          vpcId: matching(/^vpc-[0-9a-f]{8,17}$/, 'expected a VPC id such as "vpc-0abc12345def67890"'),
          publicSubnetIds: subnetIds,
          privateSubnetIds: subnetIds,
        }),
      ),
    }),
    {},
  ),
  service: z.prefault(
    z.strictObject({
      cpu: z._default(z.int(), 2048),
      memory: z._default(z.int(), 4096),
      minCount: z._default(integer(1, 100), 2),
      maxCount: z._default(integer(1, 100), 4),
      /** Tasks at deployment; minCount when absent. Autoscaling moves it between minCount and maxCount. */
      desiredCount: z.optional(integer(1, 100)),
      cpuTargetPercent: z._default(integer(10, 90), 60),
      requestsPerTarget: z._default(integer(1, 100_000), 500),
      healthCheckGracePeriodSeconds: z._default(integer(0, 7200), 180),
    }),
    {},
  ),
  loadBalancer: z.prefault(
    z.strictObject({
      /** ACM certificate for the HTTPS listener; required in prod. */
      certificateArn: z.optional(
        matching(
          /^arn:aws(?:-cn|-us-gov)?:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/,
          "expected an ACM certificate ARN",
        ),
      ),
      /**
       * The DNS name clients use, which the certificate covers, pointed (CNAME or Route 53 alias) at the load
       * balancer's own name (the loadBalancerDnsName output): the stack's URLs use it. Required with certificateArn.
       */
      domainName: z.optional(
        matching(
          /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/,
          'expected a DNS name in lower case, such as "llm.example.com"',
        ),
      ),
      ingressCidrs: z._default(
        distinct(cidr, "CIDR block").check(z.minLength(1, { error: "expected at least one CIDR block" })),
        ["0.0.0.0/0"],
      ),
      /**
       * Who may reach LiteLLM's admin API and UI (config/constants.ts ADMIN_PATH_PATTERNS); the load balancer answers
       * everyone else 403 there. Unset: whoever reaches the load balancer. Required in prod.
       */
      adminCidrs: z.optional(
        distinct(cidr, "CIDR block").check(z.minLength(1, { error: "expected at least one CIDR block" })),
      ),
      /** Serve plain HTTP to the whole internet, keys in clear text. Refused unless set. */
      allowPlainHttpFromAnywhere: z._default(z.boolean(), false),
      /** An AWS WAF web ACL on the load balancer: AWS managed rules and a per-client rate limit. */
      waf: z.optional(
        z.strictObject({
          /** Requests one client IP may send in any 5 minutes before WAF blocks it (AWS takes 10 to 2,000,000,000). */
          requestsPerFiveMinutes: z._default(integer(10, 2_000_000_000), 3000),
        }),
      ),
      /** Long enough for streamed completions. */
      idleTimeoutSeconds: z._default(integer(300, 4000), 600),
      internal: z._default(z.boolean(), false),
    }),
    {},
  ),
  database: z.prefault(
    z.strictObject({
      instanceClass: z._default(checked(rdsInstanceClassProblem), "db.t4g.medium"),
      allocatedStorageGb: z._default(integer(20, 65536), 20),
      maxAllocatedStorageGb: z._default(integer(20, 65536), 100),
      /** Defaults: true in prod. */
      multiAz: z.optional(z.boolean()),
      deletionProtection: z.optional(z.boolean()),
      finalSnapshot: z.optional(z.boolean()),
      /** Defaults: 7 in prod, 1 elsewhere. */
      backupRetentionDays: z.optional(integer(0, 35)),
      performanceInsights: z._default(z.boolean(), false),
      /**
       * The manual snapshot the database is restored from (`litellm-mcp rollback --restore-snapshot` sets it).
       * Setting or changing it replaces the database with one restored from that snapshot; taking it out changes nothing.
       */
      restoreSnapshot: z.optional(
        matching(
          /^[a-zA-Z](?:-?[a-zA-Z0-9])*$/,
          "expected an RDS snapshot identifier (letters, digits and single hyphens, a letter first)",
        ),
      ),
    }),
    {},
  ),
  cache: z.prefault(
    z.strictObject({
      engine: z._default(z.enum(["valkey", "redis"]), "valkey"),
      nodeType: z._default(checked(cacheNodeTypeProblem), "cache.t4g.small"),
      /** Replicas besides the primary; at least 1 gives automatic failover. */
      replicas: z._default(integer(0, 5), 1),
    }),
    {},
  ),
  secrets: z.prefault(
    z.strictObject({
      /** Days a deleted secret can be restored; 0 deletes at once (test stacks only). */
      recoveryWindowDays: z._default(
        z.int().check(
          z.refine((days) => days === 0 || (days >= 7 && days <= 30), {
            error: "expected 0 or a number of days from 7 to 30",
          }),
        ),
        7,
      ),
    }),
    {},
  ),
  logs: z.prefault(
    z.strictObject({
      retentionDays: z._default(
        z.int().check(
          z.refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
            error: `expected a CloudWatch retention period (${LOG_RETENTION_DAYS.join(", ")})`,
          }),
        ),
        30,
      ),
      /** Days the load balancer's access logs are kept in their bucket. */
      accessLogDays: z._default(integer(1, 3650), 90),
    }),
    {},
  ),
  /**
   * Where `litellm-mcp smoke` checks the gateway after a deploy. vpc: a one-off ECS task in the private subnets,
   * from the proxy's own image, through the load balancer (the deploying machine need not reach it: an internal
   * load balancer, or ingressCidrs without it). runner: from the machine that runs the command.
   */
  smoke: z.prefault(z.strictObject({ from: z._default(z.enum(["vpc", "runner"]), "vpc") }), {}),
  alarms: z.prefault(
    z.strictObject({
      /** Subscribed to the alarm topic. */
      emails: z._default(z.array(z.email({ error: "expected an email address" })), []),
    }),
    {},
  ),
});

// ---------------------------------------------------------------------------------------------------------
// LiteLLM's own settings, beyond the modelled ones (config/litellmSettings.ts)

const settingsSection = z.optional(z.record(z.string(), z.unknown()));

function settingSecrets(block: Partial<Record<Section, Record<string, unknown>>>, ctx: z.core.$RefinementCtx): void {
  for (const section of SECTIONS) {
    for (const [key, value] of Object.entries(block[section] ?? {})) {
      if (!isSecretReference(value)) continue;
      const parsed = secretRefSchema.safeParse(value.secret);
      if (!parsed.success) {
        for (const inner of parsed.error.issues)
          ctx.addIssue({ code: "custom", path: [section, key, "secret", ...inner.path], message: inner.message });
      }
    }
  }
}

type ExtraSetting = SettingValue | { readonly secret: SecretRef };
export type ExtraSettings = Partial<Record<Section, Readonly<Record<string, ExtraSetting>>>>;

const litellmSchema = z.pipe(
  z
    .strictObject({
      litellm_settings: settingsSection,
      general_settings: settingsSection,
      router_settings: settingsSection,
    })
    .check(z.superRefine(checkSettings), z.superRefine(settingSecrets)),
  z.transform((block): ExtraSettings => {
    const typed: ExtraSettings = {};
    for (const section of SECTIONS) {
      const values = block[section];
      if (values === undefined) continue;
      typed[section] = Object.fromEntries(
        Object.entries(values).map(([key, value]) => [
          key,
          isSecretReference(value) ? { secret: secretRefSchema.parse(value.secret) } : (value as SettingValue),
        ]),
      );
    }
    return typed;
  }),
);

// ---------------------------------------------------------------------------------------------------------
// The whole stack config

/** Top-level keys of the stack config (each is `litellm-mcp:<key>` in the stack file). */
export const baseSchema = z.strictObject({
  target: z.enum(["docker", "aws"], { error: 'expected "docker" or "aws"' }),
  stage: z.enum(["dev", "test", "prod"], { error: 'expected "dev", "test" or "prod"' }),
  proxy: z.prefault(proxySchema, {}),
  models: z
    .array(modelSchema)
    .check(z.minLength(1, { error: "expected at least one model" }), z.superRefine(uniqueNames("model"))),
  mcpServers: z._default(
    z.array(mcpServerSchema).check(z.superRefine(uniqueNames("MCP server", (name) => name.toLowerCase()))),
    [],
  ),
  database: z.prefault(databaseSchema, {}),
  cache: z.prefault(cacheSchema, {}),
  spend: z.prefault(spendSchema, {}),
  tracing: z.prefault(tracingSchema, {}),
  docker: z.prefault(dockerSchema, {}),
  aws: z.prefault(awsSchema, {}),
  /** LiteLLM settings the schema does not model, checked against what the pinned LiteLLM reads. */
  litellm: z.prefault(litellmSchema, {}),
});

type ParsedConfig = z.output<typeof baseSchema>;
type Path = (string | number)[];

/** Every secret reference in a config, with its key path. */
export function secretRefsOf(
  config: Pick<ParsedConfig, "proxy" | "mcpServers" | "docker" | "litellm">,
): { path: Path; ref: SecretRef }[] {
  const found: { path: Path; ref: SecretRef }[] = [];
  const add = (path: Path, ref: SecretRef | undefined) => ref && found.push({ path, ref });
  add(["proxy", "masterKey"], config.proxy.masterKey);
  add(["proxy", "saltKey"], config.proxy.saltKey);
  config.mcpServers.forEach((server, index) => {
    add(["mcpServers", index, "auth", "secret"], server.auth?.secret);
    for (const [name, ref] of Object.entries(server.secrets)) add(["mcpServers", index, "secrets", name], ref);
  });
  const credentials = config.docker.awsCredentials;
  add(["docker", "awsCredentials", "accessKeyId"], credentials.accessKeyId);
  add(["docker", "awsCredentials", "secretAccessKey"], credentials.secretAccessKey);
  add(["docker", "awsCredentials", "sessionToken"], credentials.sessionToken);
  for (const section of SECTIONS) {
    for (const [key, value] of Object.entries(config.litellm[section] ?? {})) {
      if (isSecretReference(value)) add(["litellm", section, key, "secret"], value.secret as SecretRef);
    }
  }
  return found;
}

function defaultWorkers(config: ParsedConfig): number {
  return config.proxy.workers ?? (config.target === "aws" ? Math.max(1, Math.floor(config.aws.service.cpu / 1024)) : 1);
}

function crossKeyRules(config: ParsedConfig, ctx: z.core.$RefinementCtx): void {
  const issue = (path: Path, message: string) => ctx.addIssue({ code: "custom", path, message });
  const aws = config.target === "aws";
  const prod = config.stage === "prod";

  if (prod && !aws) issue(["target"], 'expected "aws": a prod stage runs on AWS');
  if (!config.proxy.auth) {
    if (aws || config.stage !== "dev")
      issue(["proxy", "auth"], "expected true: only a dev stack on the docker target may turn auth off");
    else if (!LOOPBACK.includes(config.docker.bindAddress)) {
      issue(
        ["proxy", "auth"],
        `expected true while docker.bindAddress is ${config.docker.bindAddress}: without auth the proxy must stay on loopback`,
      );
    }
  }

  if (aws || config.stage !== "dev") {
    const images: [Path, string | undefined][] = [
      [["proxy", "image"], config.proxy.image],
      ...config.mcpServers.flatMap((server, index): [Path, string | undefined][] => [
        [["mcpServers", index, "image"], server.image],
        [["mcpServers", index, "build", "baseImage"], server.build?.baseImage],
      ]),
    ];
    for (const [path, image] of images) {
      const problem = image === undefined ? undefined : pinningProblem(image);
      if (problem) {
        issue(
          path,
          `expected an image pinned to a version tag or a digest outside a dev stack on docker, got ${quote(image)}, which ${problem}`,
        );
      }
    }
  }

  for (const { path, ref } of secretRefsOf(config)) {
    if ("secretsManager" in ref && !aws)
      issue([...path, "secretsManager"], 'expected "config": Secrets Manager references need the aws target');
    if ("config" in ref && ref.config in baseSchema.shape) {
      issue(
        [...path, "config"],
        `expected the name of a secret config key, not the stack config key ${quote(ref.config)}`,
      );
    }
  }
  const credentials = config.docker.awsCredentials;
  if (aws && credentials.accessKeyId !== undefined) {
    issue(
      ["docker", "awsCredentials", "accessKeyId"],
      "is for the docker target only: on AWS the task role reaches Bedrock",
    );
  }

  if (!aws && config.spend.awsMonthlyBudgetUsd !== undefined) {
    issue(["spend", "awsMonthlyBudgetUsd"], "is for the aws target only: an AWS Budget watches the stack's AWS costs");
  }
  if (
    !aws &&
    config.docker.postgresHostPort !== undefined &&
    config.docker.postgresHostPort === config.docker.hostPort
  ) {
    issue(
      ["docker", "postgresHostPort"],
      `expected another port than docker.hostPort (${config.docker.hostPort}): both are published on the host`,
    );
  }
  if (aws) awsRules(config, issue);

  config.models.forEach((model, index) => {
    // A region that is not one has its own message already.
    const problem = region.safeParse(model.region).success
      ? geographyProblem(model.bedrockModelId, model.region)
      : undefined;
    if (problem) issue(["models", index, "bedrockModelId"], problem);
  });

  // One name, one model version: a client calling a name gets the same model whichever deployment answers.
  const modelOfName = new Map<string, string>();
  config.models.forEach((model, index) => {
    const name = model.group ?? model.name;
    const foundation = splitModelId(model.bedrockModelId).foundationModel;
    const first = modelOfName.get(name);
    if (first === undefined) modelOfName.set(name, foundation);
    else if (first !== foundation) {
      issue(
        ["models", index, "bedrockModelId"],
        `expected ${quote(first)}, the model of the other deployments of ${quote(name)}: one name serves one model version, got ${quote(foundation)}`,
      );
    }
  });

  // A call to a name served by several deployments moves to another deployment only on a retry.
  const served = new Map<string, number>();
  for (const model of config.models)
    served.set(model.group ?? model.name, (served.get(model.group ?? model.name) ?? 0) + 1);
  const shared = [...served].find(([, count]) => count > 1);
  if (shared && config.proxy.numRetries < 1) {
    issue(
      ["proxy", "numRetries"],
      `expected at least 1: ${quote(shared[0])} is served by ${shared[1]} deployments, and a failed call reaches another one only on a retry`,
    );
  }

  const workers = defaultWorkers(config);
  const instances = maxConnectedProxyInstances(config);
  const configured = readsConfigFile(config);
  if (
    workerPoolLimit(configured, config.database.maxConnections, instances, workers, RESERVED_DB_CONNECTIONS) ===
    undefined
  ) {
    const during = aws
      ? ` (maxCount ${config.aws.service.maxCount} at ${DEPLOYMENT_MAXIMUM_PERCENT}% during a rolling deployment)`
      : "";
    const each = configured ? 1 : LITELLM_DEFAULT_POOL_LIMIT;
    const need = configured
      ? "each need a connection"
      : `each open LiteLLM's own pool of ${LITELLM_DEFAULT_POOL_LIMIT} connections (the proxy reads config.yaml from S3, so its CLI applies no pool setting)`;
    issue(
      ["database", "maxConnections"],
      `expected at least ${RESERVED_DB_CONNECTIONS + instances * workers * each}: ${instances} proxy instance(s)${during} x ${workers} worker(s) ${need}, and ${RESERVED_DB_CONNECTIONS} stay reserved`,
    );
  }
}

/** The longest deregistration delay a target group takes (Elastic Load Balancing). */
const MAX_DRAIN_SECONDS = 3600;

function awsRules(config: ParsedConfig, issue: (path: Path, message: string) => void): void {
  const { service, database, loadBalancer, secrets } = config.aws;
  const prod = config.stage === "prod";

  if (config.proxy.requestTimeoutSeconds > MAX_DRAIN_SECONDS) {
    issue(
      ["proxy", "requestTimeoutSeconds"],
      `expected at most ${MAX_DRAIN_SECONDS} on aws: the load balancer drains a task for at most ${MAX_DRAIN_SECONDS} s (deregistration delay) before ECS stops it, so a longer request would be cut at every deployment`,
    );
  }
  const serviceSize = fargateSizeProblem(service.cpu, service.memory);
  if (serviceSize) issue(["aws", "service", FARGATE_CPU_SIZES.includes(service.cpu) ? "memory" : "cpu"], serviceSize);
  config.mcpServers.forEach((server, index) => {
    const size = fargateSizeProblem(server.cpu, server.memory);
    if (size) issue(["mcpServers", index, FARGATE_CPU_SIZES.includes(server.cpu) ? "memory" : "cpu"], size);
  });
  if (service.minCount > service.maxCount)
    issue(["aws", "service", "maxCount"], `expected at least minCount (${service.minCount})`);
  if (
    service.desiredCount !== undefined &&
    (service.desiredCount < service.minCount || service.desiredCount > service.maxCount)
  ) {
    issue(
      ["aws", "service", "desiredCount"],
      `expected a count from minCount (${service.minCount}) to maxCount (${service.maxCount})`,
    );
  }
  if (config.cache.redis === "never" && service.maxCount > 1) {
    issue(
      ["cache", "redis"],
      `expected "auto" or "always": ${service.maxCount} proxy tasks share router state and cache through Redis`,
    );
  }
  if (config.aws.network.interfaceEndpoints && config.aws.network.existing !== undefined) {
    issue(
      ["aws", "network", "interfaceEndpoints"],
      "is for the VPC the stack creates: add interface endpoints to an existing VPC where it is managed",
    );
  }
  if (database.maxAllocatedStorageGb < database.allocatedStorageGb) {
    issue(
      ["aws", "database", "maxAllocatedStorageGb"],
      `expected at least allocatedStorageGb (${database.allocatedStorageGb})`,
    );
  }
  if (secrets.recoveryWindowDays === 0 && config.stage !== "test") {
    issue(
      ["aws", "secrets", "recoveryWindowDays"],
      "expected 7 to 30: only a test stage may delete secrets without a recovery window",
    );
  }
  const minBackups = prod ? 7 : 1;
  if (database.backupRetentionDays !== undefined && database.backupRetentionDays < minBackups) {
    issue(["aws", "database", "backupRetentionDays"], `expected at least ${minBackups} in a ${config.stage} stage`);
  }
  const open = loadBalancer.ingressCidrs.filter((block) => block === "0.0.0.0/0" || block === "::/0");
  if (
    loadBalancer.certificateArn === undefined &&
    !loadBalancer.internal &&
    open.length > 0 &&
    !loadBalancer.allowPlainHttpFromAnywhere
  ) {
    issue(
      ["aws", "loadBalancer", "ingressCidrs", loadBalancer.ingressCidrs.indexOf(open[0]!)],
      `expected your networks, or a certificate (certificateArn): plain HTTP from ${open[0]} carries the master key and virtual keys across the internet in clear text (allowPlainHttpFromAnywhere: true accepts that)`,
    );
  }
  if (loadBalancer.certificateArn !== undefined && loadBalancer.domainName === undefined) {
    issue(
      ["aws", "loadBalancer", "domainName"],
      "expected the DNS name the certificate covers: ACM does not issue certificates for the load balancer's own name, so HTTPS to it fails verification",
    );
  }
  if (prod) {
    if (loadBalancer.certificateArn === undefined) {
      issue(["aws", "loadBalancer", "certificateArn"], "expected an ACM certificate ARN: prod serves HTTPS only");
    }
    if (loadBalancer.adminCidrs === undefined && !loadBalancer.internal) {
      issue(
        ["aws", "loadBalancer", "adminCidrs"],
        "expected the networks that may reach LiteLLM's admin API and UI: prod keeps them off the internet",
      );
    }
    for (const key of ["multiAz", "deletionProtection", "finalSnapshot"] as const) {
      if (database[key] === false) issue(["aws", "database", key], "expected true (or unset) in prod");
    }
  }
}

/** Fills the defaults that depend on the target or the stage. */
function resolveDefaults(config: ParsedConfig) {
  const prod = config.stage === "prod";
  const { aws } = config;
  return {
    ...config,
    proxy: { ...config.proxy, workers: defaultWorkers(config) },
    tracing: {
      enabled: config.tracing.enabled ?? prod,
      collectorImage:
        config.tracing.collectorImage ?? (config.target === "aws" ? IMAGES.adotCollector : IMAGES.otelCollector),
    },
    aws: {
      ...aws,
      network: { ...aws.network, natGateways: aws.network.natGateways ?? (prod ? "perAz" : "single") },
      service: { ...aws.service, desiredCount: aws.service.desiredCount ?? aws.service.minCount },
      database: {
        ...aws.database,
        multiAz: aws.database.multiAz ?? prod,
        deletionProtection: aws.database.deletionProtection ?? prod,
        finalSnapshot: aws.database.finalSnapshot ?? prod,
        backupRetentionDays: aws.database.backupRetentionDays ?? (prod ? 7 : 1),
      },
    },
  };
}

export const stackConfigSchema = z.pipe(baseSchema.check(z.superRefine(crossKeyRules)), z.transform(resolveDefaults));

/** The validated stack config with every default applied. */
export type StackConfig = z.output<typeof stackConfigSchema>;
export type ModelConfig = StackConfig["models"][number];
export type McpServerConfig = StackConfig["mcpServers"][number];
export type Target = StackConfig["target"];
