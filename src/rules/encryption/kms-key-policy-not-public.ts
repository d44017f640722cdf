import { CONTACT_FLOW_LOGS_HOP } from '../../paths/hops.js';
import { PUBLIC_ACCESS } from '../frameworks.js';
import { judgeKeys } from '../lib/kms.js';
import { evaluateKeyPolicyPublic } from '../lib/key-policy.js';
import type { KeyPolicyEvidence, StatementEvidence } from '../lib/key-policy.js';
import { callErrorOutcome, invalidPolicyOutcome, outcome, readCall } from '../lib/outcomes.js';
import type { Rule } from '../types.js';

const KEY_POLICY_TERRAFORM = `data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_root = "arn:\${data.aws_partition.current.partition}:iam::\${data.aws_caller_identity.current.account_id}:root"
}

data "aws_iam_policy_document" "recordings_key" {
  # The default key policy: the account (its IAM policies) administers the key; never remove it.
  statement {
    sid       = "EnableIAMUserPermissions"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = [local.account_root]
    }
  }
  # Use through S3 only, by principals of this account: kms:ViaService together with kms:CallerAccount.
  statement {
    sid       = "AllowUseThroughS3FromThisAccount"
    effect    = "Allow"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = [local.account_root]
    }
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.\${data.aws_region.current.name}.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_kms_key_policy" "recordings" {
  key_id = aws_kms_key.recordings.id
  policy = data.aws_iam_policy_document.recordings_key.json
}`;

/** Reads the policy and lists the statements that allow everyone; after editing key-policy.json, puts it back. */
const KEY_POLICY_CLI = [
  'aws kms get-key-policy --key-id <key-arn> --policy-name default --query Policy --output text > key-policy.json \\',
  `  && jq '[.Statement | if type == "array" then .[] else . end | select(.Effect == "Allow" and (has("NotPrincipal") or .Principal == "*" or ([.Principal | objects | .AWS | if type == "array" then .[] else . end] | index("*") != null)))]' key-policy.json`,
  '# Then edit key-policy.json: give each statement listed above named principals (the account root or roles), or a kms:CallerAccount condition for your account; keep the key administrators\' statement. Put it back:',
  'aws kms put-key-policy --key-id <key-arn> --policy-name default --policy file://key-policy.json',
].join('\n');

/** `Sid: what each condition does instead of pinning the caller`, for the public statements. */
function publicSummary(statements: readonly StatementEvidence[]): string {
  const describe = (statement: StatementEvidence): string =>
    `${statement.sid}: ${statement.conditions.length > 0 ? statement.conditions.map((condition) => condition.why).join('; ') : 'no condition at all'}`;
  return statements.filter((statement) => statement.verdict === 'public').map(describe).join(' | ');
}

function failMessage(keyArn: string, evidence: KeyPolicyEvidence): string {
  const parts: string[] = [];
  if (evidence.publicStatements.length > 0) {
    parts.push(`allows everyone without a condition that pins the caller to the key's account, a trusted account or an organization (${publicSummary(evidence.statements)})`);
  }
  if (evidence.outsideStatements.length > 0) {
    const accounts = [...new Set(evidence.statements.flatMap((statement) => statement.outsideAccounts ?? []))];
    parts.push(`allows callers of account ${accounts.join(', ')}, which is neither the key's account nor in trustedKeyAccounts (${evidence.outsideStatements.join(', ')})`);
  }
  return `The policy of KMS key ${keyArn} ${parts.join(', and ')}.`;
}

function passMessage(keyArn: string, evidence: KeyPolicyEvidence): string {
  if (evidence.statements.length === 0) return `The policy of KMS key ${keyArn} grants nothing to everyone.`;
  return `The policy of KMS key ${keyArn} allows everyone only under a condition that pins the caller to the key's account, a trusted account or an organization (${evidence.statements.map((s) => `${s.sid}: ${s.why}`).join(' | ')}).`;
}

export const kmsKeyPolicyNotPublic: Rule = {
  meta: {
    id: 'kms-key-policy-not-public',
    title: 'The key policy does not allow everyone without an account or organization condition',
    hops: ['voice.recording-at-rest', 'storage.*.at-rest', CONTACT_FLOW_LOGS_HOP.id],
    severity: 'high',
    rationale:
      'A key policy that allows "*" lets any AWS principal use the key to decrypt recordings it can reach, defeating the point of a customer managed key. kms:ViaService alone only limits the AWS service a request comes through, not who sends it; kms:CallerAccount, aws:PrincipalAccount or aws:PrincipalOrgID limit the caller.',
    evidenceUsed: ['kms:GetKeyPolicy'],
    decidedBy: ['policy', 'KeyPolicy'],
    remediation: {
      summary:
        'Give every statement that allows "*" named principals (the account root or specific roles), or a kms:CallerAccount (or aws:PrincipalOrgID) condition for your account; use kms:ViaService only together with kms:CallerAccount, never alone.',
      console: [
        'Open the AWS KMS console, choose the key, then Key policy › Edit.',
        'For each statement with Principal "*" (or {"AWS": "*"}, or NotPrincipal): replace the principal with your account root (arn:aws:iam::<account-id>:root) or the roles that need the key, or add "StringEquals": {"kms:CallerAccount": "<account-id>"} next to any kms:ViaService condition.',
        'Keep the statement that lets the account administer the key, so the policy does not lock you out, and save.',
      ],
      cli: KEY_POLICY_CLI,
      terraform: KEY_POLICY_TERRAFORM,
    },
    references: [
      'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html',
      'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service',
      'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account',
      'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html',
    ],
    compliance: PUBLIC_ACCESS,
  },
  evaluate(ctx) {
    // The instance's own account is the customer's as much as the key's account is.
    const trustedAccounts = [...new Set([ctx.account.accountId, ...ctx.settings.trustedKeyAccounts])];
    return judgeKeys(ctx, 'a non-public key policy', ({ record, resource }, use) => {
      const subject = `the policy of KMS key ${resource.arn}`;
      const read = readCall(record.keyPolicy, (error) => callErrorOutcome(use.hop, resource, 'kms:GetKeyPolicy', error, subject));
      if (!read.ok) return read.outcome;
      const verdict = evaluateKeyPolicyPublic(read.value?.Policy, { keyAccount: resource.accountId, trustedAccounts, partition: ctx.partition });
      switch (verdict.kind) {
        case 'invalid':
          return invalidPolicyOutcome(use.hop, resource, 'kms:GetKeyPolicy', subject, verdict.message);
        case 'not-public':
          return outcome(use.hop, 'PASS', resource, passMessage(resource.arn, verdict.evidence), { keyArn: resource.arn, ...verdict.evidence });
        case 'public':
        case 'outside':
          return outcome(use.hop, 'FAIL', resource, failMessage(resource.arn, verdict.evidence), { keyArn: resource.arn, ...verdict.evidence });
      }
    });
  },
};
