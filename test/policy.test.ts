import { strict as assert } from "node:assert";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
  dockerInternalNotPublished,
  dockerPublishedOnLoopback,
  ecsImagesDigestInProd,
  ecsImagesPinned,
  ecsSecretsNotInEnvironment,
  iamBedrockScoped,
  keysOutliveTheirData,
  logGroupRetention,
  noPublicIngress,
  policies,
  proxyKeepaliveAboveIdleTimeout,
  rdsEncryptedAndPrivate,
  rdsProdProtection,
  s3BucketsPrivateAndEncrypted,
  servingTasksDoNotMigrate,
  noPlaintextToTheWorld,
  adminRoutesRestrictedInProd,
  stackOf,
} from "../policy/policies";
import { awsCalls, awsOutputs } from "./support/awsMocks";
import { checkResource, checkStack, fromRegistered, type TestResource } from "./support/policy";
import { runProgram } from "./support/pulumi";
import type { StackConfig } from "../config/schema";
import { committedStacks, engineConfigOfVariant, loadStack } from "./support/stacks";

const messages = async (policy: ResourceValidationPolicy, resource: TestResource, config?: Record<string, unknown>) =>
  (await checkResource(policy, resource, config)).map((violation) => violation.message);

const rds = (props: Record<string, unknown>, stack = "test"): TestResource => ({
  type: "aws:rds/instance:Instance",
  name: "db",
  stack,
  props: {
    storageEncrypted: true,
    publiclyAccessible: false,
    multiAz: true,
    deletionProtection: true,
    backupRetentionPeriod: 7,
    ...props,
  },
});

const taskDefinition = (containers: object[]): TestResource => ({
  type: "aws:ecs/taskDefinition:TaskDefinition",
  name: "task",
  props: { containerDefinitions: JSON.stringify(containers) },
});

const container = (props: Record<string, unknown>): TestResource => ({
  type: "docker:index/container:Container",
  name: "c",
  props: { name: "c", ...props },
});
const role = (value: string) => ({ label: "litellm-mcp.role", value });

describe("policy pack", () => {
  it("holds every policy once, each named, described and enforced", () => {
    assert.equal(new Set(policies.map((policy) => policy.name)).size, policies.length);
    for (const policy of policies) {
      assert.ok(policy.description.length > 20, policy.name);
      assert.equal(
        policy.enforcementLevel,
        policy === iamBedrockScoped || policy === ecsImagesDigestInProd ? "advisory" : "mandatory",
        policy.name,
      );
    }
  });

  it("reads the stack from a URN", () => {
    assert.equal(stackOf("urn:pulumi:prod::litellm-mcp::aws:rds/instance:Instance::db"), "prod");
  });

  describe("rds-encrypted-and-private", () => {
    it("passes an encrypted private instance", async () => {
      assert.deepEqual(await messages(rdsEncryptedAndPrivate, rds({})), []);
    });
    it("catches an unencrypted public instance", async () => {
      assert.deepEqual(
        await messages(rdsEncryptedAndPrivate, rds({ storageEncrypted: false, publiclyAccessible: true })),
        [
          "RDS instance storage must be encrypted (storageEncrypted: true).",
          "RDS instance must not be publicly accessible (publiclyAccessible: false).",
        ],
      );
    });
  });

  describe("rds-prod-protection", () => {
    const unprotected = { deletionProtection: false, multiAz: false, backupRetentionPeriod: 1 };
    it("passes a protected prod instance, and an unprotected one outside prod", async () => {
      assert.deepEqual(await messages(rdsProdProtection, rds({}, "prod")), []);
      assert.deepEqual(await messages(rdsProdProtection, rds(unprotected, "test")), []);
    });
    it("catches an unprotected prod instance", async () => {
      assert.deepEqual(await messages(rdsProdProtection, rds(unprotected, "prod")), [
        "A prod RDS instance must have deletion protection (deletionProtection: true).",
        "A prod RDS instance must be multi-AZ (multiAz: true).",
        "A prod RDS instance must keep backups for at least 7 days (backupRetentionPeriod is 1).",
      ]);
    });
    it("treats the stacks named in its config as prod", async () => {
      assert.equal(
        (await messages(rdsProdProtection, rds(unprotected, "production"), { prodStacks: ["production"] })).length,
        3,
      );
    });
  });

  describe("no-public-ingress", () => {
    const rule = (props: Record<string, unknown>, tagRole = "load-balancer"): TestResource => ({
      type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      name: "rule",
      props: { ipProtocol: "tcp", tags: { "litellm-mcp.role": tagRole }, ...props },
    });
    it("passes the load balancer's 443 and 80 from anywhere, and a rule between groups", async () => {
      assert.deepEqual(
        await messages(noPublicIngress, rule({ cidrIpv4: "0.0.0.0/0", fromPort: 443, toPort: 443 })),
        [],
      );
      assert.deepEqual(await messages(noPublicIngress, rule({ cidrIpv6: "::/0", fromPort: 80, toPort: 80 })), []);
      assert.deepEqual(
        await messages(
          noPublicIngress,
          rule({ referencedSecurityGroupId: "sg-1", fromPort: 5432, toPort: 5432 }, "database"),
        ),
        [],
      );
    });
    it("catches the database open to the internet, and the load balancer open on another port", async () => {
      assert.deepEqual(
        await messages(noPublicIngress, rule({ cidrIpv4: "0.0.0.0/0", fromPort: 5432, toPort: 5432 }, "database")),
        [
          "Ingress from 0.0.0.0/0 on ports 5432-5432 is open to the internet; only the load balancer may accept it, on 80 or 443.",
        ],
      );
      assert.deepEqual(await messages(noPublicIngress, rule({ cidrIpv6: "::/0", fromPort: 0, toPort: 65535 })), [
        "Ingress from ::/0 on ports 0-65535 is open to the internet; only the load balancer may accept it, on 80 or 443.",
      ]);
    });
    it("catches open inline rules of a security group and open security group rules", async () => {
      const group: TestResource = {
        type: "aws:ec2/securityGroup:SecurityGroup",
        name: "sg",
        props: { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }] },
      };
      assert.deepEqual(await messages(noPublicIngress, group), [
        "Ingress from 0.0.0.0/0 on ports 22-22 is open to the internet; only the load balancer may accept it, on 80 or 443.",
      ]);
      const sgRule: TestResource = {
        type: "aws:ec2/securityGroupRule:SecurityGroupRule",
        name: "r",
        props: { type: "ingress", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
      };
      assert.equal((await messages(noPublicIngress, sgRule)).length, 1);
      assert.deepEqual(await messages(noPublicIngress, { ...sgRule, props: { ...sgRule.props, type: "egress" } }), []);
    });
  });

  describe("ecs-secrets-not-in-environment", () => {
    it("passes secrets given with valueFrom and plain settings in environment", async () => {
      const task = taskDefinition([
        {
          name: "litellm",
          environment: [
            { name: "LITELLM_LOG", value: "INFO" },
            { name: "LITELLM_CONFIG_BUCKET_OBJECT_KEY", value: "config.yaml" },
          ],
          secrets: [
            { name: "LITELLM_MASTER_KEY", valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:x" },
          ],
        },
      ]);
      assert.deepEqual(await messages(ecsSecretsNotInEnvironment, task), []);
    });
    it("catches keys, passwords, tokens and database URLs in environment", async () => {
      const task = taskDefinition([
        {
          name: "litellm",
          environment: [
            "LITELLM_MASTER_KEY",
            "DB_PASSWORD",
            "REDIS_AUTH_TOKEN",
            "DATABASE_URL",
            "CLIENT_SECRET",
            "LITELLM_LOG",
          ].map((name) => ({ name, value: "x" })),
        },
      ]);
      assert.deepEqual(
        await messages(ecsSecretsNotInEnvironment, task),
        ["LITELLM_MASTER_KEY", "DB_PASSWORD", "REDIS_AUTH_TOKEN", "DATABASE_URL", "CLIENT_SECRET"].map(
          (name) =>
            `Container "litellm" has the environment variable ${name}, which looks like a secret: inject it with "secrets" (valueFrom) instead.`,
        ),
      );
    });
    it("says nothing while the definitions are unknown (preview)", async () => {
      assert.deepEqual(
        await messages(ecsSecretsNotInEnvironment, {
          type: "aws:ecs/taskDefinition:TaskDefinition",
          name: "t",
          props: {},
        }),
        [],
      );
    });
  });

  describe("ecs-images-pinned", () => {
    it("passes version tags and digests", async () => {
      const task = taskDefinition([
        { name: "a", image: "ghcr.io/berriai/litellm-database:v1.108.7" },
        { name: "b", image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/mcp@sha256:${"a".repeat(64)}` },
      ]);
      assert.deepEqual(await messages(ecsImagesPinned, task), []);
    });
    it("catches latest, main-latest, main-stable and missing tags", async () => {
      const images = [
        "nginx:latest",
        "ghcr.io/berriai/litellm:main-latest",
        "ghcr.io/berriai/litellm:main-stable",
        "mcp/context7",
      ];
      assert.deepEqual(
        await messages(ecsImagesPinned, taskDefinition(images.map((image, index) => ({ name: `c${index}`, image })))),
        [
          'Container "c0" runs the image "nginx:latest", which uses the floating tag "latest": pin a version tag or a digest.',
          'Container "c1" runs the image "ghcr.io/berriai/litellm:main-latest", which uses the floating tag "main-latest": pin a version tag or a digest.',
          'Container "c2" runs the image "ghcr.io/berriai/litellm:main-stable", which uses the floating tag "main-stable": pin a version tag or a digest.',
          'Container "c3" runs the image "mcp/context7", which has no tag: pin a version tag or a digest.',
        ],
      );
    });
  });

  describe("ecs-images-digest-in-prod (advisory until the committed prod stack is pinned)", () => {
    const digest = `sha256:${"0f".repeat(32)}`;
    const images = (stack: string) => ({
      ...taskDefinition([
        { name: "litellm", image: `ghcr.io/berriai/litellm-database:v1.108.7@${digest}` },
        { name: "otel", image: "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3" },
      ]),
      stack,
    });

    it("refuses an image pinned by tag only in a prod stack, naming the command that pins it", async () => {
      assert.deepEqual(await messages(ecsImagesDigestInProd, images("prod")), [
        'Container "otel" runs "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3" by tag only: pin its digest (npx litellm-mcp pin-images --stack prod --write).',
      ]);
    });

    it("passes images pinned by digest, and tags outside the prod stacks", async () => {
      assert.deepEqual(
        await messages(
          ecsImagesDigestInProd,
          taskDefinition([{ name: "litellm", image: `ghcr.io/berriai/litellm-database:v1.108.7@${digest}` }]),
        ),
        [],
      );
      assert.deepEqual(await messages(ecsImagesDigestInProd, images("test")), []);
      assert.deepEqual(await messages(ecsImagesDigestInProd, images("live"), { prodStacks: ["live"] }), [
        'Container "otel" runs "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3" by tag only: pin its digest (npx litellm-mcp pin-images --stack live --write).',
      ]);
    });
  });

  describe("s3-buckets-private-and-encrypted", () => {
    const bucket: TestResource = {
      type: "aws:s3/bucket:Bucket",
      name: "config",
      urn: "urn:pulumi:test::p::aws:s3/bucket:Bucket::config",
      props: {},
    };
    const block = (value: boolean): TestResource => ({
      type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      name: "block",
      props: { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: value, restrictPublicBuckets: true },
      propertyDependencies: { bucket: [bucket.urn!] },
    });
    const encryption: TestResource = {
      type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      name: "sse",
      props: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
      propertyDependencies: { bucket: [bucket.urn!] },
    };
    const stackMessages = async (policy: StackValidationPolicy, resources: TestResource[]) =>
      (await checkStack(policy, resources)).map((violation) => violation.message);

    it("passes a bucket with a full public access block and default encryption", async () => {
      assert.deepEqual(await stackMessages(s3BucketsPrivateAndEncrypted, [bucket, block(true), encryption]), []);
    });
    it("catches a bucket without them, or with a partial block", async () => {
      assert.deepEqual(await stackMessages(s3BucketsPrivateAndEncrypted, [bucket]), [
        "Bucket config has no public access block with all four settings on.",
        "Bucket config has no default encryption.",
      ]);
      assert.deepEqual(await stackMessages(s3BucketsPrivateAndEncrypted, [bucket, block(false), encryption]), [
        "Bucket config has no public access block with all four settings on.",
      ]);
    });
  });

  describe("log-group-retention", () => {
    it("passes a log group with a retention and catches one without", async () => {
      assert.deepEqual(
        await messages(logGroupRetention, {
          type: "aws:cloudwatch/logGroup:LogGroup",
          name: "logs",
          props: { retentionInDays: 30 },
        }),
        [],
      );
      assert.deepEqual(
        await messages(logGroupRetention, { type: "aws:cloudwatch/logGroup:LogGroup", name: "logs", props: {} }),
        ["Log group logs keeps logs for ever: set retentionInDays."],
      );
    });
  });

  describe("docker-internal-not-published", () => {
    it("passes an MCP server without ports and a published proxy", async () => {
      assert.deepEqual(
        await messages(dockerInternalNotPublished, container({ labels: [role("mcp-server")], ports: [] })),
        [],
      );
      assert.deepEqual(
        await messages(
          dockerInternalNotPublished,
          container({ labels: [role("proxy")], ports: [{ internal: 4000, external: 4000, ip: "127.0.0.1" }] }),
        ),
        [],
      );
    });
    it("catches a published database, MCP server or cache", async () => {
      for (const internal of ["database", "mcp-server", "cache"]) {
        assert.deepEqual(
          await messages(
            dockerInternalNotPublished,
            container({ labels: [role(internal)], ports: [{ internal: 5432, external: 5432, ip: "127.0.0.1" }] }),
          ),
          [`Container "c" (${internal}) publishes ports on the host; only the proxy may be published.`],
        );
      }
    });
  });

  describe("docker-published-on-loopback", () => {
    it("passes loopback ports and ports the stack chose to expose", async () => {
      assert.deepEqual(
        await messages(
          dockerPublishedOnLoopback,
          container({ ports: [{ internal: 4000, external: 4000, ip: "127.0.0.1" }] }),
        ),
        [],
      );
      assert.deepEqual(
        await messages(
          dockerPublishedOnLoopback,
          container({
            labels: [{ label: "litellm-mcp.expose", value: "true" }],
            ports: [{ internal: 4000, external: 4000, ip: "0.0.0.0" }],
          }),
        ),
        [],
      );
    });
    it("catches a port on every interface", async () => {
      assert.deepEqual(
        await messages(dockerPublishedOnLoopback, container({ ports: [{ internal: 4000, external: 4000 }] })),
        [
          'Container "c" publishes port 4000 on every interface; bind it to 127.0.0.1 or label it litellm-mcp.expose=true.',
        ],
      );
    });
  });

  describe("iam-bedrock-scoped (advisory)", () => {
    const rolePolicy = (statement: object): TestResource => ({
      type: "aws:iam/rolePolicy:RolePolicy",
      name: "p",
      props: { policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) },
    });
    it("passes Bedrock actions on named models", async () => {
      const statement = {
        Effect: "Allow",
        Action: ["bedrock:InvokeModel"],
        Resource: ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"],
      };
      assert.deepEqual(await messages(iamBedrockScoped, rolePolicy(statement)), []);
    });
    it("catches bedrock:* and Bedrock actions on every resource, in role policies and inline policies", async () => {
      assert.deepEqual(
        await messages(iamBedrockScoped, rolePolicy({ Effect: "Allow", Action: "bedrock:*", Resource: "*" })),
        [
          'IAM policy grants "bedrock:*": name the Bedrock actions it needs.',
          'IAM policy grants Bedrock actions on Resource "*": name the model and inference-profile ARNs.',
        ],
      );
      const role: TestResource = {
        type: "aws:iam/role:Role",
        name: "r",
        props: {
          inlinePolicies: [
            {
              policy: JSON.stringify({ Statement: { Effect: "Allow", Action: "bedrock:InvokeModel", Resource: "*" } }),
            },
          ],
        },
      };
      assert.deepEqual(await messages(iamBedrockScoped, role), [
        'IAM policy grants Bedrock actions on Resource "*": name the model and inference-profile ARNs.',
      ]);
    });
  });
});

describe("policy pack: data that outlives the stack, and connections", () => {
  const key = (name: string, protect: boolean): TestResource => ({
    type: "random:index/randomPassword:RandomPassword",
    name,
    props: { length: 48 },
    protect,
  });
  const violations = async (policy: StackValidationPolicy, resources: TestResource[]) =>
    (await checkStack(policy, resources)).map((violation) => violation.message);

  it("keys-outlive-their-data: wants the keys protected where the database outlives the stack, and only there", async () => {
    assert.deepEqual(
      await violations(keysOutliveTheirData, [
        rds({ deletionProtection: true }),
        key("proxy-salt-key", true),
        key("proxy-master-key", true),
      ]),
      [],
    );
    assert.deepEqual(
      await violations(keysOutliveTheirData, [
        rds({ deletionProtection: false, skipFinalSnapshot: true }),
        key("proxy-salt-key", false),
      ]),
      [],
    );
    assert.deepEqual(
      await violations(keysOutliveTheirData, [
        rds({ deletionProtection: false, skipFinalSnapshot: false }),
        key("proxy-salt-key", false),
        key("other", false),
      ]),
      ["proxy-salt-key must be protected (protect: true): the database it reads outlives the stack."],
    );
  });

  it("proxy-keepalive-above-idle-timeout: wants the proxy's keep-alive above the load balancer's idle timeout", async () => {
    const alb = { type: "aws:lb/loadBalancer:LoadBalancer", name: "alb", props: { idleTimeout: 600 } };
    const proxy = (command: string[]) => taskDefinition([{ name: "litellm", command }]);
    assert.deepEqual(
      await violations(proxyKeepaliveAboveIdleTimeout, [alb, proxy(["--port", "4000", "--keepalive_timeout", "605"])]),
      [],
    );
    assert.deepEqual(await violations(proxyKeepaliveAboveIdleTimeout, [alb, proxy(["--port", "4000"])]), [
      'Container "litellm" keeps idle connections 5 s, not longer than the load balancer\'s idle timeout (600 s): set --keepalive_timeout above it.',
    ]);
    assert.equal(
      (await violations(proxyKeepaliveAboveIdleTimeout, [alb, proxy(["--keepalive_timeout", "600"])])).length,
      1,
    );
  });

  it("serving-tasks-do-not-migrate: wants DISABLE_SCHEMA_UPDATE on the proxy's serving containers, not on the migration", async () => {
    const serving = (environment: object[]) =>
      taskDefinition([{ name: "litellm", command: ["--port", "4000"], environment }]);
    assert.deepEqual(
      await messages(servingTasksDoNotMigrate, serving([{ name: "DISABLE_SCHEMA_UPDATE", value: "true" }])),
      [],
    );
    assert.deepEqual(await messages(servingTasksDoNotMigrate, serving([])), [
      'Container "litellm" serves without DISABLE_SCHEMA_UPDATE=true: it would migrate the schema at start, beside the other tasks.',
    ]);
    assert.deepEqual(
      await messages(
        servingTasksDoNotMigrate,
        taskDefinition([{ name: "litellm", command: ["--skip_server_startup"], environment: [] }]),
      ),
      [],
    );
    assert.deepEqual(await messages(servingTasksDoNotMigrate, taskDefinition([{ name: "mcp", environment: [] }])), []);
  });

  it("no-plaintext-to-the-world: catches an internet-facing HTTP listener open to everyone, unless the stack says so", async () => {
    const alb = (tags: Record<string, string> = {}) => ({
      type: "aws:lb/loadBalancer:LoadBalancer",
      name: "alb",
      props: { internal: false, tags },
    });
    const http = {
      type: "aws:lb/listener:Listener",
      name: "http",
      props: { protocol: "HTTP", port: 80, defaultActions: [{ type: "forward" }] },
    };
    const redirect = {
      type: "aws:lb/listener:Listener",
      name: "http",
      props: { protocol: "HTTP", port: 80, defaultActions: [{ type: "redirect" }] },
    };
    const ingress = (cidr: string) => ({
      type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      name: `in-${cidr}`,
      props: { cidrIpv4: cidr, fromPort: 80, toPort: 80, tags: { "litellm-mcp.role": "load-balancer" } },
    });
    const found = (resources: TestResource[]) => violations(noPlaintextToTheWorld, resources);
    assert.equal((await found([alb(), http, ingress("0.0.0.0/0")])).length, 1);
    assert.deepEqual(await found([alb(), http, ingress("203.0.113.0/24")]), []);
    assert.deepEqual(await found([alb(), redirect, ingress("0.0.0.0/0")]), []);
    assert.deepEqual(
      await found([alb({ "litellm-mcp.plain-http-from-anywhere": "allowed" }), http, ingress("0.0.0.0/0")]),
      [],
    );
  });

  it("admin-routes-restricted-in-prod: wants 403 rules on the admin paths of a prod load balancer", async () => {
    const run = await runProgram("prod", { outputs: awsOutputs, calls: awsCalls });
    const resources = run.resources.map(fromRegistered);
    assert.deepEqual(await violations(adminRoutesRestrictedInProd, resources), []);
    const withoutRules = resources.filter((resource) => resource.type !== "aws:lb/listenerRule:ListenerRule");
    assert.deepEqual(await violations(adminRoutesRestrictedInProd, withoutRules), [
      "The prod load balancer serves LiteLLM's admin routes to everyone it admits: no 403 rule for /ui/*, /key/*, /team/*, /user/*, /model/*, /config/*, /spend/* (set aws.loadBalancer.adminCidrs).",
    ]);
  });

  it("catches the committed prod stack with its keys unprotected", async () => {
    const run = await runProgram("prod", { outputs: awsOutputs, calls: awsCalls });
    const resources = run.resources
      .map(fromRegistered)
      .map((resource) => (resource.name === "proxy-salt-key" ? { ...resource, protect: false } : resource));
    assert.equal((await violations(keysOutliveTheirData, resources)).length, 1);
  });
});

/** What a stack's tasks run from a registry by tag: the proxy, MCP servers given as images, the trace collector (built MCP images are pushed to ECR and run by digest). */
function imagesByTag(config: StackConfig): string[] {
  const images = [
    config.proxy.image,
    ...config.mcpServers.flatMap((server) => (server.image === undefined ? [] : [server.image])),
  ];
  if (config.tracing.enabled) images.push(config.tracing.collectorImage);
  return [...new Set(images)].sort();
}

describe("the committed stacks against the policy pack", () => {
  for (const stack of committedStacks()) {
    it(`${stack}: every registered resource complies with every policy`, async () => {
      const run = await runProgram(stack, { outputs: awsOutputs, calls: awsCalls });
      const resources = run.resources.map(fromRegistered);
      const violations = [];
      for (const policy of policies) {
        if ("validateStack" in policy) violations.push(...(await checkStack(policy, resources)));
        else for (const resource of resources) violations.push(...(await checkResource(policy, resource)));
      }
      // The committed prod stack pins its images by tag until `pin-images --stack prod --write` runs where the
      // registries answer: the digest rule reports each image, as advice, on every prod preview.
      const advice = violations.filter(
        (violation) => violation.level === "advisory" && violation.policy === ecsImagesDigestInProd.name,
      );
      assert.deepEqual(
        [...new Set(advice.map((violation) => violation.message.split('"')[3]))].sort(),
        stack === "prod" ? imagesByTag(loadStack("prod")) : [],
      );
      assert.deepEqual(
        violations.filter((violation) => !advice.includes(violation)),
        [],
      );
      assert.ok(resources.length > 10);
      assert.ok(resources.every((resource) => resource.urn?.startsWith(`urn:pulumi:${stack}::litellm-mcp::`)));
    });
  }

  it("catches a stack whose proxy the config publishes beyond loopback only by its label", async () => {
    const run = await runProgram("dev", {
      outputs: awsOutputs,
      config: engineConfigOfVariant("dev", (v) => (v.docker.bindAddress = "0.0.0.0")),
    });
    const proxy = fromRegistered(run.resources.find((resource) => resource.name === "gateway-litellm-container")!);
    assert.deepEqual(await checkResource(dockerPublishedOnLoopback, proxy), []);
    const unlabelled = {
      ...proxy,
      props: {
        ...proxy.props,
        labels: (proxy.props["labels"] as { label: string }[]).filter((label) => label.label !== "litellm-mcp.expose"),
      },
    };
    assert.equal((await checkResource(dockerPublishedOnLoopback, unlabelled)).length, 1);
  });
});
