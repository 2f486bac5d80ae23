/**
 * The SDK's own share of a stack's start-up: registers the resources that a run of the program recorded, flat
 * and with plain inputs, through the same SDK classes, and nothing else: no config, no rendering, no
 * components' logic, no outputs wired between resources. Like the program, the declaring module
 * (bench/replayed.ts) is loaded as the language host loads a project's main. The program cannot start faster
 * than this. With a file name as third argument, it writes there what the engine received, as
 * bench/program.ts does.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { finishHost, startHost } from "./host";

async function main(): Promise<void> {
  const [stack, record, replayed] = process.argv.slice(2);
  if (!stack || !record) throw new Error("usage: node dist/bench/replay.js <stack> <record.json> [replayed.json]");
  const registrations = await startHost(stack);
  require(join(__dirname, "replayed.js"));
  await finishHost(registrations);
  if (replayed) writeFileSync(replayed, JSON.stringify(registrations));
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
