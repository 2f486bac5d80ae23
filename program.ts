/** The program as a function of its config, so that tests can build several stacks in one process. */
import type { StackConfig } from "./config/schema";
import { renderStack } from "./components/endpoints";

export interface StackOutputs {
  /** The proxy's config.yaml, as deployed. */
  readonly configYaml: string;
}

export function deploy(config: StackConfig, stack: string): StackOutputs {
  const rendered = renderStack(config, stack);
  return { configYaml: rendered.yaml };
}
