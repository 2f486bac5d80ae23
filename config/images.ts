/** Docker image references: parsing and the pinning rule (a version tag or a digest, never a floating tag). */
import { quote } from "./errors";

export interface ImageRef {
  /** Registry and repository, e.g. `ghcr.io/berriai/litellm-database`. */
  readonly repository: string;
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
  return { repository: host ? `${host}/${path}` : path, tag, digest };
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
