/**
 * The policies of the litellm-mcp pack: the security and data-safety invariants a change must keep. This module
 * only defines them, so that tests can call each one directly; index.ts builds the pack.
 */
import { stackOf } from "./shared";
import { rdsEncryptedAndPrivate, rdsProdProtection } from "./database";
import { noPublicIngress } from "./ingress";
import { ecsSecretsNotInEnvironment, ecsImagesPinned, ecsImagesDigestInProd } from "./ecs";
import { s3BucketsPrivateAndEncrypted } from "./buckets";
import { logGroupRetention } from "./logs";
import { dockerInternalNotPublished, dockerPublishedOnLoopback } from "./docker";
import { iamBedrockScoped } from "./iam";
import { keysOutliveTheirData } from "./data";
import { proxyKeepaliveAboveIdleTimeout, servingTasksDoNotMigrate } from "./connections";
import { noPlaintextToTheWorld, adminRoutesRestrictedInProd } from "./edge";

export {
  stackOf,
  rdsEncryptedAndPrivate,
  rdsProdProtection,
  noPublicIngress,
  ecsSecretsNotInEnvironment,
  ecsImagesPinned,
  ecsImagesDigestInProd,
  s3BucketsPrivateAndEncrypted,
  logGroupRetention,
  dockerInternalNotPublished,
  dockerPublishedOnLoopback,
  iamBedrockScoped,
  keysOutliveTheirData,
  proxyKeepaliveAboveIdleTimeout,
  servingTasksDoNotMigrate,
  noPlaintextToTheWorld,
  adminRoutesRestrictedInProd,
};

export const policies = [
  rdsEncryptedAndPrivate,
  rdsProdProtection,
  noPublicIngress,
  ecsSecretsNotInEnvironment,
  ecsImagesPinned,
  ecsImagesDigestInProd,
  s3BucketsPrivateAndEncrypted,
  logGroupRetention,
  dockerInternalNotPublished,
  dockerPublishedOnLoopback,
  iamBedrockScoped,
  keysOutliveTheirData,
  proxyKeepaliveAboveIdleTimeout,
  servingTasksDoNotMigrate,
  noPlaintextToTheWorld,
  adminRoutesRestrictedInProd,
];
