#!/usr/bin/env node
// npm run build: compiles the program and the command into dist/, one JavaScript file and its source map per
// TypeScript file, with TypeScript's own transpiler, file by file (isolatedModules), then records what it was built
// from (dist/build-info.json). It does not type-check: `npm test` and `npm run typecheck` do, and loading the AWS
// provider's types for that takes over ten seconds on every build, which `litellm-mcp up` would pay
// whenever a source changed. The JSON files the sources import are copied beside them, as tsc does.
const { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { dirname, join, relative, sep } = require("node:path");
const ts = require("typescript");

const root = join(__dirname, "..");
const dist = join(root, "dist");
const configFile = join(root, "tsconfig.build.json");

const { config, error } = ts.readConfigFile(configFile, ts.sys.readFile);
if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configFile);
if (parsed.errors.length > 0) throw new Error(parsed.errors.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")).join("\n"));
// Each file on its own: where it goes is this script's business, not the compiler's.
const { rootDir: _rootDir, outDir: _outDir, ...compilerOptions } = parsed.options;
const options = { ...compilerOptions, noEmit: false, sourceMap: true, inlineSources: false, declaration: false };

rmSync(dist, { recursive: true, force: true });
const failures = [];
for (const file of parsed.fileNames.filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))) {
  const path = relative(root, file).split(sep).join("/");
  const output = join(dist, path.replace(/\.ts$/, ".js"));
  const { outputText, sourceMapText, diagnostics } = ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions: options, fileName: file, reportDiagnostics: true });
  for (const diagnostic of diagnostics ?? []) failures.push(`${path}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`);
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, outputText);
  // The map names its source relative to itself, as tsc writes it, so stack traces point at the TypeScript.
  const map = JSON.parse(sourceMapText);
  map.file = output.slice(output.lastIndexOf(sep) + 1);
  map.sources = [relative(dirname(output), file).split(sep).join("/")];
  writeFileSync(`${output}.map`, JSON.stringify(map));
  // JSON modules the file imports are emitted beside it.
  for (const match of outputText.matchAll(/require\("(\.{1,2}\/[^"]+\.json)"\)/g)) {
    const source = join(dirname(file), match[1]);
    const target = join(dist, relative(root, source));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(source, target);
  }
}
if (failures.length > 0) {
  process.stderr.write(`${failures.join("\n")}\n`);
  process.exit(1);
}
require(join(dist, "build", "stamp.js"));
