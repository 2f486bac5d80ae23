/**
 * The stack config contract: the shape of every `litellm-mcp:` key in Pulumi.<stack>.yaml, its defaults and
 * the rules that tie keys together. The TypeScript type of the config is inferred from this schema.
 * Messages say what was expected; the loader adds the file, the key path and what was found.
 */
import { isIP } from "node:net";
import { z } from "zod";
import { BRIDGE, IMAGES, LOOPBACK, MCP_DEFAULTS, OS_ENVIRON, PROXY, RESERVED_DB_CONNECTIONS } from "./constants";
import { FARGATE_CPU_SIZES, fargateSizeProblem } from "./fargate";
import { parseImageRef, pinningProblem } from "./images";
import { connectionPoolLimit, maxProxyInstances } from "./topology";

// ---------------------------------------------------------------------------------------------------------
// Building blocks

function matching(pattern: RegExp, expected: string) {
  return z.string({ error: expected }).regex(pattern, { error: expected });
}

function integer(min: number, max: number, expected = `expected a whole number from ${min} to ${max}`) {
  return z.int({ error: expected }).min(min, { error: expected }).max(max, { error: expected });
}

const port = integer(1, 65535, "expected a port number from 1 to 65535");

/** Text that lands in config.yaml: LiteLLM would replace a value starting with os.environ/ by an env var. */
function yamlText(max: number) {
  return z
    .string()
    .max(max, { error: `expected at most ${max} characters` })
    .refine((text) => !text.trimStart().startsWith(OS_ENVIRON), {
      error: `must not start with "${OS_ENVIRON}": the proxy would replace it with the value of an environment variable`,
    });
}

const imageRef = z.string().refine((text) => parseImageRef(text) !== undefined, {
  error: 'expected an image reference such as "ghcr.io/berriai/litellm-database:v1.108.12"',
});

const region = matching(
  /^[a-z]{2}(?:-gov|-iso[a-z]?)?-(?:central|north|south|east|west|northeast|northwest|southeast|southwest)-\d{1,2}$/,
  'expected an AWS region such as "us-east-1"',
);

const envName = matching(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an environment variable name (letters, digits, _)");

const urlPath = matching(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/, 'expected a URL path starting with "/"');

function isCidr(text: string): boolean {
  const [address, prefix, ...rest] = text.split("/");
  const version = isIP(address ?? "");
  if (rest.length > 0 || version === 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}
const cidr = z.string().refine(isCidr, { error: 'expected a CIDR block such as "10.0.0.0/8"' });

/** Names of Pulumi config keys that hold a secret (`pulumi config set --secret <name> ...`). */
const CONFIG_KEY_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

const secretsManagerRef = matching(
  /^(?:arn:aws(?:-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+|[A-Za-z0-9/_+=.@-]{1,512})$/,
  "expected the name or ARN of a Secrets Manager secret",
);

/**
 * A secret is referenced, never inlined: by the name of a Pulumi secret config key of this project,
 * or (aws target) by an existing Secrets Manager secret.
 */
const secretRefSchema = z
  .strictObject({
    config: matching(CONFIG_KEY_NAME, "expected the name of a secret config key, such as \"context7ApiKey\"").optional(),
    secretsManager: secretsManagerRef.optional(),
  })
  .refine((ref) => (ref.config === undefined) !== (ref.secretsManager === undefined), {
    error:
      'expected exactly one of "config" (the name of a Pulumi secret config key) or "secretsManager" (an existing secret\'s name or ARN)',
  })
  .transform((ref): SecretRef => (ref.config !== undefined ? { config: ref.config } : { secretsManager: ref.secretsManager! }));

export type SecretRef = { readonly config: string } | { readonly secretsManager: string };

function uniqueNames(kind: string) {
  return (items: readonly { name: string }[], ctx: z.RefinementCtx) => {
    const first = new Map<string, number>();
    items.forEach((item, index) => {
      const seen = first.get(item.name);
      if (seen === undefined) first.set(item.name, index);
      else ctx.addIssue({ code: "custom", path: [index, "name"], message: `duplicate ${kind} name "${item.name}" (also at [${seen}])` });
    });
  };
}

// ---------------------------------------------------------------------------------------------------------
// proxy

const proxySchema = z.strictObject({
  image: imageRef.default(IMAGES.litellm),
  port: port.default(PROXY.port),
  /** Worker processes per instance (`--num_workers`). Default: 1 on Docker, the task's vCPUs on AWS. */
  workers: integer(1, 64).optional(),
  logLevel: z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]).default("INFO"),
  /** true: every request needs the master key or a virtual key. Only a dev stack on Docker may turn it off. */
  auth: z.boolean().default(true),
  /** Bring an existing master key (must start with sk-); generated when absent. */
  masterKey: secretRefSchema.optional(),
  /** Bring the salt key of an existing database; generated when absent. Never change it once set. */
  saltKey: secretRefSchema.optional(),
  jsonLogs: z.boolean().default(false),
  requestTimeoutSeconds: integer(1, 6000).default(600),
  numRetries: integer(0, 10).default(2),
  dropParams: z.boolean().default(true),
  routingStrategy: z
    .enum(["simple-shuffle", "least-busy", "usage-based-routing-v2", "latency-based-routing"])
    .default("simple-shuffle"),
  storeModelInDb: z.boolean().default(false),
  spendLogs: z.boolean().default(true),
  batchWriteIntervalSeconds: integer(1, 3600).default(60),
  allowRequestsOnDbUnavailable: z.boolean().default(false),
  maxRequestsBeforeRestart: integer(1, 1_000_000).optional(),
});

// ---------------------------------------------------------------------------------------------------------
// models

/** Keys of litellm_params that the model entry sets itself, or that would carry a credential. */
const RESERVED_PARAM = /^(model|aws_region_name|aws_role_name|aws_session_name|aws_profile_name)$|(^|_)(key|secret|token|password|credentials?)($|_)/i;

const modelSchema = z.strictObject({
  /** Unique id of this deployment; also the name clients ask for unless `group` is set. */
  name: matching(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, "expected a model name of letters, digits and . _ : / -"),
  /** Several deployments with one group share traffic under that name (LiteLLM load balancing). */
  group: matching(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, "expected a model name of letters, digits and . _ : / -").optional(),
  bedrockModelId: z.string().check((ctx) => {
    const id = ctx.value;
    if (id.startsWith("bedrock/")) {
      ctx.issues.push({ code: "custom", input: id, message: 'expected the Bedrock model id without the "bedrock/" prefix' });
    } else if (!/^(?:(?:us|eu|apac|jp|au|ca|us-gov|global)\.)?[a-z0-9-]+\.[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(id)) {
      ctx.issues.push({
        code: "custom",
        input: id,
        message: 'expected a Bedrock model or inference profile id such as "anthropic.claude-3-5-sonnet-20240620-v1:0"',
      });
    }
  }),
  region,
  /** Assume this role for the model's calls (aws_role_name); the task role or the dev profile is used otherwise. */
  roleArn: matching(/^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, "expected an IAM role ARN").optional(),
  sessionName: matching(/^[\w+=,.@-]{2,64}$/, "expected a role session name of 2 to 64 characters").optional(),
  rpm: integer(1, 10_000_000).optional(),
  tpm: integer(1, 1_000_000_000).optional(),
  /** Further litellm_params (max_tokens, temperature, ...). Credentials are refused here. */
  params: z
    .record(
      z.string().refine((key) => !RESERVED_PARAM.test(key), {
        error: "is set by the model entry itself or would hold a credential: use the model's own keys",
      }),
      z.union([yamlText(1000), z.number(), z.boolean()]),
    )
    .default({}),
});

// ---------------------------------------------------------------------------------------------------------
// MCP servers

const buildSchema = z
  .strictObject({
    /** An npm package at an exact version, installed into a Node image: "@upstash/context7-mcp@4.1.1". */
    npm: matching(
      /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*@\d+\.\d+\.\d+(?:[-+][\w.-]+)?$/,
      'expected an npm package at an exact version, such as "@upstash/context7-mcp@4.1.1"',
    ).optional(),
    /** PyPI packages at exact versions, installed into a Python image. */
    pip: z
      .array(
        matching(
          /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[\w,.-]+\])?==[0-9][\w.+!-]*$/,
          'expected a PyPI package at an exact version, such as "awslabs.aws-documentation-mcp-server==1.1.30"',
        ),
      )
      .min(1, { error: "expected at least one package" })
      .optional(),
    /** The image the package is installed into; a Node or Python image by default. */
    baseImage: imageRef.optional(),
  })
  .refine((build) => (build.npm === undefined) !== (build.pip === undefined), {
    error: 'expected exactly one of "npm" or "pip"',
  });

const mcpServerSchema = z
  .strictObject({
    /**
     * The server's name in the gateway: letters, digits and _ (LiteLLM reserves "-" as its tool prefix separator),
     * at most 24 characters so that the AWS names derived from it stay within AWS's limits.
     */
    name: matching(/^[A-Za-z][A-Za-z0-9_]{0,23}$/, "expected a server name of up to 24 letters, digits and _, starting with a letter"),
    /** http: the image speaks Streamable HTTP itself. stdio: it runs behind a bridge in the same container. */
    transport: z.enum(["http", "stdio"]),
    description: yamlText(500).optional(),
    /** A ready image. For stdio it must contain the bridge (mcp-proxy) as well as the server's command. */
    image: imageRef.optional(),
    /** Or: build an image from a pinned package (stdio servers get the bridge installed too). */
    build: buildSchema.optional(),
    /** http: the command to run (required with build). stdio: the server's stdio command, run by the bridge. */
    command: z.array(z.string().min(1)).min(1, { error: "expected at least one word" }).optional(),
    port: port.default(MCP_DEFAULTS.port),
    path: urlPath.default(MCP_DEFAULTS.path),
    /** HTTP path answered with 200 when the server is up; stdio servers use the bridge's. */
    healthPath: urlPath.optional(),
    environment: z.record(envName, z.string()).default({}),
    /** Environment variables of the server's container whose values are secrets. */
    secrets: z.record(envName, secretRefSchema).default({}),
    /** How the proxy authenticates to the server; the credential reaches the proxy as an environment variable. */
    auth: z
      .strictObject({
        type: z.enum(["bearer_token", "api_key", "basic", "authorization"]),
        secret: secretRefSchema,
      })
      .optional(),
    allowedTools: z.array(matching(/^[A-Za-z0-9_.-]{1,128}$/, "expected a tool name")).min(1).optional(),
    /** ECS task size and count on AWS (CPU units and MiB); the memory limit on Docker. */
    cpu: z.int().default(256),
    memory: integer(6, 131072).default(512),
    replicas: integer(1, 10).default(1),
  })
  .superRefine((server, ctx) => {
    if ((server.image === undefined) === (server.build === undefined)) {
      ctx.addIssue({ code: "custom", path: ["image"], message: 'expected exactly one of "image" or "build"' });
    }
    if (server.command === undefined && (server.transport === "stdio" || server.build !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["command"],
        message:
          server.transport === "stdio"
            ? "expected the stdio command the bridge runs, such as [\"awslabs.aws-documentation-mcp-server\"]"
            : "expected the command that starts the built server",
      });
    }
    if (server.transport === "http" && server.healthPath === undefined) {
      ctx.addIssue({ code: "custom", path: ["healthPath"], message: 'expected the HTTP path that answers 200 when the server is up, such as "/ping"' });
    }
    if (server.transport === "stdio" && server.path !== MCP_DEFAULTS.path) {
      ctx.addIssue({ code: "custom", path: ["path"], message: `expected "${MCP_DEFAULTS.path}": the bridge serves Streamable HTTP there` });
    }
    if (server.transport === "stdio" && server.healthPath !== undefined && server.healthPath !== BRIDGE.healthPath) {
      ctx.addIssue({ code: "custom", path: ["healthPath"], message: `expected "${BRIDGE.healthPath}" (the bridge's) or nothing` });
    }
    const portFlag = server.transport === "http" ? server.command?.indexOf("--port") ?? -1 : -1;
    if (portFlag >= 0 && server.command?.[portFlag + 1] !== String(server.port)) {
      ctx.addIssue({
        code: "custom",
        path: ["command", portFlag + 1],
        message: `expected the same port as "port" (${server.port})`,
      });
    }
    for (const name of Object.keys(server.secrets)) {
      if (name in server.environment) {
        ctx.addIssue({ code: "custom", path: ["secrets", name], message: "is also set in environment: keep it in one of the two" });
      }
    }
  })
  .transform((server) => ({ ...server, healthPath: server.healthPath ?? BRIDGE.healthPath }));

// ---------------------------------------------------------------------------------------------------------
// database and cache

const databaseSchema = z.strictObject({
  name: matching(/^[a-z][a-z0-9_]{0,62}$/, "expected a database name of lower-case letters, digits and _").default("litellm"),
  username: matching(/^[a-z][a-z0-9_]{0,62}$/, "expected a user name of lower-case letters, digits and _").default("litellm"),
  /** Postgres max_connections; the proxy's connection pool is sized from it. */
  maxConnections: integer(20, 5000).default(100),
});

const cacheSchema = z.strictObject({
  /** Cache model responses (litellm_settings.cache). */
  responses: z.boolean().default(false),
  ttlSeconds: integer(1, 604800).default(600),
  /** auto: a Redis exists when more than one proxy instance can run. */
  redis: z.enum(["auto", "always", "never"]).default("auto"),
});

// ---------------------------------------------------------------------------------------------------------
// docker target

const dockerSchema = z.strictObject({
  /** Host address the proxy is published on. Anything but loopback exposes it to the network. */
  bindAddress: z.string().refine((ip) => isIP(ip) !== 0, { error: 'expected an IP address such as "127.0.0.1"' }).default("127.0.0.1"),
  hostPort: port.default(PROXY.port),
  postgresImage: imageRef.default(IMAGES.postgres),
  /** Publish Postgres on 127.0.0.1 at this port (for psql); not published by default. */
  postgresHostPort: port.optional(),
  redisImage: imageRef.default(IMAGES.redis),
  /** Keep the Postgres volume when the stack is destroyed. */
  retainVolume: z.boolean().default(true),
  restartPolicy: z.enum(["no", "on-failure", "always", "unless-stopped"]).default("unless-stopped"),
  /** Bedrock from a laptop: the host's AWS profile mounted read-only, or keys from secret config. */
  awsCredentials: z
    .strictObject({
      profile: matching(/^[\w+=,.@-]{1,64}$/, "expected an AWS profile name").default("default"),
      /** AWS_REGION of the proxy, for AWS calls that name no region of their own. */
      region: region.default("us-east-1"),
      directory: z.string().min(1).default("~/.aws"),
      accessKeyId: secretRefSchema.optional(),
      secretAccessKey: secretRefSchema.optional(),
      sessionToken: secretRefSchema.optional(),
    })
    .refine((c) => (c.accessKeyId === undefined) === (c.secretAccessKey === undefined), {
      error: "expected both accessKeyId and secretAccessKey, or neither (then the profile is used)",
    })
    .refine((c) => c.sessionToken === undefined || c.accessKeyId !== undefined, {
      error: "sessionToken needs accessKeyId and secretAccessKey",
    })
    .prefault({}),
});

// ---------------------------------------------------------------------------------------------------------
// aws target

const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const awsSchema = z.strictObject({
  network: z
    .strictObject({
      vpcCidr: cidr.default("10.40.0.0/16"),
      availabilityZones: integer(2, 6).default(2),
      /** single: one NAT gateway for the VPC; perAz: one per availability zone. Default: perAz in prod. */
      natGateways: z.enum(["single", "perAz"]).optional(),
      /** Use an existing VPC instead of creating one. */
      existing: z
        .strictObject({
          vpcId: matching(/^vpc-[0-9a-f]{8,17}$/, 'expected a VPC id such as "vpc-0abc12345def67890"'),
          publicSubnetIds: z.array(matching(/^subnet-[0-9a-f]{8,17}$/, "expected a subnet id")).min(2, { error: "expected subnets in at least 2 availability zones" }),
          privateSubnetIds: z.array(matching(/^subnet-[0-9a-f]{8,17}$/, "expected a subnet id")).min(2, { error: "expected subnets in at least 2 availability zones" }),
        })
        .optional(),
    })
    .prefault({}),
  service: z
    .strictObject({
      cpu: z.int().default(2048),
      memory: z.int().default(4096),
      minCount: integer(1, 100).default(2),
      maxCount: integer(1, 100).default(4),
      /** Tasks at deployment; minCount when absent. Autoscaling moves it between minCount and maxCount. */
      desiredCount: integer(1, 100).optional(),
      cpuTargetPercent: integer(10, 90).default(60),
      requestsPerTarget: integer(1, 100_000).default(500),
      healthCheckGracePeriodSeconds: integer(0, 7200).default(180),
    })
    .prefault({}),
  loadBalancer: z
    .strictObject({
      /** ACM certificate for the HTTPS listener; required in prod. */
      certificateArn: matching(
        /^arn:aws(?:-cn|-us-gov)?:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/,
        "expected an ACM certificate ARN",
      ).optional(),
      ingressCidrs: z.array(cidr).min(1, { error: "expected at least one CIDR block" }).default(["0.0.0.0/0"]),
      /** Long enough for streamed completions. */
      idleTimeoutSeconds: integer(300, 4000).default(600),
      internal: z.boolean().default(false),
    })
    .prefault({}),
  database: z
    .strictObject({
      instanceClass: matching(/^db\.[a-z0-9]+\.[a-z0-9]+$/, 'expected an RDS instance class such as "db.t4g.medium"').default("db.t4g.medium"),
      allocatedStorageGb: integer(20, 65536).default(20),
      maxAllocatedStorageGb: integer(20, 65536).default(100),
      /** Defaults: true in prod. */
      multiAz: z.boolean().optional(),
      deletionProtection: z.boolean().optional(),
      finalSnapshot: z.boolean().optional(),
      /** Defaults: 7 in prod, 1 elsewhere. */
      backupRetentionDays: integer(0, 35).optional(),
      performanceInsights: z.boolean().default(false),
    })
    .prefault({}),
  cache: z
    .strictObject({
      engine: z.enum(["valkey", "redis"]).default("valkey"),
      nodeType: matching(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, 'expected an ElastiCache node type such as "cache.t4g.small"').default("cache.t4g.small"),
      /** Replicas besides the primary; at least 1 gives automatic failover. */
      replicas: integer(0, 5).default(1),
    })
    .prefault({}),
  secrets: z
    .strictObject({
      /** Days a deleted secret can be restored; 0 deletes at once (test stacks only). */
      recoveryWindowDays: z.int().refine((days) => days === 0 || (days >= 7 && days <= 30), {
        error: "expected 0 or a number of days from 7 to 30",
      }).default(7),
    })
    .prefault({}),
  logs: z
    .strictObject({
      retentionDays: z
        .int()
        .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
          error: `expected a CloudWatch retention period (${LOG_RETENTION_DAYS.join(", ")})`,
        })
        .default(30),
    })
    .prefault({}),
  alarms: z
    .strictObject({
      /** Subscribed to the alarm topic. */
      emails: z.array(z.email({ error: "expected an email address" })).default([]),
    })
    .prefault({}),
});

// ---------------------------------------------------------------------------------------------------------
// The whole stack config

/** Top-level keys of the stack config (each is `litellm-mcp:<key>` in the stack file). */
export const baseSchema = z.strictObject({
  target: z.enum(["docker", "aws"], { error: 'expected "docker" or "aws"' }),
  stage: z.enum(["dev", "test", "prod"], { error: 'expected "dev", "test" or "prod"' }),
  proxy: proxySchema.prefault({}),
  models: z.array(modelSchema).min(1, { error: "expected at least one model" }).superRefine(uniqueNames("model")),
  mcpServers: z.array(mcpServerSchema).default([]).superRefine(uniqueNames("MCP server")),
  database: databaseSchema.prefault({}),
  cache: cacheSchema.prefault({}),
  docker: dockerSchema.prefault({}),
  aws: awsSchema.prefault({}),
});

type ParsedConfig = z.output<typeof baseSchema>;
type Path = (string | number)[];

/** Every secret reference in a config, with its key path. */
export function secretRefsOf(config: Pick<ParsedConfig, "proxy" | "mcpServers" | "docker">): { path: Path; ref: SecretRef }[] {
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
  return found;
}

function defaultWorkers(config: ParsedConfig): number {
  return config.proxy.workers ?? (config.target === "aws" ? Math.max(1, Math.floor(config.aws.service.cpu / 1024)) : 1);
}

function crossKeyRules(config: ParsedConfig, ctx: z.RefinementCtx): void {
  const issue = (path: Path, message: string) => ctx.addIssue({ code: "custom", path, message });
  const aws = config.target === "aws";
  const prod = config.stage === "prod";

  if (prod && !aws) issue(["target"], 'expected "aws": a prod stage runs on AWS');
  if (!config.proxy.auth) {
    if (aws || config.stage !== "dev") issue(["proxy", "auth"], "expected true: only a dev stack on the docker target may turn auth off");
    else if (!LOOPBACK.includes(config.docker.bindAddress)) {
      issue(["proxy", "auth"], `expected true while docker.bindAddress is ${config.docker.bindAddress}: without auth the proxy must stay on loopback`);
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
        issue(path, `expected an image pinned to a version tag or a digest outside a dev stack on docker, got "${image}", which ${problem}`);
      }
    }
  }

  for (const { path, ref } of secretRefsOf(config)) {
    if ("secretsManager" in ref && !aws) issue([...path, "secretsManager"], 'expected "config": Secrets Manager references need the aws target');
    if ("config" in ref && ref.config in baseSchema.shape) {
      issue([...path, "config"], `expected the name of a secret config key, not the stack config key "${ref.config}"`);
    }
  }
  const credentials = config.docker.awsCredentials;
  if (aws && credentials.accessKeyId !== undefined) {
    issue(["docker", "awsCredentials", "accessKeyId"], "is for the docker target only: on AWS the task role reaches Bedrock");
  }

  if (aws) awsRules(config, issue);

  const workers = defaultWorkers(config);
  const instances = maxProxyInstances(config);
  if (connectionPoolLimit(config.database.maxConnections, instances, workers, RESERVED_DB_CONNECTIONS) === undefined) {
    issue(
      ["database", "maxConnections"],
      `expected at least ${RESERVED_DB_CONNECTIONS + instances * workers}: ${instances} proxy instance(s) x ${workers} worker(s) each need a connection, and ${RESERVED_DB_CONNECTIONS} stay reserved`,
    );
  }
}

function awsRules(config: ParsedConfig, issue: (path: Path, message: string) => void): void {
  const { service, database, loadBalancer, secrets } = config.aws;
  const prod = config.stage === "prod";

  const serviceSize = fargateSizeProblem(service.cpu, service.memory);
  if (serviceSize) issue(["aws", "service", FARGATE_CPU_SIZES.includes(service.cpu) ? "memory" : "cpu"], serviceSize);
  config.mcpServers.forEach((server, index) => {
    const size = fargateSizeProblem(server.cpu, server.memory);
    if (size) issue(["mcpServers", index, FARGATE_CPU_SIZES.includes(server.cpu) ? "memory" : "cpu"], size);
  });
  if (service.minCount > service.maxCount) issue(["aws", "service", "maxCount"], `expected at least minCount (${service.minCount})`);
  if (service.desiredCount !== undefined && (service.desiredCount < service.minCount || service.desiredCount > service.maxCount)) {
    issue(["aws", "service", "desiredCount"], `expected a count from minCount (${service.minCount}) to maxCount (${service.maxCount})`);
  }
  if (config.cache.redis === "never" && service.maxCount > 1) {
    issue(["cache", "redis"], `expected "auto" or "always": ${service.maxCount} proxy tasks share router state and cache through Redis`);
  }
  if (database.maxAllocatedStorageGb < database.allocatedStorageGb) {
    issue(["aws", "database", "maxAllocatedStorageGb"], `expected at least allocatedStorageGb (${database.allocatedStorageGb})`);
  }
  if (secrets.recoveryWindowDays === 0 && config.stage !== "test") {
    issue(["aws", "secrets", "recoveryWindowDays"], "expected 7 to 30: only a test stage may delete secrets without a recovery window");
  }
  const minBackups = prod ? 7 : 1;
  if (database.backupRetentionDays !== undefined && database.backupRetentionDays < minBackups) {
    issue(["aws", "database", "backupRetentionDays"], `expected at least ${minBackups} in a ${config.stage} stage`);
  }
  if (prod) {
    if (loadBalancer.certificateArn === undefined) {
      issue(["aws", "loadBalancer", "certificateArn"], "expected an ACM certificate ARN: prod serves HTTPS only");
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

export const stackConfigSchema = baseSchema.superRefine(crossKeyRules).transform(resolveDefaults);

/** The validated stack config with every default applied. */
export type StackConfig = z.output<typeof stackConfigSchema>;
export type ModelConfig = StackConfig["models"][number];
export type McpServerConfig = StackConfig["mcpServers"][number];
export type Target = StackConfig["target"];
export type Stage = StackConfig["stage"];
