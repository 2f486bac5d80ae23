import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { nodeProbe, pythonProbe, shellProbe } from "../components/probes";
import { tempDir } from "./support/tempDirs";

/** Runs a probe as Docker would: CMD as an argument vector, CMD-SHELL through /bin/sh -c. Its exit status. */
async function runProbe(probe: string[]): Promise<number | null> {
  const [form, ...rest] = probe;
  const argv = form === "CMD-SHELL" ? ["sh", "-c", rest[0]!] : rest;
  // Asynchronous: the server that answers the probe runs in this process.
  const child = spawn(argv[0]!, argv.slice(1), { stdio: "ignore", timeout: 15_000 });
  const [code] = (await once(child, "exit")) as [number | null];
  return code;
}

describe("health probes", () => {
  it("request a health path with quotes, ; and $(...) as written, and run none of it", async function () {
    this.timeout(30_000);
    const seen: string[] = [];
    const server = createServer((request, response) => {
      seen.push(request.url ?? "");
      response.end("ok");
    }).listen(0, "127.0.0.1");
    await once(server, "listening");
    const marker = join(tempDir("probe-"), "ran");
    const path = `/ping';touch${"$"}{IFS}${marker};'$(touch${"$"}{IFS}${marker})`;
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
    try {
      const probes: [string, string[]][] = [
        ["python", pythonProbe(url)],
        ["node", nodeProbe(url)],
      ];
      if (spawnSync("sh", ["-c", "command -v wget || command -v curl"]).status === 0)
        probes.push(["shell", shellProbe(url)]);
      for (const [kind, probe] of probes) {
        seen.length = 0;
        assert.equal(await runProbe(probe), 0, kind);
        assert.equal(decodeURIComponent(seen[0] ?? ""), path, kind);
        assert.ok(!existsSync(marker), `${kind} ran a command from the path`);
      }
    } finally {
      server.close();
    }
  });
});
