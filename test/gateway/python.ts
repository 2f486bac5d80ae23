/**
 * The Python programs the gateway runs, at the versions the stack pins: the LiteLLM proxy (the version of the
 * proxy image) and each stdio MCP server built from PyPI with its bridge. Each gets a virtual environment in a
 * cache folder outside the repository, installed from a lock file with hashes and reused while the lock file is
 * unchanged.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { BRIDGE } from "../../config/constants";
import { parseImageRef } from "../../config/images";
import type { StackConfig } from "../../config/schema";

/**
 * The Prisma client of the litellm-database image: LiteLLM's `extra_proxy` extra, which a proxy with a
 * database needs beside `proxy`.
 */
const PRISMA_CLIENT = "prisma==0.15.0";
/**
 * LiteLLM's otel and prometheus callbacks need the OpenTelemetry SDK, an OTLP exporter and prometheus_client, which
 * the litellm-database image installs and `litellm[proxy]` does not: OpenTelemetry at the API version that
 * litellm[proxy] resolves.
 */
const TELEMETRY_PACKAGES = [
  "opentelemetry-sdk==1.45.2",
  "opentelemetry-exporter-otlp-proto-http==1.45.2",
  "prometheus-client==0.26.0",
];

const REQUIREMENTS_DIR = join(__dirname, "requirements");

/** A virtual environment: what goes in it, and the lock file that pins it with hashes. */
export interface PythonEnv {
  readonly name: string;
  /** The top-level requirements, derived from the stack config. */
  readonly inputs: readonly string[];
  readonly lockFile: string;
}

/** LiteLLM's PyPI version, from the proxy image's tag (v1.108.7, 1.108.7 and 1.108.7-stable all name 1.108.7). */
export function litellmVersion(image: string): string {
  const tag = parseImageRef(image)?.tag;
  const version = tag === undefined ? undefined : /^v?(\d+\.\d+\.\d+)(?:-stable)?$/.exec(tag)?.[1];
  if (version === undefined)
    throw new Error(`the proxy image ${image} carries no LiteLLM release tag (vX.Y.Z), so no PyPI version matches it`);
  return version;
}

/**
 * Moto's server: the AWS APIs (S3, Secrets Manager, ECS, RDS, CloudWatch Logs) on loopback, to the real SDKs. The
 * AWS stacks' tasks read their config and secrets from it, and the operations CLI talks to it.
 */
export const AWS_EMULATOR: PythonEnv = {
  name: "aws-emulator",
  inputs: ["moto[server]==5.2.5"],
  lockFile: join(REQUIREMENTS_DIR, "aws-emulator.txt"),
};

export function pythonEnvs(config: StackConfig): PythonEnv[] {
  const envs: PythonEnv[] = [
    {
      name: "litellm-proxy",
      inputs: [`litellm[proxy]==${litellmVersion(config.proxy.image)}`, PRISMA_CLIENT, ...TELEMETRY_PACKAGES],
      lockFile: join(REQUIREMENTS_DIR, "litellm-proxy.txt"),
    },
  ];
  for (const server of config.mcpServers) {
    if (server.build?.pip === undefined) continue;
    // The same packages the image's `pip install` gets (images/pip.Dockerfile).
    const inputs = [...server.build.pip, ...(server.transport === "stdio" ? [BRIDGE.package] : [])];
    envs.push({ name: `mcp-${server.name}`, inputs, lockFile: join(REQUIREMENTS_DIR, `mcp-${server.name}.txt`) });
  }
  return envs;
}

const INPUTS_LINE = "# inputs: ";

/** The inputs a lock file was made from, from its first line. */
function lockInputs(lockFile: string): string[] | undefined {
  if (!existsSync(lockFile)) return undefined;
  const first = readFileSync(lockFile, "utf8").split("\n", 1)[0] ?? "";
  return first.startsWith(INPUTS_LINE) ? first.slice(INPUTS_LINE.length).split(" ") : undefined;
}

/** Why a lock file does not pin what the stack asks for, or undefined. */
export function lockProblem(env: PythonEnv): string | undefined {
  const inputs = lockInputs(env.lockFile);
  if (inputs === undefined) return `${env.lockFile} is missing: run npm run gateway:lock`;
  if (inputs.join(" ") !== env.inputs.join(" ")) {
    return `${env.lockFile} pins ${inputs.join(" ")}, the stack asks for ${env.inputs.join(" ")}: run npm run gateway:lock`;
  }
  return undefined;
}

/** The suite's cache folder, outside the repository (XDG_CACHE_HOME, or ~/.cache). */
export function cacheDir(): string {
  return join(process.env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache"), "litellm-mcp");
}

function python(): string {
  return process.env["PYTHON"] ?? "python3";
}

function run(argv: string[], what: string): string {
  const result = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`${what}: ${result.error.message}`);
  if (result.status !== 0)
    throw new Error(
      `${what} failed (exit ${result.status}):\n${(result.stderr || result.stdout).trim().split("\n").slice(-15).join("\n")}`,
    );
  return result.stdout;
}

/** The environment's folder: named by a hash of its lock file and the interpreter, so a change makes a new one. */
function venvDir(env: PythonEnv): string {
  const interpreter = run([python(), "-c", "import sys; print(sys.version)"], `${python()} --version`).trim();
  const hash = createHash("sha256").update(readFileSync(env.lockFile)).update(interpreter).digest("hex").slice(0, 12);
  return join(cacheDir(), "venvs", `${env.name}-${hash}`);
}

/** Creates the environment from its lock file (hashes required) unless it is already complete; returns its bin/. */
export function ensureVenv(env: PythonEnv, log: (line: string) => void): string {
  const problem = lockProblem(env);
  if (problem) throw new Error(problem);
  const dir = venvDir(env);
  const bin = join(dir, "bin");
  const done = join(dir, ".installed");
  if (existsSync(done)) return bin;
  log(`installing ${env.inputs.join(" ")} into ${dir}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  run([python(), "-m", "venv", dir], `creating ${dir}`);
  run(
    [
      join(bin, "pip"),
      "install",
      "--quiet",
      "--disable-pip-version-check",
      "--require-hashes",
      "--no-deps",
      "-r",
      env.lockFile,
    ],
    `installing ${env.lockFile}`,
  );
  writeFileSync(done, `${new Date().toISOString()}\n`);
  return bin;
}

/**
 * Writes each environment's lock file with uv (installed into the cache), hashes included: those named in `only`,
 * or all of them.
 */
export function writeLocks(config: StackConfig, log: (line: string) => void, only: readonly string[] = []): void {
  const uvEnv: PythonEnv = { name: "uv", inputs: ["uv"], lockFile: "" };
  const uvDir = join(cacheDir(), "venvs", uvEnv.name);
  if (!existsSync(join(uvDir, "bin", "uv"))) {
    run([python(), "-m", "venv", uvDir], "creating the uv environment");
    run([join(uvDir, "bin", "pip"), "install", "--quiet", "uv"], "installing uv");
  }
  const version = run(
    [python(), "-c", "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"],
    "python version",
  ).trim();
  mkdirSync(REQUIREMENTS_DIR, { recursive: true });
  const all = [...pythonEnvs(config), AWS_EMULATOR];
  const unknown = only.filter((name) => !all.some((env) => env.name === name));
  if (unknown.length > 0)
    throw new Error(`no environment ${unknown.join(", ")}; the environments: ${all.map((env) => env.name).join(", ")}`);
  for (const env of all.filter((candidate) => only.length === 0 || only.includes(candidate.name))) {
    const input = join(cacheDir(), `${env.name}.in`);
    writeFileSync(input, `${env.inputs.join("\n")}\n`);
    const locked = run(
      [
        join(uvDir, "bin", "uv"),
        "pip",
        "compile",
        "--quiet",
        "--no-header",
        "--generate-hashes",
        "--python-version",
        version,
        input,
      ],
      `locking ${env.name}`,
    );
    writeFileSync(
      env.lockFile,
      `${INPUTS_LINE}${env.inputs.join(" ")}\n# Written by npm run gateway:lock (uv pip compile --generate-hashes); do not edit.\n${locked}`,
    );
    log(`wrote ${env.lockFile}`);
  }
  const proxy = pythonEnvs(config)[0]!;
  if (only.length > 0 && !only.includes(proxy.name)) return;
  writeFileSync(LITELLM_SETTINGS_FILE, litellmSettingsOf(ensureVenv(proxy, log)));
  log(`wrote ${LITELLM_SETTINGS_FILE}`);
}

/** The settings file the schema checks extra LiteLLM settings against. */
export const LITELLM_SETTINGS_FILE = join(__dirname, "..", "..", "config", "litellm-settings.json");

/** What the LiteLLM of an environment reads, as the JSON text of config/litellm-settings.json. */
export function litellmSettingsOf(bin: string): string {
  return run([join(bin, "python"), join(__dirname, "litellm_settings.py")], "reading LiteLLM's settings");
}
