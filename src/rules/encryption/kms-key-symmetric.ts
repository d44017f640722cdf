import { CONTACT_FLOW_LOGS_HOP } from '../../paths/hops.js';
import { KEY_MANAGEMENT } from '../frameworks.js';
import { judgeKeys } from '../lib/kms.js';
import { callErrorOutcome, outcome } from '../lib/outcomes.js';
import type { Rule } from '../types.js';

export const kmsKeySymmetric: Rule = {
  meta: {
    id: 'kms-key-symmetric-encrypt-decrypt',
    title: 'The KMS key is a symmetric encrypt/decrypt key',
    hops: ['voice.recording-at-rest', 'storage.*.at-rest', CONTACT_FLOW_LOGS_HOP.id],
    severity: 'high',
    rationale: 'S3 SSE-KMS and Amazon Connect accept only symmetric keys (SYMMETRIC_DEFAULT) used for ENCRYPT_DECRYPT; any other key spec makes writes fail.',
    evidenceUsed: ['kms:DescribeKey'],
    decidedBy: ['key_usage', 'customer_master_key_spec', 'KeyUsage', 'KeySpec'],
    remediation: {
      summary: 'Create a symmetric encryption key and use it in the storage config and bucket default encryption.',
      console: ['Open the AWS KMS console and choose Create key.', 'Choose Symmetric and Encrypt and decrypt.'],
      cli: 'aws kms create-key --key-spec SYMMETRIC_DEFAULT --key-usage ENCRYPT_DECRYPT --description "Amazon Connect recordings"',
      terraform: 'resource "aws_kms_key" "connect" {\n  customer_master_key_spec = "SYMMETRIC_DEFAULT"\n  key_usage                = "ENCRYPT_DECRYPT"\n  enable_key_rotation      = true\n}',
    },
    references: ['https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html'],
    compliance: KEY_MANAGEMENT,
  },
  evaluate(ctx) {
    return judgeKeys(ctx, 'a symmetric key', ({ metadata, resource }, use) => {
      // KeySpec replaced CustomerMasterKeySpec; an older answer may carry only the deprecated name.
      const spec = metadata.KeySpec ?? metadata.CustomerMasterKeySpec;
      const usage = metadata.KeyUsage;
      const evidence = { keyArn: resource.arn, keySpec: metadata.KeySpec ?? null, customerMasterKeySpec: metadata.CustomerMasterKeySpec ?? null, keyUsage: usage ?? null };
      const conflicting = metadata.KeySpec !== undefined && metadata.CustomerMasterKeySpec !== undefined && metadata.KeySpec !== metadata.CustomerMasterKeySpec;
      if (spec === undefined || usage === undefined || conflicting) {
        const what = conflicting ? `KeySpec ${metadata.KeySpec} and CustomerMasterKeySpec ${metadata.CustomerMasterKeySpec} disagree` : `${spec === undefined ? 'KeySpec' : 'KeyUsage'} is missing`;
        const result = callErrorOutcome(use.hop, resource, 'kms:DescribeKey', { code: 'MissingField', message: what }, `the key spec and usage of KMS key ${resource.arn}`);
        return { ...result, evidence: { ...result.evidence, ...evidence } };
      }
      if (spec === 'SYMMETRIC_DEFAULT' && usage === 'ENCRYPT_DECRYPT') {
        return outcome(use.hop, 'PASS', resource, `KMS key ${resource.arn} is a symmetric encrypt/decrypt key.`, evidence);
      }
      return outcome(use.hop, 'FAIL', resource, `KMS key ${resource.arn} is ${spec} for ${usage}, not a symmetric encrypt/decrypt key.`, evidence);
    });
  },
};
