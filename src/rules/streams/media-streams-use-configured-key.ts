import { isKeyArn } from '../../evidence/aws-names.js';
import { KEY_MANAGEMENT } from '../frameworks.js';
import { lookupKey } from '../lib/kms.js';
import { callErrorOutcome, instanceResource, missingCallOutcome, outcome } from '../lib/outcomes.js';
import { storageTargets } from '../lib/storage.js';
import type { InstanceContext, Outcome, Rule } from '../types.js';

/** Streams named in one finding's message; the evidence lists every stream read. */
const NAMED_IN_MESSAGE = 5;

type StreamVerdict = 'same' | 'other' | 'unknown';

/** Whether a stream's KmsKeyId is the configured key: same text, or both resolve to the same key ARN. */
function sameKey(ctx: InstanceContext, configured: string, streamKey: string | undefined): StreamVerdict {
  // Without KmsKeyId, Kinesis Video encrypts with its AWS managed key aws/kinesisvideo.
  if (!streamKey) return 'other';
  if (streamKey === configured) return 'same';
  // Key ARNs are canonical: two different ones are two keys. Aliases and bare ids need resolving.
  if (isKeyArn(streamKey) && isKeyArn(configured)) return 'other';
  const region = ctx.region.region;
  const a = lookupKey(ctx, configured, region);
  const b = lookupKey(ctx, streamKey, region);
  if (a.kind === 'resolved' && b.kind === 'resolved') return a.resource.arn === b.resource.arn ? 'same' : 'other';
  return 'unknown';
}

/** Every MEDIA_STREAMS prefix configured by the instances of the region. */
function otherPrefixes(ctx: InstanceContext): string[] {
  const prefixes = new Set<string>();
  for (const instance of Object.values(ctx.region.instances)) {
    const call = instance.storageConfigs.MEDIA_STREAMS;
    if (call?.status !== 'ok') continue;
    for (const config of call.response) {
      const prefix = config.KinesisVideoStreamConfig?.Prefix;
      if (prefix) prefixes.add(prefix);
    }
  }
  return [...prefixes];
}

export const mediaStreamsUseConfiguredKey: Rule = {
  meta: {
    id: 'media-streams-use-configured-key',
    title: 'The Kinesis Video streams Connect created for live media carry the key the storage config names',
    hops: ['storage.*.at-rest'],
    severity: 'high',
    rationale:
      'Connect creates one Kinesis Video stream per contact whose audio it streams, named with the configured prefix, and encrypts it with the key in the MEDIA_STREAMS storage config. A stream on another key (or on the AWS managed aws/kinesisvideo key) holds customer audio outside the key the audit judged. The streams are read with ListStreams (name BEGINS_WITH the prefix), first page only: a sample, said so in the finding.',
    evidenceUsed: ['connect:ListInstanceStorageConfigs', 'kinesisvideo:ListStreams', 'kms:DescribeKey'],
    decidedBy: ['storage_config', 'KinesisVideoStreamConfig'],
    remediation: {
      summary: 'Delete or re-create streams on another key (Kinesis Video cannot change a stream\'s key), and keep the MEDIA_STREAMS storage config on the customer managed key.',
      console: ['Open the Kinesis Video Streams console, filter the video streams by the prefix, and check each stream\'s Encryption settings.'],
      cli: 'aws kinesisvideo list-streams --stream-name-condition ComparisonOperator=BEGINS_WITH,ComparisonValue=<prefix> --query "StreamInfoList[].[StreamName,KmsKeyId]"',
    },
    references: [
      'https://docs.aws.amazon.com/connect/latest/adminguide/enable-live-media-streams.html',
      'https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/API_ListStreams.html',
      'https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/how-kms.html',
    ],
    compliance: KEY_MANAGEMENT,
  },
  evaluate(ctx) {
    const outcomes: Outcome[] = [];
    const resource = instanceResource(ctx);
    for (const { hop, resourceType, config } of storageTargets(ctx, 'at-rest', ['KINESIS_VIDEO_STREAM']).targets) {
      const video = config.KinesisVideoStreamConfig;
      const prefix = video?.Prefix;
      const configured = video?.EncryptionConfig?.KeyId;
      // Without a prefix or a key there is nothing to compare; the storage-config rules report the key.
      if (!prefix || !configured) continue;
      const subject = `the Kinesis Video streams with prefix ${prefix}`;
      const listed = ctx.evidence.videoStreams?.[prefix];
      if (!listed) {
        outcomes.push(missingCallOutcome(hop, resource, 'kinesisvideo:ListStreams', subject));
        continue;
      }
      if (listed.status === 'error') {
        outcomes.push(callErrorOutcome(hop, resource, 'kinesisvideo:ListStreams', listed.error, subject));
        continue;
      }
      const page = listed.status === 'ok' ? listed.response : { StreamInfoList: [] };
      // A longer prefix configured in this region (`media-eu` beside `media`) claims its own streams.
      const longer = otherPrefixes(ctx).filter((p) => p.length > prefix.length && p.startsWith(prefix));
      const streams = page.StreamInfoList.filter((s) => (s.StreamName?.startsWith(prefix) ?? true) && !longer.some((p) => s.StreamName?.startsWith(p)));
      const sample = page.NextToken ? ` (the first ${streams.length} listed; more exist and were not read)` : '';
      if (streams.length === 0) {
        outcomes.push(outcome(hop, 'NOT_APPLICABLE', resource, `No Kinesis Video stream with prefix ${prefix} exists yet, so no ${resourceType} audio is stored on any key.`, { prefix, streams: 0 }));
        continue;
      }
      const judged = streams.map((s) => ({ name: s.StreamName ?? s.StreamARN ?? '?', arn: s.StreamARN ?? null, kmsKeyId: s.KmsKeyId ?? null, verdict: sameKey(ctx, configured, s.KmsKeyId) }));
      const other = judged.filter((s) => s.verdict === 'other');
      const unknown = judged.filter((s) => s.verdict === 'unknown');
      const evidence = { prefix, configuredKey: configured, streamsRead: streams.length, moreStreams: Boolean(page.NextToken), ...(longer.length > 0 ? { leftToLongerPrefixes: longer } : {}), streams: judged };
      const names = (list: typeof judged) => list.slice(0, NAMED_IN_MESSAGE).map((s) => `${s.name} (${s.kmsKeyId ?? 'aws/kinesisvideo'})`).join(', ') + (list.length > NAMED_IN_MESSAGE ? `, and ${list.length - NAMED_IN_MESSAGE} more` : '');
      if (other.length > 0) {
        outcomes.push(outcome(hop, 'FAIL', resource, `${other.length} of ${streams.length} Kinesis Video streams with prefix ${prefix}${sample} are not on the configured key ${configured}: ${names(other)}.`, evidence));
      } else if (unknown.length > 0) {
        outcomes.push({
          ...outcome(hop, 'ERROR', resource, `Could not tell whether ${unknown.length} Kinesis Video streams with prefix ${prefix} use the configured key ${configured}: their keys could not be resolved (${names(unknown)}).`, evidence),
          error: { operation: 'kms:DescribeKey', resource: configured, code: 'KeyNotResolved', message: 'a stream key or the configured key could not be resolved to a key ARN' },
        });
      } else {
        outcomes.push(outcome(hop, 'PASS', resource, `All ${streams.length} Kinesis Video streams with prefix ${prefix}${sample} use the configured key ${configured}.`, evidence));
      }
    }
    return outcomes;
  },
};
