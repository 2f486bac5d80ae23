/**
 * What the Pulumi language host does before it loads a program, for the benchmark's runs: it registers
 * source-map-support (so every stack trace, including the one the SDK takes for each resource's source
 * position, goes through it), then the program runs against the engine, here Pulumi's mocks.
 */
import { writeFileSync } from "node:fs";
import { dirname } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { awsCalls, awsOutputs } from "./mocks";

/** A resource as the engine received it. */
export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
}

/**
 * One benchmark run: loads `main` for `stack` as the host loads a project's main, waits until every resource is
 * registered and prints the number of resources and the peak resident memory. With `record`, also writes there
 * what the engine received. Without a stack, or on any error, it prints one line and exits with 1.
 */
export function runAsHost(main: string, stack: string | undefined, record: string | undefined, usage: string): void {
  run(main, stack, record, usage).catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

async function run(main: string, stack: string | undefined, record: string | undefined, usage: string): Promise<void> {
  if (!stack) throw new Error(usage);
  // The host's own copy, resolved where @pulumi/pulumi resolves it.
  require(require.resolve("source-map-support/register", { paths: [dirname(require.resolve("@pulumi/pulumi"))] }));
  const registrations: Registration[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registrations.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: args.inputs as Record<string, unknown> });
        const extra = (awsOutputs[args.type] ?? awsOutputs["*"])?.(args.name, args.inputs, args.type) ?? {};
        return { id: `${args.name}-id`, state: { ...args.inputs, ...extra } };
      },
      call(args) {
        const answer = awsCalls[args.token];
        if (!answer) throw new Error(`no answer for the invoke ${args.token}`);
        return answer(args.inputs);
      },
    },
    "litellm-mcp",
    stack,
    false,
  );
  require(main);
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  process.stdout.write(JSON.stringify({ resources: registrations.length, maxRssKiB: process.resourceUsage().maxRSS }));
  if (record) writeFileSync(record, JSON.stringify(registrations));
}
