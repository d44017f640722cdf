import { PUBLIC_ACCESS } from '../frameworks.js';
import { judgeKeys } from '../lib/kms.js';
import { evaluateKeyPolicyPublic } from '../lib/key-policy.js';
import { callErrorOutcome, outcome, readCall } from '../lib/outcomes.js';
import type { Rule } from '../types.js';

export const kmsKeyPolicyNotPublic: Rule = {
  meta: {
    id: 'kms-key-policy-not-public',
    title: 'The key policy does not allow everyone without an account or organization condition',
    hops: ['voice.recording-at-rest', 'storage.*.at-rest'],
    severity: 'high',
    rationale: 'A key policy that allows "*" lets any AWS principal use the key to decrypt recordings it can reach, defeating the point of a customer managed key.',
    evidenceUsed: ['kms:GetKeyPolicy'],
    remediation: {
      summary: 'Replace "*" principals with account principals, or add an aws:PrincipalAccount, aws:PrincipalOrgID or kms:CallerAccount condition.',
      console: ['Open the AWS KMS console, choose the key, then Key policy › Edit.', 'Restrict every statement that allows Principal "*" with a condition on the caller account or organization.'],
      cli: 'aws kms put-key-policy --key-id <key-arn> --policy-name default --policy file://key-policy.json',
      terraform: 'statement {\n  effect    = "Allow"\n  actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]\n  resources = ["*"]\n  principals {\n    type        = "AWS"\n    identifiers = ["*"]\n  }\n  condition {\n    test     = "StringEquals"\n    variable = "kms:CallerAccount"\n    values   = [data.aws_caller_identity.current.account_id]\n  }\n}',
    },
    references: ['https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html', 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html'],
    compliance: PUBLIC_ACCESS,
  },
  evaluate(ctx) {
    return judgeKeys(ctx, 'a non-public key policy', ({ record, resource }, use) => {
      const subject = `the policy of KMS key ${resource.arn}`;
      const read = readCall(record.keyPolicy, (error) => callErrorOutcome(use.hop, resource, 'kms:GetKeyPolicy', error, subject));
      if (!read.ok) return read.outcome;
      const verdict = evaluateKeyPolicyPublic(read.value?.Policy);
      switch (verdict.kind) {
        case 'invalid':
          return callErrorOutcome(use.hop, resource, 'kms:GetKeyPolicy', { code: 'InvalidPolicyDocument', message: verdict.message }, subject);
        case 'not-public':
          return outcome(use.hop, 'PASS', resource, `The policy of KMS key ${resource.arn} grants nothing to everyone without an account or organization condition.`, { keyArn: resource.arn, ...verdict.evidence });
        case 'public': {
          const sids = verdict.evidence.publicStatements.map((s) => s.sid).join(', ');
          return outcome(use.hop, 'FAIL', resource, `The policy of KMS key ${resource.arn} allows everyone without an account or organization condition (${sids}).`, { keyArn: resource.arn, ...verdict.evidence });
        }
      }
    });
  },
};
