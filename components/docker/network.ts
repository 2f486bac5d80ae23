import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { dockerLabels, dockerNames } from "./naming";

export interface GatewayNetworkArgs {
  /** The stack the network belongs to; it is named after it. */
  readonly stack: string;
}

/** The bridge network every container of the stack joins; containers find each other by name on it. */
export class GatewayNetwork extends pulumi.ComponentResource {
  readonly name: pulumi.Output<string>;

  constructor(name: string, args: GatewayNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:docker:GatewayNetwork", name, {}, opts);
    const network = new docker.Network(
      `${name}-network`,
      { name: dockerNames(args.stack).network, driver: "bridge", labels: dockerLabels(args.stack, "network") },
      { parent: this },
    );
    this.name = network.name;
    this.registerOutputs({ name: this.name });
  }
}
