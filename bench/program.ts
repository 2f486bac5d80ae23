/**
 * One benchmark run of the program: loads the compiled program as the Pulumi language host does (config from
 * PULUMI_CONFIG, then the project's main), under Pulumi's mocks, and waits until every resource is registered.
 * Prints the number of resources and the peak resident memory.
 */
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { awsCalls, awsOutputs } from "./mocks";

async function main(): Promise<void> {
  const stack = process.argv[2];
  if (!stack) throw new Error("usage: node dist/bench/program.js <stack>");
  let resources = 0;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources++;
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
  require(join(__dirname, "..", "index.js"));
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  process.stdout.write(JSON.stringify({ resources, maxRssKiB: process.resourceUsage().maxRSS }));
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
