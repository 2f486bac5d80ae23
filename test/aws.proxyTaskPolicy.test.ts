import { strict as assert } from "node:assert";
import { INLINE_ROLE_POLICY_CHARS } from "../components/aws/bedrockPolicy";
import { proxyTaskStatements } from "../components/aws/proxyTaskPolicy";
import { loadStack } from "./support/stacks";

const base = {
  models: loadStack("test").models,
  partition: "aws",
  accountId: "123456789012",
  configObjectArn: "arn:aws:s3:::litellm-mcp-test-config-1/config.yaml",
};
const sids = (statements: { Sid: string }[]) => statements.map((statement) => statement.Sid);

describe("the proxy's task policy", () => {
  it("lets the proxy invoke the stack's models and their inference profiles and read config.yaml, and nothing else without tracing", () => {
    const statements = proxyTaskStatements({ ...base, tracing: false });
    assert.deepEqual(sids(statements), [
      "InvokeConfiguredModels",
      "InvokeThroughConfiguredProfiles",
      "InvokeThroughGlobalProfiles",
      "ReadConfig",
    ]);
    assert.deepEqual(statements.at(-1)?.Resource, [base.configObjectArn]);
  });

  it("adds X-Ray and the metrics log group with tracing, the log group's streams only", () => {
    const arn = "arn:aws:logs:us-east-1:123456789012:log-group:/litellm-mcp/test/metrics";
    const statements = proxyTaskStatements({ ...base, tracing: true, metricLogsArn: arn });
    assert.deepEqual(sids(statements).slice(-3), ["ReadConfig", "SendTraces", "WriteMetrics"]);
    assert.deepEqual(statements.at(-1)?.Resource, [`${arn}:*`]);
  });

  it("lets the proxy assume the roles models name", () => {
    const role = "arn:aws:iam::210987654321:role/bedrock-invoker";
    const models = base.models.map((model, index) => (index === 0 ? { ...model, roleArn: role } : model));
    const statements = proxyTaskStatements({ ...base, models, tracing: false });
    assert.deepEqual(statements.at(-1), {
      Sid: "AssumeModelRoles",
      Effect: "Allow",
      Action: ["sts:AssumeRole"],
      Resource: [role],
    });
  });

  it("fits AWS's inline policy limit", () => {
    const statements = proxyTaskStatements({
      ...base,
      tracing: true,
      metricLogsArn: "arn:aws:logs:us-east-1:1:log-group:x",
    });
    assert.ok(JSON.stringify({ Version: "2012-10-17", Statement: statements }).length <= INLINE_ROLE_POLICY_CHARS);
  });
});
