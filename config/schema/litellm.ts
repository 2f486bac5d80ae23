/** The `litellm` block: LiteLLM's own settings beyond the modelled ones (config/litellmSettings.ts). */
import * as z from "zod/mini";
import { checkSettings, isSecretReference, SECTIONS, type Section, type SettingValue } from "../litellmSettings";
import { type SecretRef, secretRefSchema } from "./primitives";

const settingsSection = z.optional(z.record(z.string(), z.unknown()));

function settingSecrets(block: Partial<Record<Section, Record<string, unknown>>>, ctx: z.core.$RefinementCtx): void {
  for (const section of SECTIONS) {
    for (const [key, value] of Object.entries(block[section] ?? {})) {
      if (!isSecretReference(value)) continue;
      const parsed = secretRefSchema.safeParse(value.secret);
      if (!parsed.success) {
        for (const inner of parsed.error.issues)
          ctx.addIssue({ code: "custom", path: [section, key, "secret", ...inner.path], message: inner.message });
      }
    }
  }
}

type ExtraSetting = SettingValue | { readonly secret: SecretRef };
export type ExtraSettings = Partial<Record<Section, Readonly<Record<string, ExtraSetting>>>>;

export const litellmSchema = z.pipe(
  z
    .strictObject({
      litellm_settings: settingsSection,
      general_settings: settingsSection,
      router_settings: settingsSection,
    })
    .check(z.superRefine(checkSettings), z.superRefine(settingSecrets)),
  z.transform((block): ExtraSettings => {
    const typed: ExtraSettings = {};
    for (const section of SECTIONS) {
      const values = block[section];
      if (values === undefined) continue;
      typed[section] = Object.fromEntries(
        Object.entries(values).map(([key, value]) => [
          key,
          isSecretReference(value) ? { secret: secretRefSchema.parse(value.secret) } : (value as SettingValue),
        ]),
      );
    }
    return typed;
  }),
);
