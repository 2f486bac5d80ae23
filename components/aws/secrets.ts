import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { SecretRef } from "../../config/schema";
import { generatedKey, keyResourceName } from "../keys";
import { storedSecret } from "./storedSecret";

export interface GatewaySecretsArgs {
  readonly stack: string;
  readonly recoveryWindowDays: number;
  /** Whether the proxy requires a master key. */
  readonly auth: boolean;
  /** Bring-your-own keys; generated when absent. */
  readonly masterKey?: SecretRef;
  readonly saltKey?: SecretRef;
  /** The database outlives a destroy (deletion protection or a final snapshot): so must its keys. */
  readonly keepKeys: boolean;
  /** Every other secret the tasks need (MCP credentials and environments). */
  readonly references: readonly SecretRef[];
  /** The value of a secret config key, as a Pulumi secret. */
  readonly readSecret: (key: string) => pulumi.Output<string>;
}

/**
 * The proxy's keys and every secret referenced by the config, as Secrets Manager entries: created from
 * Pulumi secret config, or existing ones looked up by name or ARN. Each is handed to tasks as a `valueFrom`
 * pinned to the version the stack wrote, so a changed value rolls the tasks that read it.
 *
 * The generated master and salt keys sit at fixed URNs at the top of the stack (components/keys.ts): the salt
 * key encrypts credentials stored in the database and LiteLLM cannot rotate it.
 */
export class GatewaySecrets extends pulumi.ComponentResource {
  /** The master key's secret (for the CLI and the stack's outputs). */
  readonly masterKeyArn: pulumi.Output<string> | undefined;
  /** The keys as task definitions name them. */
  readonly masterKeyValueFrom: pulumi.Output<string> | undefined;
  readonly saltKeyValueFrom: pulumi.Output<string>;
  private readonly stored = new Map<string, { arn: pulumi.Output<string>; valueFrom: pulumi.Output<string> }>();

  constructor(name: string, args: GatewaySecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:aws:Secrets", name, {}, opts);
    const common = { stack: args.stack, recoveryWindowDays: args.recoveryWindowDays };
    const store = (ref: SecretRef) => {
      const key = refKey(ref);
      const known = this.stored.get(key);
      if (known) return known;
      let found: { arn: pulumi.Output<string>; valueFrom: pulumi.Output<string> };
      if ("config" in ref) {
        found = storedSecret(
          `${name}-${ref.config}`,
          { ...common, purpose: ref.config, role: "proxy", value: args.readSecret(ref.config) },
          { parent: this },
        );
      } else {
        // A secret the stack does not own: its tasks read its current version. Looked up even when given as an ARN:
        // a partial ARN (without the 6-character suffix AWS adds) matches no IAM grant and no task's valueFrom.
        const lookup = ref.secretsManager.startsWith("arn:")
          ? { arn: ref.secretsManager }
          : { name: ref.secretsManager };
        const arn = aws.secretsmanager.getSecretOutput(lookup, { parent: this }).arn;
        found = { arn, valueFrom: arn };
      }
      this.stored.set(key, found);
      return found;
    };
    const generated = (purpose: "master-key" | "salt-key") => {
      // Before they had fixed names, the keys were children of this component, named after it.
      const formerly = { name: `${name}-${purpose}`, parent: this };
      const value = generatedKey(purpose, { protect: args.keepKeys, aliases: [formerly] });
      return storedSecret(
        keyResourceName(purpose),
        { ...common, purpose, role: "proxy", value },
        { keep: args.keepKeys, formerly },
      );
    };

    const masterKey = args.auth ? (args.masterKey ? store(args.masterKey) : generated("master-key")) : undefined;
    const saltKey = args.saltKey ? store(args.saltKey) : generated("salt-key");
    for (const ref of args.references) store(ref);

    this.masterKeyArn = masterKey?.arn;
    this.masterKeyValueFrom = masterKey?.valueFrom;
    this.saltKeyValueFrom = saltKey.valueFrom;
    this.registerOutputs({ masterKeyArn: this.masterKeyArn });
  }

  /** How a task definition names a referenced secret (one given in `references`, or a bring-your-own key). */
  valueFromOf(ref: SecretRef): pulumi.Output<string> {
    const found = this.stored.get(refKey(ref));
    if (!found) throw new Error(`the secret ${refKey(ref)} was not declared to the stack's secrets`);
    return found.valueFrom;
  }
}

function refKey(ref: SecretRef): string {
  return "config" in ref ? `config:${ref.config}` : `secretsManager:${ref.secretsManager}`;
}
