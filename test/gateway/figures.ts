/**
 * Figures: start-up, the gateway's own overhead and the proxy's memory. Printed, never asserted: the gateway suite
 * prints what its runs observed in a section of its own, and `npm run gateway:figures` measures the overhead.
 */
import { readdirSync, readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { Hash } from "@smithy/core/serde";
import { SignatureV4 } from "@smithy/signature-v4";
import type { BedrockStandIn } from "./bedrock";
import { STAND_IN_CREDENTIALS } from "./gateway";

export interface Timing {
  readonly count: number;
  readonly medianMs: number;
  readonly p95Ms: number;
}

export interface Figures {
  coldStartMs?: number;
  mcpServer?: string;
  toolsListDirect?: Timing;
  toolsListGateway?: Timing;
  completionDirect?: Timing;
  completionGateway?: Timing;
  proxyRssMb?: number;
}

/** Runs `call` `count` times, one after the other, and returns the median and 95th percentile. */
export async function measure(count: number, call: () => Promise<unknown>): Promise<Timing> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { count, medianMs: at(0.5), p95Ms: at(0.95) };
}

/** The same Converse call the proxy makes, signed and sent straight to the stand-in; one signer for every call. */
export function signedConverse(standIn: BedrockStandIn, modelId: string): () => Promise<void> {
  const send = signedConverseAnswer(standIn, modelId);
  return async () => {
    const answer = await send();
    if (answer.status !== 200) throw new Error(`stand-in answered ${answer.status}: ${answer.body}`);
  };
}

/** One signed Converse call straight to the stand-in, and its answer, whatever it is. */
export function signedConverseAnswer(
  standIn: BedrockStandIn,
  modelId: string,
): () => Promise<{ status: number; errorType: string | null; body: string }> {
  const url = new URL(`${standIn.url}/model/${encodeURIComponent(modelId)}/converse`);
  const body = JSON.stringify({
    messages: [{ role: "user", content: [{ text: "figures" }] }],
    inferenceConfig: { maxTokens: 16 },
  });
  const signer = new SignatureV4({
    credentials: STAND_IN_CREDENTIALS,
    region: standIn.region,
    service: "bedrock",
    sha256: Hash.bind(null, "sha256"),
    applyChecksum: false,
  });
  return async () => {
    const signed = await signer.sign({
      method: "POST",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: {},
      headers: { host: url.host, "content-type": "application/json" },
      body,
    });
    const response = await fetch(url, { method: "POST", headers: signed.headers as Record<string, string>, body });
    return {
      status: response.status,
      errorType: response.headers.get("x-amzn-errortype"),
      body: await response.text(),
    };
  };
}

/** Resident memory of a process and all its descendants, in MiB (Linux /proc). */
export function processTreeRssMb(root: number): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // Gone since the listing.
    }
  }
  const tree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, parent] of parents) if (tree.has(parent) && !tree.has(pid)) grew = tree.add(pid) !== undefined;
  }
  let kb = 0;
  for (const pid of tree) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // Gone.
    }
  }
  return Math.round(kb / 1024);
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

export function printFigures(figures: Figures): void {
  const lines = [
    "",
    "  Figures (not pass or fail)",
    `  machine: ${cpus().length} x ${cpus()[0]?.model.trim() ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  ];
  if (figures.coldStartMs !== undefined)
    lines.push(`  proxy cold start to liveness: ${(figures.coldStartMs / 1000).toFixed(1)} s`);
  const pair = (what: string, direct?: Timing, gateway?: Timing) => {
    if (!direct || !gateway) return;
    lines.push(
      `  ${what} (${gateway.count} sequential calls): direct median ${ms(direct.medianMs)}, p95 ${ms(direct.p95Ms)}; through the gateway median ${ms(gateway.medianMs)}, p95 ${ms(gateway.p95Ms)}; overhead median ${ms(gateway.medianMs - direct.medianMs)}, p95 ${ms(gateway.p95Ms - direct.p95Ms)}`,
    );
  };
  pair(`MCP tools/list on ${figures.mcpServer ?? "?"}`, figures.toolsListDirect, figures.toolsListGateway);
  pair("non-streamed completion (Bedrock stand-in)", figures.completionDirect, figures.completionGateway);
  if (figures.proxyRssMb !== undefined)
    lines.push(`  proxy memory (resident, with its workers): ${figures.proxyRssMb} MiB`);
  process.stdout.write(`${lines.join("\n")}\n`);
}
