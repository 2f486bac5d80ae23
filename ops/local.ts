/**
 * A gateway run as local processes (the gateway suite, or anyone running the proxy and MCP servers without
 * Docker): each process is a pid and a log file, described by an outputs file in the shape of a stack's outputs.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { OpsError } from "./errors";
import type { Outputs } from "./pulumi";

export interface LocalProcess {
  readonly pid: number;
  /** Where the process writes its standard output and error. */
  readonly logFile: string;
}

export interface ProcessState {
  readonly running: boolean;
}

export interface LocalPort {
  inspect(process: LocalProcess): ProcessState;
  logs(process: LocalProcess, options: { follow: boolean; write: (line: string) => void }): Promise<void>;
}

/** Reads an outputs file (plain JSON values) as a stack's outputs. */
export function readOutputsFile(file: string): Outputs {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new OpsError(`--outputs: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch {
    throw new OpsError(`--outputs: ${file} is not JSON`);
  }
  if (values === null || typeof values !== "object" || Array.isArray(values))
    throw new OpsError(`--outputs: ${file} is not a JSON object of outputs`);
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { value, secret: false }]));
}

export const localProcesses: LocalPort = {
  inspect(process) {
    try {
      // Signal 0 checks that the process exists without touching it.
      globalThis.process.kill(process.pid, 0);
      return { running: true };
    } catch (error) {
      return { running: (error as NodeJS.ErrnoException).code === "EPERM" };
    }
  },

  async logs(process, options) {
    if (!existsSync(process.logFile)) throw new OpsError(`no log file ${process.logFile}`);
    let offset = 0;
    let partial = "";
    const drain = async () => {
      const size = statSync(process.logFile).size;
      if (size <= offset) return;
      const handle = await open(process.logFile, "r");
      try {
        const buffer = Buffer.alloc(size - offset);
        await handle.read(buffer, 0, buffer.length, offset);
        offset = size;
        const lines = (partial + buffer.toString("utf8")).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) options.write(line);
      } finally {
        await handle.close();
      }
    };
    await drain();
    // Followed until the user stops the command.
    while (options.follow) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      await drain();
    }
    if (partial !== "") options.write(partial);
  },
};
