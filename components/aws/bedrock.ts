/**
 * The Bedrock permissions of the proxy's task role: exactly the configured models in their regions.
 * A cross-region inference profile (us., apac., ...) needs the profile's ARN and the foundation model in every
 * region the profile may route to; those regions are AWS's to choose, so the foundation-model grant names the
 * model in any region but holds only for calls made through the configured profiles.
 */
import { splitModelId } from "../../config/bedrock";
import type { ModelConfig } from "../../config/schema";

const BEDROCK_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"];

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: Record<string, Record<string, string[]>>;
}

/** Statements granting the models invoked with the task role itself; models with a roleArn use that role instead. */
export function bedrockStatements(models: readonly ModelConfig[], partition: string, accountId: string): PolicyStatement[] {
  const direct: string[] = [];
  const profiles: string[] = [];
  const routed: string[] = [];
  for (const model of models) {
    if (model.roleArn !== undefined) continue;
    const { geography, foundationModel } = splitModelId(model.bedrockModelId);
    if (geography !== undefined) {
      profiles.push(`arn:${partition}:bedrock:${model.region}:${accountId}:inference-profile/${model.bedrockModelId}`);
      routed.push(`arn:${partition}:bedrock:*::foundation-model/${foundationModel}`);
    } else {
      direct.push(`arn:${partition}:bedrock:${model.region}::foundation-model/${model.bedrockModelId}`);
    }
  }
  const statements: PolicyStatement[] = [];
  if (direct.length + profiles.length > 0) {
    statements.push({ Sid: "InvokeConfiguredModels", Effect: "Allow", Action: BEDROCK_ACTIONS, Resource: unique([...direct, ...profiles]) });
  }
  if (routed.length > 0) {
    statements.push({
      Sid: "InvokeThroughConfiguredProfiles",
      Effect: "Allow",
      Action: BEDROCK_ACTIONS,
      Resource: unique(routed),
      Condition: { StringEquals: { "bedrock:InferenceProfileArn": unique(profiles) } },
    });
  }
  return statements;
}

/** Roles the proxy assumes for models configured with roleArn. */
export function assumedRoles(models: readonly ModelConfig[]): string[] {
  return unique(models.flatMap((model) => (model.roleArn === undefined ? [] : [model.roleArn])));
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
