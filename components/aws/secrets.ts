import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { SecretRef } from "../../config/schema";
import { generateMasterKey, generateSaltKey } from "../keys";
import { storedSecret } from "./storedSecret";

export interface GatewaySecretsArgs {
  readonly stack: string;
  readonly recoveryWindowDays: number;
  /** Whether the proxy requires a master key. */
  readonly auth: boolean;
  /** Bring-your-own keys; generated when absent. */
  readonly masterKey?: SecretRef;
  readonly saltKey?: SecretRef;
  /** Every other secret the tasks need (MCP credentials and environments). */
  readonly references: readonly SecretRef[];
  /** The value of a secret config key, as a Pulumi secret. */
  readonly readSecret: (key: string) => pulumi.Output<string>;
}

/**
 * The proxy's keys and every secret referenced by the config, as Secrets Manager entries: created from
 * Pulumi secret config, or existing ones looked up by name or ARN. The salt key is generated once and never
 * rotated by the program: it encrypts credentials stored in the database.
 */
export class GatewaySecrets extends pulumi.ComponentResource {
  readonly masterKeyArn: pulumi.Output<string> | undefined;
  readonly saltKeyArn: pulumi.Output<string>;
  private readonly arns = new Map<string, pulumi.Output<string>>();

  constructor(name: string, args: GatewaySecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:aws:Secrets", name, {}, opts);
    const common = { stack: args.stack, recoveryWindowDays: args.recoveryWindowDays };
    const store = (ref: SecretRef): pulumi.Output<string> => {
      const key = refKey(ref);
      const known = this.arns.get(key);
      if (known) return known;
      let arn: pulumi.Output<string>;
      if ("config" in ref) {
        arn = storedSecret(`${name}-${ref.config}`, { ...common, purpose: ref.config, role: "proxy", value: args.readSecret(ref.config) }, this).arn;
      } else if (ref.secretsManager.startsWith("arn:")) {
        arn = pulumi.output(ref.secretsManager);
      } else {
        arn = aws.secretsmanager.getSecretOutput({ name: ref.secretsManager }, { parent: this }).arn;
      }
      this.arns.set(key, arn);
      return arn;
    };

    if (args.auth) {
      this.masterKeyArn = args.masterKey
        ? store(args.masterKey)
        : storedSecret(`${name}-master-key`, { ...common, purpose: "master-key", role: "proxy", value: generateMasterKey(name, this) }, this).arn;
    }
    this.saltKeyArn = args.saltKey
      ? store(args.saltKey)
      : storedSecret(`${name}-salt-key`, { ...common, purpose: "salt-key", role: "proxy", value: generateSaltKey(name, this) }, this).arn;
    for (const ref of args.references) store(ref);

    this.registerOutputs({ masterKeyArn: this.masterKeyArn, saltKeyArn: this.saltKeyArn });
  }

  /** The ARN of a referenced secret (one given in `references`, or a bring-your-own key). */
  arnOf(ref: SecretRef): pulumi.Output<string> {
    const arn = this.arns.get(refKey(ref));
    if (!arn) throw new Error(`the secret ${refKey(ref)} was not declared to the stack's secrets`);
    return arn;
  }
}

function refKey(ref: SecretRef): string {
  return "config" in ref ? `config:${ref.config}` : `secretsManager:${ref.secretsManager}`;
}
