/**
 * Kinesis data streams and Firehose delivery streams that storage configs name, as the evidence
 * holds them (account records keyed by ARN), and what a delivery stream delivers to.
 */
import { arnRegionAndAccount, bucketNameOfArn, keyReferenceOf } from '../../evidence/aws-names.js';
import type { DeliveryStreamDescription, FirehoseDestination, StreamDescriptionSummary } from '../../evidence/model.js';
import type { OperationKey } from '../../evidence/operations.js';
import type { StorageHopKind } from '../../paths/hops.js';
import type { InstanceContext, Outcome, Resource } from '../types.js';
import { callErrorOutcome, instanceResource, outcome } from './outcomes.js';
import { storageTargets } from './storage.js';

export type StreamKind = 'kinesis' | 'firehose';

const RESOURCE_TYPE: Record<StreamKind, string> = { kinesis: 'AwsKinesisStream', firehose: 'AwsKinesisFirehoseDeliveryStream' };
const OPERATION: Record<StreamKind, OperationKey> = { kinesis: 'kinesis:DescribeStreamSummary', firehose: 'firehose:DescribeDeliveryStream' };
const NOUN: Record<StreamKind, string> = { kinesis: 'Kinesis data stream', firehose: 'Firehose delivery stream' };

/** The stream or delivery stream an ARN names, as a resource (its own account and region). */
export function streamResource(ctx: InstanceContext, kind: StreamKind, arn: string): Resource {
  const owner = arnRegionAndAccount(arn);
  return { arn, type: RESOURCE_TYPE[kind], accountId: owner?.account ?? ctx.account.accountId, region: owner?.region || ctx.region.region };
}

export type StreamState<T> =
  | { kind: 'readable'; arn: string; resource: Resource; description: T }
  | { kind: 'missing'; arn: string; resource: Resource }
  | { kind: 'unjudgeable'; outcome: (hop: string) => Outcome };

function stateOf<T>(
  ctx: InstanceContext,
  kind: StreamKind,
  arn: string,
  call: { status: 'ok'; response: T } | { status: 'absent'; code: string } | { status: 'error'; error: { code: string; message: string } } | undefined,
): StreamState<T> {
  const resource = streamResource(ctx, kind, arn);
  const subject = `${NOUN[kind]} ${arn}`;
  if (!call) {
    return { kind: 'unjudgeable', outcome: (hop) => callErrorOutcome(hop, resource, OPERATION[kind], { code: 'NotCollected', message: 'the evidence holds no answer for this call (collected before this tool read streams)' }, subject) };
  }
  if (call.status === 'ok') return { kind: 'readable', arn, resource, description: call.response };
  if (call.status === 'absent' || call.error.code === 'ResourceNotFoundException') return { kind: 'missing', arn, resource };
  const error = call.error;
  return { kind: 'unjudgeable', outcome: (hop) => callErrorOutcome(hop, resource, OPERATION[kind], error, subject) };
}

export function kinesisStreamState(ctx: InstanceContext, arn: string): StreamState<StreamDescriptionSummary> {
  const call = ctx.account.kinesisStreams?.[arn]?.describeStreamSummary;
  return stateOf(ctx, 'kinesis', arn, call?.status === 'ok' ? { status: 'ok', response: call.response.StreamDescriptionSummary } : call);
}

export function deliveryStreamState(ctx: InstanceContext, arn: string): StreamState<DeliveryStreamDescription> {
  const call = ctx.account.deliveryStreams?.[arn]?.describeDeliveryStream;
  return stateOf(ctx, 'firehose', arn, call?.status === 'ok' ? { status: 'ok', response: call.response.DeliveryStreamDescription } : call);
}

/** The FAIL for a stream a storage config names that does not exist: Connect has nowhere safe to put the data. */
function missingStreamOutcome(hop: string, kind: StreamKind, state: Extract<StreamState<unknown>, { kind: 'missing' }>, resourceType: string): Outcome {
  return outcome(hop, 'FAIL', state.resource, `The ${resourceType} storage config names ${NOUN[kind]} ${state.arn}, which does not exist.`, { streamArn: state.arn, exists: false });
}

/**
 * The KMS key reference a stream's KeyId gives, named so that the instance's account resolves it in
 * the stream's account and region.
 */
export function streamKeyReference(ctx: InstanceContext, streamArn: string, keyId: string): { reference: string; region: string } {
  const owner = arnRegionAndAccount(streamArn) ?? { partition: ctx.partition, region: ctx.region.region, account: ctx.account.accountId };
  return { reference: keyReferenceOf(keyId, owner, ctx.account.accountId), region: owner.region || ctx.region.region };
}

/** An S3 destination of a delivery stream: the bucket and the key Firehose names for the objects it writes. */
export interface FirehoseS3Destination {
  destinationId: string;
  bucketName: string | undefined;
  bucketArn: string | undefined;
  /** KMSEncryptionConfig.AWSKMSKeyARN; undefined with NoEncryptionConfig (the bucket default applies). */
  keyArn: string | undefined;
}

/** A destination this tool does not read (Redshift, OpenSearch, Splunk, HTTP endpoint, ...). */
export interface OtherDestination {
  destinationId: string;
  type: string;
}

/**
 * Splits a delivery stream's destinations into S3 ones (judged with the S3 rules) and the rest.
 * Firehose describes an extended S3 destination with both ExtendedS3DestinationDescription and
 * S3DestinationDescription; any other `*DestinationDescription` names the destination's real kind.
 */
export function firehoseDestinations(description: DeliveryStreamDescription): { s3: FirehoseS3Destination[]; other: OtherDestination[] } {
  const s3: FirehoseS3Destination[] = [];
  const other: OtherDestination[] = [];
  (description.Destinations ?? []).forEach((destination: FirehoseDestination, index) => {
    const destinationId = destination.DestinationId ?? `destination ${index + 1}`;
    const kinds = Object.keys(destination).filter((k) => k.endsWith('DestinationDescription') && destination[k] !== undefined && destination[k] !== null);
    const foreign = kinds.filter((k) => k !== 'S3DestinationDescription' && k !== 'ExtendedS3DestinationDescription');
    if (foreign.length > 0 || kinds.length === 0) {
      other.push({ destinationId, type: foreign.map((k) => k.replace(/DestinationDescription$/, '')).join('+') || 'unknown' });
      return;
    }
    const s3Description = destination.ExtendedS3DestinationDescription ?? destination.S3DestinationDescription;
    const bucketArn = s3Description?.BucketARN;
    s3.push({
      destinationId,
      bucketArn,
      bucketName: bucketArn ? bucketNameOfArn(bucketArn) : undefined,
      keyArn: s3Description?.EncryptionConfiguration?.KMSEncryptionConfig?.AWSKMSKeyARN,
    });
  });
  return { s3, other };
}

type Readable<T> = Extract<StreamState<T>, { kind: 'readable' }>;

/**
 * The skeleton of the rules about Kinesis data streams and Firehose delivery streams: for each storage
 * config of the kind, report a config without an ARN, a stream that could not be read (ERROR) or does
 * not exist (FAIL), or judge the stream's description.
 */
export function judgeStreams<K extends StreamKind>(
  ctx: InstanceContext,
  kind: K,
  hopKind: StorageHopKind,
  judge: (target: { hop: string; resourceType: string; arn: string }, state: Readable<K extends 'kinesis' ? StreamDescriptionSummary : DeliveryStreamDescription>) => Outcome[],
): Outcome[] {
  const storageType = kind === 'kinesis' ? 'KINESIS_STREAM' : 'KINESIS_FIREHOSE';
  return storageTargets(ctx, hopKind, [storageType]).targets.flatMap(({ hop, resourceType, config }): Outcome[] => {
    const field = kind === 'kinesis' ? 'KinesisStreamConfig.StreamArn' : 'KinesisFirehoseConfig.FirehoseArn';
    const arn = kind === 'kinesis' ? config.KinesisStreamConfig?.StreamArn : config.KinesisFirehoseConfig?.FirehoseArn;
    if (!arn) return [callErrorOutcome(hop, instanceResource(ctx), 'connect:ListInstanceStorageConfigs', { code: 'MissingField', message: `${field} is missing` }, `the ${resourceType} storage config`)];
    const state = (kind === 'kinesis' ? kinesisStreamState(ctx, arn) : deliveryStreamState(ctx, arn)) as StreamState<K extends 'kinesis' ? StreamDescriptionSummary : DeliveryStreamDescription>;
    if (state.kind === 'unjudgeable') return [state.outcome(hop)];
    if (state.kind === 'missing') return [missingStreamOutcome(hop, kind, state, resourceType)];
    return judge({ hop, resourceType, arn }, state);
  });
}
