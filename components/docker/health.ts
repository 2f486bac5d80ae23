import type * as docker from "@pulumi/docker";

/** Probe timing shared by the stack's containers; start periods differ by what the container does at start. */
export function healthcheck(tests: string[], startPeriodSeconds: number): docker.types.input.ContainerHealthcheck {
  return { tests, interval: "10s", timeout: "5s", retries: 6, startPeriod: `${startPeriodSeconds}s` };
}
