import { ENCRYPTION_IN_TRANSIT } from '../frameworks.js';
import { outcome } from '../lib/outcomes.js';
import { storageTargets } from '../lib/storage.js';
import type { Resource, Rule } from '../types.js';

/** The stream or delivery stream a Kinesis-backed storage config names, as a resource. */
export function streamResource(arn: string | undefined, fallback: { accountId: string; region: string }, type: string): Resource {
  const parts = arn?.split(':') ?? [];
  return { arn: arn ?? 'unknown', type, accountId: parts[4] || fallback.accountId, region: parts[3] || fallback.region };
}

export const streamTransferManaged: Rule = {
  meta: {
    id: 'kinesis-transfer-managed',
    title: 'Connect streams data to Kinesis over TLS (AWS managed)',
    hops: ['storage.*.transfer'],
    severity: 'info',
    rationale: 'When Amazon Connect integrates with AWS services such as Kinesis, data is always encrypted in transit using TLS; no account setting changes it.',
    evidenceUsed: ['connect:ListInstanceStorageConfigs'],
    remediation: { summary: 'Nothing to configure.', console: [] },
    references: ['https://docs.aws.amazon.com/connect/latest/adminguide/encryption-in-transit.html'],
    compliance: ENCRYPTION_IN_TRANSIT,
  },
  evaluate(ctx) {
    const { targets } = storageTargets(ctx, 'transfer', ['KINESIS_VIDEO_STREAM', 'KINESIS_STREAM', 'KINESIS_FIREHOSE']);
    const fallback = { accountId: ctx.account.accountId, region: ctx.region.region };
    return targets.map(({ hop, config }) => {
      const arn = config.KinesisStreamConfig?.StreamArn ?? config.KinesisFirehoseConfig?.FirehoseArn;
      const resource = arn ? streamResource(arn, fallback, config.KinesisFirehoseConfig ? 'AwsKinesisFirehoseDeliveryStream' : 'AwsKinesisStream') : streamResource(`arn:aws:kinesisvideo:${ctx.region.region}:${ctx.account.accountId}:stream/${config.KinesisVideoStreamConfig?.Prefix ?? 'connect'}*`, fallback, 'AwsKinesisVideoStream');
      return outcome(hop, 'MANAGED', resource, `Connect sends ${config.StorageType} data to ${resource.arn} over TLS.`, { storageType: config.StorageType });
    });
  },
};
