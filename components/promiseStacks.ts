/**
 * The Pulumi SDK formats a stack trace for every promise it creates, to print them only when
 * PULUMI_DEBUG_PROMISE_LEAKS is set; with a hundred resources that is a third of the program's run. While the
 * resources are declared no stack is recorded, unless that variable asks for them. The SDK's stack trace of
 * each resource's source position is unaffected: it lifts the limit itself.
 */
export function withoutPromiseStacks<T>(declareResources: () => T): T {
  if (process.env["PULUMI_DEBUG_PROMISE_LEAKS"]) return declareResources();
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return declareResources();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
