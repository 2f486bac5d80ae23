/** The commands of litellm-mcp: what each does, its options, and how it runs, one file per group of commands. */
import { CONFIG_COMMANDS } from "./config";
import { DEPLOY_COMMANDS } from "./deploy";
import { OPERATE_COMMANDS } from "./operate";
import { DATABASE_COMMANDS } from "./database";
import { HOOKS_COMMANDS } from "./hooks";
import { IMAGES_COMMANDS } from "./images";
import type { Command } from "./shared";

export type { Command, OptionSpec } from "./shared";

/** Every command, in the order help lists them. */
export const COMMANDS: Record<string, Command> = {
  render: CONFIG_COMMANDS["render"]!,
  validate: CONFIG_COMMANDS["validate"]!,
  models: CONFIG_COMMANDS["models"]!,
  up: DEPLOY_COMMANDS["up"]!,
  preview: DEPLOY_COMMANDS["preview"]!,
  down: DEPLOY_COMMANDS["down"]!,
  status: OPERATE_COMMANDS["status"]!,
  smoke: OPERATE_COMMANDS["smoke"]!,
  logs: OPERATE_COMMANDS["logs"]!,
  restart: OPERATE_COMMANDS["restart"]!,
  "apply-db-parameters": DATABASE_COMMANDS["apply-db-parameters"]!,
  upgrade: DATABASE_COMMANDS["upgrade"]!,
  rollback: DATABASE_COMMANDS["rollback"]!,
  "snapshot-db": HOOKS_COMMANDS["snapshot-db"]!,
  migrate: HOOKS_COMMANDS["migrate"]!,
  "verify-image": IMAGES_COMMANDS["verify-image"]!,
  "pin-images": IMAGES_COMMANDS["pin-images"]!,
  backup: DATABASE_COMMANDS["backup"]!,
  restore: DATABASE_COMMANDS["restore"]!,
  "clear-cache": OPERATE_COMMANDS["clear-cache"]!,
  pulumi: DEPLOY_COMMANDS["pulumi"]!,
};
