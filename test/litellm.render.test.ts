import { MODELLED, SECTIONS } from "../config/litellmSettings";
import { strict as assert } from "node:assert";
import { parse } from "yaml";
import { loopbackRenderContext, renderContextFor, renderStack } from "../components/endpoints";
import { type RenderContext, renderLiteLLMConfig } from "../config/render";
import { validateStackInput } from "../config/load";
import type { StackConfig } from "../config/schema";
import { committedStacks, loadStack, loadVariant, readStack, type Values } from "./support/stacks";

const context: RenderContext = {
  mcpServerUrls: { context7: "http://ctx7:8080/mcp", aws_docs: "http://docs:8080/mcp" },
  redis: false,
  redisTls: false,
  maxInstances: 1,
  databaseMaxConnections: 100,
  readsConfigFile: true,
  otelTracesUrl: "http://127.0.0.1:4318/v1/traces",
  otelServiceName: "litellm-mcp-test",
};

function render(config: StackConfig, overrides: Partial<RenderContext> = {}) {
  return renderLiteLLMConfig(config, { ...context, ...overrides });
}

describe("LiteLLM config renderer", () => {
  describe("model_list", () => {
    it("lists every model as a Bedrock deployment in its region, with no credential", () => {
      const { document } = render(loadStack("dev"));
      assert.deepEqual(document.model_list, [
        {
          model_name: "claude-sonnet",
          litellm_params: { model: "bedrock/us.anthropic.claude-sonnet-5-5", aws_region_name: "us-east-1" },
          model_info: { id: "claude-sonnet.us-east-1" },
        },
        {
          model_name: "claude-sonnet",
          litellm_params: { model: "bedrock/global.anthropic.claude-sonnet-5-5", aws_region_name: "ap-northeast-1" },
          model_info: { id: "claude-sonnet.ap-northeast-1" },
        },
        {
          model_name: "claude-sonnet-us",
          litellm_params: { model: "bedrock/us.anthropic.claude-sonnet-5-5", aws_region_name: "us-east-1" },
          model_info: { id: "claude-sonnet-us" },
        },
        {
          model_name: "claude-sonnet-4-6-jp",
          litellm_params: { model: "bedrock/jp.anthropic.claude-sonnet-4-6", aws_region_name: "ap-northeast-1" },
          model_info: { id: "claude-sonnet-4-6-jp" },
        },
      ]);
    });

    it("assumes a role only for the models that name one", () => {
      const config = loadVariant("prod", (v) => {
        v.models[1].roleArn = "arn:aws:iam::123456789012:role/bedrock-apac";
        v.models[2].roleArn = "arn:aws:iam::123456789012:role/bedrock-us";
        v.models[2].sessionName = "gateway";
      });
      const params = render(config).document.model_list.map((entry) => [
        entry.litellm_params["aws_role_name"],
        entry.litellm_params["aws_session_name"],
      ]);
      assert.deepEqual(params, [
        [undefined, undefined],
        ["arn:aws:iam::123456789012:role/bedrock-apac", "litellm-mcp"],
        ["arn:aws:iam::123456789012:role/bedrock-us", "gateway"],
        [undefined, undefined],
      ]);
    });

    it("serves models of one group under the group's name, each with its own id", () => {
      const config = loadVariant("dev", (v) => {
        v.models[2].group = "claude-sonnet-pinned";
        Object.assign(v.models[3], {
          group: "claude-sonnet-pinned",
          bedrockModelId: "global.anthropic.claude-sonnet-5-5",
        });
      });
      const entries = render(config)
        .document.model_list.slice(2)
        .map((entry) => [entry.model_name, entry.model_info.id]);
      assert.deepEqual(entries, [
        ["claude-sonnet-pinned", "claude-sonnet-us"],
        ["claude-sonnet-pinned", "claude-sonnet-4-6-jp"],
      ]);
    });

    it("adds rate limits and extra params after the model's own keys, in a stable order", () => {
      const config = loadVariant("dev", (v) => {
        v.models[0].rpm = 100;
        v.models[0].tpm = 200000;
        v.models[0].params = { temperature: 0.2, max_tokens: 4096 };
      });
      assert.deepEqual(Object.entries(render(config).document.model_list[0]!.litellm_params), [
        ["model", "bedrock/us.anthropic.claude-sonnet-5-5"],
        ["aws_region_name", "us-east-1"],
        ["rpm", 100],
        ["tpm", 200000],
        ["max_tokens", 4096],
        ["temperature", 0.2],
      ]);
    });
  });

  describe("general_settings", () => {
    it("reads the master key and the database URL from the environment and sizes the pool per worker", () => {
      assert.deepEqual(
        render(loadStack("prod"), { maxInstances: 6, databaseMaxConnections: 130, readsConfigFile: true }).document
          .general_settings,
        {
          master_key: "os.environ/LITELLM_MASTER_KEY",
          database_url: "os.environ/DATABASE_URL",
          // (130 - 10 reserved) / (6 instances x 2 workers)
          database_connection_pool_limit: 10,
          store_model_in_db: false,
          proxy_batch_write_at: 60,
          allow_requests_on_db_unavailable: false,
          disable_spend_logs: false,
        },
      );
    });

    it("sizes the pool of a proxy that reads config.yaml from a file (Docker), at the limits", () => {
      const poolOf = (maxConnections: number) =>
        renderStack(
          loadVariant("dev", (v) => (v.database.maxConnections = maxConnections)),
          "dev",
        ).document.general_settings["database_connection_pool_limit"];
      // Docker replaces its single container: one instance, 10 connections reserved.
      assert.deepEqual([poolOf(20), poolOf(100)], [10, 90]);
      const eightWorkers = (maxConnections: number) =>
        renderStack(
          loadVariant(
            "dev",
            (v) => Object.assign(v.proxy, { workers: 8 }) && Object.assign(v.database, { maxConnections }),
          ),
          "dev",
        ).document.general_settings["database_connection_pool_limit"];
      assert.deepEqual([eightWorkers(25), eightWorkers(26)], [1, 2]);
      assert.throws(
        () =>
          loadVariant(
            "dev",
            (v) => Object.assign(v.proxy, { workers: 16 }) && Object.assign(v.database, { maxConnections: 25 }),
          ),
        /expected at least 26: 1 proxy instance\(s\) x 16 worker\(s\) each need a connection/,
      );
    });

    it("on AWS renders no pool setting, which the proxy would not read, and sizes the database for LiteLLM's own pool in every task a rolling deployment runs", () => {
      const general = (maxConnections: number) =>
        renderStack(
          loadVariant("prod", (v) => (v.database.maxConnections = maxConnections)),
          "prod",
        ).document.general_settings;
      // prod: maxCount 6, twice that during a deployment (200%), 2 workers per task, 10 connections each, 10 reserved.
      assert.ok(!("database_connection_pool_limit" in general(250)));
      assert.throws(
        () => loadVariant("prod", (v) => (v.database.maxConnections = 249)),
        /expected at least 250: 12 proxy instance\(s\) \(maxCount 6 at 200% during a rolling deployment\) x 2 worker\(s\) each open LiteLLM's own pool of 10 connections/,
      );
      // The test stack: maxCount 2 at 200% is 4 tasks of 1 worker: 20 connections are not enough.
      assert.throws(
        () => loadVariant("test", (v) => (v.database.maxConnections = 20)),
        /expected at least 50: 4 proxy instance\(s\)/,
      );
    });

    it("has no master key when auth is off", () => {
      const config = loadVariant("dev", (v) => (v.proxy.auth = false));
      const rendered = render(config);
      assert.ok(!("master_key" in rendered.document.general_settings));
      assert.ok(!rendered.env.some((variable) => variable.name === "LITELLM_MASTER_KEY"));
    });

    it("refuses a database that cannot give every worker a connection", () => {
      assert.throws(
        () => render(loadStack("dev"), { databaseMaxConnections: 10 }),
        /cannot serve 1 instance\(s\) x 1 worker\(s\)/,
      );
    });
  });

  describe("litellm_settings and router_settings", () => {
    it("carries retries, timeout, dropped params and JSON logs from the proxy block", () => {
      const config = loadVariant("prod", (v) => {
        v.proxy.numRetries = 4;
        v.proxy.requestTimeoutSeconds = 300;
        v.proxy.dropParams = false;
      });
      assert.deepEqual(render(config).document.litellm_settings, {
        drop_params: false,
        num_retries: 4,
        request_timeout: 300,
        json_logs: true,
        // From the committed prod stack's spend block, and tracing on in prod.
        default_key_generate_params: { max_budget: 100, budget_duration: "30d" },
        callbacks: ["otel", "prometheus"],
      });
    });

    it("caches responses in Redis through the environment when a Redis exists", () => {
      const config = loadVariant("prod", (v) => (v.cache = { responses: true, ttlSeconds: 120 }));
      const { document } = render(config, { redis: true, redisTls: true });
      assert.deepEqual(document.litellm_settings["cache_params"], {
        type: "redis",
        host: "os.environ/REDIS_HOST",
        port: "os.environ/REDIS_PORT",
        password: "os.environ/REDIS_PASSWORD",
        ttl: 120,
        namespace: "litellm.cache",
        ssl: true,
      });
      assert.equal(document.litellm_settings["cache"], true);
      assert.deepEqual(document.router_settings, {
        routing_strategy: "simple-shuffle",
        allowed_fails: 0,
        cooldown_time: 30,
        redis_host: "os.environ/REDIS_HOST",
        redis_port: "os.environ/REDIS_PORT",
        redis_password: "os.environ/REDIS_PASSWORD",
      });
    });

    it("renders LiteLLM settings from the stack's litellm block after the modelled ones, a secret as an environment reference", () => {
      const config = loadVariant(
        "dev",
        (v) =>
          (v.litellm = {
            litellm_settings: {
              success_callback: ["prometheus"],
              max_end_user_budget: 5,
              api_key: { secret: { config: "openaiKey" } },
            },
            general_settings: { max_parallel_requests: 100 },
            router_settings: { enable_pre_call_checks: true },
          }),
        ["openaiKey"],
      );
      const rendered = render(config);
      assert.deepEqual(rendered.document.litellm_settings, {
        drop_params: true,
        num_retries: 2,
        request_timeout: 600,
        json_logs: false,
        api_key: "os.environ/LITELLM_LITELLM_SETTINGS_API_KEY",
        max_end_user_budget: 5,
        success_callback: ["prometheus"],
      });
      assert.equal(rendered.document.general_settings["max_parallel_requests"], 100);
      assert.equal(rendered.document.router_settings["enable_pre_call_checks"], true);
      assert.deepEqual(
        rendered.env.find((variable) => variable.name === "LITELLM_LITELLM_SETTINGS_API_KEY"),
        { name: "LITELLM_LITELLM_SETTINGS_API_KEY", kind: "secretRef", ref: { config: "openaiKey" } },
      );
      assert.ok(rendered.yaml.includes("\n  success_callback:\n    - prometheus\n"), rendered.yaml);
    });

    it("keeps the list of keys the renderer sets in step with what it renders", () => {
      const config = loadVariant("prod", (v) => {
        v.cache = { responses: true, redis: "always" };
        v.spend = { maxBudgetUsd: 5000, budgetDuration: "1mo", keyMaxBudgetUsd: 50, keyBudgetDuration: "30d" };
      });
      const { document } = render(config, { redis: true, redisTls: true });
      for (const section of SECTIONS)
        assert.deepEqual(Object.keys(document[section]).sort(), Object.keys(MODELLED[section]).sort(), section);
    });

    it("caps spend with LiteLLM's budgets: the proxy's, and a default for every new virtual key", () => {
      const settings = render(
        loadVariant(
          "dev",
          (v) =>
            (v.spend = { maxBudgetUsd: 1000, budgetDuration: "1mo", keyMaxBudgetUsd: 25.5, keyBudgetDuration: "30d" }),
        ),
      ).document.litellm_settings;
      assert.deepEqual(
        [settings["max_budget"], settings["budget_duration"], settings["default_key_generate_params"]],
        [1000, "1mo", { max_budget: 25.5, budget_duration: "30d" }],
      );
      const none = render(loadStack("dev")).document.litellm_settings;
      assert.ok(!("max_budget" in none) && !("default_key_generate_params" in none));
    });

    it("cools a failing deployment down, so that a name served in two regions fails over to the other", () => {
      const config = loadVariant("dev", (v) => {
        v.proxy.allowedFails = 2;
        v.proxy.cooldownSeconds = 120;
      });
      assert.deepEqual(render(config).document.router_settings, {
        routing_strategy: "simple-shuffle",
        allowed_fails: 2,
        cooldown_time: 120,
      });
    });

    it("caches in memory without a Redis, and not at all unless asked", () => {
      const cached = render(loadVariant("dev", (v) => (v.cache.responses = true))).document;
      assert.deepEqual(cached.litellm_settings["cache_params"], { type: "local", ttl: 600 });
      assert.deepEqual(cached.router_settings, {
        routing_strategy: "simple-shuffle",
        allowed_fails: 0,
        cooldown_time: 30,
      });
      assert.ok(!("cache" in render(loadStack("dev")).document.litellm_settings));
    });
  });

  describe("mcp_servers", () => {
    it("reaches every server at the target's URL over Streamable HTTP, with an explicit transport", () => {
      assert.deepEqual(render(loadStack("dev")).document.mcp_servers, {
        context7: {
          url: "http://ctx7:8080/mcp",
          transport: "http",
          description: "Up-to-date documentation and code examples for libraries and frameworks",
          allowed_tools: ["resolve-library-id", "query-docs"],
        },
        aws_docs: {
          url: "http://docs:8080/mcp",
          transport: "http",
          description: "Search, read and get recommendations from the AWS documentation",
        },
      });
    });

    it("sends a server's credential from an environment variable the proxy receives as a secret", () => {
      const config = loadVariant(
        "dev",
        (v) => (v.mcpServers[0].auth = { type: "bearer_token", secret: { config: "context7ApiKey" } }),
        ["context7ApiKey"],
      );
      const rendered = render(config);
      assert.equal(rendered.document.mcp_servers?.["context7"]?.["auth_type"], "bearer_token");
      assert.equal(rendered.document.mcp_servers?.["context7"]?.["auth_value"], "os.environ/MCP_CONTEXT7_AUTH");
      assert.deepEqual(rendered.env.at(-1), {
        name: "MCP_CONTEXT7_AUTH",
        kind: "secretRef",
        ref: { config: "context7ApiKey" },
      });
    });

    it("leaves mcp_servers out when no server is configured", () => {
      assert.ok(!("mcp_servers" in render(loadVariant("dev", (v) => (v.mcpServers = []))).document));
    });
  });

  describe("environment", () => {
    it("switches uvicorn's and start-up logs to JSON with json_logs, and leaves them alone without", () => {
      const names = (config: StackConfig) => render(config).env.map((variable) => variable.name);
      assert.ok(!names(loadStack("dev")).includes("JSON_LOGS"));
      assert.deepEqual(
        render(loadVariant("dev", (v) => (v.proxy.jsonLogs = true))).env.find(
          (variable) => variable.name === "JSON_LOGS",
        ),
        { name: "JSON_LOGS", kind: "value", value: "true" },
      );
    });

    it("lists every variable the proxy needs and where it comes from", () => {
      const config = loadVariant(
        "prod",
        (v) => (v.mcpServers[0].auth = { type: "api_key", secret: { secretsManager: "litellm/context7" } }),
      );
      assert.deepEqual(render(config, { redis: true, redisTls: true }).env, [
        { name: "LITELLM_LOG", kind: "value", value: "ERROR" },
        { name: "LITELLM_MODE", kind: "value", value: "PRODUCTION" },
        { name: "LITELLM_LOCAL_MODEL_COST_MAP", kind: "value", value: "True" },
        { name: "PRISMA_OFFLINE_MODE", kind: "value", value: "true" },
        // Tracing is on in prod: LiteLLM's OpenTelemetry callback, to the collector beside it.
        { name: "OTEL_EXPORTER", kind: "value", value: "otlp_http" },
        { name: "OTEL_ENDPOINT", kind: "value", value: "http://127.0.0.1:4318/v1/traces" },
        { name: "OTEL_SERVICE_NAME", kind: "value", value: "litellm-mcp-test" },
        { name: "JSON_LOGS", kind: "value", value: "true" },
        { name: "LITELLM_MASTER_KEY", kind: "targetSecret", secret: "masterKey", ref: undefined },
        { name: "LITELLM_SALT_KEY", kind: "targetSecret", secret: "saltKey", ref: undefined },
        { name: "DATABASE_URL", kind: "targetSecret", secret: "databaseUrl" },
        { name: "REDIS_HOST", kind: "endpoint", endpoint: "redisHost" },
        { name: "REDIS_PORT", kind: "endpoint", endpoint: "redisPort" },
        { name: "REDIS_PASSWORD", kind: "targetSecret", secret: "redisPassword" },
        { name: "REDIS_SSL", kind: "value", value: "True" },
        { name: "MCP_CONTEXT7_AUTH", kind: "secretRef", ref: { secretsManager: "litellm/context7" } },
      ]);
    });

    it("names in the environment every variable config.yaml reads from it", () => {
      for (const stack of committedStacks()) {
        const rendered = renderStack(loadStack(stack), stack);
        const referenced = [...rendered.yaml.matchAll(/os\.environ\/([A-Z0-9_]+)/g)].map((match) => match[1]);
        const provided = new Set(rendered.env.map((variable) => variable.name));
        for (const name of referenced) assert.ok(provided.has(name!), `${stack}: ${name} is read but not provided`);
      }
    });
  });

  describe("output", () => {
    it("is byte-identical for the same input", () => {
      for (const stack of committedStacks()) {
        assert.equal(renderStack(loadStack(stack), stack).yaml, renderStack(loadStack(stack), stack).yaml);
      }
    });

    it("does not depend on the order of keys in the stack file", () => {
      const input = readStack("prod");
      const reversed = Object.fromEntries(
        Object.entries(input.values)
          .reverse()
          .map(([key, value]) => [
            key,
            value !== null && typeof value === "object" && !Array.isArray(value)
              ? Object.fromEntries(Object.entries(value).reverse())
              : value,
          ]),
      );
      assert.equal(
        renderStack(validateStackInput({ ...input, values: reversed }), "prod").yaml,
        renderStack(loadStack("prod"), "prod").yaml,
      );
    });

    it("parses back to the document it was rendered from", () => {
      for (const stack of committedStacks()) {
        const rendered = renderStack(loadStack(stack), stack);
        assert.deepEqual(parse(rendered.yaml), JSON.parse(JSON.stringify(rendered.document)));
      }
    });

    it("keeps hostile text intact: colons, hashes, newlines, braces, YAML markers, os.environ/ inside", () => {
      const hostile = [
        "docs: the good parts",
        "issue #42 # not a comment",
        "first line\nsecond line\n",
        "{{ template }}",
        "- not a list",
        "&anchor *alias !tag",
        "'single' \"double\"",
        "ends with a colon:",
        "see os.environ/HOME for details",
        "  leading and trailing spaces  ",
        "yes",
        "0x1F",
        "null",
      ];
      const config = loadVariant("dev", (v: Values) => {
        v.mcpServers = hostile.map((description, index) => ({
          ...v.mcpServers[0],
          name: `server${index}`,
          description,
        }));
      });
      const urls = Object.fromEntries(
        config.mcpServers.map((server) => [server.name, `http://${server.name}:8080/mcp`]),
      );
      const parsed = parse(render(config, { mcpServerUrls: urls }).yaml) as {
        mcp_servers: Record<string, { description: string }>;
      };
      assert.deepEqual(
        Object.values(parsed.mcp_servers).map((server) => server.description),
        hostile,
      );
    });

    it("holds no secret value, only os.environ/ references, in any committed stack", () => {
      const secretKeys = /(master_key|database_url|password|auth_value|api_key|secret|token)$/;
      for (const stack of committedStacks()) {
        const { document } = renderStack(loadStack(stack), stack);
        const visit = (value: unknown, key: string): void => {
          if (value !== null && typeof value === "object") {
            for (const [childKey, child] of Object.entries(value)) visit(child, childKey);
          } else if (secretKeys.test(key)) {
            assert.match(String(value), /^os\.environ\/[A-Z0-9_]+$/, `${stack}: ${key}`);
          }
        };
        visit(document, "");
      }
    });
  });

  describe("YAML 1.1, as LiteLLM's PyYAML reads it", () => {
    it("reads back every committed stack's config.yaml and hostile names as the same strings", () => {
      const hostile = loadVariant("dev", (v) => {
        v.models[0].name = "on";
        v.models[0].group = "2024-01-01";
        v.models[1].group = "2024-01-01";
        v.models[2].name = "1:20";
        v.mcpServers[0].name = "No";
        v.mcpServers[0].description = "yes";
      });
      for (const [label, config] of [
        ...committedStacks().map((stack) => [stack, loadStack(stack)] as const),
        ["hostile", hostile] as const,
      ]) {
        const { yaml, document } = render(config, {
          mcpServerUrls: Object.fromEntries(
            config.mcpServers.map((server) => [server.name, `http://${server.name}:8080/mcp`]),
          ),
        });
        assert.deepEqual(parse(yaml, { version: "1.1" }), JSON.parse(JSON.stringify(document)), label);
      }
    });
  });

  describe("render context", () => {
    it("points dev at the MCP containers by name and AWS stacks at their Service Connect aliases", () => {
      assert.deepEqual(renderContextFor(loadStack("dev"), "dev").mcpServerUrls, {
        context7: "http://litellm-mcp-dev-mcp-context7:8080/mcp",
        aws_docs: "http://litellm-mcp-dev-mcp-aws-docs:8080/mcp",
      });
      assert.deepEqual(renderContextFor(loadStack("prod"), "prod").mcpServerUrls, {
        context7: "http://mcp-context7:8080/mcp",
        aws_docs: "http://mcp-aws-docs:8080/mcp",
      });
    });

    it("gives Redis to a stack that can run more than one proxy, and to one that asks", () => {
      const redis = (stack: string, change: (v: Values) => void = () => undefined) =>
        renderContextFor(loadVariant(stack, change), stack).redis;
      assert.deepEqual(
        [
          redis("dev"),
          redis("dev", (v) => (v.cache.redis = "always")),
          redis("test"),
          redis("prod"),
          redis("prod", (v) => (v.aws.service.minCount = v.aws.service.maxCount = 1)),
        ],
        [false, true, true, true, false],
      );
    });

    it("moves only the endpoints to loopback, and Bedrock per region through aws_bedrock_runtime_endpoint", () => {
      const config = loadVariant("prod", (v) => (v.aws.service.maxCount = 3));
      const loopback = loopbackRenderContext(config, "prod", {
        mcpServerUrls: { context7: "http://127.0.0.1:1001/mcp", aws_docs: "http://127.0.0.1:1002/mcp" },
        bedrockRuntimeEndpoints: { "us-east-1": "http://127.0.0.1:1003" },
      });
      const target = renderContextFor(config, "prod");
      assert.deepEqual(loopback, {
        ...target,
        redisTls: false,
        mcpServerUrls: loopback.mcpServerUrls,
        bedrockRuntimeEndpoints: { "us-east-1": "http://127.0.0.1:1003" },
      });
      const models = renderLiteLLMConfig(config, loopback).document.model_list;
      assert.deepEqual(
        models.map((model) => [
          model.litellm_params["aws_region_name"],
          model.litellm_params["aws_bedrock_runtime_endpoint"],
        ]),
        models.map((model) => [
          model.litellm_params["aws_region_name"],
          model.litellm_params["aws_region_name"] === "us-east-1" ? "http://127.0.0.1:1003" : undefined,
        ]),
      );
      assert.ok(
        !renderStack(config, "prod").yaml.includes("aws_bedrock_runtime_endpoint"),
        "a deployed stack reaches Bedrock at its public endpoint",
      );
    });

    it("refuses a loopback context that leaves an MCP server without a URL", () => {
      assert.throws(
        () => loopbackRenderContext(loadStack("dev"), "dev", { mcpServerUrls: { context7: "http://127.0.0.1:1/mcp" } }),
        /no loopback URL for MCP server\(s\) aws_docs/,
      );
    });
  });
});
