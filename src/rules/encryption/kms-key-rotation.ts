import { CONTACT_FLOW_LOGS_HOP } from '../../paths/hops.js';
import type { KeyEvidence, KeyMetadata } from '../../evidence/model.js';
import { KEY_MANAGEMENT } from '../frameworks.js';
import { judgeKeys, type KeyLookup, type KeyUse } from '../lib/kms.js';
import { callErrorOutcome, outcome, readCall } from '../lib/outcomes.js';
import type { InstanceContext, Outcome, Rule } from '../types.js';

const DAY_MS = 86_400_000;
/** AWS managed keys rotate every year; AWS sets it, nobody can change it. */
const AWS_MANAGED_PERIOD_DAYS = 365;
const CUSTOM_KEY_STORE_ORIGINS = ['AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'];

type Resolved = Extract<KeyLookup, { kind: 'resolved' }>;

function ageInDays(iso: string, now: Date): number | undefined {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : Math.floor((now.getTime() - time) / DAY_MS);
}

/** Rotation of a multi-Region key is set on its primary key and copied to the replicas. */
function rotationTarget(metadata: KeyMetadata, keyArn: string): { arn: string; note: string } {
  const config = metadata.MultiRegionConfiguration;
  const primary = config?.PrimaryKey?.Arn;
  if (config?.MultiRegionKeyType === 'REPLICA' && primary) return { arn: primary, note: ` on the primary key ${primary} (this key is a multi-Region replica; rotation is set on the primary and copied to its replicas)` };
  return { arn: keyArn, note: '' };
}

const newKeyRemediation = (what: string): string =>
  `${what} Rotate by creating a new KMS key, pointing the storage config and the bucket default encryption at it, and keeping the old key enabled only as long as data encrypted under it must stay readable.`;

function judgeCustomKeyStore(ctx: InstanceContext, use: KeyUse, { metadata, resource }: Resolved, maxDays: number, base: Record<string, unknown>): Outcome {
  const created = metadata.CreationDate;
  const age = created ? ageInDays(created, ctx.now) : undefined;
  if (age === undefined) {
    return callErrorOutcome(use.hop, resource, 'kms:DescribeKey', { code: 'MissingField', message: `CreationDate is ${created ?? 'missing'}` }, `the creation date of KMS key ${resource.arn}`);
  }
  const evidence = { ...base, rotationMode: 'new key (custom key store)', creationDate: created, ageDays: age };
  if (age <= maxDays) return outcome(use.hop, 'PASS', resource, `KMS key ${resource.arn} lives in a custom key store and was created ${age} days ago, within the ${maxDays}-day cryptoperiod.`, evidence);
  return {
    ...outcome(use.hop, 'FAIL', resource, `KMS key ${resource.arn} lives in a custom key store, which KMS cannot rotate, and was created ${age} days ago, beyond the ${maxDays}-day cryptoperiod: rotate by creating a new key.`, evidence),
    remediation: newKeyRemediation('KMS does not rotate keys in a custom key store (AWS CloudHSM or external key store).'),
  };
}

function judgeImportedMaterial(ctx: InstanceContext, use: KeyUse, record: KeyEvidence, { metadata, resource }: Resolved, maxDays: number, base: Record<string, unknown>): Outcome {
  if (metadata.MultiRegion === true) {
    return {
      ...outcome(use.hop, 'FAIL', resource, `KMS key ${resource.arn} is a multi-Region key with imported key material, which KMS cannot rotate automatically or on demand: rotate by creating a new key.`, { ...base, rotationMode: 'new key (multi-Region, imported material)' }),
      remediation: newKeyRemediation('KMS rotates neither automatically nor on demand a multi-Region key with imported key material.'),
    };
  }
  const read = readCall(record.rotations, (error) => callErrorOutcome(use.hop, resource, 'kms:ListKeyRotations', error, `the rotations of KMS key ${resource.arn}`));
  if (!read.ok) return read.outcome;
  // A rotation whose new key material is still waiting to be imported has not replaced anything yet.
  const done = (read.value ?? []).filter((entry) => entry.RotationDate && entry.ImportState !== 'PENDING_IMPORT');
  const ages = done.flatMap((entry) => {
    const age = entry.RotationDate ? ageInDays(entry.RotationDate, ctx.now) : undefined;
    return age === undefined ? [] : [age];
  });
  const latest = ages.length > 0 ? Math.min(...ages) : undefined;
  const evidence = { ...base, rotationMode: 'on demand (imported key material)', rotationsListed: read.value?.length ?? 0, daysSinceLastRotation: latest ?? null };
  if (latest !== undefined && latest <= maxDays) {
    return outcome(use.hop, 'PASS', resource, `KMS key ${resource.arn} has imported key material and was last rotated on demand ${latest} days ago, within the ${maxDays}-day cryptoperiod.`, evidence);
  }
  const when = latest === undefined ? 'has never been rotated on demand' : `was last rotated ${latest} days ago`;
  return {
    ...outcome(use.hop, 'FAIL', resource, `KMS key ${resource.arn} has imported key material, which KMS cannot rotate automatically, and ${when}, beyond the ${maxDays}-day cryptoperiod.`, evidence),
    remediation: `Import new key material into ${resource.arn} (aws kms get-parameters-for-import, then aws kms import-key-material), then rotate to it with aws kms rotate-key-on-demand --key-id ${resource.arn}.`,
  };
}

function judgeAutomatic(use: KeyUse, record: KeyEvidence, { metadata, resource }: Resolved, maxDays: number, base: Record<string, unknown>): Outcome {
  const subject = `the rotation status of KMS key ${resource.arn}`;
  const read = readCall(record.rotation, (error) => callErrorOutcome(use.hop, resource, 'kms:GetKeyRotationStatus', error, subject));
  if (!read.ok) return read.outcome;
  const target = rotationTarget(metadata, resource.arn);
  if (read.value === undefined) {
    const spec = metadata.KeySpec ?? metadata.CustomerMasterKeySpec ?? 'an unknown key spec';
    return {
      ...outcome(use.hop, 'FAIL', resource, `KMS key ${resource.arn} (${spec}) cannot rotate automatically: KMS rotates only symmetric encryption keys.`, { ...base, rotationSupported: false }),
      remediation: newKeyRemediation('KMS does not rotate asymmetric or HMAC keys, and S3 SSE-KMS needs a symmetric encryption key anyway.'),
    };
  }
  const enabled = read.value.KeyRotationEnabled;
  if (enabled === undefined) return callErrorOutcome(use.hop, resource, 'kms:GetKeyRotationStatus', { code: 'MissingField', message: 'KeyRotationEnabled is missing from the answer' }, subject);
  const period = read.value.RotationPeriodInDays;
  const evidence = { ...base, rotationMode: 'automatic', rotationEnabled: enabled, rotationPeriodInDays: period ?? null, ...(target.arn !== resource.arn ? { primaryKeyArn: target.arn } : {}) };
  const enable = `Enable automatic rotation every ${maxDays} days or less${target.note}: aws kms enable-key-rotation --key-id ${target.arn} --rotation-period-in-days ${Math.min(maxDays, 2560)}.`;
  if (!enabled) return { ...outcome(use.hop, 'FAIL', resource, `Automatic rotation is off for KMS key ${resource.arn}.`, evidence), remediation: enable };
  if (period === undefined) return callErrorOutcome(use.hop, resource, 'kms:GetKeyRotationStatus', { code: 'MissingField', message: 'RotationPeriodInDays is missing although rotation is enabled' }, subject);
  if (period > maxDays) {
    return { ...outcome(use.hop, 'FAIL', resource, `KMS key ${resource.arn} rotates automatically every ${period} days, longer than the ${maxDays}-day cryptoperiod.`, evidence), remediation: enable };
  }
  return outcome(use.hop, 'PASS', resource, `KMS key ${resource.arn} rotates automatically every ${period} days, within the ${maxDays}-day cryptoperiod.`, evidence);
}

export const kmsKeyRotation: Rule = {
  meta: {
    id: 'kms-key-rotation-enabled',
    title: 'The KMS key gets new key material within the cryptoperiod',
    hops: ['voice.recording-at-rest', 'storage.*.at-rest', CONTACT_FLOW_LOGS_HOP.id],
    severity: 'medium',
    rationale:
      'Rotating key material limits how much data one key version protects; PCI DSS and NIST expect a defined cryptoperiod (config keyRotationMaxDays, default 365 days). KMS rotates symmetric keys with KMS-generated material automatically; keys with imported material rotate only on demand, and keys in a custom key store not at all, so those are judged by their last on-demand rotation and by their age.',
    evidenceUsed: ['kms:DescribeKey', 'kms:GetKeyRotationStatus', 'kms:ListKeyRotations'],
    decidedBy: ['enable_key_rotation', 'rotation_period_in_days', 'EnableKeyRotation', 'RotationPeriodInDays'],
    remediation: {
      summary: 'Enable automatic key rotation with a period within the cryptoperiod (365 days by default; 90–2560 days).',
      console: ['Open the AWS KMS console, choose the key, then Key rotation.', 'Select Automatically rotate this KMS key, choose the rotation period and save.'],
      cli: 'aws kms enable-key-rotation --key-id <key-arn> --rotation-period-in-days 365',
      terraform: 'resource "aws_kms_key" "connect" {\n  enable_key_rotation     = true\n  rotation_period_in_days = 365\n}',
    },
    references: [
      'https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html',
      'https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html',
      'https://docs.aws.amazon.com/kms/latest/APIReference/API_RotateKeyOnDemand.html',
      'https://docs.aws.amazon.com/kms/latest/APIReference/API_ListKeyRotations.html',
      'https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-import-key-material.html',
    ],
    compliance: KEY_MANAGEMENT,
  },
  evaluate(ctx) {
    const maxDays = ctx.settings.keyRotationMaxDays;
    return judgeKeys(ctx, 'key rotation', (key, use) => {
      const { record, metadata, resource } = key;
      const base = { keyArn: resource.arn, origin: metadata.Origin ?? null, keyRotationMaxDays: maxDays };
      if (metadata.KeyManager === 'AWS') {
        const evidence = { ...base, keyManager: 'AWS', rotationPeriodInDays: AWS_MANAGED_PERIOD_DAYS };
        return AWS_MANAGED_PERIOD_DAYS <= maxDays
          ? outcome(use.hop, 'PASS', resource, `KMS key ${resource.arn} is AWS managed and rotated by AWS every year.`, evidence)
          : outcome(use.hop, 'FAIL', resource, `KMS key ${resource.arn} is AWS managed and rotated by AWS every year, longer than the ${maxDays}-day cryptoperiod.`, evidence);
      }
      if (metadata.CustomKeyStoreId || CUSTOM_KEY_STORE_ORIGINS.includes(metadata.Origin ?? '')) return judgeCustomKeyStore(ctx, use, key, maxDays, base);
      if (metadata.Origin === 'EXTERNAL') return judgeImportedMaterial(ctx, use, record, key, maxDays, base);
      if (metadata.Origin === 'AWS_KMS') return judgeAutomatic(use, record, key, maxDays, base);
      return callErrorOutcome(use.hop, resource, 'kms:DescribeKey', { code: 'MissingField', message: `Origin is ${metadata.Origin ?? 'missing'}` }, `the origin of the key material of KMS key ${resource.arn}`);
    });
  },
};
