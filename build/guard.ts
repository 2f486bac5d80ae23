/**
 * Imported first by index.ts: in the compiled program, stop before any resource is declared when the sources
 * changed after the build. Running from the TypeScript sources (tests, ts-node) needs no check.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { RunError } from "@pulumi/pulumi";
import { BUILD_INFO, staleness } from "./freshness";

/** dist/: the nearest directory above this module that holds the build's record, below the project root. */
function buildDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, BUILD_INFO)) || existsSync(join(dir, "Pulumi.yaml")) || dirname(dir) === dir) return dir;
  }
}

if (__filename.endsWith(".js")) {
  const distDir = buildDir();
  const problem = staleness(dirname(distDir), distDir);
  if (problem) throw new RunError(`${problem}. Run \`npm run build\` (litellm-mcp up builds first by itself) and try again.`);
}
