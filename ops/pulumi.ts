/** Pulumi through its Automation API (the user's Pulumi CLI), behind an interface the tests replace. */
import { spawn } from "node:child_process";
import { CommandError, LocalWorkspace, type Stack, StackNotFoundError } from "@pulumi/pulumi/automation";
import type { Backend } from "./backend";
import { OpsError } from "./errors";

export type Outputs = Record<string, { value: unknown; secret: boolean }>;

export interface PulumiPort {
  outputs(stack: string): Promise<Outputs>;
  /** policyPack: a policy pack directory, enforced on the update. */
  up(stack: string, write: (text: string) => void, options?: { policyPack?: string }): Promise<void>;
  /** Returns whether the preview would change anything. */
  preview(
    stack: string,
    write: (text: string) => void,
    options?: { policyPack?: string },
  ): Promise<{ changes: boolean }>;
  /**
   * keepProtected: destroy everything but the protected resources (`pulumi destroy --exclude-protected`).
   * onSelected: called once Pulumi has opened the stack, before anything is destroyed.
   */
  destroy(
    stack: string,
    write: (text: string) => void,
    options: { keepProtected: boolean; onSelected?: () => void },
  ): Promise<void>;
  /** Runs the Pulumi CLI itself with the stack's backend, for anything else; returns its exit status. */
  passthrough(stack: string, args: string[]): Promise<number>;
}

export class AutomationPulumi implements PulumiPort {
  constructor(
    private readonly project: string,
    private readonly backend: Backend,
  ) {}

  async outputs(stack: string): Promise<Outputs> {
    return this.run(stack, "read the outputs of", false, (selected) => selected.outputs());
  }

  async up(stack: string, write: (text: string) => void, options: { policyPack?: string } = {}): Promise<void> {
    const policyPacks = options.policyPack ? [options.policyPack] : undefined;
    await this.run(stack, "update", true, (selected) => selected.up({ onOutput: write, color: "auto", policyPacks }));
  }

  async preview(
    stack: string,
    write: (text: string) => void,
    options: { policyPack?: string } = {},
  ): Promise<{ changes: boolean }> {
    const policyPacks = options.policyPack ? [options.policyPack] : undefined;
    const result = await this.run(stack, "preview", true, (selected) =>
      selected.preview({ onOutput: write, color: "auto", diff: true, policyPacks }),
    );
    const counts = result.changeSummary as Record<string, number | undefined>;
    return { changes: Object.entries(counts).some(([operation, count]) => operation !== "same" && (count ?? 0) > 0) };
  }

  async destroy(
    stack: string,
    write: (text: string) => void,
    options: { keepProtected: boolean; onSelected?: () => void },
  ): Promise<void> {
    await this.run(stack, "destroy", false, (selected) => {
      options.onSelected?.();
      return selected.destroy({ onOutput: write, color: "auto", excludeProtected: options.keepProtected });
    });
  }

  passthrough(stack: string, args: string[]): Promise<number> {
    this.backend.prepare();
    return new Promise((resolve, reject) => {
      const child = spawn("pulumi", [...args, "--stack", stack], {
        cwd: this.project,
        stdio: "inherit",
        env: { ...process.env, ...this.backend.env },
      });
      child.on("error", (error) => reject(cliMissing(error) ?? error));
      child.on("exit", (code) => resolve(code ?? 1));
    });
  }

  private async run<T>(
    stack: string,
    what: string,
    create: boolean,
    action: (selected: Stack) => Promise<T>,
  ): Promise<T> {
    if (!create && !this.backend.mayHoldStacks) throw new OpsError(notDeployed(stack, this.backend));
    if (create) this.backend.prepare();
    let selected: Stack;
    try {
      const args = { stackName: stack, workDir: this.project };
      const options = { envVars: this.backend.env };
      selected = create
        ? await LocalWorkspace.createOrSelectStack(args, options)
        : await LocalWorkspace.selectStack(args, options);
    } catch (error) {
      if (error instanceof StackNotFoundError) {
        throw new OpsError(notDeployed(stack, this.backend));
      }
      throw cliMissing(error) ?? new OpsError(`cannot open stack ${stack}: ${firstLine(error)}`);
    }
    try {
      return await action(selected);
    } catch (error) {
      // Pulumi has already streamed the details; one line says what failed.
      if (error instanceof CommandError)
        throw new OpsError(`pulumi could not ${what} stack ${stack}: ${firstLine(error)}`);
      throw error;
    }
  }
}

function notDeployed(stack: string, backend: Backend): string {
  return `no stack ${stack} in ${backend.description}: it was never deployed (litellm-mcp up --stack ${stack})`;
}

function cliMissing(error: unknown): OpsError | undefined {
  const text = `${(error as { code?: string }).code ?? ""} ${(error as Error).message ?? ""}`;
  return /ENOENT|not found|command not found/i.test(text) && /pulumi/i.test(text)
    ? new OpsError("the Pulumi CLI is not installed; see https://www.pulumi.com/docs/install/")
    : undefined;
}

function firstLine(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  const lines = message
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.find((line) => /^error:/i.test(line))?.replace(/^error:\s*/i, "") ?? lines[0] ?? "unknown error";
}
