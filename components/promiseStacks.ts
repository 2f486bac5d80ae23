/**
 * The Pulumi SDK records a formatted stack trace on every promise it makes through its internal helper
 * `debuggablePromise` (runtime/debuggable.js), to print them only when PULUMI_DEBUG_PROMISE_LEAKS is set. Each is
 * formatted through the language host's source maps, and a stack makes thousands of promises: that doubled the
 * program's start-up (prod under mocks: 2.9 s against 1.4 s). Unless that variable is set, the helper records
 * none. Every other stack trace stays whole: an error's in the program, and the SDK's own for a resource's
 * source position. The helper is internal to the SDK; test/promiseStacks.test.ts fails when it moves.
 */
type Helper = (<T>(promise: Promise<T>, context: unknown) => Promise<T>) & { readonly withoutStacks?: true };

interface DebuggableModule {
  debuggablePromise: Helper;
}

/** The SDK's module that holds the helper; every caller in the SDK looks the helper up on it at each call. */
export function debuggableModule(): DebuggableModule {
  return require("@pulumi/pulumi/runtime/debuggable") as DebuggableModule;
}

/** Makes the SDK's promise helper record no stack trace, unless PULUMI_DEBUG_PROMISE_LEAKS asks for them. */
export function recordNoPromiseStacks(): void {
  const debuggable = debuggableModule();
  const original = debuggable.debuggablePromise;
  if (original.withoutStacks) return;
  const patched = <T>(promise: Promise<T>, context: unknown): Promise<T> => {
    if (process.env["PULUMI_DEBUG_PROMISE_LEAKS"]) return original(promise, context);
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return original(promise, context);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  debuggable.debuggablePromise = Object.assign(patched, { withoutStacks: true as const });
}
