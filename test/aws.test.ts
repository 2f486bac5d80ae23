import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { ADMIN_ONLY } from "../components/aws/loadBalancer";
import { collectorConfig } from "../components/aws/telemetry";
import { renderStack } from "../components/endpoints";
import { ADMIN_PATH_PATTERNS } from "../config/constants";
import { loadStack, loadVariant, engineConfigOfVariant, type Values } from "./support/stacks";
import { ACCOUNT, awsCalls, awsOutputs } from "./support/awsMocks";
import { isSecret, type ProgramError, type ProgramRun, type Registered, reveal, runProgram } from "./support/pulumi";

async function runAws(
  stack: string,
  change?: (values: Values) => void,
  secrets: Record<string, string> = {},
): Promise<ProgramRun> {
  return runProgram(stack, {
    outputs: awsOutputs,
    calls: awsCalls,
    secrets,
    config: change ? engineConfigOfVariant(stack, change, secrets) : undefined,
  });
}

const byName = (run: ProgramRun, name: string): Registered => {
  const found = run.resources.find((resource) => resource.name === name);
  assert.ok(found, `no resource named ${name}`);
  return found;
};

interface ContainerDefinition {
  name: string;
  image: string;
  command?: string[];
  entryPoint?: string[];
  environment: { name: string; value: string }[];
  secrets: { name: string; valueFrom: string }[];
  portMappings: { name: string; containerPort: number }[];
  healthCheck: { command: string[] };
  logConfiguration: { logDriver: string; options: Record<string, string> };
  stopTimeout?: number;
}

function containersOf(run: ProgramRun, taskName: string): ContainerDefinition[] {
  return JSON.parse(reveal<string>(byName(run, taskName).inputs["containerDefinitions"])) as ContainerDefinition[];
}

/** A task's main container (the first; a trace collector may run beside it). */
function containerOf(run: ProgramRun, taskName: string): ContainerDefinition {
  return containersOf(run, taskName)[0]!;
}

function policyOf(
  run: ProgramRun,
  name: string,
): { Statement: { Sid: string; Action: string[] | string; Resource: string[] | string; Condition?: unknown }[] } {
  const policy = run.resources.find((resource) => resource.name === name && resource.type !== "aws:iam/role:Role");
  assert.ok(policy, `no policy named ${name}`);
  return JSON.parse(reveal<string>(policy.inputs["policy"]));
}

/** Ingress rules of a security group, by the group's resource name. */
function ingressOf(run: ProgramRun, groupName: string): Record<string, unknown>[] {
  return run
    .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    .filter((rule) => rule.inputs["securityGroupId"] === `${groupName}-id`)
    .map((rule) => rule.inputs);
}

const SECRET_NAME = /KEY|SECRET|TOKEN|PASSWORD|DATABASE_URL/i;

for (const stack of ["test", "prod"]) {
  describe(`${stack} stack on AWS`, () => {
    const prod = stack === "prod";
    let run: ProgramRun;
    before(async () => {
      run = await runAws(stack);
    });

    describe("database", () => {
      it("runs RDS Postgres 15 in the private subnets, never public, encrypted, with TLS required", () => {
        const db = byName(run, "gateway-database-instance").inputs;
        assert.deepEqual(
          [
            db["engine"],
            db["engineVersion"],
            db["publiclyAccessible"],
            db["storageEncrypted"],
            db["dbSubnetGroupName"],
            db["vpcSecurityGroupIds"],
          ],
          ["postgres", "15", false, true, "gateway-database-subnets-0a1b2c", ["gateway-sg-database-id"]],
        );
        const zones = prod ? 3 : 2;
        assert.deepEqual(
          byName(run, "gateway-database-subnets").inputs["subnetIds"],
          Array.from({ length: zones }, (_, index) => `gateway-vpc-private-${index}-id`),
        );
        assert.deepEqual(byName(run, "gateway-database-parameters").inputs["parameters"], [
          { name: "rds.force_ssl", value: "1" },
          { name: "max_connections", value: prod ? "400" : "100", applyMethod: "pending-reboot" },
        ]);
      });

      it(
        prod
          ? "is multi-AZ, protected from deletion, snapshotted when deleted and backed up for 14 days"
          : "is single-AZ, unprotected, not snapshotted and backed up for a day",
        () => {
          const db = byName(run, "gateway-database-instance").inputs;
          assert.deepEqual(
            [
              db["multiAz"],
              db["deletionProtection"],
              db["skipFinalSnapshot"],
              db["finalSnapshotIdentifier"],
              db["backupRetentionPeriod"],
              db["deleteAutomatedBackups"],
            ],
            prod
              ? [
                  true,
                  true,
                  false,
                  `litellm-mcp-prod-final-${String(byName(run, "gateway-database-final-snapshot").outputs["hex"])}`,
                  14,
                  false,
                ]
              : [false, false, true, undefined, 1, true],
          );
          if (prod) {
            // A name of its own per instance: new whenever a restore replaces the instance.
            assert.deepEqual(byName(run, "gateway-database-final-snapshot").inputs, {
              byteLength: 4,
              keepers: { restoredFrom: "" },
            });
            assert.match(String(db["finalSnapshotIdentifier"]), /^litellm-mcp-prod-final-[0-9a-f]{8}$/);
          } else {
            assert.ok(!run.resources.some((resource) => resource.name === "gateway-database-final-snapshot"));
          }
        },
      );

      it("keeps its password a secret and gives the proxy its URL through Secrets Manager", () => {
        const db = byName(run, "gateway-database-instance").inputs;
        assert.ok(isSecret(db["password"]));
        const url = byName(run, "gateway-database-url-value").inputs["secretString"];
        assert.ok(isSecret(url));
        assert.equal(
          reveal(url),
          `postgresql://litellm:generated-gateway-database-password@gateway-database-instance.abcdefghijkl.us-east-1.rds.amazonaws.com:5432/litellm?sslmode=require`,
        );
      });
    });

    describe("network and security groups", () => {
      it(`spans ${prod ? "three zones with a NAT gateway each" : "two zones with one NAT gateway"}`, () => {
        assert.equal(run.ofType("aws:ec2/subnet:Subnet").length, prod ? 6 : 4);
        assert.equal(run.ofType("aws:ec2/natGateway:NatGateway").length, prod ? 3 : 1);
        const routes = run
          .ofType("aws:ec2/route:Route")
          .filter((route) => route.name.endsWith("-nat"))
          .map((route) => route.inputs["natGatewayId"]);
        assert.deepEqual(
          routes,
          prod
            ? ["gateway-vpc-nat-0-id", "gateway-vpc-nat-1-id", "gateway-vpc-nat-2-id"]
            : ["gateway-vpc-nat-0-id", "gateway-vpc-nat-0-id"],
        );
      });

      it("opens nothing to 0.0.0.0/0 or ::/0 but the load balancer's listeners", () => {
        const open = run
          .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
          .filter((rule) => rule.inputs["cidrIpv4"] === "0.0.0.0/0" || rule.inputs["cidrIpv6"] === "::/0")
          .map((rule) => [rule.inputs["securityGroupId"], rule.inputs["fromPort"], rule.inputs["toPort"]]);
        // test serves plain HTTP, so only to its networks; prod serves HTTPS (and its redirect) to the internet.
        assert.deepEqual(
          open,
          prod
            ? [
                ["gateway-sg-alb-id", 443, 443],
                ["gateway-sg-alb-id", 80, 80],
              ]
            : [],
        );
        // test also admits its smoke task, which reaches the internet-facing load balancer through its NAT gateway.
        if (!prod)
          assert.deepEqual(
            ingressOf(run, "gateway-sg-alb").map((rule) => [rule["cidrIpv4"], rule["fromPort"]]),
            [
              ["203.0.113.0/24", 80],
              ["44.192.0.10/32", 80],
            ],
          );
        for (const group of run.ofType("aws:ec2/securityGroup:SecurityGroup")) {
          assert.equal(group.inputs["ingress"], undefined, `${group.name} has inline ingress rules`);
        }
      });

      it("lets only the proxy's group reach the MCP servers, the database and Redis", () => {
        for (const [group, port] of [
          ["gateway-sg-mcp", 8080],
          ["gateway-sg-database", 5432],
          ["gateway-sg-cache", 6379],
        ] as const) {
          const rules = ingressOf(run, group);
          assert.deepEqual(
            rules.map((rule) => [
              rule["referencedSecurityGroupId"],
              rule["fromPort"],
              rule["cidrIpv4"],
              rule["cidrIpv6"],
            ]),
            [["gateway-sg-proxy-id", port, undefined, undefined]],
            group,
          );
        }
        assert.deepEqual(
          ingressOf(run, "gateway-sg-proxy").map((rule) => rule["referencedSecurityGroupId"]),
          ["gateway-sg-alb-id"],
        );
      });
    });

    describe("proxy service", () => {
      it("injects every secret with valueFrom and keeps every environment entry free of secrets", () => {
        const container = containerOf(run, "gateway-proxy-task");
        assert.deepEqual(
          container.secrets.map((secret) => secret.name),
          ["DATABASE_URL", "LITELLM_MASTER_KEY", "LITELLM_SALT_KEY", "REDIS_PASSWORD"],
        );
        for (const secret of container.secrets)
          assert.match(secret.valueFrom, /^arn:aws:secretsmanager:us-east-1:123456789012:secret:litellm-mcp\//);
        for (const entry of container.environment) {
          assert.ok(
            !SECRET_NAME.test(entry.name) || entry.name === "LITELLM_CONFIG_BUCKET_OBJECT_KEY",
            `${entry.name} looks like a secret`,
          );
          assert.ok(!entry.value.includes("generated-"), `${entry.name} carries a generated secret`);
        }
        assert.ok(!isSecret(byName(run, "gateway-proxy-task").inputs["containerDefinitions"]));
      });

      it("loads config.yaml from S3, carries its hash and points at the stack's Redis over TLS", () => {
        const environment = Object.fromEntries(
          containerOf(run, "gateway-proxy-task").environment.map((entry) => [entry.name, entry.value]),
        );
        const rendered = renderStack(loadStack(stack), stack);
        assert.deepEqual(environment, {
          // The one-off migration task migrates; the serving tasks only check the schema.
          DISABLE_SCHEMA_UPDATE: "true",
          JSON_LOGS: "true",
          LITELLM_CONFIG_BUCKET_NAME: `litellm-mcp-${stack}-config-20261124`,
          LITELLM_CONFIG_BUCKET_OBJECT_KEY: "config.yaml",
          LITELLM_LOG: prod ? "ERROR" : "INFO",
          LITELLM_LOCAL_MODEL_COST_MAP: "True",
          ...(prod
            ? {
                OTEL_ENDPOINT: "http://127.0.0.1:4318/v1/traces",
                OTEL_EXPORTER: "otlp_http",
                OTEL_SERVICE_NAME: "litellm-mcp-prod",
              }
            : {}),
          PRISMA_OFFLINE_MODE: "true",
          // prod's two workers share their Prometheus samples, so that /metrics counts every worker's.
          ...(prod ? { PROMETHEUS_MULTIPROC_DIR: "/tmp/litellm-mcp-prometheus" } : {}),
          LITELLM_MCP_CONFIG_SHA256: require("node:crypto").createHash("sha256").update(rendered.yaml).digest("hex"),
          LITELLM_MODE: "PRODUCTION",
          REDIS_HOST: "master.gateway-cache-redis.abcdef.use1.cache.amazonaws.com",
          REDIS_PORT: "6379",
          REDIS_SSL: "True",
        });
      });

      it(
        prod
          ? "mounts a task volume where its two workers share their Prometheus samples"
          : "mounts no volume for one worker's metrics",
        () => {
          const container = containerOf(run, "gateway-proxy-task") as unknown as { mountPoints?: unknown[] };
          const volumes = byName(run, "gateway-proxy-task").inputs["volumes"];
          if (prod) {
            assert.deepEqual(container.mountPoints, [
              { sourceVolume: "prometheus-multiproc", containerPath: "/tmp/litellm-mcp-prometheus", readOnly: false },
            ]);
            assert.deepEqual(volumes, [{ name: "prometheus-multiproc" }]);
          } else {
            assert.deepEqual([container.mountPoints, volumes], [undefined, undefined]);
          }
        },
      );

      it("runs the pinned image with its port and one worker per vCPU, probed on the liveness route", () => {
        const container = containerOf(run, "gateway-proxy-task");
        assert.equal(container.image, "ghcr.io/berriai/litellm-database:v1.108.7");
        // Keep-alive 605 s: past the load balancer's 600 s idle timeout, so the balancer closes idle connections first.
        assert.deepEqual(
          container.command,
          prod
            ? // Two workers: each gets a minute to start before uvicorn gives up on it, and they recycle apart.
              [
                "--port",
                "4000",
                "--num_workers",
                "2",
                "--timeout_worker_healthcheck",
                "60",
                "--keepalive_timeout",
                "605",
                "--max_requests_before_restart",
                "10000",
                "--max_requests_before_restart_jitter",
                "1000",
              ]
            : ["--port", "4000", "--num_workers", "1", "--keepalive_timeout", "605"],
        );
        assert.deepEqual(container.healthCheck.command, [
          "CMD",
          "python3",
          "-c",
          "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)",
          "http://127.0.0.1:4000/health/liveliness",
        ]);
        assert.deepEqual(container.logConfiguration, {
          logDriver: "awslogs",
          options: {
            "awslogs-group": `/litellm-mcp/${stack}/proxy`,
            "awslogs-region": "us-east-1",
            "awslogs-stream-prefix": "proxy",
          },
        });
        const task = byName(run, "gateway-proxy-task").inputs;
        assert.deepEqual(
          [task["cpu"], task["memory"], task["requiresCompatibilities"], task["networkMode"]],
          prod ? ["2048", "4096", ["FARGATE"], "awsvpc"] : ["1024", "2048", ["FARGATE"], "awsvpc"],
        );
      });

      it("rolls back a failed deployment, registers with the target group and scales on CPU and requests", () => {
        const service = byName(run, "gateway-proxy-service").inputs;
        assert.deepEqual(service["deploymentCircuitBreaker"], { enable: true, rollback: true });
        assert.deepEqual(
          [
            service["desiredCount"],
            service["healthCheckGracePeriodSeconds"],
            service["launchType"],
            service["networkConfiguration"],
          ],
          [
            prod ? 2 : 1,
            180,
            "FARGATE",
            {
              subnets: Array.from({ length: prod ? 3 : 2 }, (_, index) => `gateway-vpc-private-${index}-id`),
              securityGroups: ["gateway-sg-proxy-id"],
              assignPublicIp: false,
            },
          ],
        );
        assert.deepEqual(service["loadBalancers"], [
          {
            targetGroupArn:
              "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gateway-lb-proxy/73e2d6bc24d8a067",
            containerName: "litellm",
            containerPort: 4000,
          },
        ]);
        const target = byName(run, "gateway-proxy-scaling").inputs;
        assert.deepEqual([target["minCapacity"], target["maxCapacity"]], prod ? [2, 6] : [1, 2]);
        const policies = run
          .ofType("aws:appautoscaling/policy:Policy")
          .map((policy) => policy.inputs["targetTrackingScalingPolicyConfiguration"] as Record<string, unknown>);
        assert.deepEqual(
          policies.map((policy) => [policy["targetValue"], policy["predefinedMetricSpecification"]]),
          [
            [60, { predefinedMetricType: "ECSServiceAverageCPUUtilization" }],
            [
              prod ? 500 : 500,
              {
                predefinedMetricType: "ALBRequestCountPerTarget",
                resourceLabel: "app/gateway-lb-alb/50dc6c495c0c9188/targetgroup/gateway-lb-proxy/73e2d6bc24d8a067",
              },
            ],
          ],
        );
      });

      it("lets the task role invoke exactly the configured models in their regions and read exactly config.yaml", () => {
        const statements = policyOf(run, "gateway-proxy-roles-task").Statement;
        assert.deepEqual(statements, [
          {
            Sid: "InvokeConfiguredModels",
            Effect: "Allow",
            Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
            Resource: [
              `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.claude-sonnet-5-5`,
              `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/global.anthropic.claude-sonnet-5-5`,
              `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/jp.anthropic.claude-sonnet-4-6`,
            ],
          },
          {
            Sid: "InvokeThroughConfiguredProfiles",
            Effect: "Allow",
            Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
            Resource: [
              "arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-5-5",
              "arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-6",
            ],
            Condition: {
              StringEquals: {
                "bedrock:InferenceProfileArn": [
                  `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.claude-sonnet-5-5`,
                  `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/global.anthropic.claude-sonnet-5-5`,
                  `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/jp.anthropic.claude-sonnet-4-6`,
                ],
              },
            },
          },
          {
            // The global profile routes to the region-less model ARN, which AWS authorizes with no region.
            Sid: "InvokeThroughGlobalProfiles",
            Effect: "Allow",
            Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
            Resource: ["arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-5-5"],
            Condition: {
              StringEquals: {
                "bedrock:InferenceProfileArn": [
                  `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/global.anthropic.claude-sonnet-5-5`,
                ],
                "aws:RequestedRegion": ["unspecified"],
              },
            },
          },
          {
            Sid: "ReadConfig",
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: [`arn:aws:s3:::litellm-mcp-${stack}-config-20261124/config.yaml`],
          },
          ...(prod
            ? [
                {
                  Sid: "SendTraces",
                  Effect: "Allow",
                  Action: [
                    "xray:PutTraceSegments",
                    "xray:PutTelemetryRecords",
                    "xray:GetSamplingRules",
                    "xray:GetSamplingTargets",
                    "xray:GetSamplingStatisticSummaries",
                  ],
                  Resource: ["*"],
                },
                {
                  Sid: "WriteMetrics",
                  Effect: "Allow",
                  Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                  Resource: [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/litellm-mcp/prod/metrics:*`],
                },
              ]
            : []),
        ]);
      });

      it("lets the execution role read exactly the proxy's secrets and write only its log group", () => {
        const container = containerOf(run, "gateway-proxy-task");
        const statements = policyOf(run, "gateway-proxy-roles-execution").Statement;
        assert.deepEqual(
          statements.map((statement) => statement.Sid),
          ["WriteLogs", "ReadSecrets"],
        );
        assert.deepEqual(statements[0]!.Resource, [
          `arn:aws:logs:us-east-1:123456789012:log-group:/litellm-mcp/${stack}/proxy:*`,
        ]);
        // The tasks name each secret at the version the stack wrote; the role may read the secret itself.
        for (const secret of container.secrets)
          assert.match(secret.valueFrom, /^arn:aws:secretsmanager:[^:]+:\d{12}:secret:[^:]+:::[0-9a-f-]{36}$/);
        assert.deepEqual(
          [...statements[1]!.Resource].sort(),
          container.secrets.map((secret) => secret.valueFrom.split(":::")[0]).sort(),
        );
      });
    });

    describe("config delivery", () => {
      it("puts the renderer's config.yaml for this config in the bucket", () => {
        const object = byName(run, "gateway-config-config").inputs;
        assert.equal(object["content"], renderStack(loadStack(stack), stack).yaml);
        assert.deepEqual(
          [object["bucket"], object["key"], object["serverSideEncryption"]],
          ["gateway-config-bucket-id", "config.yaml", "AES256"],
        );
      });

      it("keeps the bucket private, encrypted, versioned and TLS-only", () => {
        assert.deepEqual(byName(run, "gateway-config-public-access").inputs, {
          bucket: "gateway-config-bucket-id",
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        });
        assert.deepEqual(byName(run, "gateway-config-encryption").inputs["rules"], [
          { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true },
        ]);
        assert.deepEqual(byName(run, "gateway-config-versioning").inputs["versioningConfiguration"], {
          status: "Enabled",
        });
        const policy = policyOf(run, "gateway-config-tls-only").Statement[0]!;
        assert.deepEqual(policy.Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.equal(byName(run, "gateway-config-bucket").inputs["forceDestroy"], !prod);
      });
    });

    describe("load balancer", () => {
      it(
        prod
          ? "serves HTTPS with the configured certificate and redirects HTTP to it"
          : "serves plain HTTP without a certificate",
        () => {
          const listeners = run.ofType("aws:lb/listener:Listener").map((listener) => listener.inputs);
          const summary = listeners.map((listener) => [
            listener["port"],
            listener["protocol"],
            listener["certificateArn"],
            (listener["defaultActions"] as { type: string }[])[0]!.type,
          ]);
          assert.deepEqual(
            summary.sort(),
            prod
              ? [
                  [
                    443,
                    "HTTPS",
                    "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000000",
                    "forward",
                  ],
                  [80, "HTTP", undefined, "redirect"],
                ]
              : [[80, "HTTP", undefined, "forward"]],
          );
          // With a certificate, the name it covers: ACM issues none for the load balancer's own name.
          assert.equal(
            run.outputs["proxyUrl"],
            prod ? "https://llm.example.com" : "http://gateway-lb-alb-123456.us-east-1.elb.amazonaws.com",
          );
          assert.equal(run.outputs["loadBalancerDnsName"], "gateway-lb-alb-123456.us-east-1.elb.amazonaws.com");
        },
      );

      it(
        prod
          ? "keeps LiteLLM's admin API and UI to the admin networks at the load balancer, model and MCP routes open"
          : "has no admin rules without adminCidrs",
        () => {
          const rules = run
            .ofType("aws:lb/listenerRule:ListenerRule")
            .map((rule) => rule.inputs)
            .sort((a, b) => Number(a["priority"]) - Number(b["priority"]));
          if (!prod) return assert.deepEqual(rules, []);
          const listener = "arn:aws:lb:us-east-1:123456789012:gateway-lb-https";
          assert.deepEqual(rules[0], {
            listenerArn: listener,
            priority: 10,
            conditions: [{ sourceIp: { values: ["198.51.100.0/24"] } }],
            actions: [
              {
                type: "forward",
                targetGroupArn:
                  "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gateway-lb-proxy/73e2d6bc24d8a067",
              },
            ],
            tags: rules[0]!["tags"],
          });
          const denies = rules.slice(1);
          assert.deepEqual(
            denies.map((rule) => rule["priority"]),
            denies.map((_, index) => 100 + index),
          );
          for (const rule of denies) {
            assert.equal(rule["listenerArn"], listener);
            assert.deepEqual(rule["actions"], [
              {
                type: "fixed-response",
                fixedResponse: { statusCode: "403", contentType: "text/plain", messageBody: ADMIN_ONLY },
              },
            ]);
          }
          const patterns = denies.flatMap(
            (rule) => (rule["conditions"] as { pathPattern: { values: string[] } }[])[0]!.pathPattern.values,
          );
          assert.deepEqual(patterns, [...ADMIN_PATH_PATTERNS]);
          assert.ok(
            denies.every(
              (rule) =>
                (rule["conditions"] as { pathPattern: { values: string[] } }[])[0]!.pathPattern.values.length <= 5,
            ),
          );
          // How the load balancer matches a path pattern: * any characters, ? one, case-sensitive.
          const matches = (path: string) =>
            patterns.some((pattern) =>
              new RegExp(
                `^${pattern
                  .replace(/[.+^${}()|[\]\\]/g, "\\$&")
                  .replace(/\*/g, ".*")
                  .replace(/\?/g, ".")}$`,
              ).test(path),
            );
          for (const path of [
            "/ui",
            "/ui/login",
            "/key/generate",
            "/v2/key/info",
            "/team/new",
            "/model/new",
            "/config/update",
            "/spend/logs",
            "/user/info",
            "/cache/flushall",
            "/global/spend",
            "/sso/key/generate",
          ]) {
            assert.ok(matches(path), `${path} is not kept to the admin networks`);
          }
          for (const path of [
            "/v1/chat/completions",
            "/chat/completions",
            "/v1/models",
            "/models",
            "/mcp/context7",
            "/mcp",
            "/mcp-rest/tools/list",
            "/health/liveliness",
            "/health/readiness",
            "/v1/messages",
            "/v1/embeddings",
          ]) {
            assert.ok(!matches(path), `${path} is kept from clients`);
          }
        },
      );

      it(
        prod
          ? "puts AWS WAF in front: managed rules with the body rules counted, and a per-client rate limit"
          : "has no WAF unless asked",
        () => {
          const acls = run.ofType("aws:wafv2/webAcl:WebAcl");
          if (!prod) return assert.deepEqual(acls, []);
          const acl = acls[0]!.inputs;
          assert.deepEqual([acl["scope"], acl["defaultAction"]], ["REGIONAL", { allow: {} }]);
          const rules = acl["rules"] as Record<string, unknown>[];
          assert.deepEqual(rules[0], {
            name: "rate-limit-per-client",
            priority: 1,
            action: { block: {} },
            statement: { rateBasedStatement: { limit: 3000, aggregateKeyType: "IP", evaluationWindowSec: 300 } },
            visibilityConfig: {
              cloudwatchMetricsEnabled: true,
              sampledRequestsEnabled: true,
              metricName: "litellm-mcp-prod-rate-limit",
            },
          });
          assert.deepEqual(
            rules.slice(1).map((rule) => {
              const statement = (
                rule["statement"] as {
                  managedRuleGroupStatement: {
                    vendorName: string;
                    name: string;
                    ruleActionOverrides: { name: string; actionToUse: unknown }[];
                  };
                }
              ).managedRuleGroupStatement;
              return [
                rule["priority"],
                rule["overrideAction"],
                statement.vendorName,
                statement.name,
                statement.ruleActionOverrides.map((o) => `${o.name}:${Object.keys(o.actionToUse as object)[0]}`),
              ];
            }),
            [
              [
                10,
                { none: {} },
                "AWS",
                "AWSManagedRulesCommonRuleSet",
                [
                  "SizeRestrictions_BODY:count",
                  "CrossSiteScripting_BODY:count",
                  "GenericLFI_BODY:count",
                  "GenericRFI_BODY:count",
                  "EC2MetaDataSSRF_BODY:count",
                ],
              ],
              [
                11,
                { none: {} },
                "AWS",
                "AWSManagedRulesKnownBadInputsRuleSet",
                ["Log4JRCE_BODY:count", "JavaDeserializationRCE_BODY:count"],
              ],
            ],
          );
          const association = run.one("aws:wafv2/webAclAssociation:WebAclAssociation").inputs;
          assert.deepEqual(association, {
            resourceArn:
              "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/gateway-lb-alb/50dc6c495c0c9188",
            webAclArn: "arn:aws:wafv2:us-east-1:123456789012:gateway-lb-waf",
          });
        },
      );

      it("checks targets on the liveness route and waits long enough for streamed completions", () => {
        const alb = byName(run, "gateway-lb-alb").inputs;
        assert.deepEqual([alb["internal"], alb["idleTimeout"], alb["dropInvalidHeaderFields"]], [false, 600, true]);
        assert.deepEqual(
          alb["subnets"],
          Array.from({ length: prod ? 3 : 2 }, (_, index) => `gateway-vpc-public-${index}-id`),
        );
        const targets = byName(run, "gateway-lb-proxy").inputs;
        assert.deepEqual((targets["healthCheck"] as Record<string, unknown>)["path"], "/health/liveliness");
        assert.deepEqual([targets["targetType"], targets["port"]], ["ip", 4000]);
      });

      it("drains a task at the load balancer for as long as a request may run, then gives it Fargate's longest stop", () => {
        // ECS deregisters a task and waits out the deregistration delay before it sends SIGTERM: a stream that
        // request_timeout (600 s) allows survives a deployment and a scale-in.
        assert.equal(byName(run, "gateway-lb-proxy").inputs["deregistrationDelay"], 600);
        assert.equal(containerOf(run, "gateway-proxy-task").stopTimeout, 120);
      });

      it("drains for the longest request AWS lets it, and refuses a longer request timeout", async () => {
        const longest = await runAws(stack, (v) => (v.proxy.requestTimeoutSeconds = 3600));
        assert.equal(byName(longest, "gateway-lb-proxy").inputs["deregistrationDelay"], 3600);
        assert.throws(
          () => loadVariant(stack, (v) => (v.proxy.requestTimeoutSeconds = 3601)),
          /requestTimeoutSeconds: expected at most 3600 on aws: the load balancer drains a task for at most 3600 s/,
        );
      });

      it(
        prod
          ? "traces: LiteLLM's OpenTelemetry callback to an AWS Distro for OpenTelemetry sidecar exporting to X-Ray"
          : "runs no trace collector unless tracing is on",
        () => {
          const containers = containersOf(run, "gateway-proxy-task");
          if (!prod)
            return assert.deepEqual(
              containers.map((container) => container.name),
              ["litellm"],
            );
          const [proxy, collector] = containers as (ContainerDefinition & {
            essential: boolean;
            dependsOn?: unknown;
          })[];
          assert.deepEqual(proxy!.dependsOn, [{ containerName: "aws-otel-collector", condition: "START" }]);
          assert.deepEqual(
            { ...collector, logConfiguration: collector!.logConfiguration.options["awslogs-stream-prefix"] },
            {
              name: "aws-otel-collector",
              image: "public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0",
              essential: false,
              environment: [
                { name: "AOT_CONFIG_CONTENT", value: collectorConfig("prod", 4000, "/litellm-mcp/prod/metrics") },
                { name: "AWS_REGION", value: "us-east-1" },
              ],
              secrets: [proxy!.secrets.find((secret) => secret.name === "LITELLM_MASTER_KEY")],
              logConfiguration: "otel",
            },
          );
          // Spans to X-Ray; LiteLLM's /metrics scraped into CloudWatch under one dimension, the model.
          // biome-ignore lint/suspicious/noExplicitAny: the collector's configuration is free-form YAML
          const settings = parse(collectorConfig("prod", 4000, "/litellm-mcp/prod/metrics")) as Record<string, any>;
          assert.deepEqual(settings["service"]["pipelines"], {
            traces: { receivers: ["otlp"], processors: ["batch"], exporters: ["awsxray"] },
            metrics: { receivers: ["prometheus"], processors: ["batch"], exporters: ["awsemf"] },
          });
          assert.deepEqual(settings["receivers"]["prometheus"]["config"]["scrape_configs"][0]["static_configs"], [
            { targets: ["127.0.0.1:4000"] },
          ]);
          assert.deepEqual(settings["exporters"]["awsemf"]["metric_declarations"][0]["dimensions"], [["model"]]);
          assert.equal(settings["exporters"]["awsemf"]["namespace"], "LiteLLM/prod");
          // The collector expands its own ${env:NAME} references: the key never enters the task definition.
          const collectorEnvReference = ["$", "{env:LITELLM_MASTER_KEY}"].join("");
          assert.deepEqual(settings["receivers"]["prometheus"]["config"]["scrape_configs"][0]["authorization"], {
            type: "Bearer",
            credentials: collectorEnvReference,
          });
          assert.equal(byName(run, "gateway-proxy-metrics").inputs["name"], "/litellm-mcp/prod/metrics");
          const config = parse(String(byName(run, "gateway-config-config").inputs["content"])) as {
            litellm_settings: Record<string, unknown>;
          };
          assert.deepEqual(config.litellm_settings["callbacks"], ["otel", "prometheus"]);
        },
      );

      it("migrates the database once per version in a one-off task, before the service takes the new task definition", () => {
        const task = byName(run, "gateway-proxy-migration-task").inputs;
        assert.deepEqual(
          [task["family"], task["cpu"], task["memory"], task["taskRoleArn"]],
          [`litellm-mcp-${stack}-migrate`, "512", "1024", undefined],
        );
        const migrate = containerOf(run, "gateway-proxy-migration-task");
        assert.deepEqual(
          [migrate.image, migrate.command],
          ["ghcr.io/berriai/litellm-database:v1.108.7", ["--skip_server_startup"]],
        );
        assert.deepEqual(
          migrate.secrets.map((secret) => secret.name),
          ["DATABASE_URL"],
        );
        assert.deepEqual(
          migrate.environment.map((entry) => `${entry.name}=${entry.value}`),
          [
            "JSON_LOGS=true",
            "LITELLM_LOCAL_MODEL_COST_MAP=True",
            `LITELLM_LOG=${prod ? "ERROR" : "INFO"}`,
            "LITELLM_MODE=PRODUCTION",
            "PRISMA_OFFLINE_MODE=true",
          ],
        );
        assert.equal(migrate.logConfiguration.options["awslogs-stream-prefix"], "migrate");

        const command = byName(run, "gateway-proxy-migration");
        assert.equal(command.type, "command:local:Command");
        const taskArn = `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/litellm-mcp-${stack}-migrate:1`;
        assert.deepEqual(command.inputs["triggers"], [taskArn]);
        assert.equal(
          command.inputs["create"],
          `node ops/bin.js migrate --region us-east-1 --cluster arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/gateway-cluster-cluster-1a2b3c --task-definition ${taskArn} --subnets ${Array.from({ length: prod ? 3 : 2 }, (_, index) => `gateway-vpc-private-${index}-id`).join(",")} --security-group gateway-sg-proxy-id`,
        );
        // The service waits for the migration, which fails `up` when it fails.
        assert.ok(byName(run, "gateway-proxy-service").options.dependsOn.includes(command.urn));
      });

      it("defines the smoke check as a one-off task in the VPC: the proxy's image and Python, the load balancer's URL, the master key from Secrets Manager", () => {
        const task = byName(run, "gateway-proxy-smoke-task").inputs;
        const proxyTask = byName(run, "gateway-proxy-task").inputs;
        assert.deepEqual(
          [task["family"], task["cpu"], task["memory"], task["taskRoleArn"], task["executionRoleArn"]],
          [`litellm-mcp-${stack}-smoke`, "256", "512", undefined, proxyTask["executionRoleArn"]],
        );
        const proxy = containerOf(run, "gateway-proxy-task");
        assert.deepEqual(containersOf(run, "gateway-proxy-smoke-task"), [
          {
            name: "smoke",
            image: "ghcr.io/berriai/litellm-database:v1.108.7",
            essential: true,
            entryPoint: ["python3", "-c"],
            command: [readFileSync(join(__dirname, "..", "components", "aws", "smoke.py"), "utf8")],
            environment: [
              { name: "SMOKE_MCP_SERVERS", value: '["context7","aws_docs"]' },
              { name: "SMOKE_PROXY_URL", value: run.outputs["proxyUrl"] },
              { name: "SMOKE_TIMEOUT_SECONDS", value: "60" },
            ],
            secrets: proxy.secrets.filter((secret) => secret.name === "LITELLM_MASTER_KEY"),
            logConfiguration: {
              logDriver: "awslogs",
              options: {
                "awslogs-group": `/litellm-mcp/${stack}/proxy`,
                "awslogs-region": "us-east-1",
                "awslogs-stream-prefix": "smoke",
              },
            },
          },
        ]);
        assert.deepEqual(run.outputs["smoke"], {
          from: "vpc",
          taskDefinition: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/litellm-mcp-${stack}-smoke:1`,
          subnets: Array.from({ length: prod ? 3 : 2 }, (_, index) => `gateway-vpc-private-${index}-id`),
          securityGroups: ["gateway-sg-smoke-id"],
        });
        // It admits nothing and reaches out everywhere: its image, Secrets Manager, the load balancer.
        assert.deepEqual(ingressOf(run, "gateway-sg-smoke"), []);
        const egress = run
          .ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
          .filter((rule) => rule.inputs["securityGroupId"] === "gateway-sg-smoke-id");
        assert.deepEqual(
          egress.map((rule) => [rule.inputs["ipProtocol"], rule.inputs["cidrIpv4"] ?? rule.inputs["cidrIpv6"]]),
          [
            ["-1", "0.0.0.0/0"],
            ["-1", "::/0"],
          ],
        );
      });

      // The stack with another release and a snapshot to restore: what upgrade and rollback write into it.
      const next = "ghcr.io/berriai/litellm-database:v1.109.0";
      const snapshot = `litellm-mcp-${stack}-before-1-108-7-20261120t090000z`;
      let variant: Promise<ProgramRun> | undefined;
      const rolledOver = () =>
        (variant ??= runAws(stack, (values) => {
          (values.proxy as Values)["image"] = next;
          const aws = values.aws as Values;
          aws["database"] = { ...(aws["database"] as Values), restoreSnapshot: snapshot };
        }));

      it("snapshots the database before each release migrates it, the first one too, and the migration waits for it", async () => {
        const snapshot = byName(run, "gateway-proxy-snapshot-before-migration");
        assert.equal(snapshot.type, "command:local:Command");
        const image = "ghcr.io/berriai/litellm-database:v1.108.7";
        assert.deepEqual(snapshot.inputs, {
          create: `node ops/bin.js snapshot-db --region us-east-1 --instance gateway-database-instance-7g8h9i --stack ${stack} --before-image ${image}`,
          triggers: [image],
        });
        assert.ok(snapshot.options.dependsOn.includes(byName(run, "gateway-database-apply-parameters").urn));
        assert.ok(byName(run, "gateway-proxy-migration").options.dependsOn.includes(snapshot.urn));

        // Another release changes the trigger: the command is replaced and snapshots before that release's migration.
        const upgraded = byName(await rolledOver(), "gateway-proxy-snapshot-before-migration");
        assert.deepEqual(upgraded.inputs["triggers"], [next]);
        assert.equal(
          upgraded.inputs["create"],
          `node ops/bin.js snapshot-db --region us-east-1 --instance gateway-database-instance-7g8h9i --stack ${stack} --before-image ${next}`,
        );
      });

      it("restores the database from the snapshot the stack names (a rollback across a migration), and otherwise from none", async () => {
        assert.equal(byName(run, "gateway-database-instance").inputs["snapshotIdentifier"], undefined);
        // Without one, a snapshot it was restored from earlier stays: no replacement by an empty database.
        assert.deepEqual(byName(run, "gateway-database-instance").options.ignoreChanges, ["snapshotIdentifier"]);
        const restored = await rolledOver();
        const instance = byName(restored, "gateway-database-instance").inputs;
        assert.equal(instance["snapshotIdentifier"], snapshot);
        assert.deepEqual(byName(restored, "gateway-database-instance").options.ignoreChanges, []);
        // Everything else of the instance stays as the stack file sets it, but for the name of its own final
        // snapshot: the replaced instance leaves its snapshot under its name, this one will under another.
        const { snapshotIdentifier: _restored, finalSnapshotIdentifier: restoredFinal, ...rest } = instance;
        const { finalSnapshotIdentifier: final, ...before } = byName(run, "gateway-database-instance").inputs;
        assert.deepEqual(rest, before);
        if (prod) assert.notEqual(restoredFinal, final);
        else assert.deepEqual([restoredFinal, final], [undefined, undefined]);
      });

      it("reboots the database when, and only when, RDS holds a max_connections change for one, before the migration", () => {
        const apply = byName(run, "gateway-database-apply-parameters");
        assert.equal(apply.type, "command:local:Command");
        assert.equal(
          apply.inputs["create"],
          "node ops/bin.js apply-db-parameters --region us-east-1 --instance gateway-database-instance-7g8h9i",
        );
        assert.deepEqual(apply.inputs["triggers"], [prod ? 400 : 100]);
        const parameters = byName(run, "gateway-database-parameters");
        assert.deepEqual((parameters.inputs["parameters"] as unknown[])[1], {
          name: "max_connections",
          value: prod ? "400" : "100",
          applyMethod: "pending-reboot",
        });
        assert.ok(
          [parameters.urn, byName(run, "gateway-database-instance").urn].every((urn) =>
            apply.options.dependsOn.includes(urn),
          ),
        );
        assert.ok(byName(run, "gateway-proxy-migration").options.dependsOn.includes(apply.urn));
      });

      it("waits for every service's steady state, so a deployment the circuit breaker rolls back fails `up`", () => {
        const services = run
          .ofType("aws:ecs/service:Service")
          .map((service) => [service.name, service.inputs["waitForSteadyState"]]);
        assert.deepEqual(services, [
          ["gateway-mcp-context7-service", true],
          ["gateway-mcp-aws_docs-service", true],
          ["gateway-proxy-service", true],
        ]);
      });
    });

    describe("MCP servers", () => {
      it("runs one service per server, reached through Service Connect, in the MCP group", () => {
        for (const [server, alias] of [
          ["context7", "mcp-context7"],
          ["aws_docs", "mcp-aws-docs"],
        ]) {
          const service = byName(run, `gateway-mcp-${server}-service`).inputs;
          assert.deepEqual(service["serviceConnectConfiguration"], {
            enabled: true,
            namespace: "arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-gateway-cluster-namespace",
            services: [
              {
                portName: "mcp",
                discoveryName: alias,
                clientAlias: [{ port: 8080, dnsName: alias }],
                timeout: { perRequestTimeoutSeconds: 600 },
              },
            ],
          });
          assert.deepEqual((service["networkConfiguration"] as Record<string, unknown>)["securityGroups"], [
            "gateway-sg-mcp-id",
          ]);
          assert.deepEqual(service["deploymentCircuitBreaker"], { enable: true, rollback: true });
        }
        const urls = (
          parse(renderStack(loadStack(stack), stack).yaml) as { mcp_servers: Record<string, { url: string }> }
        ).mcp_servers;
        assert.deepEqual(
          Object.values(urls).map((server) => server.url),
          ["http://mcp-context7:8080/mcp", "http://mcp-aws-docs:8080/mcp"],
        );
      });

      it("pushes built images to the stack's ECR repositories and runs them by digest", () => {
        const images = run.ofType("docker:index/image:Image").map((image) => image.inputs);
        assert.deepEqual(
          images.map((image) => (image["build"] as { platform: string }).platform),
          ["linux/amd64", "linux/amd64"],
        );
        assert.ok(
          isSecret((images[0]!["registry"] as Record<string, unknown>)["password"]) || isSecret(images[0]!["registry"]),
        );
        assert.equal(
          containerOf(run, "gateway-mcp-context7-task").image,
          `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/gateway-mcp-context7-repository@sha256:${"1".repeat(64)}`,
        );
      });

      it("runs the stdio server behind the bridge, as on Docker", () => {
        const docs = containerOf(run, "gateway-mcp-aws_docs-task");
        assert.deepEqual(docs.entryPoint, ["mcp-proxy"]);
        assert.deepEqual(docs.command, [
          "--host",
          "0.0.0.0",
          "--port",
          "8080",
          "--stateless",
          "--pass-environment",
          "--",
          "awslabs.aws-documentation-mcp-server",
        ]);
        assert.deepEqual(docs.healthCheck.command, [
          "CMD",
          "python3",
          "-c",
          "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)",
          "http://127.0.0.1:8080/status",
        ]);
      });
    });

    describe("secrets, cluster, logs and alarms", () => {
      it(`keeps deleted secrets ${prod ? "30 days" : "no day at all"} and names them after the stack`, () => {
        for (const secret of run.ofType("aws:secretsmanager/secret:Secret")) {
          assert.equal(secret.inputs["recoveryWindowInDays"], prod ? 30 : 0);
          assert.match(String(secret.inputs["namePrefix"]), new RegExp(`^litellm-mcp/${stack}/`));
        }
        assert.match(
          String(reveal(run.outputs["masterKeySecretArn"])),
          /^arn:aws:secretsmanager:.*:secret:litellm-mcp\/[a-z]+\/master-key-/,
        );
        assert.ok(isSecret(byName(run, "proxy-master-key-value").inputs["secretString"]));
      });

      it("turns Container Insights on and keeps logs as long as the config says", () => {
        assert.deepEqual(byName(run, "gateway-cluster-cluster").inputs["settings"], [
          { name: "containerInsights", value: "enabled" },
        ]);
        for (const group of run.ofType("aws:cloudwatch/logGroup:LogGroup"))
          assert.equal(group.inputs["retentionInDays"], prod ? 90 : 14);
      });

      it("alarms on what fails first, with exact metrics and thresholds, to the configured addresses", () => {
        const single = run
          .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
          .filter((alarm) => alarm.inputs["metricName"] !== undefined);
        const summary = single.map((alarm) => {
          const i = alarm.inputs;
          return `${alarm.name.replace("gateway-alarms-", "")}: ${i["namespace"]} ${i["metricName"]} ${i["statistic"]} ${i["comparisonOperator"]} ${i["threshold"]} ${i["period"]}s x${i["evaluationPeriods"]}`;
        });
        const connections = prod ? 320 : 80;
        assert.deepEqual(summary.sort(), [
          "alb-5xx: AWS/ApplicationELB HTTPCode_ELB_5XX_Count Sum GreaterThanThreshold 10 300s x1",
          `database-connections: AWS/RDS DatabaseConnections Maximum GreaterThanThreshold ${connections} 60s x5`,
          "database-cpu: AWS/RDS CPUUtilization Average GreaterThanThreshold 80 300s x3",
          `database-storage: AWS/RDS FreeStorageSpace Minimum LessThanThreshold ${(prod ? 50 : 20) * 1024 ** 3 * 0.1} 300s x6`,
          "mcp-aws_docs-no-task: ECS/ContainerInsights RunningTaskCount Minimum LessThanThreshold 1 60s x3",
          "mcp-context7-no-task: ECS/ContainerInsights RunningTaskCount Minimum LessThanThreshold 1 60s x3",
          "proxy-5xx: AWS/ApplicationELB HTTPCode_Target_5XX_Count Sum GreaterThanThreshold 25 300s x1",
          "proxy-cpu: AWS/ECS CPUUtilization Average GreaterThanThreshold 85 300s x3",
          "redis-cpu: AWS/ElastiCache EngineCPUUtilization Average GreaterThanThreshold 80 300s x3",
          "redis-memory: AWS/ElastiCache DatabaseMemoryUsagePercentage Average GreaterThanThreshold 80 300s x3",
          "unhealthy-targets: AWS/ApplicationELB UnHealthyHostCount Maximum GreaterThanThreshold 0 60s x3",
        ]);
        assert.deepEqual(byName(run, "gateway-alarms-redis-cpu").inputs["dimensions"], {
          CacheClusterId: "gateway-cache-redis-id-001",
        });
        // Running below desired, as metric math over Container Insights, for the proxy and each MCP server.
        const belowDesired = run
          .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
          .filter((alarm) => alarm.inputs["metricName"] === undefined);
        assert.deepEqual(belowDesired.map((alarm) => alarm.name).sort(), [
          "gateway-alarms-mcp-aws_docs-below-desired",
          "gateway-alarms-mcp-context7-below-desired",
          "gateway-alarms-proxy-below-desired",
        ]);
        const proxyAlarm = byName(run, "gateway-alarms-proxy-below-desired").inputs;
        const queries = proxyAlarm["metricQueries"] as {
          id: string;
          expression?: string;
          metric?: { metricName: string; dimensions: Record<string, string> };
        }[];
        assert.deepEqual(
          queries.map(
            (query) => query.expression ?? `${query.metric!.metricName} ${query.metric!.dimensions["ServiceName"]}`,
          ),
          [
            "DesiredTaskCount gateway-proxy-service-4d5e6f",
            "RunningTaskCount gateway-proxy-service-4d5e6f",
            "desired - running",
          ],
        );
        assert.deepEqual(
          [
            proxyAlarm["comparisonOperator"],
            proxyAlarm["threshold"],
            proxyAlarm["evaluationPeriods"],
            proxyAlarm["datapointsToAlarm"],
          ],
          ["GreaterThanThreshold", 0, 10, 10],
        );
        const subscriptions = run
          .ofType("aws:sns/topicSubscription:TopicSubscription")
          .map((subscription) => subscription.inputs["endpoint"]);
        assert.deepEqual(subscriptions, prod ? ["platform-oncall@example.com"] : []);
      });

      it(
        prod
          ? "watches the stack's AWS costs with a budget on its tag, alerting the alarm topic"
          : "has no AWS Budget unless asked",
        () => {
          const budgets = run.ofType("aws:budgets/budget:Budget");
          if (!prod) return assert.deepEqual(budgets, []);
          const budget = budgets[0]!.inputs;
          const topic = `arn:aws:sns:us-east-1:${ACCOUNT}:gateway-alarms-topic`;
          assert.deepEqual(budget, {
            name: "litellm-mcp-prod",
            budgetType: "COST",
            limitAmount: "1500.00",
            limitUnit: "USD",
            timeUnit: "MONTHLY",
            costFilters: [{ name: "TagKeyValue", values: ["user:litellm-mcp.stack$prod"] }],
            notifications: [
              {
                comparisonOperator: "GREATER_THAN",
                notificationType: "ACTUAL",
                threshold: 80,
                thresholdType: "PERCENTAGE",
                subscriberSnsTopicArns: [topic],
              },
              {
                comparisonOperator: "GREATER_THAN",
                notificationType: "FORECASTED",
                threshold: 100,
                thresholdType: "PERCENTAGE",
                subscriberSnsTopicArns: [topic],
              },
            ],
          });
          const policy = JSON.parse(String(run.one("aws:sns/topicPolicy:TopicPolicy").inputs["policy"])) as {
            Statement: unknown[];
          };
          assert.deepEqual(policy.Statement, [
            {
              Sid: "BudgetsPublish",
              Effect: "Allow",
              Principal: { Service: "budgets.amazonaws.com" },
              Action: "SNS:Publish",
              Resource: topic,
            },
          ]);
        },
      );

      it("writes the load balancer's access logs to a private, encrypted bucket that expires them", () => {
        const alb = byName(run, "gateway-lb-alb");
        const bucket = byName(run, "gateway-access-logs-bucket");
        assert.deepEqual(alb.inputs["accessLogs"], {
          bucket: `litellm-mcp-${stack}-alb-logs-20261124`,
          prefix: "alb",
          enabled: true,
        });
        assert.ok(
          alb.options.dependsOn.includes(byName(run, "gateway-access-logs-policy").urn),
          "the load balancer waits for the bucket policy",
        );
        assert.equal(bucket.inputs["forceDestroy"], !prod);
        assert.deepEqual(byName(run, "gateway-access-logs-lifecycle").inputs["rules"], [
          {
            id: "expire-access-logs",
            status: "Enabled",
            filter: { prefix: "alb/" },
            expiration: { days: 90 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ]);
        assert.deepEqual(byName(run, "gateway-access-logs-encryption").inputs["rules"], [
          { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ]);
        const policy = JSON.parse(String(byName(run, "gateway-access-logs-policy").inputs["policy"])) as {
          Statement: { Sid: string; Principal: unknown; Resource: unknown }[];
        };
        const logs = `arn:aws:s3:::litellm-mcp-${stack}-alb-logs-20261124/alb/AWSLogs/${ACCOUNT}/*`;
        assert.deepEqual(
          policy.Statement.map((statement) => [statement.Sid, statement.Principal, statement.Resource]),
          [
            ["ElbRegionalAccountWrites", { AWS: "arn:aws:iam::127311923021:root" }, logs],
            ["ElbLogDeliveryWrites", { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, logs],
            [
              "DenyInsecureTransport",
              "*",
              [
                `arn:aws:s3:::litellm-mcp-${stack}-alb-logs-20261124`,
                `arn:aws:s3:::litellm-mcp-${stack}-alb-logs-20261124/*`,
              ],
            ],
          ],
        );
      });

      it("draws one dashboard: traffic, latency, tasks against desired, saturation, connections against max_connections", () => {
        const dashboard = run.one("aws:cloudwatch/dashboard:Dashboard").inputs;
        assert.equal(dashboard["dashboardName"], `litellm-mcp-${stack}`);
        const widgets = (
          JSON.parse(String(dashboard["dashboardBody"])) as {
            widgets: {
              x: number;
              y: number;
              properties: { title: string; region: string; metrics: unknown[][]; annotations?: unknown };
            }[];
          }
        ).widgets;
        assert.deepEqual(
          widgets.map((widget) => [widget.properties.title, widget.x, widget.y]),
          [
            ["Requests and errors (load balancer)", 0, 0],
            ["Latency (target response time)", 12, 0],
            ["Tasks: running against desired", 0, 6],
            ["CPU and memory (% of the task's)", 12, 6],
            ["Database connections against max_connections", 0, 12],
            ["Database CPU and free storage", 12, 12],
            ...(prod
              ? ([
                  ["LiteLLM spend per model (USD per 5 minutes)", 0, 18],
                  ["LiteLLM tokens per model (per 5 minutes)", 12, 18],
                  ["Redis", 0, 24],
                ] as const)
              : ([["Redis", 0, 18]] as const)),
          ],
        );
        if (prod) {
          assert.deepEqual(widgets[6]!.properties.metrics, [
            [
              {
                expression: "SEARCH('{LiteLLM/prod,model} litellm_spend_metric', 'Sum', 300)",
                id: "spend",
                label: "spend",
              },
            ],
          ]);
        }
        assert.ok(widgets.every((widget) => widget.properties.region === "us-east-1"));
        const connections = widgets[4]!.properties;
        assert.deepEqual(connections.metrics, [
          [
            "AWS/RDS",
            "DatabaseConnections",
            "DBInstanceIdentifier",
            "gateway-database-instance-7g8h9i",
            { label: "connections" },
          ],
        ]);
        assert.deepEqual(connections.annotations, {
          horizontal: [{ label: "max_connections", value: prod ? 400 : 100 }],
        });
        assert.deepEqual(
          widgets[1]!.properties.metrics.map((metric) => (metric[4] as { stat: string }).stat),
          ["p50", "p90", "p99"],
        );
        assert.deepEqual(
          widgets[2]!.properties.metrics.map((metric) => `${metric[1]} ${metric[5]}`),
          ["proxy", "context7", "aws_docs"].flatMap((service) => {
            const name = service === "proxy" ? "gateway-proxy-service-4d5e6f" : `gateway-mcp-${service}-service-4d5e6f`;
            return [`RunningTaskCount ${name}`, `DesiredTaskCount ${name}`];
          }),
        );
      });

      it("exports the URLs, the master key's ARN, cluster, database instance, service and log group names", () => {
        assert.deepEqual(Object.keys(run.outputs), [
          "target",
          "proxyUrl",
          "mcpGatewayUrl",
          "loadBalancerDnsName",
          "masterKeySecretArn",
          "region",
          "clusterName",
          "databaseInstance",
          "smoke",
          "services",
          "logGroups",
          "configBucket",
          "alarmTopicArn",
          "dashboardName",
          "configYaml",
        ]);
        assert.deepEqual(run.outputs["logGroups"], {
          proxy: `/litellm-mcp/${stack}/proxy`,
          mcpServers: {
            context7: `/litellm-mcp/${stack}/mcp/context7`,
            aws_docs: `/litellm-mcp/${stack}/mcp/aws_docs`,
          },
        });
        assert.deepEqual(run.outputs["services"], {
          proxy: "gateway-proxy-service-4d5e6f",
          mcpServers: {
            context7: "gateway-mcp-context7-service-4d5e6f",
            aws_docs: "gateway-mcp-aws_docs-service-4d5e6f",
          },
        });
        assert.equal(run.outputs["mcpGatewayUrl"], `${run.outputs["proxyUrl"]}/mcp`);
        assert.equal(run.outputs["databaseInstance"], "gateway-database-instance-7g8h9i");
      });
    });
  });
}

describe("AWS stack variants", () => {
  it("lets the smoke task into an internal load balancer by its security group, on the serving port only", async () => {
    const run = await runAws(
      "prod",
      (v) => (v.aws.loadBalancer = { ...v.aws.loadBalancer, internal: true, ingressCidrs: ["10.0.0.0/8"] }),
    );
    assert.deepEqual(
      ingressOf(run, "gateway-sg-alb").map((rule) => [
        rule["cidrIpv4"] ?? rule["referencedSecurityGroupId"],
        rule["fromPort"],
      ]),
      [
        ["10.0.0.0/8", 443],
        ["10.0.0.0/8", 80],
        ["gateway-sg-smoke-id", 443],
      ],
    );
  });

  it("admits the smoke task through each NAT gateway's address of an internet-facing load balancer closed to the internet", async () => {
    const run = await runAws(
      "prod",
      (v) => (v.aws.loadBalancer = { ...v.aws.loadBalancer, ingressCidrs: ["198.51.100.0/24"] }),
    );
    // prod has one NAT gateway per zone: the task leaves through its own zone's.
    assert.deepEqual(
      ingressOf(run, "gateway-sg-alb")
        .filter((rule) => rule["description"] === "the smoke check task, through a NAT gateway")
        .map((rule) => [rule["cidrIpv4"], rule["fromPort"]]),
      [
        ["44.192.0.10/32", 443],
        ["44.192.0.11/32", 443],
        ["44.192.0.12/32", 443],
      ],
    );
  });

  it("defines no smoke task, group or rule when the smoke check runs from the deploying machine", async () => {
    const run = await runAws("test", (v) => (v.aws.smoke = { from: "runner" }));
    assert.deepEqual(
      run.resources.filter((resource) => resource.name.includes("smoke") || /alb-in-\d+-nat-/.test(resource.name)),
      [],
    );
    assert.deepEqual(
      ingressOf(run, "gateway-sg-alb").map((rule) => rule["cidrIpv4"]),
      ["203.0.113.0/24"],
    );
    assert.deepEqual(run.outputs["smoke"], { from: "runner" });
  });

  it("has no Redis, no cache group and no Redis settings when one proxy task is the most", async () => {
    const run = await runAws("test", (v) => (v.aws.service = { ...v.aws.service, minCount: 1, maxCount: 1 }));
    assert.equal(run.ofType("aws:elasticache/replicationGroup:ReplicationGroup").length, 0);
    assert.ok(!run.resources.some((resource) => resource.name === "gateway-sg-cache"));
    const container = containerOf(run, "gateway-proxy-task");
    assert.ok(!container.environment.some((entry) => entry.name.startsWith("REDIS_")));
    assert.ok(!container.secrets.some((entry) => entry.name.startsWith("REDIS_")));
    const config = parse(String(byName(run, "gateway-config-config").inputs["content"])) as {
      router_settings: Record<string, unknown>;
    };
    assert.deepEqual(config.router_settings, {
      routing_strategy: "simple-shuffle",
      allowed_fails: 0,
      cooldown_time: 30,
    });
  });

  it("adds interface endpoints for the AWS APIs the tasks call, reachable on 443 from the VPC only, when asked", async () => {
    const run = await runAws("prod", (v) => (v.aws.network.interfaceEndpoints = true));
    const endpoints = run
      .ofType("aws:ec2/vpcEndpoint:VpcEndpoint")
      .filter((endpoint) => endpoint.inputs["vpcEndpointType"] === "Interface");
    assert.deepEqual(
      endpoints.map((endpoint) => endpoint.inputs["serviceName"]),
      [
        "com.amazonaws.us-east-1.bedrock-runtime",
        "com.amazonaws.us-east-1.secretsmanager",
        "com.amazonaws.us-east-1.sts",
        "com.amazonaws.us-east-1.ecr.api",
        "com.amazonaws.us-east-1.ecr.dkr",
        "com.amazonaws.us-east-1.logs",
      ],
    );
    for (const endpoint of endpoints) {
      assert.deepEqual(
        [endpoint.inputs["privateDnsEnabled"], endpoint.inputs["subnetIds"], endpoint.inputs["securityGroupIds"]],
        [
          true,
          ["gateway-vpc-private-0-id", "gateway-vpc-private-1-id", "gateway-vpc-private-2-id"],
          ["gateway-vpc-endpoints-id"],
        ],
      );
    }
    assert.deepEqual(
      ingressOf(run, "gateway-vpc-endpoints").map((rule) => [rule["cidrIpv4"], rule["fromPort"], rule["toPort"]]),
      [["10.42.0.0/16", 443, 443]],
    );
    const plain = await runAws("prod");
    assert.deepEqual(
      plain.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").map((endpoint) => endpoint.inputs["vpcEndpointType"]),
      ["Gateway"],
    );
  });

  it("runs Redis encrypted in transit and at rest, with its token in Secrets Manager", async () => {
    const run = await runAws("prod");
    const redis = byName(run, "gateway-cache-redis").inputs;
    assert.deepEqual(
      [
        redis["engine"],
        redis["transitEncryptionEnabled"],
        redis["atRestEncryptionEnabled"],
        redis["numCacheClusters"],
        redis["automaticFailoverEnabled"],
        redis["securityGroupIds"],
      ],
      ["valkey", true, true, 2, true, ["gateway-sg-cache-id"]],
    );
    assert.ok(isSecret(redis["authToken"]));
    assert.equal(redis["authTokenUpdateStrategy"], "ROTATE");
    const token = containerOf(run, "gateway-proxy-task").secrets.find((secret) => secret.name === "REDIS_PASSWORD");
    assert.match(
      token?.valueFrom ?? "",
      /^arn:aws:secretsmanager:us-east-1:123456789012:secret:litellm-mcp\/prod\/redis-auth-token-AbCdEf:::[0-9a-f-]{36}$/,
    );
  });

  it("stores a secret LiteLLM setting in Secrets Manager and hands it to the proxy by reference", async () => {
    const run = await runAws(
      "prod",
      (v) => (v.litellm = { litellm_settings: { api_key: { secret: { config: "openaiKey" } } } }),
      { "litellm-mcp:openaiKey": "sk-openai-value" },
    );
    const stored = byName(run, "gateway-secrets-openaiKey-value").inputs["secretString"];
    assert.ok(isSecret(stored));
    assert.equal(reveal(stored), "sk-openai-value");
    const proxy = containerOf(run, "gateway-proxy-task");
    assert.match(
      proxy.secrets.find((secret) => secret.name === "LITELLM_LITELLM_SETTINGS_API_KEY")?.valueFrom ?? "",
      /^arn:aws:secretsmanager:us-east-1:123456789012:secret:litellm-mcp\/prod\/openaiKey-AbCdEf:::[0-9a-f-]{36}$/,
    );
    const content = String(byName(run, "gateway-config-config").inputs["content"]);
    assert.ok(
      content.includes("api_key: os.environ/LITELLM_LITELLM_SETTINGS_API_KEY") && !content.includes("sk-openai-value"),
      content,
    );
  });

  it("resolves an existing secret given by a partial ARN to its complete ARN, for the task and the role that reads it", async () => {
    const partial = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shared/docs-token";
    const run = await runAws("prod", (v) => (v.mcpServers[1].secrets = { DOCS_TOKEN: { secretsManager: partial } }));
    const complete = `${partial}-AbCdEf`;
    assert.deepEqual(containerOf(run, "gateway-mcp-aws_docs-task").secrets, [
      { name: "DOCS_TOKEN", valueFrom: complete },
    ]);
    const readSecrets = policyOf(run, "gateway-mcp-aws_docs-roles-execution").Statement.find(
      (statement) => statement.Sid === "ReadSecrets",
    );
    assert.deepEqual(readSecrets?.Resource, [complete]);
  });

  it("stores an MCP key from secret config in Secrets Manager and an existing secret by its looked-up ARN", async () => {
    const run = await runAws(
      "prod",
      (v) => {
        v.mcpServers[0].auth = { type: "bearer_token", secret: { config: "context7ApiKey" } };
        v.mcpServers[1].secrets = { DOCS_TOKEN: { secretsManager: "shared/docs-token" } };
      },
      { "litellm-mcp:context7ApiKey": "ctx7-key" },
    );
    const stored = byName(run, "gateway-secrets-context7ApiKey-value").inputs["secretString"];
    assert.ok(isSecret(stored));
    assert.equal(reveal(stored), "ctx7-key");
    const proxy = containerOf(run, "gateway-proxy-task");
    assert.match(
      proxy.secrets.find((secret) => secret.name === "MCP_CONTEXT7_AUTH")?.valueFrom ?? "",
      /^arn:aws:secretsmanager:us-east-1:123456789012:secret:litellm-mcp\/prod\/context7ApiKey-AbCdEf:::[0-9a-f-]{36}$/,
    );
    const docs = containerOf(run, "gateway-mcp-aws_docs-task");
    assert.deepEqual(docs.secrets, [
      {
        name: "DOCS_TOKEN",
        valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:shared/docs-token-AbCdEf",
      },
    ]);
    const docsPolicy = policyOf(run, "gateway-mcp-aws_docs-roles-execution").Statement.find(
      (statement) => statement.Sid === "ReadSecrets",
    );
    assert.deepEqual(docsPolicy?.Resource, [
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:shared/docs-token-AbCdEf",
    ]);
    const context7Policy = policyOf(run, "gateway-mcp-context7-roles-execution").Statement.map(
      (statement) => statement.Sid,
    );
    assert.ok(!context7Policy.includes("ReadSecrets"));
    for (const task of run.ofType("aws:ecs/taskDefinition:TaskDefinition")) {
      assert.ok(!String(reveal(task.inputs["containerDefinitions"])).includes("ctx7-key"));
    }
  });

  it("keeps the task role's policy under AWS's inline limit with 200 models, granting their families", async function () {
    this.timeout(60_000);
    const run = await runAws("prod", (v) => {
      // Ids newer than the model catalog, each said to be checked with Bedrock.
      v.models = Array.from({ length: 200 }, (_, index) => ({
        name: `model-${index}`,
        bedrockModelId:
          index % 2 === 0 ? `us.anthropic.claude-model-${index}-v1:0` : `jp.anthropic.claude-model-${index}-v1:0`,
        region: index % 2 === 0 ? "us-east-1" : "ap-northeast-1",
        checkedWithBedrock: "2026-11-30",
      }));
    });
    const policy = run.resources.find(
      (resource) => resource.name === "gateway-proxy-roles-task" && resource.type === "aws:iam/rolePolicy:RolePolicy",
    )!;
    const text = reveal<string>(policy.inputs["policy"]);
    assert.ok(text.length <= 10_240, `${text.length} characters`);
    const statements = policyOf(run, "gateway-proxy-roles-task").Statement;
    assert.deepEqual(statements.find((statement) => statement.Sid === "InvokeConfiguredModels")?.Resource, [
      `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.*`,
      `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/jp.anthropic.*`,
    ]);
    const routed = statements.find((statement) => statement.Sid === "InvokeThroughConfiguredProfiles")!;
    assert.deepEqual(
      [routed.Resource, routed.Condition],
      [
        ["arn:aws:bedrock:*::foundation-model/anthropic.*"],
        {
          StringLike: {
            "bedrock:InferenceProfileArn": [
              `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.*`,
              `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/jp.anthropic.*`,
            ],
          },
        },
      ],
    );
  });

  it("lets ELB write access logs in a region opened since August 2022, which has no ELB account, through its service principal", async () => {
    // Zurich (eu-central-2): an account-based grant would name an account that does not exist there.
    const config = engineConfigOfVariant("test", () => undefined);
    config.config["aws:region"] = "eu-central-2";
    const run = await runProgram("test", {
      outputs: awsOutputs,
      calls: {
        ...awsCalls,
        "aws:index/getRegion:getRegion": () => ({
          region: "eu-central-2",
          name: "eu-central-2",
          id: "eu-central-2",
          endpoint: "ec2.eu-central-2.amazonaws.com",
          description: "Europe (Zurich)",
        }),
        "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
          names: ["eu-central-2a", "eu-central-2b", "eu-central-2c"],
          zoneIds: ["euc2-az1", "euc2-az2", "euc2-az3"],
          id: "eu-central-2",
        }),
      },
      config,
    });
    const policy = JSON.parse(String(byName(run, "gateway-access-logs-policy").inputs["policy"])) as {
      Statement: { Sid: string; Principal: unknown }[];
    };
    assert.deepEqual(
      policy.Statement.map((statement) => [statement.Sid, statement.Principal]),
      [
        ["ElbLogDeliveryWrites", { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }],
        ["DenyInsecureTransport", "*"],
      ],
    );
  });

  it("lets the proxy assume a model's role instead of granting that model to the task role", async () => {
    const run = await runAws("prod", (v) => {
      v.models[2].bedrockModelId = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
      v.models[2].roleArn = "arn:aws:iam::210987654321:role/bedrock-us";
    });
    const statements = policyOf(run, "gateway-proxy-roles-task").Statement;
    assert.deepEqual(statements.find((statement) => statement.Sid === "AssumeModelRoles")?.Resource, [
      "arn:aws:iam::210987654321:role/bedrock-us",
    ]);
    const granted = statements.flatMap((statement) =>
      Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource],
    );
    assert.ok(!granted.some((arn) => arn.includes("claude-sonnet-4-5")), granted.join(", "));
    assert.ok(
      granted.some((arn) => arn.includes("us.anthropic.claude-sonnet-5-5")),
      "the other models stay granted",
    );
  });

  it("uses an existing VPC and its subnets without creating a network", async () => {
    const run = await runAws("test", (v) => {
      v.aws.network = {
        existing: {
          vpcId: "vpc-0abc12345def67890",
          publicSubnetIds: ["subnet-0aaa1111", "subnet-0bbb2222"],
          privateSubnetIds: ["subnet-0ccc3333", "subnet-0ddd4444"],
        },
      };
    });
    for (const type of [
      "aws:ec2/vpc:Vpc",
      "aws:ec2/subnet:Subnet",
      "aws:ec2/natGateway:NatGateway",
      "aws:ec2/internetGateway:InternetGateway",
    ]) {
      assert.equal(run.ofType(type).length, 0, type);
    }
    assert.deepEqual(byName(run, "gateway-lb-alb").inputs["subnets"], ["subnet-0aaa1111", "subnet-0bbb2222"]);
    assert.deepEqual(byName(run, "gateway-database-subnets").inputs["subnetIds"], [
      "subnet-0ccc3333",
      "subnet-0ddd4444",
    ]);
    assert.equal(byName(run, "gateway-sg-proxy").inputs["vpcId"], "vpc-0abc12345def67890");
  });

  it("rolls the proxy onto a changed config.yaml through the task definition", async () => {
    const before = containerOf(await runAws("test"), "gateway-proxy-task");
    const after = containerOf(await runAws("test", (v) => v.models.pop()), "gateway-proxy-task");
    const hash = (container: ContainerDefinition) =>
      container.environment.find((entry) => entry.name === "LITELLM_MCP_CONFIG_SHA256")?.value;
    assert.notEqual(hash(before), hash(after));
  });

  for (const [title, change, message] of [
    [
      "prod without a certificate",
      (v: Values) => {
        delete v.aws.loadBalancer.certificateArn;
        v.aws.loadBalancer.ingressCidrs = ["198.51.100.0/24"];
      },
      "litellm-mcp:aws.loadBalancer.certificateArn: expected an ACM certificate ARN: prod serves HTTPS only",
    ],
    [
      "auth off on AWS",
      (v: Values) => (v.proxy.auth = false),
      "litellm-mcp:proxy.auth: expected true: only a dev stack on the docker target may turn auth off, got false",
    ],
  ] as const) {
    it(`stops on ${title} before any resource is registered`, async () => {
      await assert.rejects(runAws("prod", change), (error: ProgramError) => {
        assert.ok(error instanceof pulumi.RunError);
        assert.equal(error.message, `Pulumi.prod.yaml: ${message}`);
        assert.deepEqual(error.registered, []);
        return true;
      });
    });
  }
});

describe("test and prod", () => {
  /** Every registered input, by resource and key, with the stack's name taken out of strings. */
  function inputs(run: ProgramRun, stack: string): Map<string, string> {
    const flat = new Map<string, string>();
    for (const resource of run.resources) {
      for (const [key, value] of Object.entries(reveal<Record<string, unknown>>(resource.inputs))) {
        flat.set(
          `${resource.type} ${resource.name} ${key}`,
          JSON.stringify(value).replace(new RegExp(`\\b${stack}\\b`, "g"), "STACK"),
        );
      }
    }
    return flat;
  }

  it("differ only where their configs differ", async () => {
    const testRun = await runAws("test");
    const prodRun = await runAws("prod");
    // The same program given prod's config with test's values for every key where the two differ is test.
    const prodAsTest = await runAws("prod", (v) => {
      const testConfig = loadVariant("test", () => undefined);
      v.stage = "test";
      v.proxy = { ...v.proxy, logLevel: testConfig.proxy.logLevel };
      delete v.proxy.maxRequestsBeforeRestart;
      v.database = { maxConnections: testConfig.database.maxConnections };
      delete v.spend;
      v.aws = engineConfigValues("test").aws;
    });
    const test = inputs(testRun, "test");
    assert.deepEqual([...inputs(prodAsTest, "prod").entries()].sort(), [...test.entries()].sort());

    // What prod has and test has not follows from those keys: a third zone with its NAT gateway, HTTPS, an alarm
    // recipient and a final snapshot.
    const id = (resource: Registered) => `${resource.type} ${resource.name}`;
    const testIds = new Set(testRun.resources.map(id));
    const prodOnly = [
      "aws:budgets/budget:Budget gateway-alarms-budget",
      // Tracing is on in prod: LiteLLM's metrics go to a log group of their own.
      "aws:cloudwatch/logGroup:LogGroup gateway-proxy-metrics",
      "aws:ec2/eip:Eip gateway-vpc-nat-1",
      "aws:ec2/eip:Eip gateway-vpc-nat-2",
      "aws:ec2/natGateway:NatGateway gateway-vpc-nat-1",
      "aws:ec2/natGateway:NatGateway gateway-vpc-nat-2",
      "aws:ec2/route:Route gateway-vpc-private-2-nat",
      "aws:ec2/routeTable:RouteTable gateway-vpc-private-2",
      "aws:ec2/routeTableAssociation:RouteTableAssociation gateway-vpc-private-2",
      "aws:ec2/routeTableAssociation:RouteTableAssociation gateway-vpc-public-2",
      "aws:ec2/subnet:Subnet gateway-vpc-private-2",
      "aws:ec2/subnet:Subnet gateway-vpc-public-2",
      "aws:lb/listener:Listener gateway-lb-https",
      ...Array.from(
        { length: Math.ceil(ADMIN_PATH_PATTERNS.length / 5) },
        (_, index) => `aws:lb/listenerRule:ListenerRule gateway-lb-rule-admin-paths-${index}`,
      ),
      "aws:lb/listenerRule:ListenerRule gateway-lb-rule-admins-0",
      "aws:sns/topicPolicy:TopicPolicy gateway-alarms-topic-policy",
      "aws:sns/topicSubscription:TopicSubscription gateway-alarms-email-0",
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule gateway-sg-alb-in-443-0",
      "aws:wafv2/webAcl:WebAcl gateway-lb-waf",
      "aws:wafv2/webAclAssociation:WebAclAssociation gateway-lb-waf-association",
      "random:index/randomId:RandomId gateway-database-final-snapshot",
    ];
    assert.deepEqual(
      prodRun.resources
        .map(id)
        .filter((resource) => !testIds.has(resource))
        .sort(),
      prodOnly.sort(),
    );
    const prod = inputs(prodRun, "prod");
    assert.deepEqual(
      [...prod.keys()].filter((key) => !test.has(key) && testIds.has(key.split(" ").slice(0, 2).join(" "))),
      // prod's two workers share their Prometheus samples on a task volume.
      [
        "aws:rds/instance:Instance gateway-database-instance finalSnapshotIdentifier",
        "aws:ecs/taskDefinition:TaskDefinition gateway-proxy-task volumes",
      ],
    );
  });
});

function engineConfigValues(stack: string): Values {
  const { config } = engineConfigOfVariant(stack, () => undefined);
  return Object.fromEntries(
    Object.entries(config)
      .filter(([key]) => key.startsWith("litellm-mcp:"))
      .map(([key, value]) => [
        key.slice("litellm-mcp:".length),
        value.startsWith("{") || value.startsWith("[") ? JSON.parse(value) : value,
      ]),
  );
}
