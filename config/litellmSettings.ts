/**
 * LiteLLM settings the stack config does not model: the `litellm` block of a stack file carries them into
 * config.yaml's litellm_settings, general_settings and router_settings. Each key must be one the pinned LiteLLM
 * reads (config/litellm-settings.json, read from the installed release by `npm run gateway:lock`), must not be one
 * the program sets from its own keys, and holds no secret value: a secret is referenced, `{secret: {config: name}}`,
 * and reaches the proxy as an environment variable like every other secret.
 */
import type * as z from "zod/mini";
import { OS_ENVIRON } from "./constants";
import { CREDENTIAL_KEY, CREDENTIAL_TEXT } from "./credentials";
import { closest, quote } from "./errors";
import read from "./litellm-settings.json";

export const SECTIONS = ["litellm_settings", "general_settings", "router_settings"] as const;
export type Section = (typeof SECTIONS)[number];

/** What the pinned LiteLLM reads in each section. */
const READ_BY_LITELLM: { readonly version: string } & Record<Section, ReadonlySet<string>> = {
  version: read.litellmVersion,
  litellm_settings: new Set(read.litellm_settings),
  general_settings: new Set(read.general_settings),
  router_settings: new Set(read.router_settings),
};

/** Keys the renderer writes itself, by section, and the stack config key that decides each. */
export const MODELLED: Record<Section, Readonly<Record<string, string>>> = {
  litellm_settings: {
    drop_params: "proxy.dropParams",
    num_retries: "proxy.numRetries",
    request_timeout: "proxy.requestTimeoutSeconds",
    json_logs: "proxy.jsonLogs",
    cache: "cache.responses",
    cache_params: "cache",
    max_budget: "spend.maxBudgetUsd",
    callbacks: "tracing.enabled",
    budget_duration: "spend.budgetDuration",
    default_key_generate_params: "spend.keyMaxBudgetUsd",
  },
  general_settings: {
    master_key: "proxy.masterKey",
    database_url: "the database of the target",
    database_connection_pool_limit: "database.maxConnections",
    store_model_in_db: "proxy.storeModelInDb",
    proxy_batch_write_at: "proxy.batchWriteIntervalSeconds",
    allow_requests_on_db_unavailable: "proxy.allowRequestsOnDbUnavailable",
    disable_spend_logs: "proxy.spendLogs",
  },
  router_settings: {
    routing_strategy: "proxy.routingStrategy",
    allowed_fails: "proxy.allowedFails",
    cooldown_time: "proxy.cooldownSeconds",
    redis_host: "cache.redis",
    redis_port: "cache.redis",
    redis_password: "cache.redis",
  },
};

export type SettingValue = string | number | boolean | null | SettingValue[] | { [key: string]: SettingValue };

/** The environment variable that carries a secret setting's value. */
export function settingEnvName(section: Section, key: string): string {
  return `LITELLM_${section.toUpperCase()}_${key.toUpperCase()}`;
}

/** Reports a problem at a path; `credential`: the value there is a credential, never shown. */
type Issue = (path: (string | number)[], message: string, credential?: boolean) => void;

/** Checks one section's keys and values; a secret reference (`{secret: ...}`) is left to the caller. */
function checkSection(section: Section, values: Record<string, unknown>, issue: Issue): void {
  for (const [key, value] of Object.entries(values)) {
    const modelled = MODELLED[section][key];
    if (modelled !== undefined) {
      issue([key], `is set by the program from ${modelled}: set it there`);
      continue;
    }
    if (!READ_BY_LITELLM[section].has(key)) {
      const hint = closest(key, [...READ_BY_LITELLM[section]]);
      issue(
        [key],
        `is not a ${section} key LiteLLM ${READ_BY_LITELLM.version} reads${hint ? `; did you mean ${quote(hint)}?` : ""}`,
      );
      continue;
    }
    if (isSecretReference(value)) continue;
    checkValue(value, [key], CREDENTIAL_KEY.test(key), issue);
  }
}

export function isSecretReference(value: unknown): value is { secret: unknown } {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    "secret" in value
  );
}

function checkValue(value: unknown, path: (string | number)[], credentialKey: boolean, issue: Issue): void {
  if (typeof value === "string") {
    if (value.trimStart().startsWith(OS_ENVIRON)) {
      issue(path, `must not start with "${OS_ENVIRON}": reference a secret as {secret: {config: <key>}} instead`);
    } else if (credentialKey || CREDENTIAL_TEXT.test(value)) {
      issue(
        path,
        "holds a credential in plain text: set it as a secret and reference it, {secret: {config: <key>}}",
        true,
      );
    }
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) checkValue(item, [...path, index], false, issue);
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) checkValue(item, [...path, key], CREDENTIAL_KEY.test(key), issue);
  } else if (!(value === null || typeof value === "number" || typeof value === "boolean")) {
    issue(path, "expected text, a number, true or false, a list or a map");
  }
}

/** The zod refinement of the `litellm` block. */
export function checkSettings(
  block: Partial<Record<Section, Record<string, unknown>>>,
  ctx: z.core.$RefinementCtx,
): void {
  for (const section of SECTIONS) {
    const values = block[section];
    if (values === undefined) continue;
    checkSection(section, values, (path, message, credential) =>
      ctx.addIssue({
        code: "custom",
        path: [section, ...path],
        message,
        ...(credential ? { params: { credential } } : {}),
      }),
    );
  }
}
