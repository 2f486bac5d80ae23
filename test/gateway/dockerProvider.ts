/**
 * A stand-in for the Pulumi Docker provider's apply step (@pulumi/docker 5, which bridges kreuzwerker's
 * terraform-provider-docker), because the Pulumi engine cannot run here: it takes each Docker resource the program
 * registers under Pulumi's mocks, with its exact inputs, and creates it on a real Docker engine as the provider's
 * create does, field by field. The program registers a resource only once the resources its inputs and dependsOn
 * name exist, so resources are created in the order `pulumi up` creates them. An input the stand-in does not map
 * fails the run: a new input can never be skipped silently.
 *
 * Container, as resourceDockerContainerCreate: the image found (pulled when missing); env, command, entrypoint,
 * user, working dir, labels, health check (Go durations), exposed ports and their bindings (ip default 0.0.0.0,
 * protocol tcp), binds for host paths and named volumes (rw unless read-only), restart policy (default "no"),
 * memory in MiB, init off; created on Docker's default bridge, disconnected from it and connected to each
 * networksAdvanced network with its aliases; each upload written into the container as a tar entry at its path
 * (mode 0644, 0744 when executable) before it starts; started; then, with mustRun (default true), a container that
 * exits at once is removed and fails, and with `wait` the provider waits up to waitTimeout seconds (default 60)
 * for the container's own health check to say healthy, and fails without a health check.
 * Network: name, driver, labels. Volume: name, labels (an existing volume of that name is adopted, as the Engine
 * API's VolumeCreate does). RemoteImage: found or pulled by name; keepLocally. Image (pulumi-docker's own build):
 * the context sent to the engine, the Dockerfile within it, build args, tagged imageName, not pushed.
 */
import { relative } from "node:path";
import type Docker from "dockerode";
import { pack } from "tar-stream";
import { demultiplex } from "../../ops/docker";
import type { OutputMocks } from "../support/awsMocks";
import { type Registered, reveal } from "../support/pulumi";
import { followProgress } from "./standInImages";

type Inputs = Record<string, unknown>;

/** The inputs of each type the stand-in maps, and the fields of their nested objects. */
const MAPPED: Record<
  string,
  { readonly fields: readonly string[]; readonly nested?: Readonly<Record<string, readonly string[]>> }
> = {
  "docker:index/container:Container": {
    fields: [
      "name",
      "image",
      "command",
      "entrypoints",
      "envs",
      "user",
      "workingDir",
      "labels",
      "healthcheck",
      "ports",
      "volumes",
      "networksAdvanced",
      "uploads",
      "restart",
      "memory",
      "start",
      "mustRun",
      "wait",
      "waitTimeout",
    ],
    nested: {
      labels: ["label", "value"],
      healthcheck: ["tests", "interval", "timeout", "startPeriod", "retries"],
      ports: ["internal", "external", "ip", "protocol"],
      volumes: ["containerPath", "hostPath", "volumeName", "readOnly"],
      networksAdvanced: ["name", "aliases"],
      uploads: ["file", "content", "contentBase64", "executable"],
    },
  },
  "docker:index/network:Network": { fields: ["name", "driver", "labels"], nested: { labels: ["label", "value"] } },
  "docker:index/volume:Volume": { fields: ["name", "labels"], nested: { labels: ["label", "value"] } },
  "docker:index/remoteImage:RemoteImage": { fields: ["name", "keepLocally"] },
  // buildOnPreview (the SDK sets false) decides whether a preview builds; an update always builds.
  "docker:index/image:Image": {
    fields: ["imageName", "build", "skipPush", "buildOnPreview"],
    nested: { build: ["context", "dockerfile", "args"] },
  },
};

/** Fails on any input of the resource, or of its nested objects, that the stand-in does not map. */
export function checkMapped(type: string, inputs: Inputs): void {
  const mapped = MAPPED[type];
  if (!mapped) throw new Error(`the Docker provider stand-in does not create ${type}`);
  const unmapped = (fields: readonly string[], value: Inputs, at: string) =>
    Object.keys(value)
      .filter((key) => value[key] !== undefined && !fields.includes(key))
      .map((key) => `${at}${key}`);
  const problems = unmapped(mapped.fields, inputs, "");
  for (const [field, fields] of Object.entries(mapped.nested ?? {})) {
    const value = inputs[field];
    const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
    for (const [index, item] of items.entries())
      problems.push(...unmapped(fields, item as Inputs, Array.isArray(value) ? `${field}[${index}].` : `${field}.`));
  }
  if (problems.length > 0)
    throw new Error(
      `the Docker provider stand-in does not map ${type} input(s) ${problems.join(", ")}: map them before the program sets them`,
    );
}

/** A Go duration (time.ParseDuration: "10s", "1m30s", "500ms"), in nanoseconds, as the Engine API takes it. */
export function goDurationNs(text: string): number {
  const units: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join("") !== text)
    throw new Error(`not a Go duration: ${JSON.stringify(text)}`);
  return Math.round(parts.reduce((sum, part) => sum + Number(part[1]) * units[part[2]!]!, 0));
}

interface Upload {
  readonly file: string;
  readonly content: Buffer;
  readonly mode: number;
}

/** What the provider hands the Engine API for a container, computed from its inputs alone. */
export interface ContainerSpec {
  readonly create: Docker.ContainerCreateOptions;
  readonly networks: readonly { readonly name: string; readonly aliases: readonly string[] }[];
  readonly uploads: readonly Upload[];
  readonly start: boolean;
  readonly mustRun: boolean;
  /** Seconds to wait for healthy, when `wait` is set. */
  readonly waitSeconds?: number;
}

export function containerSpec(inputs: Inputs): ContainerSpec {
  checkMapped("docker:index/container:Container", inputs);
  const list = <T>(key: string) => (inputs[key] ?? []) as T[];
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const port of list<{ internal: number; external?: number; ip?: string; protocol?: string }>("ports")) {
    const key = `${port.internal}/${port.protocol ?? "tcp"}`;
    exposed[key] = {};
    bindings[key] = [
      ...(bindings[key] ?? []),
      { HostIp: port.ip ?? "0.0.0.0", HostPort: port.external === undefined ? "" : String(port.external) },
    ];
  }
  const binds = list<{ containerPath?: string; hostPath?: string; volumeName?: string; readOnly?: boolean }>(
    "volumes",
  ).map((volume) => {
    const source = volume.volumeName || volume.hostPath;
    if (!source || !volume.containerPath)
      throw new Error(`a volume needs a source and a containerPath: ${JSON.stringify(volume)}`);
    return `${source}:${volume.containerPath}:${volume.readOnly ? "ro" : "rw"}`;
  });
  const health = inputs["healthcheck"] as
    | { tests: string[]; interval?: string; timeout?: string; startPeriod?: string; retries?: number }
    | undefined;
  const labels = Object.fromEntries(
    list<{ label: string; value: string }>("labels").map((label) => [label.label, label.value]),
  );
  const command = inputs["command"] as string[] | undefined;
  if (command?.some((word) => word === "")) throw new Error("values for command may not be empty");
  const create: Docker.ContainerCreateOptions = {
    name: inputs["name"] as string,
    Image: inputs["image"] as string,
    Env: list<string>("envs"),
    ...(command ? { Cmd: command } : {}),
    ...(inputs["entrypoints"] ? { Entrypoint: inputs["entrypoints"] as string[] } : {}),
    ...(inputs["user"] ? { User: inputs["user"] as string } : {}),
    ...(inputs["workingDir"] ? { WorkingDir: inputs["workingDir"] as string } : {}),
    Labels: labels,
    ...(health
      ? {
          Healthcheck: {
            Test: health.tests,
            Interval: health.interval ? goDurationNs(health.interval) : 0,
            Timeout: health.timeout ? goDurationNs(health.timeout) : 0,
            StartPeriod: health.startPeriod ? goDurationNs(health.startPeriod) : 0,
            Retries: health.retries ?? 0,
          },
        }
      : {}),
    ExposedPorts: exposed,
    HostConfig: {
      PortBindings: bindings,
      Binds: binds,
      RestartPolicy: { Name: (inputs["restart"] as string | undefined) ?? "no", MaximumRetryCount: 0 },
      ...(inputs["memory"] !== undefined ? { Memory: Number(inputs["memory"]) * 1024 * 1024 } : {}),
      Init: false,
    },
  };
  const uploads = list<{ file: string; content?: string; contentBase64?: string; executable?: boolean }>("uploads").map(
    (upload) => {
      if ((upload.content === undefined) === (upload.contentBase64 === undefined))
        throw new Error(`upload ${upload.file}: exactly one of content and contentBase64`);
      const content =
        upload.content !== undefined
          ? Buffer.from(upload.content, "utf8")
          : Buffer.from(upload.contentBase64!, "base64");
      return { file: upload.file, content, mode: upload.executable ? 0o744 : 0o644 };
    },
  );
  return {
    create,
    networks: list<{ name: string; aliases?: string[] }>("networksAdvanced").map((network) => ({
      name: network.name,
      aliases: network.aliases ?? [],
    })),
    uploads,
    start: inputs["start"] !== false,
    mustRun: inputs["mustRun"] !== false,
    ...(inputs["wait"] === true ? { waitSeconds: Number(inputs["waitTimeout"] ?? 60) } : {}),
  };
}

function tarOf(upload: Upload): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const archive = pack();
    const chunks: Buffer[] = [];
    archive.on("data", (chunk: Buffer) => chunks.push(chunk));
    archive.on("end", () => resolve(Buffer.concat(chunks)));
    archive.on("error", reject);
    archive.entry(
      { name: upload.file.replace(/^\/+/, ""), mode: upload.mode, size: upload.content.length },
      upload.content,
      (error) => {
        if (error) reject(error);
        else archive.finalize();
      },
    );
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ProviderOptions {
  /** The network image builds run on ("host" where the engine's bridge has no route to the package registries). */
  readonly buildNetwork?: string;
  /**
   * Environment the suite adds to a container, by its name: where this machine's stand-ins answer (Bedrock). Each
   * addition is the suite's, never the program's, and is named in the README.
   */
  readonly addedEnv?: (container: string) => readonly string[];
  /**
   * While a container is awaited: whether it stopped for the one cause the suite reports as NOT RUN (Prisma's
   * missing query engine), given its log; the reason, or undefined. Such a container is recorded and the run goes
   * on; every other failure fails the run, as the provider fails `pulumi up`.
   */
  readonly notRunReason?: (container: string, log: string) => string | undefined;
}

/** One Docker object the stand-in made, to remove what is left of them at the end. */
interface Made {
  readonly type: string;
  readonly id: string;
}

export class DockerProviderStandIn {
  /** Containers that stopped for the NOT RUN cause, by name, with the reason. */
  readonly notRun = new Map<string, string>();
  /** Each image build: the image's name and the seconds it took. */
  readonly builds: { readonly imageName: string; readonly seconds: number }[] = [];
  /** Each container created and awaited: its name and the seconds from create to healthy. */
  readonly healthySeconds = new Map<string, number>();
  private readonly made: Made[] = [];
  /** The inputs each container was last created with, by its name. */
  private readonly containerInputs = new Map<string, Inputs>();

  constructor(
    private readonly docker: Docker,
    private readonly options: ProviderOptions = {},
  ) {}

  /** Output mocks for the program under Pulumi's mocks: each Docker resource is created on the engine. */
  mocks(): OutputMocks {
    return {
      "docker:index/network:Network": (_, inputs) => this.network(inputs),
      "docker:index/volume:Volume": (_, inputs) => this.volume(inputs),
      "docker:index/remoteImage:RemoteImage": (_, inputs) => this.remoteImage(inputs),
      "docker:index/image:Image": (_, inputs) => this.image(inputs),
      "docker:index/container:Container": (_, inputs) => this.container(inputs),
    };
  }

  private async network(inputs: Inputs): Promise<Inputs> {
    checkMapped("docker:index/network:Network", inputs);
    const labels = Object.fromEntries(
      ((inputs["labels"] ?? []) as { label: string; value: string }[]).map((label) => [label.label, label.value]),
    );
    const network = await this.docker.createNetwork({
      Name: inputs["name"] as string,
      Driver: (inputs["driver"] as string | undefined) ?? "bridge",
      Labels: labels,
      CheckDuplicate: true,
    });
    this.made.push({ type: "network", id: network.id });
    return { id: network.id, name: inputs["name"] };
  }

  private async volume(inputs: Inputs): Promise<Inputs> {
    checkMapped("docker:index/volume:Volume", inputs);
    const labels = Object.fromEntries(
      ((inputs["labels"] ?? []) as { label: string; value: string }[]).map((label) => [label.label, label.value]),
    );
    const volume = (await this.docker.createVolume({ Name: inputs["name"] as string, Labels: labels })) as unknown as {
      Name: string;
      Mountpoint: string;
    };
    this.made.push({ type: "volume", id: volume.Name });
    return { id: volume.Name, name: volume.Name, mountpoint: volume.Mountpoint };
  }

  private async findImage(reference: string): Promise<Docker.ImageInspectInfo> {
    try {
      return await this.docker.getImage(reference).inspect();
    } catch {
      await followProgress(this.docker, await this.docker.pull(reference));
      return this.docker.getImage(reference).inspect();
    }
  }

  private async remoteImage(inputs: Inputs): Promise<Inputs> {
    checkMapped("docker:index/remoteImage:RemoteImage", inputs);
    const image = await this.findImage(inputs["name"] as string);
    return { id: `${image.Id}${inputs["name"]}`, imageId: image.Id, repoDigest: image.RepoDigests?.[0] ?? "" };
  }

  private async image(inputs: Inputs): Promise<Inputs> {
    checkMapped("docker:index/image:Image", inputs);
    const build = inputs["build"] as { context: string; dockerfile: string; args?: Record<string, string> };
    const imageName = inputs["imageName"] as string;
    if (inputs["skipPush"] !== true)
      throw new Error(`${imageName}: the stand-in pushes nothing; the program builds with skipPush`);
    const started = performance.now();
    const stream = await this.docker.buildImage(
      { context: build.context, src: ["."] },
      {
        t: imageName,
        dockerfile: relative(build.context, build.dockerfile),
        buildargs: build.args ?? {},
        rm: true,
        forcerm: true,
        ...(this.options.buildNetwork ? { networkmode: this.options.buildNetwork } : {}),
      },
    );
    try {
      await followProgress(this.docker, stream);
    } catch (error) {
      throw new Error(`building ${imageName} from ${build.dockerfile}: ${(error as Error).message}`);
    }
    this.builds.push({ imageName, seconds: (performance.now() - started) / 1000 });
    this.made.push({ type: "image", id: imageName });
    return { id: imageName, imageName, repoDigest: "", context: build.context, dockerfile: build.dockerfile };
  }

  private async container(inputs: Inputs): Promise<Inputs> {
    const spec = containerSpec(inputs);
    const name = spec.create.name!;
    await this.findImage(spec.create.Image!);
    // A container of the same name that the stand-in made is the one this replaces (its inputs changed): it goes
    // first. Any other of that name stays, and the engine refuses the name, as it refuses the provider.
    if (this.containerInputs.has(name))
      await this.docker
        .getContainer(name)
        .remove({ force: true })
        .catch(() => undefined);
    const created = await this.docker.createContainer({
      ...spec.create,
      Env: [...(spec.create.Env ?? []), ...(this.options.addedEnv?.(name) ?? [])],
    });
    this.made.push({ type: "container", id: created.id });
    this.containerInputs.set(name, inputs);
    if (spec.networks.length > 0) {
      await this.docker
        .getNetwork("bridge")
        .disconnect({ Container: created.id })
        .catch(() => undefined);
      for (const network of spec.networks) {
        await this.docker
          .getNetwork(network.name)
          .connect({ Container: created.id, EndpointConfig: { Aliases: [...network.aliases] } });
      }
    }
    for (const upload of spec.uploads) await created.putArchive(await tarOf(upload), { path: "/" });
    if (spec.start) await created.start();
    if (spec.mustRun) {
      await sleep(500);
      const state = (await created.inspect()).State;
      if (!state.Running && !state.Restarting) {
        const log = await this.logOf(created);
        if (!this.stoppedForNotRun(name, log)) {
          await created.remove({ force: true });
          throw new Error(
            `container ${name} exited immediately (exit code ${state.ExitCode}):\n${log.trimEnd().split("\n").slice(-20).join("\n")}`,
          );
        }
      }
    }
    if (spec.waitSeconds !== undefined && !this.notRun.has(name)) await this.waitHealthy(created, name, spec);
    return { id: created.id, name };
  }

  /**
   * Makes a container again with its last inputs changed: the suite's own step, never the program's (the proxy
   * without DATABASE_URL after it stopped for Prisma's missing query engine, so that everything else still runs).
   */
  async recreate(name: string, change: (inputs: Inputs) => Inputs): Promise<void> {
    const inputs = this.containerInputs.get(name);
    if (!inputs) throw new Error(`the stand-in made no container ${name}`);
    this.notRun.delete(name);
    await this.container(change(structuredClone(inputs)));
    if (this.notRun.has(name)) throw new Error(`container ${name} stopped again: ${this.notRun.get(name)}`);
  }

  private stoppedForNotRun(name: string, log: string): boolean {
    const reason = this.options.notRunReason?.(name, log);
    if (reason !== undefined) this.notRun.set(name, reason);
    return reason !== undefined;
  }

  private async logOf(container: Docker.Container): Promise<string> {
    const raw = await container.logs({ stdout: true, stderr: true, follow: false });
    const lines: string[] = [];
    await demultiplex([raw], (line) => lines.push(line));
    return lines.join("\n");
  }

  private async waitHealthy(container: Docker.Container, name: string, spec: ContainerSpec): Promise<void> {
    if (!spec.create.Healthcheck)
      throw new Error(`container ${name}: wait is set, and the container has no health check to wait for`);
    const started = performance.now();
    const deadline = started + spec.waitSeconds! * 1000;
    for (;;) {
      const info = await container.inspect();
      const state = info.State;
      if (state.Health?.Status === "healthy") {
        this.healthySeconds.set(name, (performance.now() - started) / 1000);
        return;
      }
      // A container that stopped or restarted may have stopped for the cause reported as NOT RUN.
      if (
        (!state.Running || state.Restarting || info.RestartCount > 0) &&
        this.stoppedForNotRun(name, await this.logOf(container))
      )
        return;
      if (performance.now() > deadline) {
        const probe = state.Health?.Log?.at(-1);
        throw new Error(
          `container ${name} failed to be in a healthy state within ${spec.waitSeconds} s (health ${state.Health?.Status ?? "none"}${probe ? `, last check exit ${probe.ExitCode}: ${probe.Output.trim().split("\n").at(-1)}` : ""})`,
        );
      }
      await sleep(1000);
    }
  }

  /**
   * `pulumi destroy` of the resources gone from the stack, in the reverse of the order they were registered: a
   * container is removed, a network removed, a volume removed unless retainOnDelete, a pulled image removed
   * unless keepLocally; a built image stays (pulumi-docker deletes no tag it built).
   */
  async destroy(gone: readonly Registered[]): Promise<void> {
    for (const resource of [...gone].reverse()) {
      // A container is found by its name: one whose creation failed (it never became healthy) is in the stack
      // all the same, as the provider's partial state keeps it, and one the suite made again (recreate) has
      // another id than the one the stack recorded.
      const id =
        resource.type === "docker:index/container:Container"
          ? (reveal<Inputs>(resource.inputs)["name"] as string)
          : (resource.outputs["id"] as string | undefined);
      if (id === undefined) continue;
      switch (resource.type) {
        case "docker:index/container:Container":
          await this.docker
            .getContainer(id)
            .remove({ force: true })
            .catch((error: { statusCode?: number }) => {
              if (error.statusCode !== 404) throw error;
            });
          break;
        case "docker:index/network:Network":
          await this.docker.getNetwork(id).remove();
          break;
        case "docker:index/volume:Volume":
          if (!resource.options.retainOnDelete) await this.docker.getVolume(id).remove();
          break;
        case "docker:index/remoteImage:RemoteImage":
          if (resource.inputs["keepLocally"] !== true)
            await this.docker.getImage(resource.outputs["imageId"] as string).remove();
          break;
      }
    }
  }

  /** Removes every Docker object the stand-in made that is still there, kept volumes included. */
  async removeAll(): Promise<void> {
    for (const made of [...this.made].reverse()) {
      const removal =
        made.type === "container"
          ? this.docker.getContainer(made.id).remove({ force: true })
          : made.type === "network"
            ? this.docker.getNetwork(made.id).remove()
            : made.type === "volume"
              ? this.docker.getVolume(made.id).remove({ force: true })
              : this.docker.getImage(made.id).remove({ force: true });
      await removal.catch(() => undefined);
    }
  }
}
