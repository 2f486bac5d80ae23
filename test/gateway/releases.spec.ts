/**
 * The schema migrations `upgrade` and `rollback` reason about, read from PyPI as the CLI reads them (the simple
 * index, and the wheels through HTTP range requests), checked against what pip installs for the pinned release.
 */
import { strict as assert } from "node:assert";
import { basename, dirname } from "node:path";
import { litellmVersionOf } from "../../config/images";
import { migrationDiff, PyPiReleases } from "../../ops/releases";
import { loadStack } from "../support/stacks";
import { migrationFiles } from "./migrations";
import { ensureVenv, pythonEnvs } from "./python";

describe("LiteLLM's schema migrations per release, from PyPI", function () {
  this.timeout(120_000);
  const releases = new PyPiReleases();
  const pinned = litellmVersionOf(loadStack("dev").proxy.image)!;

  it("lists for the pinned release exactly the migrations pip installs with it", async function () {
    this.timeout(20 * 60_000);
    const bin = ensureVenv(pythonEnvs(loadStack("dev")).find((env) => env.name === "litellm-proxy")!, (line) =>
      process.stdout.write(`  ${line}\n`),
    );
    const installed = migrationFiles(bin).map((file) => basename(dirname(file)));
    const started = performance.now();
    const listed = await releases.migrations(pinned);
    console.log(
      `      (PyPI: ${listed.length} migrations of LiteLLM ${pinned} in ${Math.round(performance.now() - started)} ms)`,
    );
    assert.deepEqual(listed, installed);
  });

  it("tells the migrations an older release lacks: what a rollback to it would cross", async () => {
    // 1.106.3 pins litellm-proxy-extras 0.4.108; the pinned release a later one.
    const { added, removed } = migrationDiff(await releases.migrations("1.106.3"), await releases.migrations(pinned));
    assert.deepEqual(removed, []);
    assert.ok(added.length > 0, "no migration between 1.106.3 and the pinned release");
    assert.ok(
      added.every((name) => /^\d{14}_\w+$/.test(name)),
      added.join(", "),
    );
  });

  it("says when PyPI has no such release", async () => {
    await assert.rejects(
      releases.migrations("0.0.1"),
      /^OpsError: litellm "0\.0\.1" is not on https:\/\/pypi\.org\/simple: no wheel of that release$/,
    );
  });
});
