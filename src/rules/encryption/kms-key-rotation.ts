import { KEY_MANAGEMENT } from '../frameworks.js';
import { judgeKeys } from '../lib/kms.js';
import { callErrorOutcome, outcome, readCall } from '../lib/outcomes.js';
import type { Rule } from '../types.js';

export const kmsKeyRotation: Rule = {
  meta: {
    id: 'kms-key-rotation-enabled',
    title: 'Automatic rotation is enabled on the customer managed key',
    hops: ['voice.recording-at-rest', 'storage.*.at-rest'],
    severity: 'medium',
    rationale: 'Rotating key material limits how much data one key version protects; PCI DSS and NIST expect a defined cryptoperiod.',
    evidenceUsed: ['kms:GetKeyRotationStatus'],
    remediation: {
      summary: 'Enable automatic key rotation (yearly by default, 90–2560 days).',
      console: ['Open the AWS KMS console, choose the key, then Key rotation.', 'Select Automatically rotate this KMS key and save.'],
      cli: 'aws kms enable-key-rotation --key-id <key-arn> --rotation-period-in-days 365',
      terraform: 'resource "aws_kms_key" "connect" {\n  enable_key_rotation     = true\n  rotation_period_in_days = 365\n}',
    },
    references: ['https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html'],
    compliance: KEY_MANAGEMENT,
  },
  evaluate(ctx) {
    return judgeKeys(ctx, 'key rotation', ({ record, metadata, resource }, use) => {
      if (metadata.KeyManager === 'AWS') {
        return outcome(use.hop, 'PASS', resource, `KMS key ${resource.arn} is AWS managed and rotated by AWS every year.`, { keyArn: resource.arn, keyManager: 'AWS' });
      }
      const read = readCall(record.rotation, (error) => callErrorOutcome(use.hop, resource, 'kms:GetKeyRotationStatus', error, `the rotation status of KMS key ${resource.arn}`));
      if (!read.ok) return read.outcome;
      const enabled = read.value?.KeyRotationEnabled === true;
      const evidence = { keyArn: resource.arn, rotationEnabled: enabled, rotationPeriodInDays: read.value?.RotationPeriodInDays ?? null, rotationSupported: read.value !== undefined };
      if (enabled) return outcome(use.hop, 'PASS', resource, `KMS key ${resource.arn} rotates automatically every ${read.value?.RotationPeriodInDays ?? 365} days.`, evidence);
      const why = read.value === undefined ? ' (this kind of key cannot rotate automatically)' : '';
      return outcome(use.hop, 'FAIL', resource, `Automatic rotation is off for KMS key ${resource.arn}${why}.`, evidence);
    });
  },
};
