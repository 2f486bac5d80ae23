/**
 * A real OCI registry on loopback: the distribution registry Debian packages as docker-registry, with its storage
 * in a temporary folder, and images pushed to it through its own HTTP API (blob uploads, then the manifest under a
 * tag), as `docker push` does.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../support/standins";
import { type Started, startProcess, waitFor } from "./processes";

export interface LocalRegistry {
  /** host:port, as an image reference names it. */
  readonly host: string;
  readonly process: Started;
  /**
   * Pushes a small image (a multi-platform index over one manifest) under `name:tag`; returns the tag's digest. A
   * revision changes its content, as a rebuild pushed under the same tag does.
   */
  push(name: string, tag: string, revision?: string): Promise<string>;
  stop(): Promise<void>;
}

const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

export async function startRegistry(logDir: string): Promise<LocalRegistry> {
  const root = mkdtempSync(join(tmpdir(), "litellm-mcp-registry-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = join(root, "config.yml");
  writeFileSync(
    config,
    `version: 0.1\nlog: {level: warn}\nstorage: {filesystem: {rootdirectory: ${join(root, "data")}}}\nhttp: {addr: "${host}"}\n`,
  );
  const started = startProcess("registry", ["docker-registry", "serve", config], {
    env: { PATH: process.env["PATH"] },
    logDir,
  });
  await waitFor(started, "the registry's /v2/", async () => (await fetch(`http://${host}/v2/`)).ok, 15_000);

  const upload = async (name: string, bytes: Buffer): Promise<string> => {
    const digest = sha256(bytes);
    const session = await fetch(`http://${host}/v2/${name}/blobs/uploads/`, { method: "POST" });
    if (session.status !== 202) throw new Error(`blob upload: HTTP ${session.status}`);
    const location = new URL(session.headers.get("location")!, `http://${host}`);
    location.searchParams.set("digest", digest);
    const put = await fetch(location, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
    });
    if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status} ${await put.text()}`);
    return digest;
  };
  const putManifest = async (name: string, reference: string, mediaType: string, body: Buffer): Promise<string> => {
    const response = await fetch(`http://${host}/v2/${name}/manifests/${reference}`, {
      method: "PUT",
      headers: { "content-type": mediaType },
      body,
    });
    if (response.status !== 201)
      throw new Error(`manifest ${name}:${reference}: HTTP ${response.status} ${await response.text()}`);
    return sha256(body);
  };

  return {
    host,
    process: started,
    async push(name, tag, revision = "") {
      const configBlob = Buffer.from(
        JSON.stringify({
          architecture: "amd64",
          os: "linux",
          rootfs: { type: "layers", diff_ids: [] },
          config: {},
          tag,
        }),
      );
      const layer = Buffer.from(`layer of ${name}:${tag}${revision}`);
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          config: {
            mediaType: "application/vnd.oci.image.config.v1+json",
            digest: await upload(name, configBlob),
            size: configBlob.length,
          },
          layers: [
            {
              mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
              digest: await upload(name, layer),
              size: layer.length,
            },
          ],
        }),
      );
      const manifestDigest = await putManifest(
        name,
        sha256(manifest),
        "application/vnd.oci.image.manifest.v1+json",
        manifest,
      );
      const index = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: "application/vnd.oci.image.index.v1+json",
          manifests: [
            {
              mediaType: "application/vnd.oci.image.manifest.v1+json",
              digest: manifestDigest,
              size: manifest.length,
              platform: { architecture: "amd64", os: "linux" },
            },
          ],
        }),
      );
      return putManifest(name, tag, "application/vnd.oci.image.index.v1+json", index);
    },
    async stop() {
      await started.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
