/** Where an instance's contact data goes: its storage configs in scope, and the buckets they name. */
import { bucketRegion, kmsArnRegion } from '../../evidence/aws-names.js';
import type { BucketEvidence, InstanceStorageConfig } from '../../evidence/model.js';
import { isS3Refusal, type OperationKey } from '../../evidence/operations.js';
import { storageHopId, type StorageHopKind } from '../../paths/hops.js';
import type { InstanceContext, Outcome, Resource } from '../types.js';
import type { TransportVerdict } from './bucket-policy.js';
import { deliveryStreamState, firehoseDestinations } from './streams.js';
import { bucketResource, callErrorOutcome, invalidPolicyOutcome, instanceResource, missingCallOutcome, outcome, readCall } from './outcomes.js';

export interface StorageTarget {
  resourceType: string;
  hop: string;
  config: InstanceStorageConfig;
}

/**
 * The storage configs of the given storage types (`S3`, `KINESIS_VIDEO_STREAM`, ...) on one kind of
 * hop, plus the outcomes a rule reports instead where configs could not be listed, and — for rules
 * about S3 — where the documented recording hop has nothing configured.
 */
export function storageTargets(
  ctx: InstanceContext,
  kind: StorageHopKind,
  storageTypes: readonly string[],
): { targets: StorageTarget[]; outcomes: Outcome[] } {
  const targets: StorageTarget[] = [];
  const outcomes: Outcome[] = [];
  const judgesRecordings = storageTypes.includes('S3');
  if (judgesRecordings && !ctx.resourceTypes.includes('CALL_RECORDINGS')) {
    outcomes.push(
      outcome(storageHopId('CALL_RECORDINGS', kind), 'NOT_APPLICABLE', instanceResource(ctx), 'Call recordings are outside the scope of this run (--resource-types).'),
    );
  }
  for (const resourceType of ctx.resourceTypes) {
    const hop = storageHopId(resourceType, kind);
    const call = ctx.evidence.storageConfigs[resourceType];
    const subject = `the ${resourceType} storage configuration`;
    if (!call) {
      outcomes.push(missingCallOutcome(hop, instanceResource(ctx), 'connect:ListInstanceStorageConfigs', subject));
      continue;
    }
    if (call.status === 'error') {
      outcomes.push(callErrorOutcome(hop, instanceResource(ctx), 'connect:ListInstanceStorageConfigs', call.error, subject));
      continue;
    }
    const configs = call.status === 'ok' ? call.response : [];
    if (configs.length === 0 && judgesRecordings && resourceType === 'CALL_RECORDINGS') {
      outcomes.push(outcome(hop, 'NOT_APPLICABLE', instanceResource(ctx), 'The instance has no call recording storage configured.'));
    }
    for (const config of configs) {
      if (storageTypes.includes(config.StorageType)) targets.push({ resourceType, hop, config });
    }
  }
  return { targets, outcomes };
}


export type BucketState =
  | { kind: 'readable'; name: string; bucket: BucketEvidence; region: string; resource: Resource }
  | { kind: 'missing'; name: string; resource: Resource }
  | { kind: 'foreign'; name: string; resource: Resource; shownBy: string }
  | { kind: 'unreadable'; name: string; resource: Resource; operation: OperationKey; error: { code: string; message: string } };


/**
 * What we know about a bucket. S3 answers 403 both for a missing permission and for a bucket whose
 * owner is not the ExpectedBucketOwner we sent. An answer without that header shows another owner;
 * failing that, a bucket that exists (HeadBucket: anything but 404) yet is absent from the account's
 * own ListBuckets belongs to someone else. Cross-account GetBucketLocation is governed by the other
 * bucket's policy, so the first probe rarely settles it.
 */
export function bucketState(ctx: InstanceContext, name: string): BucketState {
  const bucket = ctx.account.buckets[name];
  const unknownRegion = bucketResource(ctx, name, ctx.region.region);
  if (!bucket) return { kind: 'unreadable', name, resource: unknownRegion, operation: 's3:GetBucketLocation', error: { code: 'NotCollected', message: 'the evidence holds no record of this bucket' } };
  const location = bucket.location;
  if (location.status === 'ok') {
    const region = bucketRegion(location.response.LocationConstraint);
    return { kind: 'readable', name, bucket, region, resource: bucketResource(ctx, name, region) };
  }
  if (location.status === 'absent') return { kind: 'missing', name, resource: unknownRegion };
  const unreadable: BucketState = { kind: 'unreadable', name, resource: unknownRegion, operation: 's3:GetBucketLocation', error: location.error };
  if (!isS3Refusal(location.error)) return unreadable;
  if (bucket.ownerProbe?.status === 'ok') {
    const region = bucketRegion(bucket.ownerProbe.response.LocationConstraint);
    return { kind: 'foreign', name, resource: bucketResource(ctx, name, region), shownBy: 'GetBucketLocation answers without ExpectedBucketOwner but refuses it with this account as the expected owner' };
  }
  const head = bucket.headBucket;
  if (!head) return unreadable;
  if (head.status === 'absent') return { kind: 'missing', name, resource: unknownRegion };
  if (head.status === 'error' && !isS3Refusal(head.error)) return unreadable;
  const headRegion = head.status === 'ok' ? head.response.BucketRegion : undefined;
  const resource = headRegion ? bucketResource(ctx, name, headRegion) : unknownRegion;
  const owned = ctx.account.listBuckets;
  if (!owned) return unreadable;
  if (owned.status === 'error') return { kind: 'unreadable', name, resource, operation: 's3:ListBuckets', error: owned.error };
  const ownBuckets = owned.status === 'ok' ? owned.response : [];
  if (!ownBuckets.some((b) => b.Name === name)) {
    return { kind: 'foreign', name, resource, shownBy: `the bucket exists (HeadBucket answered ${head.status === 'ok' ? '200' : head.error.code}) but is not among the ${ownBuckets.length} buckets ListBuckets shows for ${ctx.account.accountId}` };
  }
  return unreadable;
}

/**
 * For rules that read a bucket's configuration: the outcome to report when the bucket cannot be
 * judged — it does not exist or belongs to someone else (the data is not protected: FAIL), or it
 * could not be read (ERROR). Undefined when the bucket is readable.
 */
export function unjudgeableBucket(hop: string, state: BucketState, what: string): Outcome | undefined {
  switch (state.kind) {
    case 'readable':
      return undefined;
    case 'missing':
      return outcome(hop, 'FAIL', state.resource, `Bucket ${state.name} does not exist, so ${what} cannot hold for the data Connect sends to it.`, {
        bucket: state.name,
        exists: false,
      });
    case 'foreign':
      return outcome(hop, 'FAIL', state.resource, `Bucket ${state.name} belongs to another account, so ${what} is outside this account's control.`, {
        bucket: state.name,
        ownedByInstanceAccount: false,
        shownBy: state.shownBy,
      });
    case 'unreadable':
      return callErrorOutcome(hop, state.resource, state.operation, state.error, `bucket ${state.name}`);
  }
}

export function s3BucketName(config: InstanceStorageConfig): string | undefined {
  return config.S3Config?.BucketName;
}

/**
 * An S3 bucket contact data lands in: named by an S3 storage config, or the S3 destination of a
 * Firehose delivery stream a storage config names. The same S3 rules judge both.
 */
export interface S3Destination {
  hop: string;
  resourceType: string;
  bucketName: string;
  /** Who writes the objects, to start a sentence: "The CALL_RECORDINGS storage config", "Firehose delivery stream …". */
  writer: string;
  /** The key the writer names for the objects it writes; undefined: S3 applies the bucket default. */
  writerKey: { reference: string; region: string } | undefined;
  /** The S3 storage config, when the writer is Connect itself. */
  target?: StorageTarget;
  /** The delivery stream, when the writer is Firehose. */
  deliveryStreamArn?: string;
}

/**
 * Every S3 destination on one kind of hop, plus the outcomes to report where storage configs could
 * not be listed. Delivery streams that cannot be read add no destination: the Firehose rules say why.
 */
export function s3Destinations(ctx: InstanceContext, kind: StorageHopKind): { destinations: S3Destination[]; outcomes: Outcome[] } {
  const { targets, outcomes } = storageTargets(ctx, kind, ['S3', 'KINESIS_FIREHOSE']);
  const destinations: S3Destination[] = [];
  for (const target of targets) {
    const { hop, resourceType, config } = target;
    if (config.StorageType === 'S3') {
      const bucketName = s3BucketName(config);
      const keyId = config.S3Config?.EncryptionConfig?.KeyId;
      if (bucketName) {
        destinations.push({ hop, resourceType, bucketName, writer: `The ${resourceType} storage config`, writerKey: keyId ? { reference: keyId, region: ctx.region.region } : undefined, target });
      }
      continue;
    }
    const arn = config.KinesisFirehoseConfig?.FirehoseArn;
    const state = arn ? deliveryStreamState(ctx, arn) : undefined;
    if (!arn || state?.kind !== 'readable') continue;
    for (const destination of firehoseDestinations(state.description).s3) {
      if (!destination.bucketName) continue;
      destinations.push({
        hop,
        resourceType,
        bucketName: destination.bucketName,
        writer: `Firehose delivery stream ${arn} (${destination.destinationId})`,
        writerKey: destination.keyArn ? { reference: destination.keyArn, region: kmsArnRegion(destination.keyArn) ?? state.resource.region } : undefined,
        deliveryStreamArn: arn,
      });
    }
  }
  return { destinations, outcomes };
}

/** Each (hop, bucket) once, however many storage configs or delivery streams of a type name the same bucket. */
export function bucketsOnHops(destinations: readonly S3Destination[]): S3Destination[] {
  const seen = new Set<string>();
  return destinations.filter((d) => {
    const id = `${d.hop}|${d.bucketName}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * The skeleton of every rule about an S3 destination on transfer hops: for each bucket in scope,
 * report why it cannot be judged, or judge it.
 */
export function judgeTransferBuckets(
  ctx: InstanceContext,
  what: string,
  judge: (hop: string, state: Extract<BucketState, { kind: 'readable' }>) => Outcome,
): Outcome[] {
  const { destinations, outcomes } = s3Destinations(ctx, 'transfer');
  for (const { hop, bucketName } of bucketsOnHops(destinations)) {
    const state = bucketState(ctx, bucketName);
    outcomes.push(state.kind === 'readable' ? judge(hop, state) : (unjudgeableBucket(hop, state, what) as Outcome));
  }
  return outcomes;
}

/**
 * The skeleton of the bucket-policy rules: read the policy of each bucket in scope, ask `evaluate`
 * whether it denies the offending requests, and report the verdict with its coverage evidence.
 * `denies` completes "The policy of bucket B ..." (e.g. "denies every request without TLS").
 */
export function judgeBucketPolicyDeny(ctx: InstanceContext, what: string, denies: string, evaluate: (policy: string | undefined, bucket: string) => TransportVerdict): Outcome[] {
  return judgeTransferBuckets(ctx, what, (hop, { name, bucket, resource }) => {
    const subject = `the policy of bucket ${name}`;
    const policy = readCall(bucket.policy, (error) => callErrorOutcome(hop, resource, 's3:GetBucketPolicy', error, subject));
    if (!policy.ok) return policy.outcome;
    const verdict = evaluate(policy.value?.Policy, name);
    switch (verdict.kind) {
      case 'invalid':
        return invalidPolicyOutcome(hop, resource, 's3:GetBucketPolicy', subject, verdict.message);
      case 'covered':
        return outcome(hop, 'PASS', resource, `The policy of bucket ${name} ${denies} (${verdict.statements.join(', ')}).`, { ...verdict.evidence });
      case 'not-covered':
        return outcome(hop, 'FAIL', resource, `The policy of bucket ${name} does not ${denies.replace(/^denies/, 'deny')}: ${verdict.reason}`, { ...verdict.evidence });
    }
  });
}
