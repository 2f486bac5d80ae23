#!/usr/bin/env node
// Entry point of the litellm-mcp command: runs the TypeScript sources without a separate build step.
const path = require("node:path");
require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
const { run } = require("./cli.ts");

run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env }).then(
  (status) => {
    process.exitCode = status;
  },
  (error) => {
    process.stderr.write(`litellm-mcp: unexpected error: ${error?.stack ? error.stack : error}\n`);
    process.exitCode = 70;
  },
);
