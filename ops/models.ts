/**
 * models: does Bedrock still serve every configured model? For each deployment, in its region, with the caller's
 * AWS credentials (Bedrock's control plane, SDK v3): whether the id or inference profile exists there, the
 * foundation model's lifecycle (Active, Legacy with its end-of-life date) and whether the account has access.
 */
import { GetFoundationModelAvailabilityCommand, GetFoundationModelCommand, GetInferenceProfileCommand } from "@aws-sdk/client-bedrock";
import { splitModelId } from "../config/bedrock";
import type { ModelConfig } from "../config/schema";

/** Anything with the SDK client's send(): a BedrockClient, or a stand-in in tests. */
export interface BedrockSender {
  // biome-ignore lint/suspicious/noExplicitAny: the SDK's send is generic over every command of a client
  send(command: any): Promise<any>;
}

export type Verdict = "ok" | "warning" | "failed";

export interface ModelReport {
  readonly name: string;
  readonly region: string;
  readonly modelId: string;
  /** ACTIVE, LEGACY, EOL (past its end-of-life time, or unknown to Bedrock) or UNKNOWN (could not be read). */
  readonly lifecycle: string;
  /** The end-of-life date (YYYY-MM-DD), when Bedrock gives one. */
  readonly endOfLife?: string;
  /** granted, or why not. */
  readonly access: string;
  readonly verdict: Verdict;
  readonly detail: string;
}

function errorName(error: unknown): string {
  return (error as { name?: string }).name ?? "Error";
}

function notFound(error: unknown): boolean {
  return ["ResourceNotFoundException", "ValidationException"].includes(errorName(error));
}

function day(date: Date | undefined): string | undefined {
  return date === undefined ? undefined : date.toISOString().slice(0, 10);
}

/** Checks one deployment against Bedrock in its region. */
async function checkModel(model: ModelConfig, bedrock: BedrockSender, now: Date): Promise<ModelReport> {
  const base = { name: model.name, region: model.region, modelId: model.bedrockModelId };
  const failed = (lifecycle: string, access: string, detail: string): ModelReport => ({ ...base, lifecycle, access, verdict: "failed", detail });
  const { geography, foundationModel } = splitModelId(model.bedrockModelId);
  try {
    if (geography !== undefined) {
      try {
        const profile = await bedrock.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: model.bedrockModelId }));
        if (profile.status !== "ACTIVE") return failed("UNKNOWN", "-", `inference profile is ${profile.status ?? "not active"} in ${model.region}`);
      } catch (error) {
        if (notFound(error)) return failed("EOL", "-", `no inference profile ${model.bedrockModelId} in ${model.region}`);
        throw error;
      }
    }
    let lifecycle: { status?: string; endOfLifeTime?: Date; legacyTime?: Date } | undefined;
    try {
      lifecycle = (await bedrock.send(new GetFoundationModelCommand({ modelIdentifier: foundationModel }))).modelDetails?.modelLifecycle;
    } catch (error) {
      if (!notFound(error)) throw error;
      if (geography === undefined) return failed("EOL", "-", `no foundation model ${foundationModel} in ${model.region}`);
      // A profile-only model need not be listed in the source region; the profile itself answered.
    }
    const availability = await bedrock.send(new GetFoundationModelAvailabilityCommand({ modelId: foundationModel }));
    const missing = [
      availability.authorizationStatus !== "AUTHORIZED" && `authorization ${availability.authorizationStatus ?? "unknown"}`,
      availability.entitlementAvailability !== "AVAILABLE" && `entitlement ${availability.entitlementAvailability ?? "unknown"}`,
      availability.regionAvailability !== "AVAILABLE" && `region ${availability.regionAvailability ?? "unknown"}`,
      availability.agreementAvailability?.status !== undefined && availability.agreementAvailability.status !== "AVAILABLE" && `agreement ${availability.agreementAvailability.status}`,
    ].filter((reason): reason is string => typeof reason === "string");
    const access = missing.length === 0 ? "granted" : `not granted (${missing.join(", ")})`;

    const endOfLife = day(lifecycle?.endOfLifeTime);
    const status = lifecycle?.endOfLifeTime !== undefined && lifecycle.endOfLifeTime <= now ? "EOL" : (lifecycle?.status ?? "UNKNOWN");
    const report = { ...base, lifecycle: status, ...(endOfLife ? { endOfLife } : {}), access };
    if (status === "EOL") return { ...report, verdict: "failed", detail: `end of life since ${endOfLife}: every call fails` };
    if (missing.length > 0) return { ...report, verdict: "failed", detail: "the account cannot invoke it: request model access in the Bedrock console" };
    if (status === "LEGACY") return { ...report, verdict: "warning", detail: `Legacy: end of life on ${endOfLife ?? "a date Bedrock has not given yet"}; move to an Active model before then` };
    if (status === "UNKNOWN") return { ...report, verdict: "warning", detail: "Bedrock gave no lifecycle for the model in this region" };
    return { ...report, verdict: "ok", detail: "Active" };
  } catch (error) {
    return failed("UNKNOWN", "-", `cannot ask Bedrock in ${model.region}: ${errorName(error)}: ${(error as Error).message}`);
  }
}

/** Checks every deployment; deployments of one id in one region share a single set of questions. */
export async function checkModels(models: readonly ModelConfig[], bedrockFor: (region: string) => BedrockSender, now = new Date()): Promise<ModelReport[]> {
  const asked = new Map<string, Promise<ModelReport>>();
  return Promise.all(
    models.map(async (model) => {
      const key = `${model.region} ${model.bedrockModelId}`;
      if (!asked.has(key)) asked.set(key, checkModel(model, bedrockFor(model.region), now));
      return { ...(await asked.get(key)!), name: model.name };
    }),
  );
}

export function modelsTable(reports: readonly ModelReport[]): string {
  const header = ["MODEL", "REGION", "ID", "LIFECYCLE", "END OF LIFE", "ACCESS", "RESULT"];
  const rows = reports.map((report) => [report.name, report.region, report.modelId, report.lifecycle, report.endOfLife ?? "-", report.access, report.verdict === "ok" ? "ok" : report.verdict === "warning" ? "WARN" : "FAIL"]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd();
  const notes = reports.filter((report) => report.verdict !== "ok").map((report) => `${report.verdict === "warning" ? "warning" : "error"}: ${report.name} (${report.region}): ${report.detail}`);
  return `${[header, ...rows].map(line).join("\n")}\n${notes.length > 0 ? `\n${notes.join("\n")}\n` : ""}`;
}
