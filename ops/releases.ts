/**
 * What a LiteLLM release does to its database: the schema migrations of the litellm-proxy-extras release it pins.
 * Read from PyPI as pip reads it: the simple index (PEP 691 JSON) lists each project's files; the litellm wheel's
 * METADATA names the litellm-proxy-extras release its proxy extra needs, and that wheel holds one
 * migrations/<name>/migration.sql per migration, which Prisma applies in the order of their names. Wheels are read
 * through HTTP range requests (unzipit): the ZIP's central directory and the one entry needed, not the 36 MB wheel.
 */
import type { Reader, ZipEntry } from "unzipit";
import { quote } from "../config/errors";
import { describeNetworkError, OpsError } from "./errors";

export interface ReleasesPort {
  /** The schema migrations LiteLLM `version` brings, by folder name, in the order Prisma applies them. */
  migrations(version: string): Promise<string[]>;
}

/** The migrations in `to` that `from` does not have (an upgrade applies them), and those of `from` that `to` lacks. */
export function migrationDiff(from: readonly string[], to: readonly string[]): { added: string[]; removed: string[] } {
  return { added: to.filter((name) => !from.includes(name)), removed: from.filter((name) => !to.includes(name)) };
}

interface IndexFile {
  readonly filename: string;
  readonly url: string;
  readonly yanked?: boolean | string;
}

const MIGRATION = /^litellm_proxy_extras\/migrations\/([^/]+)\/migration\.sql$/;

export class PyPiReleases implements ReleasesPort {
  constructor(
    private readonly index = "https://pypi.org/simple",
    private readonly timeoutMs = 30_000,
  ) {}

  async migrations(version: string): Promise<string[]> {
    const { entries } = await this.wheelEntries("litellm-proxy-extras", await this.extrasVersion(version));
    return Object.keys(entries)
      .map((name) => MIGRATION.exec(name)?.[1])
      .filter((name): name is string => name !== undefined)
      .sort();
  }

  /** The litellm-proxy-extras release LiteLLM `version` requires for its proxy, from its wheel's METADATA. */
  private async extrasVersion(version: string): Promise<string> {
    const { filename, entries } = await this.wheelEntries("litellm", version);
    const metadata = entries[`litellm-${version}.dist-info/METADATA`];
    if (!metadata) throw new OpsError(`${filename} holds no METADATA: cannot tell which litellm-proxy-extras it needs`);
    const requirement = /^Requires-Dist:\s*litellm-proxy-extras\s*==\s*([\w.]+)/im.exec(await metadata.text());
    if (!requirement)
      throw new OpsError(
        `LiteLLM ${version} names no litellm-proxy-extras release: its proxy has no migrations of its own`,
      );
    return requirement[1]!;
  }

  /** The entries of a wheel of `project` at `version` (see wheel), read over HTTP ranges: nothing is downloaded whole. */
  private async wheelEntries(
    project: string,
    version: string,
  ): Promise<{ filename: string; entries: Record<string, ZipEntry> }> {
    const wheel = await this.wheel(project, version);
    const { unzip } = await import("unzipit");
    const { entries } = await unzip(this.rangeReader(wheel.url));
    return { filename: wheel.filename, entries };
  }

  /** A wheel of `project` at `version`, from the index; the pure-Python one when there is one. */
  private async wheel(project: string, version: string): Promise<IndexFile> {
    const url = `${this.index}/${project}/`;
    const response = await this.fetch(url, { accept: "application/vnd.pypi.simple.v1+json" });
    if (!response.ok) throw new OpsError(`${url} answered HTTP ${response.status}`);
    const files = ((await response.json()) as { files?: IndexFile[] }).files ?? [];
    const prefix = `${project.replace(/-/g, "_")}-${version}-`;
    const wheels = files.filter(
      (file) => file.filename.startsWith(prefix) && file.filename.endsWith(".whl") && !file.yanked,
    );
    const chosen = wheels.find((file) => file.filename.endsWith("-none-any.whl")) ?? wheels[0];
    if (!chosen) throw new OpsError(`${project} ${quote(version)} is not on ${this.index}: no wheel of that release`);
    return chosen;
  }

  /** unzipit's reader, over HTTP ranges with this client's deadline and errors in words. */
  private rangeReader(url: string): Reader {
    return {
      getLength: async () => {
        const response = await this.fetch(url, {}, "HEAD");
        const length = Number(response.headers.get("content-length"));
        if (!response.ok || !Number.isFinite(length))
          throw new OpsError(`${url} answered HTTP ${response.status} without a length`);
        return length;
      },
      read: async (offset, length) => {
        const response = await this.fetch(url, { range: `bytes=${offset}-${offset + length - 1}` });
        if (response.status !== 206) throw new OpsError(`${url} answered HTTP ${response.status} to a range request`);
        return new Uint8Array(await response.arrayBuffer());
      },
    };
  }

  private async fetch(url: string, headers: Record<string, string>, method = "GET"): Promise<Response> {
    try {
      return await fetch(url, { method, headers, signal: AbortSignal.timeout(this.timeoutMs), redirect: "follow" });
    } catch (error) {
      throw new OpsError(`cannot reach ${new URL(url).host}: ${describeNetworkError(error)}`);
    }
  }
}
