/** The proxy's generated keys, the same on both targets. Both are Pulumi secrets from the start. */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/** The admin key; LiteLLM requires the sk- prefix. */
export function generateMasterKey(name: string, parent: pulumi.Resource): pulumi.Output<string> {
  const key = new random.RandomPassword(`${name}-master-key`, { length: 48, special: false }, { parent });
  return pulumi.secret(pulumi.interpolate`sk-${key.result}`);
}

/** Encrypts credentials stored in the database: generated once and never rotated by the program. */
export function generateSaltKey(name: string, parent: pulumi.Resource): pulumi.Output<string> {
  const key = new random.RandomPassword(`${name}-salt-key`, { length: 48, special: false }, { parent });
  return pulumi.secret(pulumi.interpolate`sk-${key.result}`);
}
