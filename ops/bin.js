#!/usr/bin/env node
// Entry point of the litellm-mcp command: the CLI that `npm run build` compiles into dist/ (npm ci builds it).
const { existsSync } = require("node:fs");
const { join } = require("node:path");

const project = join(__dirname, "..");
const dist = join(project, "dist");
if (!existsSync(join(dist, "ops", "cli.js"))) {
  process.stderr.write("litellm-mcp: the command is not built: run `npm run build` (npm ci builds it)\n");
  process.exit(1);
}
// Sources edited since the build: say that this run is the last build's, once, on stderr.
const stale = require(join(dist, "build", "freshness.js")).staleness(project, dist);
if (stale) process.stderr.write(`litellm-mcp: ${stale}; running the command as last built (npm run build)\n`);

const { run } = require(join(dist, "ops", "cli.js"));

/** A question on the terminal; only when there is one to ask on. */
function ask(question) {
  const readline = require("node:readline/promises");
  const terminal = readline.createInterface({ input: process.stdin, output: process.stdout });
  return terminal.question(question).finally(() => terminal.close());
}

const io = {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
  ...(process.stdin.isTTY ? { ask } : {}),
};
run(process.argv.slice(2), io).then(
  (status) => {
    process.exitCode = status;
  },
  (error) => {
    process.stderr.write(`litellm-mcp: unexpected error: ${error?.stack ? error.stack : error}\n`);
    process.exitCode = 70;
  },
);
