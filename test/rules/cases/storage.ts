import { expect } from 'vitest';
import { bucketDeniesInsecureTransport } from '../../../src/rules/storage/bucket-denies-insecure-transport.js';
import { bucketDeniesOldTls } from '../../../src/rules/storage/bucket-denies-old-tls.js';
import { bucketExistsAndOwned } from '../../../src/rules/storage/bucket-exists-and-owned.js';
import { bucketNotPublic } from '../../../src/rules/storage/bucket-not-public.js';
import { bucketPublicAccessBlock } from '../../../src/rules/storage/bucket-public-access-block.js';
import { streamTransferManaged } from '../../../src/rules/streams/stream-transfer-managed.js';
import { absent, ACCOUNT, BUCKET, changed, compliantEvidence, failed, ok, parts, policyDoc } from '../../helpers/evidence.js';
import type { RuleCase } from './types.js';

type Bucket = ReturnType<typeof parts>['bucket'];

function withBucket(change: (bucket: Bucket) => void) {
  return changed((p) => change(p.bucket));
}

const missingBucket = withBucket((b) => {
  b.location = absent('NoSuchBucket');
});
const foreignBucket = withBucket((b) => {
  b.location = failed('AccessDenied', 403);
  b.ownerProbe = ok({ LocationConstraint: 'eu-central-1' });
});
const unreadableBucket = withBucket((b) => {
  b.location = failed('AccessDenied', 403);
  b.ownerProbe = failed('AccessDenied', 403);
});

function withStorage(resourceType: string, configs: unknown[]) {
  return () => {
    const doc = compliantEvidence();
    (parts(doc).instance.storageConfigs as Record<string, unknown>)[resourceType] = ok(configs);
    return doc;
  };
}

const denyPutObjectOnly = policyDoc({ Sid: 'OnlyPut', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: { Bool: { 'aws:SecureTransport': 'false' } } });

export const storageCases: RuleCase[] = [
  {
    rule: bucketExistsAndOwned,
    name: 'bucket exists in the instance account',
    evidence: compliantEvidence,
    expect: 'PASS',
    check: (f) => expect(f.evidence).toMatchObject({ expectedBucketOwner: ACCOUNT, ownedByInstanceAccount: true }),
  },
  {
    rule: bucketExistsAndOwned,
    name: 'bucket in another region is judged in its own region',
    evidence: withBucket((b) => {
      b.location = ok({ LocationConstraint: 'EU' });
    }),
    expect: 'PASS',
    check: (f) => expect(f.resource.region).toBe('eu-west-1'),
  },
  {
    rule: bucketExistsAndOwned,
    name: 'us-east-1 bucket has an empty location constraint',
    evidence: withBucket((b) => {
      b.location = ok({});
    }),
    expect: 'PASS',
    check: (f) => expect(f.resource.region).toBe('us-east-1'),
  },
  { rule: bucketExistsAndOwned, name: 'bucket does not exist', evidence: missingBucket, expect: 'FAIL', check: (f) => expect(f.severity).toBe('critical') },
  { rule: bucketExistsAndOwned, name: '403 with the expected owner, answered without it: foreign-owned', evidence: foreignBucket, expect: 'FAIL', check: (f) => expect(f.message).toContain('another account') },
  { rule: bucketExistsAndOwned, name: '403 both ways: cannot be read', evidence: unreadableBucket, expect: 'ERROR', check: (f) => expect(f.message).toContain('grant s3:GetBucketLocation') },
  {
    rule: bucketExistsAndOwned,
    name: 'bucket missing from the evidence',
    evidence: () => {
      const doc = compliantEvidence();
      delete parts(doc).account.buckets[BUCKET];
      return doc;
    },
    expect: 'ERROR',
  },
  { rule: bucketExistsAndOwned, name: 'no call recordings configured', evidence: withStorage('CALL_RECORDINGS', []), expect: 'NOT_APPLICABLE' },
  { rule: bucketExistsAndOwned, name: 'call recordings outside --resource-types', evidence: compliantEvidence, options: { resourceTypes: ['CHAT_TRANSCRIPTS'] }, expect: 'NOT_APPLICABLE' },
  {
    rule: bucketExistsAndOwned,
    name: 'storage configs could not be listed',
    evidence: () => {
      const doc = compliantEvidence();
      parts(doc).instance.storageConfigs.CALL_RECORDINGS = failed('AccessDeniedException');
      return doc;
    },
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('connect:ListInstanceStorageConfigs'),
  },
  {
    rule: bucketExistsAndOwned,
    name: 'chat transcripts get their own storage hop',
    hop: 'storage.chat-transcripts.transfer',
    evidence: withStorage('CHAT_TRANSCRIPTS', [{ StorageType: 'S3', S3Config: { BucketName: 'chat-bucket', BucketPrefix: 'c' } }]),
    expect: 'ERROR',
  },
  { rule: bucketDeniesInsecureTransport, name: 'Deny s3:* without TLS on bucket and objects', evidence: compliantEvidence, expect: 'PASS' },
  {
    rule: bucketDeniesInsecureTransport,
    name: 'Deny s3:PutObject only (a peer tool passes this)',
    evidence: withBucket((b) => {
      b.policy = ok({ Policy: denyPutObjectOnly });
    }),
    expect: 'FAIL',
    check: (f) => expect(f.evidence).toMatchObject({ bucketArnCovered: false, allActionsCovered: false }),
  },
  {
    rule: bucketDeniesInsecureTransport,
    name: 'no bucket policy',
    evidence: withBucket((b) => {
      b.policy = absent('NoSuchBucketPolicy');
    }),
    expect: 'FAIL',
    check: (f) => expect(f.evidence).toMatchObject({ policyPresent: false }),
  },
  {
    rule: bucketDeniesInsecureTransport,
    name: 'policy text that is not JSON',
    evidence: withBucket((b) => {
      b.policy = ok({ Policy: '{"Statement": [' });
    }),
    expect: 'ERROR',
  },
  {
    rule: bucketDeniesInsecureTransport,
    name: 'GetBucketPolicy denied',
    evidence: withBucket((b) => {
      b.policy = failed('AccessDenied');
    }),
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('grant s3:GetBucketPolicy'),
  },
  { rule: bucketDeniesInsecureTransport, name: 'bucket does not exist', evidence: missingBucket, expect: 'FAIL' },
  { rule: bucketDeniesInsecureTransport, name: 'bucket owned by another account', evidence: foreignBucket, expect: 'FAIL' },
  { rule: bucketDeniesOldTls, name: 'Deny TLS below 1.2', evidence: compliantEvidence, expect: 'PASS' },
  {
    rule: bucketDeniesOldTls,
    name: 'only the SecureTransport deny',
    evidence: withBucket((b) => {
      b.policy = ok({ Policy: policyDoc({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }) });
    }),
    expect: 'FAIL',
    check: (f) => expect(f.severity).toBe('low'),
  },
  { rule: bucketNotPublic, name: 'policy status not public', evidence: compliantEvidence, expect: 'PASS' },
  {
    rule: bucketNotPublic,
    name: 'policy status public and RestrictPublicBuckets off',
    evidence: withBucket((b) => {
      b.policyStatus = ok({ PolicyStatus: { IsPublic: true } });
      b.publicAccessBlock = ok({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: false } });
    }),
    expect: 'FAIL',
  },
  {
    rule: bucketNotPublic,
    name: 'no policy means not public by policy',
    evidence: withBucket((b) => {
      b.policyStatus = absent('NoSuchBucketPolicy');
    }),
    expect: 'PASS',
  },
  {
    rule: bucketNotPublic,
    name: 'policy status denied and RestrictPublicBuckets off',
    evidence: withBucket((b) => {
      b.policyStatus = failed('AccessDenied');
      b.publicAccessBlock = absent('NoSuchPublicAccessBlockConfiguration');
    }),
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('grant s3:GetBucketPolicyStatus'),
  },
  { rule: bucketPublicAccessBlock, name: 'all four settings on', evidence: compliantEvidence, expect: 'PASS' },
  {
    rule: bucketPublicAccessBlock,
    name: 'one setting off',
    evidence: withBucket((b) => {
      b.publicAccessBlock = ok({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: true } });
    }),
    expect: 'FAIL',
    check: (f) => expect(f.evidence).toMatchObject({ settingsOff: ['BlockPublicPolicy'] }),
  },
  {
    rule: bucketPublicAccessBlock,
    name: 'no public access block configured',
    evidence: withBucket((b) => {
      b.publicAccessBlock = absent('NoSuchPublicAccessBlockConfiguration');
    }),
    expect: 'FAIL',
  },
  {
    rule: streamTransferManaged,
    name: 'Kinesis stream destination is AWS managed TLS',
    hop: 'storage.contact-trace-records.transfer',
    evidence: withStorage('CONTACT_TRACE_RECORDS', [{ StorageType: 'KINESIS_STREAM', KinesisStreamConfig: { StreamArn: 'arn:aws:kinesis:eu-central-1:111122223333:stream/ctr' } }]),
    expect: 'MANAGED',
  },
];
