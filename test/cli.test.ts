import { strict as assert } from "node:assert";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderStack } from "../components/endpoints";
import { run } from "../ops/cli";
import { committedStacks, loadStack, PROJECT_DIR, stackFile } from "./support/stacks";
import { tempDir } from "./support/tempDirs";

interface Result {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(args: string[], cwd = PROJECT_DIR): Promise<Result> {
  let stdout = "";
  let stderr = "";
  const status = await run(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd,
    env: {},
  });
  return { status, stdout, stderr };
}

/** A project directory with a copy of the committed files; `files` replaces or adds stack files. */
function projectCopy(files: Record<string, string>): string {
  const dir = tempDir("litellm-mcp-cli-");
  copyFileSync(join(PROJECT_DIR, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
  for (const stack of committedStacks()) copyFileSync(stackFile(stack), join(dir, `Pulumi.${stack}.yaml`));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("litellm-mcp CLI", () => {
  describe("render", () => {
    for (const stack of committedStacks()) {
      it(`prints the ${stack} stack's config.yaml, exit 0`, async () => {
        const result = await cli(["render", "--stack", stack]);
        assert.deepEqual(result, { status: 0, stdout: renderStack(loadStack(stack), stack).yaml, stderr: "" });
      });
    }

    it("finds the project from a subdirectory", async () => {
      const result = await cli(["render", "--stack", "dev"], join(PROJECT_DIR, "config"));
      assert.equal(result.status, 0);
      assert.match(result.stdout, /^model_list:/);
    });

    it("renders the dev stack without --stack, as every command that acts on one stack defaults to dev", async () => {
      assert.deepEqual(await cli(["render"]), {
        status: 0,
        stdout: renderStack(loadStack("dev"), "dev").yaml,
        stderr: "",
      });
    });

    it("suggests the option meant by a misspelt one, exit 2", async () => {
      const result = await cli(["render", "--stak", "dev"]);
      assert.equal(result.status, 2);
      assert.equal(
        result.stderr,
        "litellm-mcp: Unknown option '--stak' (did you mean --stack?); usage: litellm-mcp render [--stack <name>]\n",
      );
    });

    it("lists the stacks there are when the named one has no file, exit 2", async () => {
      const result = await cli(["render", "--stack", "staging"]);
      assert.equal(result.status, 2);
      assert.equal(
        result.stderr,
        `litellm-mcp: no stack file Pulumi.staging.yaml in ${PROJECT_DIR}; stacks: dev, prod, test\n`,
      );
    });

    it("refuses a stack name that is not one, exit 2", async () => {
      const result = await cli(["render", "--stack", "../etc/passwd"]);
      assert.equal(result.status, 2);
      assert.match(result.stderr, /^litellm-mcp: --stack: expected a stack name/);
    });

    it("prints the config's errors for an invalid stack, exit 1", async () => {
      const broken = readFileSync(stackFile("dev"), "utf8").replace("region: us-east-1", "region: virginia");
      const result = await cli(["render", "--stack", "dev"], projectCopy({ "Pulumi.dev.yaml": broken }));
      assert.deepEqual(result, {
        status: 1,
        stdout: "",
        stderr:
          'Pulumi.dev.yaml: litellm-mcp:models[0].region: expected an AWS region such as "us-east-1" (the regions AWS has are listed in config/awsFacts.ts), got "virginia"\n',
      });
    });
  });

  describe("validate", () => {
    it("accepts every committed stack file, exit 0, and warns about the placeholder values the prod stack still holds", async () => {
      assert.deepEqual(await cli(["validate"]), {
        status: 0,
        stdout: [
          "Pulumi.dev.yaml: valid (docker target, dev stage)",
          "Pulumi.prod.yaml: valid (aws target, prod stage)",
          "Pulumi.test.yaml: valid (aws target, test stage)",
          "",
        ].join("\n"),
        stderr: [
          'Pulumi.prod.yaml: litellm-mcp:aws.loadBalancer.certificateArn: warning: "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000..." (83 characters) holds the example AWS account 123456789012 of AWS\'s documentation: replace it with your own before deploying',
          'Pulumi.prod.yaml: litellm-mcp:aws.loadBalancer.domainName: warning: "llm.example.com" holds the example domain llm.example.com (reserved for documentation): replace it with your own before deploying',
          'Pulumi.prod.yaml: litellm-mcp:aws.loadBalancer.adminCidrs[0]: warning: "198.51.100.0/24" holds the documentation address block of 198.51.100.0 (RFC 5737): replace it with your own before deploying',
          'Pulumi.prod.yaml: litellm-mcp:aws.alarms.emails[0]: warning: "platform-oncall@example.com" holds the example domain example.com (reserved for documentation): replace it with your own before deploying',
          "",
        ].join("\n"),
      });
    });

    it("warns about placeholders only in a prod-stage stack, and only about real placeholders", async () => {
      const test = await cli(["validate", "--stack", "test"]);
      assert.equal(test.stderr, "", "the test stage may keep its example values");
      const own = readFileSync(stackFile("prod"), "utf8")
        .replace("123456789012", "210987654321")
        .replace("198.51.100.0/24", "10.20.0.0/16")
        .replace("llm.example.com", "llm.mycompany.com")
        .replace("platform-oncall@example.com", "platform-oncall@myexample.com");
      const result = await cli(["validate", "--stack", "prod"], projectCopy({ "Pulumi.prod.yaml": own }));
      assert.deepEqual([result.status, result.stderr], [0, ""]);
    });

    it("warns when the smoke task would leave an existing VPC through NAT gateways the load balancer does not admit", async () => {
      const existing = readFileSync(stackFile("test"), "utf8").replace(
        "      natGateways: single\n",
        "      existing: { vpcId: vpc-0abc12345def67890, publicSubnetIds: [subnet-0aaa1111, subnet-0bbb2222], privateSubnetIds: [subnet-0ccc3333, subnet-0ddd4444] }\n",
      );
      const result = await cli(["validate", "--stack", "test"], projectCopy({ "Pulumi.test.yaml": existing }));
      assert.deepEqual(
        [result.status, result.stderr],
        [
          0,
          "Pulumi.test.yaml: litellm-mcp:aws.smoke.from: warning: the smoke task reaches the internet-facing load balancer through the existing VPC's NAT gateways, whose addresses this program does not know: add them to aws.loadBalancer.ingressCidrs, or set aws.smoke.from to runner\n",
        ],
      );
      const fromRunner = existing.replace("    loadBalancer:\n", "    smoke: { from: runner }\n    loadBalancer:\n");
      assert.equal(
        (await cli(["validate", "--stack", "test"], projectCopy({ "Pulumi.test.yaml": fromRunner }))).stderr,
        "",
      );
    });

    it("checks every stack and fails when one is broken, naming its key path, exit 1", async () => {
      const broken = readFileSync(stackFile("prod"), "utf8").replace(
        "    auth: true\n",
        "    auth: true\n    aut: true\n",
      );
      const result = await cli(["validate"], projectCopy({ "Pulumi.prod.yaml": broken }));
      assert.equal(result.status, 1);
      assert.equal(result.stderr, 'Pulumi.prod.yaml: litellm-mcp:proxy.aut: unknown key; did you mean "auth"?\n');
      assert.match(result.stdout, /Pulumi\.dev\.yaml: valid/);
      assert.match(result.stdout, /Pulumi\.test\.yaml: valid/);
    });

    it("fails, exit 1, on a model id at its end of life in its region, naming its key path, the catalog and the Active ids there", async () => {
      const eol = readFileSync(stackFile("dev"), "utf8").replace(
        "bedrockModelId: jp.anthropic.claude-sonnet-4-6",
        "bedrockModelId: apac.anthropic.claude-3-7-sonnet-20250219-v1:0",
      );
      const result = await cli(["validate", "--stack", "dev"], projectCopy({ "Pulumi.dev.yaml": eol }));
      assert.deepEqual(result, {
        status: 1,
        stdout: "",
        stderr:
          'Pulumi.dev.yaml: litellm-mcp:models[3].bedrockModelId: Claude 3.7 Sonnet is end of life on Bedrock in ap-northeast-1 since 2026-04-28 (config/bedrock-catalog.json, read 2026-10-07): every call fails; Active ids there: "global.anthropic.claude-sonnet-5-5", "global.anthropic.claude-sonnet-5", "jp.anthropic.claude-sonnet-4-6", "global.anthropic.claude-sonnet-4-6"\n',
      });
    });

    it("refuses a stack file that expands beyond reason (an alias bomb) in one line, exit 1", async () => {
      const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
      for (let level = 1; level < 9; level++)
        levels.push(
          `${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(10)
            .fill(`*${String.fromCharCode(96 + level)}`)
            .join(", ")}]`,
        );
      const bomb = `${levels.join("\n")}\nconfig:\n  litellm-mcp:target: docker\n`;
      const result = await cli(["validate", "--stack", "bomb"], projectCopy({ "Pulumi.bomb.yaml": bomb }));
      assert.equal(result.status, 1);
      assert.match(result.stderr, /^Pulumi\.bomb\.yaml: is not valid YAML: .*alias.*\n$/i);
    });

    it("checks only the named stack", async () => {
      const result = await cli(["validate", "--stack", "test"]);
      assert.deepEqual(result, { status: 0, stdout: "Pulumi.test.yaml: valid (aws target, test stage)\n", stderr: "" });
    });

    it("says so outside a Pulumi project, exit 2", async () => {
      const dir = tempDir("litellm-mcp-empty-");
      mkdirSync(join(dir, "sub"));
      const result = await cli(["validate"], join(dir, "sub"));
      assert.equal(result.status, 2);
      assert.match(
        result.stderr,
        /^litellm-mcp: no Pulumi\.yaml in .*sub or its parents: run litellm-mcp inside the project\n$/,
      );
    });
  });

  describe("help and usage", () => {
    it("prints the commands with --help, exit 0, and without a command, exit 2", async () => {
      const help = await cli(["--help"]);
      assert.equal(help.status, 0);
      assert.match(help.stdout, /^Usage: litellm-mcp <command> \[options\]/);
      assert.match(help.stdout, /render +print a stack's LiteLLM config.yaml/);
      assert.match(help.stdout, /validate +check one stack file/);
      assert.equal((await cli([])).status, 2);
    });

    it("prints a command's options with --help", async () => {
      const result = await cli(["validate", "--help"]);
      assert.equal(result.status, 0);
      assert.match(result.stdout, /^Usage: litellm-mcp validate \[--stack <name>\]/);
      assert.match(result.stdout, /--stack <value> +the stack \(Pulumi/);
    });

    it("names the commands there are for an unknown one, exit 2", async () => {
      assert.deepEqual(await cli(["deploy"]), {
        status: 2,
        stdout: "",
        stderr:
          'litellm-mcp: unknown command "deploy"; expected one of: render, validate, models, up, preview, down, status, smoke, logs, restart, apply-db-parameters, upgrade, rollback, snapshot-db, migrate, verify-image, pin-images, backup, restore, clear-cache, pulumi\n',
      });
    });

    it("prints its version with --version, and a command's options with help <command>", async () => {
      const { version } = JSON.parse(readFileSync(join(PROJECT_DIR, "package.json"), "utf8")) as { version: string };
      assert.deepEqual(await cli(["--version"]), { status: 0, stdout: `litellm-mcp ${version}\n`, stderr: "" });
      assert.deepEqual(await cli(["help", "validate"]), await cli(["validate", "--help"]));
      assert.equal((await cli(["help", "deploy"])).status, 2);
    });

    it("reports errors as JSON when asked for JSON, with the same exit status", async () => {
      const result = await cli(["status", "--stack", "nope", "--json"]);
      assert.equal(result.status, 2);
      const error = JSON.parse(result.stderr) as { ok: boolean; error: string; status: number };
      assert.deepEqual([error.ok, error.status], [false, 2]);
      assert.match(error.error, /^no stack file Pulumi\.nope\.yaml/);
    });

    it("refuses a stray argument, exit 2", async () => {
      const result = await cli(["validate", "dev"]);
      assert.equal(result.status, 2);
      assert.match(result.stderr, /^litellm-mcp: Unexpected argument 'dev'/);
    });
  });
});
