/** The `spend` block of the stack config. */
import * as z from "zod/mini";
import { matching } from "./primitives";

const budgetDuration = matching(/^[1-9]\d{0,3}(s|m|h|d|mo)$/, 'expected a duration such as "30d", "12h" or "1mo"');
const usd = z
  .number({ error: "expected an amount in US dollars" })
  .check(
    z.positive({ error: "expected an amount above 0" }),
    z.lte(10_000_000, { error: "expected at most 10000000" }),
  );

export const spendSchema = z
  .strictObject({
    /** What the whole proxy may spend per budgetDuration; LiteLLM refuses calls beyond it (litellm_settings.max_budget). */
    maxBudgetUsd: z.optional(usd),
    budgetDuration: z.optional(budgetDuration),
    /** What a new virtual key may spend per keyBudgetDuration unless it is given its own (default_key_generate_params). */
    keyMaxBudgetUsd: z.optional(usd),
    keyBudgetDuration: z.optional(budgetDuration),
    /** aws: an AWS Budget on the stack's tags, alerting the alarm topic at 80% actual and 100% forecast. */
    awsMonthlyBudgetUsd: z.optional(usd),
  })
  .check(
    z.superRefine((spend, ctx) => {
      if (spend.budgetDuration !== undefined && spend.maxBudgetUsd === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["budgetDuration"],
          message: "needs maxBudgetUsd: a duration resets a budget",
        });
      }
      if (spend.keyBudgetDuration !== undefined && spend.keyMaxBudgetUsd === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["keyBudgetDuration"],
          message: "needs keyMaxBudgetUsd: a duration resets a budget",
        });
      }
    }),
  );
