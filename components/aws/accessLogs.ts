import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ELB_LOG_ACCOUNTS } from "../../config/awsFacts";
import { awsTags } from "./naming";
import { denyInsecureTransport, privateBucket } from "./privateBucket";

export interface AccessLogBucketArgs {
  readonly stack: string;
  /** The load balancer's region: it decides who delivers the logs. */
  readonly region: pulumi.Input<string>;
  readonly partition: pulumi.Input<string>;
  /** Days an access log is kept. */
  readonly retentionDays: number;
  /** Let `pulumi destroy` empty the bucket (not in prod). */
  readonly forceDestroy: boolean;
}

/** Where in the bucket the load balancer writes. */
export const ACCESS_LOG_PREFIX = "alb";

/**
 * The load balancer's access logs (who called what, when, how long it took, with which status) in a private bucket:
 * public access blocked, encrypted with S3-managed keys (the only encryption ELB log delivery writes to),
 * TLS-only, and expired after retentionDays. ELB delivers them as its log-delivery service principal, and in the
 * regions opened before August 2022 as its regional account (config/awsFacts.ts): the policy admits whichever the
 * region has, to the prefix only.
 */
export class AccessLogBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  /** The load balancer may write only once the policy exists. */
  readonly ready: pulumi.Resource;

  constructor(name: string, args: AccessLogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:aws:AccessLogBucket", name, {}, opts);
    const parent = { parent: this };
    const tags = awsTags(args.stack, "load-balancer");

    const { bucket, publicAccess } = privateBucket(
      name,
      {
        bucketPrefix: `litellm-mcp-${args.stack}-alb-logs-`,
        forceDestroy: args.forceDestroy,
        tags,
        bucketKeyEnabled: false,
      },
      this,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-access-logs",
            status: "Enabled",
            filter: { prefix: `${ACCESS_LOG_PREFIX}/` },
            expiration: { days: args.retentionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      parent,
    );

    const identity = aws.getCallerIdentityOutput({}, parent);
    const policy = new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket: bucket.id,
        policy: pulumi
          .all([bucket.arn, identity.accountId, args.region, args.partition])
          .apply(([arn, account, region, partition]) => {
            const logs = `${arn}/${ACCESS_LOG_PREFIX}/AWSLogs/${account}/*`;
            const elbAccount = ELB_LOG_ACCOUNTS[region];
            return JSON.stringify({
              Version: "2012-10-17",
              Statement: [
                ...(elbAccount
                  ? [
                      {
                        Sid: "ElbRegionalAccountWrites",
                        Effect: "Allow",
                        Principal: { AWS: `arn:${partition}:iam::${elbAccount}:root` },
                        Action: "s3:PutObject",
                        Resource: logs,
                      },
                    ]
                  : []),
                {
                  Sid: "ElbLogDeliveryWrites",
                  Effect: "Allow",
                  Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
                  Action: "s3:PutObject",
                  Resource: logs,
                },
                denyInsecureTransport(arn),
              ],
            });
          }),
      },
      { parent: this, dependsOn: [publicAccess] },
    );

    this.bucketName = bucket.bucket;
    this.ready = policy;
    this.registerOutputs({ bucketName: this.bucketName });
  }
}
