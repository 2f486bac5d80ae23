import * as pulumi from "@pulumi/pulumi";
import { PROXY } from "../../config/constants";
import type { ProxyEnvVar, RenderedConfig } from "../../config/render";
import type { SecretRef, StackConfig } from "../../config/schema";
import { hasRedis } from "../../config/topology";
import { type EnvSources, envSource } from "../env";
import { generatedKey, type KeyPurpose } from "../keys";
import { awsProfileMounts, expandHome } from "./awsProfile";
import { type EnvEntry, LiteLLMContainer } from "./litellm";
import { McpServerContainer } from "./mcpServer";
import { GatewayNetwork } from "./network";
import { OtelCollector } from "./otel";
import { Postgres } from "./postgres";
import { Redis } from "./redis";

export interface DockerGatewayArgs {
  readonly stack: string;
  readonly config: StackConfig;
  /** The config.yaml to run and the environment it needs. */
  readonly rendered: RenderedConfig;
  /** The value of a secret config key, as a Pulumi secret. */
  readonly readSecret: (key: string) => pulumi.Output<string>;
}

/** The dev stack: the proxy, Postgres, Redis when asked for, and one container per MCP server, on one network. */
export class DockerGateway extends pulumi.ComponentResource {
  readonly proxyUrl: string;
  readonly mcpGatewayUrl: string;
  /** Undefined when auth is off. */
  readonly masterKey: pulumi.Output<string> | undefined;
  readonly containers: pulumi.Output<{
    litellm: string;
    postgres: string;
    redis?: string;
    otel?: string;
    mcpServers: Record<string, string>;
  }>;
  readonly networkName: pulumi.Output<string>;
  readonly volumeName: pulumi.Output<string>;

  constructor(name: string, args: DockerGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:docker:Gateway", name, {}, opts);
    const { config, stack } = args;
    const restart = config.docker.restartPolicy;
    const secretOf = (ref: SecretRef): pulumi.Output<string> => {
      // Secrets Manager references are refused for this target by the config schema.
      if (!("config" in ref)) throw new Error("the docker target reads secrets from Pulumi config only");
      return args.readSecret(ref.config);
    };

    // The keys and the database password live as long as the volume: kept by `down` when the volume is.
    const key = (purpose: KeyPurpose, formerly: pulumi.Alias) =>
      generatedKey(purpose, { protect: config.docker.retainVolume, aliases: [formerly] });
    const network = new GatewayNetwork(`${name}-network`, { stack }, { parent: this });
    const postgres = new Postgres(
      `${name}-postgres`,
      {
        stack,
        image: config.docker.postgresImage,
        database: config.database,
        password: key("database-password", {
          name: `${name}-postgres-password`,
          parent: pulumi.createUrn(`${name}-postgres`, "litellm-mcp:docker:Postgres", this),
        }),
        network: network.name,
        hostPort: config.docker.postgresHostPort,
        retainVolume: config.docker.retainVolume,
        restart,
      },
      { parent: this },
    );
    const redis = hasRedis(config)
      ? new Redis(
          `${name}-redis`,
          { stack, image: config.docker.redisImage, network: network.name, restart },
          { parent: this },
        )
      : undefined;
    const otel = config.tracing.enabled
      ? new OtelCollector(
          `${name}-otel`,
          { stack, image: config.tracing.collectorImage, network: network.name, restart },
          { parent: this },
        )
      : undefined;
    const mcpServers = config.mcpServers.map(
      (server) =>
        new McpServerContainer(
          `${name}-mcp-${server.name}`,
          {
            stack,
            server,
            network: network.name,
            secretEnv: Object.fromEntries(Object.entries(server.secrets).map(([key, ref]) => [key, secretOf(ref)])),
            restart,
          },
          { parent: this },
        ),
    );

    const masterKey = config.proxy.auth
      ? config.proxy.masterKey
        ? secretOf(config.proxy.masterKey)
        : key("master-key", { name: `${name}-master-key`, parent: this })
      : undefined;
    const saltKey = config.proxy.saltKey
      ? secretOf(config.proxy.saltKey)
      : key("salt-key", { name: `${name}-salt-key`, parent: this });

    const sources: EnvSources<pulumi.Output<string>> = {
      endpoints: redis ? { redisHost: redis.host, redisPort: String(redis.port) } : {},
      secrets: { masterKey, saltKey, databaseUrl: postgres.databaseUrl, redisPassword: redis?.password },
      secretRef: secretOf,
    };
    const entryOf = (variable: ProxyEnvVar): EnvEntry => {
      const source = envSource(variable, sources);
      return "secret" in source
        ? { name: variable.name, value: source.secret, secret: true }
        : { name: variable.name, value: source.value, secret: false };
    };
    const credentials = config.docker.awsCredentials;
    const awsEnv: EnvEntry[] = [{ name: "AWS_REGION", value: credentials.region, secret: false }];
    if (credentials.accessKeyId && credentials.secretAccessKey) {
      awsEnv.push(
        { name: "AWS_ACCESS_KEY_ID", value: secretOf(credentials.accessKeyId), secret: true },
        { name: "AWS_SECRET_ACCESS_KEY", value: secretOf(credentials.secretAccessKey), secret: true },
      );
      if (credentials.sessionToken)
        awsEnv.push({ name: "AWS_SESSION_TOKEN", value: secretOf(credentials.sessionToken), secret: true });
    } else {
      awsEnv.push({ name: "AWS_PROFILE", value: credentials.profile, secret: false });
    }

    const litellm = new LiteLLMContainer(
      `${name}-litellm`,
      {
        stack,
        proxy: config.proxy,
        docker: config.docker,
        configYaml: args.rendered.yaml,
        env: [...args.rendered.env.map(entryOf), ...awsEnv],
        awsProfileMounts: credentials.accessKeyId
          ? []
          : awsProfileMounts(expandHome(credentials.directory), credentials.mount),
        network: network.name,
        dependsOn: [
          postgres.container,
          ...(redis ? [redis.container] : []),
          ...(otel ? [otel.container] : []),
          ...mcpServers.map((server) => server.container),
        ],
      },
      { parent: this },
    );

    this.proxyUrl = proxyUrl(config.docker.bindAddress, config.docker.hostPort);
    this.mcpGatewayUrl = `${this.proxyUrl}${PROXY.mcpPath}`;
    this.masterKey = masterKey;
    this.networkName = network.name;
    this.volumeName = postgres.volumeName;
    this.containers = pulumi
      .all([
        litellm.containerName,
        postgres.containerName,
        redis?.host,
        otel?.containerName,
        pulumi.all(mcpServers.map((server) => server.containerName)),
      ])
      .apply(([litellmName, postgresName, redisName, otelName, mcpNames]) => ({
        litellm: litellmName,
        postgres: postgresName,
        ...(redisName === undefined ? {} : { redis: redisName }),
        ...(otelName === undefined ? {} : { otel: otelName }),
        mcpServers: Object.fromEntries(config.mcpServers.map((server, index) => [server.name, mcpNames[index]!])),
      }));
    this.registerOutputs({
      proxyUrl: this.proxyUrl,
      mcpGatewayUrl: this.mcpGatewayUrl,
      masterKey: this.masterKey,
      containers: this.containers,
    });
  }
}

/** How a client on the host reaches the proxy. */
export function proxyUrl(bindAddress: string, hostPort: number): string {
  const host =
    bindAddress === "0.0.0.0"
      ? "localhost"
      : bindAddress === "::"
        ? "[::1]"
        : bindAddress.includes(":")
          ? `[${bindAddress}]`
          : bindAddress;
  return `http://${host}:${hostPort}`;
}
