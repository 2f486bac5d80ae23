/**
 * LiteLLM signs the images it publishes on GHCR with cosign, from 1.83.0 on (its Docker Image Security Guide,
 * https://docs.litellm.ai/docs/proxy/docker_image_security). Which public key signs a release is a fact of that
 * release, stated in its release notes ("Verify Docker Image Signature"), with the key's URL at a commit:
 * - 1.83.0 to 1.106.x: the key introduced in commit 0112e53 (the guide, and the release notes up to v1.106.0).
 * - 1.108.0 on: the key introduced in commit e82a3c6 (the release notes of v1.108.0-rc.1, v1.108.0, v1.108.1,
 *   v1.108.6, v1.108.8 and v1.108.9, https://github.com/BerriAI/litellm/releases).
 * The 1.107 releases name none that can be trusted (1.107.0 was published compromised): no key is assumed there.
 */
import { compareVersions, litellmVersionOf, parseImageRef } from "./images";

/** The image variants LiteLLM publishes and signs (the guide's table). */
export const LITELLM_SIGNED_IMAGES: readonly string[] = [
  "ghcr.io/berriai/litellm",
  "ghcr.io/berriai/litellm-database",
  "ghcr.io/berriai/litellm-non_root",
  "ghcr.io/berriai/litellm-spend_logs",
];

interface SigningKey {
  /** The first release it signs. */
  readonly from: string;
  /** The first release it no longer signs. */
  readonly before?: string;
  readonly commit: string;
}

const KEYS: readonly SigningKey[] = [
  { from: "1.83.0", before: "1.107.0", commit: "0112e53046018d726492c814b3644b7d376029d0" },
  { from: "1.108.0", commit: "e82a3c646908ba0a6ee0beddc4310d7a6cac4065" },
];

/** The key at a commit, as the release notes give it: a commit is immutable, a tag could be moved. */
export const keyUrl = (commit: string) => `https://raw.githubusercontent.com/BerriAI/litellm/${commit}/cosign.pub`;

export type Signing =
  | { readonly kind: "signed"; readonly keyUrl: string }
  | { readonly kind: "unknown"; readonly why: string }
  | { readonly kind: "not-litellm" };

/** The public key LiteLLM signs `image` with, why none is known, or that the image is not one of LiteLLM's. */
export function litellmSigning(image: string): Signing {
  const repository = parseImageRef(image)?.repository;
  if (repository === undefined || !LITELLM_SIGNED_IMAGES.includes(repository)) return { kind: "not-litellm" };
  const version = litellmVersionOf(image);
  if (version === undefined)
    return { kind: "unknown", why: "its tag names no release (vX.Y.Z), so no release notes say which key signs it" };
  if (compareVersions(version, "1.83.0") < 0)
    return { kind: "unknown", why: `LiteLLM signs its images from 1.83.0 on; ${version} is unsigned` };
  const key = KEYS.find(
    (candidate) =>
      compareVersions(version, candidate.from) >= 0 &&
      (candidate.before === undefined || compareVersions(version, candidate.before) < 0),
  );
  if (!key) return { kind: "unknown", why: `no release notes known here name the key that signs ${version}` };
  return { kind: "signed", keyUrl: keyUrl(key.commit) };
}
