/** The dev stack on Docker: internal containers unpublished, published ones on loopback. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { LABELS, LOOPBACK } from "../../config/constants";
import { type Props, forTypes } from "./shared";

interface Port {
  internal?: number;
  external?: number;
  ip?: string;
}

function labelsOf(props: Props): Record<string, string> {
  const labels = (props["labels"] as { label?: string; value?: string }[] | undefined) ?? [];
  return Object.fromEntries(labels.map((entry) => [entry.label ?? "", entry.value ?? ""]));
}

const INTERNAL_ROLES = ["mcp-server", "database", "cache", "tracing"];

export const dockerInternalNotPublished: ResourceValidationPolicy = {
  name: "docker-internal-not-published",
  description: "Docker containers labelled as an MCP server, a database or a cache publish no port on the host.",
  enforcementLevel: "mandatory",
  validateResource: forTypes(["docker:index/container:Container"], (props, _, report) => {
    const role = labelsOf(props)[LABELS.role];
    const ports = (props["ports"] as Port[] | undefined) ?? [];
    if (role !== undefined && INTERNAL_ROLES.includes(role) && ports.length > 0) {
      report(`Container "${props["name"]}" (${role}) publishes ports on the host; only the proxy may be published.`);
    }
  }),
};

export const dockerPublishedOnLoopback: ResourceValidationPolicy = {
  name: "docker-published-on-loopback",
  description: `Docker containers publish ports on 127.0.0.1 only, unless labelled ${LABELS.expose}=true (the stack's docker.bindAddress).`,
  enforcementLevel: "mandatory",
  validateResource: forTypes(["docker:index/container:Container"], (props, _, report) => {
    if (labelsOf(props)[LABELS.expose] === "true") return;
    for (const port of (props["ports"] as Port[] | undefined) ?? []) {
      if (port.ip === undefined || !LOOPBACK.includes(port.ip)) {
        report(
          `Container "${props["name"]}" publishes port ${port.external ?? port.internal} on ${port.ip ?? "every interface"}; bind it to 127.0.0.1 or label it ${LABELS.expose}=true.`,
        );
      }
    }
  }),
};
