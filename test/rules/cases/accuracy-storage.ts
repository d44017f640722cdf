import { expect } from 'vitest';
import { bucketDeniesInsecureTransport } from '../../../src/rules/storage/bucket-denies-insecure-transport.js';
import { bucketExistsAndOwned } from '../../../src/rules/storage/bucket-exists-and-owned.js';
import { bucketNotPublic } from '../../../src/rules/storage/bucket-not-public.js';
import { bucketPublicAccessBlock } from '../../../src/rules/storage/bucket-public-access-block.js';
import { absent, ACCOUNT, BUCKET, changed, compliantEvidenceIn, failed, ok, OWNER_CANONICAL_ID } from '../../helpers/evidence.js';
import type { RuleCase } from './types.js';

/** Issue 8 (verdicts against AWS's documentation), S3 destinations: old wrong verdict → new right one. */

const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const ALL_OFF = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

function aclGranting(uri: string, permission = 'READ') {
  return ok({
    Owner: { ID: OWNER_CANONICAL_ID },
    Grants: [
      { Grantee: { Type: 'CanonicalUser', ID: OWNER_CANONICAL_ID }, Permission: 'FULL_CONTROL' },
      { Grantee: { Type: 'Group', URI: uri }, Permission: permission },
    ],
  });
}

/** ACLs on (ObjectOwnership BucketOwnerPreferred), no Block Public Access anywhere: the ACL decides. */
function aclsMatter(p: Parameters<Parameters<typeof changed>[0]>[0]) {
  p.bucket.ownershipControls = ok({ OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] } });
  p.bucket.publicAccessBlock = ok({ PublicAccessBlockConfiguration: ALL_OFF });
  p.account.publicAccessBlock = absent('NoSuchPublicAccessBlockConfiguration');
}

/** GetBucketLocation refused with and without ExpectedBucketOwner; HeadBucket and ListBuckets decide. */
function refusedBothWays(p: Parameters<Parameters<typeof changed>[0]>[0]) {
  p.bucket.location = failed('AccessDenied', 403);
  p.bucket.ownerProbe = failed('AccessDenied', 403);
  p.bucket.headBucket = failed('Forbidden', 403);
}

export const accuracyStorageCases: RuleCase[] = [
  // Item 3: "not public" includes the ACL and the effective (bucket OR account) Block Public Access.
  {
    rule: bucketNotPublic,
    name: 'ACL grants AllUsers READ with ACLs enabled and nothing blocked: public (was PASS: the policy status alone was read)',
    evidence: changed((p) => {
      aclsMatter(p);
      p.bucket.acl = aclGranting(ALL_USERS);
    }),
    expect: 'FAIL',
    check: (f) => {
      expect(f.message).toContain('AllUsers READ');
      expect(f.evidence).toMatchObject({ acl: { public: true, publicGrants: [{ grantee: 'AllUsers', permission: 'READ' }] } });
    },
  },
  {
    rule: bucketNotPublic,
    name: 'ACL grants AuthenticatedUsers (any AWS account) WRITE: public',
    evidence: changed((p) => {
      aclsMatter(p);
      p.bucket.acl = aclGranting(AUTHENTICATED_USERS, 'WRITE');
    }),
    expect: 'FAIL',
  },
  {
    rule: bucketNotPublic,
    name: 'public ACL neutralised by IgnorePublicAcls at the account level only',
    evidence: changed((p) => {
      aclsMatter(p);
      p.bucket.acl = aclGranting(ALL_USERS);
      p.account.publicAccessBlock = ok({ PublicAccessBlockConfiguration: { ...ALL_OFF, IgnorePublicAcls: true } });
    }),
    expect: 'PASS',
    check: (f) => expect(f.evidence).toMatchObject({ ignorePublicAcls: { bucket: false, account: true, effective: true, providedBy: 'account' } }),
  },
  {
    rule: bucketNotPublic,
    name: 'public ACL grant kept but ACLs disabled by BucketOwnerEnforced',
    evidence: changed((p) => {
      aclsMatter(p);
      p.bucket.acl = aclGranting(ALL_USERS);
      p.bucket.ownershipControls = ok({ OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } });
    }),
    expect: 'PASS',
    check: (f) => expect(f.message).toContain('BucketOwnerEnforced'),
  },
  {
    rule: bucketNotPublic,
    name: 'private ACL with ACLs enabled and nothing blocked: not public, and the message says object ACLs are not read',
    evidence: changed((p) => aclsMatter(p)),
    expect: 'PASS',
    check: (f) => expect(f.message).toContain('object ACLs are not read'),
  },
  {
    rule: bucketNotPublic,
    name: 'public ACL while the account-level setting cannot be read: ERROR naming s3:GetAccountPublicAccessBlock, not FAIL',
    evidence: changed((p) => {
      aclsMatter(p);
      p.bucket.acl = aclGranting(ALL_USERS);
      p.account.publicAccessBlock = failed('AccessDenied');
    }),
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('grant s3:GetAccountPublicAccessBlock'),
  },
  {
    rule: bucketNotPublic,
    name: 'GetBucketAcl denied with ACLs enabled and IgnorePublicAcls off: ERROR naming s3:GetBucketAcl',
    evidence: changed((p) => {
      aclsMatter(p);
      p.bucket.acl = failed('AccessDenied');
    }),
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('grant s3:GetBucketAcl'),
  },
  {
    rule: bucketNotPublic,
    name: 'public policy neutralised by RestrictPublicBuckets at the account level',
    evidence: changed((p) => {
      aclsMatter(p);
      p.bucket.policyStatus = ok({ PolicyStatus: { IsPublic: true } });
      p.account.publicAccessBlock = ok({ PublicAccessBlockConfiguration: { ...ALL_OFF, RestrictPublicBuckets: true } });
    }),
    expect: 'PASS',
  },
  {
    rule: bucketNotPublic,
    name: 'a PolicyStatus without IsPublic is ERROR, never read as not public',
    evidence: changed((p) => {
      aclsMatter(p);
      p.bucket.policyStatus = ok({ PolicyStatus: {} });
    }),
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('MissingField'),
  },

  // Item 6: Block Public Access is effective at the account level too, flag by flag.
  {
    rule: bucketPublicAccessBlock,
    name: 'no bucket-level setting but all four on for the account (was FAIL)',
    evidence: changed((p) => {
      p.bucket.publicAccessBlock = absent('NoSuchPublicAccessBlockConfiguration');
      p.account.publicAccessBlock = ok({ PublicAccessBlockConfiguration: ALL_ON });
    }),
    expect: 'PASS',
    check: (f) => expect(f.evidence).toMatchObject({ blockPublicAccess: { BlockPublicAcls: { providedBy: 'account' }, RestrictPublicBuckets: { providedBy: 'account' } } }),
  },
  {
    rule: bucketPublicAccessBlock,
    name: 'flags split between the bucket (ACL flags) and the account (policy flags)',
    evidence: changed((p) => {
      p.bucket.publicAccessBlock = ok({ PublicAccessBlockConfiguration: { ...ALL_OFF, BlockPublicAcls: true, IgnorePublicAcls: true } });
      p.account.publicAccessBlock = ok({ PublicAccessBlockConfiguration: { ...ALL_OFF, BlockPublicPolicy: true, RestrictPublicBuckets: true } });
    }),
    expect: 'PASS',
    check: (f) => expect(f.evidence).toMatchObject({ blockPublicAccess: { IgnorePublicAcls: { providedBy: 'bucket' }, BlockPublicPolicy: { providedBy: 'account' } } }),
  },
  {
    rule: bucketPublicAccessBlock,
    name: 'a flag off at both levels fails, naming the flag',
    evidence: changed((p) => {
      p.bucket.publicAccessBlock = ok({ PublicAccessBlockConfiguration: { ...ALL_ON, RestrictPublicBuckets: false } });
      p.account.publicAccessBlock = ok({ PublicAccessBlockConfiguration: { ...ALL_ON, RestrictPublicBuckets: false } });
    }),
    expect: 'FAIL',
    check: (f) => expect(f.evidence).toMatchObject({ settingsOff: ['RestrictPublicBuckets'] }),
  },
  {
    rule: bucketPublicAccessBlock,
    name: 'bucket level off and the account level unreadable: ERROR naming s3:GetAccountPublicAccessBlock',
    evidence: changed((p) => {
      p.bucket.publicAccessBlock = absent('NoSuchPublicAccessBlockConfiguration');
      p.account.publicAccessBlock = failed('AccessDenied');
    }),
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('s3control:GetPublicAccessBlock failed with AccessDenied; grant s3:GetAccountPublicAccessBlock'),
  },
  {
    rule: bucketPublicAccessBlock,
    name: 'all four on at the bucket: the unreadable account level does not matter',
    evidence: changed((p) => {
      p.account.publicAccessBlock = failed('AccessDenied');
    }),
    expect: 'PASS',
  },
  {
    rule: bucketPublicAccessBlock,
    name: 'evidence collected before the account level was read: ERROR (NotCollected), never PASS',
    evidence: changed((p) => {
      p.bucket.publicAccessBlock = absent('NoSuchPublicAccessBlockConfiguration');
      delete p.account.publicAccessBlock;
    }),
    expect: 'ERROR',
  },

  // Item 13: a bucket that exists and is absent from the account's own ListBuckets is foreign-owned.
  {
    rule: bucketExistsAndOwned,
    name: 'refused both ways, HeadBucket 403, not in ListBuckets: foreign-owned (was ERROR)',
    evidence: changed((p) => {
      refusedBothWays(p);
      p.account.listBuckets = ok([{ Name: 'some-other-bucket' }]);
    }),
    expect: 'FAIL',
    check: (f) => {
      expect(f.severity).toBe('critical');
      expect(f.evidence).toMatchObject({ ownedByInstanceAccount: false });
      expect(String(f.evidence.shownBy)).toContain('ListBuckets');
    },
  },
  {
    rule: bucketExistsAndOwned,
    name: 'refused both ways but listed by ListBuckets: ours and unreadable, ERROR naming s3:GetBucketLocation',
    evidence: changed((p) => {
      refusedBothWays(p);
      p.account.listBuckets = ok([{ Name: BUCKET }]);
    }),
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('grant s3:GetBucketLocation'),
  },
  {
    rule: bucketExistsAndOwned,
    name: 'refused both ways and ListBuckets denied: ERROR naming s3:ListAllMyBuckets',
    evidence: changed((p) => {
      refusedBothWays(p);
      p.account.listBuckets = failed('AccessDenied');
    }),
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('grant s3:ListAllMyBuckets'),
  },
  {
    rule: bucketExistsAndOwned,
    name: 'refused both ways and HeadBucket 404: the bucket does not exist',
    evidence: changed((p) => {
      refusedBothWays(p);
      p.bucket.headBucket = absent('NotFound');
    }),
    expect: 'FAIL',
    check: (f) => expect(f.evidence).toMatchObject({ exists: false }),
  },
  {
    rule: bucketDeniesInsecureTransport,
    name: 'a foreign-owned bucket shown by ListBuckets fails the dependent TLS rule too',
    evidence: changed((p) => {
      refusedBothWays(p);
      p.account.listBuckets = ok([]);
    }),
    expect: 'FAIL',
    check: (f) => expect(f.message).toContain('another account'),
  },

  // Item 7: partitions come from the instance ARN.
  {
    rule: bucketExistsAndOwned,
    name: 'GovCloud: the bucket ARN is in the aws-us-gov partition',
    evidence: () => compliantEvidenceIn('aws-us-gov', 'us-gov-west-1'),
    expect: 'PASS',
    check: (f) => {
      expect(f.resource.arn).toBe(`arn:aws-us-gov:s3:::${BUCKET}`);
      expect(f.instanceArn.startsWith(`arn:aws-us-gov:connect:us-gov-west-1:${ACCOUNT}:`)).toBe(true);
    },
  },
  {
    rule: bucketPublicAccessBlock,
    name: 'China partition: findings name arn:aws-cn ARNs',
    evidence: () => {
      const doc = compliantEvidenceIn('aws-cn', 'cn-north-1');
      doc.accounts[0]!.buckets[BUCKET]!.publicAccessBlock = absent('NoSuchPublicAccessBlockConfiguration');
      return doc;
    },
    expect: 'FAIL',
    check: (f) => expect(f.resource.arn).toBe(`arn:aws-cn:s3:::${BUCKET}`),
  },
];
