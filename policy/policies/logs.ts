/** Log groups keep their logs for a set time. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes } from "./shared";

export const logGroupRetention: ResourceValidationPolicy = {
  name: "log-group-retention",
  description: "CloudWatch log groups keep logs for a set time, not for ever.",
  enforcementLevel: "mandatory",
  validateResource: forTypes(["aws:cloudwatch/logGroup:LogGroup"], (props, args, report) => {
    const days = props["retentionInDays"];
    if (typeof days !== "number" || days <= 0)
      report(`Log group ${args.name} keeps logs for ever: set retentionInDays.`);
  }),
};
