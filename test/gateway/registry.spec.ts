/**
 * Image tags resolved to digests against a real registry (./registry.ts): the OCI distribution API as
 * `litellm-mcp pin-images` speaks it, and the stack file it rewrites.
 */
import { strict as assert } from "node:assert";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { IMAGES } from "../../config/constants";
import { deployedImages } from "../../config/images";
import { loadStackFile } from "../../config/load";
import { run as cli } from "../../ops/cli";
import { realDeps } from "../../ops/context";
import { OpsError } from "../../ops/errors";
import { OciRegistry } from "../../ops/registry";
import { committedStacks, PROJECT_DIR } from "../support/stacks";
import { type LocalRegistry, startRegistry } from "./registry";

describe("image digests from a real registry (docker-registry)", function () {
  this.timeout(60_000);
  let registry: LocalRegistry;
  /** Each of the prod stack's images, moved to the local registry, and the digest its tag has there. */
  const moved = new Map<string, { image: string; digest: string }>();
  let project: string;

  before(async () => {
    const logDir = mkdtempSync(join(tmpdir(), "litellm-mcp-registry-log-"));
    registry = await startRegistry(logDir);
    project = mkdtempSync(join(tmpdir(), "litellm-mcp-pin-"));
    for (const file of ["Pulumi.yaml", ...committedStacks().map((stack) => `Pulumi.${stack}.yaml`), "config"])
      cpSync(join(PROJECT_DIR, file), join(project, file), { recursive: true });
    // The prod stack with every image it deploys served by the local registry, under the same repository and tag.
    const file = join(project, "Pulumi.prod.yaml");
    const document = parseDocument(readFileSync(file, "utf8"));
    for (const { path, image } of deployedImages(loadStackFile(file), IMAGES)) {
      const [repository, tag] = image.replace(/^[^/]+\.[^/]+\//, "").split(":") as [string, string];
      const local = `${registry.host}/${repository.includes("/") ? repository : `library/${repository}`}:${tag}`;
      moved.set(path.join("."), {
        image: local,
        digest: await registry.push(local.slice(registry.host.length + 1).split(":")[0]!, tag),
      });
      document.setIn(["config", `litellm-mcp:${path[0]}`, ...path.slice(1)], local);
    }
    writeFileSync(file, document.toString());
  });

  after(async () => {
    await registry?.stop();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  const run = async (args: string[]) => {
    let stdout = "";
    let stderr = "";
    const io = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      cwd: project,
      env: process.env,
    };
    const status = await cli(args, io, realDeps);
    return { status, stdout, stderr };
  };

  it("reads the digest of a multi-platform tag from the registry, the SHA-256 of the index it serves", async () => {
    const [first] = [...moved.values()];
    assert.ok(first);
    assert.equal(await new OciRegistry().digestOf(first.image), first.digest);
  });

  it("says which tag the registry does not have", async () => {
    await assert.rejects(
      new OciRegistry().digestOf(`${registry.host}/berriai/litellm-database:v0.0.0`),
      new OpsError(`${registry.host} has no berriai/litellm-database:v0.0.0`),
    );
  });

  it("pin-images prints the digests and writes nothing without --write", async () => {
    const before = readFileSync(join(project, "Pulumi.prod.yaml"), "utf8");
    const result = await run(["pin-images", "--stack", "prod"]);
    assert.equal(result.status, 0, result.stderr);
    for (const { image, digest } of moved.values())
      assert.ok(result.stdout.includes(`${image}@${digest}`), `${image} in:\n${result.stdout}`);
    assert.match(result.stdout, /\nNothing written: --write pins these in Pulumi\.prod\.yaml\n$/);
    assert.equal(readFileSync(join(project, "Pulumi.prod.yaml"), "utf8"), before);
  });

  it("pin-images --write pins every image the stack deploys in its stack file, its comments kept, and a second run changes nothing", async () => {
    const file = join(project, "Pulumi.prod.yaml");
    const comments = readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.trim().startsWith("#"));
    const result = await run(["pin-images", "--stack", "prod", "--write"]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`\\nPinned ${moved.size} image\\(s\\) in Pulumi\\.prod\\.yaml\\n$`));
    const pinned = deployedImages(loadStackFile(file), IMAGES).map(({ path, image }) => [path.join("."), image]);
    assert.deepEqual(
      pinned,
      [...moved].map(([path, { image, digest }]) => [path, `${image}@${digest}`]),
    );
    const text = readFileSync(file, "utf8");
    for (const comment of comments) assert.ok(text.includes(comment), `comment lost: ${comment}`);
    const again = await run(["pin-images", "--stack", "prod", "--write"]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /\nPinned 0 image\(s\) in Pulumi\.prod\.yaml\n$/);
    assert.equal(readFileSync(file, "utf8"), text);
  });

  it("pin-images --refresh --write moves a pinned image whose tag now serves other content to its new digest, and keeps the others", async () => {
    const file = join(project, "Pulumi.prod.yaml");
    const [path, first] = [...moved][0]!;
    const [name, tag] = first.image.slice(registry.host.length + 1).split(":") as [string, string];
    const digest = await registry.push(name, tag, " rebuilt");
    assert.notEqual(digest, first.digest);
    const without = await run(["pin-images", "--stack", "prod", "--write"]);
    assert.match(
      without.stdout,
      /\nPinned 0 image\(s\) in Pulumi\.prod\.yaml\n$/,
      "without --refresh a pinned image stays",
    );
    const result = await run(["pin-images", "--stack", "prod", "--write", "--refresh"]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /\nPinned 1 image\(s\) in Pulumi\.prod\.yaml\n$/);
    const pinned = new Map(
      deployedImages(loadStackFile(file), IMAGES).map(({ path, image }) => [path.join("."), image]),
    );
    for (const [key, { image, digest: old }] of moved)
      assert.equal(pinned.get(key), `${image}@${key === path ? digest : old}`, key);
  });
});
