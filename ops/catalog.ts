/**
 * models --refresh: rebuilds the model catalog (config/bedrock-catalog.json) from Bedrock itself, with the caller's
 * AWS credentials, so that anyone with an account can renew it. In each region: ListFoundationModels (Anthropic's
 * models, with the inference types they are offered with), ListInferenceProfiles (every page) and GetFoundationModel
 * for each model's lifecycle and dates. A region that cannot be asked (not opted in, no permission) keeps what the
 * catalog held for it; a model no reached region lists any more is end of life.
 */
import { type Catalog, type CatalogModel, type Lifecycle, splitModelId } from "../config/modelCatalog";
import { OpsError } from "./errors";
import { type BedrockSender, bedrockSdk, credentialsMissing, NO_CREDENTIALS } from "./models";

/** The provider whose models the catalog holds: the gateway serves Claude. */
const PROVIDER = "Anthropic";

interface RegionListing {
  /** Foundation model id -> what the region says of it. */
  readonly models: Map<string, { name: string; onDemand: boolean; lifecycle: Lifecycle; released?: string }>;
  /** Inference profile ids offered in the region. */
  readonly profiles: string[];
}

function day(date: Date | undefined): string | undefined {
  return date === undefined ? undefined : new Date(date).toISOString().slice(0, 10);
}

async function listRegion(bedrock: BedrockSender, today: Date): Promise<RegionListing> {
  const summaries = ((await bedrock.send(new (bedrockSdk().ListFoundationModelsCommand)({ byProvider: PROVIDER })))
    .modelSummaries ?? []) as {
    modelId: string;
    modelName?: string;
    inferenceTypesSupported?: string[];
  }[];
  const profiles: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await bedrock.send(
      new (bedrockSdk().ListInferenceProfilesCommand)({ typeEquals: "SYSTEM_DEFINED", maxResults: 1000, nextToken }),
    );
    for (const profile of page.inferenceProfileSummaries ?? [])
      if (profile.status === "ACTIVE") profiles.push(profile.inferenceProfileId);
    nextToken = page.nextToken;
  } while (nextToken);
  const models = new Map<string, { name: string; onDemand: boolean; lifecycle: Lifecycle; released?: string }>();
  for (const summary of summaries) {
    const details = (
      await bedrock.send(new (bedrockSdk().GetFoundationModelCommand)({ modelIdentifier: summary.modelId }))
    ).modelDetails as {
      modelLifecycle?: { status?: string; endOfLifeTime?: Date; startOfLifeTime?: Date };
    };
    const lifecycle = details.modelLifecycle;
    const endOfLife = day(lifecycle?.endOfLifeTime);
    const status: Lifecycle =
      lifecycle?.status === "LEGACY"
        ? { status: "LEGACY", ...(endOfLife ? { endOfLife } : {}) }
        : endOfLife !== undefined && endOfLife <= day(today)!
          ? { status: "EOL", since: endOfLife }
          : { status: "ACTIVE" };
    const released = day(lifecycle?.startOfLifeTime);
    models.set(summary.modelId, {
      name: summary.modelName ?? summary.modelId,
      onDemand: (summary.inferenceTypesSupported ?? []).includes("ON_DEMAND"),
      lifecycle: status,
      ...(released ? { released } : {}),
    });
  }
  // The provider's profiles, those of a model the region no longer lists included: a listed profile of a model gone
  // from the region is what a caller of it meets.
  const prefix = `${PROVIDER.toLowerCase()}.`;
  return {
    models,
    profiles: profiles.filter(
      (id) => splitModelId(id).geography !== undefined && splitModelId(id).foundationModel.startsWith(prefix),
    ),
  };
}

const same = (a: Lifecycle, b: Lifecycle) => JSON.stringify(a) === JSON.stringify(b);

/** The lifecycle most regions give, the first seen on a tie. */
function mostCommon(lifecycles: Lifecycle[]): Lifecycle {
  let best = lifecycles[0]!;
  let count = 0;
  for (const candidate of lifecycles) {
    const seen = lifecycles.filter((other) => same(other, candidate)).length;
    if (seen > count) [best, count] = [candidate, seen];
  }
  return best;
}

export interface RefreshResult {
  readonly catalog: Catalog;
  /** Regions that could not be asked, and why; they keep what the catalog held. */
  readonly skipped: Record<string, string>;
  /** Lines saying what changed, for the user. */
  readonly changes: string[];
}

export async function refreshCatalog(
  previous: Catalog,
  regions: readonly string[],
  bedrockFor: (region: string) => BedrockSender,
  today: Date,
): Promise<RefreshResult> {
  const listings = new Map<string, RegionListing>();
  const skipped: Record<string, string> = {};
  for (const region of regions) {
    try {
      listings.set(region, await listRegion(bedrockFor(region), today));
    } catch (error) {
      const name = (error as { name?: string }).name ?? "Error";
      if (credentialsMissing(error)) throw new OpsError(NO_CREDENTIALS);
      skipped[region] = `${name}: ${(error as Error).message}`;
    }
  }
  const reached = [...listings.keys()];
  const source = `refresh-${day(today)}`;
  const ids = new Set([
    ...Object.keys(previous.models),
    ...[...listings.values()].flatMap((listing) => [...listing.models.keys()]),
  ]);
  const models: Record<string, CatalogModel> = {};
  for (const id of [...ids].sort()) {
    const before = previous.models[id];
    const present = reached.filter((region) => listings.get(region)!.models.has(id));
    const kept = (regions: readonly string[]) => regions.filter((region) => !reached.includes(region));
    if (present.length === 0) {
      if (before === undefined) continue;
      // Listed nowhere it could be asked: gone from Bedrock.
      const since =
        before.lifecycle.status === "EOL"
          ? before.lifecycle.since
          : before.lifecycle.status === "LEGACY"
            ? before.lifecycle.endOfLife
            : undefined;
      models[id] = {
        ...before,
        lifecycle: { status: "EOL", ...(since ? { since } : {}) },
        ...(before.regionalLifecycle
          ? {
              regionalLifecycle: Object.fromEntries(
                Object.entries(before.regionalLifecycle).filter(([region]) => !reached.includes(region)),
              ),
            }
          : {}),
        sources: [...new Set([...before.sources, source])],
      };
      continue;
    }
    const seen = present.map((region) => listings.get(region)!.models.get(id)!);
    const lifecycle =
      before?.lifecycle.status === "EOL" ? before.lifecycle : mostCommon(seen.map((model) => model.lifecycle));
    const regional: Record<string, Lifecycle> = Object.fromEntries(
      Object.entries(before?.regionalLifecycle ?? {}).filter(([region]) => !reached.includes(region)),
    );
    present.forEach((region, index) => {
      if (!same(seen[index]!.lifecycle, lifecycle)) regional[region] = seen[index]!.lifecycle;
    });
    const profiles: Record<string, string[]> = {};
    for (const [prefix, sources] of Object.entries(before?.profiles ?? {}))
      if (kept(sources).length > 0) profiles[prefix] = kept(sources);
    for (const region of reached) {
      for (const profile of listings.get(region)!.profiles) {
        const { geography, foundationModel } = splitModelId(profile);
        if (foundationModel === id && geography !== undefined)
          profiles[geography] = [...(profiles[geography] ?? []), region];
      }
    }
    const usedPrevious =
      before !== undefined &&
      (kept(before.inRegion).length > 0 || Object.values(before.profiles).some((sources) => kept(sources).length > 0));
    const released = seen.find((model) => model.released)?.released ?? before?.released;
    models[id] = {
      name: seen[0]!.name,
      ...(released ? { released } : {}),
      lifecycle,
      ...(Object.keys(regional).length > 0 ? { regionalLifecycle: regional } : {}),
      inRegion: [
        ...kept(before?.inRegion ?? []),
        ...present.filter((region) => listings.get(region)!.models.get(id)!.onDemand),
      ].sort(),
      profiles: Object.fromEntries(
        Object.entries(profiles).map(([prefix, sources]) => [prefix, [...new Set(sources)].sort()]),
      ),
      sources: usedPrevious ? [...new Set([...before!.sources, source])] : [source],
    };
  }
  const usedSources = new Set(Object.values(models).flatMap((model) => model.sources));
  const sources = Object.fromEntries(Object.entries(previous.sources).filter(([key]) => usedSources.has(key)));
  sources[source] = {
    what: `ListFoundationModels (${PROVIDER}), ListInferenceProfiles and GetFoundationModel in ${reached.length} region(s) (${reached.join(", ")}), with the caller's AWS credentials`,
    read: day(today)!,
  };
  const read = Object.values(sources)
    .map((entry) => entry.read)
    .sort()[0]!;
  const catalog: Catalog = { read, sources, models };
  return { catalog, skipped, changes: changes(previous, catalog) };
}

/** What a refresh changed, a line per model. */
function changes(before: Catalog, after: Catalog): string[] {
  const lines: string[] = [];
  for (const id of [...new Set([...Object.keys(before.models), ...Object.keys(after.models)])].sort()) {
    const [old, now] = [before.models[id], after.models[id]];
    if (old === undefined) lines.push(`added ${id} (${now!.name})`);
    else if (now === undefined) lines.push(`dropped ${id}`);
    else if (old.lifecycle.status !== now.lifecycle.status)
      lines.push(`${id}: ${old.lifecycle.status} -> ${now.lifecycle.status}`);
    else if (JSON.stringify({ ...old, sources: [] }) !== JSON.stringify({ ...now, sources: [] }))
      lines.push(`${id}: regions or ids changed`);
  }
  return lines;
}

function lifecycleText(lifecycle: Lifecycle): string {
  if (lifecycle.status === "ACTIVE")
    return lifecycle.endOfLifeNotBefore ? `Active (end of life not before ${lifecycle.endOfLifeNotBefore})` : "Active";
  if (lifecycle.status === "LEGACY")
    return `Legacy${lifecycle.endOfLife ? `, end of life ${lifecycle.endOfLife}` : ""}`;
  return `End of life${lifecycle.since ? ` ${lifecycle.approximate ? "about " : ""}${lifecycle.since}` : ""}`;
}

/**
 * The README's model table: each Claude model of the catalog, newest first by family, its lifecycle, and the ids
 * AWS offers for it in each of `regions` (by prefix; "in-Region" for the model's own id).
 */
export function catalogTable(catalog: Catalog, regions: readonly string[]): string {
  const families = ["Sonnet", "Opus", "Haiku"];
  const family = (model: CatalogModel) => families.findIndex((name) => model.name.includes(name));
  const rows = Object.entries(catalog.models).sort(
    ([, a], [, b]) => family(a) - family(b) || (b.released ?? "").localeCompare(a.released ?? ""),
  );
  const offered = (model: CatalogModel, region: string) => {
    const ids = [
      ...(model.inRegion.includes(region) ? ["in-Region"] : []),
      ...Object.keys(model.profiles)
        .filter((prefix) => model.profiles[prefix]!.includes(region))
        .sort((a, b) => Number(a === "global") - Number(b === "global") || a.localeCompare(b))
        .map((prefix) => `\`${prefix}.\``),
    ];
    const regional = model.regionalLifecycle?.[region];
    const here = regional ?? model.lifecycle;
    const note = regional ? ` (${lifecycleText(regional)} here)` : here.status === "EOL" ? " (listed, model gone)" : "";
    return ids.length === 0 ? "-" : `${ids.join(", ")}${note}`;
  };
  const lines = [
    `| model | id | lifecycle | ${regions.join(" | ")} |`,
    `| --- | --- | --- |${regions.map(() => " --- |").join("")}`,
  ];
  for (const [id, model] of rows)
    lines.push(
      `| ${model.name} | \`${id}\` | ${lifecycleText(model.lifecycle)} | ${regions.map((region) => offered(model, region)).join(" | ")} |`,
    );
  return `${lines.join("\n")}\n`;
}

const TABLE = /(<!-- catalog-table: ([^>]*) -->\n)[\s\S]*?(<!-- \/catalog-table -->)/;

/** A README with its catalog table renewed from `catalog`; unchanged when it has none. */
export function withCatalogTable(readme: string, catalog: Catalog): string {
  return readme.replace(
    TABLE,
    (_, open: string, regions: string, close: string) =>
      `${open}${catalogTable(catalog, regions.trim().split(" "))}${close}`,
  );
}
