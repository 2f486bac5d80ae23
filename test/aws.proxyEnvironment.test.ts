import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { proxyEnvironment } from "../components/aws/proxyEnvironment";
import type { EnvSources } from "../components/env";
import type { ProxyEnvVar } from "../config/render";

const masterKey = pulumi.output("arn:aws:secretsmanager:us-east-1:123456789012:secret:master-AbCdEf");
const databaseUrl = pulumi.output("arn:aws:secretsmanager:us-east-1:123456789012:secret:url-AbCdEf");
const context7Key = pulumi.output("arn:aws:secretsmanager:us-east-1:123456789012:secret:context7-AbCdEf");
const redisHost = pulumi.output("cache.example.internal");

const sources: EnvSources<pulumi.Output<string>> = {
  endpoints: { redisHost },
  secrets: { masterKey, databaseUrl },
  secretRef: (ref) => {
    assert.deepEqual(ref, { config: "context7ApiKey" });
    return context7Key;
  },
};

const variables: ProxyEnvVar[] = [
  { name: "LITELLM_LOG", kind: "value", value: "INFO" },
  { name: "LITELLM_MASTER_KEY", kind: "targetSecret", secret: "masterKey" },
  { name: "DATABASE_URL", kind: "targetSecret", secret: "databaseUrl" },
  { name: "REDIS_HOST", kind: "endpoint", endpoint: "redisHost" },
  { name: "CONTEXT7_API_KEY", kind: "secretRef", ref: { config: "context7ApiKey" } },
  { name: "STORE_MODEL_IN_DB", kind: "value", value: "True" },
];
const first = [{ name: "LITELLM_CONFIG_BUCKET_NAME", value: "bucket" }];

describe("the proxy's environment on AWS", () => {
  const { serving, migration } = proxyEnvironment(variables, sources, first);

  it("gives the serving tasks every plain value after the given ones, and the schema check switched off last", () => {
    assert.deepEqual(serving.environment, [
      { name: "LITELLM_CONFIG_BUCKET_NAME", value: "bucket" },
      { name: "LITELLM_LOG", value: "INFO" },
      { name: "REDIS_HOST", value: redisHost },
      { name: "STORE_MODEL_IN_DB", value: "True" },
      { name: "DISABLE_SCHEMA_UPDATE", value: "true" },
    ]);
  });

  it("gives every secret as a Secrets Manager reference, never as a value", () => {
    assert.deepEqual(serving.secrets, [
      { name: "LITELLM_MASTER_KEY", valueFrom: masterKey },
      { name: "DATABASE_URL", valueFrom: databaseUrl },
      { name: "CONTEXT7_API_KEY", valueFrom: context7Key },
    ]);
    for (const entry of serving.environment)
      assert.ok(![masterKey, databaseUrl, context7Key].includes(entry.value as pulumi.Output<string>));
  });

  it("gives the migration task only what LiteLLM's migration reads: its log settings and the database URL", () => {
    assert.deepEqual(migration, {
      environment: [{ name: "LITELLM_LOG", value: "INFO" }],
      secrets: [{ name: "DATABASE_URL", valueFrom: databaseUrl }],
    });
  });

  it("fails on a variable the target has no source for", () => {
    assert.throws(
      () => proxyEnvironment([{ name: "REDIS_PORT", kind: "endpoint", endpoint: "redisPort" }], sources, []),
      /the target has no redisPort for REDIS_PORT/,
    );
  });
});
