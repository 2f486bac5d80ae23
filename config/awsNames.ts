/**
 * AWS's rules for the names the program derives from an MCP server's name on the AWS target, each with its source,
 * and the check `validate` (and every command that loads a stack) runs with them: a name AWS would refuse
 * halfway through `up` is refused here instead, at the server's key, with the rule.
 */
import {
  GATEWAY_COMPONENT,
  logGroupName,
  mcpComponentName,
  mcpRepositoryName,
  mcpTaskFamily,
  serviceConnectAlias,
} from "../components/aws/naming";
import type { ConfigProblem } from "./errors";
import type { StackConfig } from "./schema";

export interface NameRule {
  /** The field AWS checks, as its API reference names it. */
  readonly field: string;
  readonly pattern: RegExp;
  readonly maxLength: number;
  /** The rule in words, as the message gives it. */
  readonly rule: string;
  readonly source: string;
}

/** A DNS label: letters, digits, _ and -, not starting or ending with - (RFC 1123 host names, with ECS's _). */
const DNS_LABEL = "(?!-)[a-z0-9_-]{1,63}(?<!-)";

export const AWS_NAME_RULES = {
  discoveryName: {
    field: "ECS ServiceConnectService.discoveryName",
    pattern: /^[a-z0-9_][a-z0-9_-]*$/,
    maxLength: 64,
    rule: "up to 64 lower-case letters, digits, _ and -, not starting with -",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectService.html",
  },
  dnsName: {
    field: "ECS ServiceConnectClientAlias.dnsName",
    pattern: new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`),
    maxLength: 127,
    rule: "a valid DNS name of up to 127 lower-case letters, digits, _, - and ., not starting with - (no label may end with - either)",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectClientAlias.html",
  },
  family: {
    field: "ECS RegisterTaskDefinition.family",
    pattern: /^[A-Za-z0-9_-]+$/,
    maxLength: 255,
    rule: "up to 255 letters, digits, _ and -",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html",
  },
  logGroupName: {
    field: "CloudWatch Logs CreateLogGroup.logGroupName",
    pattern: /^[.\-_/#A-Za-z0-9]+$/,
    maxLength: 512,
    rule: "up to 512 letters, digits, _, -, /, . and #",
    source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
  },
  repositoryName: {
    field: "ECR CreateRepository.repositoryName",
    pattern: /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
    maxLength: 256,
    rule: "up to 256 lower-case letters and digits, in runs joined by one of ., _ or -",
    source: "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html",
  },
} as const satisfies Record<string, NameRule>;

/**
 * Pulumi names a resource that is given no name after its logical name with a random suffix
 * (https://www.pulumi.com/docs/iac/concepts/resources/names/): a dash and hex digits, at most 8 of them.
 */
const AUTONAME_SUFFIX = "-0123abcd";

/** Each name the program gives AWS for an MCP server, with the rule it must meet. */
export function mcpServerAwsNames(
  stack: string,
  server: StackConfig["mcpServers"][number],
): { name: string; rule: NameRule }[] {
  const alias = serviceConnectAlias(server.name);
  return [
    { name: alias, rule: AWS_NAME_RULES.discoveryName },
    { name: alias, rule: AWS_NAME_RULES.dnsName },
    { name: mcpTaskFamily(stack, server.name), rule: AWS_NAME_RULES.family },
    { name: logGroupName(stack, `mcp/${server.name}`), rule: AWS_NAME_RULES.logGroupName },
    // Only a server built from a package has a repository of its own.
    ...(server.build === undefined
      ? []
      : [
          {
            name: `${mcpRepositoryName(mcpComponentName(GATEWAY_COMPONENT, server.name))}${AUTONAME_SUFFIX}`,
            rule: AWS_NAME_RULES.repositoryName,
          },
        ]),
  ];
}

/**
 * The MCP server names of an AWS stack whose derived names AWS would refuse: each a problem at
 * `mcpServers[i].name` naming the derived name, the field, the rule and its source. Two servers never share a
 * derived name: the schema refuses names that differ only in letter case, and "-", which "_" becomes, is not
 * allowed in a name.
 */
export function awsNameProblems(stack: string, config: StackConfig): ConfigProblem[] {
  if (config.target !== "aws") return [];
  return config.mcpServers.flatMap((server, index) =>
    mcpServerAwsNames(stack, server)
      .filter(({ name, rule }) => name.length > rule.maxLength || !rule.pattern.test(name))
      .map(({ name, rule }) => ({
        path: `mcpServers[${index}].name`,
        message: `becomes ${rule.field} "${name}" on AWS, which AWS refuses: expected ${rule.rule} (${rule.source})`,
      })),
  );
}
