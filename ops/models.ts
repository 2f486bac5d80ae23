/**
 * models: does Bedrock still serve every configured model? For each deployment, in its region, with the caller's
 * AWS credentials (Bedrock's control plane, SDK v3): whether the id or inference profile is offered there, the
 * foundation model's lifecycle (Active, Legacy with its end-of-life date, end of life) and whether the account has
 * access. Each outcome comes with its one-line fix, the replacements taken from the model catalog.
 */
import { alternatives, CATALOG, type Catalog, catalogVerdict, splitModelId } from "../config/modelCatalog";
import type { ModelConfig } from "../config/schema";
import { OpsError } from "./errors";

/** Bedrock's SDK, loaded when a check first calls Bedrock: the CLI starts without it. */
export const bedrockSdk = () => require("@aws-sdk/client-bedrock") as typeof import("@aws-sdk/client-bedrock");

/** Anything with the SDK client's send(): a BedrockClient, or a stand-in in tests. */
export interface BedrockSender {
  // biome-ignore lint/suspicious/noExplicitAny: the SDK's send is generic over every command of a client
  send(command: any): Promise<any>;
}

export type Verdict = "ok" | "warning" | "failed";

/** What Bedrock says of a deployment: each outcome is a different fix. */
export type Outcome = "active" | "legacy" | "end-of-life" | "not-offered" | "no-access" | "unanswered";

export interface ModelReport {
  readonly name: string;
  readonly region: string;
  readonly modelId: string;
  readonly outcome: Outcome;
  /** ACTIVE, LEGACY or EOL as Bedrock gives it; "-" when Bedrock has nothing to say of the id there. */
  readonly lifecycle: string;
  /** The end-of-life date (YYYY-MM-DD), when Bedrock gives one. */
  readonly endOfLife?: string;
  /** granted, or why not. */
  readonly access: string;
  readonly verdict: Verdict;
  readonly detail: string;
  /** What to do about it, in one line; absent when nothing is to be done. */
  readonly fix?: string;
}

function errorName(error: unknown): string {
  return (error as { name?: string }).name ?? "Error";
}

function notFound(error: unknown): boolean {
  return ["ResourceNotFoundException", "ValidationException"].includes(errorName(error));
}

/** The SDK found no credentials, or the ones it found (an SSO session) have expired. */
export function credentialsMissing(error: unknown): boolean {
  const name = errorName(error);
  return (
    name === "CredentialsProviderError" ||
    name === "ExpiredTokenException" ||
    /Could not load credentials|SSO session .* expired|Token is expired/i.test(String((error as Error).message))
  );
}

class CredentialsMissing extends Error {}

export const NO_CREDENTIALS =
  "no AWS credentials to ask Bedrock with: run `aws sso login` (or `aws configure`), or set AWS_PROFILE to a profile that has them, and try again";

function day(date: Date | undefined): string | undefined {
  return date === undefined ? undefined : date.toISOString().slice(0, 10);
}

function quoted(ids: readonly string[]): string {
  return ids.map((id) => `"${id}"`).join(", ");
}

/** Checks one deployment against Bedrock in its region. */
async function checkModel(
  model: ModelConfig,
  bedrock: BedrockSender,
  now: Date,
  catalog: Catalog,
): Promise<ModelReport> {
  const base = { name: model.name, region: model.region, modelId: model.bedrockModelId };
  const replacements = () => {
    const ids = alternatives(model.bedrockModelId, model.region, now, catalog);
    return ids.length > 0
      ? `set bedrockModelId to an Active one offered in ${model.region}, such as ${quoted(ids.slice(0, 2))}`
      : `pick an Active model offered in ${model.region} (litellm-mcp models --refresh lists them)`;
  };
  const endOfLife = (detail: string, date?: string): ModelReport => ({
    ...base,
    outcome: "end-of-life",
    lifecycle: "EOL",
    ...(date ? { endOfLife: date } : {}),
    access: "-",
    verdict: "failed",
    detail,
    fix: replacements(),
  });
  /** Bedrock has no such id in the region: end of life if the catalog says so, else never offered there. */
  const absent = (what: string): ModelReport => {
    const known = catalogVerdict(model.bedrockModelId, model.region, now, catalog);
    if (known.kind === "eol")
      return endOfLife(
        `${what}: ${known.name} is end of life in ${model.region}${known.since ? ` since ${known.since}` : ""}`,
        known.since,
      );
    const offered = known.kind === "not-offered" ? known.offered : [];
    const fix =
      offered.length > 0
        ? `set bedrockModelId to ${quoted(offered)}, the id(s) AWS offers for it in ${model.region}`
        : replacements();
    return {
      ...base,
      outcome: "not-offered",
      lifecycle: "-",
      access: "-",
      verdict: "failed",
      detail: `${what}: not offered in ${model.region}`,
      fix,
    };
  };

  const { geography, foundationModel } = splitModelId(model.bedrockModelId);
  try {
    if (geography !== undefined) {
      try {
        const profile = await bedrock.send(
          new (bedrockSdk().GetInferenceProfileCommand)({ inferenceProfileIdentifier: model.bedrockModelId }),
        );
        if (profile.status !== "ACTIVE") return absent(`the inference profile is ${profile.status ?? "not active"}`);
      } catch (error) {
        if (notFound(error)) return absent(`no inference profile ${model.bedrockModelId} in ${model.region}`);
        throw error;
      }
    }
    let lifecycle: { status?: string; endOfLifeTime?: Date; legacyTime?: Date } | undefined;
    try {
      lifecycle = (
        await bedrock.send(new (bedrockSdk().GetFoundationModelCommand)({ modelIdentifier: foundationModel }))
      ).modelDetails?.modelLifecycle;
    } catch (error) {
      if (!notFound(error)) throw error;
      if (geography === undefined) return absent(`no foundation model ${foundationModel} in ${model.region}`);
      // The profile is still listed, but its model is gone from the region: every call through it fails.
      return endOfLife(
        `the inference profile is listed, but Bedrock no longer has ${foundationModel} in ${model.region}`,
      );
    }
    const eolDate = day(lifecycle?.endOfLifeTime);
    if (lifecycle?.status === "EOL" || (lifecycle?.endOfLifeTime !== undefined && lifecycle.endOfLifeTime <= now)) {
      return endOfLife(`end of life${eolDate ? ` since ${eolDate}` : ""}: every call fails`, eolDate);
    }

    const availability = await bedrock.send(
      new (bedrockSdk().GetFoundationModelAvailabilityCommand)({ modelId: foundationModel }),
    );
    const missing = [
      availability.authorizationStatus !== "AUTHORIZED" &&
        `authorization ${availability.authorizationStatus ?? "unknown"}`,
      availability.entitlementAvailability !== "AVAILABLE" &&
        `entitlement ${availability.entitlementAvailability ?? "unknown"}`,
      availability.regionAvailability !== "AVAILABLE" && `region ${availability.regionAvailability ?? "unknown"}`,
      availability.agreementAvailability?.status !== undefined &&
        availability.agreementAvailability.status !== "AVAILABLE" &&
        `agreement ${availability.agreementAvailability.status}`,
    ].filter((reason): reason is string => typeof reason === "string");
    const status = lifecycle?.status ?? "UNKNOWN";
    const report = { ...base, lifecycle: status, ...(eolDate ? { endOfLife: eolDate } : {}) };
    if (missing.length > 0) {
      return {
        ...report,
        outcome: "no-access",
        access: `not granted (${missing.join(", ")})`,
        verdict: "failed",
        detail: "no access: the account may not invoke it",
        fix: `request access to ${foundationModel} in the Bedrock console (Model access) in ${model.region}, with the account the stack deploys to`,
      };
    }
    if (status === "LEGACY") {
      return {
        ...report,
        outcome: "legacy",
        access: "granted",
        verdict: "warning",
        detail: `legacy until ${eolDate ?? "a date Bedrock has not given yet"}`,
        fix: `before then, ${replacements()}`,
      };
    }
    if (status !== "ACTIVE")
      return {
        ...report,
        outcome: "unanswered",
        access: "granted",
        verdict: "failed",
        detail: `Bedrock gives its lifecycle as ${status} in ${model.region}`,
      };
    // Offered by Bedrock where the catalog does not know it yet: validation accepts it once the stack says so.
    const known = catalogVerdict(model.bedrockModelId, model.region, now, catalog).kind === "offered";
    const newer =
      known || model.checkedWithBedrock !== undefined
        ? ""
        : `; newer than the model catalog: set checkedWithBedrock: "${day(now)}" on it`;
    return { ...report, outcome: "active", access: "granted", verdict: "ok", detail: `Active${newer}` };
  } catch (error) {
    if (credentialsMissing(error)) throw new CredentialsMissing((error as Error).message);
    return {
      ...base,
      outcome: "unanswered",
      lifecycle: "-",
      access: "-",
      verdict: "failed",
      detail: `cannot ask Bedrock in ${model.region}: ${errorName(error)}: ${(error as Error).message}`,
    };
  }
}

/**
 * Checks every deployment; deployments of one id in one region share a single set of questions. Without AWS
 * credentials nothing can be asked: one error says so, instead of one per model.
 */
export async function checkModels(
  models: readonly ModelConfig[],
  bedrockFor: (region: string) => BedrockSender,
  now = new Date(),
  catalog: Catalog = CATALOG,
): Promise<ModelReport[]> {
  const asked = new Map<string, Promise<ModelReport>>();
  const reports = await Promise.allSettled(
    models.map(async (model) => {
      const key = `${model.region} ${model.bedrockModelId}`;
      if (!asked.has(key)) asked.set(key, checkModel(model, bedrockFor(model.region), now, catalog));
      return { ...(await asked.get(key)!), name: model.name };
    }),
  );
  if (reports.some((report) => report.status === "rejected" && report.reason instanceof CredentialsMissing)) {
    throw new OpsError(NO_CREDENTIALS);
  }
  return reports.map((report) => {
    if (report.status === "rejected") throw report.reason;
    return report.value;
  });
}

export function modelsTable(reports: readonly ModelReport[]): string {
  const header = ["MODEL", "REGION", "ID", "LIFECYCLE", "END OF LIFE", "ACCESS", "RESULT"];
  const rows = reports.map((report) => [
    report.name,
    report.region,
    report.modelId,
    report.lifecycle,
    report.endOfLife ?? "-",
    report.access,
    report.verdict === "ok" ? "ok" : report.verdict === "warning" ? "WARN" : "FAIL",
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join("  ")
      .trimEnd();
  const notes = reports
    .filter((report) => report.verdict !== "ok")
    .map(
      (report) =>
        `${report.verdict === "warning" ? "warning" : "error"}: ${report.name} (${report.region}): ${report.detail}${report.fix ? `\n  fix: ${report.fix}` : ""}`,
    );
  return `${[header, ...rows].map(line).join("\n")}\n${notes.length > 0 ? `\n${notes.join("\n")}\n` : ""}`;
}
