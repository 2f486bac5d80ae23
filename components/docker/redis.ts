import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { REDIS } from "../../config/constants";
import { healthcheck } from "./health";
import { dockerLabels, dockerNames } from "./naming";

/** How Redis is started: the password comes from the environment, so it is not on the command line for `ps`. */
export const REDIS_SERVER = 'exec redis-server --requirepass "$REDISCLI_AUTH"';

export interface RedisArgs {
  readonly stack: string;
  readonly image: string;
  readonly network: pulumi.Input<string>;
  readonly restart: string;
}

/** Redis for the proxy's router state and cache, password-protected, reachable only on the stack's network. */
export class Redis extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly host: pulumi.Output<string>;
  readonly port: number = REDIS.port;
  readonly password: pulumi.Output<string>;

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:docker:Redis", name, {}, opts);
    const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this });
    const image = new docker.RemoteImage(`${name}-image`, { name: args.image, keepLocally: true }, { parent: this });
    this.container = new docker.Container(
      `${name}-container`,
      {
        name: dockerNames(args.stack).redis,
        image: image.imageId,
        entrypoints: ["sh", "-c", REDIS_SERVER],
        envs: pulumi.secret(pulumi.interpolate`REDISCLI_AUTH=${password.result}`).apply((secret) => [secret]),
        networksAdvanced: [{ name: args.network }],
        healthcheck: healthcheck(["CMD", "redis-cli", "ping"], 5),
        restart: args.restart,
        labels: dockerLabels(args.stack, "cache"),
        wait: true,
        waitTimeout: 60,
      },
      { parent: this },
    );
    this.host = this.container.name;
    this.password = pulumi.secret(password.result);
    this.registerOutputs({ host: this.host, password: this.password });
  }
}
