/** The --since option of logs. */
import { quote } from "../config/errors";
import { UsageError } from "./errors";

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** --since as epoch milliseconds: a duration ago (10m, 2h) or a time (2026-11-24T10:00:00Z). */
export function parseSince(since: string | boolean | undefined, now = Date.now()): number | undefined {
  if (since === undefined || typeof since === "boolean") return undefined;
  const duration = /^(\d+)([smhd])$/.exec(since);
  if (duration) return now - Number(duration[1]) * UNITS[duration[2]!]!;
  const time = Date.parse(since);
  if (!Number.isNaN(time) && /^\d{4}-\d{2}-\d{2}/.test(since)) return time;
  throw new UsageError(
    `--since: expected a duration such as 10m, 2h or 1d, or a time such as 2026-11-24T10:00:00Z, got ${quote(since)}`,
  );
}
