/**
 * Calls to the LiteLLM proxy, as its documentation describes them: the unauthenticated probes, the model list,
 * and the cache routes (with the master key).
 */
import { PROXY } from "../config/constants";
import { type HttpOutcome, request } from "./http";

export interface CheckResult {
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly detail: string;
}

function failure(outcome: HttpOutcome, what: string): CheckResult | undefined {
  if ("error" in outcome) return { ok: false, latencyMs: outcome.latencyMs, detail: `${what}: ${outcome.error}` };
  if (outcome.status === 401 || outcome.status === 403)
    return { ok: false, latencyMs: outcome.latencyMs, detail: `the proxy refused the key (HTTP ${outcome.status})` };
  if (outcome.status >= 400)
    return { ok: false, latencyMs: outcome.latencyMs, detail: `HTTP ${outcome.status}${errorText(outcome.body)}` };
  return undefined;
}

function errorText(body: unknown): string {
  const detail =
    (body as { detail?: unknown; error?: unknown } | null)?.detail ?? (body as { error?: unknown } | null)?.error;
  if (detail === undefined) return "";
  return `: ${typeof detail === "string" ? detail : JSON.stringify(detail)}`;
}

const auth = (key: string | undefined): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});

export async function liveness(proxyUrl: string, timeoutMs: number): Promise<CheckResult> {
  const outcome = await request(`${proxyUrl}${PROXY.livenessPath}`, { timeoutMs });
  return failure(outcome, "no answer") ?? { ok: true, latencyMs: outcome.latencyMs, detail: "alive" };
}

/** Ready means the proxy answers 200 and its database is connected. */
export async function readiness(proxyUrl: string, timeoutMs: number): Promise<CheckResult> {
  const outcome = await request(`${proxyUrl}${PROXY.readinessPath}`, { timeoutMs });
  const failed = failure(outcome, "no answer");
  if (failed || "error" in outcome) return failed!;
  const body = (outcome.body ?? {}) as { db?: unknown; litellm_version?: unknown };
  const version = typeof body.litellm_version === "string" ? `, LiteLLM ${body.litellm_version}` : "";
  if (body.db !== "connected")
    return { ok: false, latencyMs: outcome.latencyMs, detail: `database ${String(body.db ?? "unknown")}${version}` };
  return { ok: true, latencyMs: outcome.latencyMs, detail: `database connected${version}` };
}

export async function models(
  proxyUrl: string,
  key: string | undefined,
  timeoutMs: number,
): Promise<CheckResult & { ids: string[] }> {
  const outcome = await request(`${proxyUrl}/v1/models`, { headers: auth(key), timeoutMs });
  const failed = failure(outcome, "no answer");
  if (failed || "error" in outcome) return { ...failed!, ids: [] };
  const ids = ((outcome.body as { data?: { id?: unknown }[] })?.data ?? [])
    .map((model) => model.id)
    .filter((id): id is string => typeof id === "string");
  if (ids.length === 0) return { ok: false, latencyMs: outcome.latencyMs, detail: "the proxy serves no model", ids };
  return { ok: true, latencyMs: outcome.latencyMs, detail: `${ids.length} model(s): ${ids.join(", ")}`, ids };
}

/** One real call of a model through the proxy, one token long: the model's provider answers, or says why not. */
export async function callModel(
  proxyUrl: string,
  key: string | undefined,
  model: string,
  timeoutMs: number,
): Promise<CheckResult> {
  const outcome = await request(`${proxyUrl}/v1/chat/completions`, {
    method: "POST",
    headers: auth(key),
    // Neither read nor written to the response cache: a cached answer would hide what the provider says now.
    body: {
      model,
      max_tokens: 1,
      messages: [{ role: "user", content: "ping" }],
      cache: { "no-cache": true, "no-store": true },
    },
    timeoutMs,
  });
  const failed = failure(outcome, "no answer");
  if (failed || "error" in outcome) {
    // LiteLLM puts the provider's own error in error.message, e.g. Bedrock's AccessDeniedException.
    const message = (outcome as { body?: { error?: { message?: unknown } } }).body?.error?.message;
    return typeof message === "string" ? { ...failed!, detail: message.split("\n")[0]! } : failed!;
  }
  return { ok: true, latencyMs: outcome.latencyMs, detail: "answered" };
}

/** Flushes the proxy's Redis cache (LiteLLM only flushes a Redis cache). */
export async function flushCache(proxyUrl: string, key: string | undefined, timeoutMs: number): Promise<CheckResult> {
  const outcome = await request(`${proxyUrl}/cache/flushall`, { method: "POST", headers: auth(key), timeoutMs });
  return (
    failure(outcome, `cannot reach the proxy at ${proxyUrl}`) ?? {
      ok: true,
      latencyMs: outcome.latencyMs,
      detail: "flushed",
    }
  );
}
