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

  describe("a build", () => {
    let dir: string;
    before(async function () {
      this.timeout(60_000);
      dir = projectCopy();
      await run("npm", ["run", "--silent", "build"], { cwd: dir });
    });

    it("bundles the program with its libraries and leaves the Pulumi SDKs to the language host", () => {
      const bundle = readFileSync(join(dir, "dist", "index.js"), "utf8");
      // esbuild marks each bundled file with a comment naming it.
      const bundled = [...bundle.matchAll(/^\/\/ (?:\S*\/)?node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((match) => match[1]);
      assert.deepEqual([...new Set(bundled)].sort(), ["yaml", "zod"]);
      for (const sdk of ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/docker", "@pulumi/random"]) {
        assert.match(bundle, new RegExp(`require\\("${sdk}"\\)`), `${sdk} is loaded from node_modules, as one copy shared with the host`);
      }
      assert.doesNotMatch(bundle, /sourceMappingURL/, "no source map for the host to parse on every run");
    });

    it("lets the benchmark replay exactly what the program registered", async function () {
      this.timeout(30_000);
      const record = join(dir, "dev.json");
      const program = await run(process.execPath, [join(dir, "dist", "bench", "program.js"), "dev", record], { cwd: dir, env: engineEnv() });
      const replayed = join(dir, "dev-replayed.json");
      const replay = await run(process.execPath, [join(dir, "dist", "bench", "replay.js"), "dev", record, replayed], { cwd: dir });
      assert.equal((JSON.parse(program.stdout) as { resources: number }).resources, 19);
      assert.equal((JSON.parse(replay.stdout) as { resources: number }).resources, 19);
      // Registrations complete in no fixed order: compare them by type and name.
      const registered = (file: string) =>
        (JSON.parse(readFileSync(file, "utf8")) as { type: string; name: string; inputs: unknown }[])
          .map(({ type, name, inputs }) => ({ key: `${type} ${name}`, inputs }))
          .sort((a, b) => a.key.localeCompare(b.key));
      assert.deepEqual(registered(replayed), registered(record));
    });

    it("refuses to run when older than its TypeScript, and runs once rebuilt (pulumi up, under mocks)", async function () {
      this.timeout(60_000);
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
});
