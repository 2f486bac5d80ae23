/**
 * npm run bench: how much longer than loading its SDKs the program takes to start, for each committed stack.
 * In one process tree and alternating, it runs the floor (a bare node that only requires @pulumi/pulumi,
 * @pulumi/aws and @pulumi/docker), the compiled program under mocks as the language host loads it, and the
 * replay of the resources that program registered (the SDK's own share), several times after a warm-up, and
 * prints the median wall time, the peak resident memory and the ratio of each to the floor.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
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

const ratio = (value: number, floor: number) => (value / floor).toFixed(2);

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 7);
  const stacks = readdirSync(ROOT).map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1]).filter((stack): stack is string => stack !== undefined).sort();
  const program = join(ROOT, "dist", "bench", "program.js");
  const replay = join(ROOT, "dist", "bench", "replay.js");
  const records = mkdtempSync(join(tmpdir(), "litellm-mcp-bench-"));
  const floor: Sample[] = [];
  const results = new Map(stacks.map((stack) => [stack, { program: [] as Sample[], replay: [] as Sample[] }]));

  try {
    // A warm-up round fills the file cache and records what each stack registers; it is not counted.
    for (let round = 0; round <= runs; round++) {
      for (const stack of stacks) {
        const record = join(records, `${stack}.json`);
        const floorSample = await sample(["-e", FLOOR], process.env);
        const programSample = await sample(round === 0 ? [program, stack, record] : [program, stack], engineEnv(stack));
        const replaySample = await sample([replay, stack, record], process.env);
        if (round === 0) continue;
        floor.push(floorSample);
        results.get(stack)!.program.push(programSample);
        results.get(stack)!.replay.push(replaySample);
      }
    }
  } finally {
    rmSync(records, { recursive: true, force: true });
  }

  const floorMs = median(floor.map((s) => s.ms));
  const floorRss = median(floor.map((s) => s.rssKiB));
  const mib = (kib: number) => (kib / 1024).toFixed(0);
  console.log(`node ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim()}, ${runs} runs per stack after a warm-up`);
  console.log(`floor (require @pulumi/pulumi, @pulumi/aws, @pulumi/docker): ${floorMs.toFixed(0)} ms, ${mib(floorRss)} MiB`);
  console.log("stack  resources  wall ms  ratio  peak MiB  ratio  |  SDK alone: wall ms  ratio  peak MiB  ratio");
  let within = true;
  const own: string[] = [];
  for (const [stack, samples] of results) {
    const ms = median(samples.program.map((s) => s.ms));
    const rss = median(samples.program.map((s) => s.rssKiB));
    const sdkMs = median(samples.replay.map((s) => s.ms));
    const sdkRss = median(samples.replay.map((s) => s.rssKiB));
    within &&= ms / floorMs <= LIMIT && rss / floorRss <= LIMIT;
    console.log(
      [
        stack.padEnd(5),
        String(samples.program[0]?.resources).padStart(9),
        ms.toFixed(0).padStart(7),
        ratio(ms, floorMs).padStart(5),
        mib(rss).padStart(8),
        ratio(rss, floorRss).padStart(5),
        " |",
        sdkMs.toFixed(0).padStart(18),
        ratio(sdkMs, floorMs).padStart(5),
        mib(sdkRss).padStart(8),
        ratio(sdkRss, floorRss).padStart(5),
      ].join("  "),
    );
    own.push(`${stack} ${(ms - sdkMs).toFixed(0)} ms, ${mib(rss - sdkRss)} MiB`);
  }
  console.log(`the program's own share (program minus SDK alone): ${own.join("; ")}`);
  console.log(within ? `every stack within ${LIMIT}x the floor` : `some stack is over ${LIMIT}x the floor`);
  process.exitCode = within ? 0 : 1;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
