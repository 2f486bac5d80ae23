/** Data that outlives the stack: the keys that read it are kept as long. */
import type { StackValidationPolicy } from "@pulumi/policy";
import { KEY_RESOURCES } from "../../config/constants";
import type { ContainerDefinition } from "./ecs";

const KEY_NAMES: readonly string[] = [KEY_RESOURCES["master-key"], KEY_RESOURCES["salt-key"]];

/** The proxy image run as the one-off migration task: it migrates and exits, and serves nothing. */
export function migratesOnly(container: ContainerDefinition): boolean {
  return (container.command ?? []).includes("--skip_server_startup");
}

export const keysOutliveTheirData: StackValidationPolicy = {
  name: "keys-outlive-their-data",
  description:
    "Where the database outlives the stack (deletion protection or a final snapshot), the generated master and salt keys are protected: the salt key is the only way to read the credentials stored in it.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const kept = args.resources.some(
      (resource) =>
        resource.type === "aws:rds/instance:Instance" &&
        (resource.props["deletionProtection"] === true || resource.props["skipFinalSnapshot"] === false),
    );
    if (!kept) return;
    for (const key of args.resources.filter(
      (resource) => resource.type === "random:index/randomPassword:RandomPassword" && KEY_NAMES.includes(resource.name),
    )) {
      if (!key.opts.protect)
        report(`${key.name} must be protected (protect: true): the database it reads outlives the stack.`, key.urn);
    }
  },
};
