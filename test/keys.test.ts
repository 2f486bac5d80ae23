/**
 * The keys that make the data readable (salt key, master key, the dev database password) must outlive
 * renames, refactors and `down`, wherever the data outlives them; and a changed secret must reach the tasks.
 */
import { strict as assert } from "node:assert";
import { ACCOUNT, awsCalls, awsOutputs } from "./support/awsMocks";
import { engineConfigOfVariant, type Values } from "./support/stacks";
import { type OutputMocks, type ProgramRun, type Registered, reveal, runProgram } from "./support/pulumi";

const dockerOutputs: OutputMocks = {
  "random:index/randomPassword:RandomPassword": (name) => ({ result: `generated-${name}` }),
  "docker:index/remoteImage:RemoteImage": (_, inputs) => ({ imageId: `${inputs["name"]}@sha256:${"0".repeat(64)}` }),
};

const RENAMED = require.resolve("./support/renamedProgram");
const KEY_TYPES = new Set([
  "random:index/randomPassword:RandomPassword",
  "aws:secretsmanager/secret:Secret",
  "aws:secretsmanager/secretVersion:SecretVersion",
]);

async function run(
  stack: string,
  options: { change?: (values: Values) => void; secrets?: Record<string, string>; program?: string } = {},
): Promise<ProgramRun> {
  const secrets = options.secrets ?? {};
  const aws = stack !== "dev";
  return runProgram(stack, {
    outputs: aws ? awsOutputs : dockerOutputs,
    calls: aws ? awsCalls : {},
    secrets,
    program: options.program,
    config: options.change ? engineConfigOfVariant(stack, options.change, secrets) : undefined,
  });
}

/** The generated keys: their random source and, on AWS, the secrets that hold them. */
function keysOf(result: ProgramRun): Registered[] {
  return result.resources.filter(
    (resource) => KEY_TYPES.has(resource.type) && /^proxy-(master-key|salt-key|database-password)/.test(resource.name),
  );
}

describe("keys that outlive the stack's resources", () => {
  for (const [stack, names] of [
    ["dev", ["proxy-database-password", "proxy-master-key", "proxy-salt-key"]],
    [
      "prod",
      [
        "proxy-master-key",
        "proxy-master-key",
        "proxy-master-key-value",
        "proxy-salt-key",
        "proxy-salt-key",
        "proxy-salt-key-value",
      ],
    ],
  ] as const) {
    it(`keeps the ${stack} keys at the same URNs when the gateway component is renamed`, async () => {
      const before = await run(stack);
      const renamed = await run(stack, { program: RENAMED });
      assert.deepEqual(
        keysOf(before)
          .map((key) => key.name)
          .sort(),
        names,
      );
      assert.deepEqual(
        keysOf(renamed)
          .map((key) => key.urn)
          .sort(),
        keysOf(before)
          .map((key) => key.urn)
          .sort(),
      );
      for (const key of keysOf(before))
        assert.equal(key.options.parent, "", `${key.name} sits at the top of the stack`);
      // The rename did move the rest: the component and everything under it have new URNs.
      const components = (result: ProgramRun) =>
        result.resources.filter((resource) => resource.type.startsWith("litellm-mcp:")).map((resource) => resource.urn);
      assert.ok(components(renamed).every((urn) => !components(before).includes(urn)));
    });
  }

  it("never replaces a key for a changed generator option", async () => {
    const result = await run("prod");
    for (const key of keysOf(result).filter(
      (resource) => resource.type === "random:index/randomPassword:RandomPassword",
    )) {
      assert.ok(
        ["length", "special", "upper", "lower", "numeric"].every((input) => key.options.ignoreChanges.includes(input)),
        key.name,
      );
    }
  });

  it("protects the dev keys while the volume they unlock is kept, and not once it goes with the stack", async () => {
    const kept = await run("dev");
    assert.deepEqual(
      keysOf(kept)
        .map((key) => [key.name, key.options.protect])
        .sort(),
      [
        ["proxy-database-password", true],
        ["proxy-master-key", true],
        ["proxy-salt-key", true],
      ],
    );
    assert.equal(kept.one("docker:index/volume:Volume").options.retainOnDelete, true);
    const dropped = await run("dev", { change: (v) => (v.docker.retainVolume = false) });
    assert.ok(keysOf(dropped).every((key) => !key.options.protect));
  });

  it("protects the prod keys and keeps their secrets in AWS on delete, as the database is; test's go with the stack", async () => {
    const prod = await run("prod");
    assert.equal(prod.one("aws:rds/instance:Instance").inputs["deletionProtection"], true);
    for (const key of keysOf(prod))
      assert.deepEqual(
        [key.name, key.options.protect, key.options.retainOnDelete || key.type.startsWith("random:")],
        [key.name, true, true],
      );
    const test = await run("test");
    for (const key of keysOf(test))
      assert.deepEqual([key.name, key.options.protect, key.options.retainOnDelete], [key.name, false, false]);
    // A test stage that keeps a final snapshot keeps the keys that read it.
    const snapshotted = await run("test", { change: (v) => (v.aws.database.finalSnapshot = true) });
    assert.ok(keysOf(snapshotted).every((key) => key.options.protect));
  });

  it("rolls the tasks that read a secret when its value changes, and only those", async () => {
    const withKey = (value: string) =>
      run("prod", {
        change: (v) => (v.mcpServers[0].auth = { type: "bearer_token", secret: { config: "context7ApiKey" } }),
        secrets: { "litellm-mcp:context7ApiKey": value },
      });
    const [first, second] = [await withKey("ctx7-first"), await withKey("ctx7-second")];
    const definitionOf = (result: ProgramRun, name: string) =>
      reveal<string>(result.resources.find((resource) => resource.name === name)!.inputs["containerDefinitions"]);
    const secretOf = (result: ProgramRun) =>
      (
        JSON.parse(definitionOf(result, "gateway-proxy-task")) as { secrets: { name: string; valueFrom: string }[] }[]
      )[0]!.secrets.find((secret) => secret.name === "MCP_CONTEXT7_AUTH")!.valueFrom;
    assert.match(
      secretOf(first),
      new RegExp(
        `^arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:litellm-mcp/prod/context7ApiKey-AbCdEf:::[0-9a-f-]{36}$`,
      ),
    );
    assert.notEqual(secretOf(first), secretOf(second));
    assert.notEqual(definitionOf(first, "gateway-proxy-task"), definitionOf(second, "gateway-proxy-task"));
    // The MCP servers do not read it: their task definitions stay as they were.
    assert.equal(definitionOf(first, "gateway-mcp-context7-task"), definitionOf(second, "gateway-mcp-context7-task"));
  });
});
