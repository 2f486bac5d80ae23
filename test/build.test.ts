import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { changedSince, fingerprint, SOURCES, staleness } from "../build/freshness";
import { ensureBuilt } from "../ops/build";
import { PROJECT_DIR } from "./support/stacks";

const run = promisify(execFile);

/** A copy of the project's sources, sharing its node_modules. */
function projectCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "litellm-mcp-build-"));
  for (const entry of [...SOURCES, "images", "Pulumi.yaml", "Pulumi.dev.yaml", "package.json"]) {
    cpSync(join(PROJECT_DIR, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(PROJECT_DIR, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/** The dev stack's config as the Pulumi CLI hands it to the program. */
function engineEnv(): NodeJS.ProcessEnv {
  const config = (parse(readFileSync(join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
  const values = Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
  return { ...process.env, PULUMI_CONFIG: JSON.stringify(values), PULUMI_CONFIG_SECRET_KEYS: "[]" };
}

describe("the compiled program and its sources", () => {
  it("compiles exactly the sources the freshness check watches", () => {
    const build = JSON.parse(readFileSync(join(PROJECT_DIR, "tsconfig.build.json"), "utf8")) as { include: string[] };
    const roots = build.include.map((pattern) => pattern.replace(/\/\*\*\/\*\.ts$/, ""));
    assert.deepEqual([...roots, "tsconfig.json", "tsconfig.build.json"].sort(), [...SOURCES].sort());
  });

  it("names every source added, changed or removed since a build", () => {
    const dir = projectCopy();
    const before = fingerprint(dir);
    writeFileSync(join(dir, "config", "schema.ts"), `${readFileSync(join(dir, "config", "schema.ts"), "utf8")}\n// edited\n`);
    writeFileSync(join(dir, "components", "extra.ts"), "export const extra = 1;\n");
    assert.deepEqual(changedSince(dir, before), ["components/extra.ts", "config/schema.ts"]);
    assert.equal(staleness(dir, join(dir, "dist")), "dist has no build-info.json: it was not built by npm run build");
  });

  it("refuses to run a build older than its TypeScript, and runs once rebuilt (pulumi up, under mocks)", async function () {
    this.timeout(60_000);
    const dir = projectCopy();
    await run("npm", ["run", "--silent", "build"], { cwd: dir });
    const program = join(dir, "dist", "bench", "program.js");
    const fresh = await run(process.execPath, [program, "dev"], { cwd: dir, env: engineEnv() });
    assert.equal((JSON.parse(fresh.stdout) as { resources: number }).resources, 19);

    writeFileSync(join(dir, "config", "schema.ts"), `${readFileSync(join(dir, "config", "schema.ts"), "utf8")}\n// edited after the build\n`);
    await assert.rejects(run(process.execPath, [program, "dev"], { cwd: dir, env: engineEnv() }), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 1);
      assert.equal(
        error.stderr,
        "the compiled program in dist/ is older than its TypeScript (changed: config/schema.ts). Run `npm run build` (litellm-mcp up builds first by itself) and try again.\n",
      );
      return true;
    });

    const said: string[] = [];
    await ensureBuilt(dir, (text) => said.push(text));
    assert.deepEqual(said, ["Building the program first: the compiled program in dist/ is older than its TypeScript (changed: config/schema.ts)\n"]);
    const rebuilt = await run(process.execPath, [program, "dev"], { cwd: dir, env: engineEnv() });
    assert.equal((JSON.parse(rebuilt.stdout) as { resources: number }).resources, 19);
    await ensureBuilt(dir, (text) => said.push(text));
    assert.equal(said.length, 1, "a current build is not rebuilt");
  });
});
