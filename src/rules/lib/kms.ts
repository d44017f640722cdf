/** KMS key references as storage configs and buckets write them, resolved through DescribeKey evidence. */
import { isAwsManagedAlias, isKeyArn, keyLookupId, kmsArnRegion, kmsReferenceArn } from '../../evidence/aws-names.js';
import type { KeyEvidence, KeyMetadata } from '../../evidence/model.js';
import type { InstanceContext, Outcome, Resource } from '../types.js';
import { callErrorOutcome, instanceResource, keyResource, outcome, readCall } from './outcomes.js';
import { CONTACT_FLOW_LOGS_HOP } from '../../paths/hops.js';
import { contactFlowLogs } from './flow-logs.js';
import { bucketState, s3Destinations, storageTargets, type BucketState, type StorageTarget } from './storage.js';
import { deliveryStreamState, kinesisStreamState, streamKeyReference } from './streams.js';

export type KeyLookup =
  | { kind: 'resolved'; reference: string; record: KeyEvidence; metadata: KeyMetadata; resource: Resource }
  | { kind: 'not-found'; reference: string; resource: Resource }
  | { kind: 'unreadable'; reference: string; resource: Resource; error: { code: string; message: string } };

function referenceResource(ctx: InstanceContext, reference: string, region: string): Resource {
  return keyResource(kmsReferenceArn(reference, { partition: ctx.partition, region, account: ctx.account.accountId }), ctx.account.accountId, region);
}


export function lookupKey(ctx: InstanceContext, reference: string, region: string): KeyLookup {
  const record = ctx.account.keys[keyLookupId(region, reference)];
  const fallback = referenceResource(ctx, reference, region);
  if (!record) return { kind: 'unreadable', reference, resource: fallback, error: { code: 'NotCollected', message: 'the evidence holds no record of this key' } };
  const described = record.describeKey;
  if (described.status === 'ok') {
    const metadata = described.response.KeyMetadata;
    const arn = metadata.Arn;
    // The key ARN names the key every finding is about; without a real one nothing can be said of it.
    if (arn === undefined || !isKeyArn(arn)) {
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
 * Every key an at-rest hop depends on: the key each writer names (storage config EncryptionConfig,
 * a Firehose S3 destination's KMSEncryptionConfig) and, for S3, the bucket's default encryption key;
 * the server-side encryption key of each Kinesis data stream and Firehose delivery stream; the key
 * of the contact-flow log group. The outcomes are what to report where storage configs could not be listed.
 */
export function atRestKeyUses(ctx: InstanceContext): { uses: KeyUse[]; outcomes: Outcome[] } {
  let found = keyUsesOf.get(ctx);
  if (!found) keyUsesOf.set(ctx, (found = findKeyUses(ctx)));
  return { uses: found.uses, outcomes: [...found.outcomes] };
}

/** Seven key rules ask for the same key uses of an instance; the context is one instance's, so its answer is too. */
const keyUsesOf = new WeakMap<InstanceContext, { uses: KeyUse[]; outcomes: Outcome[] }>();

function findKeyUses(ctx: InstanceContext): { uses: KeyUse[]; outcomes: Outcome[] } {
  const { destinations, outcomes } = s3Destinations(ctx, 'at-rest');
  const uses: KeyUse[] = [];
  for (const destination of destinations) {
    const { hop, bucketName, writerKey } = destination;
    if (writerKey) {
      const source = destination.target ? `${destination.resourceType} storage config EncryptionConfig` : `${destination.writer} KMSEncryptionConfig`;
      uses.push({ hop, reference: writerKey.reference, region: writerKey.region, source });
    }
    const state = bucketState(ctx, bucketName);
    if (state.kind !== 'readable') continue;
    const rule = state.bucket.encryption?.status === 'ok' ? defaultEncryption(state.bucket.encryption.response) : undefined;
    if (rule?.KMSMasterKeyID) {
      uses.push({ hop, reference: rule.KMSMasterKeyID, region: state.region, source: `bucket ${bucketName} default encryption` });
    }
  }
  for (const target of storageTargets(ctx, 'at-rest', ['KINESIS_VIDEO_STREAM', 'KINESIS_STREAM', 'KINESIS_FIREHOSE']).targets) {
    const use = streamKeyUse(ctx, target);
    if (use) uses.push(use);
  }
  const logs = contactFlowLogs(ctx);
  if (logs.kind === 'group' && logs.group.kmsKeyId) {
    uses.push({ hop: CONTACT_FLOW_LOGS_HOP.id, reference: logs.group.kmsKeyId, region: logs.resource.region, source: `log group ${logs.name}` });
  }
  return { uses: dedupeUses(uses), outcomes };
}

/** The key a Kinesis Video, Kinesis data stream or Firehose storage target depends on, if one is named. */
function streamKeyUse(ctx: InstanceContext, target: StorageTarget): KeyUse | undefined {
  const { hop, config } = target;
  const videoKey = config.KinesisVideoStreamConfig?.EncryptionConfig?.KeyId;
  if (videoKey) return { hop, reference: videoKey, region: ctx.region.region, source: `${target.resourceType} storage config EncryptionConfig` };
  const streamArn = config.KinesisStreamConfig?.StreamArn;
  if (streamArn) {
    const stream = kinesisStreamState(ctx, streamArn);
    if (stream.kind !== 'readable' || stream.description.EncryptionType !== 'KMS' || !stream.description.KeyId) return undefined;
    return { hop, ...streamKeyReference(ctx, streamArn, stream.description.KeyId), source: `Kinesis data stream ${streamArn} server-side encryption` };
  }
  const firehoseArn = config.KinesisFirehoseConfig?.FirehoseArn;
  if (!firehoseArn) return undefined;
  const delivery = deliveryStreamState(ctx, firehoseArn);
  const sse = delivery.kind === 'readable' ? delivery.description.DeliveryStreamEncryptionConfiguration : undefined;
  if (delivery.kind !== 'readable' || sse?.KeyType !== 'CUSTOMER_MANAGED_CMK' || !sse.KeyARN) return undefined;
  return { hop, reference: sse.KeyARN, region: kmsArnRegion(sse.KeyARN) ?? delivery.resource.region, source: `Firehose delivery stream ${firehoseArn} server-side encryption` };
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
