/**
 * A stand-in for Amazon Bedrock's control plane, because AWS cannot be reached here: the three operations the
 * models command calls, answering as the Bedrock API reference describes them (GetInferenceProfile,
 * GetFoundationModel with modelDetails.modelLifecycle, GetFoundationModelAvailability), and the SDK's error names.
 */
import type { BedrockSender } from "../../ops/models";

export interface RegionState {
  /** Inference profile ids the region has, all ACTIVE. */
  profiles: string[];
  /** Foundation models by id, with their lifecycle. */
  models: Record<string, { status: "ACTIVE" | "LEGACY"; endOfLifeTime?: Date }>;
  /** Overrides of the availability answer (all granted by default). */
  access?: Record<string, string>;
  /** When set, every call fails with AccessDeniedException and this message. */
  denied?: string;
}

function sdkError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: "client" });
}

export class BedrockControlPlaneStandIn {
  /** "region Operation identifier" per call. */
  readonly calls: string[] = [];

  constructor(readonly regions: Record<string, RegionState>) {}

  client(region: string): BedrockSender {
    return {
      send: async (command: { constructor: { name: string }; input: Record<string, string> }) => {
        const operation = command.constructor.name.replace(/Command$/, "");
        const state = this.regions[region];
        this.calls.push(`${region} ${operation} ${Object.values(command.input).join(",")}`);
        if (state === undefined) throw sdkError("UnrecognizedClientException", `no Bedrock in ${region}`);
        if (state.denied !== undefined) throw sdkError("AccessDeniedException", state.denied);
        switch (operation) {
          case "GetInferenceProfile": {
            const id = command.input["inferenceProfileIdentifier"]!;
            if (!state.profiles.includes(id)) throw sdkError("ResourceNotFoundException", "The specified inference profile does not exist.");
            return { inferenceProfileId: id, inferenceProfileName: id, status: "ACTIVE", type: "SYSTEM_DEFINED", models: [] };
          }
          case "GetFoundationModel": {
            const id = command.input["modelIdentifier"]!;
            const model = state.models[id];
            if (model === undefined) throw sdkError("ResourceNotFoundException", "The specified model does not exist.");
            return { modelDetails: { modelId: id, modelLifecycle: model } };
          }
          case "GetFoundationModelAvailability": {
            const id = command.input["modelId"]!;
            return {
              modelId: id,
              agreementAvailability: { status: "AVAILABLE" },
              authorizationStatus: "AUTHORIZED",
              entitlementAvailability: "AVAILABLE",
              regionAvailability: "AVAILABLE",
              ...state.access,
            };
          }
          default:
            throw sdkError("UnknownOperationException", operation);
        }
      },
    };
  }
}
