/**
 * The Bedrock permissions of the proxy's task role: exactly the configured models in their regions.
 * A cross-region inference profile (us., jp., ...) needs the profile's ARN and the foundation model in every
 * region the profile may route to; those regions are AWS's to choose, so the foundation-model grant names the
 * model in any region but holds only for calls made through the configured profiles. A global. profile routes to
 * the region-less foundation-model ARN (arn:aws:bedrock:::foundation-model/<model>), which AWS authorizes with
 * aws:RequestedRegion "unspecified": it gets a statement of its own (Amazon Bedrock user guide, Global
 * cross-Region inference, IAM policy requirements).
 */
import { splitModelId } from "../../config/modelCatalog";
import type { ModelConfig } from "../../config/schema";

const BEDROCK_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"];

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: Record<string, Record<string, string[]>>;
}

/** AWS's limit on the inline policies of one role, in characters without white space (IAM and STS quotas). */
export const INLINE_ROLE_POLICY_CHARS = 10_240;

/** A model id's family: its inference profile's geography and provider, or its provider (us.anthropic.*, anthropic.*). */
function family(id: string): string {
  const { geography, foundationModel } = splitModelId(id);
  const provider = foundationModel.split(".")[0]!;
  return geography === undefined ? `${provider}.*` : `${geography}.${provider}.*`;
}

/**
 * Statements granting the models invoked with the task role itself; models with a roleArn use that role instead.
 * Each configured id is named, unless that would take more than `maxChars` (dozens of models): then each family of
 * the configured ids (us.anthropic.* in us-east-1, ...) is named instead, which stays small however many models.
 */
export function bedrockStatements(
  models: readonly ModelConfig[],
  partition: string,
  accountId: string,
  maxChars = Number.POSITIVE_INFINITY,
): PolicyStatement[] {
  const exact = statementsNaming(models, partition, accountId, (id) => id);
  return JSON.stringify(exact).length <= maxChars ? exact : statementsNaming(models, partition, accountId, family);
}

function statementsNaming(
  models: readonly ModelConfig[],
  partition: string,
  accountId: string,
  name: (id: string) => string,
): PolicyStatement[] {
  const direct: string[] = [];
  const profiles: string[] = [];
  const routed: string[] = [];
  const globalProfiles: string[] = [];
  const globallyRouted: string[] = [];
  for (const model of models) {
    if (model.roleArn !== undefined) continue;
    const { geography, foundationModel } = splitModelId(model.bedrockModelId);
    if (geography !== undefined) {
      const profile = `arn:${partition}:bedrock:${model.region}:${accountId}:inference-profile/${name(model.bedrockModelId)}`;
      profiles.push(profile);
      routed.push(`arn:${partition}:bedrock:*::foundation-model/${name(foundationModel)}`);
      if (geography === "global") {
        globalProfiles.push(profile);
        globallyRouted.push(`arn:${partition}:bedrock:::foundation-model/${name(foundationModel)}`);
      }
    } else {
      direct.push(`arn:${partition}:bedrock:${model.region}::foundation-model/${name(model.bedrockModelId)}`);
    }
  }
  const statements: PolicyStatement[] = [];
  if (direct.length + profiles.length > 0) {
    statements.push({
      Sid: "InvokeConfiguredModels",
      Effect: "Allow",
      Action: BEDROCK_ACTIONS,
      Resource: unique([...direct, ...profiles]),
    });
  }
  if (routed.length > 0) {
    statements.push({
      Sid: "InvokeThroughConfiguredProfiles",
      Effect: "Allow",
      Action: BEDROCK_ACTIONS,
      Resource: unique(routed),
      Condition: profileCondition(profiles),
    });
  }
  if (globallyRouted.length > 0) {
    statements.push({
      Sid: "InvokeThroughGlobalProfiles",
      Effect: "Allow",
      Action: BEDROCK_ACTIONS,
      Resource: unique(globallyRouted),
      Condition: profileCondition(globalProfiles, { "aws:RequestedRegion": ["unspecified"] }),
    });
  }
  return statements;
}

/**
 * A grant only through the given inference profiles (StringLike when one is a wildcard), and the other exact
 * conditions `also` names.
 */
function profileCondition(
  profiles: string[],
  also: Record<string, string[]> = {},
): NonNullable<PolicyStatement["Condition"]> {
  if (!profiles.some((arn) => arn.endsWith("*")))
    return { StringEquals: { "bedrock:InferenceProfileArn": unique(profiles), ...also } };
  return {
    StringLike: { "bedrock:InferenceProfileArn": unique(profiles) },
    ...(Object.keys(also).length > 0 ? { StringEquals: also } : {}),
  };
}

/** Roles the proxy assumes for models configured with roleArn. */
export function assumedRoles(models: readonly ModelConfig[]): string[] {
  return unique(models.flatMap((model) => (model.roleArn === undefined ? [] : [model.roleArn])));
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
