/**
 * Facts about Bedrock model ids. The catalog (bedrock-catalog.json) is data with its sources: for each model, its
 * lifecycle (per region where it differs) and, for each source region, which ids AWS offers there: the in-Region
 * id, geo inference profiles (us., eu., jp., ...) and the global one. Validation, the task role's policy, the
 * Bedrock stand-ins of the tests and the README's model table all read it. It can only lag behind Bedrock:
 * `litellm-mcp models` asks Bedrock itself, and `litellm-mcp models --refresh` renews the catalog.
 */
import * as z from "zod/mini";
import catalogFile from "./bedrock-catalog.json";
import type { ConfigProblem } from "./errors";

/** Prefixes of AWS's inference profiles: us.anthropic.x routes anthropic.x within the US, global. anywhere. */
export const PROFILE_GEOGRAPHIES = ["us", "eu", "apac", "jp", "au", "ca", "in", "us-gov", "global"] as const;

const PROFILE = new RegExp(`^(${PROFILE_GEOGRAPHIES.join("|")})\\.(.+)$`);

/** A model id's inference profile geography (undefined for a foundation model id) and its foundation model id. */
export function splitModelId(id: string): { geography?: string; foundationModel: string } {
  const match = PROFILE.exec(id);
  return match ? { geography: match[1]!, foundationModel: match[2]! } : { foundationModel: id };
}

/**
 * The regions a geography's inference profiles are called from (their source regions), from the Amazon Bedrock
 * user guide, "Supported Regions and models for inference profiles": for ids the catalog does not know.
 */
const SOURCE_REGIONS: Readonly<Record<string, { readonly regions: RegExp; readonly described: string }>> = {
  us: {
    regions: /^(us-(east|west)-\d+|ca-(central|west)-1)$/,
    described: "US and Canadian (us-east-*, us-west-*, ca-*)",
  },
  eu: { regions: /^eu-/, described: "European (eu-*)" },
  apac: { regions: /^ap-/, described: "Asia Pacific (ap-*)" },
  jp: { regions: /^ap-northeast-[13]$/, described: "Japanese (ap-northeast-1, ap-northeast-3)" },
  au: { regions: /^ap-southeast-[24]$/, described: "Australian (ap-southeast-2, ap-southeast-4)" },
  ca: { regions: /^ca-/, described: "Canadian (ca-*)" },
  in: { regions: /^ap-south-[12]$/, described: "Indian (ap-south-1, ap-south-2)" },
  "us-gov": { regions: /^us-gov-/, described: "GovCloud (us-gov-*)" },
  global: { regions: /^(?!us-gov-|cn-)/, described: "commercial" },
};

/** Why an inference profile cannot be called from the model's region, or undefined. */
export function geographyProblem(modelId: string, region: string): string | undefined {
  const { geography } = splitModelId(modelId);
  const source = geography === undefined ? undefined : SOURCE_REGIONS[geography];
  if (source === undefined || source.regions.test(region)) return undefined;
  return `expected a profile ${region} can call: "${geography}." profiles are called from ${source.described} regions`;
}

// ---------------------------------------------------------------------------------------------------------
// the catalog

const date = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));
const lifecycleSchema = z.union([
  z.strictObject({ status: z.literal("ACTIVE"), endOfLifeNotBefore: z.optional(date) }),
  z.strictObject({ status: z.literal("LEGACY"), endOfLife: z.optional(date) }),
  z.strictObject({ status: z.literal("EOL"), since: z.optional(date), approximate: z.optional(z.boolean()) }),
]);
const catalogSchema = z.strictObject({
  /** When the data was read from AWS: the oldest of its sources. */
  read: date,
  sources: z.record(z.string(), z.strictObject({ what: z.string(), read: date })),
  models: z.record(
    z.string(),
    z.strictObject({
      name: z.string(),
      released: z.optional(date),
      lifecycle: lifecycleSchema,
      /** Regions where the lifecycle differs from `lifecycle`. */
      regionalLifecycle: z.optional(z.record(z.string(), lifecycleSchema)),
      /** Source regions where the foundation model id itself is offered on demand. */
      inRegion: z.array(z.string()),
      /** By profile prefix (us, jp, global, ...): the source regions the profile is offered in. */
      profiles: z.record(z.string(), z.array(z.string())),
      /** Keys of `sources` this row was read from. */
      sources: z.array(z.string()),
    }),
  ),
});

export type Catalog = z.infer<typeof catalogSchema>;
export type CatalogModel = Catalog["models"][string];
export type Lifecycle = z.infer<typeof lifecycleSchema>;

/** Where the catalog lives in the project, for messages and for `models --refresh`. */
export const CATALOG_FILE = "config/bedrock-catalog.json";

export function parseCatalog(data: unknown): Catalog {
  const parsed = catalogSchema.safeParse(data);
  if (!parsed.success)
    throw new Error(
      `${CATALOG_FILE}: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`,
    );
  for (const [id, model] of Object.entries(parsed.data.models)) {
    const unknown = model.sources.filter((source) => !(source in parsed.data.sources));
    if (unknown.length > 0)
      throw new Error(`${CATALOG_FILE}: models.${id} names unknown sources ${unknown.join(", ")}`);
  }
  return parsed.data;
}

export const CATALOG: Catalog = parseCatalog(catalogFile);

/** Every region the catalog has data for. */
export function catalogRegions(catalog: Catalog = CATALOG): string[] {
  const regions = Object.values(catalog.models).flatMap((model) => [
    ...model.inRegion,
    ...Object.values(model.profiles).flat(),
    ...Object.keys(model.regionalLifecycle ?? {}),
  ]);
  return [...new Set(regions)].sort();
}

/** The lifecycle in effect in a region on a day: a Legacy model past its end-of-life date is end of life. */
export function lifecycleIn(
  model: CatalogModel,
  region: string,
  today: Date,
): { status: "ACTIVE" | "LEGACY" | "EOL"; date?: string } {
  const lifecycle = model.regionalLifecycle?.[region] ?? model.lifecycle;
  if (lifecycle.status === "LEGACY") {
    if (lifecycle.endOfLife !== undefined && lifecycle.endOfLife <= day(today))
      return { status: "EOL", date: lifecycle.endOfLife };
    return { status: "LEGACY", ...(lifecycle.endOfLife ? { date: lifecycle.endOfLife } : {}) };
  }
  if (lifecycle.status === "EOL") return { status: "EOL", ...(lifecycle.since ? { date: lifecycle.since } : {}) };
  return { status: "ACTIVE" };
}

/** The ids of a model AWS offers in a source region: the in-Region id first, then geo profiles, global last. */
export function offeredIds(foundationModel: string, model: CatalogModel, region: string): string[] {
  const ids = model.inRegion.includes(region) ? [foundationModel] : [];
  const prefixes = Object.keys(model.profiles).sort(
    (a, b) => Number(a === "global") - Number(b === "global") || a.localeCompare(b),
  );
  for (const prefix of prefixes) if (model.profiles[prefix]!.includes(region)) ids.push(`${prefix}.${foundationModel}`);
  return ids;
}

function day(when: Date): string {
  return when.toISOString().slice(0, 10);
}

/** Sonnet, Opus, Haiku: the family a replacement should come from. */
function family(model: CatalogModel): string {
  return /\b(Sonnet|Opus|Haiku)\b/.exec(model.name)?.[1] ?? model.name;
}

/**
 * Active models of the same family offered in the region, newest first, with the ids to call them by; ids of the
 * configured id's own geography (jp., us., in-Region) before the others, so that a replacement keeps the data where
 * the configured one kept it when the catalog allows.
 */
export function alternatives(modelId: string, region: string, today: Date, catalog: Catalog = CATALOG): string[] {
  const { geography, foundationModel } = splitModelId(modelId);
  const model = catalog.models[foundationModel];
  const ids = Object.entries(catalog.models)
    .filter(([id, candidate]) => id !== foundationModel && (model === undefined || family(candidate) === family(model)))
    .filter(([, candidate]) => lifecycleIn(candidate, region, today).status === "ACTIVE")
    .sort(([, a], [, b]) => (b.released ?? "").localeCompare(a.released ?? ""))
    .flatMap(([id, candidate]) => offeredIds(id, candidate, region));
  const sameGeography = (id: string) => splitModelId(id).geography === geography;
  return [...ids.filter(sameGeography), ...ids.filter((id) => !sameGeography(id))].slice(0, 4);
}

/** What the catalog says of a configured model id in its region. */
export type CatalogVerdict =
  | { readonly kind: "offered"; readonly name: string; readonly lifecycle: ReturnType<typeof lifecycleIn> }
  | { readonly kind: "eol"; readonly name: string; readonly since?: string; readonly alternatives: string[] }
  | { readonly kind: "not-offered"; readonly name: string; readonly offered: string[]; readonly alternatives: string[] }
  | { readonly kind: "unknown" };

export function catalogVerdict(
  modelId: string,
  region: string,
  today: Date,
  catalog: Catalog = CATALOG,
): CatalogVerdict {
  const { foundationModel } = splitModelId(modelId);
  const model = catalog.models[foundationModel];
  if (model === undefined) return { kind: "unknown" };
  const lifecycle = lifecycleIn(model, region, today);
  if (lifecycle.status === "EOL")
    return {
      kind: "eol",
      name: model.name,
      ...(lifecycle.date ? { since: lifecycle.date } : {}),
      alternatives: alternatives(modelId, region, today, catalog),
    };
  const offered = offeredIds(foundationModel, model, region);
  if (!offered.includes(modelId))
    return {
      kind: "not-offered",
      name: model.name,
      offered,
      alternatives: alternatives(modelId, region, today, catalog),
    };
  return { kind: "offered", name: model.name, lifecycle };
}

/** Where the catalog's facts come from, in a message. */
function cited(catalog: Catalog): string {
  return `${CATALOG_FILE}, read ${catalog.read}`;
}

function suggestions(ids: readonly string[]): string {
  return ids.length === 0 ? "none in the catalog" : ids.map((id) => `"${id}"`).join(", ");
}

/** A configured model, as the checks need it. */
export interface CheckedModel {
  readonly bedrockModelId: string;
  readonly region: string;
  /** The day `litellm-mcp models` found the id offered in its region, for ids newer than the catalog. */
  readonly checkedWithBedrock?: string;
}

/**
 * Why a configured id will fail in its region, by the catalog, or undefined: end of life there, not offered there
 * (naming the ids that are), or unknown to the catalog. A model checked with `litellm-mcp models` may be newer than
 * the catalog, offered where the catalog does not know it yet; nothing brings a model back from end of life.
 */
export function catalogProblem(model: CheckedModel, today: Date, catalog: Catalog = CATALOG): string | undefined {
  const verdict = catalogVerdict(model.bedrockModelId, model.region, today, catalog);
  switch (verdict.kind) {
    case "offered":
      return undefined;
    case "eol":
      return `${verdict.name} is end of life on Bedrock in ${model.region}${verdict.since ? ` since ${verdict.since}` : ""} (${cited(catalog)}): every call fails; Active ids there: ${suggestions(verdict.alternatives)}`;
    case "not-offered":
      if (model.checkedWithBedrock !== undefined) return undefined;
      return `expected an id AWS offers in ${model.region}: "${model.bedrockModelId}" is not (${cited(catalog)}); ${verdict.name} is offered there as ${suggestions(verdict.offered)}. If Bedrock offers it now, check it with litellm-mcp models and set checkedWithBedrock`;
    case "unknown":
      if (model.checkedWithBedrock !== undefined) return undefined;
      return `"${model.bedrockModelId}" is not in the model catalog (${cited(catalog)}): check it with litellm-mcp models and set checkedWithBedrock to the day it answered, or renew the catalog with litellm-mcp models --refresh`;
  }
}

/** A warning for each configured model in its Legacy period: it still answers, until its end-of-life date. */
export function lifecycleWarnings(
  models: readonly CheckedModel[],
  today = new Date(),
  catalog: Catalog = CATALOG,
): ConfigProblem[] {
  return models.flatMap((model, index) => {
    const verdict = catalogVerdict(model.bedrockModelId, model.region, today, catalog);
    if (verdict.kind !== "offered" || verdict.lifecycle.status !== "LEGACY") return [];
    const until = verdict.lifecycle.date ? `until ${verdict.lifecycle.date}` : "until a date Bedrock has not given yet";
    const replacements = alternatives(model.bedrockModelId, model.region, today, catalog);
    return [
      {
        path: `models[${index}].bedrockModelId`,
        message: `warning: ${verdict.name} is Legacy on Bedrock in ${model.region}, ${until} (${cited(catalog)}): move to an Active model before then, such as ${suggestions(replacements)}`,
      },
    ];
  });
}
