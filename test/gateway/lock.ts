/** npm run gateway:lock: pins the gateway suite's Python environments, with hashes, to what the dev stack names. */
import { loadStack } from "../support/stacks";
import { writeLocks } from "./python";

writeLocks(loadStack("dev"), (line) => process.stdout.write(`${line}\n`));
