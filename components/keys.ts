/**
 * The proxy's own keys, and the dev database's password. The salt key encrypts the credentials LiteLLM stores
 * in its database and cannot be rotated by LiteLLM; the master key is the admin's; Postgres takes its password
 * only when it initialises an empty volume. Each must live as long as the data it unlocks, whatever happens to
 * the code around it:
 *
 * - generated once, at a fixed URN at the top of the stack: a renamed or restructured component cannot move it;
 * - its generator's options are never revisited: a changed length does not replace it;
 * - protected wherever its data outlives the stack's other resources (the dev volume kept on `down`, a database
 *   with deletion protection or a final snapshot): `litellm-mcp down` destroys everything else
 *   (`pulumi destroy --exclude-protected`), and the next `up` finds the keys where it left them.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { KEY_RESOURCES } from "../config/constants";

export type KeyPurpose = keyof typeof KEY_RESOURCES;

/** The fixed resource name of a generated key: never derived from a component's name. */
export function keyResourceName(purpose: KeyPurpose): string {
  return KEY_RESOURCES[purpose];
}

export interface KeyOptions {
  /** Refuse to delete or replace the key: its data outlives the stack's other resources. */
  readonly protect: boolean;
  /** Where the key was before (older versions kept it inside a component, named after it). */
  readonly aliases?: pulumi.Input<pulumi.Alias>[];
}

/**
 * A key generated once: 48 letters and digits, behind sk- for the proxy's keys (LiteLLM requires the prefix
 * on the master key), 32 for a database password.
 */
export function generatedKey(purpose: KeyPurpose, options: KeyOptions): pulumi.Output<string> {
  const key = new random.RandomPassword(
    keyResourceName(purpose),
    { length: purpose === "database-password" ? 32 : 48, special: false },
    {
      protect: options.protect,
      aliases: options.aliases,
      ignoreChanges: [
        "length",
        "special",
        "upper",
        "lower",
        "numeric",
        "minLower",
        "minUpper",
        "minNumeric",
        "minSpecial",
        "keepers",
      ],
    },
  );
  return purpose === "database-password"
    ? pulumi.secret(key.result)
    : pulumi.secret(pulumi.interpolate`sk-${key.result}`);
}
