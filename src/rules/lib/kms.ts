/** KMS key references as storage configs and buckets write them, resolved through DescribeKey evidence. */
import { isAwsManagedAlias, keyLookupId, kmsArnRegion } from '../../evidence/aws-names.js';
import type { KeyEvidence, KeyMetadata } from '../../evidence/model.js';
import type { InstanceContext, Outcome, Resource } from '../types.js';
import { callErrorOutcome, instanceResource, keyResource, outcome, readCall } from './outcomes.js';
import { bucketState, s3BucketName, storageTargets, type BucketState, type StorageTarget } from './storage.js';

export type KeyLookup =
  | { kind: 'resolved'; reference: string; record: KeyEvidence; metadata: KeyMetadata; resource: Resource }
  | { kind: 'not-found'; reference: string; resource: Resource }
  | { kind: 'unreadable'; reference: string; resource: Resource; error: { code: string; message: string } };

function referenceResource(ctx: InstanceContext, reference: string, region: string): Resource {
  const arn = reference.startsWith('arn:') ? reference : `arn:${ctx.partition}:kms:${region}:${ctx.account.accountId}:${reference.startsWith('alias/') ? reference : `key/${reference}`}`;
  return keyResource(arn, ctx.account.accountId, region);
}

const KEY_ARN = /^arn:[^:]+:kms:[^:]+:\d{12}:key\/[^/]+$/;

export function lookupKey(ctx: InstanceContext, reference: string, region: string): KeyLookup {
  const record = ctx.account.keys[keyLookupId(region, reference)];
  const fallback = referenceResource(ctx, reference, region);
  if (!record) return { kind: 'unreadable', reference, resource: fallback, error: { code: 'NotCollected', message: 'the evidence holds no record of this key' } };
  const described = record.describeKey;
  if (described.status === 'ok') {
    const metadata = described.response.KeyMetadata;
    const arn = metadata.Arn;
    // The key ARN names the key every finding is about; without a real one nothing can be said of it.
    if (arn === undefined || !KEY_ARN.test(arn)) {
      return { kind: 'unreadable', reference, resource: fallback, error: { code: arn === undefined ? 'MissingField' : 'InvalidField', message: `KeyMetadata.Arn is ${arn === undefined ? 'missing' : JSON.stringify(arn)}` } };
    }
    const keyRegion = kmsArnRegion(arn) ?? region;
    return { kind: 'resolved', reference, record, metadata, resource: keyResource(arn, keyOwner(metadata) ?? ctx.account.accountId, keyRegion) };
  }
  if (described.status === 'absent' || described.error.code === 'NotFoundException') return { kind: 'not-found', reference, resource: fallback };
  return { kind: 'unreadable', reference, resource: fallback, error: described.error };
}

/** A key reference found at an at-rest hop, and where it was found. */
export interface KeyUse {
  hop: string;
  reference: string;
  region: string;
  source: string;
}

/**
 * Every key an at-rest hop depends on: the storage config's EncryptionConfig and, for S3, the
 * bucket's default encryption key. The outcomes are what to report where a bucket could not be read.
 */
export function atRestKeyUses(ctx: InstanceContext): { uses: KeyUse[]; outcomes: Outcome[] } {
  const { targets, outcomes } = storageTargets(ctx, 'at-rest', ['S3', 'KINESIS_VIDEO_STREAM']);
  const uses: KeyUse[] = [];
  for (const target of targets) {
    const configured = encryptionConfigKey(target);
    if (configured) {
      uses.push({ hop: target.hop, reference: configured, region: ctx.region.region, source: `${target.resourceType} storage config EncryptionConfig` });
    }
    const bucketName = s3BucketName(target.config);
    if (!bucketName) continue;
    const state = bucketState(ctx, bucketName);
    if (state.kind !== 'readable') continue;
    const rule = state.bucket.encryption?.status === 'ok' ? defaultEncryption(state.bucket.encryption.response) : undefined;
    if (rule?.KMSMasterKeyID) {
      uses.push({ hop: target.hop, reference: rule.KMSMasterKeyID, region: state.region, source: `bucket ${bucketName} default encryption` });
    }
  }
  return { uses: dedupeUses(uses), outcomes };
}

function dedupeUses(uses: KeyUse[]): KeyUse[] {
  const seen = new Set<string>();
  return uses.filter((use) => {
    const id = `${use.hop}|${keyLookupId(use.region, use.reference)}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * KMS is the only EncryptionType Connect documents; any other value is evidence the rules cannot read,
 * never a key to judge as if it were KMS.
 */
export function encryptionTypeProblem(ctx: InstanceContext, target: StorageTarget): Outcome | undefined {
  const config = target.config.S3Config?.EncryptionConfig ?? target.config.KinesisVideoStreamConfig?.EncryptionConfig;
  if (!config || config.EncryptionType === 'KMS') return undefined;
  const message = `EncryptionType is ${JSON.stringify(config.EncryptionType)}; KMS is the only value Connect documents`;
  return callErrorOutcome(target.hop, instanceResource(ctx), 'connect:ListInstanceStorageConfigs', { code: 'InvalidField', message }, `the encryption of the ${target.resourceType} storage config`);
}

export function encryptionConfigKey(target: StorageTarget): string | undefined {
  return target.config.S3Config?.EncryptionConfig?.KeyId ?? target.config.KinesisVideoStreamConfig?.EncryptionConfig?.KeyId;
}

type EncryptionResponse = { ServerSideEncryptionConfiguration?: { Rules?: Array<{ ApplyServerSideEncryptionByDefault?: { SSEAlgorithm: string; KMSMasterKeyID?: string | undefined } | undefined }> | undefined } | undefined };

export function defaultEncryption(response: EncryptionResponse): { SSEAlgorithm: string; KMSMasterKeyID?: string | undefined } | undefined {
  return response.ServerSideEncryptionConfiguration?.Rules?.find((r) => r.ApplyServerSideEncryptionByDefault)?.ApplyServerSideEncryptionByDefault;
}

/**
 * Applies a property check to every resolved key an at-rest hop depends on; keys that could not be
 * resolved become ERROR (or FAIL when the key does not exist: nothing can be encrypted with it).
 */
export function judgeKeys(
  ctx: InstanceContext,
  property: string,
  judge: (key: Extract<KeyLookup, { kind: 'resolved' }>, use: KeyUse) => Outcome,
): Outcome[] {
  const { uses, outcomes } = atRestKeyUses(ctx);
  const results = [...outcomes];
  const judged = new Set<string>();
  for (const use of uses) {
    if (isAwsManagedAlias(use.reference) && !ctx.account.keys[keyLookupId(use.region, use.reference)]) continue;
    const key = lookupKey(ctx, use.reference, use.region);
    const judgedId = `${use.hop}|${key.resource.arn}`;
    if (judged.has(judgedId)) continue;
    judged.add(judgedId);
    if (key.kind === 'resolved') results.push(judge(key, use));
    else if (key.kind === 'not-found') {
      results.push(outcome(use.hop, 'FAIL', key.resource, `KMS key ${use.reference} (${use.source}) does not exist, so ${property} cannot hold.`, { reference: use.reference, source: use.source, exists: false }));
    } else results.push(callErrorOutcome(use.hop, key.resource, 'kms:DescribeKey', key.error, `KMS key ${use.reference}`));
  }
  return results;
}

/** The account that owns a described key: its AWSAccountId, or the account its ARN names. */
export function keyOwner(metadata: KeyMetadata): string | undefined {
  return metadata.AWSAccountId ?? (metadata.Arn ? /^arn:[^:]+:kms:[^:]*:(\d{12}):/.exec(metadata.Arn)?.[1] : undefined);
}

/**
 * Whether a key reference is a customer managed key owned by the instance's account (or a trusted
 * one): the verdict of both customer-key rules. A customer managed key in a stranger's account puts
 * decryption of the data in that account's hands.
 */
export function judgeCustomerKey(ctx: InstanceContext, use: KeyUse): Outcome {
  const key = lookupKey(ctx, use.reference, use.region);
  const base = { reference: use.reference, source: use.source };
  if (isAwsManagedAlias(use.reference)) {
    return outcome(use.hop, 'FAIL', key.resource, `${use.source} names the AWS managed key ${use.reference}, not a customer managed key.`, { ...base, keyManager: 'AWS' });
  }
  if (key.kind === 'not-found') {
    return outcome(use.hop, 'FAIL', key.resource, `${use.source} names KMS key ${use.reference}, which does not exist.`, { ...base, exists: false });
  }
  if (key.kind === 'unreadable') return callErrorOutcome(use.hop, key.resource, 'kms:DescribeKey', key.error, `KMS key ${use.reference}`);
  const manager = key.metadata.KeyManager;
  const owner = keyOwner(key.metadata);
  const trusted = ctx.settings.trustedKeyAccounts;
  const evidence = { ...base, keyArn: key.resource.arn, keyManager: manager ?? null, ownerAccount: owner ?? null, instanceAccount: ctx.account.accountId, trustedKeyAccounts: [...trusted] };
  if (manager === 'AWS') return outcome(use.hop, 'FAIL', key.resource, `${use.source} uses ${key.resource.arn}, an AWS managed key, not a customer managed key.`, evidence);
  if (manager !== 'CUSTOMER') {
    return callErrorOutcome(use.hop, key.resource, 'kms:DescribeKey', { code: 'MissingField', message: `KeyManager is ${manager ?? 'missing'}` }, `the manager of KMS key ${use.reference}`);
  }
  if (!owner) return callErrorOutcome(use.hop, key.resource, 'kms:DescribeKey', { code: 'MissingField', message: 'neither AWSAccountId nor a key ARN names the owner' }, `the owner of KMS key ${use.reference}`);
  if (owner === ctx.account.accountId) return outcome(use.hop, 'PASS', key.resource, `${use.source} uses customer managed key ${key.resource.arn}, owned by the instance's account.`, evidence);
  if (trusted.includes(owner)) {
    return outcome(use.hop, 'PASS', key.resource, `${use.source} uses customer managed key ${key.resource.arn}, owned by ${owner}, a trusted key account (trustedKeyAccounts).`, evidence);
  }
  return {
    ...outcome(use.hop, 'FAIL', key.resource, `${use.source} uses customer managed key ${key.resource.arn}, owned by account ${owner}, not the instance's account ${ctx.account.accountId}: that account controls who can decrypt the data.`, evidence),
    remediation: `Use a customer managed key owned by ${ctx.account.accountId}, or, if ${owner} is your own key account, list it in the config file's trustedKeyAccounts.`,
  };
}

/**
 * The customer-key verdict on a bucket's default encryption: SSE-KMS under a customer managed key
 * owned by the instance's account. `source` says why this default is the one judged.
 */
export function judgeBucketDefaultKey(ctx: InstanceContext, hop: string, state: Extract<BucketState, { kind: 'readable' }>, source: string): Outcome {
  const { name, resource, region } = state;
  const read = readCall(state.bucket.encryption, (error) => callErrorOutcome(hop, resource, 's3:GetBucketEncryption', error, `the default encryption of bucket ${name}`));
  if (!read.ok) return read.outcome;
  const rule = read.value ? defaultEncryption(read.value) : undefined;
  const algorithm = rule?.SSEAlgorithm;
  if (!rule || !algorithm) return outcome(hop, 'FAIL', resource, `${source}: bucket ${name} has no default encryption configuration.`, { bucket: name, sseAlgorithm: null });
  if (!algorithm.startsWith('aws:kms')) {
    return outcome(hop, 'FAIL', resource, `${source}: bucket ${name} encrypts by default with ${algorithm}, not SSE-KMS under a customer managed key.`, { bucket: name, sseAlgorithm: algorithm });
  }
  if (!rule.KMSMasterKeyID) {
    return outcome(hop, 'FAIL', resource, `${source}: bucket ${name} uses ${algorithm} with no key id, which means the AWS managed key aws/s3.`, { bucket: name, sseAlgorithm: algorithm, kmsMasterKeyId: null });
  }
  return judgeCustomerKey(ctx, { hop, reference: rule.KMSMasterKeyID, region, source: `${source}: bucket ${name} default encryption` });
}
