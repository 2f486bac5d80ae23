/**
 * LiteLLM's database schema at the pinned version: the migrations of the installed litellm-proxy-extras (plain
 * SQL, one migration.sql per folder, applied in the order of their names as `prisma migrate deploy` applies
 * them) and the tables its Prisma schema maps its models to. Prisma's own migrate command needs its schema
 * engine, which only Prisma's own CDN serves; psql applies the same SQL.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { psqlUrl } from "./postgres";

function extrasDir(litellmBin: string): string {
  const lib = join(litellmBin, "..", "lib");
  const python = readdirSync(lib).find((entry) => entry.startsWith("python"));
  if (!python) throw new Error(`no Python library folder in ${lib}`);
  return join(lib, python, "site-packages", "litellm_proxy_extras");
}

/** The migration folders of the pinned litellm-proxy-extras, in the order Prisma applies them. */
export function migrationFiles(litellmBin: string): string[] {
  const dir = join(extrasDir(litellmBin), "migrations");
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => join(dir, name, "migration.sql"));
}

/** The tables LiteLLM's Prisma schema maps its models to (a model's name, or its @@map). */
export function schemaTables(litellmBin: string): string[] {
  const schema = readFileSync(join(extrasDir(litellmBin), "schema.prisma"), "utf8");
  const tables: string[] = [];
  for (const block of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    tables.push(/@@map\("([^"]+)"\)/.exec(block[2]!)?.[1] ?? block[1]!);
  }
  return tables.sort();
}

/** Applies every migration through `url`, as the user in it, in one psql session; stops at the first error. */
export function applyMigrations(url: string, files: readonly string[]): void {
  const result = psqlUrl(url, files);
  // psql names the file and line of the statement that failed.
  if (result.status !== 0)
    throw new Error(`applying LiteLLM's migrations: ${result.stderr.trim().split("\n").slice(0, 3).join(" ")}`);
}

/** Each table of the public schema and its owner. */
export function tableOwners(url: string): Record<string, string> {
  const result = psqlUrl(url, "SELECT tablename || '|' || tableowner FROM pg_tables WHERE schemaname = 'public'");
  if (result.status !== 0) throw new Error(result.stderr.trim());
  return Object.fromEntries(
    result.stdout
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split("|") as [string, string]),
  );
}
