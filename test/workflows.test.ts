import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { validateAction, validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import { committedStacks, PROJECT_DIR } from "./support/stacks";

const WORKFLOWS = join(PROJECT_DIR, ".github", "workflows");
const ACTION = join(PROJECT_DIR, ".github", "actions", "pulumi-stack", "action.yml");

// biome-ignore lint/suspicious/noExplicitAny: workflow files are free-form YAML read for their keys
type Yaml = Record<string, any>;

const workflowFiles = () =>
  readdirSync(WORKFLOWS)
    .filter((file) => file.endsWith(".yml"))
    .sort();
const workflow = (file: string): Yaml => parse(readFileSync(join(WORKFLOWS, file), "utf8")) as Yaml;
const action = (): Yaml => parse(readFileSync(ACTION, "utf8")) as Yaml;

/** Every `uses:` in a parsed workflow or action, wherever it is. */
function usesOf(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(usesOf);
  if (node === null || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === "uses" && typeof value === "string" ? [value] : usesOf(value),
  );
}

/** The inputs the workflow's job passes to the project's Pulumi action. */
function pulumiStep(file: string, job: string): Yaml {
  const step = (workflow(file)["jobs"][job]["steps"] as Yaml[]).find(
    (candidate) => candidate["uses"] === "./.github/actions/pulumi-stack",
  );
  assert.ok(step, `${file}: the ${job} job does not run the Pulumi action`);
  return step["with"];
}

describe("GitHub workflows", () => {
  it("match GitHub's workflow and action schemas", () => {
    for (const file of workflowFiles())
      assert.deepEqual(validateWorkflow(readFileSync(join(WORKFLOWS, file), "utf8")).errors, [], file);
    assert.deepEqual(validateAction(readFileSync(ACTION, "utf8")).errors, []);
  });

  it("would be caught by the schema check when wrong", () => {
    const broken =
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions:\n      pull-requests: writ\n    steps:\n      - run: echo\n        bogus: 1\n";
    const errors = validateWorkflow(broken).errors.map((error) => ("path" in error ? error.path : ""));
    assert.deepEqual(errors, ["/jobs/a"]);
  });

  it("put no event text straight into a shell script", () => {
    for (const file of workflowFiles()) {
      const runs = JSON.stringify(workflow(file)).match(/"run":"[^"]*"/g) ?? [];
      for (const run of runs) assert.doesNotMatch(run, /\$\{\{\s*github\.event/, `${file}: ${run}`);
    }
  });

  it("pin every action to an exact version or a commit", () => {
    const uses = [...workflowFiles().flatMap((file) => usesOf(workflow(file))), ...usesOf(action())];
    assert.ok(uses.length > 10);
    for (const use of uses) {
      assert.match(use, /^(\.\/\.github\/[\w./-]+|[\w.-]+\/[\w.-]+(\/[\w./-]+)?@(v\d+\.\d+\.\d+|[0-9a-f]{40}))$/, use);
    }
  });

  it("never hand AWS a long-lived key: every job assumes a role by OIDC", () => {
    const texts = [
      ...workflowFiles().map((file) => readFileSync(join(WORKFLOWS, file), "utf8")),
      readFileSync(ACTION, "utf8"),
    ];
    for (const text of texts) assert.doesNotMatch(text, /aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID/);
    const credentials = (action()["runs"]["steps"] as Yaml[]).find((step) =>
      String(step["uses"]).startsWith("aws-actions/configure-aws-credentials@"),
    );
    assert.equal(credentials?.["with"]["role-to-assume"], "${{ inputs.role-arn }}");
  });

  it("ask Bedrock about the stack's models with the assumed role, before Pulumi runs", () => {
    const steps = action()["runs"]["steps"] as Yaml[];
    const index = (predicate: (step: Yaml) => boolean) => steps.findIndex(predicate);
    const models = index((step) => step["run"] === 'npx litellm-mcp models --stack "$STACK"');
    assert.ok(models >= 0, "no models step");
    assert.equal(steps[models]!["env"]["STACK"], "${{ inputs.stack }}");
    assert.ok(index((step) => String(step["uses"]).startsWith("aws-actions/configure-aws-credentials@")) < models);
    assert.ok(models < index((step) => String(step["uses"]).startsWith("pulumi/actions@")));
  });

  it("smoke-test the gateway after every up (models listed and each called, MCP tools listed), and say how to roll back when the deploy or its check fails", () => {
    const steps = action()["runs"]["steps"] as Yaml[];
    const pulumi = steps.findIndex((step) => String(step["uses"]).startsWith("pulumi/actions@"));
    const smoke = steps.findIndex((step) => step["run"] === 'npx litellm-mcp smoke --stack "$STACK"');
    const rollback = steps.findIndex((step) => step["if"] === "failure() && inputs.command == 'up'");
    assert.ok(
      pulumi >= 0 && pulumi < smoke && smoke < rollback,
      `pulumi ${pulumi}, smoke ${smoke}, rollback ${rollback}`,
    );
    assert.equal(steps[smoke]!["if"], "inputs.command == 'up'");
    assert.deepEqual(steps[smoke]!["env"], {
      STACK: "${{ inputs.stack }}",
      PULUMI_CONFIG_PASSPHRASE: "${{ inputs.passphrase }}",
      PULUMI_ACCESS_TOKEN: "${{ inputs.access-token }}",
    });
    assert.match(steps[rollback]!["run"], /git revert \$SHA/);
    assert.match(steps[rollback]!["run"], /npx litellm-mcp rollback --stack \$STACK --to <the release before>/);
    for (const file of ["deploy-test.yml", "deploy-prod.yml"])
      assert.equal(pulumiStep(file, "deploy")["command"], "up");
  });

  it("verify the LiteLLM image's signature before every up, with cosign installed for it", () => {
    const steps = action()["runs"]["steps"] as Yaml[];
    const installer = steps.findIndex((step) => String(step["uses"]).startsWith("sigstore/cosign-installer@"));
    const verify = steps.findIndex((step) => step["run"] === 'npx litellm-mcp verify-image --stack "$STACK"');
    const pulumi = steps.findIndex((step) => String(step["uses"]).startsWith("pulumi/actions@"));
    assert.ok(
      installer >= 0 && installer < verify && verify < pulumi,
      `installer ${installer}, verify ${verify}, pulumi ${pulumi}`,
    );
    assert.deepEqual(
      [steps[installer]!["if"], steps[verify]!["if"]],
      ["inputs.command == 'up'", "inputs.command == 'up'"],
    );
    assert.deepEqual(steps[verify]!["env"], { STACK: "${{ inputs.stack }}" });
  });

  it("run the Pulumi action with diff, in-place PR comments and the policy pack by default", () => {
    const pulumi = (action()["runs"]["steps"] as Yaml[]).find((step) =>
      String(step["uses"]).startsWith("pulumi/actions@"),
    )!;
    assert.equal(pulumi["with"]["diff"], true);
    assert.equal(pulumi["with"]["edit-pr-comment"], true);
    assert.equal(pulumi["with"]["policyPacks"], "${{ inputs.policy-packs }}");
    assert.equal(action()["inputs"]["policy-packs"]["default"], "policy");
    assert.equal(pulumi["env"]["PULUMI_CONFIG_PASSPHRASE"], "${{ inputs.passphrase }}");
  });

  it("check the code the README's way before anything is previewed or deployed", () => {
    const runs = (workflow("checks.yml")["jobs"]["checks"]["steps"] as Yaml[])
      .map((step) => step["run"])
      .filter(Boolean);
    assert.deepEqual(runs, ["npm ci", "npm run typecheck", "npm run lint", "npx litellm-mcp validate", "npm test"]);
  });

  it("run the gateway suite the README's way on every pull request, privileged for its VPC, its Python environments cached by their lock files", () => {
    const job = workflow("checks.yml")["jobs"]["gateway"];
    assert.deepEqual(job["container"], { image: "python:3.11-bookworm", options: "--privileged" });
    const steps = job["steps"] as Yaml[];
    const runs = steps.map((step) => step["run"]).filter(Boolean);
    const gateway = "npm run test:gateway -- --ignore test/gateway/docker.spec.ts";
    assert.deepEqual(runs, ["bash test/gateway/system-packages.sh", "npm ci", gateway]);
    const cache = steps.find((step) => String(step["uses"]).startsWith("actions/cache@"));
    assert.equal(cache?.["with"]["path"], "~/.cache/litellm-mcp");
    assert.match(cache?.["with"]["key"], /hashFiles\('test\/gateway\/requirements\/\*\.txt'\)/);
    assert.ok(steps.indexOf(cache!) < steps.findIndex((step) => step["run"] === gateway));
    assert.ok(readFileSync(join(PROJECT_DIR, ".ci", "run"), "utf8").includes("npm run test:gateway"));
  });

  it("run the gateway suite's Docker part on the runner's own engine with the real images, the part the gateway job leaves out", () => {
    const job = workflow("checks.yml")["jobs"]["docker"];
    assert.equal(job["runs-on"], "ubuntu-latest");
    assert.equal(job["container"], undefined);
    assert.deepEqual(job["env"], { LITELLM_MCP_REAL_IMAGES: "1" });
    const runs = (job["steps"] as Yaml[]).map((step) => step["run"]).filter(Boolean);
    assert.deepEqual(runs, ["npm ci", "npm run test:gateway:docker"]);
    const scripts = (
      JSON.parse(readFileSync(join(PROJECT_DIR, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    assert.match(scripts["test:gateway:docker"]!, /--grep "\^the dev stack on a real Docker engine "/);
    assert.match(
      readFileSync(join(PROJECT_DIR, "test", "gateway", "docker.spec.ts"), "utf8"),
      /describe\("the dev stack on a real Docker engine",/,
    );
  });

  describe("image digests", () => {
    const pin = () => workflow("pin-images.yml");

    it("are refreshed weekly and by hand, one AWS stack at a time", () => {
      assert.deepEqual(Object.keys(pin()["on"]), ["schedule", "workflow_dispatch"]);
      assert.match(pin()["on"]["schedule"][0]["cron"], /^\d+ \d+ \* \* \d$/);
      assert.deepEqual(pin()["jobs"]["pin"]["strategy"], { "max-parallel": 1, matrix: { stack: ["test", "prod"] } });
    });

    it("are written by pin-images, tested, then offered as a pull request of the stack file alone", () => {
      const steps = pin()["jobs"]["pin"]["steps"] as Yaml[];
      const at = (predicate: (step: Yaml) => boolean) => steps.findIndex(predicate);
      const write = at((step) => step["run"] === 'npx litellm-mcp pin-images --stack "$STACK" --refresh --write');
      const test = at((step) => step["run"] === "npm test");
      const pr = at((step) => String(step["uses"]).startsWith("peter-evans/create-pull-request@"));
      assert.ok(write >= 0 && write < test && test < pr, `write ${write}, test ${test}, pull request ${pr}`);
      assert.deepEqual(steps[write]!["env"], { STACK: "${{ matrix.stack }}" });
      assert.equal(steps[pr]!["with"]["add-paths"], "Pulumi.${{ matrix.stack }}.yaml");
      assert.equal(steps[pr]!["with"]["branch"], "pin-image-digests/${{ matrix.stack }}");
    });

    it("may write only in the job that opens the pull request", () => {
      assert.deepEqual(pin()["permissions"], { contents: "read" });
      assert.deepEqual(pin()["jobs"]["pin"]["permissions"], { contents: "write", "pull-requests": "write" });
    });
  });

  describe("pull requests", () => {
    const pr = () => workflow("pull-request.yml");

    it("preview test and prod after the checks, commenting on the pull request", () => {
      assert.deepEqual(Object.keys(pr()["on"]), ["pull_request"]);
      const preview = pr()["jobs"]["preview"];
      assert.deepEqual(preview["needs"], "checks");
      assert.deepEqual(pr()["jobs"]["checks"], { uses: "./.github/workflows/checks.yml" });
      assert.deepEqual(preview["strategy"]["matrix"]["stack"], ["test", "prod"]);
      const inputs = pulumiStep("pull-request.yml", "preview");
      assert.deepEqual(
        [inputs["command"], inputs["stack"], inputs["comment-on-pr"], inputs["policy-packs"]],
        ["preview", "${{ matrix.stack }}", true, undefined],
      );
    });

    it("take the role from repository variables and the backend and passphrase from secrets", () => {
      const inputs = pulumiStep("pull-request.yml", "preview");
      assert.equal(inputs["role-arn"], "${{ vars.AWS_PREVIEW_ROLE_ARN }}");
      assert.equal(inputs["aws-region"], "${{ vars.AWS_REGION }}");
      assert.equal(inputs["backend-url"], "${{ secrets.PULUMI_BACKEND_URL }}");
      assert.equal(inputs["passphrase"], "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
    });

    it("are read-only but for the comment and the OIDC token, and a new push cancels the old preview", () => {
      assert.deepEqual(pr()["permissions"], { contents: "read" });
      assert.deepEqual(pr()["jobs"]["preview"]["permissions"], {
        contents: "read",
        "id-token": "write",
        "pull-requests": "write",
      });
      assert.deepEqual(pr()["concurrency"], {
        group: "pull-request-${{ github.event.pull_request.number }}",
        "cancel-in-progress": true,
      });
    });
  });

  describe("deployments", () => {
    it("deploy test on every push to main, in the test environment", () => {
      const deploy = workflow("deploy-test.yml");
      assert.deepEqual(deploy["on"], { push: { branches: ["main"] } });
      assert.equal(deploy["jobs"]["deploy"]["environment"], "test");
      assert.equal(deploy["jobs"]["deploy"]["needs"], "checks");
      const inputs = pulumiStep("deploy-test.yml", "deploy");
      assert.deepEqual(
        [inputs["command"], inputs["stack"], inputs["role-arn"]],
        ["up", "test", "${{ vars.AWS_DEPLOY_ROLE_ARN }}"],
      );
    });

    it("deploy prod only when started by hand from main, through the protected production environment", () => {
      const deploy = workflow("deploy-prod.yml");
      assert.deepEqual(Object.keys(deploy["on"]), ["workflow_dispatch"]);
      assert.equal(deploy["jobs"]["checks"]["if"], "github.ref == 'refs/heads/main'");
      assert.equal(deploy["jobs"]["deploy"]["environment"], "production");
      const inputs = pulumiStep("deploy-prod.yml", "deploy");
      assert.deepEqual([inputs["command"], inputs["stack"]], ["up", "prod"]);
    });

    it("never run two deployments of a stack at once", () => {
      for (const file of ["deploy-test.yml", "deploy-prod.yml"])
        assert.equal(workflow(file)["concurrency"]["cancel-in-progress"], false, file);
    });
  });

  describe("drift", () => {
    it("refreshes every AWS stack daily and fails when anything would change", () => {
      const drift = workflow("drift.yml");
      assert.match(drift["on"]["schedule"][0]["cron"], /^\d+ \d+ \* \* \*$/);
      assert.deepEqual(drift["jobs"]["drift"]["strategy"]["matrix"]["stack"], ["test", "prod"]);
      const inputs = pulumiStep("drift.yml", "drift");
      assert.deepEqual([inputs["command"], inputs["refresh"], inputs["expect-no-changes"]], ["preview", true, true]);
    });
  });

  it("set up the project's Node, the one .nvmrc names and package.json's engines require", () => {
    /** Every step that uses a given action, wherever it is. */
    const stepsOf = (node: unknown): Yaml[] =>
      Array.isArray(node)
        ? node.flatMap(stepsOf)
        : node === null || typeof node !== "object"
          ? []
          : [
              ...(typeof (node as Yaml)["uses"] === "string" ? [node as Yaml] : []),
              ...Object.values(node).flatMap(stepsOf),
            ];
    const setups = [...workflowFiles().map(workflow), action()]
      .flatMap(stepsOf)
      .filter((step) => String(step["uses"]).startsWith("actions/setup-node@"));
    assert.ok(setups.length >= 3, "no setup-node step found");
    for (const step of setups)
      assert.deepEqual([step["with"]["node-version-file"], step["with"]["node-version"]], [".nvmrc", undefined]);
    const major = readFileSync(join(PROJECT_DIR, ".nvmrc"), "utf8").trim();
    const engines = (
      JSON.parse(readFileSync(join(PROJECT_DIR, "package.json"), "utf8")) as { engines: { node: string } }
    ).engines.node;
    assert.deepEqual([major, engines], ["24", ">=24"]);
  });

  it("name only stacks that have a stack file", () => {
    const stacks = committedStacks();
    for (const stack of ["test", "prod"]) assert.ok(stacks.includes(stack));
  });
});
