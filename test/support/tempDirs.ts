/** Temporary folders for the tests, removed when the run ends. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];

/** A new folder under the system's temporary folder, named `<prefix>XXXXXX`. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

function removeAll(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

// Under mocha, a root hook: the module loads with the first test file that imports it. A script run outside mocha
// removes them when it exits.
if (typeof after === "function") after(removeAll);
else process.once("exit", removeAll);
