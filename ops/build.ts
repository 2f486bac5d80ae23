/** `litellm-mcp up` and `preview` never run a stale compiled program: they build it first when needed. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { staleness } from "../build/freshness";
import { OpsError } from "./errors";

export async function ensureBuilt(project: string, write: (text: string) => void): Promise<void> {
  const reason = staleness(project, join(project, "dist"));
  if (reason === undefined) return;
  write(`Building the program first: ${reason}\n`);
  const output: string[] = [];
  const status = await new Promise<number>((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "build"], { cwd: project, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? 1));
  });
  if (status !== 0) {
    write(output.join(""));
    throw new OpsError("the program does not compile (npm run build failed; its errors are above)");
  }
}
