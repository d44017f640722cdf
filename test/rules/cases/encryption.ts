import { expect } from 'vitest';
import { keyLookupId } from '../../../src/evidence/model.js';
import { bucketDefaultCustomerKey } from '../../../src/rules/encryption/bucket-default-customer-key.js';
import { keyMatchesBucketDefault } from '../../../src/rules/encryption/key-matches-bucket-default.js';
import { kmsKeyEnabled } from '../../../src/rules/encryption/kms-key-enabled.js';
import { kmsKeyPolicyNotPublic } from '../../../src/rules/encryption/kms-key-policy-not-public.js';
import { kmsKeyRotation } from '../../../src/rules/encryption/kms-key-rotation.js';
import { kmsKeySymmetric } from '../../../src/rules/encryption/kms-key-symmetric.js';
import { storageConfigCustomerKey } from '../../../src/rules/encryption/storage-config-customer-key.js';
import { absent, ACCOUNT, BUCKET, changed, compliantEvidence, failed, KEY_ARN, ok, parts, policyDoc, REGION } from '../../helpers/evidence.js';
import type { RuleCase } from './types.js';

function recordingsKey(keyId: string | undefined) {
  return changed((p) => {
    p.instance.storageConfigs.CALL_RECORDINGS = ok([
      { StorageType: 'S3', S3Config: { BucketName: BUCKET, BucketPrefix: 'c', ...(keyId ? { EncryptionConfig: { EncryptionType: 'KMS', KeyId: keyId } } : {}) } },
    ]);
  });
}

function keyMetadata(change: Record<string, unknown>) {
  return changed((p) => {
    const described = p.key.describeKey as { status: 'ok'; response: { KeyMetadata: Record<string, unknown> } };
    Object.assign(described.response.KeyMetadata, change);
  });
}

function bucketDefault(rule: Record<string, unknown>) {
  return changed((p) => {
    p.bucket.encryption = ok({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: rule as { SSEAlgorithm: string } }] } });
  });
}

const OTHER_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/99999999-9999-4999-8999-999999999999`;

/** A second customer key, named as the bucket default. */
const otherBucketKey = changed((p) => {
  p.bucket.encryption = ok({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: OTHER_KEY } }] } });
  p.account.keys[keyLookupId(REGION, OTHER_KEY)] = {
    reference: OTHER_KEY,
    region: REGION,
    describeKey: ok({ KeyMetadata: { KeyId: '99999999-9999-4999-8999-999999999999', Arn: OTHER_KEY, KeyManager: 'CUSTOMER', KeyState: 'Enabled', KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT' } }),
  };
});

export const encryptionCases: RuleCase[] = [
  { rule: storageConfigCustomerKey, name: 'customer managed key ARN', evidence: compliantEvidence, expect: 'PASS', check: (f) => expect(f.resource.arn).toBe(KEY_ARN) },
  { rule: storageConfigCustomerKey, name: 'no EncryptionConfig: the bucket default customer key applies (was FAIL)', evidence: recordingsKey(undefined), expect: 'PASS', check: (f) => expect(f.message).toContain('S3 applies the default encryption') },
  { rule: storageConfigCustomerKey, name: 'alias/aws/connect, an AWS managed key by name', evidence: recordingsKey('alias/aws/connect'), expect: 'FAIL' },
  { rule: storageConfigCustomerKey, name: 'KeyManager AWS from DescribeKey', evidence: keyMetadata({ KeyManager: 'AWS' }), expect: 'FAIL' },
  {
    rule: storageConfigCustomerKey,
    name: 'an alias name resolved through DescribeKey',
    evidence: () => {
      const doc = recordingsKey('alias/connect')();
      const p = parts(doc);
      p.account.keys[keyLookupId(REGION, 'alias/connect')] = { ...p.key, reference: 'alias/connect' };
      return doc;
    },
    expect: 'PASS',
    check: (f) => expect(f.resource.arn).toBe(KEY_ARN),
  },
  {
    rule: storageConfigCustomerKey,
    name: 'key that does not exist',
    evidence: changed((p) => {
      p.key.describeKey = failed('NotFoundException', 400);
    }),
    expect: 'FAIL',
  },
  {
    rule: storageConfigCustomerKey,
    name: 'DescribeKey denied',
    evidence: changed((p) => {
      p.key.describeKey = failed('AccessDeniedException', 400);
    }),
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('grant kms:DescribeKey'),
  },
  {
    rule: storageConfigCustomerKey,
    name: 'media streams (Kinesis Video) with a customer key',
    hop: 'storage.media-streams.at-rest',
    evidence: changed((p) => {
      p.instance.storageConfigs.MEDIA_STREAMS = ok([{ StorageType: 'KINESIS_VIDEO_STREAM', KinesisVideoStreamConfig: { Prefix: 'x', RetentionPeriodHours: 24, EncryptionConfig: { EncryptionType: 'KMS', KeyId: KEY_ARN } } }]);
    }),
    expect: 'PASS',
  },
  { rule: bucketDefaultCustomerKey, name: 'SSE-KMS with the customer key', evidence: compliantEvidence, expect: 'PASS' },
  { rule: bucketDefaultCustomerKey, name: 'SSE-S3 (AES256)', evidence: bucketDefault({ SSEAlgorithm: 'AES256' }), expect: 'FAIL' },
  { rule: bucketDefaultCustomerKey, name: 'aws:kms with no key id means aws/s3', evidence: bucketDefault({ SSEAlgorithm: 'aws:kms' }), expect: 'FAIL', check: (f) => expect(f.message).toContain('aws/s3') },
  { rule: bucketDefaultCustomerKey, name: 'alias/aws/s3 named explicitly', evidence: bucketDefault({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/aws/s3' }), expect: 'FAIL' },
  {
    rule: bucketDefaultCustomerKey,
    name: 'no default encryption configuration',
    evidence: changed((p) => {
      p.bucket.encryption = absent('ServerSideEncryptionConfigurationNotFoundError');
    }),
    expect: 'FAIL',
  },
  {
    rule: bucketDefaultCustomerKey,
    name: 'GetBucketEncryption denied',
    evidence: changed((p) => {
      p.bucket.encryption = failed('AccessDenied');
    }),
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('s3:GetEncryptionConfiguration'),
  },
  { rule: keyMatchesBucketDefault, name: 'same key in storage config and bucket default', evidence: compliantEvidence, expect: 'PASS' },
  { rule: keyMatchesBucketDefault, name: 'different customer keys', evidence: otherBucketKey, expect: 'FAIL' },
  { rule: kmsKeyEnabled, name: 'enabled key', evidence: compliantEvidence, expect: 'PASS' },
  { rule: kmsKeyEnabled, name: 'disabled key', evidence: keyMetadata({ KeyState: 'Disabled', Enabled: false }), expect: 'FAIL', check: (f) => expect(f.severity).toBe('critical') },
  { rule: kmsKeyEnabled, name: 'key pending deletion', evidence: keyMetadata({ KeyState: 'PendingDeletion', DeletionDate: '2026-12-05T00:00:00.000Z' }), expect: 'FAIL', check: (f) => expect(f.message).toContain('pending deletion') },
  { rule: kmsKeySymmetric, name: 'SYMMETRIC_DEFAULT encrypt/decrypt', evidence: compliantEvidence, expect: 'PASS' },
  { rule: kmsKeySymmetric, name: 'RSA key', evidence: keyMetadata({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' }), expect: 'FAIL' },
  { rule: kmsKeySymmetric, name: 'HMAC key', evidence: keyMetadata({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }), expect: 'FAIL' },
  { rule: kmsKeyRotation, name: 'rotation on', evidence: compliantEvidence, expect: 'PASS' },
  {
    rule: kmsKeyRotation,
    name: 'rotation off',
    evidence: changed((p) => {
      p.key.rotation = ok({ KeyRotationEnabled: false });
    }),
    expect: 'FAIL',
    check: (f) => expect(f.severity).toBe('medium'),
  },
  {
    rule: kmsKeyRotation,
    name: 'key that cannot rotate (UnsupportedOperationException)',
    evidence: changed((p) => {
      p.key.rotation = absent('UnsupportedOperationException');
    }),
    expect: 'FAIL',
  },
  {
    rule: kmsKeyRotation,
    name: 'GetKeyRotationStatus denied',
    evidence: changed((p) => {
      p.key.rotation = failed('AccessDeniedException', 400);
    }),
    expect: 'ERROR',
  },
  { rule: kmsKeyPolicyNotPublic, name: 'account root principal', evidence: compliantEvidence, expect: 'PASS' },
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'Principal * without conditions',
    evidence: changed((p) => {
      p.key.keyPolicy = ok({ Policy: policyDoc({ Sid: 'Everyone', Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' }) });
    }),
    expect: 'FAIL',
    check: (f) => expect(f.message).toContain('Everyone'),
  },
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'Principal * restricted by kms:CallerAccount',
    evidence: changed((p) => {
      p.key.keyPolicy = ok({ Policy: policyDoc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } } }) });
    }),
    expect: 'PASS',
  },
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'key policy that is not JSON',
    evidence: changed((p) => {
      p.key.keyPolicy = ok({ Policy: 'not json' });
    }),
    expect: 'ERROR',
  },
];
