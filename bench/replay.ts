/**
 * The SDK's own share of a stack's start-up: registers the resources that a run of the program recorded, flat
 * and with plain inputs, through the same SDK classes, and nothing else: no config, no rendering, no
 * components' logic, no outputs wired between resources. Like the program, the declaring module
 * (bench/replayed.ts) is loaded as the language host loads a project's main. The program cannot start faster
 * than this. With a file name as third argument, it writes there what the engine received, as
 * bench/program.ts does.
 */
import { join } from "node:path";
import { runAsHost } from "./host";

const [stack, recorded, replayed] = process.argv.slice(2);
// Without the record there is nothing to replay: run as if the stack were missing, which prints the usage.
runAsHost(join(__dirname, "replayed.js"), recorded && stack, replayed, "usage: node dist/bench/replay.js <stack> <record.json> [replayed.json]");
