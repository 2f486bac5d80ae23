/**
 * The replay's program: bench/replay.ts loads it as the language host loads the project's main. It declares
 * the resources of a record (the file named by the replay's second argument) flat, with their plain inputs,
 * through the same SDK classes as the program.
 */
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { withoutPromiseStacks } from "../components/promiseStacks";
import type { Registration } from "./host";
// The SDKs the program imports, as the floor loads them.
import "@pulumi/aws";
import "@pulumi/docker";

type ResourceClass = new (name: string, inputs: Record<string, unknown>) => pulumi.CustomResource;

/** The SDK class of a resource type: `aws:ec2/subnet:Subnet` is `Subnet` in @pulumi/aws/ec2/subnet. */
function resourceClass(type: string): ResourceClass {
  const [pkg, module, className] = type.split(":");
  const [dir, file] = (module ?? "").split("/");
  const found = require(`@pulumi/${pkg}/${dir === "index" ? file : `${dir}/${file}`}`)[className ?? ""] as ResourceClass | undefined;
  if (!found) throw new Error(`no SDK class for ${type}`);
  return found;
}

const recorded = JSON.parse(readFileSync(process.argv[3] ?? "", "utf8")) as Registration[];
withoutPromiseStacks(() => {
  for (const { type, name, custom, inputs } of recorded) {
    if (custom) new (resourceClass(type))(name, inputs);
    else new pulumi.ComponentResource(type, name);
  }
});
