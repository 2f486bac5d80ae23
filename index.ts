import * as pulumi from "@pulumi/pulumi";
import { awsProfileProblems } from "./components/docker/awsProfile";
import { ConfigError, formatProblem } from "./config/errors";
import { stackWarnings } from "./config/warnings";
import { loadPulumiConfig } from "./config/pulumiConfig";
import type { StackConfig } from "./config/schema";
import { deploy, vpcZones } from "./program";

const source = `Pulumi.${pulumi.getStack()}.yaml`;

function loadConfig(): StackConfig {
  try {
    const config = loadPulumiConfig();
    // What Docker would mount must exist on this machine first: a missing path would be created, owned by root.
    const host = config.target === "docker" ? awsProfileProblems(config.docker.awsCredentials) : [];
    if (host.length > 0) throw new ConfigError(source, host);
    return config;
  } catch (error) {
    // A config mistake is the user's to fix: report it without a stack trace, before any resource exists.
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

const config = new pulumi.Config();
const stackConfig = loadConfig();
for (const warning of stackWarnings(stackConfig, new Date())) pulumi.log.warn(formatProblem(source, warning));
const readSecret = (key: string) => config.requireSecret(key);
export = vpcZones(stackConfig, source).then((zones) => deploy(stackConfig, pulumi.getStack(), readSecret, zones));
