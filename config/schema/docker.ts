/** The `docker` block of the stack config (docker target). */
import { isIP } from "node:net";
import * as z from "zod/mini";
import { IMAGES, PROXY } from "../constants";
import { imageRef, matching, port, region, secretRefSchema } from "./primitives";

export const dockerSchema = z.strictObject({
  /** Host address the proxy is published on. Anything but loopback exposes it to the network. */
  bindAddress: z._default(
    z.string().check(z.refine((ip) => isIP(ip) !== 0, { error: 'expected an IP address such as "127.0.0.1"' })),
    "127.0.0.1",
  ),
  hostPort: z._default(port, PROXY.port),
  postgresImage: z._default(imageRef, IMAGES.postgres),
  /** Publish Postgres on 127.0.0.1 at this port (for psql); not published by default. */
  postgresHostPort: z.optional(port),
  redisImage: z._default(imageRef, IMAGES.redis),
  /** Keep the Postgres volume when the stack is destroyed. */
  retainVolume: z._default(z.boolean(), true),
  restartPolicy: z._default(z.enum(["no", "on-failure", "always", "unless-stopped"]), "unless-stopped"),
  /** Bedrock from a laptop: the host's AWS profile mounted read-only, or keys from secret config. */
  awsCredentials: z.prefault(
    z
      .strictObject({
        profile: z._default(matching(/^[\w+=,.@-]{1,64}$/, "expected an AWS profile name"), "default"),
        /** AWS_REGION of the proxy, for AWS calls that name no region of their own. */
        region: z._default(region, "us-east-1"),
        /** Absolute, or under the home directory of the user running Pulumi (~/...): Docker mounts absolute paths only. */
        directory: z._default(
          matching(/^(~|~\/.*|\/.*)$/, 'expected an absolute path or one under ~/, such as "~/.aws"'),
          "~/.aws",
        ),
        /**
         * What of the directory the proxy sees. sso: the profiles' config (read-only) and the SSO token cache, which
         * token refresh writes; no static keys. credentials: config and credentials, read-only, for a profile with
         * static keys. directory: all of it, read-only.
         */
        mount: z._default(z.enum(["sso", "credentials", "directory"]), "sso"),
        accessKeyId: z.optional(secretRefSchema),
        secretAccessKey: z.optional(secretRefSchema),
        sessionToken: z.optional(secretRefSchema),
      })
      .check(
        z.refine((c) => (c.accessKeyId === undefined) === (c.secretAccessKey === undefined), {
          error: "expected both accessKeyId and secretAccessKey, or neither (then the profile is used)",
        }),
        z.refine((c) => c.sessionToken === undefined || c.accessKeyId !== undefined, {
          error: "sessionToken needs accessKeyId and secretAccessKey",
        }),
      ),
    {},
  ),
});
