import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("litellm-mcp", {
  description: "Security and data-safety invariants of the litellm-mcp gateway",
  policies,
});
