/** The `database` and `cache` blocks of the stack config. */
import * as z from "zod/mini";
import { reservedNameProblem } from "../awsFacts";
import { checked, integer, matching } from "./primitives";

function postgresName(what: "database" | "user") {
  return checked(
    (name) => reservedNameProblem(name, what),
    matching(/^[a-z][a-z0-9_]{0,62}$/, `expected a ${what} name of lower-case letters, digits and _`),
  );
}

export const databaseSchema = z.strictObject({
  name: z._default(postgresName("database"), "litellm"),
  username: z._default(postgresName("user"), "litellm"),
  /** Postgres max_connections; the proxy's connection pool is sized from it. */
  maxConnections: z._default(integer(20, 5000), 100),
});

export const cacheSchema = z.strictObject({
  /** Cache model responses (litellm_settings.cache). */
  responses: z._default(z.boolean(), false),
  ttlSeconds: z._default(integer(1, 604800), 600),
  /** auto: a Redis exists when more than one proxy instance can run. */
  redis: z._default(z.enum(["auto", "always", "never"]), "auto"),
});
