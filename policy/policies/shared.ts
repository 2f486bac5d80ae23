/** What the policies share: the resource filter, the stack of a URN, and the prod stacks option. */
import type { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";

export type Props = Record<string, unknown>;

/** Runs `validate` on resources of the given types only. */
export function forTypes(
  types: readonly string[],
  validate: (props: Props, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
  return (args, report) => {
    if (types.includes(args.type)) validate(args.props as Props, args, report);
  };
}

/** The stack a resource belongs to, from its URN (`urn:pulumi:<stack>::<project>::...`). */
export function stackOf(urn: string): string {
  return urn.split("::")[0]?.split(":")[2] ?? "";
}

export interface ProdConfig {
  /** Names of the stacks held to production rules. */
  prodStacks?: string[];
}

export const prodStacksSchema = {
  properties: { prodStacks: { type: "array", items: { type: "string" }, default: ["prod"] } },
} as const;
