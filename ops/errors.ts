/** Errors the CLI reports as one line, with the exit status they carry. Anything else is a bug. */

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A mistake in how the command was called: exit status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly status = EXIT.usage;
}

/** Something the user can act on (a stack never deployed, an unreachable host, a refused key): exit status 1. */
export class OpsError extends Error {
  override readonly name = "OpsError";
  readonly status = EXIT.failed;
}

/** The reason a network call failed, in words, from a fetch or socket error. */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code;
  const reasons: Record<string, string> = {
    ECONNREFUSED: "connection refused",
    ENOTFOUND: "host not found",
    EAI_AGAIN: "host name lookup failed",
    ECONNRESET: "connection reset",
    EHOSTUNREACH: "host unreachable",
    ETIMEDOUT: "timed out",
    ENOENT: "no such socket",
    EACCES: "permission denied",
    UND_ERR_CONNECT_TIMEOUT: "timed out connecting",
  };
  if (code && reasons[code]) return reasons[code];
  if ((error as Error).name === "TimeoutError" || (error as Error).name === "AbortError") return "no answer in time";
  return cause?.message ?? (error as Error).message ?? String(error);
}
