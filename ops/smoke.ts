/**
 * smoke: the check a deploy ends with. Health, the model list, one call of each model and each MCP server's tools,
 * from this machine (`status --call-models`), or on AWS from a one-off task inside the VPC (components/aws/smoke.py)
 * whose report is read back from its log stream.
 */
import type { TaskEnd } from "./aws";
import type { Check } from "./status";

interface ReportedCheck {
  check: string;
  ok: boolean;
  latencyMs?: number;
  detail: string;
  tools?: string[];
}

function reported(line: string): ReportedCheck | { smoke: "passed" | "failed" } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const value = parsed as Record<string, unknown>;
  if (value["smoke"] === "passed" || value["smoke"] === "failed") return { smoke: value["smoke"] };
  if (typeof value["check"] === "string" && typeof value["ok"] === "boolean" && typeof value["detail"] === "string")
    return value as unknown as ReportedCheck;
  return undefined;
}

/**
 * The checks the smoke task reported, and a failing "smoke task" check when the task itself did not end as its
 * report says: no exit code (it never ran), an exit code without a report, or a report the exit code contradicts.
 */
export function smokeTaskChecks(end: TaskEnd): Check[] {
  const checks: Check[] = [];
  let verdict: "passed" | "failed" | undefined;
  const other: string[] = [];
  for (const line of end.lines) {
    const entry = reported(line);
    if (entry === undefined) other.push(line);
    else if ("smoke" in entry) verdict = entry.smoke;
    else
      checks.push({
        name: entry.check,
        ok: entry.ok,
        latencyMs: entry.latencyMs,
        detail: entry.detail,
        ...(entry.tools ? { tools: entry.tools } : {}),
      });
  }
  const task = `smoke task ${end.taskId}`;
  if (end.exitCode === undefined)
    return [...checks, { name: task, ok: false, detail: `it did not run: ${end.reason ?? "ECS gave no reason"}` }];
  const last = other.at(-1);
  if (verdict === undefined)
    return [
      ...checks,
      { name: task, ok: false, detail: `exit code ${end.exitCode} without a report${last ? `: ${last}` : ""}` },
    ];
  if ((verdict === "passed") !== (end.exitCode === 0))
    return [...checks, { name: task, ok: false, detail: `exit code ${end.exitCode}, yet its report says ${verdict}` }];
  return checks;
}
