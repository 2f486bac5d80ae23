import { strict as assert } from "node:assert";
import { atLitellmVersion, compareVersions, litellmVersionOf } from "../config/images";

describe("LiteLLM releases in image tags", () => {
  it("reads the release from each form of tag LiteLLM publishes, and none from other tags", () => {
    assert.equal(litellmVersionOf("ghcr.io/berriai/litellm-database:v1.108.7"), "1.108.7");
    assert.equal(litellmVersionOf("ghcr.io/berriai/litellm-database:1.84.1"), "1.84.1");
    assert.equal(litellmVersionOf("ghcr.io/berriai/litellm:main-v1.80.0.rc.2"), "1.80.0");
    assert.equal(litellmVersionOf(`ghcr.io/berriai/litellm:v1.83.10-stable@sha256:${"a".repeat(64)}`), "1.83.10");
    assert.equal(litellmVersionOf("ghcr.io/berriai/litellm:main-latest"), undefined);
    assert.equal(litellmVersionOf("ghcr.io/berriai/litellm"), undefined);
  });

  it("moves a tag to another release in the same form, without its digest", () => {
    assert.equal(
      atLitellmVersion("ghcr.io/berriai/litellm-database:v1.108.7", "1.109.0"),
      "ghcr.io/berriai/litellm-database:v1.109.0",
    );
    assert.equal(
      atLitellmVersion("ghcr.io/berriai/litellm-database:1.84.1", "1.85.0"),
      "ghcr.io/berriai/litellm-database:1.85.0",
    );
    assert.equal(
      atLitellmVersion(`ghcr.io/berriai/litellm:v1.83.10-stable@sha256:${"a".repeat(64)}`, "1.83.14"),
      "ghcr.io/berriai/litellm:v1.83.14-stable",
    );
    assert.throws(
      () => atLitellmVersion("ghcr.io/berriai/litellm:main-latest", "1.0.0"),
      /carries no LiteLLM release in its tag/,
    );
  });

  it("orders releases by their numbers, not their text", () => {
    assert.ok(compareVersions("1.108.10", "1.108.9") > 0);
    assert.ok(compareVersions("1.99.0", "1.108.0") < 0);
    assert.equal(compareVersions("1.108.7", "1.108.7"), 0);
  });
});
