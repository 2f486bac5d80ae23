import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { LABELS, LOOPBACK, PROXY } from "../../config/constants";
import type { StackConfig } from "../../config/schema";
import { proxyCommand, proxyHealthcheck } from "../proxyProcess";
import type { ProfileMount } from "./awsProfile";
import { healthcheck } from "./health";
import { dockerLabels, dockerNames } from "./naming";

/** One environment variable of the proxy; a secret one has a secret value. */
export interface EnvEntry {
  readonly name: string;
  readonly value: pulumi.Input<string>;
  readonly secret: boolean;
}

export interface LiteLLMContainerArgs {
  readonly stack: string;
  readonly proxy: StackConfig["proxy"];
  readonly docker: StackConfig["docker"];
  /** The rendered config.yaml; a new one replaces the container, which restarts the proxy with it. */
  readonly configYaml: string;
  readonly env: readonly EnvEntry[];
  /** What of the host's AWS directory the proxy sees; none when keys come from config. */
  readonly awsProfileMounts: readonly ProfileMount[];
  readonly network: pulumi.Input<string>;
  /** Started only once these are up (the database healthy, the MCP servers healthy). */
  readonly dependsOn: pulumi.Resource[];
}

/** The LiteLLM proxy, published on the host at docker.bindAddress:docker.hostPort. */
export class LiteLLMContainer extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: LiteLLMContainerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:docker:LiteLLM", name, {}, opts);
    const { proxy } = args;
    const image = new docker.RemoteImage(`${name}-image`, { name: proxy.image, keepLocally: true }, { parent: this });

    const plain = args.env
      .filter((entry) => !entry.secret)
      .map((entry) => pulumi.interpolate`${entry.name}=${entry.value}`);
    const secret = args.env
      .filter((entry) => entry.secret)
      .map((entry) => pulumi.interpolate`${entry.name}=${entry.value}`);
    const envs = secret.length === 0 ? pulumi.all(plain) : pulumi.secret(pulumi.all([...plain, ...secret]));

    this.container = new docker.Container(
      `${name}-container`,
      {
        name: dockerNames(args.stack).litellm,
        image: image.imageId,
        command: proxyCommand(proxy, { configPath: PROXY.configPath }),
        uploads: [{ file: PROXY.configPath, content: args.configYaml }],
        envs,
        volumes: [...args.awsProfileMounts],
        networksAdvanced: [{ name: args.network }],
        ports: [{ internal: proxy.port, external: args.docker.hostPort, ip: args.docker.bindAddress }],
        // Database migrations run at start-up before the proxy answers.
        healthcheck: healthcheck(proxyHealthcheck(proxy.port), 60),
        restart: args.docker.restartPolicy,
        labels: [
          ...dockerLabels(args.stack, "proxy"),
          // Published beyond loopback only because docker.bindAddress says so; the policy pack reads this.
          ...(LOOPBACK.includes(args.docker.bindAddress) ? [] : [{ label: LABELS.expose, value: "true" }]),
        ],
        wait: true,
        waitTimeout: 300,
      },
      { parent: this, dependsOn: args.dependsOn },
    );
    this.containerName = this.container.name;
    this.registerOutputs({ containerName: this.containerName });
  }
}
