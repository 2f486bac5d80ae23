import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export interface PrivateBucketArgs {
  readonly bucketPrefix: string;
  readonly forceDestroy: boolean;
  readonly tags: Record<string, string>;
  /** Turn on S3 Bucket Keys (the config bucket does; the access-log bucket keeps the plain SSE-S3 setting). */
  readonly bucketKeyEnabled: boolean;
}

/**
 * A bucket no one outside the account can read: public access blocked, ACLs off (the owner owns every object),
 * encrypted by default with S3-managed keys. Its policy is the caller's, with denyInsecureTransport in it.
 */
export function privateBucket(name: string, args: PrivateBucketArgs, parent: pulumi.Resource) {
  const opts = { parent };
  const bucket = new aws.s3.Bucket(
    `${name}-bucket`,
    { bucketPrefix: args.bucketPrefix, forceDestroy: args.forceDestroy, tags: args.tags },
    opts,
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-public-access`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  new aws.s3.BucketOwnershipControls(
    `${name}-ownership`,
    { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    opts,
  );
  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    {
      bucket: bucket.id,
      rules: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" },
          ...(args.bucketKeyEnabled ? { bucketKeyEnabled: true } : {}),
        },
      ],
    },
    opts,
  );
  return { bucket, publicAccess, encryption };
}

/** The policy statement that refuses every request to the bucket not made over TLS. */
export function denyInsecureTransport(bucketArn: string) {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}
