/** Small HTTP calls with a deadline, a measured latency and errors in words. */
import { describeNetworkError } from "./errors";

export interface HttpResult {
  readonly status: number;
  readonly body: unknown;
  readonly latencyMs: number;
}

export type HttpOutcome = HttpResult | { readonly error: string; readonly latencyMs: number };

export async function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown; timeoutMs: number },
): Promise<HttpOutcome> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: options.method ?? "GET",
      headers: { ...(options.body === undefined ? {} : { "content-type": "application/json" }), ...options.headers },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: keep the text.
    }
    return { status: response.status, body, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { error: describeNetworkError(error), latencyMs: Math.round(performance.now() - started) };
  }
}
