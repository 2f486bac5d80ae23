import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsTags } from "./naming";
import { denyInsecureTransport, privateBucket } from "./privateBucket";

export interface ConfigBucketArgs {
  readonly stack: string;
  /** The rendered config.yaml. It holds no secret value. */
  readonly configYaml: string;
  /** Let `pulumi destroy` empty the bucket (not in prod, where its versions are kept). */
  readonly forceDestroy: boolean;
}

const CONFIG_OBJECT_KEY = "config.yaml";

/**
 * The proxy's config.yaml in a private bucket: public access blocked, encrypted, versioned (every config ever
 * deployed can be read back), TLS-only. The proxy reads it at start with its task role.
 */
export class ConfigBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly objectKey = CONFIG_OBJECT_KEY;
  readonly objectArn: pulumi.Output<string>;
  /** SHA-256 of config.yaml: part of the task definition, so a new config rolls the service. */
  readonly configHash: string;

  constructor(name: string, args: ConfigBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm-mcp:aws:ConfigBucket", name, {}, opts);
    const parent = { parent: this };
    const tags = awsTags(args.stack, "proxy");

    const { bucket, publicAccess, encryption } = privateBucket(
      name,
      {
        bucketPrefix: `litellm-mcp-${args.stack}-config-`,
        forceDestroy: args.forceDestroy,
        tags,
        bucketKeyEnabled: true,
      },
      this,
    );
    const versioning = new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      parent,
    );
    new aws.s3.BucketPolicy(
      `${name}-tls-only`,
      {
        bucket: bucket.id,
        policy: bucket.arn.apply((arn) =>
          JSON.stringify({ Version: "2012-10-17", Statement: [denyInsecureTransport(arn)] }),
        ),
      },
      { parent: this, dependsOn: [publicAccess] },
    );
    const object = new aws.s3.BucketObjectv2(
      `${name}-config`,
      {
        bucket: bucket.id,
        key: CONFIG_OBJECT_KEY,
        content: args.configYaml,
        contentType: "application/yaml",
        serverSideEncryption: "AES256",
        tags,
      },
      { parent: this, dependsOn: [encryption, versioning] },
    );

    this.bucketName = bucket.bucket;
    this.objectArn = pulumi.interpolate`${bucket.arn}/${object.key}`;
    this.configHash = createHash("sha256").update(args.configYaml).digest("hex");
    this.registerOutputs({ bucketName: this.bucketName, objectArn: this.objectArn });
  }
}
