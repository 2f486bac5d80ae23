/**
 * One benchmark run of the program: loads the compiled program as the Pulumi language host does (source maps
 * registered, config from PULUMI_CONFIG, then the project's main), under Pulumi's mocks, and waits until every
 * resource is registered. Prints the number of resources and the peak resident memory; with a file name as
 * second argument, also writes there what the engine received, for bench/replay.ts.
 */
import { join } from "node:path";
import { runAsHost } from "./host";

const [stack, record] = process.argv.slice(2);
runAsHost(join(__dirname, "..", "index.js"), stack, record, "usage: node dist/bench/program.js <stack> [record.json]");
