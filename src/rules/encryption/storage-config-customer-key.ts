import { NETWORK_PATHS_DOC } from '../../paths/hops.js';
import { ENCRYPTION_AT_REST } from '../frameworks.js';
import { encryptionConfigKey, encryptionTypeProblem, judgeBucketDefaultKey, judgeCustomerKey } from '../lib/kms.js';
import { instanceResource, outcome } from '../lib/outcomes.js';
import { bucketState, s3BucketName, s3Destinations, storageTargets, unjudgeableBucket } from '../lib/storage.js';
import type { Outcome, Rule } from '../types.js';

export const storageConfigCustomerKey: Rule = {
  meta: {
    id: 'storage-encryption-customer-key',
    title: 'Contact data is encrypted with a customer managed KMS key owned by the instance account',
    hops: ['voice.recording-at-rest', 'storage.*.at-rest'],
    severity: 'high',
    rationale:
      'The documented path stores recordings under SSE-KMS with a customer-owned key: only then does the customer control who can decrypt them, audit each use in CloudTrail, and revoke access by disabling the key. AWS managed keys (aws/s3, aws/connect) cannot be restricted or revoked, and a customer managed key in another account is controlled by that account. The key judged is the one that applies: the storage config EncryptionConfig, or, when the config names none, the bucket default encryption S3 applies to objects written without a key.',
    evidenceUsed: ['connect:ListInstanceStorageConfigs', 'kms:DescribeKey', 's3:GetBucketEncryption'],
    decidedBy: ['storage_config', 'S3Config', 'KinesisVideoStreamConfig'],
    remediation: {
      summary: 'Enable encryption in the instance data storage settings and choose a customer managed KMS key.',
      console: [
        'Create a symmetric customer managed key in AWS KMS (Customer managed keys › Create key).',
        'Open the Amazon Connect console, choose the instance, then Data storage › Edit.',
        'Select Enable encryption and choose the customer managed key.',
      ],
      cli: 'aws connect update-instance-storage-config --instance-id <instance-id> --association-id <association-id> --resource-type CALL_RECORDINGS --storage-config \'{"StorageType":"S3","S3Config":{"BucketName":"<bucket>","BucketPrefix":"connect","EncryptionConfig":{"EncryptionType":"KMS","KeyId":"arn:aws:kms:<region>:<account>:key/<key-id>"}}}\'',
      terraform: 's3_config {\n  bucket_name   = aws_s3_bucket.recordings.id\n  bucket_prefix = "connect"\n  encryption_config {\n    encryption_type = "KMS"\n    key_id          = aws_kms_key.connect.arn\n  }\n}',
    },
    references: [
      'https://docs.aws.amazon.com/connect/latest/adminguide/encryption-at-rest.html',
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html',
      'https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#customer-cmk',
      NETWORK_PATHS_DOC,
    ],
    compliance: ENCRYPTION_AT_REST,
  },
  evaluate(ctx) {
    const { destinations, outcomes } = s3Destinations(ctx, 'at-rest');
    for (const target of storageTargets(ctx, 'at-rest', ['S3', 'KINESIS_VIDEO_STREAM']).targets) {
      const typeProblem = encryptionTypeProblem(ctx, target);
      if (typeProblem) {
        outcomes.push(typeProblem);
        continue;
      }
      const reference = encryptionConfigKey(target);
      const isS3 = target.config.StorageType === 'S3';
      if (isS3 && s3BucketName(target.config)) continue;
      const source = `The ${target.resourceType} storage config${isS3 ? ' (which names no bucket)' : ''}`;
      if (reference) {
        outcomes.push(judgeCustomerKey(ctx, { hop: target.hop, reference, region: ctx.region.region, source }));
        continue;
      }
      const name = target.config.AssociationId ?? target.resourceType;
      outcomes.push(outcome(target.hop, 'FAIL', instanceResource(ctx), `${source} ${name} names no KMS key: Connect does not encrypt the data with a customer managed key.`, { storageType: target.config.StorageType, encryptionConfig: null }));
    }
    for (const destination of destinations) {
      const { hop, writer, writerKey, bucketName } = destination;
      if (destination.target && encryptionTypeProblem(ctx, destination.target)) continue;
      if (writerKey) {
        outcomes.push(judgeCustomerKey(ctx, { hop, reference: writerKey.reference, region: writerKey.region, source: writer }));
        continue;
      }
      // Without a key of the writer's own S3 applies the bucket's default encryption: that is the key that protects the data.
      const state = bucketState(ctx, bucketName);
      const why = `${writer} names no KMS key, so S3 applies the default encryption`;
      outcomes.push(state.kind === 'readable' ? judgeBucketDefaultKey(ctx, hop, state, why) : (unjudgeableBucket(hop, state, 'encryption with a customer key') as Outcome));
    }
    return outcomes;
  },
};
