/**
 * One benchmark run of the program: loads the compiled program as the Pulumi language host does (source maps
 * registered, config from PULUMI_CONFIG, then the project's main), under Pulumi's mocks, and waits until every
 * resource is registered. Prints the number of resources and the peak resident memory; with a file name as
 * second argument, also writes there what the engine received, for bench/replay.ts.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { finishHost, startHost } from "./host";

async function main(): Promise<void> {
  const [stack, record] = process.argv.slice(2);
  if (!stack) throw new Error("usage: node dist/bench/program.js <stack> [record.json]");
  const registrations = await startHost(stack);
  require(join(__dirname, "..", "index.js"));
  await finishHost(registrations);
  if (record) writeFileSync(record, JSON.stringify(registrations));
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
