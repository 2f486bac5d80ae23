import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { McpServerConfig } from "../../config/schema";
import { mcpHealthcheck, mcpImageBuild, mcpProcess } from "../mcp";
import { healthcheck } from "./health";
import { dockerLabels, dockerNames } from "./naming";

export interface McpServerContainerArgs {
  readonly stack: string;
  readonly server: McpServerConfig;
  /** The network the proxy reaches the server on. Nothing is published on the host. */
  readonly network: pulumi.Input<string>;
  /** Values of the server's secret environment variables, by variable name. */
  readonly secretEnv: Readonly<Record<string, pulumi.Output<string>>>;
  readonly restart: string;
}

/** One MCP server in its own container: a ready image, or one built locally from a pinned package. */
export class McpServerContainer extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: McpServerContainerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:docker:McpServer", name, {}, opts);
    const { server, stack } = args;
    const containerName = dockerNames(stack).mcp(server.name);

    const build = mcpImageBuild(server);
    const image: pulumi.Input<string> = build
      ? new docker.Image(
          `${name}-image`,
          {
            imageName: `${containerName}:${build.tag}`,
            build: { context: build.context, dockerfile: build.dockerfile, args: { ...build.args } },
            skipPush: true,
          },
          { parent: this },
        ).imageName
      : new docker.RemoteImage(`${name}-image`, { name: server.image!, keepLocally: true }, { parent: this }).imageId;

    const plain = Object.entries(server.environment).map(([key, value]) => `${key}=${value}`);
    const secrets = Object.entries(args.secretEnv).map(([key, value]) => pulumi.interpolate`${key}=${value}`);
    const { entrypoint, command } = mcpProcess(server);

    this.container = new docker.Container(
      `${name}-container`,
      {
        name: containerName,
        image,
        entrypoints: entrypoint,
        command,
        envs:
          secrets.length === 0 ? plain : pulumi.secret(pulumi.all(secrets).apply((values) => [...plain, ...values])),
        networksAdvanced: [{ name: args.network }],
        healthcheck: healthcheck(mcpHealthcheck(server), 30),
        memory: server.memory,
        restart: args.restart,
        labels: dockerLabels(stack, "mcp-server", server.name),
        wait: true,
        waitTimeout: 180,
      },
      { parent: this },
    );
    this.containerName = this.container.name;
    this.registerOutputs({ containerName: this.containerName });
  }
}
