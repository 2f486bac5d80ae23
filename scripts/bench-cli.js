#!/usr/bin/env node
// npm run bench:cli [runs]: how fast the compiled litellm-mcp command answers --version and --help, each run a new
// process as a shell starts it, after a warm-up. Prints the median and the slowest run against the project's
// targets (300 ms and 500 ms); a figure, never a pass or fail. Fails only when the command itself fails.
const { spawnSync } = require("node:child_process");
const { cpus } = require("node:os");
const { join } = require("node:path");

const bin = join(__dirname, "..", "ops", "bin.js");
const runs = Number(process.argv[2] ?? 15);
const targets = { "--version": 300, "--help": 500 };

console.log(`node ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim()}, ${runs} runs each after a warm-up`);
for (const [argument, target] of Object.entries(targets)) {
  const times = [];
  for (let run = 0; run <= runs; run++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [bin, argument], { encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) {
      console.error(`litellm-mcp ${argument} exited with ${result.status}: ${result.stderr.trim()}`);
      process.exit(1);
    }
    if (run > 0) times.push(ms);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const slowest = times[times.length - 1];
  const verdict = median <= target ? "within" : "over";
  console.log(`litellm-mcp ${argument.padEnd(9)} median ${median.toFixed(0)} ms, slowest ${slowest.toFixed(0)} ms (target ${target} ms: ${verdict})`);
}
