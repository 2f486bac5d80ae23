/** The `mcpServers[]` block of the stack config. */
import * as z from "zod/mini";
import { CREDENTIAL_KEY, CREDENTIAL_TEXT } from "../credentials";
import { BRIDGE, MCP_DEFAULTS } from "../constants";
import { envName, imageRef, integer, matching, port, secretRefSchema, urlPath, yamlText } from "./primitives";

const buildSchema = z
  .strictObject({
    /** An npm package at an exact version, installed into a Node image: "@upstash/context7-mcp@4.1.1". */
    npm: z.optional(
      matching(
        /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*@\d+\.\d+\.\d+(?:[-+][\w.-]+)?$/,
        'expected an npm package at an exact version, such as "@upstash/context7-mcp@4.1.1"',
      ),
    ),
    /** PyPI packages at exact versions, installed into a Python image. */
    pip: z.optional(
      z
        .array(
          matching(
            /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[\w,.-]+\])?==[0-9][\w.+!-]*$/,
            'expected a PyPI package at an exact version, such as "awslabs.aws-documentation-mcp-server==1.1.30"',
          ),
        )
        .check(z.minLength(1, { error: "expected at least one package" })),
    ),
    /** The image the package is installed into; a Node or Python image by default. */
    baseImage: z.optional(imageRef),
  })
  .check(
    z.refine((build) => (build.npm === undefined) !== (build.pip === undefined), {
      error: 'expected exactly one of "npm" or "pip"',
    }),
  );

const mcpServerFields = z.strictObject({
  /**
   * The server's name in the gateway: letters, digits and _ (LiteLLM reserves "-" as its tool prefix separator),
   * at most 24 characters so that the AWS names derived from it stay within AWS's limits.
   */
  name: matching(
    /^[A-Za-z][A-Za-z0-9_]{0,23}$/,
    "expected a server name of up to 24 letters, digits and _, starting with a letter",
  ),
  /** http: the image speaks Streamable HTTP itself. stdio: it runs behind a bridge in the same container. */
  transport: z.enum(["http", "stdio"]),
  description: z.optional(yamlText(500)),
  /** A ready image. For stdio it must contain the bridge (mcp-proxy) as well as the server's command. */
  image: z.optional(imageRef),
  /** Or: build an image from a pinned package (stdio servers get the bridge installed too). */
  build: z.optional(buildSchema),
  /** http: the command to run (required with build). stdio: the server's stdio command, run by the bridge. */
  command: z.optional(
    z.array(z.string().check(z.minLength(1))).check(z.minLength(1, { error: "expected at least one word" })),
  ),
  port: z._default(port, MCP_DEFAULTS.port),
  path: z._default(urlPath, MCP_DEFAULTS.path),
  /** HTTP path answered with 200 when the server is up; stdio servers use the bridge's. */
  healthPath: z.optional(urlPath),
  environment: z._default(
    z.record(envName, z.string()).check((ctx) => {
      for (const [name, value] of Object.entries(ctx.value)) {
        if (CREDENTIAL_KEY.test(name) || CREDENTIAL_TEXT.test(value)) {
          ctx.issues.push({
            code: "custom",
            input: value,
            path: [name],
            params: { credential: true },
            message: 'holds a credential in plain text: move it to secrets as a reference, e.g. {config: "myApiKey"}',
          });
        }
      }
    }),
    {},
  ),
  /** Environment variables of the server's container whose values are secrets. */
  secrets: z._default(z.record(envName, secretRefSchema), {}),
  /** How the proxy authenticates to the server; the credential reaches the proxy as an environment variable. */
  auth: z.optional(
    z.strictObject({
      type: z.enum(["bearer_token", "api_key", "basic", "authorization"]),
      secret: secretRefSchema,
    }),
  ),
  allowedTools: z.optional(z.array(matching(/^[A-Za-z0-9_.-]{1,128}$/, "expected a tool name")).check(z.minLength(1))),
  /** ECS task size and count on AWS (CPU units and MiB); the memory limit on Docker. */
  cpu: z._default(z.int(), 256),
  memory: z._default(integer(6, 131072), 512),
  replicas: z._default(integer(1, 10), 1),
});

function mcpServerRules(server: z.output<typeof mcpServerFields>, ctx: z.core.$RefinementCtx): void {
  if ((server.image === undefined) === (server.build === undefined)) {
    ctx.addIssue({ code: "custom", path: ["image"], message: 'expected exactly one of "image" or "build"' });
  }
  if (server.command === undefined && (server.transport === "stdio" || server.build !== undefined)) {
    ctx.addIssue({
      code: "custom",
      path: ["command"],
      message:
        server.transport === "stdio"
          ? 'expected the stdio command the bridge runs, such as ["awslabs.aws-documentation-mcp-server"]'
          : "expected the command that starts the built server",
    });
  }
  if (server.transport === "http" && server.healthPath === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["healthPath"],
      message: 'expected the HTTP path that answers 200 when the server is up, such as "/ping"',
    });
  }
  if (server.transport === "stdio" && server.path !== MCP_DEFAULTS.path) {
    ctx.addIssue({
      code: "custom",
      path: ["path"],
      message: `expected "${MCP_DEFAULTS.path}": the bridge serves Streamable HTTP there`,
    });
  }
  if (server.transport === "stdio" && server.healthPath !== undefined && server.healthPath !== BRIDGE.healthPath) {
    ctx.addIssue({
      code: "custom",
      path: ["healthPath"],
      message: `expected "${BRIDGE.healthPath}" (the bridge's) or nothing`,
    });
  }
  const portFlag = server.transport === "http" ? (server.command?.indexOf("--port") ?? -1) : -1;
  if (portFlag >= 0 && server.command?.[portFlag + 1] !== String(server.port)) {
    ctx.addIssue({
      code: "custom",
      path: ["command", portFlag + 1],
      message: `expected the same port as "port" (${server.port})`,
    });
  }
  for (const name of Object.keys(server.secrets)) {
    if (name in server.environment) {
      ctx.addIssue({
        code: "custom",
        path: ["secrets", name],
        message: "is also set in environment: keep it in one of the two",
      });
    }
  }
}

export const mcpServerSchema = z.pipe(
  mcpServerFields.check(z.superRefine(mcpServerRules)),
  z.transform((server) => ({ ...server, healthPath: server.healthPath ?? BRIDGE.healthPath })),
);
