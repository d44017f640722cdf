import { ENCRYPTION_IN_TRANSIT } from '../frameworks.js';
import { bucketDenyRemediation, evaluateTlsVersionDeny, TLS_VERSION_STATEMENT } from '../lib/bucket-policy.js';
import { judgeBucketPolicyDeny } from '../lib/storage.js';
import type { Rule } from '../types.js';

const MINIMUM_TLS_VERSION = 1.2;

export const bucketDeniesOldTls: Rule = {
  meta: {
    id: TLS_VERSION_STATEMENT.ruleId,
    title: 'The bucket policy denies requests that use TLS older than 1.2',
    hops: ['voice.recording-to-s3', 'storage.*.transfer'],
    severity: 'low',
    rationale: 'TLS 1.0 and 1.1 are deprecated; a Deny on s3:TlsVersion below 1.2 keeps every client of the bucket on a current protocol.',
    evidenceUsed: ['s3:GetBucketPolicy'],
    decidedBy: ['policy', 'PolicyDocument'],
    remediation: bucketDenyRemediation(TLS_VERSION_STATEMENT),
    references: [
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html#example-object-tls-version',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html',
      'https://docs.aws.amazon.com/cli/latest/reference/s3api/get-bucket-policy.html',
    ],
    compliance: ENCRYPTION_IN_TRANSIT,
  },
  evaluate(ctx) {
    return judgeBucketPolicyDeny(ctx, 'a minimum TLS version', 'denies TLS below 1.2', (policy, bucket) =>
      evaluateTlsVersionDeny(policy, bucket, MINIMUM_TLS_VERSION, { partition: ctx.partition }),
    );
  },
};
