/**
 * The whole stack config as the stack file gives it: every top-level key, before the rules across keys and the
 * defaults.
 */
import * as z from "zod/mini";
import { isSecretReference, SECTIONS } from "../litellmSettings";
import { awsSchema } from "./aws";
import { cacheSchema, databaseSchema } from "./database";
import { dockerSchema } from "./docker";
import { litellmSchema } from "./litellm";
import { mcpServerSchema } from "./mcpServers";
import { modelSchema } from "./models";
import { type SecretRef, uniqueNames } from "./primitives";
import { proxySchema } from "./proxy";
import { spendSchema } from "./spend";
import { tracingSchema } from "./tracing";

/** Top-level keys of the stack config (each is `litellm-mcp:<key>` in the stack file). */
export const baseSchema = z.strictObject({
  target: z.enum(["docker", "aws"], { error: 'expected "docker" or "aws"' }),
  stage: z.enum(["dev", "test", "prod"], { error: 'expected "dev", "test" or "prod"' }),
  proxy: z.prefault(proxySchema, {}),
  models: z
    .array(modelSchema)
    .check(z.minLength(1, { error: "expected at least one model" }), z.superRefine(uniqueNames("model"))),
  mcpServers: z._default(
    z.array(mcpServerSchema).check(z.superRefine(uniqueNames("MCP server", (name) => name.toLowerCase()))),
    [],
  ),
  database: z.prefault(databaseSchema, {}),
  cache: z.prefault(cacheSchema, {}),
  spend: z.prefault(spendSchema, {}),
  tracing: z.prefault(tracingSchema, {}),
  docker: z.prefault(dockerSchema, {}),
  aws: z.prefault(awsSchema, {}),
  /** LiteLLM settings the schema does not model, checked against what the pinned LiteLLM reads. */
  litellm: z.prefault(litellmSchema, {}),
});

export type ParsedConfig = z.output<typeof baseSchema>;
export type Path = (string | number)[];

/** Every secret reference in a config, with its key path. */
export function secretRefsOf(
  config: Pick<ParsedConfig, "proxy" | "mcpServers" | "docker" | "litellm">,
): { path: Path; ref: SecretRef }[] {
  const found: { path: Path; ref: SecretRef }[] = [];
  const add = (path: Path, ref: SecretRef | undefined) => ref && found.push({ path, ref });
  add(["proxy", "masterKey"], config.proxy.masterKey);
  add(["proxy", "saltKey"], config.proxy.saltKey);
  config.mcpServers.forEach((server, index) => {
    add(["mcpServers", index, "auth", "secret"], server.auth?.secret);
    for (const [name, ref] of Object.entries(server.secrets)) add(["mcpServers", index, "secrets", name], ref);
  });
  const credentials = config.docker.awsCredentials;
  add(["docker", "awsCredentials", "accessKeyId"], credentials.accessKeyId);
  add(["docker", "awsCredentials", "secretAccessKey"], credentials.secretAccessKey);
  add(["docker", "awsCredentials", "sessionToken"], credentials.sessionToken);
  for (const section of SECTIONS) {
    for (const [key, value] of Object.entries(config.litellm[section] ?? {})) {
      if (isSecretReference(value)) add(["litellm", section, key, "secret"], value.secret as SecretRef);
    }
  }
  return found;
}
