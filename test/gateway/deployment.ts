/**
 * What the program gives the database and the proxy, read off the resources it registers under Pulumi's mocks
 * (test/support/pulumi.ts), as `pulumi up` would hand them to Docker or AWS: container environments and
 * commands, the RDS instance and the database URL secret. The suite starts the real servers from these values,
 * never from values of its own.
 */
import { awsCalls, awsOutputs } from "../support/awsMocks";
import { ENV } from "../../config/constants";
import type { StackState } from "../support/engine";
import { type ProgramRun, type Registered, reveal } from "../support/pulumi";
import { engineConfigOfVariant, type Values } from "../support/stacks";
import type { RdsInstanceInputs } from "./postgres";

/** A Docker container's `envs` ("NAME=value" lines) as a record. */
function envsOf(container: Registered): Record<string, string> {
  const lines = reveal<string[]>(container.inputs["envs"] ?? []);
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
}

function containerNamed(run: ProgramRun, name: string): Registered {
  const found = run
    .ofType("docker:index/container:Container")
    .find((container) => reveal(container.inputs["name"]) === name);
  if (!found) throw new Error(`the program creates no container ${name}`);
  return found;
}

/** What the dev stack's program hands Docker for the database and the proxy. */
export interface DevDeployment {
  readonly postgres: { readonly name: string; readonly env: Record<string, string>; readonly command: string[] };
  readonly volume: { readonly name: string; readonly retainOnDelete: boolean };
  readonly proxy: { readonly env: Record<string, string> };
}

export function devDeployment(run: ProgramRun): DevDeployment {
  const containers = run.outputs["containers"] as { litellm: string; postgres: string };
  const postgres = containerNamed(run, containers.postgres);
  const volume = run.one("docker:index/volume:Volume");
  return {
    postgres: {
      name: containers.postgres,
      env: envsOf(postgres),
      command: reveal<string[]>(postgres.inputs["command"]),
    },
    volume: { name: reveal<string>(volume.inputs["name"]), retainOnDelete: volume.options.retainOnDelete },
    proxy: { env: envsOf(containerNamed(run, containers.litellm)) },
  };
}

/** Runs the dev program (a variant of it when `change` is given) against the stack state. */
export async function upDev(state: StackState, change?: (values: Values) => void): Promise<DevDeployment> {
  const config = change ? engineConfigOfVariant("dev", change) : undefined;
  return devDeployment(await state.up("dev", { config }));
}

/** What an AWS stack's program hands RDS, and the URL the proxy and the migration task receive. */
export interface AwsDatabase {
  readonly instance: RdsInstanceInputs;
  /** The value of the Secrets Manager secret the tasks' DATABASE_URL names. */
  readonly url: string;
  /** The secret's ARN, as the task definitions name it (with its version). */
  readonly valueFrom: string;
}

export async function upAws(state: StackState, stack: string): Promise<{ run: ProgramRun; database: AwsDatabase }> {
  const run = await state.up(stack, { outputs: awsOutputs, calls: awsCalls });
  const instance = run.one("aws:rds/instance:Instance");
  const parameterGroup = run.one("aws:rds/parameterGroup:ParameterGroup");
  const parameters = Object.fromEntries(
    reveal<{ name: string; value: string }[]>(parameterGroup.inputs["parameters"]).map((parameter) => [
      parameter.name,
      parameter.value,
    ]),
  );
  const proxyTask = JSON.parse(
    reveal<string>(
      run.resources.find((resource) => resource.name === "gateway-proxy-task")!.inputs["containerDefinitions"],
    ),
  ) as {
    secrets: { name: string; valueFrom: string }[];
  }[];
  const valueFrom = proxyTask[0]!.secrets.find((secret) => secret.name === ENV.databaseUrl)!.valueFrom;
  const version = run
    .ofType("aws:secretsmanager/secretVersion:SecretVersion")
    .find((candidate) => valueFrom.endsWith(`:::${String(candidate.outputs["versionId"])}`));
  if (!version) throw new Error(`no secret version of the program holds ${valueFrom}`);
  return {
    run,
    database: {
      instance: {
        dbName: reveal<string>(instance.inputs["dbName"]),
        username: reveal<string>(instance.inputs["username"]),
        password: reveal<string>(instance.inputs["password"]),
        parameters,
      },
      url: reveal<string>(version.inputs["secretString"]),
      valueFrom,
    },
  };
}
