import { expect } from 'vitest';
import { kmsKeyRotation } from '../../../src/rules/encryption/kms-key-rotation.js';
import { kmsKeySymmetric } from '../../../src/rules/encryption/kms-key-symmetric.js';
import { storageConfigCustomerKey } from '../../../src/rules/encryption/storage-config-customer-key.js';
import { storageConfigNamesKey } from '../../../src/rules/encryption/storage-config-names-key.js';
import { bucketDefaultCustomerKey } from '../../../src/rules/encryption/bucket-default-customer-key.js';
import { absent, BUCKET, changed, compliantEvidenceIn, failed, KEY_ID, NOW, ok, REGION, type EvidenceParts } from '../../helpers/evidence.js';
import type { RuleCase } from './types.js';

/** Issue 8 (verdicts against AWS's documentation), keys: old wrong verdict → new right one. */

const KEY_ACCOUNT = '444455556666';
const FOREIGN_KEY_ARN = `arn:aws:kms:${REGION}:${KEY_ACCOUNT}:key/${KEY_ID}`;
const PRIMARY_ARN = `arn:aws:kms:us-east-1:111122223333:key/mrk-1234567890abcdef1234567890abcdef`;

const daysAgo = (days: number): string => new Date(NOW.getTime() - days * 86_400_000).toISOString();

function metadata(p: EvidenceParts): Record<string, unknown> {
  return (p.key.describeKey as { status: 'ok'; response: { KeyMetadata: Record<string, unknown> } }).response.KeyMetadata;
}

/** The recordings key, owned by another account (a customer managed key all the same). */
const foreignOwnedKey = changed((p) => {
  Object.assign(metadata(p), { AWSAccountId: KEY_ACCOUNT, Arn: FOREIGN_KEY_ARN });
});

function withoutEncryptionConfig(p: EvidenceParts): void {
  p.instance.storageConfigs.CALL_RECORDINGS = ok([{ AssociationId: 'assoc-1', StorageType: 'S3', S3Config: { BucketName: BUCKET, BucketPrefix: 'connect' } }]);
}

function importedMaterial(rotations: Array<Record<string, unknown>> | 'denied', extra: Record<string, unknown> = {}) {
  return changed((p) => {
    Object.assign(metadata(p), { Origin: 'EXTERNAL', ...extra });
    p.key.rotation = absent('UnsupportedOperationException');
    p.key.rotations = rotations === 'denied' ? failed('AccessDeniedException', 400) : ok(rotations);
  });
}

function customKeyStore(createdDaysAgo: number) {
  return changed((p) => {
    Object.assign(metadata(p), { Origin: 'AWS_CLOUDHSM', CustomKeyStoreId: 'cks-1234567890abcdef0', CreationDate: daysAgo(createdDaysAgo) });
    p.key.rotation = absent('UnsupportedOperationException');
  });
}

export const accuracyEncryptionCases: RuleCase[] = [
  // Item 4: "customer-owned" means owned by the instance's account (or a trusted one).
  {
    rule: storageConfigCustomerKey,
    name: 'a customer managed key owned by another account fails (was PASS)',
    evidence: foreignOwnedKey,
    expect: 'FAIL',
    check: (f) => {
      expect(f.severity).toBe('high');
      expect(f.evidence).toMatchObject({ ownerAccount: KEY_ACCOUNT, keyManager: 'CUSTOMER' });
      expect(f.remediation).toContain('trustedKeyAccounts');
    },
  },
  {
    rule: storageConfigCustomerKey,
    name: 'a customer managed key owned by an account listed in trustedKeyAccounts passes',
    evidence: foreignOwnedKey,
    options: { settings: { trustedKeyAccounts: [KEY_ACCOUNT] } },
    expect: 'PASS',
    check: (f) => expect(f.message).toContain('trusted key account'),
  },
  {
    rule: bucketDefaultCustomerKey,
    name: 'the bucket default key owned by another account fails the bucket default rule too',
    evidence: foreignOwnedKey,
    expect: 'FAIL',
    check: (f) => expect(f.evidence).toMatchObject({ ownerAccount: KEY_ACCOUNT }),
  },
  {
    rule: storageConfigCustomerKey,
    name: 'no AWSAccountId: the owner is read from the key ARN, never assumed',
    evidence: changed((p) => {
      Object.assign(metadata(p), { AWSAccountId: undefined, Arn: FOREIGN_KEY_ARN });
    }),
    expect: 'FAIL',
    check: (f) => expect(f.evidence).toMatchObject({ ownerAccount: KEY_ACCOUNT }),
  },

  // Item 8: the key that actually applies.
  {
    rule: storageConfigCustomerKey,
    name: 'no EncryptionConfig and the bucket default is SSE-S3: no customer key applies',
    evidence: changed((p) => {
      withoutEncryptionConfig(p);
      p.bucket.encryption = ok({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } });
    }),
    expect: 'FAIL',
    check: (f) => {
      expect(f.severity).toBe('high');
      expect(f.message).toContain('AES256');
    },
  },
  {
    rule: storageConfigCustomerKey,
    name: 'no EncryptionConfig and the bucket default is aws:kms without a key id (aws/s3)',
    evidence: changed((p) => {
      withoutEncryptionConfig(p);
      p.bucket.encryption = ok({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } });
    }),
    expect: 'FAIL',
    check: (f) => expect(f.message).toContain('aws/s3'),
  },
  {
    rule: storageConfigCustomerKey,
    name: 'no EncryptionConfig and the bucket default encryption cannot be read: ERROR',
    evidence: changed((p) => {
      withoutEncryptionConfig(p);
      p.bucket.encryption = failed('AccessDenied');
    }),
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('grant s3:GetEncryptionConfiguration'),
  },
  {
    rule: storageConfigNamesKey,
    name: 'the storage config names its key',
    evidence: changed(() => undefined),
    expect: 'PASS',
  },
  {
    rule: storageConfigNamesKey,
    name: 'a missing EncryptionConfig is its own low-severity finding',
    evidence: changed(withoutEncryptionConfig),
    expect: 'FAIL',
    check: (f) => expect(f.severity).toBe('low'),
  },

  // Item 9: rotation where KMS cannot rotate automatically.
  {
    rule: kmsKeyRotation,
    name: 'imported key material rotated on demand 100 days ago (was FAIL: automatic rotation is unsupported)',
    evidence: importedMaterial([{ KeyId: KEY_ID, RotationDate: daysAgo(100), RotationType: 'ON_DEMAND' }]),
    expect: 'PASS',
    check: (f) => expect(f.evidence).toMatchObject({ rotationMode: 'on demand (imported key material)', daysSinceLastRotation: 100 }),
  },
  {
    rule: kmsKeyRotation,
    name: 'imported key material never rotated: FAIL with the on-demand remediation, never enable-key-rotation',
    evidence: importedMaterial([]),
    expect: 'FAIL',
    check: (f) => {
      expect(f.remediation).toContain('rotate-key-on-demand');
      expect(f.remediation).not.toContain('enable-key-rotation');
    },
  },
  {
    rule: kmsKeyRotation,
    name: 'imported key material last rotated 400 days ago: beyond the default 365-day cryptoperiod',
    evidence: importedMaterial([{ RotationDate: daysAgo(400), RotationType: 'ON_DEMAND' }]),
    expect: 'FAIL',
  },
  {
    rule: kmsKeyRotation,
    name: 'imported key material: a rotation still waiting for its key material does not count',
    evidence: importedMaterial([{ RotationDate: daysAgo(10), RotationType: 'ON_DEMAND', ImportState: 'PENDING_IMPORT' }]),
    expect: 'FAIL',
  },
  {
    rule: kmsKeyRotation,
    name: 'imported key material: 400 days is within a configured 500-day cryptoperiod',
    evidence: importedMaterial([{ RotationDate: daysAgo(400), RotationType: 'ON_DEMAND' }]),
    options: { settings: { keyRotationMaxDays: 500 } },
    expect: 'PASS',
  },
  {
    rule: kmsKeyRotation,
    name: 'imported key material: ListKeyRotations denied is ERROR naming kms:ListKeyRotations',
    evidence: importedMaterial('denied'),
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('grant kms:ListKeyRotations'),
  },
  {
    rule: kmsKeyRotation,
    name: 'multi-Region key with imported material cannot rotate at all: rotate by creating a new key',
    evidence: importedMaterial([], { MultiRegion: true }),
    expect: 'FAIL',
    check: (f) => {
      expect(f.remediation).toContain('creating a new KMS key');
      expect(f.remediation).not.toContain('enable-key-rotation');
    },
  },
  {
    rule: kmsKeyRotation,
    name: 'custom key store key created 100 days ago: within the cryptoperiod (was FAIL)',
    evidence: customKeyStore(100),
    expect: 'PASS',
  },
  {
    rule: kmsKeyRotation,
    name: 'custom key store key created 500 days ago: rotate by creating a new key',
    evidence: customKeyStore(500),
    expect: 'FAIL',
    check: (f) => {
      expect(f.message).toContain('creating a new key');
      expect(f.remediation).not.toContain('enable-key-rotation');
    },
  },
  {
    rule: kmsKeyRotation,
    name: 'multi-Region replica with rotation off: the remediation names the primary key',
    evidence: changed((p) => {
      Object.assign(metadata(p), { MultiRegion: true, MultiRegionConfiguration: { MultiRegionKeyType: 'REPLICA', PrimaryKey: { Arn: PRIMARY_ARN, Region: 'us-east-1' } } });
      p.key.rotation = ok({ KeyRotationEnabled: false });
    }),
    expect: 'FAIL',
    check: (f) => {
      expect(f.remediation).toContain(`--key-id ${PRIMARY_ARN}`);
      expect(f.evidence).toMatchObject({ primaryKeyArn: PRIMARY_ARN });
    },
  },
  {
    rule: kmsKeyRotation,
    name: 'automatic rotation every 730 days is longer than the default cryptoperiod',
    evidence: changed((p) => {
      p.key.rotation = ok({ KeyRotationEnabled: true, RotationPeriodInDays: 730 });
    }),
    expect: 'FAIL',
  },
  {
    rule: kmsKeyRotation,
    name: 'a key without Origin is ERROR: how it rotates is unknown',
    evidence: changed((p) => {
      delete metadata(p).Origin;
    }),
    expect: 'ERROR',
  },
  {
    rule: kmsKeyRotation,
    name: 'GovCloud key rotation is judged as anywhere else',
    evidence: () => compliantEvidenceIn('aws-us-gov', 'us-gov-west-1'),
    expect: 'PASS',
    check: (f) => expect(f.resource.arn.startsWith('arn:aws-us-gov:kms:us-gov-west-1:')).toBe(true),
  },

  // Fail closed on key fields (SPEC §11).
  {
    rule: kmsKeySymmetric,
    name: 'no KeySpec and no CustomerMasterKeySpec is ERROR, never assumed symmetric',
    evidence: changed((p) => {
      delete metadata(p).KeySpec;
    }),
    expect: 'ERROR',
  },
  {
    rule: kmsKeySymmetric,
    name: 'an older answer with only CustomerMasterKeySpec is judged from it',
    evidence: changed((p) => {
      delete metadata(p).KeySpec;
      metadata(p).CustomerMasterKeySpec = 'SYMMETRIC_DEFAULT';
    }),
    expect: 'PASS',
  },
  {
    rule: kmsKeySymmetric,
    name: 'CustomerMasterKeySpec contradicting KeySpec is ERROR',
    evidence: changed((p) => {
      metadata(p).CustomerMasterKeySpec = 'RSA_2048';
    }),
    expect: 'ERROR',
  },
];

