/**
 * npm run gateway:lock [-- <environment> ...]: pins the gateway suite's Python environments (the named ones, or all),
 * with hashes, to what the dev stack names.
 */
import { loadStack } from "../support/stacks";
import { writeLocks } from "./python";

writeLocks(loadStack("dev"), (line) => process.stdout.write(`${line}\n`), process.argv.slice(2));
