import { strict as assert } from "node:assert";
import { parse } from "yaml";
import { renderStack } from "../components/endpoints";
import { engineConfigOfVariant, loadStack, type Values } from "./support/stacks";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  isSecret,
  type OutputMocks,
  type ProgramError,
  type ProgramRun,
  programHome,
  type Registered,
  reveal,
  runProgram,
} from "./support/pulumi";
import { tempDir } from "./support/tempDirs";

/** Outputs the Docker and random providers would return. */
const outputs: OutputMocks = {
  "random:index/randomPassword:RandomPassword": (name) => ({ result: `generated-${name}` }),
  "docker:index/remoteImage:RemoteImage": (_, inputs) => ({
    imageId: `${inputs["name"]}@sha256:${"0".repeat(64)}`,
    repoDigest: `${inputs["name"]}@sha256:${"0".repeat(64)}`,
  }),
  "docker:index/image:Image": (_, inputs) => ({ repoDigest: `${inputs["imageName"]}@sha256:${"1".repeat(64)}` }),
};

const CONTAINER = "docker:index/container:Container";

async function runDev(
  change?: (values: Values) => void,
  secrets: Record<string, string> = {},
  home?: string,
): Promise<ProgramRun> {
  return runProgram("dev", {
    outputs,
    secrets,
    config: change ? engineConfigOfVariant("dev", change, secrets) : undefined,
    home,
  });
}

/** An AWS directory holding the given files and folders, as `aws configure` or `aws sso login` leave them. */
function awsDirectory(parts: { files?: string[]; folders?: string[] }): string {
  const dir = tempDir("litellm-mcp-aws-");
  for (const folder of parts.folders ?? []) mkdirSync(join(dir, folder), { recursive: true });
  for (const file of parts.files ?? []) writeFileSync(join(dir, file), "[default]\n");
  return dir;
}

function container(run: ProgramRun, name: string): Registered {
  const found = run.ofType(CONTAINER).find((resource) => resource.inputs["name"] === name);
  assert.ok(found, `no container named ${name}`);
  return found;
}

/** A container's environment as NAME -> value, secrets revealed. */
function envOf(resource: Registered): Record<string, string> {
  return Object.fromEntries(
    reveal<string[]>(resource.inputs["envs"]).map((entry) => [
      entry.slice(0, entry.indexOf("=")),
      entry.slice(entry.indexOf("=") + 1),
    ]),
  );
}

describe("dev stack on Docker", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runDev();
  });

  it("registers the network, the volume, Postgres, LiteLLM and one container per MCP server, and nothing else", () => {
    const registered = run.resources.map((resource) => `${resource.type} ${resource.name}`).sort();
    assert.deepEqual(registered, [
      "docker:index/container:Container gateway-litellm-container",
      "docker:index/container:Container gateway-mcp-aws_docs-container",
      "docker:index/container:Container gateway-mcp-context7-container",
      "docker:index/container:Container gateway-postgres-container",
      "docker:index/image:Image gateway-mcp-aws_docs-image",
      "docker:index/image:Image gateway-mcp-context7-image",
      "docker:index/network:Network gateway-network-network",
      "docker:index/remoteImage:RemoteImage gateway-litellm-image",
      "docker:index/remoteImage:RemoteImage gateway-postgres-image",
      "docker:index/volume:Volume gateway-postgres-data",
      "litellm-mcp:docker:Gateway gateway",
      "litellm-mcp:docker:GatewayNetwork gateway-network",
      "litellm-mcp:docker:LiteLLM gateway-litellm",
      "litellm-mcp:docker:McpServer gateway-mcp-aws_docs",
      "litellm-mcp:docker:McpServer gateway-mcp-context7",
      "litellm-mcp:docker:Postgres gateway-postgres",
      "random:index/randomPassword:RandomPassword proxy-database-password",
      "random:index/randomPassword:RandomPassword proxy-master-key",
      "random:index/randomPassword:RandomPassword proxy-salt-key",
    ]);
  });

  it("puts every container on the stack's network, named after the stack", () => {
    assert.equal(run.one("docker:index/network:Network").inputs["name"], "litellm-mcp-dev");
    for (const resource of run.ofType(CONTAINER)) {
      assert.deepEqual(
        resource.inputs["networksAdvanced"],
        [{ name: "litellm-mcp-dev" }],
        String(resource.inputs["name"]),
      );
    }
  });

  it("names containers after the stack and labels them with the stack and their role", () => {
    const labels = run.ofType(CONTAINER).map((resource) => [resource.inputs["name"], resource.inputs["labels"]]);
    assert.deepEqual(labels.sort(), [
      [
        "litellm-mcp-dev-litellm",
        [
          { label: "litellm-mcp.stack", value: "dev" },
          { label: "litellm-mcp.role", value: "proxy" },
        ],
      ],
      [
        "litellm-mcp-dev-mcp-aws-docs",
        [
          { label: "litellm-mcp.stack", value: "dev" },
          { label: "litellm-mcp.role", value: "mcp-server" },
          { label: "litellm-mcp.mcp-server", value: "aws_docs" },
        ],
      ],
      [
        "litellm-mcp-dev-mcp-context7",
        [
          { label: "litellm-mcp.stack", value: "dev" },
          { label: "litellm-mcp.role", value: "mcp-server" },
          { label: "litellm-mcp.mcp-server", value: "context7" },
        ],
      ],
      [
        "litellm-mcp-dev-postgres",
        [
          { label: "litellm-mcp.stack", value: "dev" },
          { label: "litellm-mcp.role", value: "database" },
        ],
      ],
    ]);
  });

  it("uploads the renderer's config.yaml for this config into the proxy container", () => {
    const uploads = container(run, "litellm-mcp-dev-litellm").inputs["uploads"] as { file: string; content: string }[];
    assert.deepEqual(
      uploads.map((upload) => upload.file),
      ["/app/config.yaml"],
    );
    assert.equal(uploads[0]!.content, renderStack(loadStack("dev"), "dev").yaml);
    const parsed = parse(uploads[0]!.content) as { mcp_servers: Record<string, { url: string }> };
    assert.deepEqual(
      Object.values(parsed.mcp_servers).map((server) => server.url),
      ["http://litellm-mcp-dev-mcp-context7:8080/mcp", "http://litellm-mcp-dev-mcp-aws-docs:8080/mcp"],
    );
  });

  it("publishes no MCP server or Postgres port on the host", () => {
    for (const name of ["litellm-mcp-dev-postgres", "litellm-mcp-dev-mcp-context7", "litellm-mcp-dev-mcp-aws-docs"]) {
      const ports = container(run, name).inputs["ports"];
      assert.ok(
        ports === undefined || (Array.isArray(ports) && ports.length === 0),
        `${name} publishes ${JSON.stringify(ports)}`,
      );
    }
  });

  it("publishes the proxy on 127.0.0.1:4000 by default", () => {
    assert.deepEqual(container(run, "litellm-mcp-dev-litellm").inputs["ports"], [
      { internal: 4000, external: 4000, ip: "127.0.0.1" },
    ]);
  });

  it("gives every container a healthcheck and waits for it", () => {
    const probes = Object.fromEntries(
      run.ofType(CONTAINER).map((resource) => {
        const check = resource.inputs["healthcheck"] as { tests: string[] };
        assert.equal(resource.inputs["wait"], true);
        return [resource.inputs["name"], check.tests];
      }),
    );
    assert.deepEqual(probes, {
      "litellm-mcp-dev-postgres": ["CMD", "pg_isready", "-U", "litellm", "-d", "litellm"],
      "litellm-mcp-dev-mcp-context7": [
        "CMD",
        "node",
        "-e",
        "fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
        "http://127.0.0.1:8080/ping",
      ],
      "litellm-mcp-dev-mcp-aws-docs": [
        "CMD",
        "python3",
        "-c",
        "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)",
        "http://127.0.0.1:8080/status",
      ],
      "litellm-mcp-dev-litellm": [
        "CMD",
        "python3",
        "-c",
        "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)",
        "http://127.0.0.1:4000/health/liveliness",
      ],
    });
  });

  it("keeps the Postgres volume when the stack is destroyed", () => {
    const volume = run.one("docker:index/volume:Volume");
    assert.equal(volume.inputs["name"], "litellm-mcp-dev-pgdata");
    assert.equal(volume.options.retainOnDelete, true);
    assert.deepEqual(container(run, "litellm-mcp-dev-postgres").inputs["volumes"], [
      { volumeName: "litellm-mcp-dev-pgdata", containerPath: "/var/lib/postgresql/data" },
    ]);
  });

  it("runs Postgres 15 with the configured connection limit and a generated password held as a secret", () => {
    const postgres = container(run, "litellm-mcp-dev-postgres");
    assert.equal(run.ofType("docker:index/remoteImage:RemoteImage")[0]?.inputs["name"], "postgres:15-alpine");
    assert.deepEqual(postgres.inputs["command"], ["postgres", "-c", "max_connections=100"]);
    assert.ok(isSecret(postgres.inputs["envs"]));
    assert.deepEqual(envOf(postgres), {
      POSTGRES_USER: "litellm",
      POSTGRES_DB: "litellm",
      POSTGRES_PASSWORD: "generated-proxy-database-password",
    });
  });

  it("starts the proxy with its config, port and workers, after Postgres and the MCP servers are healthy", () => {
    const litellm = container(run, "litellm-mcp-dev-litellm");
    assert.deepEqual(litellm.inputs["command"], [
      "--config",
      "/app/config.yaml",
      "--port",
      "4000",
      "--num_workers",
      "1",
    ]);
    assert.equal(litellm.inputs["image"], `ghcr.io/berriai/litellm-database:v1.108.7@sha256:${"0".repeat(64)}`);
    const waitsFor = litellm.options.dependsOn.map((urn) => urn.split("::").at(-1));
    for (const name of [
      "gateway-postgres-container",
      "gateway-mcp-context7-container",
      "gateway-mcp-aws_docs-container",
    ]) {
      assert.ok(waitsFor.includes(name), `the proxy does not wait for ${name}`);
    }
  });

  it("gives the proxy every variable the renderer asks for, all of them in a secret env list", () => {
    const litellm = container(run, "litellm-mcp-dev-litellm");
    assert.ok(isSecret(litellm.inputs["envs"]));
    assert.deepEqual(envOf(litellm), {
      LITELLM_LOG: "INFO",
      LITELLM_LOCAL_MODEL_COST_MAP: "True",
      PRISMA_OFFLINE_MODE: "true",
      LITELLM_MODE: "PRODUCTION",
      AWS_REGION: "us-east-1",
      AWS_PROFILE: "default",
      LITELLM_MASTER_KEY: "sk-generated-proxy-master-key",
      LITELLM_SALT_KEY: "sk-generated-proxy-salt-key",
      DATABASE_URL: "postgresql://litellm:generated-proxy-database-password@litellm-mcp-dev-postgres:5432/litellm",
    });
  });

  it("reaches Bedrock with the host's SSO profile: its config read-only and the token cache, no static key, nothing in the state", () => {
    const volumes = container(run, "litellm-mcp-dev-litellm").inputs["volumes"] as {
      hostPath: string;
      containerPath: string;
      readOnly: boolean;
    }[];
    const home = programHome();
    assert.deepEqual(volumes, [
      { hostPath: `${home}/.aws/config`, containerPath: "/root/.aws/config", readOnly: true },
      // botocore writes a refreshed SSO token back to its cache.
      { hostPath: `${home}/.aws/sso/cache`, containerPath: "/root/.aws/sso/cache", readOnly: false },
    ]);
  });

  it("mounts the credentials file only for a profile with static keys, and the whole directory only when asked", async () => {
    const directory = awsDirectory({ files: ["config", "credentials"] });
    const mountsOf = async (mount: string) =>
      container(await runDev((v) => (v.docker.awsCredentials = { directory, mount })), "litellm-mcp-dev-litellm")
        .inputs["volumes"];
    assert.deepEqual(await mountsOf("credentials"), [
      { hostPath: `${directory}/config`, containerPath: "/root/.aws/config", readOnly: true },
      { hostPath: `${directory}/credentials`, containerPath: "/root/.aws/credentials", readOnly: true },
    ]);
    assert.deepEqual(await mountsOf("directory"), [
      { hostPath: directory, containerPath: "/root/.aws", readOnly: true },
    ]);
  });

  describe("an AWS profile the machine does not have", () => {
    /** The program's refusal, checked to come before any resource: Docker never sees a path to create. */
    async function refusal(change: ((values: Values) => void) | undefined, home: string): Promise<string> {
      let message = "";
      await assert.rejects(runDev(change, {}, home), (error: ProgramError) => {
        assert.ok(error instanceof pulumi.RunError, `expected a RunError, got ${error.name}: ${error.message}`);
        assert.deepEqual(error.registered, []);
        message = error.message;
        return true;
      });
      return message;
    }

    it("stops before any resource when the SSO profile's config and token cache are missing, saying how to make each", async () => {
      const home = tempDir("litellm-mcp-home-");
      assert.equal(
        await refusal(undefined, home),
        [
          'Pulumi.dev.yaml: litellm-mcp:docker.awsCredentials: mount "sso" mounts the file ~/.aws/config into the proxy, and it does not exist (Docker would create it as a directory owned by root): run aws configure sso --profile default to create it, or give the proxy keys with docker.awsCredentials.accessKeyId and secretAccessKey, which mounts nothing',
          'Pulumi.dev.yaml: litellm-mcp:docker.awsCredentials: mount "sso" mounts the directory ~/.aws/sso/cache into the proxy, and it does not exist (Docker would create it as a directory owned by root): run aws sso login --profile default to create it, or give the proxy keys with docker.awsCredentials.accessKeyId and secretAccessKey, which mounts nothing',
        ].join("\n"),
      );
    });

    it("names only what is missing: the token cache of a profile whose config exists", async () => {
      const directory = awsDirectory({ files: ["config"] });
      const message = await refusal((v) => (v.docker.awsCredentials = { directory, profile: "work" }), programHome());
      assert.equal(message.split("\n").length, 1);
      assert.ok(
        message.includes(`mounts the directory ${directory}/sso/cache into the proxy, and it does not exist`),
        message,
      );
      assert.ok(message.includes("run aws sso login --profile work to create it"), message);
    });

    it("refuses a credentials mount without the credentials file, and a directory mount without the directory", async () => {
      const directory = awsDirectory({ files: ["config"] });
      assert.match(
        await refusal((v) => (v.docker.awsCredentials = { directory, mount: "credentials" }), programHome()),
        /mounts the file .*\/credentials into the proxy, and it does not exist .*run aws configure --profile default/,
      );
      const gone = join(directory, "missing");
      assert.match(
        await refusal((v) => (v.docker.awsCredentials = { directory: gone, mount: "directory" }), programHome()),
        /mount "directory" mounts the directory .*\/missing into the proxy, and it does not exist/,
      );
    });

    it("refuses a config that is a directory, as an earlier run of Docker leaves it", async () => {
      const directory = awsDirectory({ folders: ["config", "sso/cache"] });
      const message = await refusal((v) => (v.docker.awsCredentials = { directory }), programHome());
      assert.ok(
        message.includes(
          `mounts the file ${directory}/config into the proxy, and it is a directory (a directory there may be one Docker made, owned by root: remove it)`,
        ),
        message,
      );
    });

    it("checks nothing when the proxy gets keys from config and nothing is mounted", async () => {
      const home = tempDir("litellm-mcp-home-");
      const run = await runDev(
        (v) =>
          (v.docker.awsCredentials = {
            accessKeyId: { config: "awsAccessKeyId" },
            secretAccessKey: { config: "awsSecretAccessKey" },
          }),
        { "litellm-mcp:awsAccessKeyId": "AKIAEXAMPLE", "litellm-mcp:awsSecretAccessKey": "secret-example" },
        home,
      );
      assert.deepEqual(container(run, "litellm-mcp-dev-litellm").inputs["volumes"] ?? [], []);
    });
  });

  it("builds Context7 from its pinned npm package and runs it over HTTP without telemetry", () => {
    const image = run
      .ofType("docker:index/image:Image")
      .find((resource) => resource.name === "gateway-mcp-context7-image")!;
    const build = image.inputs["build"] as { dockerfile: string; args: Record<string, string> };
    assert.match(build.dockerfile, /images\/npm\.Dockerfile$/);
    assert.deepEqual(build.args, {
      BASE_IMAGE: "node:22-alpine",
      PACKAGE: "@upstash/context7-mcp@4.1.1",
      BRIDGE_PACKAGE: "",
    });
    assert.equal(image.inputs["skipPush"], true);
    assert.match(String(image.inputs["imageName"]), /^litellm-mcp-dev-mcp-context7:[0-9a-f]{16}$/);

    const context7 = container(run, "litellm-mcp-dev-mcp-context7");
    assert.equal(context7.inputs["image"], image.inputs["imageName"]);
    assert.deepEqual(
      [context7.inputs["entrypoints"], context7.inputs["command"]],
      [["context7-mcp"], ["--transport", "http", "--port", "8080"]],
    );
    assert.deepEqual(context7.inputs["envs"], ["OTEL_SDK_DISABLED=true"]);
  });

  it("runs the AWS Documentation server behind the stdio bridge, with one long-lived child", () => {
    const image = run
      .ofType("docker:index/image:Image")
      .find((resource) => resource.name === "gateway-mcp-aws_docs-image")!;
    const build = image.inputs["build"] as { dockerfile: string; args: Record<string, string> };
    assert.match(build.dockerfile, /images\/pip\.Dockerfile$/);
    assert.deepEqual(build.args, {
      BASE_IMAGE: "python:3.13-slim",
      PACKAGES: "awslabs.aws-documentation-mcp-server==1.1.30",
      BRIDGE_PACKAGE: "mcp-proxy==0.11.0",
    });

    const docs = container(run, "litellm-mcp-dev-mcp-aws-docs");
    assert.deepEqual(docs.inputs["entrypoints"], ["mcp-proxy"]);
    assert.deepEqual(docs.inputs["command"], [
      "--host",
      "0.0.0.0",
      "--port",
      "8080",
      "--stateless",
      "--pass-environment",
      "--",
      "awslabs.aws-documentation-mcp-server",
    ]);
    assert.deepEqual(docs.inputs["envs"], ["FASTMCP_LOG_LEVEL=ERROR", "AWS_DOCUMENTATION_PARTITION=aws"]);
  });

  it("exports the proxy and gateway URLs, the master key as a secret, the container names and config.yaml", () => {
    assert.deepEqual(run.outputs, {
      target: "docker",
      proxyUrl: "http://127.0.0.1:4000",
      mcpGatewayUrl: "http://127.0.0.1:4000/mcp",
      masterKey: run.outputs["masterKey"],
      containers: {
        litellm: "litellm-mcp-dev-litellm",
        postgres: "litellm-mcp-dev-postgres",
        mcpServers: { context7: "litellm-mcp-dev-mcp-context7", aws_docs: "litellm-mcp-dev-mcp-aws-docs" },
      },
      networkName: "litellm-mcp-dev",
      volumeName: "litellm-mcp-dev-pgdata",
      configYaml: renderStack(loadStack("dev"), "dev").yaml,
    });
    assert.ok(isSecret(run.outputs["masterKey"]));
    assert.equal(reveal(run.outputs["masterKey"]), "sk-generated-proxy-master-key");
  });
});

describe("dev stack variants", () => {
  it("gives a third MCP server its own container and a third mcp_servers entry", async () => {
    const run = await runDev((v) => {
      v.mcpServers.push({
        name: "fetch",
        transport: "stdio",
        description: "Fetch a web page as markdown",
        build: { pip: ["mcp-server-fetch==2025.4.7"] },
        command: ["mcp-server-fetch"],
      });
    });
    const fetch = container(run, "litellm-mcp-dev-mcp-fetch");
    assert.deepEqual(fetch.inputs["ports"] ?? [], []);
    assert.deepEqual(fetch.inputs["networksAdvanced"], [{ name: "litellm-mcp-dev" }]);
    const uploads = container(run, "litellm-mcp-dev-litellm").inputs["uploads"] as { content: string }[];
    const servers = (parse(uploads[0]!.content) as { mcp_servers: Record<string, unknown> }).mcp_servers;
    assert.deepEqual(Object.keys(servers), ["context7", "aws_docs", "fetch"]);
    assert.deepEqual(servers["fetch"], {
      url: "http://litellm-mcp-dev-mcp-fetch:8080/mcp",
      transport: "http",
      description: "Fetch a web page as markdown",
    });
    assert.equal(run.ofType(CONTAINER).length, 5);
  });

  it("changes only the config upload when only the model list changes", async () => {
    const before = await runDev();
    const after = await runDev((v) => v.models.pop());
    const inputsOf = (run: ProgramRun) =>
      Object.fromEntries(run.resources.map((resource) => [resource.name, resource.inputs]));
    const [a, b] = [inputsOf(before), inputsOf(after)];
    assert.deepEqual(Object.keys(a), Object.keys(b));
    const changed = Object.keys(a).filter((name) => JSON.stringify(a[name]) !== JSON.stringify(b[name]));
    assert.deepEqual(changed, ["gateway-litellm-container"]);
    const uploadOf = (inputs: Record<string, unknown>) => (inputs["uploads"] as { content: string }[])[0]!.content;
    assert.notEqual(uploadOf(a["gateway-litellm-container"]!), uploadOf(b["gateway-litellm-container"]!));
    const { uploads: _before, ...restBefore } = a["gateway-litellm-container"]!;
    const { uploads: _after, ...restAfter } = b["gateway-litellm-container"]!;
    assert.deepEqual(restBefore, restAfter);
  });

  it("lets the volume go with the stack when retainVolume is false", async () => {
    const run = await runDev((v) => (v.docker.retainVolume = false));
    assert.equal(run.one("docker:index/volume:Volume").options.retainOnDelete, false);
  });

  it("publishes Postgres only on 127.0.0.1 when asked to", async () => {
    const run = await runDev((v) => (v.docker.postgresHostPort = 15432));
    assert.deepEqual(container(run, "litellm-mcp-dev-postgres").inputs["ports"], [
      { internal: 5432, external: 15432, ip: "127.0.0.1" },
    ]);
  });

  it("publishes the proxy where docker.bindAddress and docker.hostPort say", async () => {
    const run = await runDev((v) => {
      v.docker.bindAddress = "0.0.0.0";
      v.docker.hostPort = 14000;
    });
    const litellm = container(run, "litellm-mcp-dev-litellm");
    assert.deepEqual(litellm.inputs["ports"], [{ internal: 4000, external: 14000, ip: "0.0.0.0" }]);
    assert.deepEqual((litellm.inputs["labels"] as { label: string; value: string }[]).at(-1), {
      label: "litellm-mcp.expose",
      value: "true",
    });
    assert.equal(run.outputs["proxyUrl"], "http://localhost:14000");
  });

  it("takes AWS keys from secret config instead of the profile, without a mount", async () => {
    const run = await runDev(
      (v) =>
        (v.docker.awsCredentials = {
          accessKeyId: { config: "awsAccessKeyId" },
          secretAccessKey: { config: "awsSecretAccessKey" },
        }),
      { "litellm-mcp:awsAccessKeyId": "AKIAEXAMPLE", "litellm-mcp:awsSecretAccessKey": "secret-example" },
    );
    const litellm = container(run, "litellm-mcp-dev-litellm");
    assert.deepEqual(litellm.inputs["volumes"] ?? [], []);
    assert.ok(isSecret(litellm.inputs["envs"]));
    const env = envOf(litellm);
    assert.deepEqual(
      [env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], env["AWS_PROFILE"]],
      ["AKIAEXAMPLE", "secret-example", undefined],
    );
  });

  it("sends an MCP server's key from secret config, and gives a server its secret env as a secret", async () => {
    const run = await runDev(
      (v) => {
        v.mcpServers[0].auth = { type: "bearer_token", secret: { config: "context7ApiKey" } };
        v.mcpServers[1].secrets = { DOCS_TOKEN: { config: "docsToken" } };
      },
      { "litellm-mcp:context7ApiKey": "ctx7-key", "litellm-mcp:docsToken": "docs-token" },
    );
    const litellm = container(run, "litellm-mcp-dev-litellm");
    assert.equal(envOf(litellm)["MCP_CONTEXT7_AUTH"], "ctx7-key");
    const docs = container(run, "litellm-mcp-dev-mcp-aws-docs");
    assert.ok(isSecret(docs.inputs["envs"]));
    assert.equal(envOf(docs)["DOCS_TOKEN"], "docs-token");
    const upload = (litellm.inputs["uploads"] as { content: string }[])[0]!.content;
    assert.ok(!upload.includes("ctx7-key"));
    assert.match(upload, /auth_value: os\.environ\/MCP_CONTEXT7_AUTH/);
  });

  it("runs an OpenTelemetry Collector on the network when tracing is on, and points the proxy's callback at it", async () => {
    const plain = await runDev();
    assert.ok(
      !plain.ofType(CONTAINER).some((resource) => resource.inputs["name"] === "litellm-mcp-dev-otel"),
      "tracing is off in dev by default",
    );
    const traced = await runDev((v) => (v.tracing = { enabled: true }));
    const otel = container(traced, "litellm-mcp-dev-otel");
    assert.equal(
      traced.resources.find((resource) => resource.name === "gateway-otel-image")?.inputs["name"],
      "otel/opentelemetry-collector:0.99.0",
    );
    assert.deepEqual(
      [otel.inputs["ports"], otel.inputs["networksAdvanced"]],
      [undefined, [{ name: "litellm-mcp-dev" }]],
    );
    const env = envOf(container(traced, "litellm-mcp-dev-litellm"));
    assert.deepEqual(
      [env["OTEL_EXPORTER"], env["OTEL_ENDPOINT"], env["OTEL_SERVICE_NAME"]],
      ["otlp_http", "http://litellm-mcp-dev-otel:4318/v1/traces", "litellm-mcp-dev"],
    );
    assert.equal((reveal(traced.outputs["containers"]) as { otel?: string }).otel, "litellm-mcp-dev-otel");
  });

  it("runs a password-protected Redis and points the proxy at it when cache.redis is always", async () => {
    const run = await runDev((v) => (v.cache = { responses: true, redis: "always" }));
    const redis = container(run, "litellm-mcp-dev-redis");
    assert.deepEqual(redis.inputs["ports"] ?? [], []);
    assert.ok(isSecret(redis.inputs["envs"]));
    assert.deepEqual((redis.inputs["healthcheck"] as { tests: string[] }).tests, ["CMD", "redis-cli", "ping"]);
    const env = envOf(container(run, "litellm-mcp-dev-litellm"));
    assert.deepEqual(
      [env["REDIS_HOST"], env["REDIS_PORT"], env["REDIS_PASSWORD"]],
      ["litellm-mcp-dev-redis", "6379", "generated-gateway-redis-password"],
    );
    assert.equal((run.outputs["containers"] as { redis: string }).redis, "litellm-mcp-dev-redis");
  });

  it("has no master key without auth", async () => {
    const run = await runDev((v) => (v.proxy.auth = false));
    assert.ok(!("masterKey" in run.outputs));
    assert.ok(!("LITELLM_MASTER_KEY" in envOf(container(run, "litellm-mcp-dev-litellm"))));
    assert.ok(!run.resources.some((resource) => resource.name === "proxy-master-key"));
  });

  it("derives every name from the stack, so two stacks can share a Docker host", async () => {
    const rendered = renderStack(loadStack("dev"), "dev-2");
    assert.match(rendered.yaml, /url: http:\/\/litellm-mcp-dev-2-mcp-context7:8080\/mcp/);
    const run = await runProgram("dev-2", { outputs, config: engineConfigOfVariant("dev", (v) => (v.stage = "dev")) });
    const names = run.ofType(CONTAINER).map((resource) => resource.inputs["name"]);
    assert.deepEqual(names.sort(), [
      "litellm-mcp-dev-2-litellm",
      "litellm-mcp-dev-2-mcp-aws-docs",
      "litellm-mcp-dev-2-mcp-context7",
      "litellm-mcp-dev-2-postgres",
    ]);
    assert.equal(run.one("docker:index/network:Network").inputs["name"], "litellm-mcp-dev-2");
  });
});
