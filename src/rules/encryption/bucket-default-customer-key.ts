import { ENCRYPTION_AT_REST } from '../frameworks.js';
import { judgeBucketDefaultKey } from '../lib/kms.js';
import { bucketState, bucketsOnHops, s3Destinations, unjudgeableBucket } from '../lib/storage.js';
import type { Outcome, Rule } from '../types.js';

export const bucketDefaultCustomerKey: Rule = {
  meta: {
    id: 's3-bucket-default-encryption-customer-key',
    title: 'The bucket encrypts by default with SSE-KMS under a customer managed key',
    hops: ['voice.recording-at-rest', 'storage.*.at-rest'],
    severity: 'high',
    rationale:
      'Objects written without an explicit key (by Connect without an EncryptionConfig, or by any other writer) take the bucket default; SSE-S3 or the AWS managed aws/s3 key leaves the customer unable to restrict or revoke decryption.',
    evidenceUsed: ['s3:GetBucketEncryption', 'kms:DescribeKey'],
    decidedBy: ['rule', 'server_side_encryption_configuration', 'BucketEncryption', 'storage_config', 'S3Config'],
    remediation: {
      summary: 'Set the bucket default encryption to SSE-KMS with the same customer managed key the storage config uses.',
      console: ['Open the S3 console, choose the bucket, then Properties › Default encryption › Edit.', 'Choose SSE-KMS, then the customer managed key, and enable the bucket key.'],
      cli: 'aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration \'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"arn:aws:kms:<region>:<account>:key/<key-id>"},"BucketKeyEnabled":true}]}\'',
      terraform: 'resource "aws_s3_bucket_server_side_encryption_configuration" "recordings" {\n  bucket = aws_s3_bucket.recordings.id\n  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm     = "aws:kms"\n      kms_master_key_id = aws_kms_key.connect.arn\n    }\n    bucket_key_enabled = true\n  }\n}',
    },
    references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html', 'https://docs.aws.amazon.com/connect/latest/adminguide/encryption-at-rest.html'],
    compliance: ENCRYPTION_AT_REST,
  },
  evaluate(ctx) {
    const { destinations, outcomes } = s3Destinations(ctx, 'at-rest');
    for (const { hop, bucketName } of bucketsOnHops(destinations)) {
      const state = bucketState(ctx, bucketName);
      outcomes.push(state.kind === 'readable' ? judgeBucketDefaultKey(ctx, hop, state, 'Objects written without a key') : (unjudgeableBucket(hop, state, 'default encryption with a customer key') as Outcome));
    }
    return outcomes;
  },
};
