/** IAM: Bedrock access scoped to the stack's models. */
import type { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes } from "./shared";

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
}

function statementsOf(document: unknown): Statement[] {
  if (typeof document !== "string") return [];
  const parsed = JSON.parse(document) as { Statement?: Statement | Statement[] };
  return [parsed.Statement ?? []].flat();
}

function checkBedrockScope(document: unknown, report: ReportViolation): void {
  for (const statement of statementsOf(document)) {
    if (statement.Effect !== "Allow") continue;
    const actions = [statement.Action ?? []].flat();
    const resources = [statement.Resource ?? []].flat();
    for (const action of actions) {
      if (action === "*" || action.toLowerCase() === "bedrock:*")
        report(`IAM policy grants "${action}": name the Bedrock actions it needs.`);
    }
    if (actions.some((action) => action.toLowerCase().startsWith("bedrock:")) && resources.includes("*")) {
      report('IAM policy grants Bedrock actions on Resource "*": name the model and inference-profile ARNs.');
    }
  }
}

export const iamBedrockScoped: ResourceValidationPolicy = {
  name: "iam-bedrock-scoped",
  description:
    'IAM policies name the Bedrock actions and models they grant: no bedrock:*, no Resource "*" with Bedrock actions.',
  enforcementLevel: "advisory",
  validateResource: [
    forTypes(
      [
        "aws:iam/policy:Policy",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/userPolicy:UserPolicy",
        "aws:iam/groupPolicy:GroupPolicy",
      ],
      (props, _, report) => checkBedrockScope(props["policy"], report),
    ),
    forTypes(["aws:iam/role:Role"], (props, _, report) => {
      for (const inline of (props["inlinePolicies"] as { policy?: string }[] | undefined) ?? [])
        checkBedrockScope(inline.policy, report);
    }),
  ],
};
