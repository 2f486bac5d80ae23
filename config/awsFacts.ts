/**
 * Facts about AWS that the schema checks values against: regions, RDS instance classes, ElastiCache node types
 * and names reserved by RDS for PostgreSQL. Each list is data, kept here with its source. A list can only lag
 * behind AWS: a value AWS added after it is refused with a message that says where to add it.
 */

/**
 * Regions and the number of availability zones an account gets in each (AWS General Reference, "AWS Regions";
 * AWS Global Infrastructure, "Regions and Availability Zones"). Opt-in regions count too: an account that has
 * not opted in is told so by AWS itself.
 */
/**
 * The account Elastic Load Balancing delivers access logs as, in each region that has one (Elastic Load Balancing
 * user guide, "Access logs for your Application Load Balancer", bucket permissions; the same table as
 * terraform-provider-aws's aws_elb_service_account). Regions opened since August 2022 have none: there ELB
 * delivers as the service principal logdelivery.elasticloadbalancing.amazonaws.com.
 */
export const ELB_LOG_ACCOUNTS: Readonly<Record<string, string>> = {
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-northeast-1": "582318560864",
  "ap-northeast-2": "600734575887",
  "ap-northeast-3": "383597477331",
  "ap-south-1": "718504428378",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-southeast-3": "589379963580",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-north-1": "897822967062",
  "eu-south-1": "635631232127",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-gov-east-1": "190560391635",
  "us-gov-west-1": "048591011584",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
};

export const REGIONS: Readonly<Record<string, { readonly availabilityZones: number }>> = {
  "us-east-1": { availabilityZones: 6 },
  "us-east-2": { availabilityZones: 3 },
  "us-west-1": { availabilityZones: 2 },
  "us-west-2": { availabilityZones: 4 },
  "af-south-1": { availabilityZones: 3 },
  "ap-east-1": { availabilityZones: 3 },
  "ap-east-2": { availabilityZones: 3 },
  "ap-south-1": { availabilityZones: 3 },
  "ap-south-2": { availabilityZones: 3 },
  "ap-northeast-1": { availabilityZones: 3 },
  "ap-northeast-2": { availabilityZones: 4 },
  "ap-northeast-3": { availabilityZones: 3 },
  "ap-southeast-1": { availabilityZones: 3 },
  "ap-southeast-2": { availabilityZones: 3 },
  "ap-southeast-3": { availabilityZones: 3 },
  "ap-southeast-4": { availabilityZones: 3 },
  "ap-southeast-5": { availabilityZones: 3 },
  "ap-southeast-6": { availabilityZones: 3 },
  "ap-southeast-7": { availabilityZones: 3 },
  "ca-central-1": { availabilityZones: 3 },
  "ca-west-1": { availabilityZones: 3 },
  "eu-central-1": { availabilityZones: 3 },
  "eu-central-2": { availabilityZones: 3 },
  "eu-north-1": { availabilityZones: 3 },
  "eu-south-1": { availabilityZones: 3 },
  "eu-south-2": { availabilityZones: 3 },
  "eu-west-1": { availabilityZones: 3 },
  "eu-west-2": { availabilityZones: 3 },
  "eu-west-3": { availabilityZones: 3 },
  "il-central-1": { availabilityZones: 3 },
  "me-central-1": { availabilityZones: 3 },
  "me-south-1": { availabilityZones: 3 },
  "mx-central-1": { availabilityZones: 3 },
  "sa-east-1": { availabilityZones: 3 },
  "us-gov-east-1": { availabilityZones: 3 },
  "us-gov-west-1": { availabilityZones: 3 },
  "cn-north-1": { availabilityZones: 3 },
  "cn-northwest-1": { availabilityZones: 3 },
};

const WHERE = "config/awsFacts.ts";

export function regionProblem(region: string): string | undefined {
  if (region in REGIONS) return undefined;
  return `expected an AWS region such as "us-east-1" (the regions AWS has are listed in ${WHERE})`;
}

/** The region in an ARN (arn:partition:service:region:account:resource), or undefined. */
export function regionOfArn(arn: string): string | undefined {
  return arn.split(":")[3] || undefined;
}

/** EC2 sizes, smallest first; a class is a family and one of these. */
const SIZES = [
  "micro",
  "small",
  "medium",
  "large",
  "xlarge",
  "2xlarge",
  "4xlarge",
  "8xlarge",
  "12xlarge",
  "16xlarge",
  "24xlarge",
  "32xlarge",
  "48xlarge",
];

/** The size ranges families come in. */
const BURSTABLE = ["micro", "small", "medium", "large", "xlarge", "2xlarge"];
const TO_16X = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"];
const TO_24X = [...TO_16X, "24xlarge"];
const TO_32X = [...TO_24X, "32xlarge"];
const TO_48X = [...TO_24X, "48xlarge"];

/**
 * DB instance class families RDS for PostgreSQL runs on, with the sizes each offers (Amazon RDS user guide,
 * "DB instance class types" and "Supported DB engines for DB instance classes").
 */
const RDS_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  t3: BURSTABLE,
  t4g: BURSTABLE,
  m5: TO_24X,
  m5d: TO_24X,
  m6g: TO_16X,
  m6gd: TO_16X,
  m6i: TO_32X,
  m6id: TO_32X,
  m6in: TO_32X,
  m7g: TO_16X,
  m7i: TO_48X,
  m8g: TO_48X,
  r5: TO_24X,
  r5b: TO_24X,
  r5d: TO_24X,
  r6g: TO_16X,
  r6gd: TO_16X,
  r6i: TO_32X,
  r6id: TO_32X,
  r6in: TO_32X,
  r7g: TO_16X,
  r7i: TO_48X,
  r8g: TO_48X,
  x2g: ["medium", ...TO_16X],
};

/**
 * Node types ElastiCache creates new Valkey and Redis OSS clusters on: the current generation (ElastiCache API
 * reference, "CacheNode"; T2 is previous generation and no longer created).
 */
const CACHE_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  t3: ["micro", "small", "medium"],
  t4g: ["micro", "small", "medium"],
  m5: ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"],
  m6g: TO_16X,
  m7g: TO_16X,
  r5: ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"],
  r6g: TO_16X,
  r6gd: TO_16X.slice(1),
  r7g: TO_16X,
};

function classProblem(
  prefix: string,
  value: string,
  families: Readonly<Record<string, readonly string[]>>,
  what: string,
): string | undefined {
  const [head, family, size, ...rest] = value.split(".");
  const sizes = family === undefined ? undefined : families[family];
  if (head === prefix && sizes !== undefined && size !== undefined && sizes.includes(size) && rest.length === 0)
    return undefined;
  if (head !== prefix || sizes === undefined || rest.length > 0) {
    return `expected ${what} such as "${prefix}.t4g.small" of the families ${Object.keys(families).join(", ")} (listed in ${WHERE})`;
  }
  const known = SIZES.includes(size ?? "") ? "is not offered in" : "is not a size of";
  return `expected ${what} in a size ${prefix}.${family} comes in (${sizes.join(", ")}): "${size}" ${known} it`;
}

export function rdsInstanceClassProblem(value: string): string | undefined {
  return classProblem("db", value, RDS_FAMILIES, "an RDS for PostgreSQL instance class");
}

export function cacheNodeTypeProblem(value: string): string | undefined {
  return classProblem("cache", value, CACHE_FAMILIES, "an ElastiCache node type");
}

/**
 * Names RDS for PostgreSQL refuses as the master user or the database (CreateDBInstance: "can't be a reserved
 * word for the chosen database engine"): RDS's own roles, "admin", PostgreSQL's template databases, and the
 * key words PostgreSQL reserves (PostgreSQL documentation, Appendix C, "SQL Key Words", reserved column).
 * Role names starting with pg_ are reserved by PostgreSQL itself.
 */
const RESERVED_NAMES = new Set([
  "admin",
  "rdsadmin",
  "rdsrepladmin",
  "rds_superuser",
  "template0",
  "template1",
  "all",
  "analyse",
  "analyze",
  "and",
  "any",
  "array",
  "as",
  "asc",
  "asymmetric",
  "authorization",
  "binary",
  "both",
  "case",
  "cast",
  "check",
  "collate",
  "collation",
  "column",
  "concurrently",
  "constraint",
  "create",
  "cross",
  "current_catalog",
  "current_date",
  "current_role",
  "current_schema",
  "current_time",
  "current_timestamp",
  "current_user",
  "default",
  "deferrable",
  "desc",
  "distinct",
  "do",
  "else",
  "end",
  "except",
  "false",
  "fetch",
  "for",
  "foreign",
  "freeze",
  "from",
  "full",
  "grant",
  "group",
  "having",
  "ilike",
  "in",
  "initially",
  "inner",
  "intersect",
  "into",
  "is",
  "isnull",
  "join",
  "lateral",
  "leading",
  "left",
  "like",
  "limit",
  "localtime",
  "localtimestamp",
  "natural",
  "not",
  "notnull",
  "null",
  "offset",
  "on",
  "only",
  "or",
  "order",
  "outer",
  "overlaps",
  "placing",
  "primary",
  "references",
  "returning",
  "right",
  "select",
  "session_user",
  "similar",
  "some",
  "symmetric",
  "system_user",
  "table",
  "tablesample",
  "then",
  "to",
  "trailing",
  "true",
  "union",
  "unique",
  "user",
  "using",
  "variadic",
  "verbose",
  "when",
  "where",
  "window",
  "with",
]);

export function reservedNameProblem(name: string, what: "user" | "database"): string | undefined {
  if (what === "user" && name.startsWith("pg_"))
    return 'must not start with "pg_": PostgreSQL reserves those role names';
  if (!RESERVED_NAMES.has(name)) return undefined;
  return `must not be "${name}": RDS for PostgreSQL reserves it; choose another ${what} name, such as "litellm"`;
}
