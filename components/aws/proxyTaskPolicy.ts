/**
 * What the proxy's running containers may do on AWS (its task role): invoke the stack's Bedrock models, read
 * config.yaml from S3, with tracing send traces to X-Ray and write LiteLLM's metrics to their log group, and assume
 * the roles models name. Bedrock's statements get what AWS's inline policy limit leaves of the others.
 */
import type { ModelConfig } from "../../config/schema";
import { assumedRoles, bedrockStatements, INLINE_ROLE_POLICY_CHARS, type PolicyStatement } from "./bedrockPolicy";

export interface ProxyTaskPolicyArgs {
  readonly models: readonly ModelConfig[];
  readonly partition: string;
  readonly accountId: string;
  readonly configObjectArn: string;
  readonly tracing: boolean;
  /** The log group LiteLLM's metrics go to, with tracing. */
  readonly metricLogsArn?: string | undefined;
}

export function proxyTaskStatements(args: ProxyTaskPolicyArgs): PolicyStatement[] {
  const { partition, accountId, configObjectArn, metricLogsArn } = args;
  const others: PolicyStatement[] = [
    { Sid: "ReadConfig", Effect: "Allow", Action: ["s3:GetObject"], Resource: [configObjectArn] },
  ];
  if (args.tracing) {
    // X-Ray's trace APIs name no resource.
    others.push({
      Sid: "SendTraces",
      Effect: "Allow",
      Action: [
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "xray:GetSamplingStatisticSummaries",
      ],
      Resource: ["*"],
    });
  }
  if (metricLogsArn !== undefined) {
    others.push({
      Sid: "WriteMetrics",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [`${metricLogsArn}:*`],
    });
  }
  const roles = assumedRoles(args.models);
  if (roles.length > 0)
    others.push({ Sid: "AssumeModelRoles", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: roles });
  // What the rest of the task policy leaves of AWS's limit, the Bedrock statements' list brackets and comma included.
  const budget = INLINE_ROLE_POLICY_CHARS - JSON.stringify({ Version: "2012-10-17", Statement: others }).length - 1;
  return [...bedrockStatements(args.models, partition, accountId, budget), ...others];
}
