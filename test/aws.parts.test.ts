import { strict as assert } from "node:assert";
import { bedrockStatements } from "../components/aws/bedrockPolicy";
import { hostBitsProblem, subnetCidr } from "../config/cidr";
import { fargateSizeProblem } from "../config/fargate";
import { loadVariant } from "./support/stacks";

describe("AWS building blocks", () => {
  describe("subnetCidr", () => {
    it("carves /20 blocks out of a /16 like cidrsubnet()", () => {
      assert.deepEqual(
        [0, 1, 8, 15].map((index) => subnetCidr("10.40.0.0/16", 4, index)),
        ["10.40.0.0/20", "10.40.16.0/20", "10.40.128.0/20", "10.40.240.0/20"],
      );
    });

    it("ignores host bits in the base and refuses a block that does not exist", () => {
      assert.equal(subnetCidr("10.40.7.9/16", 8, 3), "10.40.3.0/24");
      assert.throws(() => subnetCidr("10.40.0.0/16", 4, 16), /has no subnet 16 of \/20/);
      assert.throws(() => subnetCidr("10.40.0.0/30", 4, 0), /has no subnet 0 of \/34/);
    });
  });

  describe("hostBitsProblem", () => {
    it("accepts a block's network address and names the block of any other address", () => {
      assert.equal(hostBitsProblem("10.40.0.0/16"), undefined);
      assert.equal(hostBitsProblem("0.0.0.0/0"), undefined);
      assert.equal(hostBitsProblem("192.168.7.9/24"), "has host bits set: the block is 192.168.7.0/24");
      assert.equal(hostBitsProblem("2001:db8::/32"), undefined);
    });
  });

  describe("bedrockStatements", () => {
    it("grants nothing for models that assume a role of their own", () => {
      const config = loadVariant("prod", (v) => {
        for (const model of v.models) model.roleArn = "arn:aws:iam::123456789012:role/bedrock";
      });
      assert.deepEqual(bedrockStatements(config.models, "aws", "123456789012"), []);
    });

    it("grants a foundation model used directly in its region only, with no condition", () => {
      // London offers Claude Sonnet 4.6 in-Region.
      const model = loadVariant("prod", (v) =>
        Object.assign(v.models[2], { bedrockModelId: "anthropic.claude-sonnet-4-6", region: "eu-west-2" }),
      ).models[2];
      assert.deepEqual(bedrockStatements([model!], "aws-cn", "123456789012"), [
        {
          Sid: "InvokeConfiguredModels",
          Effect: "Allow",
          Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
          Resource: ["arn:aws-cn:bedrock:eu-west-2::foundation-model/anthropic.claude-sonnet-4-6"],
        },
      ]);
    });

    it("names each resource once when two models share it", () => {
      const config = loadVariant("prod", (v) => v.models.push({ ...v.models[1], name: "claude-sonnet-tokyo-2" }));
      const statements = bedrockStatements(config.models, "aws", "123456789012");
      for (const statement of statements) assert.equal(new Set(statement.Resource).size, statement.Resource.length);
    });
  });

  describe("fargateSizeProblem", () => {
    it("accepts the sizes Fargate offers and explains the ones it does not", () => {
      assert.deepEqual(
        [
          fargateSizeProblem(256, 512),
          fargateSizeProblem(256, 2048),
          fargateSizeProblem(2048, 16384),
          fargateSizeProblem(16384, 122880),
        ],
        [undefined, undefined, undefined, undefined],
      );
      assert.equal(fargateSizeProblem(256, 1536), "expected memory for 256 CPU units of 512, 1024, 2048 MiB, got 1536");
      assert.equal(
        fargateSizeProblem(8192, 18000),
        "expected memory for 8192 CPU units between 16384 and 61440 MiB in steps of 4096, got 18000",
      );
      assert.equal(
        fargateSizeProblem(3000, 8192),
        "expected a Fargate CPU size (256, 512, 1024, 2048, 4096, 8192, 16384), got 3000",
      );
    });
  });
});
