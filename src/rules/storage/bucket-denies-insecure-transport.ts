import { NETWORK_PATHS_DOC } from '../../paths/hops.js';
import { ENCRYPTION_IN_TRANSIT } from '../frameworks.js';
import { evaluateSecureTransportDeny } from '../lib/bucket-policy.js';
import { judgeBucketPolicyDeny } from '../lib/storage.js';
import type { Rule } from '../types.js';

export const bucketDeniesInsecureTransport: Rule = {
  meta: {
    id: 's3-bucket-denies-insecure-transport',
    title: 'The bucket policy denies every request not sent over TLS',
    hops: ['voice.recording-to-s3', 'storage.*.transfer'],
    severity: 'high',
    rationale:
      'Connect sends data to S3 over TLS, but only a bucket policy that denies aws:SecureTransport=false for all principals, all S3 actions, the bucket and its objects guarantees no one reads or writes the data in clear text.',
    evidenceUsed: ['s3:GetBucketPolicy'],
    remediation: {
      summary: 'Add a Deny statement for all principals and s3:* on the bucket and its objects when aws:SecureTransport is false.',
      console: [
        'Open the S3 console, choose the bucket, then Permissions › Bucket policy › Edit.',
        'Add the statement below and save.',
      ],
      cli: 'aws s3api put-bucket-policy --bucket <bucket> --policy \'{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::<bucket>","arn:aws:s3:::<bucket>/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}\'',
      terraform: 'data "aws_iam_policy_document" "tls_only" {\n  statement {\n    sid     = "DenyInsecureTransport"\n    effect  = "Deny"\n    actions = ["s3:*"]\n    principals {\n      type        = "*"\n      identifiers = ["*"]\n    }\n    resources = [aws_s3_bucket.recordings.arn, "${aws_s3_bucket.recordings.arn}/*"]\n    condition {\n      test     = "Bool"\n      variable = "aws:SecureTransport"\n      values   = ["false"]\n    }\n  }\n}',
    },
    references: [
      'https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-ssl-requests-only.html',
      'https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule',
      NETWORK_PATHS_DOC,
    ],
    compliance: ENCRYPTION_IN_TRANSIT,
  },
  evaluate(ctx) {
    return judgeBucketPolicyDeny(ctx, 'a TLS-only bucket policy', 'denies every request without TLS', (policy, bucket) => evaluateSecureTransportDeny(policy, bucket));
  },
};
