import { KEY_MANAGEMENT } from '../frameworks.js';
import { encryptionConfigKey, encryptionTypeProblem } from '../lib/kms.js';
import { instanceResource, outcome } from '../lib/outcomes.js';
import { s3BucketName, storageTargets } from '../lib/storage.js';
import type { Rule } from '../types.js';

export const storageConfigNamesKey: Rule = {
  meta: {
    id: 'storage-config-names-kms-key',
    title: 'The S3 storage config names its KMS key (EncryptionConfig) instead of relying on the bucket default',
    hops: ['voice.recording-at-rest', 'storage.*.at-rest'],
    severity: 'low',
    rationale:
      'Without an EncryptionConfig, Connect writes the data with no key of its own and S3 applies the bucket default encryption; a later change to the bucket default then silently changes how contact data is protected. Naming the key in the storage config ties the protection to the Connect configuration that auditors review.',
    evidenceUsed: ['connect:ListInstanceStorageConfigs'],
    decidedBy: ['storage_config', 'S3Config', 'KinesisVideoStreamConfig'],
    remediation: {
      summary: 'Enable encryption in the instance data storage settings and choose the customer managed KMS key the bucket default uses.',
      console: ['Open the Amazon Connect console, choose the instance, then Data storage › Edit.', 'Select Enable encryption and choose the customer managed key.'],
      cli: 'aws connect update-instance-storage-config --instance-id <instance-id> --association-id <association-id> --resource-type CALL_RECORDINGS --storage-config \'{"StorageType":"S3","S3Config":{"BucketName":"<bucket>","BucketPrefix":"connect","EncryptionConfig":{"EncryptionType":"KMS","KeyId":"arn:aws:kms:<region>:<account>:key/<key-id>"}}}\'',
      terraform: 's3_config {\n  bucket_name   = aws_s3_bucket.recordings.id\n  bucket_prefix = "connect"\n  encryption_config {\n    encryption_type = "KMS"\n    key_id          = aws_kms_key.connect.arn\n  }\n}',
    },
    references: [
      'https://docs.aws.amazon.com/connect/latest/APIReference/API_S3Config.html',
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html',
    ],
    compliance: KEY_MANAGEMENT,
  },
  evaluate(ctx) {
    const { targets, outcomes } = storageTargets(ctx, 'at-rest', ['S3']);
    for (const target of targets) {
      const typeProblem = encryptionTypeProblem(ctx, target);
      if (typeProblem) {
        outcomes.push(typeProblem);
        continue;
      }
      const bucket = s3BucketName(target.config) ?? target.config.AssociationId ?? target.resourceType;
      const reference = encryptionConfigKey(target);
      const evidence = { bucket, encryptionConfig: target.config.S3Config?.EncryptionConfig ?? null };
      outcomes.push(
        reference
          ? outcome(target.hop, 'PASS', instanceResource(ctx), `The ${target.resourceType} storage config for bucket ${bucket} names KMS key ${reference}.`, evidence)
          : outcome(target.hop, 'FAIL', instanceResource(ctx), `The ${target.resourceType} storage config for bucket ${bucket} names no KMS key, so the data is protected only by whatever default encryption the bucket has.`, evidence),
      );
    }
    return outcomes;
  },
};
