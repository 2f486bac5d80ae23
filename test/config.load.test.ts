import { strict as assert } from "node:assert";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../config/errors";
import { loadStackFile, readStackFile } from "../config/load";
import { loadPulumiConfig } from "../config/pulumiConfig";
import { engineConfigOf, loadStack, stackFile } from "./support/stacks";
import { tempDir } from "./support/tempDirs";

function writeStack(name: string, text: string): string {
  const file = join(tempDir("litellm-mcp-load-"), name);
  writeFileSync(file, text);
  return file;
}

function errorLines(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message.split("\n");
  }
  assert.fail("the config was accepted");
}

const devText = readFileSync(stackFile("dev"), "utf8");

describe("stack config loading", () => {
  describe("from a stack file", () => {
    it("takes a secure: value as a secret that is set, without reading it", () => {
      const file = writeStack(
        "Pulumi.dev.yaml",
        `${devText.replace(
          "      allowedTools: [resolve-library-id, query-docs]\n",
          "      allowedTools: [resolve-library-id, query-docs]\n      auth: {type: bearer_token, secret: {config: context7ApiKey}}\n",
        )}  litellm-mcp:context7ApiKey:\n    secure: v1:c2FsdA==:ZW5jcnlwdGVk\n`,
      );
      const input = readStackFile(file);
      assert.deepEqual([...input.secretKeys], ["context7ApiKey"]);
      assert.ok(!("context7ApiKey" in input.values));
      assert.deepEqual(loadStackFile(file).mcpServers[0]?.auth?.secret, { config: "context7ApiKey" });
    });

    it("ignores other namespaces (aws:, docker:) and the file's other sections", () => {
      const file = writeStack(
        "Pulumi.dev.yaml",
        `secretsprovider: passphrase\nencryptionsalt: v1:abc\n${devText.replace("config:\n", "config:\n  docker:host: ssh://user@host\n  aws:region: eu-west-1\n")}`,
      );
      assert.deepEqual(loadStackFile(file), loadStack("dev"));
    });

    it("rejects a key without a namespace", () => {
      const file = writeStack("Pulumi.dev.yaml", `${devText}  target: aws\n`);
      assert.deepEqual(
        errorLines(() => loadStackFile(file)),
        ['Pulumi.dev.yaml: "target": configuration keys are namespaced, expected "litellm-mcp:target"'],
      );
    });

    it("rejects a secret nested inside a structured key", () => {
      const file = writeStack(
        "Pulumi.dev.yaml",
        devText.replace("    auth: true\n", "    auth: true\n    masterKey:\n      secure: v1:abc\n"),
      );
      assert.deepEqual(errorLines(() => loadStackFile(file)).slice(0, 1), [
        'Pulumi.dev.yaml: litellm-mcp:proxy: holds a secret value: keep each secret in a key of its own and reference it, e.g. {config: "myApiKey"}',
      ]);
    });

    it("reports a file that is not YAML with its line", () => {
      const file = writeStack("Pulumi.dev.yaml", "config:\n  litellm-mcp:target: [docker\n");
      const [line] = errorLines(() => loadStackFile(file));
      assert.match(line!, /^Pulumi\.dev\.yaml: is not valid YAML \(line \d+\): /);
    });

    it("reports a file that cannot be read", () => {
      assert.deepEqual(
        errorLines(() => loadStackFile("/nonexistent/Pulumi.gone.yaml")),
        ["Pulumi.gone.yaml: cannot read the stack file: ENOENT"],
      );
    });
  });

  describe("from the running program", () => {
    afterEach(() => pulumi.runtime.setAllConfig({}, []));

    it("reads a value given as JSON text as the file reader does, structure or not", async () => {
      // `pulumi config set litellm-mcp:cache '{"redis":"never"}'` stores text; the engine hands it over as the
      // same JSON text as a structured value, so the program cannot tell the two apart, and validate must not.
      await pulumi.runtime.setMocks(
        { newResource: (args) => ({ id: args.name, state: args.inputs }), call: (args) => args.inputs },
        "litellm-mcp",
        "dev",
      );
      const models = JSON.stringify(
        loadStack("dev").models.map(({ name, group, bedrockModelId, region }) => ({
          name,
          group,
          bedrockModelId,
          region,
        })),
      );
      const asText = devText.replace(
        / {2}litellm-mcp:models:\n(?: {4}.*\n| *#.*\n)+/,
        `  litellm-mcp:models: '${models}'\n`,
      );
      assert.notEqual(asText, devText);
      const file = writeStack("Pulumi.dev.yaml", asText);
      const { config, secretKeys } = engineConfigOf("dev");
      pulumi.runtime.setAllConfig({ ...config, "litellm-mcp:models": models }, secretKeys);
      assert.deepEqual(loadStackFile(file), loadPulumiConfig());
      assert.deepEqual(loadStackFile(file).models, loadStack("dev").models);

      const broken = writeStack(
        "Pulumi.dev.yaml",
        devText.replace(/ {2}litellm-mcp:models:\n(?: {4}.*\n| *#.*\n)+/, "  litellm-mcp:models: '[{oops'\n"),
      );
      pulumi.runtime.setAllConfig({ ...config, "litellm-mcp:models": "[{oops" }, secretKeys);
      assert.deepEqual(
        errorLines(() => loadStackFile(broken)),
        errorLines(loadPulumiConfig),
      );
      assert.deepEqual(errorLines(loadPulumiConfig), [
        'Pulumi.dev.yaml: litellm-mcp:models: expected a list, got "[{oops"',
      ]);
    });

    for (const stack of ["dev", "test", "prod"]) {
      it(`reads the same config as the file for the ${stack} stack`, async () => {
        await pulumi.runtime.setMocks(
          { newResource: (args) => ({ id: args.name, state: args.inputs }), call: (args) => args.inputs },
          "litellm-mcp",
          stack,
        );
        const { config, secretKeys } = engineConfigOf(stack);
        pulumi.runtime.setAllConfig(config, secretKeys);
        assert.deepEqual(loadPulumiConfig(), loadStack(stack));
      });
    }

    it("names the stack file in its errors", async () => {
      await pulumi.runtime.setMocks(
        { newResource: (args) => ({ id: args.name, state: args.inputs }), call: (args) => args.inputs },
        "litellm-mcp",
        "dev",
      );
      const { config, secretKeys } = engineConfigOf("dev");
      pulumi.runtime.setAllConfig({ ...config, "litellm-mcp:target": "kubernetes" }, secretKeys);
      assert.deepEqual(errorLines(loadPulumiConfig), [
        'Pulumi.dev.yaml: litellm-mcp:target: expected "docker" or "aws", got "kubernetes"',
      ]);
    });

    it("counts a secret key as set and a structured key holding a secret as a mistake", async () => {
      await pulumi.runtime.setMocks(
        { newResource: (args) => ({ id: args.name, state: args.inputs }), call: (args) => args.inputs },
        "litellm-mcp",
        "dev",
      );
      const { config, secretKeys } = engineConfigOf("dev");
      const servers = JSON.parse(config["litellm-mcp:mcpServers"]!);
      servers[0].auth = { type: "bearer_token", secret: { config: "context7ApiKey" } };
      pulumi.runtime.setAllConfig(
        { ...config, "litellm-mcp:mcpServers": JSON.stringify(servers), "litellm-mcp:context7ApiKey": "ctx7-value" },
        [...secretKeys, "litellm-mcp:context7ApiKey"],
      );
      assert.deepEqual(loadPulumiConfig().mcpServers[0]?.auth?.secret, { config: "context7ApiKey" });

      pulumi.runtime.setAllConfig(config, [...secretKeys, "litellm-mcp:docker"]);
      assert.deepEqual(errorLines(loadPulumiConfig), [
        'Pulumi.dev.yaml: litellm-mcp:docker: holds a secret value: keep each secret in a key of its own and reference it, e.g. {config: "myApiKey"}',
      ]);
    });
  });
});
