import { KEY_MANAGEMENT } from '../frameworks.js';
import { defaultEncryption, lookupKey } from '../lib/kms.js';
import { outcome } from '../lib/outcomes.js';
import { bucketState, s3Destinations } from '../lib/storage.js';
import type { Outcome, Rule } from '../types.js';

export const keyMatchesBucketDefault: Rule = {
  meta: {
    id: 'storage-key-matches-bucket-default',
    title: 'The storage config and the bucket default encryption use the same KMS key',
    hops: ['voice.recording-at-rest', 'storage.*.at-rest'],
    severity: 'low',
    rationale: 'One key for the data Connect writes and for the bucket default keeps one set of key policy, grants and rotation to audit, and avoids data silently falling back to another key.',
    evidenceUsed: ['connect:ListInstanceStorageConfigs', 's3:GetBucketEncryption', 'kms:DescribeKey'],
    decidedBy: ['storage_config', 'S3Config', 'rule', 'BucketEncryption'],
    remediation: {
      summary: 'Set the bucket default encryption key to the key named in the Connect storage config.',
      console: ['Open the S3 console, choose the bucket, then Properties › Default encryption › Edit, and choose the same customer managed key.'],
      cli: 'aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration \'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"<storage-config-key-arn>"},"BucketKeyEnabled":true}]}\'',
    },
    references: ['https://docs.aws.amazon.com/connect/latest/adminguide/encryption-at-rest.html'],
    compliance: KEY_MANAGEMENT,
  },
  evaluate(ctx) {
    const outcomes: Outcome[] = [];
    for (const { hop, bucketName, writerKey, writer } of s3Destinations(ctx, 'at-rest').destinations) {
      if (!writerKey) continue;
      const state = bucketState(ctx, bucketName);
      if (state.kind !== 'readable' || state.bucket.encryption?.status !== 'ok') continue;
      const bucketKey = defaultEncryption(state.bucket.encryption.response)?.KMSMasterKeyID;
      if (!bucketKey) continue;
      const a = lookupKey(ctx, writerKey.reference, writerKey.region);
      const b = lookupKey(ctx, bucketKey, state.region);
      // Only keys both resolved can be compared; the customer-key rules report the others.
      if (a.kind !== 'resolved' || b.kind !== 'resolved') continue;
      const evidence = { bucket: bucketName, storageConfigKey: a.resource.arn, bucketDefaultKey: b.resource.arn, writer };
      const subject = writer.startsWith('The ') ? `the ${writer.slice(4)}` : writer;
      outcomes.push(
        a.resource.arn === b.resource.arn
          ? outcome(hop, 'PASS', state.resource, `${cap(subject)} and bucket ${bucketName} both use ${a.resource.arn}.`, evidence)
          : outcome(hop, 'FAIL', state.resource, `${cap(subject)} uses ${a.resource.arn} but bucket ${bucketName} defaults to ${b.resource.arn}.`, evidence),
      );
    }
    return outcomes;
  },
};

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
