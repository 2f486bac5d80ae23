/** Temporary folders for the unit tests, removed when the run ends. */
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

// Mocha's root hook: the module loads with the first test file that imports it.
after(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});
