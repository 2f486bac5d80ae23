import { strict as assert } from "node:assert";
import { parse } from "yaml";
import { AWS_NAME_RULES, mcpServerAwsNames, type NameRule } from "../config/awsNames";
import { ConfigError } from "../config/errors";
import { validateStackInput } from "../config/load";
import { awsCalls, awsOutputs } from "./support/awsMocks";
import { type ProgramRun, reveal, runProgram } from "./support/pulumi";
import { engineConfigOfVariant, loadVariant, type Values, variant } from "./support/stacks";

/** The test stack with its first MCP server (context7, built from its npm package) renamed. */
const renamed = (name: string) => (values: Values) => (values["mcpServers"][0].name = name);

function problems(stack: string, change: (values: Values) => void): string[] {
  try {
    validateStackInput(variant(stack, change));
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message.split("\n");
  }
  assert.fail("the stack file was accepted");
}

const obeys = (name: string, rule: NameRule) => name.length <= rule.maxLength && rule.pattern.test(name);

/** Every name the program gives AWS for the server: the inputs of its resources, as AWS's API reference names them. */
function awsNamesOf(run: ProgramRun, server: string): { name: string; rule: NameRule }[] {
  const component = `gateway-mcp-${server}`;
  const service = run.resources.find((resource) => resource.name === `${component}-service`)!;
  const connect = reveal<{ services: { discoveryName: string; clientAlias: { dnsName: string }[] }[] }>(
    service.inputs["serviceConnectConfiguration"],
  ).services[0]!;
  const task = run.resources.find(
    (resource) => resource.name === `${component}-task` && resource.type === "aws:ecs/taskDefinition:TaskDefinition",
  )!;
  const logs = run.resources.find((resource) => resource.name === `${component}-logs`)!;
  const repository = run
    .ofType("aws:ecr/repository:Repository")
    .find((resource) => resource.name.startsWith(component.toLowerCase()))!;
  return [
    { name: connect.discoveryName, rule: AWS_NAME_RULES.discoveryName },
    { name: connect.clientAlias[0]!.dnsName, rule: AWS_NAME_RULES.dnsName },
    { name: reveal<string>(task.inputs["family"]), rule: AWS_NAME_RULES.family },
    { name: reveal<string>(logs.inputs["name"]), rule: AWS_NAME_RULES.logGroupName },
    // Pulumi names the repository after its logical name, with a random suffix.
    { name: `${repository.name}-1a2b3c4`, rule: AWS_NAME_RULES.repositoryName },
  ];
}

describe("AWS names derived from an MCP server's name", () => {
  describe("the rules, as AWS's API reference gives them", () => {
    it("take a Service Connect discovery name of lower-case letters, digits, _ and -, up to 64, not starting with -", () => {
      const rule = AWS_NAME_RULES.discoveryName;
      assert.deepEqual(
        ["mcp-aws-docs", "mcp_x", "a".repeat(64)].map((name) => obeys(name, rule)),
        [true, true, true],
      );
      assert.deepEqual(
        ["mcp-MiXeD", "-mcp", "mcp.x", "a".repeat(65)].map((name) => obeys(name, rule)),
        [false, false, false, false],
      );
    });

    it("take a client alias that is a DNS name of lower-case letters, digits, _, - and ., up to 127", () => {
      const rule = AWS_NAME_RULES.dnsName;
      assert.deepEqual(
        ["mcp-aws-docs", "mcp.internal", "db_1"].map((name) => obeys(name, rule)),
        [true, true, true],
      );
      assert.deepEqual(
        ["Mcp", "-mcp", "mcp-", "mcp..x", "a".repeat(128)].map((name) => obeys(name, rule)),
        [false, false, false, false, false],
      );
    });

    it("take an ECR repository name of lower-case runs joined by single separators", () => {
      const rule = AWS_NAME_RULES.repositoryName;
      assert.deepEqual(
        ["gateway-mcp-aws_docs-repository-1a2b3c4", "a/b"].map((name) => obeys(name, rule)),
        [true, true],
      );
      assert.deepEqual(
        ["gateway-mcp-MiXeD-repository", "a__b", "a_-b", "a-"].map((name) => obeys(name, rule)),
        [false, false, false, false],
      );
    });

    it("take a task family of letters of either case, digits, _ and -, and a log group name with / and . besides", () => {
      assert.deepEqual(
        [obeys("litellm-mcp-test-mcp-MiXeD-Case", AWS_NAME_RULES.family), obeys("a.b", AWS_NAME_RULES.family)],
        [true, false],
      );
      assert.deepEqual(
        [
          obeys("/litellm-mcp/test/mcp/MiXeD_Case", AWS_NAME_RULES.logGroupName),
          obeys("a b", AWS_NAME_RULES.logGroupName),
        ],
        [true, false],
      );
    });
  });

  describe("a mixed-case server name on the test stack", () => {
    let run: ProgramRun;
    before(async () => {
      run = await runProgram("test", {
        outputs: awsOutputs,
        calls: awsCalls,
        config: engineConfigOfVariant("test", renamed("MiXeD_Case")),
      });
    });

    it("is accepted by validate", () => {
      assert.equal(loadVariant("test", renamed("MiXeD_Case")).mcpServers[0]!.name, "MiXeD_Case");
    });

    it("becomes names AWS takes: a lower-case Service Connect name, the family and log group as named, a lower-case repository", () => {
      assert.deepEqual(
        awsNamesOf(run, "MiXeD_Case").map(({ name }) => name),
        [
          "mcp-mixed-case",
          "mcp-mixed-case",
          "litellm-mcp-test-mcp-MiXeD-Case",
          "/litellm-mcp/test/mcp/MiXeD_Case",
          "gateway-mcp-mixed_case-repository-1a2b3c4",
        ],
      );
      for (const { name, rule } of awsNamesOf(run, "MiXeD_Case")) assert.ok(obeys(name, rule), `${rule.field} ${name}`);
    });

    it("is what the program checks: the names it derives for validate are the ones its resources carry", () => {
      const server = loadVariant("test", renamed("MiXeD_Case")).mcpServers[0]!;
      assert.deepEqual(
        mcpServerAwsNames("test", server).map(({ name, rule }) => [rule.field, name.replace(/-0123abcd$/, "")]),
        awsNamesOf(run, "MiXeD_Case").map(({ name, rule }) => [rule.field, name.replace(/-1a2b3c4$/, "")]),
      );
    });

    it("is reached by the proxy at its Service Connect alias", () => {
      const config = parse(reveal<string>(run.outputs["configYaml"])) as {
        mcp_servers: Record<string, { url: string }>;
      };
      assert.equal(config.mcp_servers["MiXeD_Case"]?.url, "http://mcp-mixed-case:8080/mcp");
    });
  });

  describe("names AWS refuses, refused by validate at the server's name with the rule", () => {
    it("a doubled _ in a server built from a package: its ECR repository", () => {
      assert.deepEqual(problems("test", renamed("ctx__seven")), [
        'Pulumi.test.yaml: litellm-mcp:mcpServers[0].name: becomes ECR CreateRepository.repositoryName "gateway-mcp-ctx__seven-repository-0123abcd" on AWS, which AWS refuses: expected up to 256 lower-case letters and digits, in runs joined by one of ., _ or - (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html)',
      ]);
    });

    it("a trailing _: its Service Connect alias would end with -", () => {
      assert.deepEqual(
        problems("test", (values) => (values["mcpServers"][1].name = "aws_docs_")),
        [
          'Pulumi.test.yaml: litellm-mcp:mcpServers[1].name: becomes ECS ServiceConnectClientAlias.dnsName "mcp-aws-docs-" on AWS, which AWS refuses: expected a valid DNS name of up to 127 lower-case letters, digits, _, - and ., not starting with - (no label may end with - either) (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectClientAlias.html)',
          'Pulumi.test.yaml: litellm-mcp:mcpServers[1].name: becomes ECR CreateRepository.repositoryName "gateway-mcp-aws_docs_-repository-0123abcd" on AWS, which AWS refuses: expected up to 256 lower-case letters and digits, in runs joined by one of ., _ or - (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html)',
        ],
      );
    });

    it("two names that collide once derived: they differ only in letter case", () => {
      assert.deepEqual(
        problems("test", (values) => (values["mcpServers"][1].name = "Context7")),
        [
          'Pulumi.test.yaml: litellm-mcp:mcpServers[1].name: duplicate MCP server name "Context7" (also at [0] as "context7"): names that differ only in letter case collide in the names derived from them, got "Context7"',
        ],
      );
    });

    it("on Docker, none of them: the dev stack names no AWS resource", () => {
      assert.equal(
        loadVariant("dev", (values) => (values["mcpServers"][0].name = "ctx__seven")).mcpServers[0]!.name,
        "ctx__seven",
      );
    });
  });
});
