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
      summary: 'Remove public statements from the bucket policy and turn on all four S3 Block Public Access settings for the bucket.',
      console: ['Open the S3 console, choose the bucket, then Permissions.', 'Under Block public access, choose Edit, select Block all public access and save.'],
      cli: 'aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
      terraform: 'resource "aws_s3_bucket_public_access_block" "recordings" {\n  bucket                  = aws_s3_bucket.recordings.id\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}',
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
