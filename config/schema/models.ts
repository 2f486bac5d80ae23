/** The `models[]` block of the stack config. */
import * as z from "zod/mini";
import { splitModelId } from "../modelCatalog";
import { CREDENTIAL_KEY } from "../credentials";
import { OS_ENVIRON } from "../constants";
import { integer, matching, region, yamlText } from "./primitives";

const SET_BY_MODEL_ENTRY =
  /^(model|aws_region_name|aws_role_name|aws_session_name|aws_profile_name|aws_bedrock_runtime_endpoint)$/i;

const modelName = matching(
  /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/,
  "expected a model name of letters, digits and . _ : / -",
).check(
  // LiteLLM replaces os.environ/ in every string of model_list: a name could publish an environment variable.
  z.refine((name) => !name.startsWith(OS_ENVIRON), {
    error: `must not start with "${OS_ENVIRON}": the proxy would replace it with the value of an environment variable`,
  }),
);

export const modelSchema = z.strictObject({
  /** Unique id of this deployment; also the name clients ask for unless `group` is set. */
  name: modelName,
  /** Several deployments with one group share traffic under that name (LiteLLM load balancing). */
  group: z.optional(modelName),
  bedrockModelId: z.string().check((ctx) => {
    const id = ctx.value;
    if (id.startsWith("bedrock/")) {
      ctx.issues.push({
        code: "custom",
        input: id,
        message: 'expected the Bedrock model id without the "bedrock/" prefix',
      });
    } else if (!/^[a-z0-9-]+\.[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(splitModelId(id).foundationModel)) {
      ctx.issues.push({
        code: "custom",
        input: id,
        message: 'expected a Bedrock model or inference profile id such as "us.anthropic.claude-sonnet-5-5"',
      });
    }
  }),
  region,
  /** Assume this role for the model's calls (aws_role_name); the task role or the dev profile is used otherwise. */
  roleArn: z.optional(
    matching(/^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, "expected an IAM role ARN"),
  ),
  sessionName: z.optional(matching(/^[\w+=,.@-]{2,64}$/, "expected a role session name of 2 to 64 characters")),
  rpm: z.optional(integer(1, 10_000_000)),
  tpm: z.optional(integer(1, 1_000_000_000)),
  /**
   * The day `litellm-mcp models` found this id offered in its region, for an id newer than the model catalog
   * (config/bedrock-catalog.json): validation then accepts an id the catalog does not list there.
   */
  checkedWithBedrock: z.optional(
    matching(/^\d{4}-\d{2}-\d{2}$/, 'expected the day litellm-mcp models answered for it, such as "2026-12-01"'),
  ),
  /** Further litellm_params (max_tokens, temperature, ...). Credentials are refused here. */
  params: z._default(
    z.record(
      z.string().check(
        z.refine((key) => !SET_BY_MODEL_ENTRY.test(key) && !CREDENTIAL_KEY.test(key), {
          error: "is set by the model entry itself or would hold a credential: use the model's own keys",
        }),
      ),
      z.union([yamlText(1000), z.number(), z.boolean()]),
    ),
    {},
  ),
});
