/**
 * The policies of the litellm-mcp pack: the security and data-safety invariants a change must keep. This module
 * only defines them, so that tests can call each one directly; index.ts builds the pack.
 */
import type {
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { KEY_RESOURCES, LABELS, LOOPBACK, PROXY } from "../config/constants";
import { pinningProblem } from "../config/images";

type Props = Record<string, unknown>;

/** Runs `validate` on resources of the given types only. */
function forTypes(
  types: readonly string[],
  validate: (props: Props, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
  return (args, report) => {
    if (types.includes(args.type)) validate(args.props as Props, args, report);
  };
}

/** The stack a resource belongs to, from its URN (`urn:pulumi:<stack>::<project>::...`). */
export function stackOf(urn: string): string {
  return urn.split("::")[0]?.split(":")[2] ?? "";
}

interface ProdConfig {
  /** Names of the stacks held to production rules. */
  prodStacks?: string[];
}

const prodStacksSchema = {
  properties: { prodStacks: { type: "array", items: { type: "string" }, default: ["prod"] } },
} as const;

// ---------------------------------------------------------------------------------------------------------
// RDS

export const rdsEncryptedAndPrivate: ResourceValidationPolicy = {
  name: "rds-encrypted-and-private",
  description: "RDS instances store data encrypted and are not reachable from the internet.",
  enforcementLevel: "mandatory",
  validateResource: forTypes(["aws:rds/instance:Instance"], (props, _, report) => {
    if (props["storageEncrypted"] !== true) report("RDS instance storage must be encrypted (storageEncrypted: true).");
    if (props["publiclyAccessible"] === true)
      report("RDS instance must not be publicly accessible (publiclyAccessible: false).");
  }),
};

export const rdsProdProtection: ResourceValidationPolicy = {
  name: "rds-prod-protection",
  description: "In prod stacks, RDS instances are multi-AZ, protected from deletion and backed up for at least 7 days.",
  enforcementLevel: "mandatory",
  configSchema: prodStacksSchema,
  validateResource: forTypes(["aws:rds/instance:Instance"], (props, args, report) => {
    const prodStacks = args.getConfig<ProdConfig>().prodStacks ?? ["prod"];
    if (!prodStacks.includes(stackOf(args.urn))) return;
    if (props["deletionProtection"] !== true)
      report("A prod RDS instance must have deletion protection (deletionProtection: true).");
    if (props["multiAz"] !== true) report("A prod RDS instance must be multi-AZ (multiAz: true).");
    const backups = Number(props["backupRetentionPeriod"] ?? 0);
    if (backups < 7)
      report(`A prod RDS instance must keep backups for at least 7 days (backupRetentionPeriod is ${backups}).`);
  }),
};

// ---------------------------------------------------------------------------------------------------------
// Security groups

const OPEN = ["0.0.0.0/0", "::/0"];
const LISTENER_PORTS = [80, 443];

function tagsOf(props: Props): Record<string, string> {
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

// ---------------------------------------------------------------------------------------------------------
// ECS

interface ContainerDefinition {
  name?: string;
  image?: string;
  command?: string[];
  environment?: { name?: string; value?: string }[];
}

/** The container definitions of a task definition, or undefined while they are not known (preview). */
function containersOf(props: Props): ContainerDefinition[] | undefined {
  const text = props["containerDefinitions"];
  if (typeof text !== "string") return undefined;
  return JSON.parse(text) as ContainerDefinition[];
}

const SECRET_LIKE = /(KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIALS?)$|DATABASE_URL$/i;

interface EnvironmentConfig {
  /** Environment names that look like secrets but are not (LiteLLM's config object key). */
  allowedNames?: string[];
}

export const ecsSecretsNotInEnvironment: ResourceValidationPolicy = {
  name: "ecs-secrets-not-in-environment",
  description:
    "ECS containers receive secrets through `secrets` (valueFrom), never as plaintext `environment` entries.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedNames: { type: "array", items: { type: "string" }, default: ["LITELLM_CONFIG_BUCKET_OBJECT_KEY"] },
    },
  },
  validateResource: forTypes(["aws:ecs/taskDefinition:TaskDefinition"], (props, args, report) => {
    const allowed = args.getConfig<EnvironmentConfig>().allowedNames ?? ["LITELLM_CONFIG_BUCKET_OBJECT_KEY"];
    for (const container of containersOf(props) ?? []) {
      for (const entry of container.environment ?? []) {
        if (entry.name && SECRET_LIKE.test(entry.name) && !allowed.includes(entry.name)) {
          report(
            `Container "${container.name}" has the environment variable ${entry.name}, which looks like a secret: inject it with "secrets" (valueFrom) instead.`,
          );
        }
      }
    }
  }),
};

export const ecsImagesPinned: ResourceValidationPolicy = {
  name: "ecs-images-pinned",
  description:
    "ECS containers run images pinned to a version tag or a digest, never latest, main-latest or main-stable.",
  enforcementLevel: "mandatory",
  validateResource: forTypes(["aws:ecs/taskDefinition:TaskDefinition"], (props, _, report) => {
    for (const container of containersOf(props) ?? []) {
      if (typeof container.image !== "string") continue;
      const problem = pinningProblem(container.image);
      if (problem)
        report(
          `Container "${container.name}" runs the image "${container.image}", which ${problem}: pin a version tag or a digest.`,
        );
    }
  }),
};

/** A digest the registry computed from the content: `name[:tag]@sha256:<64 hex>`. */
const DIGEST = /@sha256:[0-9a-f]{64}$/;

/**
 * Advisory until the committed prod stack carries its images' digests (`litellm-mcp pin-images --stack prod
 * --write`, which needs the public registries): then mandatory.
 */
export const ecsImagesDigestInProd: ResourceValidationPolicy = {
  name: "ecs-images-digest-in-prod",
  description:
    "In prod stacks, ECS containers run images pinned by digest (tag@sha256:...), which a registry cannot re-point as it can a tag.",
  enforcementLevel: "advisory",
  configSchema: prodStacksSchema,
  validateResource: forTypes(["aws:ecs/taskDefinition:TaskDefinition"], (props, args, report) => {
    const prodStacks = args.getConfig<ProdConfig>().prodStacks ?? ["prod"];
    const stack = stackOf(args.urn);
    if (!prodStacks.includes(stack)) return;
    for (const container of containersOf(props) ?? []) {
      if (typeof container.image !== "string" || DIGEST.test(container.image)) continue;
      report(
        `Container "${container.name}" runs "${container.image}" by tag only: pin its digest (npx litellm-mcp pin-images --stack ${stack} --write).`,
      );
    }
  }),
};

// ---------------------------------------------------------------------------------------------------------
// S3

const BUCKETS = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];

export const s3BucketsPrivateAndEncrypted: StackValidationPolicy = {
  name: "s3-buckets-private-and-encrypted",
  description: "Every S3 bucket has a public access block with all four settings on and default encryption.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const attachedTo = (type: string, bucketUrn: string) =>
      args.resources.filter(
        (resource) =>
          resource.type === type &&
          (resource.propertyDependencies["bucket"] ?? []).some((dependency) => dependency.urn === bucketUrn),
      );
    for (const bucket of args.resources.filter((resource) => BUCKETS.includes(resource.type))) {
      const blocks = attachedTo("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket.urn);
      const blocked = blocks.some((block) =>
        ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every(
          (key) => block.props[key] === true,
        ),
      );
      if (!blocked) report(`Bucket ${bucket.name} has no public access block with all four settings on.`, bucket.urn);
      const encrypted =
        bucket.props["serverSideEncryptionConfiguration"] !== undefined ||
        attachedTo("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", bucket.urn)
          .length > 0 ||
        attachedTo(
          "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
          bucket.urn,
        ).length > 0;
      if (!encrypted) report(`Bucket ${bucket.name} has no default encryption.`, bucket.urn);
    }
  },
};

// ---------------------------------------------------------------------------------------------------------
// CloudWatch

export const logGroupRetention: ResourceValidationPolicy = {
  name: "log-group-retention",
  description: "CloudWatch log groups keep logs for a set time, not for ever.",
  enforcementLevel: "mandatory",
  validateResource: forTypes(["aws:cloudwatch/logGroup:LogGroup"], (props, args, report) => {
    const days = props["retentionInDays"];
    if (typeof days !== "number" || days <= 0)
      report(`Log group ${args.name} keeps logs for ever: set retentionInDays.`);
  }),
};

// ---------------------------------------------------------------------------------------------------------
// Docker

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

// ---------------------------------------------------------------------------------------------------------
// IAM

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
}

function statementsOf(document: unknown): Statement[] {
  if (typeof document !== "string") return [];
  const parsed = JSON.parse(document) as { Statement?: Statement | Statement[] };
  return [parsed.Statement ?? []].flat();
}

function checkBedrockScope(document: unknown, report: ReportViolation): void {
  for (const statement of statementsOf(document)) {
    if (statement.Effect !== "Allow") continue;
    const actions = [statement.Action ?? []].flat();
    const resources = [statement.Resource ?? []].flat();
    for (const action of actions) {
      if (action === "*" || action.toLowerCase() === "bedrock:*")
        report(`IAM policy grants "${action}": name the Bedrock actions it needs.`);
    }
    if (actions.some((action) => action.toLowerCase().startsWith("bedrock:")) && resources.includes("*")) {
      report('IAM policy grants Bedrock actions on Resource "*": name the model and inference-profile ARNs.');
    }
  }
}

export const iamBedrockScoped: ResourceValidationPolicy = {
  name: "iam-bedrock-scoped",
  description:
    'IAM policies name the Bedrock actions and models they grant: no bedrock:*, no Resource "*" with Bedrock actions.',
  enforcementLevel: "advisory",
  validateResource: [
    forTypes(
      [
        "aws:iam/policy:Policy",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/userPolicy:UserPolicy",
        "aws:iam/groupPolicy:GroupPolicy",
      ],
      (props, _, report) => checkBedrockScope(props["policy"], report),
    ),
    forTypes(["aws:iam/role:Role"], (props, _, report) => {
      for (const inline of (props["inlinePolicies"] as { policy?: string }[] | undefined) ?? [])
        checkBedrockScope(inline.policy, report);
    }),
  ],
};

// ---------------------------------------------------------------------------------------------------------
// Data that outlives the stack

const KEY_NAMES: readonly string[] = [KEY_RESOURCES["master-key"], KEY_RESOURCES["salt-key"]];

/** The proxy image run as the one-off migration task: it migrates and exits, and serves nothing. */
function migratesOnly(container: ContainerDefinition): boolean {
  return (container.command ?? []).includes("--skip_server_startup");
}

export const keysOutliveTheirData: StackValidationPolicy = {
  name: "keys-outlive-their-data",
  description:
    "Where the database outlives the stack (deletion protection or a final snapshot), the generated master and salt keys are protected: the salt key is the only way to read the credentials stored in it.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const kept = args.resources.some(
      (resource) =>
        resource.type === "aws:rds/instance:Instance" &&
        (resource.props["deletionProtection"] === true || resource.props["skipFinalSnapshot"] === false),
    );
    if (!kept) return;
    for (const key of args.resources.filter(
      (resource) => resource.type === "random:index/randomPassword:RandomPassword" && KEY_NAMES.includes(resource.name),
    )) {
      if (!key.opts.protect)
        report(`${key.name} must be protected (protect: true): the database it reads outlives the stack.`, key.urn);
    }
  },
};

// ---------------------------------------------------------------------------------------------------------
// Connections

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

// ---------------------------------------------------------------------------------------------------------
// The edge

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

export const policies = [
  rdsEncryptedAndPrivate,
  rdsProdProtection,
  noPublicIngress,
  ecsSecretsNotInEnvironment,
  ecsImagesPinned,
  ecsImagesDigestInProd,
  s3BucketsPrivateAndEncrypted,
  logGroupRetention,
  dockerInternalNotPublished,
  dockerPublishedOnLoopback,
  iamBedrockScoped,
  keysOutliveTheirData,
  proxyKeepaliveAboveIdleTimeout,
  servingTasksDoNotMigrate,
  noPlaintextToTheWorld,
  adminRoutesRestrictedInProd,
];
