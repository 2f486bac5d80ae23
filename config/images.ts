/** Docker image references: parsing and the pinning rule (a version tag or a digest, never a floating tag). */
import { quote } from "./errors";

export interface ImageRef {
  /** Registry and repository, e.g. `ghcr.io/berriai/litellm-database`. */
  readonly repository: string;
  /** The registry the reference names (`ghcr.io`, `localhost:5000`); undefined for Docker Hub's. */
  readonly registry?: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Tags that move with every release and so pin nothing. */
const FLOATING_TAGS: readonly string[] = ["latest", "main-latest", "main-stable", "stable", "main"];

const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const HOST = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?";
const REFERENCE = new RegExp(
  `^(?:(${HOST})/)?(${COMPONENT}(?:/${COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`,
);

/** Parses `[registry/]repository[:tag][@sha256:digest]`; undefined when the text is not an image reference. */
export function parseImageRef(text: string): ImageRef | undefined {
  const match = REFERENCE.exec(text);
  if (!match) return undefined;
  const [, host, path = "", tag, digest] = match;
  // A first component without a dot, colon or "localhost" is a Docker Hub namespace, not a registry.
  if (host && !/[.:]/.test(host) && host !== "localhost") {
    return { repository: `${host}/${path}`, tag, digest };
  }
  return host ? { repository: `${host}/${path}`, registry: host, tag, digest } : { repository: path, tag, digest };
}

/** Why an image reference does not pin a version, or undefined when it does. */
export function pinningProblem(text: string): string | undefined {
  const ref = parseImageRef(text);
  if (!ref) return "is not an image reference";
  if (ref.digest) return undefined;
  if (!ref.tag) return "has no tag";
  if (FLOATING_TAGS.includes(ref.tag)) return `uses the floating tag ${quote(ref.tag)}`;
  return undefined;
}

/** An image a stack deploys, at the stack-file key that sets it (whether the file sets it or its default applies). */
export interface DeployedImage {
  readonly path: readonly (string | number)[];
  readonly image: string;
}

/** Every image a stack deploys or builds from, with the key that sets each. */
export function deployedImages(
  config: {
    target: "docker" | "aws";
    proxy: { image: string };
    mcpServers: readonly {
      image?: string | undefined;
      build?: { npm?: string | undefined; baseImage?: string | undefined } | undefined;
    }[];
    tracing: { enabled: boolean; collectorImage: string };
    docker: { postgresImage: string; redisImage: string };
  },
  defaults: { nodeBase: string; pythonBase: string },
): DeployedImage[] {
  const images: DeployedImage[] = [{ path: ["proxy", "image"], image: config.proxy.image }];
  config.mcpServers.forEach((server, index) => {
    if (server.image !== undefined) images.push({ path: ["mcpServers", index, "image"], image: server.image });
    if (server.build)
      images.push({
        path: ["mcpServers", index, "build", "baseImage"],
        image: server.build.baseImage ?? (server.build.npm ? defaults.nodeBase : defaults.pythonBase),
      });
  });
  if (config.tracing.enabled)
    images.push({ path: ["tracing", "collectorImage"], image: config.tracing.collectorImage });
  if (config.target === "docker")
    images.push(
      { path: ["docker", "postgresImage"], image: config.docker.postgresImage },
      { path: ["docker", "redisImage"], image: config.docker.redisImage },
    );
  return images;
}

/** LiteLLM's image tags carry the release they were built from: v1.108.7, 1.84.1, main-v1.108.7, v1.108.7-stable. */
const LITELLM_TAG = /^((?:main-)?v?)(\d+\.\d+\.\d+)((?:[-.][\w.-]+)?)$/;

/** The LiteLLM release an image reference deploys, from its tag; undefined when its tag names none. */
export function litellmVersionOf(image: string): string | undefined {
  const tag = parseImageRef(image)?.tag;
  return tag === undefined ? undefined : LITELLM_TAG.exec(tag)?.[2];
}

/** The same image at another LiteLLM release: the tag's release replaced, in the same form, and no digest. */
export function atLitellmVersion(image: string, version: string): string {
  const ref = parseImageRef(image);
  const match = ref?.tag === undefined ? null : LITELLM_TAG.exec(ref.tag);
  if (!ref || !match) throw new Error(`${image} carries no LiteLLM release in its tag`);
  return `${ref.repository}:${match[1] ?? ""}${version}${match[3] ?? ""}`;
}

/** Compares two releases (major.minor.patch) as numbers: negative when `a` is older. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((version) => version.split(".").map(Number)) as [number[], number[]];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const difference = (x[i] ?? 0) - (y[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
