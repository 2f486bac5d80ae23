/**
 * Where each environment variable the renderer asks for gets its value, the same decision on both targets:
 * a plain value, or a secret the target supplies (a value on Docker, a Secrets Manager ARN on AWS).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ProxyEnvVar, TargetEndpoint, TargetSecret } from "../config/render";
import type { SecretRef } from "../config/schema";

export type EnvSource<T> = { readonly value: pulumi.Input<string> } | { readonly secret: T };

export interface EnvSources<T> {
  readonly endpoints: Readonly<Partial<Record<TargetEndpoint, pulumi.Input<string>>>>;
  readonly secrets: Readonly<Partial<Record<TargetSecret, T>>>;
  readonly secretRef: (ref: SecretRef) => T;
}

export function envSource<T>(variable: ProxyEnvVar, sources: EnvSources<T>): EnvSource<T> {
  switch (variable.kind) {
    case "value":
      return { value: variable.value };
    case "endpoint": {
      const value = sources.endpoints[variable.endpoint];
      if (value === undefined) throw new Error(`the target has no ${variable.endpoint} for ${variable.name}`);
      return { value };
    }
    case "secretRef":
      return { secret: sources.secretRef(variable.ref) };
    case "targetSecret": {
      const secret = sources.secrets[variable.secret];
      if (secret === undefined) throw new Error(`the target has no ${variable.secret} for ${variable.name}`);
      return { secret };
    }
  }
}
