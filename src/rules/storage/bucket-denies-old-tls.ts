import { ENCRYPTION_IN_TRANSIT } from '../frameworks.js';
import { evaluateTlsVersionDeny } from '../lib/bucket-policy.js';
import { judgeBucketPolicyDeny } from '../lib/storage.js';
import type { Rule } from '../types.js';

export const bucketDeniesOldTls: Rule = {
  meta: {
    id: 's3-bucket-denies-tls-below-1-2',
    title: 'The bucket policy denies requests that use TLS older than 1.2',
    hops: ['voice.recording-to-s3', 'storage.*.transfer'],
    severity: 'low',
    rationale: 'TLS 1.0 and 1.1 are deprecated; a Deny on s3:TlsVersion below 1.2 keeps every client of the bucket on a current protocol.',
    evidenceUsed: ['s3:GetBucketPolicy'],
    remediation: {
      summary: 'Add a Deny statement for all principals and s3:* on the bucket and its objects when s3:TlsVersion is NumericLessThan 1.2.',
      console: ['Open the S3 console, choose the bucket, then Permissions › Bucket policy › Edit.', 'Add the statement below and save.'],
      cli: 'aws s3api put-bucket-policy --bucket <bucket> --policy \'{"Version":"2012-10-17","Statement":[{"Sid":"DenyOldTls","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::<bucket>","arn:aws:s3:::<bucket>/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}}]}\'',
      terraform: 'statement {\n  sid     = "DenyOldTls"\n  effect  = "Deny"\n  actions = ["s3:*"]\n  principals {\n    type        = "*"\n    identifiers = ["*"]\n  }\n  resources = [aws_s3_bucket.recordings.arn, "${aws_s3_bucket.recordings.arn}/*"]\n  condition {\n    test     = "NumericLessThan"\n    variable = "s3:TlsVersion"\n    values   = ["1.2"]\n  }\n}',
    },
    references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html#example-object-tls-version'],
    compliance: ENCRYPTION_IN_TRANSIT,
  },
  evaluate(ctx) {
    return judgeBucketPolicyDeny(ctx, 'a minimum TLS version', 'denies TLS below 1.2', (policy, bucket) => evaluateTlsVersionDeny(policy, bucket));
  },
};
