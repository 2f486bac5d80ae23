/**
 * The SDK's own share of a stack's start-up: registers the resources that a run of the program recorded, flat
 * and with plain inputs, through the same SDK classes, and nothing else: no config, no rendering, no
 * components' logic, no outputs wired between resources. The program cannot start faster than this. With a
 * file name as third argument, it writes there what the engine received, as bench/program.ts does.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { withoutPromiseStacks } from "../components/promiseStacks";
import { finishHost, type Registration, startHost } from "./host";

type ResourceClass = new (name: string, inputs: Record<string, unknown>) => pulumi.CustomResource;

/** The SDK class of a resource type: `aws:ec2/subnet:Subnet` is `Subnet` in @pulumi/aws/ec2/subnet. */
function resourceClass(type: string): ResourceClass {
  const [pkg, module, className] = type.split(":");
  const [dir, file] = (module ?? "").split("/");
  const found = require(`@pulumi/${pkg}/${dir === "index" ? file : `${dir}/${file}`}`)[className ?? ""] as ResourceClass | undefined;
  if (!found) throw new Error(`no SDK class for ${type}`);
  return found;
}

async function main(): Promise<void> {
  const [stack, record, replayed] = process.argv.slice(2);
  if (!stack || !record) throw new Error("usage: node dist/bench/replay.js <stack> <record.json> [replayed.json]");
  const recorded = JSON.parse(readFileSync(record, "utf8")) as Registration[];
  const registrations = await startHost(stack);
  // The SDKs the program imports, as the floor loads them.
  require("@pulumi/aws");
  require("@pulumi/docker");
  withoutPromiseStacks(() => {
    for (const { type, name, custom, inputs } of recorded) {
      if (custom) new (resourceClass(type))(name, inputs);
      else new pulumi.ComponentResource(type, name);
    }
  });
  await finishHost(registrations);
  if (replayed) writeFileSync(replayed, JSON.stringify(registrations));
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
