import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { renderStack } from "../components/endpoints";
import { committedStacks, engineConfigOf, loadStack } from "./support/stacks";
import { awsCalls, awsOutputs } from "./support/awsMocks";
import { type ProgramError, runProgram } from "./support/pulumi";

describe("the program", () => {
  for (const stack of committedStacks()) {
    it(`runs the ${stack} stack file and exports the config.yaml it renders`, async () => {
      const run = await runProgram(stack, { outputs: awsOutputs, calls: awsCalls });
      assert.equal(run.outputs["configYaml"], renderStack(loadStack(stack), stack).yaml);
    });
  }

  it("warns, as pulumi up shows it, about each placeholder value a prod-stage stack holds, and only there", async () => {
    const prod = await runProgram("prod", { outputs: awsOutputs, calls: awsCalls });
    assert.deepEqual(
      prod.warnings.map((warning) => warning.split(": warning: ")[0]),
      [
        "Pulumi.prod.yaml: litellm-mcp:aws.loadBalancer.certificateArn",
        "Pulumi.prod.yaml: litellm-mcp:aws.loadBalancer.domainName",
        "Pulumi.prod.yaml: litellm-mcp:aws.loadBalancer.adminCidrs[0]",
        "Pulumi.prod.yaml: litellm-mcp:aws.alarms.emails[0]",
      ],
    );
    const test = await runProgram("test", { outputs: awsOutputs, calls: awsCalls });
    assert.deepEqual(test.warnings, []);
  });

  it("stops on a bad config with the config's message and no stack trace, before any resource", async () => {
    const { config, secretKeys } = engineConfigOf("prod");
    const models = JSON.parse(config["litellm-mcp:models"]!);
    models[1].region = "tokyo";
    await assert.rejects(
      runProgram("prod", {
        config: { config: { ...config, "litellm-mcp:models": JSON.stringify(models) }, secretKeys },
      }),
      (error: ProgramError) => {
        assert.ok(error instanceof pulumi.RunError, `expected a RunError, got ${error.name}`);
        assert.deepEqual(error.registered, []);
        assert.equal(
          error.message,
          'Pulumi.prod.yaml: litellm-mcp:models[1].region: expected an AWS region such as "us-east-1" (the regions AWS has are listed in config/awsFacts.ts), got "tokyo"',
        );
        return true;
      },
    );
  });
});
