/**
 * The stack config contract: the shape of every `litellm-mcp:` key in Pulumi.<stack>.yaml, its defaults and
 * the rules that tie keys together. The TypeScript type of the config is inferred from this schema.
 * Messages say what was expected; the loader adds the file, the key path and what was found.
 *
 * Written with zod/mini, whose functions the build bundles one by one: the program loads only the validation
 * it uses, on every `pulumi preview` and `up`.
 */
import * as z from "zod/mini";
import { baseSchema } from "./base";
import { resolveDefaults } from "./defaults";
import { crossKeyRules } from "./rules";

export { baseSchema, secretRefsOf } from "./base";
export type { ExtraSettings } from "./litellm";
export type { SecretRef } from "./primitives";

export const stackConfigSchema = z.pipe(baseSchema.check(z.superRefine(crossKeyRules)), z.transform(resolveDefaults));

/** The validated stack config with every default applied. */
export type StackConfig = z.output<typeof stackConfigSchema>;
export type ModelConfig = StackConfig["models"][number];
export type McpServerConfig = StackConfig["mcpServers"][number];
export type Target = StackConfig["target"];
