/** The `tracing` block of the stack config. */
import * as z from "zod/mini";
import { imageRef } from "./primitives";

export const tracingSchema = z.strictObject({
  /** LiteLLM's OpenTelemetry callback, to a collector the stack runs. Default: on in prod, off elsewhere. */
  enabled: z.optional(z.boolean()),
  /** The collector: AWS Distro for OpenTelemetry exporting to X-Ray on AWS; the OpenTelemetry Collector in dev. */
  collectorImage: z.optional(imageRef),
});
