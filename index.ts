import * as pulumi from "@pulumi/pulumi";
import { ConfigError, formatProblem } from "./config/errors";
import { stackWarnings } from "./config/placeholders";
import { loadPulumiConfig } from "./config/pulumiConfig";
import type { StackConfig } from "./config/schema";
import { deploy } from "./program";

function loadConfig(): StackConfig {
  try {
    return loadPulumiConfig();
  } catch (error) {
    // A config mistake is the user's to fix: report it without a stack trace, before any resource exists.
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

const config = new pulumi.Config();
const stackConfig = loadConfig();
for (const warning of stackWarnings(stackConfig, new Date())) pulumi.log.warn(formatProblem(`Pulumi.${pulumi.getStack()}.yaml`, warning));
export = deploy(stackConfig, pulumi.getStack(), (key) => config.requireSecret(key));
