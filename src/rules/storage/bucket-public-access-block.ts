import { PUBLIC_ACCESS } from '../frameworks.js';
import { callErrorOutcome, outcome, readCall } from '../lib/outcomes.js';
import { judgeTransferBuckets } from '../lib/storage.js';
import type { Rule } from '../types.js';

const BLOCK_FLAGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

export const bucketPublicAccessBlock: Rule = {
  meta: {
    id: 's3-bucket-public-access-block',
    title: 'All four S3 Block Public Access settings are on for the bucket',
    hops: ['voice.recording-to-s3', 'storage.*.transfer'],
    severity: 'medium',
    rationale: 'Block Public Access stops a later policy or ACL change from exposing recordings; without it, one mistaken edit makes the bucket public.',
    evidenceUsed: ['s3:GetPublicAccessBlock'],
    remediation: {
      summary: 'Turn on all four S3 Block Public Access settings for the bucket (the account-level setting is not read by this rule).',
      console: ['Open the S3 console, choose the bucket, then Permissions.', 'Under Block public access, choose Edit, select Block all public access and save.'],
      cli: 'aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
      terraform: 'resource "aws_s3_bucket_public_access_block" "recordings" {\n  bucket                  = aws_s3_bucket.recordings.id\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}',
    },
    references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html'],
    compliance: PUBLIC_ACCESS,
  },
  evaluate(ctx) {
    return judgeTransferBuckets(ctx, 'public access blocking', (hop, { name, bucket, resource }) => {
      const block = readCall(bucket.publicAccessBlock, (error) => callErrorOutcome(hop, resource, 's3:GetPublicAccessBlock', error, `the public access block of bucket ${name}`));
      if (!block.ok) return block.outcome;
      const config = block.value?.PublicAccessBlockConfiguration;
      const off = BLOCK_FLAGS.filter((flag) => config?.[flag] !== true);
      const evidence = { publicAccessBlock: config ?? null, settingsOff: off };
      if (off.length === 0) return outcome(hop, 'PASS', resource, `Bucket ${name} blocks all public access.`, evidence);
      const what = config ? `${off.join(', ')} ${off.length === 1 ? 'is' : 'are'} off` : 'no bucket-level Block Public Access is configured';
      return outcome(hop, 'FAIL', resource, `Bucket ${name}: ${what}.`, evidence);
    });
  },
};
