import { lifecycleWarnings } from "../config/modelCatalog";
import { strict as assert } from "node:assert";
import { ConfigError } from "../config/errors";
import { validateStackInput } from "../config/load";
import { committedStacks, loadStack, loadVariant, type Values, variant } from "./support/stacks";

/** Validates a variant and returns its error lines; fails when the variant is accepted. */
function problems(stack: string, change: (values: Values) => void, secretKeys: string[] = []): string[] {
  try {
    validateStackInput(variant(stack, change, secretKeys));
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.message.split("\n");
  }
  assert.fail("the config was accepted");
}

interface InvalidCase {
  readonly title: string;
  readonly stack: string;
  readonly change: (values: Values) => void;
  readonly secretKeys?: string[];
  /** The key path the error must name (below litellm-mcp:). */
  readonly path: string;
  /** Words the message must contain. */
  readonly says: string;
}

const INVALID: InvalidCase[] = [
  {
    title: "an inference profile used outside its geography",
    stack: "dev",
    change: (v) => (v.models[0].bedrockModelId = "apac.anthropic.claude-sonnet-4-6"),
    path: "models[0].bedrockModelId",
    says: 'expected a profile us-east-1 can call: "apac." profiles are called from Asia Pacific (ap-*) regions',
  },
  {
    title: "two model versions behind one name",
    stack: "dev",
    change: (v) => (v.models[1].bedrockModelId = "global.anthropic.claude-sonnet-4-6"),
    path: "models[1].bedrockModelId",
    says: 'expected "anthropic.claude-sonnet-5-5", the model of the other deployments of "claude-sonnet": one name serves one model version, got "anthropic.claude-sonnet-4-6"',
  },
  {
    title: "a Japan profile called from Singapore",
    stack: "dev",
    change: (v) => (v.models[3].region = "ap-southeast-1"),
    path: "models[3].bedrockModelId",
    says: '"jp." profiles are called from Japanese (ap-northeast-1, ap-northeast-3) regions',
  },
  {
    title: "a CIDR block with host bits set",
    stack: "prod",
    change: (v) => (v.aws.loadBalancer.ingressCidrs = ["10.1.2.3/16"]),
    path: "aws.loadBalancer.ingressCidrs[0]",
    says: "has host bits set: the block is 10.1.0.0/16",
  },
  {
    title: "the same ingress CIDR twice",
    stack: "prod",
    change: (v) => (v.aws.loadBalancer.ingressCidrs = ["10.0.0.0/8", "192.168.0.0/16", "10.0.0.0/8"]),
    path: "aws.loadBalancer.ingressCidrs[2]",
    says: "duplicate CIDR block (also at [0])",
  },
  {
    title: "a VPC too small for its subnets",
    stack: "test",
    change: (v) => (v.aws.network.vpcCidr = "10.41.0.0/26"),
    path: "aws.network.vpcCidr",
    says: "expected an IPv4 block from /16 to /24",
  },
  {
    title: "a VPC larger than AWS allows",
    stack: "test",
    change: (v) => (v.aws.network.vpcCidr = "10.0.0.0/8"),
    path: "aws.network.vpcCidr",
    says: "expected an IPv4 block from /16 to /24",
  },
  {
    title: "the same subnet twice",
    stack: "test",
    change: (v) =>
      (v.aws.network.existing = {
        vpcId: "vpc-0abc12345def67890",
        publicSubnetIds: ["subnet-0aaa1111", "subnet-0aaa1111"],
        privateSubnetIds: ["subnet-0ccc3333", "subnet-0ddd4444"],
      }),
    path: "aws.network.existing.publicSubnetIds[1]",
    says: "duplicate subnet (also at [0])",
  },
  {
    title: "a credential-named MCP server environment variable in plain text",
    stack: "dev",
    change: (v) => (v.mcpServers[0].environment.API_KEY = "abc123"),
    path: "mcpServers[0].environment.API_KEY",
    says: "holds a credential in plain text: move it to secrets",
  },
  {
    title: "a credential-looking MCP server environment value in plain text",
    stack: "dev",
    change: (v) => (v.mcpServers[1].environment.UPSTREAM = "sk-live-123"),
    path: "mcpServers[1].environment.UPSTREAM",
    says: "holds a credential in plain text",
  },
  {
    title: "MCP server names that differ only in letter case",
    stack: "dev",
    change: (v) => (v.mcpServers[1].name = "Context7"),
    path: "mcpServers[1].name",
    says: 'duplicate MCP server name "Context7" (also at [0] as "context7"): names that differ only in letter case collide',
  },
  {
    title: "a relative AWS profile directory",
    stack: "dev",
    change: (v) => (v.docker.awsCredentials.directory = ".aws"),
    path: "docker.awsCredentials.directory",
    says: 'expected an absolute path or one under ~/, such as "~/.aws"',
  },
  {
    title: "an AWS profile directory under another user's home",
    stack: "dev",
    change: (v) => (v.docker.awsCredentials.directory = "~alice/.aws"),
    path: "docker.awsCredentials.directory",
    says: "expected an absolute path or one under ~/",
  },
  {
    title: "Postgres published on the proxy's host port",
    stack: "dev",
    change: (v) => (v.docker.postgresHostPort = 4000),
    path: "docker.postgresHostPort",
    says: "expected another port than docker.hostPort (4000)",
  },
  {
    title: "a model name LiteLLM would replace with an environment variable",
    stack: "dev",
    change: (v) => (v.models[2].name = "os.environ/LITELLM_MASTER_KEY"),
    path: "models[2].name",
    says: 'must not start with "os.environ/"',
  },
  {
    title: "a model group LiteLLM would replace with an environment variable",
    stack: "dev",
    change: (v) => (v.models[0].group = "os.environ/LITELLM_MASTER_KEY"),
    path: "models[0].group",
    says: 'must not start with "os.environ/"',
  },
  {
    title: "a misspelt LiteLLM setting",
    stack: "dev",
    change: (v) => (v.litellm = { general_settings: { max_paralel_requests: 10 } }),
    path: "litellm.general_settings.max_paralel_requests",
    says: 'is not a general_settings key LiteLLM 1.108.7 reads; did you mean "max_parallel_requests"?',
  },
  {
    title: "a LiteLLM setting the program sets itself",
    stack: "dev",
    change: (v) => (v.litellm = { router_settings: { routing_strategy: "least-busy" } }),
    path: "litellm.router_settings.routing_strategy",
    says: "is set by the program from proxy.routingStrategy: set it there",
  },
  {
    title: "a LiteLLM setting holding a credential in plain text",
    stack: "dev",
    change: (v) => (v.litellm = { litellm_settings: { api_key: "sk-live-123" } }),
    path: "litellm.litellm_settings.api_key",
    says: "holds a credential in plain text",
  },
  {
    title: "a credential-looking value deep inside a LiteLLM setting",
    stack: "dev",
    change: (v) => (v.litellm = { general_settings: { alerting_args: { webhook: "xoxb-1234" } } }),
    path: "litellm.general_settings.alerting_args.webhook",
    says: "holds a credential in plain text",
  },
  {
    title: "an os.environ/ reference written by hand in a LiteLLM setting",
    stack: "dev",
    change: (v) => (v.litellm = { litellm_settings: { success_callback: ["os.environ/LITELLM_MASTER_KEY"] } }),
    path: "litellm.litellm_settings.success_callback[0]",
    says: 'must not start with "os.environ/"',
  },
  {
    title: "a secret LiteLLM setting whose key is not set",
    stack: "dev",
    change: (v) => (v.litellm = { litellm_settings: { api_key: { secret: { config: "openaiKey" } } } }),
    path: "openaiKey",
    says: "is not set (used by litellm.litellm_settings.api_key.secret)",
  },
  {
    title: "an unknown target",
    stack: "dev",
    change: (v) => (v.target = "kubernetes"),
    path: "target",
    says: 'expected "docker" or "aws", got "kubernetes"',
  },
  { title: "a missing stage", stack: "dev", change: (v) => delete v.stage, path: "stage", says: "it is not set" },
  {
    title: "a misspelt top-level key",
    stack: "dev",
    change: (v) => (v.proxi = v.proxy),
    path: "proxi",
    says: 'unknown key; did you mean "proxy"?',
  },
  {
    title: "a misspelt nested key",
    stack: "dev",
    change: (v) => (v.proxy.aut = true),
    path: "proxy.aut",
    says: 'did you mean "auth"?',
  },
  {
    title: "a misspelt key inside a model",
    stack: "dev",
    change: (v) => (v.models[2].regin = "us-east-1"),
    path: "models[2].regin",
    says: 'did you mean "region"?',
  },
  {
    title: "too few retries to reach the other deployment of a shared name",
    stack: "dev",
    change: (v) => (v.proxy.numRetries = 0),
    path: "proxy.numRetries",
    says: 'expected at least 1: "claude-sonnet" is served by 2 deployments, and a failed call reaches another one only on a retry',
  },
  {
    title: "no models",
    stack: "dev",
    change: (v) => (v.models = []),
    path: "models",
    says: "expected at least one model",
  },
  {
    title: "a duplicate model name",
    stack: "dev",
    change: (v) => (v.models[1].name = v.models[0].name),
    path: "models[1].name",
    says: "duplicate model name",
  },
  {
    title: "a model name with a space",
    stack: "dev",
    change: (v) => (v.models[0].name = "claude sonnet"),
    path: "models[0].name",
    says: "expected a model name",
  },
  {
    title: "a model id with the bedrock/ prefix",
    stack: "dev",
    change: (v) => (v.models[0].bedrockModelId = "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0"),
    path: "models[0].bedrockModelId",
    says: 'without the "bedrock/" prefix',
  },
  {
    title: "a credential in a model's params",
    stack: "dev",
    change: (v) => (v.models[0].params = { aws_secret_access_key: "x" }),
    path: "models[0].params.aws_secret_access_key",
    says: "would hold a credential",
  },
  {
    title: "a malformed role ARN",
    stack: "prod",
    change: (v) => (v.models[0].roleArn = "arn:aws:iam::12:role/x"),
    path: "models[0].roleArn",
    says: "expected an IAM role ARN",
  },
  {
    title: "an MCP server name with a hyphen",
    stack: "dev",
    change: (v) => (v.mcpServers[1].name = "aws-docs"),
    path: "mcpServers[1].name",
    says: "letters, digits and _",
  },
  {
    title: "a duplicate MCP server name",
    stack: "dev",
    change: (v) => (v.mcpServers[1].name = "context7"),
    path: "mcpServers[1].name",
    says: 'duplicate MCP server name "context7"',
  },
  {
    title: "an MCP port out of range",
    stack: "dev",
    change: (v) => (v.mcpServers[0].port = 70000),
    path: "mcpServers[0].port",
    says: "expected a port number from 1 to 65535, got 70000",
  },
  {
    title: "an MCP server with both image and build",
    stack: "dev",
    change: (v) => (v.mcpServers[0].image = "mcp/context7:1.0.0"),
    path: "mcpServers[0].image",
    says: 'exactly one of "image" or "build"',
  },
  {
    title: "a stdio server without its command",
    stack: "dev",
    change: (v) => delete v.mcpServers[1].command,
    path: "mcpServers[1].command",
    says: "stdio command",
  },
  {
    title: "an http server without a health path",
    stack: "dev",
    change: (v) => delete v.mcpServers[0].healthPath,
    path: "mcpServers[0].healthPath",
    says: "answers 200",
  },
  {
    title: "a --port flag that disagrees with port",
    stack: "dev",
    change: (v) => (v.mcpServers[0].port = 9000),
    path: "mcpServers[0].command[4]",
    says: "same port",
  },
  {
    title: "a description that LiteLLM would read from the environment",
    stack: "dev",
    change: (v) => (v.mcpServers[0].description = "os.environ/LITELLM_MASTER_KEY"),
    path: "mcpServers[0].description",
    says: 'must not start with "os.environ/"',
  },
  {
    title: "an invalid environment variable name",
    stack: "dev",
    change: (v) => (v.mcpServers[0].environment["BAD-NAME"] = "1"),
    path: 'mcpServers[0].environment["BAD-NAME"]',
    says: "environment variable name",
  },
  { title: "a proxy port of 0", stack: "dev", change: (v) => (v.proxy.port = 0), path: "proxy.port", says: "got 0" },
  {
    title: "a port given as text",
    stack: "dev",
    change: (v) => (v.docker.hostPort = "4000"),
    path: "docker.hostPort",
    says: 'got "4000"',
  },
  {
    title: "auth off on the aws target",
    stack: "test",
    change: (v) => (v.proxy.auth = false),
    path: "proxy.auth",
    says: "only a dev stack on the docker target",
  },
  {
    title: "auth off with the proxy published beyond loopback",
    stack: "dev",
    change: (v) => {
      v.proxy.auth = false;
      v.docker.bindAddress = "0.0.0.0";
    },
    path: "proxy.auth",
    says: "must stay on loopback",
  },
  {
    title: "a floating LiteLLM tag in prod",
    stack: "prod",
    change: (v) => (v.proxy.image = "ghcr.io/berriai/litellm-database:main-latest"),
    path: "proxy.image",
    says: 'floating tag "main-latest"',
  },
  {
    title: "an untagged MCP image on aws",
    stack: "test",
    change: (v) => {
      delete v.mcpServers[0].build;
      v.mcpServers[0].image = "mcp/context7";
    },
    path: "mcpServers[0].image",
    says: "has no tag",
  },
  {
    title: "prod without a certificate",
    stack: "prod",
    change: (v) => delete v.aws.loadBalancer.certificateArn,
    path: "aws.loadBalancer.certificateArn",
    says: "prod serves HTTPS only",
  },
  {
    title: "prod with a single-AZ database",
    stack: "prod",
    change: (v) => (v.aws.database.multiAz = false),
    path: "aws.database.multiAz",
    says: "expected true (or unset) in prod",
  },
  {
    title: "prod with three days of backups",
    stack: "prod",
    change: (v) => (v.aws.database.backupRetentionDays = 3),
    path: "aws.database.backupRetentionDays",
    says: "at least 7 in a prod stage",
  },
  {
    title: "no recovery window outside test",
    stack: "prod",
    change: (v) => (v.aws.secrets.recoveryWindowDays = 0),
    path: "aws.secrets.recoveryWindowDays",
    says: "only a test stage",
  },
  {
    title: "a memory size Fargate does not offer",
    stack: "prod",
    change: (v) => (v.aws.service.memory = 3000),
    path: "aws.service.memory",
    says: "between 4096 and 16384 MiB",
  },
  {
    title: "minCount above maxCount",
    stack: "prod",
    change: (v) => (v.aws.service.minCount = 8),
    path: "aws.service.maxCount",
    says: "at least minCount (8)",
  },
  {
    title: "several proxy tasks without Redis",
    stack: "prod",
    change: (v) => (v.cache.redis = "never"),
    path: "cache.redis",
    says: "6 proxy tasks share router state",
  },
  {
    title: "a Secrets Manager reference on docker",
    stack: "dev",
    change: (v) => (v.mcpServers[0].auth = { type: "bearer_token", secret: { secretsManager: "context7" } }),
    path: "mcpServers[0].auth.secret.secretsManager",
    says: "need the aws target",
  },
  {
    title: "a secret reference with both sources",
    stack: "prod",
    change: (v) => (v.mcpServers[0].auth = { type: "bearer_token", secret: { config: "a", secretsManager: "b" } }),
    path: "mcpServers[0].auth.secret",
    says: "exactly one of",
  },
  {
    title: "a database too small for the proxy's processes",
    stack: "prod",
    change: (v) => (v.database.maxConnections = 20),
    path: "database.maxConnections",
    says: "expected at least 250: 12 proxy instance(s) (maxCount 6 at 200% during a rolling deployment) x 2 worker(s) each open LiteLLM's own pool of 10 connections",
  },
  {
    title: "an ingress rule that is not a CIDR block",
    stack: "prod",
    change: (v) => (v.aws.loadBalancer.ingressCidrs = ["10.0.0.0/33"]),
    path: "aws.loadBalancer.ingressCidrs[0]",
    says: "expected a CIDR block",
  },
  {
    title: "prod on the docker target",
    stack: "dev",
    change: (v) => (v.stage = "prod"),
    path: "target",
    says: "a prod stage runs on AWS",
  },
  {
    title: "an alarm address that is not an email",
    stack: "prod",
    change: (v) => (v.aws.alarms.emails = ["oncall"]),
    path: "aws.alarms.emails[0]",
    says: "expected an email address",
  },
  {
    title: "a region that matches the pattern but does not exist",
    stack: "dev",
    change: (v) => (v.models[0].region = "us-east-7"),
    path: "models[0].region",
    says: 'expected an AWS region such as "us-east-1"',
  },
  {
    title: "a laptop region that does not exist",
    stack: "dev",
    change: (v) => (v.docker.awsCredentials.region = "eu-west-9"),
    path: "docker.awsCredentials.region",
    says: "the regions AWS has are listed in config/awsFacts.ts",
  },
  {
    title: "a snapshot to restore that RDS would refuse as a name",
    stack: "prod",
    change: (v) => (v.aws.database.restoreSnapshot = "before--1.108.7"),
    path: "aws.database.restoreSnapshot",
    says: "expected an RDS snapshot identifier",
  },
  {
    title: "an RDS instance family that does not exist",
    stack: "prod",
    change: (v) => (v.aws.database.instanceClass = "db.z9.large"),
    path: "aws.database.instanceClass",
    says: "of the families t3, t4g",
  },
  {
    title: "an RDS size its family does not offer",
    stack: "prod",
    change: (v) => (v.aws.database.instanceClass = "db.t4g.4xlarge"),
    path: "aws.database.instanceClass",
    says: '"4xlarge" is not offered in it',
  },
  {
    title: "an ElastiCache node type no longer created",
    stack: "prod",
    change: (v) => (v.aws.cache.nodeType = "cache.t2.micro"),
    path: "aws.cache.nodeType",
    says: "expected an ElastiCache node type",
  },
  {
    title: "a database user RDS reserves",
    stack: "prod",
    change: (v) => (v.database.username = "admin"),
    path: "database.username",
    says: 'must not be "admin": RDS for PostgreSQL reserves it',
  },
  {
    title: "a database user with PostgreSQL's reserved prefix",
    stack: "dev",
    change: (v) => (v.database.username = "pg_litellm"),
    path: "database.username",
    says: 'must not start with "pg_"',
  },
  {
    title: "a database named by an SQL key word",
    stack: "test",
    change: (v) => (v.database.name = "user"),
    path: "database.name",
    says: 'must not be "user"',
  },
  {
    title: "a secret config key named like a generated secret",
    stack: "prod",
    change: (v) => (v.proxy.masterKey = { config: "master-key" }),
    secretKeys: ["master-key"],
    path: "proxy.masterKey.config",
    says: "the stack names its generated secrets so",
  },
  {
    title: "plain HTTP from the whole internet",
    stack: "test",
    change: (v) => (v.aws.loadBalancer.ingressCidrs = ["10.0.0.0/8", "0.0.0.0/0"]),
    path: "aws.loadBalancer.ingressCidrs[1]",
    says: "plain HTTP from 0.0.0.0/0 carries the master key and virtual keys across the internet in clear text (allowPlainHttpFromAnywhere: true accepts that)",
  },
  {
    title: "prod with its admin routes open to whoever reaches it",
    stack: "prod",
    change: (v) => delete v.aws.loadBalancer.adminCidrs,
    path: "aws.loadBalancer.adminCidrs",
    says: "prod keeps them off the internet",
  },
  {
    title: "an admin network given twice",
    stack: "prod",
    change: (v) => (v.aws.loadBalancer.adminCidrs = ["198.51.100.0/24", "198.51.100.0/24"]),
    path: "aws.loadBalancer.adminCidrs[1]",
    says: "duplicate CIDR block (also at [0])",
  },
  {
    title: "a budget duration without a budget",
    stack: "dev",
    change: (v) => (v.spend = { budgetDuration: "30d" }),
    path: "spend.budgetDuration",
    says: "needs maxBudgetUsd",
  },
  {
    title: "a budget duration LiteLLM cannot read",
    stack: "dev",
    change: (v) => (v.spend = { keyMaxBudgetUsd: 10, keyBudgetDuration: "monthly" }),
    path: "spend.keyBudgetDuration",
    says: 'expected a duration such as "30d"',
  },
  {
    title: "a negative budget",
    stack: "prod",
    change: (v) => (v.spend = { maxBudgetUsd: -5 }),
    path: "spend.maxBudgetUsd",
    says: "expected an amount above 0",
  },
  {
    title: "an AWS Budget on the docker target",
    stack: "dev",
    change: (v) => (v.spend = { awsMonthlyBudgetUsd: 100 }),
    path: "spend.awsMonthlyBudgetUsd",
    says: "is for the aws target only",
  },
  {
    title: "interface endpoints in a VPC the stack does not manage",
    stack: "prod",
    change: (v) => {
      v.aws.network.interfaceEndpoints = true;
      v.aws.network.existing = {
        vpcId: "vpc-0abc12345def67890",
        publicSubnetIds: ["subnet-0a1b2c3d", "subnet-0a1b2c3e"],
        privateSubnetIds: ["subnet-0a1b2c3f", "subnet-0a1b2c40"],
      };
    },
    path: "aws.network.interfaceEndpoints",
    says: "is for the VPC the stack creates",
  },
  {
    title: "an access key without its secret",
    stack: "dev",
    change: (v) => (v.docker.awsCredentials.accessKeyId = { config: "awsKeyId" }),
    secretKeys: ["awsKeyId"],
    path: "docker.awsCredentials",
    says: "both accessKeyId and secretAccessKey",
  },
];

describe("stack config", () => {
  describe("committed stack files", () => {
    for (const stack of committedStacks()) {
      it(`accepts Pulumi.${stack}.yaml`, () => {
        const config = loadStack(stack);
        assert.equal(config.stage, stack);
      });
    }

    it("carries no model in its Legacy period on Bedrock", () => {
      for (const stack of committedStacks()) assert.deepEqual(lifecycleWarnings(loadStack(stack).models), [], stack);
    });

    it("carries Claude Sonnet 5.5 under one name in both regions, one kept in the US, and the newest Sonnet kept in Japan, in every stack", () => {
      for (const stack of committedStacks()) {
        const models = loadStack(stack).models.map(
          (model) => `${model.group ?? model.name}: ${model.bedrockModelId}@${model.region}`,
        );
        assert.deepEqual(models, [
          "claude-sonnet: us.anthropic.claude-sonnet-5-5@us-east-1",
          "claude-sonnet: global.anthropic.claude-sonnet-5-5@ap-northeast-1",
          "claude-sonnet-us: us.anthropic.claude-sonnet-5-5@us-east-1",
          "claude-sonnet-4-6-jp: jp.anthropic.claude-sonnet-4-6@ap-northeast-1",
        ]);
      }
    });
  });

  describe("rejects", () => {
    it(`at least 25 distinct invalid configs (${INVALID.length} here)`, () => {
      assert.ok(INVALID.length >= 25);
      assert.equal(new Set(INVALID.map((c) => c.title)).size, INVALID.length);
    });

    for (const invalid of INVALID) {
      it(`${invalid.title}, naming ${invalid.path}`, () => {
        const lines = problems(invalid.stack, invalid.change, invalid.secretKeys);
        const prefix = `Pulumi.${invalid.stack}.yaml: litellm-mcp:${invalid.path}: `;
        const line = lines.find((candidate) => candidate.startsWith(prefix));
        assert.ok(line, `no error for ${invalid.path} in:\n${lines.join("\n")}`);
        assert.ok(line.includes(invalid.says), `"${line}" does not say "${invalid.says}"`);
      });
    }

    it("a credential without ever printing it back, wherever it was refused", () => {
      const credential = "sk-abc123-never-echo-this";
      const lines = problems("dev", (v) => {
        v.mcpServers[0].environment = { API_KEY: credential, UPSTREAM: credential };
        v.litellm = { general_settings: { alerting_args: { webhook_token: credential } } };
      });
      assert.ok(lines.length >= 3, lines.join("\n"));
      for (const line of lines) assert.ok(!line.includes("sk-abc"), line);
    });

    it("a long value with newlines escaped and shortened in every message about it, each on one line naming the file", () => {
      const image = `ghcr.io/berriai/litellm-database:${"x\ninjected: true\n".repeat(700)}`;
      const lines = problems("prod", (v) => (v.proxy.image = image));
      assert.ok(lines.length >= 1);
      for (const line of lines) {
        assert.match(line, /^Pulumi\.prod\.yaml: litellm-mcp:proxy\.image: /);
        assert.ok(line.length < 400, `${line.length} characters: ${line.slice(0, 200)}`);
        assert.ok(line.includes(`(${image.length} characters)`), line);
      }
    });

    it("a wrong region with the file, the key path, the expectation and the value found", () => {
      const lines = problems("prod", (v) => (v.models[1].region = "tokyo"));
      assert.deepEqual(lines, [
        'Pulumi.prod.yaml: litellm-mcp:models[1].region: expected an AWS region such as "us-east-1" (the regions AWS has are listed in config/awsFacts.ts), got "tokyo"',
      ]);
    });

    it("with every problem of the config in one error", () => {
      const lines = problems("prod", (v) => {
        v.models[1].region = "tokyo";
        v.proxy.port = 0;
        v.mcpServers[1].name = "aws-docs";
      });
      assert.deepEqual(
        lines.map((line) => line.split(": ")[1]),
        ["litellm-mcp:proxy.port", "litellm-mcp:models[1].region", "litellm-mcp:mcpServers[1].name"],
      );
    });

    describe("against the stack's AWS region (aws:region)", () => {
      const withRegion = (
        stack: string,
        awsRegion: string | undefined,
        change: (values: Values) => void = () => {},
      ) => {
        const input = variant(stack, change);
        try {
          validateStackInput({ ...input, awsRegion });
        } catch (error) {
          assert.ok(error instanceof ConfigError, String(error));
          return error.message.split("\n");
        }
        return [];
      };
      const saved = { AWS_REGION: process.env["AWS_REGION"], AWS_DEFAULT_REGION: process.env["AWS_DEFAULT_REGION"] };
      afterEach(() => {
        for (const [name, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      });

      it("a certificate from another region than the load balancer's", () => {
        const arn = "arn:aws:acm:eu-west-1:123456789012:certificate/0f3c1a52-7d2e-4b8a-9c1e-2a3b4c5d6e7f";
        assert.deepEqual(
          withRegion("prod", "us-east-1", (v) => (v.aws.loadBalancer.certificateArn = arn)),
          [
            "Pulumi.prod.yaml: litellm-mcp:aws.loadBalancer.certificateArn: expected a certificate in the stack's region (aws:region us-east-1), got one in eu-west-1: a load balancer takes certificates from its own region only",
          ],
        );
      });

      it("more availability zones than the region has", () => {
        assert.deepEqual(
          withRegion("test", "us-west-1", (v) => (v.aws.network.availabilityZones = 3)),
          [
            "Pulumi.test.yaml: litellm-mcp:aws.network.availabilityZones: expected at most 2: us-west-1 has 2 availability zones",
          ],
        );
        assert.deepEqual(
          withRegion("test", "us-east-1", (v) => (v.aws.network.availabilityZones = 3)),
          [],
        );
      });

      it("a region that does not exist, named as aws:region", () => {
        assert.deepEqual(withRegion("test", "us-central-1"), [
          'Pulumi.test.yaml: aws:region: expected an AWS region such as "us-east-1" (the regions AWS has are listed in config/awsFacts.ts), got "us-central-1"',
        ]);
      });

      it("no region at all, unless the environment names one as the AWS provider reads it", () => {
        delete process.env["AWS_REGION"];
        delete process.env["AWS_DEFAULT_REGION"];
        assert.deepEqual(withRegion("test", undefined), [
          "Pulumi.test.yaml: aws:region: is not set: expected the stack's AWS region, e.g. `pulumi config set --stack test aws:region us-east-1`",
        ]);
        process.env["AWS_DEFAULT_REGION"] = "ap-northeast-1";
        assert.deepEqual(withRegion("test", undefined), []);
        assert.deepEqual(withRegion("dev", undefined), [], "the docker target has no AWS provider");
      });
    });

    it("accepts plain HTTP to the internet only when asked by name, or behind an internal load balancer", () => {
      const open = (v: Values) => (v.aws.loadBalancer.ingressCidrs = ["0.0.0.0/0"]);
      assert.ok(
        loadVariant("test", (v) => {
          open(v);
          v.aws.loadBalancer.allowPlainHttpFromAnywhere = true;
        }),
      );
      assert.ok(
        loadVariant("test", (v) => {
          open(v);
          v.aws.loadBalancer.internal = true;
        }),
      );
      assert.ok(
        loadVariant("test", (v) => {
          open(v);
          v.aws.loadBalancer.certificateArn =
            "arn:aws:acm:us-east-1:123456789012:certificate/0f3c1a52-7d2e-4b8a-9c1e-2a3b4c5d6e7f";
          v.aws.loadBalancer.domainName = "llm.example.com";
        }),
      );
    });

    it("needs the name a certificate covers, as a lower-case DNS name", () => {
      const certificate = (v: Values) =>
        (v.aws.loadBalancer.certificateArn =
          "arn:aws:acm:us-east-1:123456789012:certificate/0f3c1a52-7d2e-4b8a-9c1e-2a3b4c5d6e7f");
      assert.deepEqual(problems("test", certificate), [
        "Pulumi.test.yaml: litellm-mcp:aws.loadBalancer.domainName: expected the DNS name the certificate covers: ACM does not issue certificates for the load balancer's own name, so HTTPS to it fails verification",
      ]);
      for (const wrong of [
        "LLM.example.com",
        "llm",
        "https://llm.example.com",
        "llm..example.com",
        "-llm.example.com",
      ]) {
        assert.deepEqual(
          problems("test", (v) => {
            certificate(v);
            v.aws.loadBalancer.domainName = wrong;
          }),
          [
            `Pulumi.test.yaml: litellm-mcp:aws.loadBalancer.domainName: expected a DNS name in lower case, such as "llm.example.com", got ${JSON.stringify(wrong)}`,
          ],
          wrong,
        );
      }
    });

    it("with a suggestion list when no key is close to the unknown one", () => {
      const [line] = problems("dev", (v) => (v.cache.zzz = 1));
      assert.equal(
        line,
        "Pulumi.dev.yaml: litellm-mcp:cache.zzz: unknown key; expected one of responses, ttlSeconds, redis",
      );
    });
  });

  describe("secrets", () => {
    const withContext7Key = (v: Values) =>
      (v.mcpServers[0].auth = { type: "bearer_token", secret: { config: "context7ApiKey" } });

    it("accepts a reference to a key that holds a secret", () => {
      const config = loadVariant("dev", withContext7Key, ["context7ApiKey"]);
      assert.deepEqual(config.mcpServers[0]?.auth, { type: "bearer_token", secret: { config: "context7ApiKey" } });
    });

    it("rejects a reference to a key that is not set, saying how to set it in a way that works pasted", () => {
      // The dev stack's state is in the project's local backend, which only the operations CLI selects.
      assert.deepEqual(problems("dev", withContext7Key), [
        "Pulumi.dev.yaml: litellm-mcp:context7ApiKey: is not set (used by mcpServers[0].auth.secret): set it with `npx litellm-mcp pulumi --stack dev -- config set --secret litellm-mcp:context7ApiKey <value>`",
      ]);
      assert.deepEqual(problems("prod", withContext7Key), [
        "Pulumi.prod.yaml: litellm-mcp:context7ApiKey: is not set (used by mcpServers[0].auth.secret): set it with `pulumi config set --stack prod --secret litellm-mcp:context7ApiKey <value>`",
      ]);
    });

    it("rejects a referenced key set in plain text, without printing its value", () => {
      const lines = problems("dev", (v) => {
        withContext7Key(v);
        v.context7ApiKey = "ctx7-plaintext-value";
      });
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /litellm-mcp:context7ApiKey: is set in plain text but holds a secret/);
      assert.ok(!lines[0]!.includes("ctx7-plaintext-value"));
    });

    it("rejects a secret no key refers to, as an unknown key", () => {
      assert.deepEqual(
        problems("dev", () => undefined, ["context7ApiKy"]),
        [
          "Pulumi.dev.yaml: litellm-mcp:context7ApiKy: unknown key; expected one of target, stage, proxy, models, mcpServers, database, cache, spend, tracing, docker, aws, litellm",
        ],
      );
    });

    it("never echoes a value given where a secret reference belongs", () => {
      const lines = problems("dev", (v) => (v.proxy.masterKey = "sk-live-do-not-print"));
      assert.ok(lines.some((line) => line.includes("litellm-mcp:proxy.masterKey")));
      assert.ok(
        lines.every((line) => !line.includes("sk-live-do-not-print")),
        lines.join("\n"),
      );
    });
  });

  describe("defaults", () => {
    it("fills the dev stack's unset keys from the schema", () => {
      const config = loadVariant("dev", (v) => {
        delete v.docker;
        delete v.database;
        delete v.cache;
      });
      assert.deepEqual(
        {
          bindAddress: config.docker.bindAddress,
          hostPort: config.docker.hostPort,
          retainVolume: config.docker.retainVolume,
          profile: config.docker.awsCredentials.profile,
          maxConnections: config.database.maxConnections,
          redis: config.cache.redis,
          workers: config.proxy.workers,
        },
        {
          bindAddress: "127.0.0.1",
          hostPort: 4000,
          retainVolume: true,
          profile: "default",
          maxConnections: 100,
          redis: "auto",
          workers: 1,
        },
      );
    });

    it("protects a prod database by default and leaves a test database unprotected", () => {
      const strip = (v: Values) => {
        for (const key of ["multiAz", "deletionProtection", "finalSnapshot", "backupRetentionDays"])
          delete v.aws.database[key];
        delete v.aws.network.natGateways;
      };
      const prod = loadVariant("prod", strip).aws;
      const test = loadVariant("test", strip).aws;
      assert.deepEqual(
        [
          prod.database.multiAz,
          prod.database.deletionProtection,
          prod.database.finalSnapshot,
          prod.database.backupRetentionDays,
          prod.network.natGateways,
        ],
        [true, true, true, 7, "perAz"],
      );
      assert.deepEqual(
        [
          test.database.multiAz,
          test.database.deletionProtection,
          test.database.finalSnapshot,
          test.database.backupRetentionDays,
          test.network.natGateways,
        ],
        [false, false, false, 1, "single"],
      );
    });

    it("runs one worker per vCPU of the task on aws unless told otherwise", () => {
      assert.equal(loadStack("prod").proxy.workers, 2);
      assert.equal(loadVariant("prod", (v) => (v.proxy.workers = 3)).proxy.workers, 3);
    });

    it("gives a stdio server the bridge's health path", () => {
      assert.equal(loadStack("dev").mcpServers[1]?.healthPath, "/status");
    });
  });
});
