import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PROJECT_DIR } from "./support/stacks";

/**
 * ops/pulumi-dev.sh against a stand-in for the Pulumi CLI (the real one is not installed here): the stand-in
 * records its arguments and the backend settings it was given.
 */
describe("the dev stack command (with a stand-in Pulumi CLI)", () => {
  function project(): string {
    const dir = mkdtempSync(join(tmpdir(), "litellm-mcp-devsh-"));
    mkdirSync(join(dir, "ops"));
    mkdirSync(join(dir, "fake-bin"));
    copyFileSync(join(PROJECT_DIR, "ops", "pulumi-dev.sh"), join(dir, "ops", "pulumi-dev.sh"));
    const pulumi = join(dir, "fake-bin", "pulumi");
    writeFileSync(
      pulumi,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash script, not a template
      '#!/usr/bin/env bash\necho "$* | backend=$PULUMI_BACKEND_URL | passphrase=${PULUMI_CONFIG_PASSPHRASE-unset} | file=${PULUMI_CONFIG_PASSPHRASE_FILE-unset}" >> "$(dirname "$0")/../calls.log"\n',
    );
    chmodSync(pulumi, 0o755);
    return dir;
  }

  async function runScript(dir: string, args: string[], env: Record<string, string> = {}): Promise<string[]> {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PULUMI_")));
    await promisify(execFile)("bash", [join(dir, "ops", "pulumi-dev.sh"), ...args], {
      env: { ...inherited, PATH: `${join(dir, "fake-bin")}:${process.env["PATH"]}`, ...env },
    });
    return readFileSync(join(dir, "calls.log"), "utf8").trim().split("\n");
  }

  it("selects or creates the dev stack on a local file backend, then runs the command on it", async () => {
    const dir = project();
    const passphraseFile = join(dir, ".pulumi-state", "passphrase");
    assert.deepEqual(await runScript(dir, ["up", "--yes"]), [
      `stack select dev --create --non-interactive | backend=file://${dir}/.pulumi-state | passphrase=unset | file=${passphraseFile}`,
      `up --yes --stack dev | backend=file://${dir}/.pulumi-state | passphrase=unset | file=${passphraseFile}`,
    ]);
    assert.match(readFileSync(passphraseFile, "utf8"), /^[0-9a-f]{64}$/);
    assert.equal(statSync(passphraseFile).mode & 0o777, 0o600);
  });

  it("keeps the generated passphrase across runs", async () => {
    const dir = project();
    await runScript(dir, ["preview"]);
    const passphrase = readFileSync(join(dir, ".pulumi-state", "passphrase"), "utf8");
    await runScript(dir, ["preview"]);
    assert.equal(readFileSync(join(dir, ".pulumi-state", "passphrase"), "utf8"), passphrase);
  });

  it("uses the backend and passphrase the user set", async () => {
    const calls = await runScript(project(), ["preview"], { PULUMI_BACKEND_URL: "s3://state-bucket", PULUMI_CONFIG_PASSPHRASE: "mine" });
    assert.equal(calls[1], "preview --stack dev | backend=s3://state-bucket | passphrase=mine | file=unset");
  });

  it("says how to get the Pulumi CLI when it is missing", async () => {
    const dir = project();
    await assert.rejects(
      promisify(execFile)("bash", [join(dir, "ops", "pulumi-dev.sh"), "up"], { env: { PATH: "/usr/bin:/bin" } }),
      (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 1);
        assert.equal(error.stderr, "pulumi-dev: the Pulumi CLI is not installed; see https://www.pulumi.com/docs/install/\n");
        return true;
      },
    );
  });
});
