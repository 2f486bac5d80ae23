/** Connections: keep-alive past the load balancer's idle timeout, serving tasks that do not migrate. */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { PROXY } from "../../config/constants";
import { migratesOnly } from "./data";
import { containersOf } from "./ecs";
import { forTypes } from "./shared";

export const proxyKeepaliveAboveIdleTimeout: StackValidationPolicy = {
  name: "proxy-keepalive-above-idle-timeout",
  description:
    "The proxy keeps idle connections open longer than the load balancer does (--keepalive_timeout above idleTimeout), so the balancer never sends a request on a connection the proxy is closing (intermittent 502s).",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const idle = args.resources
      .filter(
        (resource) =>
          resource.type === "aws:lb/loadBalancer:LoadBalancer" && typeof resource.props["idleTimeout"] === "number",
      )
      .map((resource) => resource.props["idleTimeout"] as number);
    if (idle.length === 0) return;
    const longest = Math.max(...idle);
    for (const task of args.resources.filter((resource) => resource.type === "aws:ecs/taskDefinition:TaskDefinition")) {
      for (const container of containersOf(task.props) ?? []) {
        const command = container.command ?? [];
        const flag = command.indexOf("--keepalive_timeout");
        // The program's proxy container, unless it only migrates and exits; without the flag, uvicorn keeps idle
        // connections 5 s.
        if ((container.name !== PROXY.container && flag < 0) || migratesOnly(container)) continue;
        const keepalive = flag < 0 ? 5 : Number(command[flag + 1]);
        if (!(keepalive > longest)) {
          report(
            `Container "${container.name}" keeps idle connections ${keepalive} s, not longer than the load balancer's idle timeout (${longest} s): set --keepalive_timeout above it.`,
            task.urn,
          );
        }
      }
    }
  },
};

export const servingTasksDoNotMigrate: ResourceValidationPolicy = {
  name: "serving-tasks-do-not-migrate",
  description:
    "The proxy's serving containers on ECS set DISABLE_SCHEMA_UPDATE=true: the one-off migration task migrates, so the tasks a rolling deployment starts together do not race on the schema.",
  enforcementLevel: "mandatory",
  validateResource: forTypes(["aws:ecs/taskDefinition:TaskDefinition"], (props, _, report) => {
    for (const container of containersOf(props) ?? []) {
      if (container.name !== PROXY.container || migratesOnly(container)) continue;
      const disabled = (container.environment ?? []).some(
        (entry) => entry.name === "DISABLE_SCHEMA_UPDATE" && entry.value === "true",
      );
      if (!disabled)
        report(
          `Container "${container.name}" serves without DISABLE_SCHEMA_UPDATE=true: it would migrate the schema at start, beside the other tasks.`,
        );
    }
  }),
};
