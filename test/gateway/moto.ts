/**
 * Moto's server (PyPI moto[server]), a maintained emulator of the AWS APIs, on the local VPC's gateway: the real
 * AWS SDK clients talk to it. Under Pulumi's mocks the program's S3 buckets and objects, Secrets Manager secrets
 * and versions, ECS cluster, task definitions and services, CloudWatch log groups and RDS parameter group and
 * instance are created in it, as the AWS provider would create them in AWS, and their outputs (ARNs, version ids,
 * endpoints) are the ones moto gives: the task definitions name the secrets moto holds, and the tasks are started
 * from what moto stores. Every other resource keeps the plain mocks' outputs.
 *
 * Moto runs no tasks: its ECS services complete their deployments when created (MOTO_ECS_SERVICE_RUNNING), and the
 * suite's ECS agent stand-in tells it how many tasks it started for a service.
 */
import { randomBytes } from "node:crypto";
import { CloudWatchLogsClient, CreateLogGroupCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import {
  CreateDBInstanceCommand,
  CreateDBParameterGroupCommand,
  ModifyDBParameterGroupCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { OutputMocks } from "../support/pulumi";
import { freePort } from "../support/standins";
import { type Started, startProcess, waitFor } from "./processes";

/** Credentials moto accepts; it checks none. */
const EMULATOR_CREDENTIALS = { accessKeyId: "AKIAEMULATOR00000000", secretAccessKey: "emulator-secret" };

export interface Moto {
  readonly endpoint: string;
  readonly region: string;
  readonly process: Started;
  readonly clients: {
    s3: S3Client;
    secrets: SecretsManagerClient;
    ecs: ECSClient;
    logs: CloudWatchLogsClient;
    rds: RDSClient;
  };
  /** What the AWS SDKs of a process need to talk to moto instead of AWS. */
  readonly sdkEnv: Readonly<Record<string, string>>;
}

export async function startMoto(bin: string, host: string, region: string, logDir: string): Promise<Moto> {
  const port = await freePort();
  const started = startProcess("moto", [`${bin}/moto_server`, "-H", host, "-p", String(port)], {
    env: { PATH: `${bin}:${process.env["PATH"]}`, HOME: process.env["HOME"], MOTO_ECS_SERVICE_RUNNING: "10" },
    logDir,
  });
  const endpoint = `http://${host}:${port}`;
  await waitFor(started, "an answer", async () => (await fetch(`${endpoint}/moto-api/`)).ok, 60_000);
  const config = { region, endpoint, credentials: EMULATOR_CREDENTIALS };
  return {
    endpoint,
    region,
    process: started,
    clients: {
      s3: new S3Client({ ...config, forcePathStyle: true }),
      secrets: new SecretsManagerClient(config),
      ecs: new ECSClient(config),
      logs: new CloudWatchLogsClient(config),
      rds: new RDSClient(config),
    },
    sdkEnv: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      AWS_REGION: region,
    },
  };
}

/** A physical name as the AWS provider makes one from a logical name: the name and a random suffix. */
function autoname(name: string, max = 63): string {
  return `${name.toLowerCase().replace(/[^a-z0-9-]/g, "-")}-${randomBytes(4).toString("hex")}`
    .slice(-max)
    .replace(/^-+/, "");
}

const text = (value: unknown) => (value === undefined ? undefined : String(value));

/** The resource types created in moto, on top of `base` for every other type. */
export function motoProvider(moto: Moto, base: OutputMocks): OutputMocks {
  const { s3, secrets, ecs, logs, rds } = moto.clients;
  const region = moto.region;
  return {
    ...base,
    "aws:s3/bucket:Bucket": async (_, inputs) => {
      const bucket =
        text(inputs["bucket"]) ?? `${text(inputs["bucketPrefix"]) ?? ""}${randomBytes(6).toString("hex")}`.slice(0, 63);
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      return { id: bucket, bucket, arn: `arn:aws:s3:::${bucket}`, region };
    },
    "aws:s3/bucketObjectv2:BucketObjectv2": async (_, inputs) => {
      const put = await s3.send(
        new PutObjectCommand({
          Bucket: text(inputs["bucket"]),
          Key: text(inputs["key"]),
          Body: text(inputs["content"]),
          ContentType: text(inputs["contentType"]),
        }),
      );
      return { id: text(inputs["key"]), etag: put.ETag, versionId: put.VersionId ?? "" };
    },
    "aws:secretsmanager/secret:Secret": async (name, inputs) => {
      const secretName =
        text(inputs["name"]) ?? `${text(inputs["namePrefix"]) ?? `${name}-`}${randomBytes(4).toString("hex")}`;
      const created = await secrets.send(
        new CreateSecretCommand({ Name: secretName, Description: text(inputs["description"]) }),
      );
      return { id: created.ARN, arn: created.ARN, name: created.Name };
    },
    "aws:secretsmanager/secretVersion:SecretVersion": async (_, inputs) => {
      const put = await secrets.send(
        new PutSecretValueCommand({ SecretId: text(inputs["secretId"]), SecretString: text(inputs["secretString"]) }),
      );
      return { id: `${put.ARN}|${put.VersionId}`, arn: put.ARN, versionId: put.VersionId };
    },
    "aws:ecs/cluster:Cluster": async (name) => {
      const created = await ecs.send(new CreateClusterCommand({ clusterName: autoname(name, 255) }));
      return { id: created.cluster?.clusterArn, arn: created.cluster?.clusterArn, name: created.cluster?.clusterName };
    },
    "aws:ecs/taskDefinition:TaskDefinition": async (_, inputs) => {
      const registered = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: text(inputs["family"]),
          containerDefinitions: JSON.parse(String(inputs["containerDefinitions"])),
          cpu: text(inputs["cpu"]),
          memory: text(inputs["memory"]),
          networkMode: text(inputs["networkMode"]) as "awsvpc",
          requiresCompatibilities: inputs["requiresCompatibilities"] as "FARGATE"[],
          executionRoleArn: text(inputs["executionRoleArn"]),
          taskRoleArn: text(inputs["taskRoleArn"]),
          volumes: inputs["volumes"] as { name: string }[] | undefined,
        }),
      );
      const definition = registered.taskDefinition!;
      return {
        id: definition.family,
        arn: definition.taskDefinitionArn,
        revision: definition.revision,
        arnWithoutRevision: definition.taskDefinitionArn!.replace(/:\d+$/, ""),
      };
    },
    // The tasks' network is the suite's own VPC (vpc.ts), not moto's EC2: the service is created without it.
    "aws:ecs/service:Service": async (name, inputs) => {
      const created = await ecs.send(
        new CreateServiceCommand({
          cluster: text(inputs["cluster"]),
          serviceName: autoname(name, 255),
          taskDefinition: text(inputs["taskDefinition"]),
          desiredCount: Number(inputs["desiredCount"] ?? 1),
          launchType: "FARGATE",
        }),
      );
      return { id: created.service?.serviceArn, name: created.service?.serviceName };
    },
    "aws:cloudwatch/logGroup:LogGroup": async (name, inputs) => {
      const group = text(inputs["name"]) ?? autoname(name, 512);
      await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
      return { id: group, name: group, arn: `arn:aws:logs:${region}:123456789012:log-group:${group}` };
    },
    "aws:rds/parameterGroup:ParameterGroup": async (name, inputs) => {
      const group = autoname(name, 255);
      await rds.send(
        new CreateDBParameterGroupCommand({
          DBParameterGroupName: group,
          DBParameterGroupFamily: text(inputs["family"]),
          Description: text(inputs["description"]) ?? group,
        }),
      );
      const parameters =
        (inputs["parameters"] as { name: string; value: string; applyMethod?: string }[] | undefined) ?? [];
      if (parameters.length > 0) {
        await rds.send(
          new ModifyDBParameterGroupCommand({
            DBParameterGroupName: group,
            Parameters: parameters.map((parameter) => ({
              ParameterName: parameter.name,
              ParameterValue: parameter.value,
              ApplyMethod: (parameter.applyMethod ?? "immediate") as "immediate",
            })),
          }),
        );
      }
      return { id: group, name: group, arn: `arn:aws:rds:${region}:123456789012:pg:${group}` };
    },
    "aws:rds/instance:Instance": async (name, inputs) => {
      const identifier = autoname(name, 63);
      const created = await rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: identifier,
          Engine: text(inputs["engine"]),
          EngineVersion: text(inputs["engineVersion"]),
          DBInstanceClass: text(inputs["instanceClass"]),
          AllocatedStorage: Number(inputs["allocatedStorage"]),
          MasterUsername: text(inputs["username"]),
          MasterUserPassword: text(inputs["password"]),
          DBName: text(inputs["dbName"]),
          DBParameterGroupName: text(inputs["parameterGroupName"]),
          MultiAZ: inputs["multiAz"] === true,
          StorageEncrypted: inputs["storageEncrypted"] === true,
          Port: Number(inputs["port"] ?? 5432),
        }),
      );
      const instance = created.DBInstance!;
      return {
        id: identifier,
        identifier,
        address: instance.Endpoint?.Address,
        port: instance.Endpoint?.Port,
        arn: instance.DBInstanceArn,
        endpoint: `${instance.Endpoint?.Address}:${instance.Endpoint?.Port}`,
      };
    },
  };
}
