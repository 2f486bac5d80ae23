import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { POSTGRES } from "../../config/constants";
import type { StackConfig } from "../../config/schema";
import { healthcheck } from "./health";
import { dockerLabels, dockerNames } from "./naming";

export interface PostgresArgs {
  readonly stack: string;
  /** Pinned Postgres 15 image. */
  readonly image: string;
  readonly database: StackConfig["database"];
  /** A secret. Postgres takes it when it initialises an empty volume, and ignores it on every later start. */
  readonly password: pulumi.Output<string>;
  /** The network the proxy reaches the database on. */
  readonly network: pulumi.Input<string>;
  /** Publish the database on 127.0.0.1 at this port; unpublished when absent. */
  readonly hostPort?: number;
  /** Keep the data volume when the stack is destroyed. */
  readonly retainVolume: boolean;
  readonly restart: string;
}

/** Postgres 15 with its data on a named volume; its password is a Pulumi secret. */
export class Postgres extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly containerName: pulumi.Output<string>;
  readonly volumeName: pulumi.Output<string>;
  /** The URL the proxy connects with, password included: a secret. */
  readonly databaseUrl: pulumi.Output<string>;

  constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:docker:Postgres", name, {}, opts);
    const names = dockerNames(args.stack);
    const { name: database, username, maxConnections } = args.database;

    const volume = new docker.Volume(
      `${name}-data`,
      { name: names.volume, labels: dockerLabels(args.stack, "database") },
      { parent: this, retainOnDelete: args.retainVolume },
    );
    const image = new docker.RemoteImage(`${name}-image`, { name: args.image, keepLocally: true }, { parent: this });

    this.container = new docker.Container(
      `${name}-container`,
      {
        name: names.postgres,
        image: image.imageId,
        command: ["postgres", "-c", `max_connections=${maxConnections}`],
        envs: pulumi
          .secret(pulumi.interpolate`POSTGRES_PASSWORD=${args.password}`)
          .apply((secret) => [`POSTGRES_USER=${username}`, `POSTGRES_DB=${database}`, secret]),
        volumes: [{ volumeName: volume.name, containerPath: POSTGRES.dataDir }],
        networksAdvanced: [{ name: args.network }],
        ports:
          args.hostPort === undefined ? [] : [{ internal: POSTGRES.port, external: args.hostPort, ip: "127.0.0.1" }],
        healthcheck: healthcheck(["CMD", "pg_isready", "-U", username, "-d", database], 10),
        restart: args.restart,
        labels: dockerLabels(args.stack, "database"),
        wait: true,
        waitTimeout: 120,
      },
      { parent: this },
    );

    this.containerName = this.container.name;
    this.volumeName = volume.name;
    this.databaseUrl = pulumi.secret(
      pulumi.interpolate`postgresql://${username}:${args.password}@${this.container.name}:${POSTGRES.port}/${database}`,
    );
    this.registerOutputs({
      containerName: this.containerName,
      volumeName: this.volumeName,
      databaseUrl: this.databaseUrl,
    });
  }
}
