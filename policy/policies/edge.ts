/** The edge: nothing in plain text to the world, admin routes restricted in prod. */
import type { StackValidationPolicy } from "@pulumi/policy";
import { LABELS } from "../../config/constants";
import { OPEN, tagsOf } from "./ingress";
import { type ProdConfig, prodStacksSchema, stackOf } from "./shared";

export const noPlaintextToTheWorld: StackValidationPolicy = {
  name: "no-plaintext-to-the-world",
  description:
    "An internet-facing load balancer that forwards plain HTTP admits only configured networks on its HTTP port: keys never cross the internet in clear text, unless the stack says so (tag litellm-mcp.plain-http-from-anywhere).",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const publicAlbs = args.resources.filter(
      (resource) =>
        resource.type === "aws:lb/loadBalancer:LoadBalancer" &&
        resource.props["internal"] !== true &&
        tagsOf(resource.props)[LABELS.plainHttpFromAnywhere] !== "allowed",
    );
    if (publicAlbs.length === 0) return;
    const forwardsHttp = args.resources.some(
      (resource) =>
        resource.type === "aws:lb/listener:Listener" &&
        resource.props["protocol"] === "HTTP" &&
        ((resource.props["defaultActions"] as { type?: string }[] | undefined) ?? []).some(
          (action) => action.type === "forward",
        ),
    );
    if (!forwardsHttp) return;
    for (const rule of args.resources.filter(
      (resource) => resource.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    )) {
      const open = OPEN.includes(String(rule.props["cidrIpv4"])) || OPEN.includes(String(rule.props["cidrIpv6"]));
      if (open && tagsOf(rule.props)[LABELS.role] === "load-balancer" && rule.props["fromPort"] === 80) {
        report(
          "The load balancer forwards plain HTTP and admits the whole internet on port 80: add a certificate, or limit ingressCidrs to your networks.",
          rule.urn,
        );
      }
    }
  },
};

export const adminRoutesRestrictedInProd: StackValidationPolicy = {
  name: "admin-routes-restricted-in-prod",
  description:
    "In prod stacks, an internet-facing load balancer answers LiteLLM's admin API and UI (/ui, /key/*, ...) with 403 outside the admin networks.",
  enforcementLevel: "mandatory",
  configSchema: prodStacksSchema,
  validateStack: (args, report) => {
    const prodStacks = args.getConfig<ProdConfig>().prodStacks ?? ["prod"];
    for (const alb of args.resources.filter(
      (resource) => resource.type === "aws:lb/loadBalancer:LoadBalancer" && resource.props["internal"] !== true,
    )) {
      if (!prodStacks.includes(stackOf(alb.urn))) continue;
      const denied = new Set(
        args.resources
          .filter((resource) => resource.type === "aws:lb/listenerRule:ListenerRule")
          .filter((rule) =>
            (
              (rule.props["actions"] as { type?: string; fixedResponse?: { statusCode?: string } }[] | undefined) ?? []
            ).some((action) => action.type === "fixed-response" && action.fixedResponse?.statusCode === "403"),
          )
          .flatMap((rule) =>
            ((rule.props["conditions"] as { pathPattern?: { values?: string[] } }[] | undefined) ?? []).flatMap(
              (condition) => condition.pathPattern?.values ?? [],
            ),
          ),
      );
      const missing = ["/ui/*", "/key/*", "/team/*", "/user/*", "/model/*", "/config/*", "/spend/*"].filter(
        (pattern) => !denied.has(pattern),
      );
      if (missing.length > 0)
        report(
          `The prod load balancer serves LiteLLM's admin routes to everyone it admits: no 403 rule for ${missing.join(", ")} (set aws.loadBalancer.adminCidrs).`,
          alb.urn,
        );
    }
  },
};
