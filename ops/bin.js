#!/usr/bin/env node
// Entry point of the litellm-mcp command: runs the TypeScript sources without a separate build step.
const path = require("node:path");
require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
const { run } = require("./cli.ts");

/** A question on the terminal; only when there is one to ask on. */
function ask(question) {
  const readline = require("node:readline/promises");
  const terminal = readline.createInterface({ input: process.stdin, output: process.stdout });
  return terminal.question(question).finally(() => terminal.close());
}

const io = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env, ...(process.stdin.isTTY ? { ask } : {}) };
run(process.argv.slice(2), io).then(
  (status) => {
    process.exitCode = status;
  },
  (error) => {
    process.stderr.write(`litellm-mcp: unexpected error: ${error?.stack ? error.stack : error}\n`);
    process.exitCode = 70;
  },
);
