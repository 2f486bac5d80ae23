import type { ConfigProblem } from "./errors";

/**
 * Facts about Bedrock model ids: the geography prefixes of cross-region inference profiles, and the models known
 * to be past their end of life on Bedrock. The list is data, kept here with its sources; it can only lag behind
 * Bedrock, so `litellm-mcp models` asks Bedrock itself.
 */

/** Prefixes of AWS's cross-region inference profiles: us.anthropic.x routes anthropic.x within the US. */
export const PROFILE_GEOGRAPHIES = ["us", "eu", "apac", "jp", "au", "ca", "us-gov", "global"] as const;

const PROFILE = new RegExp(`^(${PROFILE_GEOGRAPHIES.join("|")})\\.(.+)$`);

/** A model id's inference profile geography (undefined for a foundation model id) and its foundation model id. */
export function splitModelId(id: string): { geography?: string; foundationModel: string } {
  const match = PROFILE.exec(id);
  return match ? { geography: match[1]!, foundationModel: match[2]! } : { foundationModel: id };
}

/**
 * The regions a geography's cross-region inference profiles are called from (their source regions), from the
 * Amazon Bedrock user guide, "Supported Regions and models for inference profiles". Global profiles are called
 * from any commercial region.
 */
const SOURCE_REGIONS: Readonly<Record<string, { readonly regions: RegExp; readonly described: string }>> = {
  us: { regions: /^us-(east|west)-\d+$/, described: "US (us-east-*, us-west-*)" },
  eu: { regions: /^eu-/, described: "European (eu-*)" },
  apac: { regions: /^ap-/, described: "Asia Pacific (ap-*)" },
  jp: { regions: /^ap-northeast-[13]$/, described: "Japanese (ap-northeast-1, ap-northeast-3)" },
  au: { regions: /^ap-southeast-[24]$/, described: "Australian (ap-southeast-2, ap-southeast-4)" },
  ca: { regions: /^ca-/, described: "Canadian (ca-*)" },
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

export interface EndOfLife {
  /** The foundation model id; its inference profiles end with it. */
  readonly modelId: string;
  readonly name: string;
  /** The end-of-life date on Bedrock, when a source gives one. */
  readonly date?: string;
  readonly source: string;
}

/** Models Bedrock no longer serves. */
const END_OF_LIFE: readonly EndOfLife[] = [
  {
    modelId: "anthropic.claude-3-5-sonnet-20240620-v1:0",
    name: "Claude 3.5 Sonnet",
    source: "Amazon Bedrock user guide, Model lifecycle (Legacy): listed End-of-Life",
  },
  {
    modelId: "anthropic.claude-3-7-sonnet-20250219-v1:0",
    name: "Claude 3.7 Sonnet",
    date: "2026-04-28",
    source: "Amazon Bedrock user guide, Model lifecycle (Legacy): EOL 2026-04-28",
  },
  {
    modelId: "anthropic.claude-sonnet-4-20250514-v1:0",
    name: "Claude Sonnet 4",
    date: "2026-10-14",
    source: "Amazon Bedrock model card, Claude Sonnet 4: model end date 2026-10-14",
  },
];

/** What is known of a model id's end of life, for a foundation model or any of its inference profiles. */
export function endOfLife(id: string): EndOfLife | undefined {
  const { foundationModel } = splitModelId(id);
  return END_OF_LIFE.find((entry) => entry.modelId === foundationModel);
}

/** A warning for each configured model known to be past its end of life: the schema cannot know dates offline. */
export function lifecycleWarnings(models: readonly { readonly bedrockModelId: string }[]): ConfigProblem[] {
  return models.flatMap((model, index) => {
    const known = endOfLife(model.bedrockModelId);
    if (known === undefined) return [];
    const when = known.date === undefined ? "" : ` since ${known.date}`;
    return [
      {
        path: `models[${index}].bedrockModelId`,
        message: `warning: ${known.name} is end of life on Bedrock${when} (${known.source}); every call to it fails: pick an Active model and check it with litellm-mcp models`,
      },
    ];
  });
}
