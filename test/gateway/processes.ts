/**
 * Processes the gateway suite starts: each in a process group of its own (the proxy starts workers, the bridge
 * its stdio child), its output in a log file, stopped as a group, also when a test fails.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface Started {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Whether the process has exited. */
  exited(): boolean;
  /** Its exit status once it exited (-1 when a signal ended it); undefined while it runs. */
  exitCode(): number | null | undefined;
  /** The last lines of its log. */
  tail(lines?: number): string;
  stop(): Promise<void>;
}

export function startProcess(
  name: string,
  argv: readonly string[],
  options: { env: NodeJS.ProcessEnv; logDir: string; cwd?: string },
): Started {
  const logFile = join(options.logDir, `${name}.log`);
  const fd = openSync(logFile, "a");
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), {
    env: options.env,
    cwd: options.cwd,
    stdio: ["ignore", fd, fd],
    detached: true,
  });
  closeSync(fd);
  let exitCode: number | null | undefined;
  child.once("exit", (code, signal) => {
    exitCode = code ?? (signal ? -1 : null);
  });
  const exitedPromise = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  if (child.pid === undefined) throw new Error(`${name}: could not start ${argv[0]}`);
  const pid = child.pid;
  return {
    name,
    pid,
    logFile,
    exited: () => exitCode !== undefined,
    exitCode: () => exitCode,
    tail: (lines = 20) => readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n"),
    async stop() {
      if (exitCode !== undefined) return;
      signalGroup(pid, "SIGTERM");
      const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), 10_000);
      await exitedPromise;
      clearTimeout(timer);
      // Children the leader left behind (workers, the stdio server) go with their group.
      signalGroup(pid, "SIGKILL");
    },
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Polls `ready` until it holds; fails at once when the process exits, and at the deadline, with its log. */
export async function waitFor(
  process: Started,
  what: string,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await ready().catch(() => false)) return performance.now() - started;
    if (process.exited()) throw new Error(`${process.name} exited before ${what}:\n${process.tail()}`);
    if (performance.now() - started > timeoutMs)
      throw new Error(`${process.name}: no ${what} within ${timeoutMs / 1000} s:\n${process.tail()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
