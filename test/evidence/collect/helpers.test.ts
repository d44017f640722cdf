import { describe, expect, it } from 'vitest';
import { parseInstancePin } from '../../../src/evidence/collect/index.js';
import { bucketRegion, isAwsManagedAlias, kmsArnRegion } from '../../../src/evidence/aws-names.js';
import { bucketKeyReferences } from '../../../src/evidence/collect/s3.js';
import type { BucketEvidence } from '../../../src/evidence/model.js';

describe('parseInstancePin', () => {
  it('reads region, account and id from an instance ARN', () => {
    expect(parseInstancePin('arn:aws:connect:eu-west-2:111111111111:instance/abc-123')).toEqual({
      id: 'abc-123',
      arn: { arn: 'arn:aws:connect:eu-west-2:111111111111:instance/abc-123', region: 'eu-west-2', account: '111111111111' },
    });
    expect(parseInstancePin('arn:aws-us-gov:connect:us-gov-west-1:111111111111:instance/x').arn?.region).toBe('us-gov-west-1');
  });

  it('takes anything else as a bare id', () => {
    expect(parseInstancePin(' abc-123 ')).toEqual({ id: 'abc-123' });
  });
});

describe('KMS references', () => {
  it.each([
    ['alias/aws/s3', true],
    ['alias/aws/connect', true],
    ['arn:aws:kms:us-east-1:111111111111:alias/aws/s3', true],
    ['alias/aws-like', false],
    ['alias/recordings', false],
    ['arn:aws:kms:us-east-1:111111111111:key/k', false],
  ])('%s is an AWS managed alias: %s', (reference, expected) => {
    expect(isAwsManagedAlias(reference)).toBe(expected);
  });

  it('takes the region from key and alias ARNs only', () => {
    expect(kmsArnRegion('arn:aws:kms:eu-west-1:111111111111:key/k')).toBe('eu-west-1');
    expect(kmsArnRegion('arn:aws:kms:ap-south-1:111111111111:alias/x')).toBe('ap-south-1');
    expect(kmsArnRegion('alias/x')).toBeUndefined();
    expect(kmsArnRegion('1234abcd-12ab-34cd-56ef-1234567890ab')).toBeUndefined();
  });
});

describe('S3 helpers', () => {
  it('maps location constraints to regions', () => {
    expect(bucketRegion(undefined)).toBe('us-east-1');
    expect(bucketRegion('')).toBe('us-east-1');
    expect(bucketRegion('EU')).toBe('eu-west-1');
    expect(bucketRegion('ap-southeast-2')).toBe('ap-southeast-2');
  });

  it('names the KMS keys of a bucket default, skipping aws:kms without a key id', () => {
    const bucket = (rules: unknown[]): BucketEvidence => ({
      expectedBucketOwner: '111111111111',
      location: { status: 'ok', response: {} },
      encryption: { status: 'ok', response: { ServerSideEncryptionConfiguration: { Rules: rules as never } } },
    });
    expect(
      bucketKeyReferences(
        bucket([
          { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/a' } },
          { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms:dsse', KMSMasterKeyID: 'alias/b' } },
          { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } },
          { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
          { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/a' } },
        ]),
      ),
    ).toEqual(['alias/a', 'alias/b']);
    expect(bucketKeyReferences({ expectedBucketOwner: '1', location: { status: 'absent', code: 'NoSuchBucket' } })).toEqual([]);
  });
});
