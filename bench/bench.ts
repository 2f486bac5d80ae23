/**
 * npm run bench: how much longer than loading its SDKs the program takes to start, for each committed stack.
 * In one process tree and alternating, it runs the floor (a bare node that only requires @pulumi/pulumi,
 * @pulumi/aws and @pulumi/docker) and the compiled program under mocks, several times after a warm-up, and
 * prints the median wall time, the peak resident memory and the ratio of each to the floor.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";

const ROOT = join(__dirname, "..", "..");
const LIMIT = 1.3;
const FLOOR = "require('@pulumi/pulumi'); require('@pulumi/aws'); require('@pulumi/docker'); process.stdout.write(JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));";

interface Sample {
  readonly ms: number;
  readonly rssKiB: number;
  readonly resources?: number;
}

function sample(args: string[], env: NodeJS.ProcessEnv): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("exit", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return reject(new Error(`${args.join(" ")} exited with ${code}: ${stderr.trim()}`));
      const report = JSON.parse(stdout) as { maxRssKiB: number; resources?: number };
      resolve({ ms, rssKiB: report.maxRssKiB, resources: report.resources });
    });
  });
}

/** The stack's config as the Pulumi CLI hands it to the language host. */
function engineEnv(stack: string): NodeJS.ProcessEnv {
  const document = parse(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(document.config ?? {})) {
    const secure = value !== null && typeof value === "object" && "secure" in value;
    config[key] = secure ? "benchmark stand-in" : typeof value === "string" ? value : JSON.stringify(value);
    if (secure) secretKeys.push(key);
  }
  return { ...process.env, PULUMI_CONFIG: JSON.stringify(config), PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 7);
  const stacks = readdirSync(ROOT).map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1]).filter((stack): stack is string => stack !== undefined).sort();
  const program = join(ROOT, "dist", "bench", "program.js");
  const floor: Sample[] = [];
  const results = new Map<string, Sample[]>(stacks.map((stack) => [stack, []]));

  // A warm-up round fills the file cache; it is not counted.
  for (let round = 0; round <= runs; round++) {
    for (const stack of stacks) {
      const floorSample = await sample(["-e", FLOOR], process.env);
      const programSample = await sample([program, stack], engineEnv(stack));
      if (round === 0) continue;
      floor.push(floorSample);
      results.get(stack)!.push(programSample);
    }
  }

  const floorMs = median(floor.map((s) => s.ms));
  const floorRss = median(floor.map((s) => s.rssKiB));
  console.log(`node ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim()}, ${runs} runs per stack after a warm-up`);
  console.log(`floor (require @pulumi/pulumi, @pulumi/aws, @pulumi/docker): ${floorMs.toFixed(0)} ms, ${(floorRss / 1024).toFixed(0)} MiB`);
  console.log("stack  resources  wall ms  wall ratio  peak MiB  memory ratio");
  let within = true;
  for (const [stack, samples] of results) {
    const ms = median(samples.map((s) => s.ms));
    const rss = median(samples.map((s) => s.rssKiB));
    const [wallRatio, memoryRatio] = [ms / floorMs, rss / floorRss];
    within &&= wallRatio <= LIMIT && memoryRatio <= LIMIT;
    console.log(
      `${stack.padEnd(5)}  ${String(samples[0]?.resources).padStart(9)}  ${ms.toFixed(0).padStart(7)}  ${wallRatio.toFixed(2).padStart(10)}  ${(rss / 1024).toFixed(0).padStart(8)}  ${memoryRatio.toFixed(2).padStart(12)}`,
    );
  }
  console.log(within ? `every stack within ${LIMIT}x the floor` : `some stack is over ${LIMIT}x the floor`);
  process.exitCode = within ? 0 : 1;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
