import * as aws from "@pulumi/aws";
import { local } from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { POSTGRES } from "../../config/constants";
import type { StackConfig } from "../../config/schema";
import { awsTags } from "./naming";
import { storedSecret } from "./storedSecret";

export interface GatewayDatabaseArgs {
  readonly stack: string;
  readonly prod: boolean;
  readonly database: StackConfig["database"];
  readonly instance: StackConfig["aws"]["database"];
  readonly subnetIds: pulumi.Input<string>[];
  readonly securityGroupId: pulumi.Input<string>;
  readonly recoveryWindowDays: number;
  readonly region: pulumi.Input<string>;
}

/**
 * RDS Postgres 15 in the private subnets: never public, storage encrypted, TLS required, backed up, and in prod
 * multi-AZ, protected from deletion and snapshotted when deleted. The URL the proxy connects with is composed
 * from the generated password and the endpoint and kept in Secrets Manager.
 */
export class GatewayDatabase extends pulumi.ComponentResource {
  readonly instance: aws.rds.Instance;
  /** The database URL's secret, as a task definition names it. */
  readonly urlSecretValueFrom: pulumi.Output<string>;
  /** Done once the database runs with its parameters: what uses the connection limit waits for it. */
  readonly parametersApplied: pulumi.Resource;

  constructor(name: string, args: GatewayDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:aws:Database", name, {}, opts);
    const parent = { parent: this };
    const tags = awsTags(args.stack, "database");
    const { instance: sizing, database } = args;

    const subnets = new aws.rds.SubnetGroup(`${name}-subnets`, { subnetIds: args.subnetIds, tags }, parent);
    const parameters = new aws.rds.ParameterGroup(
      `${name}-parameters`,
      {
        family: "postgres15",
        description: "litellm-mcp: TLS only, connection limit sized for the proxy",
        parameters: [
          { name: "rds.force_ssl", value: "1" },
          { name: "max_connections", value: String(database.maxConnections), applyMethod: "pending-reboot" },
        ],
        tags,
      },
      parent,
    );
    // RDS refuses / @ " and spaces in passwords; letters and digits also keep the URL free of escapes.
    const password = new random.RandomPassword(`${name}-password`, { length: 40, special: false }, parent);

    // Each instance's final snapshot gets a name of its own: the instance a restore replaces, and the one a second
    // `up` after `down` creates, would otherwise collide with the snapshot an earlier instance left, and RDS refuses
    // to delete an instance whose final snapshot name is taken.
    const finalSnapshot = sizing.finalSnapshot
      ? new random.RandomId(
          `${name}-final-snapshot`,
          { byteLength: 4, keepers: { restoredFrom: sizing.restoreSnapshot ?? "" } },
          parent,
        )
      : undefined;

    this.instance = new aws.rds.Instance(
      `${name}-instance`,
      {
        engine: "postgres",
        engineVersion: "15",
        autoMinorVersionUpgrade: true,
        instanceClass: sizing.instanceClass,
        allocatedStorage: sizing.allocatedStorageGb,
        maxAllocatedStorage: sizing.maxAllocatedStorageGb,
        storageType: "gp3",
        storageEncrypted: true,
        publiclyAccessible: false,
        multiAz: sizing.multiAz,
        dbName: database.name,
        username: database.username,
        password: password.result,
        port: POSTGRES.port,
        dbSubnetGroupName: subnets.name,
        vpcSecurityGroupIds: [args.securityGroupId],
        parameterGroupName: parameters.name,
        backupRetentionPeriod: sizing.backupRetentionDays,
        deletionProtection: sizing.deletionProtection,
        skipFinalSnapshot: !sizing.finalSnapshot,
        ...(finalSnapshot
          ? { finalSnapshotIdentifier: pulumi.interpolate`litellm-mcp-${args.stack}-final-${finalSnapshot.hex}` }
          : {}),
        deleteAutomatedBackups: !args.prod,
        copyTagsToSnapshot: true,
        // A rollback across a migration restores the snapshot taken before it: RDS builds a new instance from it.
        ...(sizing.restoreSnapshot === undefined ? {} : { snapshotIdentifier: sizing.restoreSnapshot }),
        performanceInsightsEnabled: sizing.performanceInsights,
        // Outside prod, changes apply now; in prod they wait for the maintenance window.
        applyImmediately: !args.prod,
        tags,
      },
      // Taking restoreSnapshot out of the stack file later must not replace the restored database with an empty one.
      { ...parent, ignoreChanges: sizing.restoreSnapshot === undefined ? ["snapshotIdentifier"] : [] },
    );

    // RDS takes a new max_connections only at a reboot: `pulumi up` reboots the database when, and only when, RDS
    // says one is pending, before the proxy's pools are sized for the new limit.
    this.parametersApplied = new local.Command(
      `${name}-apply-parameters`,
      {
        create: pulumi.interpolate`node ops/bin.js apply-db-parameters --region ${args.region} --instance ${this.instance.identifier}`,
        triggers: [database.maxConnections],
      },
      { parent: this, dependsOn: [parameters, this.instance], deleteBeforeReplace: true },
    );

    this.urlSecretValueFrom = storedSecret(
      `${name}-url`,
      {
        stack: args.stack,
        purpose: "database-url",
        role: "database",
        value: pulumi.interpolate`postgresql://${database.username}:${password.result}@${this.instance.address}:${this.instance.port}/${database.name}?sslmode=require`,
        recoveryWindowDays: args.recoveryWindowDays,
      },
      parent,
    ).valueFrom;
    this.registerOutputs({ urlSecretValueFrom: this.urlSecretValueFrom });
  }
}
