/**
 * A dev stack of the suite's own on the real Docker engine: a project folder holding Pulumi.yaml and the stack's
 * file (the committed dev stack, or a variant of it, under a name of the suite's so that a user's own dev stack on
 * the same engine is never touched), the program run under Pulumi's mocks with the Docker provider's stand-in
 * creating every resource on the engine, and what Pulumi keeps of the stack between runs. It answers the operations
 * CLI as Pulumi does (PulumiPort): `litellm-mcp up` and `down` run the program and apply it; `outputs` are the last
 * run's. The Pulumi engine is the part stood in for; the containers are real.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { PROJECT } from "../../config/constants";
import { OpsError } from "../../ops/errors";
import type { Outputs, PulumiPort } from "../../ops/pulumi";
import { StackState } from "../support/engine";
import { isSecret, type ProgramRun, reveal } from "../support/pulumi";
import { engineConfigOfVariant, PROJECT_DIR, type Values, variant } from "../support/stacks";
import type { DockerProviderStandIn } from "./dockerProvider";

/** Docker resources whose changed inputs the provider cannot update in place: they are made again. */
const REPLACED_ON_CHANGE = new Set(["docker:index/container:Container", "docker:index/image:Image"]);

export class DockerStack implements PulumiPort {
  readonly project: string;
  readonly state = new StackState();
  private run: ProgramRun | undefined;

  constructor(
    /** The stack's name: the prefix of every Docker object it makes. */
    readonly stack: string,
    private readonly provider: DockerProviderStandIn,
    /** The home directory of the user running the program, where it finds the AWS profile it mounts. */
    private readonly home: string,
    private change: (values: Values) => void = () => undefined,
  ) {
    this.project = mkdtempSync(join(tmpdir(), `litellm-mcp-${stack}-`));
    copyFileSync(join(PROJECT_DIR, "Pulumi.yaml"), join(this.project, "Pulumi.yaml"));
    this.writeStackFile();
  }

  /** Changes the stack file (a variant of the committed dev stack) for the next `up`. */
  reconfigure(change: (values: Values) => void): void {
    this.change = change;
    this.writeStackFile();
  }

  private writeStackFile(): void {
    const values = variant("dev", this.change).values;
    const config = Object.fromEntries(Object.entries(values).map(([key, value]) => [`${PROJECT}:${key}`, value]));
    writeFileSync(join(this.project, `Pulumi.${this.stack}.yaml`), stringify({ config }));
  }

  /** The last run of the program. */
  get last(): ProgramRun {
    if (!this.run) throw new Error(`stack ${this.stack} has not been deployed`);
    return this.run;
  }

  /** `pulumi up`: the program under mocks, each Docker resource created on the engine; a failure fails it. */
  async apply(): Promise<ProgramRun> {
    this.run = await this.state.up(this.stack, {
      config: engineConfigOfVariant("dev", this.change),
      home: this.home,
      outputs: this.provider.mocks(),
      replaceChanged: (type) => REPLACED_ON_CHANGE.has(type),
    });
    return this.run;
  }

  /** `pulumi destroy`: what it removes from the stack is removed from the engine. */
  async remove(keepProtected: boolean): Promise<void> {
    await this.provider.destroy(this.state.destroy({ excludeProtected: keepProtected }));
    this.run = undefined;
  }

  /** The stack's outputs as `pulumi stack output --json --show-secrets` writes them, in a file for --outputs. */
  outputsFile(): string {
    const file = join(this.project, "outputs.json");
    writeFileSync(file, JSON.stringify(reveal(this.last.outputs), null, 2));
    return file;
  }

  async outputs(stack: string): Promise<Outputs> {
    this.check(stack);
    if (!this.run) return {};
    return Object.fromEntries(
      Object.entries(this.run.outputs).map(([key, value]) => [key, { value: reveal(value), secret: isSecret(value) }]),
    );
  }

  async up(stack: string, write: (text: string) => void): Promise<void> {
    this.check(stack);
    try {
      await this.apply();
    } catch (error) {
      // As AutomationPulumi reports a failed update: Pulumi's own lines, then one line of what failed.
      const message = (error as Error).message;
      write(`${message}\n`);
      throw new OpsError(`pulumi could not update stack ${stack}: ${message.split("\n")[0]}`);
    }
  }

  async preview(): Promise<{ changes: boolean }> {
    throw new Error("the Pulumi stand-in of the Docker suite deploys; it does not preview");
  }

  async destroy(
    stack: string,
    _write: (text: string) => void,
    options: { keepProtected: boolean; onSelected?: () => void },
  ): Promise<void> {
    this.check(stack);
    options.onSelected?.();
    await this.remove(options.keepProtected);
  }

  async passthrough(): Promise<number> {
    throw new Error("the Pulumi stand-in of the Docker suite runs no Pulumi CLI");
  }

  private check(stack: string): void {
    if (stack !== this.stack) throw new Error(`the suite's Pulumi stand-in holds stack ${this.stack}, not ${stack}`);
  }

  /** Removes the project folder. */
  dispose(): void {
    rmSync(this.project, { recursive: true, force: true });
  }
}
