/**
 * The Docker provider's stand-in (./dockerProvider.ts) on its own, without an engine: it maps every input the
 * program hands Docker for the committed dev stack, and refuses any it does not, so that a new input can never
 * be skipped silently on the real engine.
 */
import { strict as assert } from "node:assert";
import { reveal, runProgram } from "../support/pulumi";
import { engineConfigOfVariant, type Values } from "../support/stacks";
import { checkMapped, containerSpec, goDurationNs } from "./dockerProvider";

const DOCKER_TYPES = [
  "docker:index/network:Network",
  "docker:index/volume:Volume",
  "docker:index/remoteImage:RemoteImage",
  "docker:index/image:Image",
  "docker:index/container:Container",
];
const VARIANTS: [string, (values: Values) => void][] = [
  ["the committed dev stack", () => undefined],
  ["its Redis variant", (values) => (values["cache"] = { responses: true, redis: "always" })],
];

describe("the Docker provider's stand-in", () => {
  for (const [title, change] of VARIANTS) {
    it(`maps every input of every Docker resource of ${title}`, async () => {
      const run = await runProgram("dev", { config: engineConfigOfVariant("dev", change) });
      const docker = run.resources.filter((resource) => resource.type.startsWith("docker:"));
      assert.deepEqual([...new Set(docker.map((resource) => resource.type))].sort(), [...DOCKER_TYPES].sort());
      for (const resource of docker)
        assert.doesNotThrow(
          () => checkMapped(resource.type, reveal(resource.inputs)),
          `${resource.type} ${resource.name}`,
        );
    });
  }

  it("refuses an input it does not map, at the top or nested, and a Docker type it does not create", () => {
    assert.throws(
      () => checkMapped("docker:index/container:Container", { name: "x", image: "y", gpus: "all" }),
      /does not map docker:index\/container:Container input\(s\) gpus: map them before the program sets them/,
    );
    assert.throws(
      () =>
        checkMapped("docker:index/container:Container", {
          name: "x",
          healthcheck: { tests: ["CMD", "true"], startInterval: "1s" },
        }),
      /input\(s\) healthcheck\.startInterval/,
    );
    assert.throws(
      () => checkMapped("docker:index/service:Service", { name: "x" }),
      /does not create docker:index\/service:Service/,
    );
  });

  it("hands the engine the health check's durations in nanoseconds, as the provider parses Go durations", () => {
    assert.deepEqual(["10s", "1m30s", "500ms", "2h"].map(goDurationNs), [10e9, 90e9, 500e6, 7200e9]);
    assert.throws(() => goDurationNs("10"), /not a Go duration/);
    const spec = containerSpec({
      name: "c",
      image: "i",
      healthcheck: { tests: ["CMD", "true"], interval: "5s", timeout: "3s", startPeriod: "1m", retries: 4 },
      ports: [{ internal: 4000, external: 4001, ip: "127.0.0.1" }],
    });
    assert.deepEqual(spec.create.Healthcheck, {
      Test: ["CMD", "true"],
      Interval: 5e9,
      Timeout: 3e9,
      StartPeriod: 60e9,
      Retries: 4,
    });
    assert.deepEqual(spec.create.HostConfig?.PortBindings, { "4000/tcp": [{ HostIp: "127.0.0.1", HostPort: "4001" }] });
  });
});
