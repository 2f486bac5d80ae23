/**
 * A stand-in for what the Pulumi engine keeps of a stack between runs, for the program run under mocks: `up`
 * gives a resource already in the stack its recorded outputs (its generated password stays the same), and gives
 * a new one fresh outputs (a RandomPassword a new random value, as @pulumi/random does); `destroy` removes
 * resources from the stack, all of them or, as `pulumi destroy --exclude-protected` does, all but the protected.
 * Resources removed with retainOnDelete stay in the world outside the stack (a kept Docker volume).
 */
import { randomInt } from "node:crypto";
import type { OutputMocks, ProgramError, ProgramRun, Registered, RunOptions } from "./pulumi";
import { runProgram } from "./pulumi";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A random value with @pulumi/random's inputs: letters and digits when `special` is false. */
function randomPassword(inputs: Record<string, unknown>): string {
  const length = Number(inputs["length"]);
  const alphabet = inputs["special"] === false ? ALPHANUMERIC : `${ALPHANUMERIC}!#$%&*()-_=+[]{}<>:?`;
  return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join("");
}

const key = (type: string, name: string) => `${type}::${name}`;

export class StackState {
  private readonly recorded = new Map<string, { inputs: Record<string, unknown>; outputs: Record<string, unknown> }>();
  /** What the stack holds since the last run: every resource it registered, also when the run failed partway. */
  private held: Registered[] | undefined;

  /**
   * Runs the program against the stack as it is, and records what it now holds. With `replaceChanged`, a
   * resource of a type it names whose inputs changed since the last run is created again (a replacement), as the
   * engine replaces a resource whose provider cannot update those inputs in place.
   */
  async up(
    stack: string,
    options: RunOptions & { outputs?: OutputMocks; replaceChanged?: (type: string) => boolean } = {},
  ): Promise<ProgramRun> {
    const base = options.outputs ?? {};
    const fresh = async (
      name: string,
      inputs: Record<string, unknown>,
      type: string,
    ): Promise<Record<string, unknown>> => {
      if (type === "random:index/randomPassword:RandomPassword") return { result: randomPassword(inputs) };
      const mock = base[type] ?? base["*"];
      return (await mock?.(name, inputs, type)) ?? {};
    };
    const outputs: OutputMocks = {
      "*": async (name, inputs, type) => {
        const id = key(type, name);
        const known = this.recorded.get(id);
        const changed =
          known !== undefined &&
          options.replaceChanged?.(type) === true &&
          JSON.stringify(known.inputs) !== JSON.stringify(inputs);
        const outputs = known !== undefined && !changed ? known.outputs : await fresh(name, inputs, type);
        this.recorded.set(id, { inputs, outputs });
        return outputs;
      },
    };
    try {
      const run = await runProgram(stack, { ...options, outputs });
      this.held = run.resources;
      return run;
    } catch (error) {
      // A failed update keeps in the stack what it registered before it failed, as Pulumi's state does.
      const registered = (error as Partial<ProgramError>).registered;
      if (registered) this.held = registered;
      throw error;
    }
  }

  /**
   * `pulumi destroy`, with or without --exclude-protected: removes the resources of the last `up` from the
   * stack and returns the ones that are gone.
   */
  destroy(options: { excludeProtected: boolean }): Registered[] {
    if (!this.held) throw new Error("destroy before any up");
    const protectedOnes = this.held.filter((resource) => resource.options.protect);
    if (!options.excludeProtected && protectedOnes.length > 0) {
      // As the engine refuses: nothing is deleted.
      throw new Error(`resource ${protectedOnes[0]!.urn} cannot be deleted because it is protected`);
    }
    const gone = this.held.filter((resource) => !(options.excludeProtected && resource.options.protect));
    for (const resource of gone) this.recorded.delete(key(resource.type, resource.name));
    return gone;
  }
}
