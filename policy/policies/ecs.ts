/** What ECS task definitions hold: no secret in the plain environment, pinned images, digests in prod. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { pinningProblem } from "../../config/images";
import { type ProdConfig, type Props, forTypes, prodStacksSchema, stackOf } from "./shared";

export interface ContainerDefinition {
  name?: string;
  image?: string;
  command?: string[];
  environment?: { name?: string; value?: string }[];
}

/** The container definitions of a task definition, or undefined while they are not known (preview). */
export function containersOf(props: Props): ContainerDefinition[] | undefined {
  const text = props["containerDefinitions"];
  if (typeof text !== "string") return undefined;
  return JSON.parse(text) as ContainerDefinition[];
}

const SECRET_LIKE = /(KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIALS?)$|DATABASE_URL$/i;

interface EnvironmentConfig {
  /** Environment names that look like secrets but are not (LiteLLM's config object key). */
  allowedNames?: string[];
}

export const ecsSecretsNotInEnvironment: ResourceValidationPolicy = {
  name: "ecs-secrets-not-in-environment",
  description:
    "ECS containers receive secrets through `secrets` (valueFrom), never as plaintext `environment` entries.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedNames: { type: "array", items: { type: "string" }, default: ["LITELLM_CONFIG_BUCKET_OBJECT_KEY"] },
    },
  },
  validateResource: forTypes(["aws:ecs/taskDefinition:TaskDefinition"], (props, args, report) => {
    const allowed = args.getConfig<EnvironmentConfig>().allowedNames ?? ["LITELLM_CONFIG_BUCKET_OBJECT_KEY"];
    for (const container of containersOf(props) ?? []) {
      for (const entry of container.environment ?? []) {
        if (entry.name && SECRET_LIKE.test(entry.name) && !allowed.includes(entry.name)) {
          report(
            `Container "${container.name}" has the environment variable ${entry.name}, which looks like a secret: inject it with "secrets" (valueFrom) instead.`,
          );
        }
      }
    }
  }),
};

export const ecsImagesPinned: ResourceValidationPolicy = {
  name: "ecs-images-pinned",
  description:
    "ECS containers run images pinned to a version tag or a digest, never latest, main-latest or main-stable.",
  enforcementLevel: "mandatory",
  validateResource: forTypes(["aws:ecs/taskDefinition:TaskDefinition"], (props, _, report) => {
    for (const container of containersOf(props) ?? []) {
      if (typeof container.image !== "string") continue;
      const problem = pinningProblem(container.image);
      if (problem)
        report(
          `Container "${container.name}" runs the image "${container.image}", which ${problem}: pin a version tag or a digest.`,
        );
    }
  }),
};

/** A digest the registry computed from the content: `name[:tag]@sha256:<64 hex>`. */
const DIGEST = /@sha256:[0-9a-f]{64}$/;

/**
 * Advisory until the committed prod stack carries its images' digests (`litellm-mcp pin-images --stack prod
 * --write`, which needs the public registries): then mandatory.
 */
export const ecsImagesDigestInProd: ResourceValidationPolicy = {
  name: "ecs-images-digest-in-prod",
  description:
    "In prod stacks, ECS containers run images pinned by digest (tag@sha256:...), which a registry cannot re-point as it can a tag.",
  enforcementLevel: "advisory",
  configSchema: prodStacksSchema,
  validateResource: forTypes(["aws:ecs/taskDefinition:TaskDefinition"], (props, args, report) => {
    const prodStacks = args.getConfig<ProdConfig>().prodStacks ?? ["prod"];
    const stack = stackOf(args.urn);
    if (!prodStacks.includes(stack)) return;
    for (const container of containersOf(props) ?? []) {
      if (typeof container.image !== "string" || DIGEST.test(container.image)) continue;
      report(
        `Container "${container.name}" runs "${container.image}" by tag only: pin its digest (npx litellm-mcp pin-images --stack ${stack} --write).`,
      );
    }
  }),
};
