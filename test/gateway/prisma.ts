/**
 * Prisma, as the proxy's database layer needs it. The litellm-database image bakes in the Prisma CLI and its
 * engines. Here the CLI is installed from the npm registry, before any check starts, by prisma-client-py itself
 * (the version it pins), into a cache folder outside the repository. The engines cannot be installed: Prisma
 * serves them only from its own CDN, which no package registry mirrors (prisma/prisma-engines#4447). The
 * engine variables point at where they would be, so that Prisma fails at once, naming the missing engine,
 * instead of going to the internet for it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "./python";

export interface PrismaToolchain {
  /** The CLI, where litellm_proxy_extras is told to find it (the image has it at a fixed path). */
  readonly cliPath: string;
  /** What the proxy's environment gains: the CLI's place, and the engines' places. */
  readonly env: Readonly<Record<string, string>>;
  /** Where the query engine would be (library and binary): named in the errors that may mark a check NOT RUN. */
  readonly queryEngineLibrary: string;
  readonly queryEngineBinary: string;
}

/** Installs the Prisma CLI that the proxy's prisma-client-py pins, unless it is already cached. */
export function ensurePrismaCli(litellmBin: string, log: (line: string) => void): PrismaToolchain {
  const python = join(litellmBin, "python");
  const versions = spawnSync(
    python,
    ["-c", "from prisma import config; print(config.prisma_version, config.expected_engine_version)"],
    { encoding: "utf8" },
  );
  if (versions.status !== 0)
    throw new Error(`reading prisma-client-py's pinned Prisma version: ${versions.stderr.trim()}`);
  const [version, engines] = versions.stdout.trim().split(" ") as [string, string];
  const binaryCacheDir = join(cacheDir(), "prisma", version);
  const enginesDir = join(cacheDir(), "prisma", `engines-${engines}`);
  const cliPath = join(binaryCacheDir, "node_modules", ".bin", "prisma");
  const env = {
    PRISMA_BINARY_CACHE_DIR: binaryCacheDir,
    PRISMA_CLI_PATH: cliPath,
    PRISMA_QUERY_ENGINE_LIBRARY: join(enginesDir, "libquery_engine.so.node"),
    PRISMA_QUERY_ENGINE_BINARY: join(enginesDir, "query-engine"),
    PRISMA_SCHEMA_ENGINE_BINARY: join(enginesDir, "schema-engine"),
    PRISMA_HIDE_UPDATE_MESSAGE: "true",
  };
  if (!existsSync(cliPath)) {
    log(`installing the Prisma CLI ${version} (npm registry) into ${binaryCacheDir}`);
    mkdirSync(binaryCacheDir, { recursive: true });
    const installed = spawnSync(python, ["-c", "from prisma.cli.prisma import ensure_cached; ensure_cached()"], {
      encoding: "utf8",
      env: { ...process.env, ...env },
    });
    if (installed.status !== 0 || !existsSync(cliPath))
      throw new Error(`installing the Prisma CLI ${version}: ${(installed.stderr || installed.stdout).trim()}`);
  }
  generateClient(litellmBin, enginesDir, env, log);
  return {
    cliPath,
    env,
    queryEngineLibrary: env.PRISMA_QUERY_ENGINE_LIBRARY,
    queryEngineBinary: env.PRISMA_QUERY_ENGINE_BINARY,
  };
}

/**
 * `prisma generate` for LiteLLM's schema, as the image's build runs it: it writes the Python client into the
 * environment's prisma package. Generating reads no engine, but the CLI insists that the files its variables name
 * exist: empty placeholders stand there while it runs, and are removed afterwards, so that every later use of an
 * engine fails, naming it.
 */
function generateClient(
  litellmBin: string,
  enginesDir: string,
  env: Record<string, string>,
  log: (line: string) => void,
): void {
  const done = join(litellmBin, "..", ".prisma-client-generated");
  if (existsSync(done)) return;
  log("generating LiteLLM's Prisma client (prisma generate)");
  const placeholders = [
    env["PRISMA_QUERY_ENGINE_LIBRARY"]!,
    env["PRISMA_QUERY_ENGINE_BINARY"]!,
    env["PRISMA_SCHEMA_ENGINE_BINARY"]!,
  ];
  mkdirSync(enginesDir, { recursive: true });
  for (const file of placeholders) writeFileSync(file, "");
  try {
    const schema = spawnSync(
      join(litellmBin, "python"),
      ["-c", "import litellm.proxy, os; print(os.path.join(os.path.dirname(litellm.proxy.__file__), 'schema.prisma'))"],
      {
        encoding: "utf8",
        env: { ...process.env, LITELLM_LOCAL_MODEL_COST_MAP: "True" },
      },
    ).stdout.trim();
    const generated = spawnSync(join(litellmBin, "prisma"), ["generate", `--schema=${schema}`], {
      encoding: "utf8",
      env: { ...process.env, ...env, PATH: `${litellmBin}:${process.env["PATH"]}` },
    });
    if (generated.status !== 0) throw new Error(`prisma generate: ${(generated.stderr || generated.stdout).trim()}`);
  } finally {
    for (const file of placeholders) rmSync(file, { force: true });
  }
  writeFileSync(done, `${new Date().toISOString()}\n`);
}

/**
 * The one failure that marks a database check NOT RUN: Prisma's query engine is missing. A proxy that migrates at
 * start (dev; the migration task) meets it in `prisma migrate deploy`, after it took LiteLLM's migration lock in
 * the database (so the URL, the user and the password work); a serving proxy that only checks the schema meets
 * it when its Prisma client connects, and its start-up fails. Returns the exact line, or undefined for any other
 * failure. A migrating proxy that logs above INFO does not print the lock line: then `databaseReached` must say
 * that the database's own log shows its connection.
 */
export function missingQueryEngine(
  log: string,
  toolchain: Pick<PrismaToolchain, "queryEngineLibrary" | "queryEngineBinary">,
  evidence: { databaseReached?: boolean } = {},
): string | undefined {
  const lines = logLines(log);
  const migrating = `Error: Env var PRISMA_QUERY_ENGINE_LIBRARY is provided but provided path ${toolchain.queryEngineLibrary} can't be resolved.`;
  const lock = lines.findIndex((line) => line.endsWith("Acquired the Prisma migration lock"));
  const refused = lines.findIndex((line) =>
    line.includes(
      "LiteLLM Proxy: Database migration cannot proceed. Database migration failed and cannot be auto-recovered.",
    ),
  );
  // At a log level above INFO the lock line is not printed: then the database's own log must show the connection.
  const reached = lock >= 0 ? refused > lock : evidence.databaseReached === true;
  if (reached && refused >= 0 && lines[refused + 1] === "Prisma error:" && lines[refused + 2] === migrating)
    return migrating;
  const exited = (line: string) =>
    line === "ERROR:    Application startup failed. Exiting." || line === "Application startup failed. Exiting.";
  const serving = `LiteLLM Prisma Client Exception connect(): PRISMA_QUERY_ENGINE_BINARY was provided, but no query engine was found at ${toolchain.queryEngineBinary}`;
  const connect = lines.findIndex((line) => line.endsWith(serving));
  if (connect >= 0 && lines.slice(connect).some(exited)) return serving;
  // Above INFO, the connect() warning is not logged: the schema check's own report names the missing engine,
  // and the start-up gives up because the client never connected.
  const diff = `Failed to generate migration diff. Error: Error: Env var PRISMA_QUERY_ENGINE_BINARY is provided but provided path ${toolchain.queryEngineBinary} can't be resolved.`;
  const gaveUp = lines.indexOf(
    "Giving up health_check(...) after 3 tries (prisma.engine.errors.NotConnectedError: Not connected to the query engine)",
  );
  if (lines.includes(diff) && gaveUp >= 0 && lines.slice(gaveUp).some(exited)) return diff;
  return undefined;
}

/** A log's lines, the message of each JSON log line (JSON_LOGS) in place of the line. */
function logLines(log: string): string[] {
  return log
    .split("\n")
    .flatMap((line) => {
      if (!line.startsWith("{")) return [line];
      try {
        const message = (JSON.parse(line) as { message?: unknown }).message;
        return typeof message === "string" ? message.split("\n") : [line];
      } catch {
        return [line];
      }
    })
    .map((line) => line.trim())
    .filter((line) => line !== "");
}
