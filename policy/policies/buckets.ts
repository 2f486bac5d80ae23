/** S3 buckets: private and encrypted. */
import type { StackValidationPolicy } from "@pulumi/policy";

const BUCKETS = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];

export const s3BucketsPrivateAndEncrypted: StackValidationPolicy = {
  name: "s3-buckets-private-and-encrypted",
  description: "Every S3 bucket has a public access block with all four settings on and default encryption.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const attachedTo = (type: string, bucketUrn: string) =>
      args.resources.filter(
        (resource) =>
          resource.type === type &&
          (resource.propertyDependencies["bucket"] ?? []).some((dependency) => dependency.urn === bucketUrn),
      );
    for (const bucket of args.resources.filter((resource) => BUCKETS.includes(resource.type))) {
      const blocks = attachedTo("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket.urn);
      const blocked = blocks.some((block) =>
        ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every(
          (key) => block.props[key] === true,
        ),
      );
      if (!blocked) report(`Bucket ${bucket.name} has no public access block with all four settings on.`, bucket.urn);
      const encrypted =
        bucket.props["serverSideEncryptionConfiguration"] !== undefined ||
        attachedTo("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", bucket.urn)
          .length > 0 ||
        attachedTo(
          "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
          bucket.urn,
        ).length > 0;
      if (!encrypted) report(`Bucket ${bucket.name} has no default encryption.`, bucket.urn);
    }
  },
};
