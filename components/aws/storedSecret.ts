import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Role } from "../../config/constants";
import { awsTags, secretNamePrefix } from "./naming";

export interface StoredSecretArgs {
  readonly stack: string;
  /** What the secret is, in its name: "master-key", "database-url", ... */
  readonly purpose: string;
  readonly role: Role;
  readonly value: pulumi.Input<string>;
  readonly recoveryWindowDays: number;
}

export interface StoredSecretOptions {
  /** A component, or none for a secret at the top of the stack. */
  readonly parent?: pulumi.Resource;
  /** Protect the secret and keep it in AWS when the stack deletes it: data outside the stack needs it. */
  readonly keep?: boolean;
  /** The name and parent the secret had before, so that moving it does not replace it. */
  readonly formerly?: { readonly name: string; readonly parent: pulumi.Resource };
}

export interface StoredSecret {
  readonly arn: pulumi.Output<string>;
  /**
   * What a task definition names to receive the value: the ARN with the version id (ARN:json-key:stage:version).
   * A new value is a new version, so the task definition changes and the service rolls its tasks onto it.
   */
  readonly valueFrom: pulumi.Output<string>;
}

/**
 * A Secrets Manager secret holding one value. Tasks receive it through `valueFrom`, so the value never enters
 * a task definition; in Pulumi state it is encrypted as a Pulumi secret.
 */
export function storedSecret(name: string, args: StoredSecretArgs, options: StoredSecretOptions): StoredSecret {
  const opts = (suffix: string): pulumi.CustomResourceOptions => ({
    parent: options.parent,
    protect: options.keep,
    retainOnDelete: options.keep,
    aliases: options.formerly
      ? [{ name: `${options.formerly.name}${suffix}`, parent: options.formerly.parent }]
      : undefined,
  });
  const secret = new aws.secretsmanager.Secret(
    name,
    {
      namePrefix: secretNamePrefix(args.stack, args.purpose),
      description: `litellm-mcp ${args.stack}: ${args.purpose}`,
      recoveryWindowInDays: args.recoveryWindowDays,
      tags: awsTags(args.stack, args.role),
    },
    opts(""),
  );
  const version = new aws.secretsmanager.SecretVersion(
    `${name}-value`,
    { secretId: secret.id, secretString: pulumi.secret(args.value) },
    opts("-value"),
  );
  return { arn: secret.arn, valueFrom: pulumi.interpolate`${secret.arn}:::${version.versionId}` };
}
