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

/**
 * A Secrets Manager secret holding one value. Tasks receive it through `valueFrom`, so the value never enters
 * a task definition; in Pulumi state it is encrypted as a Pulumi secret.
 */
export function storedSecret(name: string, args: StoredSecretArgs, parent: pulumi.Resource): aws.secretsmanager.Secret {
  const secret = new aws.secretsmanager.Secret(
    name,
    {
      namePrefix: secretNamePrefix(args.stack, args.purpose),
      description: `litellm-mcp ${args.stack}: ${args.purpose}`,
      recoveryWindowInDays: args.recoveryWindowDays,
      tags: awsTags(args.stack, args.role),
    },
    { parent },
  );
  new aws.secretsmanager.SecretVersion(`${name}-value`, { secretId: secret.id, secretString: pulumi.secret(args.value) }, { parent });
  return secret;
}
