/**
 * The digest a registry serves for an image tag now, by the OCI distribution API: a HEAD of the tag's manifest,
 * accepting image indexes (multi-platform images) and single manifests, read from `Docker-Content-Digest`, or, when
 * a registry leaves that header out, the SHA-256 of the manifest it returns. A registry that asks for a token
 * (`WWW-Authenticate: Bearer realm=...`, as GHCR, Docker Hub and ECR Public do for anonymous pulls) gets the token
 * exchange of the distribution spec first.
 */
import { createHash } from "node:crypto";
import { parseImageRef } from "../config/images";
import { quote } from "../config/errors";
import { describeNetworkError, OpsError } from "./errors";

/** Manifest types a tag may name, most specific last: an index for multi-platform images. */
const ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export interface RegistryPort {
  /** The digest (`sha256:...`) the registry serves for `image` (`registry/repository:tag`) now. */
  digestOf(image: string): Promise<string>;
}

/** Where an image reference is pulled from: the registry's base URL and the repository's name there. */
export function pullLocation(image: string): { registry: string; host: string; name: string; tag: string } {
  const ref = parseImageRef(image);
  if (!ref) throw new OpsError(`${quote(image)} is not an image reference`);
  if (!ref.tag) throw new OpsError(`${quote(image)} has no tag to resolve`);
  const host = ref.registry ?? "registry-1.docker.io";
  const path = ref.registry === undefined ? ref.repository : ref.repository.slice(ref.registry.length + 1);
  // Docker Hub's official images live under library/.
  const name = ref.registry === undefined && !path.includes("/") ? `library/${path}` : path;
  // A registry on this machine speaks plain HTTP, as Docker assumes for localhost.
  const local = /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(host);
  return { registry: `${local ? "http" : "https"}://${host}`, host, name, tag: ref.tag };
}

export class OciRegistry implements RegistryPort {
  constructor(private readonly timeoutMs = 20_000) {}

  async digestOf(image: string): Promise<string> {
    const { registry, host, name, tag } = pullLocation(image);
    const url = `${registry}/v2/${name}/manifests/${tag}`;
    let auth: Record<string, string> = {};
    let response = await this.request(url, "HEAD", auth, host);
    if (response.status === 401) {
      auth = { authorization: `Bearer ${await this.token(response.headers.get("www-authenticate"), host, name)}` };
      response = await this.request(url, "HEAD", auth, host);
    }
    if (response.status === 404) throw new OpsError(`${host} has no ${name}:${tag}`);
    if (!response.ok) throw new OpsError(`${host} refused ${name}:${tag}: HTTP ${response.status}`);
    const header = response.headers.get("docker-content-digest");
    if (header && DIGEST.test(header)) return header;
    // No digest header: the digest is the SHA-256 of the manifest as the registry serves it.
    const manifest = await this.request(url, "GET", auth, host);
    if (!manifest.ok) throw new OpsError(`${host} refused ${name}:${tag}: HTTP ${manifest.status}`);
    return `sha256:${createHash("sha256")
      .update(Buffer.from(await manifest.arrayBuffer()))
      .digest("hex")}`;
  }

  /** The distribution spec's token exchange, anonymous: a pull token for the repository. */
  private async token(challenge: string | null, host: string, name: string): Promise<string> {
    const bearer = /^Bearer\s+(.*)$/i.exec(challenge ?? "");
    if (!bearer)
      throw new OpsError(
        `${host} asks for credentials (${challenge ?? "no challenge"}): only anonymous pulls are resolved`,
      );
    const params = Object.fromEntries(
      [...bearer[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1]!, match[2]!]),
    );
    if (!params["realm"]) throw new OpsError(`${host} asks for a token without saying where to get it`);
    const url = new URL(params["realm"]);
    if (params["service"]) url.searchParams.set("service", params["service"]);
    url.searchParams.set("scope", params["scope"] ?? `repository:${name}:pull`);
    const response = await this.request(url.toString(), "GET", {}, host);
    if (!response.ok) throw new OpsError(`${host} refused a pull token for ${name}: HTTP ${response.status}`);
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new OpsError(`${host} answered no token for ${name}`);
    return token;
  }

  private async request(
    url: string,
    method: "HEAD" | "GET",
    headers: Record<string, string>,
    host: string,
  ): Promise<Response> {
    try {
      return await fetch(url, {
        method,
        headers: { accept: ACCEPT, ...headers },
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: "follow",
      });
    } catch (error) {
      throw new OpsError(`cannot reach ${host}: ${describeNetworkError(error)}`);
    }
  }
}
