import { strict as assert } from "node:assert";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { OpsError } from "../ops/errors";
import { OciRegistry, pullLocation } from "../ops/registry";

describe("image references resolved by the OCI distribution API", () => {
  it("finds the registry and repository as docker pull does", () => {
    assert.deepEqual(pullLocation("postgres:15-alpine"), {
      registry: "https://registry-1.docker.io",
      host: "registry-1.docker.io",
      name: "library/postgres",
      tag: "15-alpine",
    });
    assert.deepEqual(pullLocation("bitnami/redis:7.4"), {
      registry: "https://registry-1.docker.io",
      host: "registry-1.docker.io",
      name: "bitnami/redis",
      tag: "7.4",
    });
    assert.deepEqual(pullLocation("ghcr.io/berriai/litellm-database:v1.108.7"), {
      registry: "https://ghcr.io",
      host: "ghcr.io",
      name: "berriai/litellm-database",
      tag: "v1.108.7",
    });
    assert.equal(pullLocation("localhost:5000/team/mcp:1.0").registry, "http://localhost:5000");
    assert.throws(
      () => pullLocation("ghcr.io/berriai/litellm-database"),
      new OpsError('"ghcr.io/berriai/litellm-database" has no tag to resolve'),
    );
  });

  it("gets an anonymous pull token where the registry asks for one (as GHCR and Docker Hub do), then the digest", async () => {
    const digest = `sha256:${"ab".repeat(32)}`;
    const seen: string[] = [];
    // A stand-in for a registry with a token service, as the distribution spec describes them.
    const server = createServer((request, response) => {
      seen.push(`${request.method} ${request.url} ${request.headers.authorization ?? "-"}`);
      const { port } = server.address() as AddressInfo;
      if (request.url?.startsWith("/token?")) {
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: "pull-token" }));
      } else if (request.headers.authorization !== "Bearer pull-token") {
        response
          .writeHead(401, {
            "www-authenticate": `Bearer realm="http://127.0.0.1:${port}/token",service="registry.test",scope="repository:team/mcp:pull"`,
          })
          .end();
      } else {
        response.writeHead(200, { "docker-content-digest": digest }).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      assert.equal(await new OciRegistry().digestOf(`127.0.0.1:${port}/team/mcp:1.0`), digest);
      assert.deepEqual(seen, [
        "HEAD /v2/team/mcp/manifests/1.0 -",
        "GET /token?service=registry.test&scope=repository%3Ateam%2Fmcp%3Apull -",
        "HEAD /v2/team/mcp/manifests/1.0 Bearer pull-token",
      ]);
    } finally {
      server.close();
    }
  });
});
