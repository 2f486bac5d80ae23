import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { changedSince, fingerprint, SOURCES, staleness } from "../build/freshness";
import { ensureBuilt } from "../ops/build";
import { awsCalls, awsOutputs } from "./support/awsMocks";
import { runProgram } from "./support/pulumi";
import { PROJECT_DIR } from "./support/stacks";
import { tempDir } from "./support/tempDirs";

const run = promisify(execFile);

/** A copy of the project's sources, sharing its node_modules. */
function projectCopy(): string {
  const dir = tempDir("litellm-mcp-build-");
  mkdirSync(join(dir, "scripts"));
  for (const entry of [...SOURCES, "images", "Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.test.yaml", "package.json"]) {
    cpSync(join(PROJECT_DIR, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(PROJECT_DIR, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

describe("the compiled program and its sources", () => {
  it("compiles exactly the sources the freshness check watches", () => {
    const build = JSON.parse(readFileSync(join(PROJECT_DIR, "tsconfig.build.json"), "utf8")) as { include: string[] };
    const roots = build.include.map((pattern) => pattern.replace(/\/\*\*\/\*\.ts$/, ""));
    assert.deepEqual(
      [...roots, "tsconfig.json", "tsconfig.build.json", "scripts/build.js"].sort(),
      [...SOURCES].sort(),
    );
  });

  it("names every source added, changed or removed since a build", () => {
    const dir = projectCopy();
    const before = fingerprint(dir);
    writeFileSync(
      join(dir, "config", "schema", "index.ts"),
      `${readFileSync(join(dir, "config", "schema", "index.ts"), "utf8")}\n// edited\n`,
    );
    writeFileSync(join(dir, "components", "extra.ts"), "export const extra = 1;\n");
    assert.deepEqual(changedSince(dir, before), ["components/extra.ts", "config/schema/index.ts"]);
    assert.equal(staleness(dir, join(dir, "dist")), "dist has no build-info.json: it was not built by npm run build");
  });

  describe("a build", () => {
    let dir: string;
    before(async function () {
      this.timeout(120_000);
      dir = projectCopy();
      await run("npm", ["run", "--silent", "build"], { cwd: dir });
    });

    it("compiles the program and the command per file, with source maps, and leaves every library to node_modules", () => {
      for (const file of [
        "index.js",
        "index.js.map",
        "program.js",
        "ops/cli.js",
        "ops/commands/index.js",
        "config/bedrock-catalog.json",
      ]) {
        assert.ok(existsSync(join(dir, "dist", file)), `dist/${file} is missing`);
      }
      const program = readFileSync(join(dir, "dist", "index.js"), "utf8");
      assert.match(program, /require\("@pulumi\/pulumi"\)/);
      assert.match(program, /\/\/# sourceMappingURL=index\.js\.map/);
    });

    it("registers under mocks, compiled, exactly what its TypeScript registers", async function () {
      this.timeout(60_000);
      const names = (resources: { type: string; name: string }[]) =>
        resources.map((resource) => `${resource.type} ${resource.name}`).sort();
      const compiled = await runProgram("test", {
        program: join(dir, "dist", "index.js"),
        outputs: awsOutputs,
        calls: awsCalls,
      });
      const typescript = await runProgram("test", { outputs: awsOutputs, calls: awsCalls });
      assert.ok(compiled.resources.length > 100);
      assert.deepEqual(names(compiled.resources), names(typescript.resources));
    });

    it("maps an error's stack trace to the TypeScript line that threw it, as the language host does", async () => {
      const script = [
        "require('source-map-support').install();",
        "try { require('./dist/config/load.js').loadStackFile('Pulumi.missing.yaml'); } catch (error) { process.stdout.write(error.stack); }",
      ].join("\n");
      const { stdout } = await run(process.execPath, ["-e", script], { cwd: dir });
      assert.match(stdout, /config\/load\.ts:\d+:\d+/);
    });

    it("is built again by up and preview when a source changed since, and not when none did", async function () {
      this.timeout(120_000);
      writeFileSync(
        join(dir, "config", "schema", "index.ts"),
        `${readFileSync(join(dir, "config", "schema", "index.ts"), "utf8")}\n// edited after the build\n`,
      );
      const said: string[] = [];
      await ensureBuilt(dir, (text) => said.push(text));
      assert.deepEqual(said, [
        "Building the program first: the compiled program in dist/ is older than its TypeScript (changed: config/schema/index.ts)\n",
      ]);
      assert.equal(staleness(dir, join(dir, "dist")), undefined);
      await ensureBuilt(dir, (text) => said.push(text));
      assert.equal(said.length, 1, "a current build is not rebuilt");
    });

    it("answers --version and --help from the compiled command, and says when its sources changed since the build", async () => {
      const version = await run(process.execPath, [join(dir, "ops", "bin.js"), "--version"], { cwd: dir });
      assert.deepEqual(
        [version.stdout, version.stderr],
        [
          `litellm-mcp ${(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version}\n`,
          "",
        ],
      );
      const help = await run(process.execPath, [join(dir, "ops", "bin.js"), "--help"], { cwd: dir });
      assert.match(help.stdout, /^Usage: litellm-mcp <command> \[options\]\n/);
      const rendered = await run(process.execPath, [join(dir, "ops", "bin.js"), "render"], { cwd: dir });
      assert.match(rendered.stdout, /^model_list:/);
      await assert.rejects(
        run(process.execPath, [join(dir, "ops", "bin.js"), "render", "--stack", "staging"], { cwd: dir }),
        (error: { code: number; stderr: string }) => {
          assert.deepEqual(
            [error.code, error.stderr],
            [2, `litellm-mcp: no stack file Pulumi.staging.yaml in ${dir}; stacks: dev, test\n`],
          );
          return true;
        },
      );
      writeFileSync(
        join(dir, "ops", "since.ts"),
        `${readFileSync(join(dir, "ops", "since.ts"), "utf8")}\n// edited after the build\n`,
      );
      const stale = await run(process.execPath, [join(dir, "ops", "bin.js"), "--version"], { cwd: dir });
      assert.equal(
        stale.stderr,
        "litellm-mcp: the compiled program in dist/ is older than its TypeScript (changed: ops/since.ts); running the command as last built (npm run build)\n",
      );
    });
  });
});
