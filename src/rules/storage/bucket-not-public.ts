import type { OperationKey } from '../../evidence/operations.js';
import { PUBLIC_ACCESS } from '../frameworks.js';
import { callErrorOutcome, outcome } from '../lib/outcomes.js';
import { aclsDisabled, effectiveBlockPublicAccess, publicGrants, type EffectiveBlock, type PublicGrant } from '../lib/public-access.js';
import { judgeTransferBuckets, type BucketState } from '../lib/storage.js';
import type { Rule } from '../types.js';

type Side =
  | { verdict: 'safe'; by: string }
  | { verdict: 'public'; why: string }
  | { verdict: 'unknown'; operation: OperationKey; error: { code: string; message: string } };

const notCollected = { code: 'NotCollected', message: 'the evidence holds no answer for this call' };

/** A public grant is neutralised by a Block Public Access flag; when that flag cannot be read, nor can the verdict. */
function guarded(side: Side, guard: boolean | null, unknown: EffectiveBlock['unknown']): Side {
  if (side.verdict !== 'public' || guard !== null) return side;
  const [first] = unknown;
  return first ? { verdict: 'unknown', operation: first.operation, error: first.error } : side;
}

/** RestrictPublicBuckets in effect limits a public policy to AWS services and the bucket owner's account. */
function policySide(bucket: Extract<BucketState, { kind: 'readable' }>['bucket'], restrictPublicBuckets: boolean | null): Side {
  if (restrictPublicBuckets === true) return { verdict: 'safe', by: 'RestrictPublicBuckets is in effect' };
  const status = bucket.policyStatus;
  if (!status) return { verdict: 'unknown', operation: 's3:GetBucketPolicyStatus', error: notCollected };
  if (status.status === 'error') return { verdict: 'unknown', operation: 's3:GetBucketPolicyStatus', error: status.error };
  if (status.status === 'absent') return { verdict: 'safe', by: 'the bucket has no bucket policy' };
  const isPublic = status.response.PolicyStatus?.IsPublic;
  if (isPublic === undefined) return { verdict: 'unknown', operation: 's3:GetBucketPolicyStatus', error: { code: 'MissingField', message: 'PolicyStatus.IsPublic is missing from the answer' } };
  return isPublic ? { verdict: 'public', why: 'its bucket policy grants public access (PolicyStatus.IsPublic) and RestrictPublicBuckets is not in effect' } : { verdict: 'safe', by: 'S3 judges the bucket policy not public' };
}

/** Public ACL grants stop mattering when IgnorePublicAcls is in effect or ACLs are disabled. */
function aclSide(bucket: Extract<BucketState, { kind: 'readable' }>['bucket'], ignorePublicAcls: boolean | null): { side: Side; grants: PublicGrant[] } {
  if (ignorePublicAcls === true) return { side: { verdict: 'safe', by: 'IgnorePublicAcls is in effect' }, grants: [] };
  if (aclsDisabled(bucket) === true) return { side: { verdict: 'safe', by: 'ObjectOwnership is BucketOwnerEnforced (ACLs are disabled)' }, grants: [] };
  const acl = bucket.acl;
  if (!acl) return { side: { verdict: 'unknown', operation: 's3:GetBucketAcl', error: notCollected }, grants: [] };
  if (acl.status === 'error') return { side: { verdict: 'unknown', operation: 's3:GetBucketAcl', error: acl.error }, grants: [] };
  if (acl.status === 'absent') return { side: { verdict: 'unknown', operation: 's3:GetBucketAcl', error: { code: acl.code, message: acl.message ?? 'no ACL answer' } }, grants: [] };
  const grants = publicGrants(acl);
  if (grants.length > 0) {
    const list = grants.map((g) => `${g.grantee} ${g.permission ?? '(no permission named)'}`).join(', ');
    return { side: { verdict: 'public', why: `its ACL grants ${list} and neither IgnorePublicAcls nor BucketOwnerEnforced is in effect` }, grants };
  }
  return { side: { verdict: 'safe', by: 'the bucket ACL grants nothing to AllUsers or AuthenticatedUsers (object ACLs are not read: IgnorePublicAcls or BucketOwnerEnforced would rule them out)' }, grants };
}

export const bucketNotPublic: Rule = {
  meta: {
    id: 's3-bucket-not-public',
    title: 'Neither the bucket policy nor the bucket ACL makes the bucket public',
    hops: ['voice.recording-to-s3', 'storage.*.transfer'],
    severity: 'high',
    rationale:
      'Recordings and transcripts are customer content; a public bucket policy or ACL exposes them to the internet regardless of TLS. GetBucketPolicyStatus judges the policy only, so the ACL and the effective Block Public Access settings (bucket or account level) are read too.',
    evidenceUsed: ['s3:GetBucketPolicyStatus', 's3:GetBucketAcl', 's3:GetBucketOwnershipControls', 's3:GetPublicAccessBlock', 's3control:GetPublicAccessBlock'],
    decidedBy: ['policy', 'PolicyDocument', 'acl', 'access_control_policy', 'AccessControl', 'restrict_public_buckets', 'block_public_policy', 'ignore_public_acls', 'block_public_acls', 'PublicAccessBlockConfiguration', 'rule', 'OwnershipControls'],
    remediation: {
      summary:
        'Remove public grants: restrict every bucket policy statement that allows Principal "*" with a condition on the caller account or organization, remove AllUsers/AuthenticatedUsers grants from the ACL (or disable ACLs with ObjectOwnership BucketOwnerEnforced); then turn on Block Public Access (see s3-bucket-public-access-block).',
      console: [
        'Open the S3 console, choose the bucket, then Permissions › Bucket policy › Edit.',
        'Delete the statements that allow "*", or add an aws:PrincipalOrgID / aws:SourceAccount condition to them, and save.',
        'Under Object Ownership choose Edit › ACLs disabled (Bucket owner enforced), or edit the ACL and remove the Everyone and Authenticated users grants.',
      ],
      cli: 'aws s3api get-bucket-policy-status --bucket <bucket>\naws s3api get-bucket-acl --bucket <bucket>\naws s3api put-bucket-ownership-controls --bucket <bucket> --ownership-controls Rules=[{ObjectOwnership=BucketOwnerEnforced}]',
      terraform: 'resource "aws_s3_bucket_ownership_controls" "recordings" {\n  bucket = aws_s3_bucket.recordings.id\n  rule {\n    object_ownership = "BucketOwnerEnforced"\n  }\n}',
    },
    references: [
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status',
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html',
      'https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html',
    ],
    compliance: PUBLIC_ACCESS,
  },
  evaluate(ctx) {
    return judgeTransferBuckets(ctx, 'public access control', (hop, { name, bucket, resource }) => {
      const block = effectiveBlockPublicAccess(ctx, bucket);
      const policy = guarded(policySide(bucket, block.flags.RestrictPublicBuckets.effective), block.flags.RestrictPublicBuckets.effective, block.unknown);
      const aclRead = aclSide(bucket, block.flags.IgnorePublicAcls.effective);
      const acl = { side: guarded(aclRead.side, block.flags.IgnorePublicAcls.effective, block.unknown), grants: aclRead.grants };
      const describe = (side: Side) => (side.verdict === 'safe' ? { public: false, by: side.by } : side.verdict === 'public' ? { public: true, why: side.why } : { public: null, unreadable: side.operation });
      const evidence = {
        policy: describe(policy),
        acl: { ...describe(acl.side), publicGrants: acl.grants },
        restrictPublicBuckets: block.flags.RestrictPublicBuckets,
        ignorePublicAcls: block.flags.IgnorePublicAcls,
        objectAclsRead: false,
      };
      const publicSides = [policy, acl.side].flatMap((side) => (side.verdict === 'public' ? [side.why] : []));
      if (publicSides.length > 0) return outcome(hop, 'FAIL', resource, `Bucket ${name} is public: ${publicSides.join('; ')}.`, evidence);
      for (const side of [policy, acl.side]) {
        if (side.verdict === 'unknown') {
          const result = callErrorOutcome(hop, resource, side.operation, side.error, `whether bucket ${name} is public`);
          return { ...result, evidence: { ...result.evidence, ...evidence } };
        }
      }
      const reasons = [policy, acl.side].map((side) => (side.verdict === 'safe' ? side.by : '')).join('; ');
      return outcome(hop, 'PASS', resource, `Bucket ${name} is not public: ${reasons}.`, evidence);
    });
  },
};
