/**
 * What `pulumi up` runs beside the proxy's resources, on the machine running Pulumi with its AWS credentials: a
 * snapshot of the database before another image migrates it, then the migration task; and the script the smoke
 * check's one-off task runs.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../projectRoot";

/** The smoke check the one-off task runs with the image's Python (components/aws/smoke.py). */
export function smokeScript(): string {
  return readFileSync(join(projectRoot(), "components", "aws", "smoke.py"), "utf8");
}

/**
 * The command `pulumi up` runs once per migration task definition: the operations CLI starts the task and waits
 * for its container's exit code. It runs on the machine running Pulumi, with its AWS credentials.
 */
export function migrationCommand(
  region: string,
  cluster: string,
  taskDefinition: string,
  subnets: readonly string[],
  securityGroup: string,
): string {
  return [
    "node ops/bin.js migrate",
    `--region ${region}`,
    `--cluster ${cluster}`,
    `--task-definition ${taskDefinition}`,
    `--subnets ${subnets.join(",")}`,
    `--security-group ${securityGroup}`,
  ].join(" ");
}

/**
 * The command `pulumi up` runs when the proxy's image changes, before the migration task: the operations CLI takes
 * a snapshot of the database, tagged with the image about to migrate it, and waits until it is available. A
 * rollback across that image's migrations restores it.
 */
export function snapshotCommand(region: string, instance: string, stack: string, image: string): string {
  return [
    "node ops/bin.js snapshot-db",
    `--region ${region}`,
    `--instance ${instance}`,
    `--stack ${stack}`,
    `--before-image ${image}`,
  ].join(" ");
}
