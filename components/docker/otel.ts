import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { dockerLabels, dockerNames } from "./naming";

export interface OtelCollectorArgs {
  readonly stack: string;
  readonly image: string;
  readonly network: pulumi.Input<string>;
  readonly restart: string;
}

/**
 * The OpenTelemetry Collector for dev, with its image's own configuration: OTLP in (4317 gRPC, 4318 HTTP) and
 * every span printed to its log (`litellm-mcp logs otel`). Reachable only on the stack's network.
 */
export class OtelCollector extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: OtelCollectorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:docker:OtelCollector", name, {}, opts);
    const image = new docker.RemoteImage(`${name}-image`, { name: args.image, keepLocally: true }, { parent: this });
    this.container = new docker.Container(
      `${name}-container`,
      {
        name: dockerNames(args.stack).otel,
        image: image.imageId,
        networksAdvanced: [{ name: args.network }],
        restart: args.restart,
        labels: dockerLabels(args.stack, "tracing"),
      },
      { parent: this },
    );
    this.containerName = this.container.name;
    this.registerOutputs({ containerName: this.containerName });
  }
}
