/**
 * Values that only stand in for real ones: the account ids AWS's documentation uses, the domains reserved for
 * examples (RFC 2606) and the address blocks reserved for documentation (RFC 5737, RFC 3849). A stack that still
 * holds one is an example, not a deployment: `validate` warns about each in a prod-stage stack, and so does the
 * program.
 */
import { type Catalog, lifecycleWarnings } from "./modelCatalog";
import { type ConfigProblem, formatPath, quote } from "./errors";
import type { StackConfig } from "./schema";

/** The example account ids of AWS's documentation. */
const EXAMPLE_ACCOUNTS = /(?<!\d)(123456789012|111122223333|444455556666)(?!\d)/;
/** Domains reserved for examples: example.com, .net, .org and the .example top-level domain. */
const EXAMPLE_DOMAINS = /(^|[^a-z0-9-])((?:[a-z0-9-]+\.)*example(?:\.(?:com|net|org))?)(?![a-z0-9-])(?=$|[/:@>\s"'])/i;
/** The IPv4 blocks reserved for documentation: TEST-NET-1, -2 and -3. */
const DOCUMENTATION_V4 = ["192.0.2.", "198.51.100.", "203.0.113."];

function placeholderIn(text: string): string | undefined {
  const account = EXAMPLE_ACCOUNTS.exec(text);
  if (account) return `the example AWS account ${account[1]} of AWS's documentation`;
  const domain = EXAMPLE_DOMAINS.exec(text);
  if (domain && /(^|\.)example(\.(com|net|org))?$/i.test(domain[2]!))
    return `the example domain ${domain[2]} (reserved for documentation)`;
  const v4 = /(?<![\d.])(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(?![\d.])/.exec(text);
  if (v4 && DOCUMENTATION_V4.some((block) => v4[1]!.startsWith(block)))
    return `the documentation address block of ${v4[1]} (RFC 5737)`;
  if (/(^|[^0-9a-f:])2001:0?db8:/i.test(text)) return "the IPv6 documentation prefix 2001:db8::/32 (RFC 3849)";
  return undefined;
}

/** Every placeholder value in a stack's config, with its key path. */
export function placeholderWarnings(config: StackConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const visit = (value: unknown, path: PropertyKey[]) => {
    if (typeof value === "string") {
      const found = placeholderIn(value);
      if (found)
        problems.push({
          path: formatPath(path),
          message: `warning: ${quote(value)} holds ${found}: replace it with your own before deploying`,
        });
    } else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) visit(item, [...path, index]);
    } else if (value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
    }
  };
  visit(config, []);
  return problems;
}

/**
 * The smoke task leaves an existing VPC through NAT gateways this program does not know: an internet-facing load
 * balancer closed to the internet admits it only when ingressCidrs holds their addresses.
 */
export function smokeReachWarnings(config: StackConfig): ConfigProblem[] {
  const { smoke, network, loadBalancer } = config.aws;
  if (
    config.target !== "aws" ||
    smoke.from !== "vpc" ||
    network.existing === undefined ||
    loadBalancer.internal ||
    loadBalancer.ingressCidrs.includes("0.0.0.0/0")
  )
    return [];
  return [
    {
      path: "aws.smoke.from",
      message:
        "warning: the smoke task reaches the internet-facing load balancer through the existing VPC's NAT gateways, whose addresses this program does not know: add them to aws.loadBalancer.ingressCidrs, or set aws.smoke.from to runner",
    },
  ];
}

/**
 * What `validate` and the program warn about in a stack: models near their end of life, placeholders in a prod
 * stage, and a smoke task that may not reach the load balancer.
 */
export function stackWarnings(config: StackConfig, now: Date, catalog?: Catalog): ConfigProblem[] {
  return [
    ...lifecycleWarnings(config.models, now, catalog),
    ...(config.stage === "prod" ? placeholderWarnings(config) : []),
    ...smokeReachWarnings(config),
  ];
}
