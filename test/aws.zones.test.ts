import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { subnetZones } from "../components/aws/zones";
import { awsCalls, awsOutputs } from "./support/awsMocks";
import { type ProgramError, type ProgramRun, reveal, runProgram } from "./support/pulumi";
import { engineConfigOfVariant, type Values } from "./support/stacks";

/** The prod stack (3 zones asked) with the account offering the zones given, in the order given. */
function runOffered(names: string[], change: (values: Values) => void = () => undefined): Promise<ProgramRun> {
  const calls = {
    ...awsCalls,
    "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
      names,
      zoneIds: names.map((_, index) => `use1-az${index + 1}`),
      id: "us-east-1",
    }),
  };
  return runProgram("prod", { outputs: awsOutputs, calls, config: engineConfigOfVariant("prod", change) });
}

/** The zone of each subnet, by its name (gateway-vpc-public-0, ...). */
function subnetZonesOf(run: ProgramRun): Record<string, string | undefined> {
  return Object.fromEntries(
    run
      .ofType("aws:ec2/subnet:Subnet")
      .map((subnet) => [
        subnet.name.replace("gateway-vpc-", ""),
        reveal<string | undefined>(subnet.inputs["availabilityZone"]),
      ]),
  );
}

describe("availability zones of a new VPC", () => {
  describe("subnetZones", () => {
    it("takes the first zones by name, whatever order AWS lists them in", () => {
      assert.deepEqual(subnetZones(["us-east-1d", "us-east-1a", "us-east-1f", "us-east-1b"], 3, "us-east-1"), [
        "us-east-1a",
        "us-east-1b",
        "us-east-1d",
      ]);
    });

    it("takes every zone when the account is offered exactly as many", () => {
      assert.deepEqual(subnetZones(["ap-northeast-1d", "ap-northeast-1a", "ap-northeast-1c"], 3, "ap-northeast-1"), [
        "ap-northeast-1a",
        "ap-northeast-1c",
        "ap-northeast-1d",
      ]);
    });

    it("refuses more zones than the account is offered, naming them and the count to set", () => {
      assert.deepEqual(subnetZones(["us-east-1b", "us-east-1a"], 3, "us-east-1"), {
        path: "aws.network.availabilityZones",
        message:
          "asks for 3 zones, and the account is offered 2 in us-east-1 (us-east-1a, us-east-1b): set it to 2 or fewer; nothing was changed",
      });
    });

    it("says what to do instead when the account is offered fewer zones than a load balancer needs", () => {
      assert.deepEqual(subnetZones(["us-west-1a"], 2, "us-west-1"), {
        path: "aws.network.availabilityZones",
        message:
          "asks for 2 zones, and the account is offered 1 in us-west-1 (us-west-1a): a load balancer and a database need subnets in 2 zones: deploy to another region, or give aws.network.existing a VPC's subnets; nothing was changed",
      });
    });
  });

  describe("the program", () => {
    it("fails before registering anything when the account is offered fewer zones than the stack asks", async () => {
      await assert.rejects(runOffered(["us-east-1b", "us-east-1a"]), (error: ProgramError) => {
        assert.ok(error instanceof pulumi.RunError);
        assert.equal(
          error.message,
          "Pulumi.prod.yaml: litellm-mcp:aws.network.availabilityZones: asks for 3 zones, and the account is offered 2 in us-east-1 (us-east-1a, us-east-1b): set it to 2 or fewer; nothing was changed",
        );
        assert.deepEqual(error.registered, []);
        return true;
      });
    });

    it("puts each pair of subnets in a zone of its own when the account is offered exactly as many", async () => {
      const run = await runOffered(["us-east-1c", "us-east-1a", "us-east-1b"]);
      assert.deepEqual(subnetZonesOf(run), {
        "public-0": "us-east-1a",
        "public-1": "us-east-1b",
        "public-2": "us-east-1c",
        "private-0": "us-east-1a",
        "private-1": "us-east-1b",
        "private-2": "us-east-1c",
      });
    });

    it("takes the first zones by name when the account is offered more", async () => {
      const run = await runOffered([
        "us-east-1f",
        "us-east-1d",
        "us-east-1a",
        "us-east-1e",
        "us-east-1c",
        "us-east-1b",
      ]);
      assert.deepEqual(subnetZonesOf(run), {
        "public-0": "us-east-1a",
        "public-1": "us-east-1b",
        "public-2": "us-east-1c",
        "private-0": "us-east-1a",
        "private-1": "us-east-1b",
        "private-2": "us-east-1c",
      });
    });

    it("asks nothing of the account for an existing VPC", async () => {
      const existing = {
        vpcId: "vpc-0abc12345def67890",
        publicSubnetIds: ["subnet-0aaa1111", "subnet-0bbb2222"],
        privateSubnetIds: ["subnet-0ccc3333", "subnet-0ddd4444"],
      };
      const { "aws:index/getAvailabilityZones:getAvailabilityZones": _, ...calls } = awsCalls;
      const run = await runProgram("prod", {
        outputs: awsOutputs,
        calls,
        config: engineConfigOfVariant("prod", (v) => (v["aws"]["network"] = { existing })),
      });
      assert.deepEqual(run.ofType("aws:ec2/subnet:Subnet"), []);
    });
  });
});
