/** The `proxy` block of the stack config. */
import * as z from "zod/mini";
import { IMAGES, PROXY } from "../constants";
import { imageRef, integer, port, secretRefSchema } from "./primitives";

export const proxySchema = z.strictObject({
  image: z._default(imageRef, IMAGES.litellm),
  port: z._default(port, PROXY.port),
  /** Worker processes per instance (`--num_workers`). Default: 1 on Docker, the task's vCPUs on AWS. */
  workers: z.optional(integer(1, 64)),
  logLevel: z._default(z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]), "INFO"),
  /** true: every request needs the master key or a virtual key. Only a dev stack on Docker may turn it off. */
  auth: z._default(z.boolean(), true),
  /** Bring an existing master key (must start with sk-); generated when absent. */
  masterKey: z.optional(secretRefSchema),
  /** Bring the salt key of an existing database; generated when absent. Never change it once set. */
  saltKey: z.optional(secretRefSchema),
  jsonLogs: z._default(z.boolean(), false),
  requestTimeoutSeconds: z._default(integer(1, 6000), 600),
  numRetries: z._default(integer(0, 10), 2),
  /**
   * Failures a deployment may have in a minute before the router stops calling it (router_settings.allowed_fails).
   * 0: the first failure cools it down, so the same call's retry goes to another deployment of its name.
   */
  allowedFails: z._default(integer(0, 100), 0),
  /** How long the router leaves a failing deployment out (router_settings.cooldown_time). */
  cooldownSeconds: z._default(integer(1, 3600), 30),
  dropParams: z._default(z.boolean(), true),
  routingStrategy: z._default(
    z.enum(["simple-shuffle", "least-busy", "usage-based-routing-v2", "latency-based-routing"]),
    "simple-shuffle",
  ),
  storeModelInDb: z._default(z.boolean(), false),
  spendLogs: z._default(z.boolean(), true),
  batchWriteIntervalSeconds: z._default(integer(1, 3600), 60),
  allowRequestsOnDbUnavailable: z._default(z.boolean(), false),
  maxRequestsBeforeRestart: z.optional(integer(1, 1_000_000)),
});
