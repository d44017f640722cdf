import { CONTACT_FLOW_LOGS_HOP } from '../../paths/hops.js';
import { KEY_MANAGEMENT } from '../frameworks.js';
import { judgeKeys } from '../lib/kms.js';
import { callErrorOutcome, outcome } from '../lib/outcomes.js';
import type { Rule } from '../types.js';

export const kmsKeyEnabled: Rule = {
  meta: {
    id: 'kms-key-enabled',
    title: 'The KMS key that encrypts contact data is enabled and not pending deletion',
    hops: ['voice.recording-at-rest', 'storage.*.at-rest', CONTACT_FLOW_LOGS_HOP.id],
    severity: 'critical',
    rationale: 'Connect cannot write recordings with a disabled key, and a key pending deletion will make every object encrypted under it unreadable forever.',
    evidenceUsed: ['kms:DescribeKey'],
    decidedBy: ['is_enabled', 'Enabled'],
    remediation: {
      summary: 'Cancel the scheduled deletion and enable the key, or point the storage config at an enabled customer managed key.',
      console: ['Open the AWS KMS console, choose Customer managed keys, then the key.', 'Choose Key actions › Cancel key deletion, then Key actions › Enable.'],
      cli: 'aws kms cancel-key-deletion --key-id <key-arn> && aws kms enable-key --key-id <key-arn>',
      terraform: 'resource "aws_kms_key" "connect" {\n  description         = "Amazon Connect recordings"\n  is_enabled          = true\n  enable_key_rotation = true\n}',
    },
    references: ['https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html'],
    compliance: KEY_MANAGEMENT,
  },
  evaluate(ctx) {
    return judgeKeys(ctx, 'an enabled key', ({ metadata, resource }, use) => {
      // KeyState says it all; an older answer may carry only Enabled, which is evidence too.
      const state = metadata.KeyState ?? (metadata.Enabled === undefined ? undefined : metadata.Enabled ? 'Enabled' : 'Disabled');
      if (state === undefined) {
        return callErrorOutcome(use.hop, resource, 'kms:DescribeKey', { code: 'MissingField', message: 'neither KeyState nor Enabled is in the answer' }, `the state of KMS key ${resource.arn}`);
      }
      const evidence = { keyArn: resource.arn, keyState: state, deletionDate: metadata.DeletionDate ?? null, source: use.source };
      if (state === 'Enabled') return outcome(use.hop, 'PASS', resource, `KMS key ${resource.arn} is enabled.`, evidence);
      const detail = state === 'PendingDeletion' ? `is pending deletion${metadata.DeletionDate ? ` on ${metadata.DeletionDate}` : ''}` : `is in state ${state}`;
      return outcome(use.hop, 'FAIL', resource, `KMS key ${resource.arn} (${use.source}) ${detail}: data cannot be encrypted or read with it.`, evidence);
    });
  },
};
