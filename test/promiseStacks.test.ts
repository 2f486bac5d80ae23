import { strict as assert } from "node:assert";
import { debuggableModule, recordNoPromiseStacks } from "../components/promiseStacks";
import { awsCalls, awsOutputs } from "./support/awsMocks";
import { runProgram } from "./support/pulumi";

/** The stack trace the SDK's helper recorded on a promise handed to it (the helper returns another). */
function recordedStack(): string {
  const handed = Promise.resolve(1);
  void debuggableModule().debuggablePromise(handed, "a test");
  const recorded = (handed as unknown as { _debugStackTrace?: string })._debugStackTrace;
  assert.equal(
    typeof recorded,
    "string",
    "the helper recorded nothing at all: it no longer works as this module expects",
  );
  return recorded!;
}

describe("the SDK's promise stacks", () => {
  before(() => recordNoPromiseStacks());

  it("are not recorded while the program declares resources, and every other stack trace stays whole", () => {
    const limit = Error.stackTraceLimit;
    assert.doesNotMatch(recordedStack(), /\n\s+at /);
    assert.equal(Error.stackTraceLimit, limit);
    assert.match(new Error("thrown by the program").stack ?? "", /\n\s+at /);
  });

  it("are recorded again with PULUMI_DEBUG_PROMISE_LEAKS, for the SDK's leak report", () => {
    process.env["PULUMI_DEBUG_PROMISE_LEAKS"] = "1";
    try {
      assert.match(recordedStack(), /\n\s+at /);
    } finally {
      delete process.env["PULUMI_DEBUG_PROMISE_LEAKS"];
    }
  });

  it("come from the SDK's helper the program replaces: a stack's run goes through it", async function () {
    this.timeout(30_000);
    const debuggable = debuggableModule();
    const patched = debuggable.debuggablePromise;
    let calls = 0;
    debuggable.debuggablePromise = Object.assign(
      <T>(promise: Promise<T>, context: unknown) => {
        calls++;
        return patched(promise, context);
      },
      { withoutStacks: true as const },
    );
    try {
      await runProgram("test", { outputs: awsOutputs, calls: awsCalls });
    } finally {
      debuggable.debuggablePromise = patched;
    }
    assert.ok(calls > 100, `${calls} promise(s) made through the helper`);
  });
});
