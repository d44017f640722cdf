import { PUBLIC_ACCESS } from '../frameworks.js';
import { callErrorOutcome, outcome, readCall } from '../lib/outcomes.js';
import { judgeTransferBuckets } from '../lib/storage.js';
import type { Rule } from '../types.js';

export const bucketNotPublic: Rule = {
  meta: {
    id: 's3-bucket-not-public',
    title: 'The bucket policy does not make the bucket public',
    hops: ['voice.recording-to-s3', 'storage.*.transfer'],
    severity: 'high',
    rationale: 'Recordings and transcripts are customer content; a public bucket policy or ACL exposes them to the internet regardless of TLS.',
    evidenceUsed: ['s3:GetBucketPolicyStatus'],
    remediation: {
      summary: 'Remove or restrict every bucket policy statement that allows Principal "*" without a condition on the caller account, organization or source; then turn on Block Public Access (see s3-bucket-public-access-block).',
      console: [
        'Open the S3 console, choose the bucket, then Permissions › Bucket policy › Edit.',
        'Delete the statements that allow "*", or add an aws:PrincipalOrgID / aws:SourceAccount condition to them, and save.',
      ],
      cli: 'aws s3api get-bucket-policy-status --bucket <bucket> && aws s3api put-bucket-policy --bucket <bucket> --policy file://policy-without-public-statements.json',
    },
    references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html'],
    compliance: PUBLIC_ACCESS,
  },
  evaluate(ctx) {
    return judgeTransferBuckets(ctx, 'public access control', (hop, { name, bucket, resource }) => {
      const status = readCall(bucket.policyStatus, (error) => callErrorOutcome(hop, resource, 's3:GetBucketPolicyStatus', error, `the policy status of bucket ${name}`));
      if (!status.ok) return status.outcome;
      const isPublic = status.value?.PolicyStatus?.IsPublic === true;
      if (isPublic) return outcome(hop, 'FAIL', resource, `Bucket ${name} is public: its policy grants access to anyone.`, { isPublic });
      const hasPolicy = status.value !== undefined;
      return outcome(hop, 'PASS', resource, `Bucket ${name} is not public${hasPolicy ? '' : ' (it has no bucket policy)'}.`, { isPublic, hasPolicy });
    });
  },
};
