/** What security groups admit from the internet. */
import type { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { LABELS } from "../../config/constants";
import { type Props, forTypes } from "./shared";

export const OPEN = ["0.0.0.0/0", "::/0"];
const LISTENER_PORTS = [80, 443];

export function tagsOf(props: Props): Record<string, string> {
  return (props["tags"] as Record<string, string> | undefined) ?? {};
}

function checkOpenIngress(rule: Props, cidrs: unknown[], loadBalancer: boolean, report: ReportViolation): void {
  for (const cidr of cidrs) {
    if (typeof cidr !== "string" || !OPEN.includes(cidr)) continue;
    const from = Number(rule["fromPort"]);
    const to = Number(rule["toPort"]);
    const listenerPort = from === to && LISTENER_PORTS.includes(from);
    if (!(loadBalancer && listenerPort)) {
      report(
        `Ingress from ${cidr} on ports ${rule["fromPort"] ?? "all"}-${rule["toPort"] ?? "all"} is open to the internet; only the load balancer may accept it, on 80 or 443.`,
      );
    }
  }
}

export const noPublicIngress: ResourceValidationPolicy = {
  name: "no-public-ingress",
  description: "No security group admits 0.0.0.0/0 or ::/0, except the load balancer's on ports 80 and 443.",
  enforcementLevel: "mandatory",
  validateResource: [
    forTypes(["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"], (props, _, report) => {
      const loadBalancer = tagsOf(props)[LABELS.role] === "load-balancer";
      checkOpenIngress(props, [props["cidrIpv4"], props["cidrIpv6"]], loadBalancer, report);
    }),
    forTypes(["aws:ec2/securityGroup:SecurityGroup"], (props, _, report) => {
      const loadBalancer = tagsOf(props)[LABELS.role] === "load-balancer";
      for (const rule of (props["ingress"] as Props[] | undefined) ?? []) {
        checkOpenIngress(
          rule,
          [...((rule["cidrBlocks"] as unknown[]) ?? []), ...((rule["ipv6CidrBlocks"] as unknown[]) ?? [])],
          loadBalancer,
          report,
        );
      }
    }),
    forTypes(["aws:ec2/securityGroupRule:SecurityGroupRule"], (props, _, report) => {
      // This resource carries no tags: it cannot be the load balancer's.
      if (props["type"] !== "ingress") return;
      checkOpenIngress(
        props,
        [...((props["cidrBlocks"] as unknown[]) ?? []), ...((props["ipv6CidrBlocks"] as unknown[]) ?? [])],
        false,
        report,
      );
    }),
  ],
};
