import { NETWORK_PATHS_DOC } from '../../paths/hops.js';
import { ENCRYPTION_IN_TRANSIT } from '../frameworks.js';
import { bucketDenyRemediation, evaluateSecureTransportDeny, SECURE_TRANSPORT_STATEMENT } from '../lib/bucket-policy.js';
import { judgeBucketPolicyDeny } from '../lib/storage.js';
import type { Rule } from '../types.js';

export const bucketDeniesInsecureTransport: Rule = {
  meta: {
    id: SECURE_TRANSPORT_STATEMENT.ruleId,
    title: 'The bucket policy denies every request not sent over TLS',
    hops: ['voice.recording-to-s3', 'storage.*.transfer'],
    severity: 'high',
    rationale:
      'Connect sends data to S3 over TLS, but only a bucket policy that denies aws:SecureTransport=false for all principals, all S3 actions, the bucket and its objects guarantees no one reads or writes the data in clear text.',
    evidenceUsed: ['s3:GetBucketPolicy'],
    decidedBy: ['policy', 'PolicyDocument'],
    remediation: bucketDenyRemediation(SECURE_TRANSPORT_STATEMENT),
    references: [
      'https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-ssl-requests-only.html',
      'https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html',
      'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html',
      'https://docs.aws.amazon.com/cli/latest/reference/s3api/get-bucket-policy.html',
      NETWORK_PATHS_DOC,
    ],
    compliance: ENCRYPTION_IN_TRANSIT,
  },
  evaluate(ctx) {
    return judgeBucketPolicyDeny(ctx, 'a TLS-only bucket policy', 'denies every request without TLS', (policy, bucket) =>
      evaluateSecureTransportDeny(policy, bucket, { partition: ctx.partition }),
    );
  },
};
