/**
 * What the build (dist/) was compiled from: `npm run build` records a fingerprint of every source it compiled, so
 * that `litellm-mcp up` and `preview` build first when the sources changed since, and the command warns when it
 * runs as last built while its own sources changed.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** What the program is compiled from, and how, relative to the project root. */
export const SOURCES = [
  "index.ts",
  "program.ts",
  "config",
  "components",
  "ops",
  "build",
  "tsconfig.json",
  "tsconfig.build.json",
  "scripts/build.js",
] as const;

export const BUILD_INFO = "build-info.json";

export interface BuildInfo {
  /** SHA-256 of each source file, by its path relative to the project root. */
  readonly files: Record<string, string>;
}

function sourceFiles(root: string): string[] {
  const found: string[] = [];
  const visit = (path: string, named: boolean) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry), false);
    } else if (named || /\.(ts|json)$/.test(path)) {
      found.push(path);
    }
  };
  for (const source of SOURCES) visit(join(root, source), true);
  return found.sort();
}

export function fingerprint(root: string): BuildInfo {
  const files: Record<string, string> = {};
  for (const file of sourceFiles(root)) {
    files[relative(root, file).split(sep).join("/")] = createHash("sha256").update(readFileSync(file)).digest("hex");
  }
  return { files };
}

/** Source files added, changed or removed since the build described by `info`. */
export function changedSince(root: string, info: BuildInfo): string[] {
  const now = fingerprint(root).files;
  const paths = new Set([...Object.keys(now), ...Object.keys(info.files)]);
  return [...paths].filter((path) => now[path] !== info.files[path]).sort();
}

/** Why the build in `distDir` cannot be run for the sources in `root`, or undefined when it is current. */
export function staleness(root: string, distDir: string): string | undefined {
  const file = join(distDir, BUILD_INFO);
  if (!existsSync(file))
    return `${relative(root, distDir) || distDir} has no ${BUILD_INFO}: it was not built by npm run build`;
  const changed = changedSince(root, JSON.parse(readFileSync(file, "utf8")) as BuildInfo);
  if (changed.length === 0) return undefined;
  const listed = changed.slice(0, 5).join(", ") + (changed.length > 5 ? ` and ${changed.length - 5} more` : "");
  return `the compiled program in ${relative(root, distDir)}/ is older than its TypeScript (changed: ${listed})`;
}
