import { strict as assert } from "node:assert";
import { mcpLocalArgv, mcpProcess } from "../components/mcp";
import { proxyCommand } from "../components/proxyProcess";
import { litellmVersion, lockProblem, pythonEnvs } from "./gateway/python";
import { loadStack, loadVariant } from "./support/stacks";

describe("processes as containers and as local processes", () => {
  const dev = loadStack("dev");
  const [context7, awsDocs] = dev.mcpServers as [(typeof dev.mcpServers)[0], (typeof dev.mcpServers)[0]];

  it("runs an MCP server locally with its container's command, only the listen address and port moved", () => {
    assert.deepEqual(mcpProcess(context7), {
      entrypoint: ["context7-mcp"],
      command: ["--transport", "http", "--port", "8080"],
    });
    assert.deepEqual(mcpLocalArgv(context7, { host: "127.0.0.1", port: 41234 }), [
      "context7-mcp",
      "--transport",
      "http",
      "--port",
      "41234",
    ]);
    assert.deepEqual(mcpProcess(awsDocs), {
      entrypoint: ["mcp-proxy"],
      command: [
        "--host",
        "0.0.0.0",
        "--port",
        "8080",
        "--stateless",
        "--pass-environment",
        "--",
        "awslabs.aws-documentation-mcp-server",
      ],
    });
    assert.deepEqual(mcpLocalArgv(awsDocs, { host: "127.0.0.1", port: 41235 }), [
      "mcp-proxy",
      "--host",
      "127.0.0.1",
      "--port",
      "41235",
      "--stateless",
      "--pass-environment",
      "--",
      "awslabs.aws-documentation-mcp-server",
    ]);
  });

  it("cannot run a server from a ready image without Docker", () => {
    const config = loadVariant("dev", (v) => {
      v.mcpServers[0] = { name: "ready", transport: "http", image: "mcp/context7:1.0.0", healthPath: "/ping" };
    });
    assert.equal(mcpLocalArgv(config.mcpServers[0]!, { host: "127.0.0.1", port: 1 }), undefined);
  });

  it("keeps idle connections past a load balancer's idle timeout", () => {
    assert.deepEqual(proxyCommand(dev.proxy, { keepaliveSeconds: 605 }).slice(-2), ["--keepalive_timeout", "605"]);
  });

  it("starts the proxy on loopback with the container's flags and --host", () => {
    assert.deepEqual(proxyCommand(dev.proxy, { configPath: "/app/config.yaml" }), [
      "--config",
      "/app/config.yaml",
      "--port",
      "4000",
      "--num_workers",
      "1",
    ]);
    assert.deepEqual(
      proxyCommand(dev.proxy, { configPath: "/tmp/c.yaml", listen: { host: "127.0.0.1", port: 41236 } }),
      ["--config", "/tmp/c.yaml", "--host", "127.0.0.1", "--port", "41236", "--num_workers", "1"],
    );
  });
});

describe("the gateway suite's Python environments", () => {
  it("installs the LiteLLM release the proxy image's tag names, and refuses a tag that names none", () => {
    assert.equal(litellmVersion("ghcr.io/berriai/litellm-database:v1.108.7"), "1.108.7");
    assert.equal(litellmVersion("ghcr.io/berriai/litellm-database:1.84.1"), "1.84.1");
    assert.equal(litellmVersion("ghcr.io/berriai/litellm-database:v1.83.10-stable"), "1.83.10");
    assert.throws(
      () => litellmVersion("ghcr.io/berriai/litellm-database:main-latest"),
      /carries no LiteLLM release tag/,
    );
  });

  it("derives each environment from the stack, and the committed lock files pin exactly that", () => {
    const envs = pythonEnvs(loadStack("dev"));
    assert.deepEqual(
      envs.map((env) => [env.name, env.inputs]),
      [
        [
          "litellm-proxy",
          [
            "litellm[proxy]==1.108.7",
            "prisma==0.15.0",
            "opentelemetry-sdk==1.45.2",
            "opentelemetry-exporter-otlp-proto-http==1.45.2",
            "prometheus-client==0.26.0",
          ],
        ],
        ["mcp-aws_docs", ["awslabs.aws-documentation-mcp-server==1.1.30", "mcp-proxy==0.11.0"]],
      ],
    );
    for (const env of envs) assert.equal(lockProblem(env), undefined);
  });

  it("says to relock when the stack moves a pinned version", () => {
    const [proxy] = pythonEnvs(
      loadVariant("dev", (v) => (v.proxy.image = "ghcr.io/berriai/litellm-database:v1.108.6")),
    );
    const otel =
      "opentelemetry-sdk==1\\.45\\.2 opentelemetry-exporter-otlp-proto-http==1\\.45\\.2 prometheus-client==0\\.26\\.0";
    assert.match(
      lockProblem(proxy!) ?? "",
      new RegExp(
        `pins litellm\\[proxy\\]==1\\.108\\.7 prisma==0\\.15\\.0 ${otel}, the stack asks for litellm\\[proxy\\]==1\\.108\\.6 prisma==0\\.15\\.0 ${otel}: run npm run gateway:lock$`,
      ),
    );
  });
});
