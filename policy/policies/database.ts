/** The database's policies: encrypted, private, and protected in prod. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { type ProdConfig, forTypes, prodStacksSchema, stackOf } from "./shared";

export const rdsEncryptedAndPrivate: ResourceValidationPolicy = {
  name: "rds-encrypted-and-private",
  description: "RDS instances store data encrypted and are not reachable from the internet.",
  enforcementLevel: "mandatory",
  validateResource: forTypes(["aws:rds/instance:Instance"], (props, _, report) => {
    if (props["storageEncrypted"] !== true) report("RDS instance storage must be encrypted (storageEncrypted: true).");
    if (props["publiclyAccessible"] === true)
      report("RDS instance must not be publicly accessible (publiclyAccessible: false).");
  }),
};

export const rdsProdProtection: ResourceValidationPolicy = {
  name: "rds-prod-protection",
  description: "In prod stacks, RDS instances are multi-AZ, protected from deletion and backed up for at least 7 days.",
  enforcementLevel: "mandatory",
  configSchema: prodStacksSchema,
  validateResource: forTypes(["aws:rds/instance:Instance"], (props, args, report) => {
    const prodStacks = args.getConfig<ProdConfig>().prodStacks ?? ["prod"];
    if (!prodStacks.includes(stackOf(args.urn))) return;
    if (props["deletionProtection"] !== true)
      report("A prod RDS instance must have deletion protection (deletionProtection: true).");
    if (props["multiAz"] !== true) report("A prod RDS instance must be multi-AZ (multiAz: true).");
    const backups = Number(props["backupRetentionPeriod"] ?? 0);
    if (backups < 7)
      report(`A prod RDS instance must keep backups for at least 7 days (backupRetentionPeriod is ${backups}).`);
  }),
};
