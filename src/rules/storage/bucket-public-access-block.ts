import { PUBLIC_ACCESS } from '../frameworks.js';
import { callErrorOutcome, outcome } from '../lib/outcomes.js';
import { BLOCK_FLAGS, effectiveBlockPublicAccess } from '../lib/public-access.js';
import { judgeTransferBuckets } from '../lib/storage.js';
import type { Rule } from '../types.js';

export const bucketPublicAccessBlock: Rule = {
  meta: {
    id: 's3-bucket-public-access-block',
    title: 'All four S3 Block Public Access settings are in effect for the bucket (bucket or account level)',
    hops: ['voice.recording-to-s3', 'storage.*.transfer'],
    severity: 'medium',
    rationale:
      'Block Public Access stops a later policy or ACL change from exposing recordings; without it, one mistaken edit makes the bucket public. S3 applies the most restrictive combination of the bucket and account settings, so each setting counts when either level turns it on.',
    evidenceUsed: ['s3:GetPublicAccessBlock', 's3control:GetPublicAccessBlock'],
    decidedBy: ['block_public_acls', 'ignore_public_acls', 'block_public_policy', 'restrict_public_buckets', 'PublicAccessBlockConfiguration'],
    remediation: {
      summary: 'Turn on all four S3 Block Public Access settings, for the bucket or for the whole account.',
      console: [
        'Open the S3 console, choose the bucket, then Permissions.',
        'Under Block public access (bucket settings), choose Edit, select Block all public access and save.',
        'Or, for every bucket of the account: S3 console › Block Public Access settings for this account › Edit.',
      ],
      cli: 'aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true\n# or account-wide:\naws s3control put-public-access-block --account-id <account> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
      terraform: 'resource "aws_s3_bucket_public_access_block" "recordings" {\n  bucket                  = aws_s3_bucket.recordings.id\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}\n\n# or account-wide:\nresource "aws_s3_account_public_access_block" "account" {\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}',
    },
    references: [
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html',
      'https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_GetPublicAccessBlock.html',
    ],
    compliance: PUBLIC_ACCESS,
  },
  evaluate(ctx) {
    return judgeTransferBuckets(ctx, 'public access blocking', (hop, { name, bucket, resource }) => {
      const block = effectiveBlockPublicAccess(ctx, bucket);
      const off = BLOCK_FLAGS.filter((flag) => block.flags[flag].effective === false);
      const evidence = { blockPublicAccess: block.flags, settingsOff: off };
      if (off.length > 0) {
        const verb = off.length === 1 ? 'is' : 'are';
        return outcome(hop, 'FAIL', resource, `Bucket ${name}: ${off.join(', ')} ${verb} off at both the bucket and the account level.`, evidence);
      }
      const [unknown] = block.unknown;
      if (unknown) {
        const result = callErrorOutcome(hop, resource, unknown.operation, unknown.error, `the Block Public Access settings that apply to bucket ${name}`);
        return { ...result, evidence: { ...result.evidence, ...evidence } };
      }
      const sources = BLOCK_FLAGS.map((flag) => `${flag} (${block.flags[flag].providedBy ?? 'unknown'})`).join(', ');
      return outcome(hop, 'PASS', resource, `Bucket ${name} blocks all public access: ${sources}.`, evidence);
    });
  },
};
