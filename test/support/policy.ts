/**
 * Calls the pack's policies the way the Pulumi engine does, on hand-built resources or on what a stack
 * registered under mocks: the same args (type, props, urn, config, isType ...), violations collected.
 */
import type {
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { type Registered, reveal } from "./pulumi";

export interface Violation {
  readonly policy: string;
  readonly level: string;
  readonly message: string;
  readonly urn?: string;
}

export interface TestResource {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly stack?: string;
  readonly urn?: string;
  readonly propertyDependencies?: Record<string, string[]>;
  readonly protect?: boolean;
}

function urnOf(resource: TestResource): string {
  return resource.urn ?? `urn:pulumi:${resource.stack ?? "test"}::litellm-mcp::${resource.type}::${resource.name}`;
}

class NotApplicable extends Error {}

function isTypeOf(type: string, resourceClass: unknown): boolean {
  return (resourceClass as { __pulumiType?: string }).__pulumiType === type;
}

/** Violations a resource policy reports for one resource. */
export async function checkResource(
  policy: ResourceValidationPolicy,
  resource: TestResource,
  config: Record<string, unknown> = {},
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const args: ResourceValidationArgs = {
    type: resource.type,
    props: resource.props,
    urn: urnOf(resource),
    name: resource.name,
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    },
    stackTags: new Map(),
    isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
    asType: ((resourceClass: unknown) =>
      isTypeOf(resource.type, resourceClass) ? resource.props : undefined) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string) => {
      throw new NotApplicable(reason);
    },
  };
  const validations = [policy.validateResource ?? []].flat();
  for (const validate of validations) {
    try {
      await validate(args, (message, urn) =>
        violations.push({ policy: policy.name, level: policy.enforcementLevel ?? "advisory", message, urn }),
      );
    } catch (error) {
      if (!(error instanceof NotApplicable)) throw error;
    }
  }
  return violations;
}

/** Violations a stack policy reports for a set of resources. */
export async function checkStack(
  policy: StackValidationPolicy,
  resources: readonly TestResource[],
  config: Record<string, unknown> = {},
): Promise<Violation[]> {
  const byUrn = new Map<string, PolicyResource>();
  const policyResources = resources.map((resource) => {
    const policyResource = {
      type: resource.type,
      name: resource.name,
      urn: urnOf(resource),
      props: resource.props,
      opts: {
        protect: resource.protect ?? false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
      },
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass: unknown) => isTypeOf(resource.type, resourceClass),
      asType: (resourceClass: unknown) => (isTypeOf(resource.type, resourceClass) ? resource.props : undefined),
    } as unknown as PolicyResource;
    byUrn.set(policyResource.urn, policyResource);
    return policyResource;
  });
  resources.forEach((resource, index) => {
    const target = policyResources[index]!;
    for (const [key, urns] of Object.entries(resource.propertyDependencies ?? {})) {
      target.propertyDependencies[key] = urns
        .map((urn) => byUrn.get(urn))
        .filter((found): found is PolicyResource => found !== undefined);
    }
  });
  const violations: Violation[] = [];
  await policy.validateStack(
    {
      resources: policyResources,
      stackTags: new Map(),
      getConfig: <T extends object>() => config as T,
      notApplicable: () => {
        throw new NotApplicable();
      },
    },
    (message, urn) =>
      violations.push({ policy: policy.name, level: policy.enforcementLevel ?? "advisory", message, urn }),
  );
  return violations;
}

/** A resource registered under mocks, as a policy sees it: its inputs, secrets revealed. */
export function fromRegistered(resource: Registered): TestResource {
  return {
    type: resource.type,
    name: resource.name,
    urn: resource.urn,
    props: reveal<Record<string, unknown>>(resource.inputs),
    propertyDependencies: resource.options.propertyDependencies,
    protect: resource.options.protect,
  };
}
