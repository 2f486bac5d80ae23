/**
 * A stand-in for Amazon Bedrock's control plane, because AWS cannot be reached here. It answers the operations the
 * models command calls as the Bedrock API reference describes them (GetInferenceProfile, GetFoundationModel with
 * modelDetails.modelLifecycle, GetFoundationModelAvailability, ListFoundationModels and ListInferenceProfiles with
 * their nextToken pages), with the SDK's error names. By default each region holds what the model catalog says AWS
 * offers there: an id the catalog does not offer in a region is not found there, and a model past its end of life
 * is gone, even where one of its profiles is still listed. runtimeRefusal is what Bedrock Runtime answers to a call
 * of such an id.
 */
import {
  CATALOG,
  type Catalog,
  catalogVerdict,
  lifecycleIn,
  offeredIds,
  splitModelId,
} from "../../config/modelCatalog";
import type { BedrockSender } from "../../ops/models";

export interface StandInModel {
  status: "ACTIVE" | "LEGACY";
  endOfLifeTime?: Date;
  name?: string;
  /** ON_DEMAND and/or INFERENCE_PROFILE. */
  inferenceTypes?: string[];
  startOfLifeTime?: Date;
}

export interface RegionState {
  /** Inference profile ids the region has, all ACTIVE. */
  profiles: string[];
  /** Foundation models by id, with their lifecycle. */
  models: Record<string, StandInModel>;
  /** Overrides of the availability answer (all granted by default). */
  access?: Record<string, string>;
  /** When set, every call fails with AccessDeniedException and this message. */
  denied?: string;
}

function sdkError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: "client" });
}

/** Each region of the catalog, as Bedrock would hold it on `today`. */
export function regionsOfCatalog(today: Date, catalog: Catalog = CATALOG): Record<string, RegionState> {
  const regions: Record<string, RegionState> = {};
  const region = (name: string) => (regions[name] ??= { profiles: [], models: {} });
  for (const [id, model] of Object.entries(catalog.models)) {
    const sources = new Set([...model.inRegion, ...Object.values(model.profiles).flat()]);
    for (const name of sources) {
      const state = region(name);
      const offered = offeredIds(id, model, name);
      state.profiles.push(...offered.filter((offeredId) => offeredId !== id));
      const lifecycle = lifecycleIn(model, name, today);
      if (lifecycle.status === "EOL") continue;
      const legacyUntil = model.lifecycle.status === "LEGACY" ? model.lifecycle.endOfLife : undefined;
      state.models[id] = {
        status: lifecycle.status,
        ...(legacyUntil ? { endOfLifeTime: new Date(`${legacyUntil}T00:00:00Z`) } : {}),
        name: model.name,
        inferenceTypes: [
          ...(model.inRegion.includes(name) ? ["ON_DEMAND"] : []),
          ...(offered.some((offeredId) => offeredId !== id) ? ["INFERENCE_PROFILE"] : []),
        ],
        ...(model.released ? { startOfLifeTime: new Date(`${model.released}T00:00:00Z`) } : {}),
      };
    }
  }
  return regions;
}

/**
 * What Bedrock Runtime answers to a Converse call of `modelId` from `region`, when it is not served there: an
 * id AWS does not offer in the region (400 ValidationException), a model offered there only through inference
 * profiles called by its own id (400), or a model past its end of life (404 ResourceNotFoundException).
 */
export function runtimeRefusal(
  modelId: string,
  region: string,
  today: Date,
  catalog: Catalog = CATALOG,
): { status: number; type: string; message: string } | undefined {
  const verdict = catalogVerdict(modelId, region, today, catalog);
  if (verdict.kind === "offered") return undefined;
  if (verdict.kind === "eol") {
    return {
      status: 404,
      type: "ResourceNotFoundException",
      message:
        "This model version has reached the end of its life. Please refer to the AWS documentation for more details.",
    };
  }
  if (verdict.kind === "not-offered" && splitModelId(modelId).geography === undefined && verdict.offered.length > 0) {
    return {
      status: 400,
      type: "ValidationException",
      message: `Invocation of model ID ${modelId} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
    };
  }
  return { status: 400, type: "ValidationException", message: "The provided model identifier is invalid." };
}

export class BedrockControlPlaneStandIn {
  /** "region Operation identifier" per call. */
  readonly calls: string[] = [];

  /** Regions as Bedrock holds them; the catalog's on `today` when none are given. */
  constructor(
    readonly regions: Record<string, RegionState> = regionsOfCatalog(new Date()),
    /** Items per page of the List operations. */
    private readonly pageSize = 100,
  ) {}

  client(region: string): BedrockSender {
    return {
      send: async (command: { constructor: { name: string }; input: Record<string, string | number | undefined> }) => {
        const operation = command.constructor.name.replace(/Command$/, "");
        const state = this.regions[region];
        this.calls.push(
          `${region} ${operation} ${Object.values(command.input)
            .filter((value) => value !== undefined)
            .join(",")}`,
        );
        if (state === undefined)
          throw sdkError("UnrecognizedClientException", "The security token included in the request is invalid.");
        if (state.denied !== undefined) throw sdkError("AccessDeniedException", state.denied);
        switch (operation) {
          case "GetInferenceProfile": {
            const id = String(command.input["inferenceProfileIdentifier"]);
            if (!state.profiles.includes(id))
              throw sdkError("ResourceNotFoundException", "The specified inference profile does not exist.");
            return {
              inferenceProfileId: id,
              inferenceProfileName: id,
              status: "ACTIVE",
              type: "SYSTEM_DEFINED",
              models: [],
            };
          }
          case "GetFoundationModel": {
            const id = String(command.input["modelIdentifier"]);
            const model = state.models[id];
            if (model === undefined) throw sdkError("ResourceNotFoundException", "The specified model does not exist.");
            return { modelDetails: modelDetails(region, id, model) };
          }
          case "GetFoundationModelAvailability": {
            const id = String(command.input["modelId"]);
            return {
              modelId: id,
              agreementAvailability: { status: "AVAILABLE" },
              authorizationStatus: "AUTHORIZED",
              entitlementAvailability: "AVAILABLE",
              regionAvailability: "AVAILABLE",
              ...state.access,
            };
          }
          case "ListFoundationModels": {
            const provider = command.input["byProvider"];
            const summaries = Object.entries(state.models)
              .filter(([id]) => provider === undefined || id.startsWith(`${String(provider).toLowerCase()}.`))
              .map(([id, model]) => ({ ...modelDetails(region, id, model), modelLifecycle: { status: model.status } }));
            // ListFoundationModels is not paginated.
            return { modelSummaries: summaries };
          }
          case "ListInferenceProfiles": {
            const profiles = state.profiles.map((id) => ({
              inferenceProfileId: id,
              inferenceProfileName: id,
              inferenceProfileArn: `arn:aws:bedrock:${region}:123456789012:inference-profile/${id}`,
              status: "ACTIVE",
              type: "SYSTEM_DEFINED",
              models: [{ modelArn: `arn:aws:bedrock:${region}::foundation-model/${splitModelId(id).foundationModel}` }],
            }));
            const start = Number(command.input["nextToken"] ?? 0);
            const size = Math.min(Number(command.input["maxResults"] ?? this.pageSize), this.pageSize);
            const page = profiles.slice(start, start + size);
            return {
              inferenceProfileSummaries: page,
              ...(start + size < profiles.length ? { nextToken: String(start + size) } : {}),
            };
          }
          default:
            throw sdkError("UnknownOperationException", operation);
        }
      },
    };
  }
}

function modelDetails(region: string, id: string, model: StandInModel) {
  return {
    modelArn: `arn:aws:bedrock:${region}::foundation-model/${id}`,
    modelId: id,
    modelName: model.name ?? id,
    providerName: id.split(".")[0],
    inferenceTypesSupported: model.inferenceTypes ?? ["INFERENCE_PROFILE"],
    modelLifecycle: {
      status: model.status,
      ...(model.endOfLifeTime ? { endOfLifeTime: model.endOfLifeTime } : {}),
      ...(model.startOfLifeTime ? { startOfLifeTime: model.startOfLifeTime } : {}),
    },
  };
}
