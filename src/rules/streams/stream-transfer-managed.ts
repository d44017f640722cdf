import { ENCRYPTION_IN_TRANSIT } from '../frameworks.js';
import { instanceResource, outcome } from '../lib/outcomes.js';
import { storageTargets } from '../lib/storage.js';
import { streamResource } from '../lib/streams.js';
import type { Rule } from '../types.js';

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
    return targets.map(({ hop, config }) => {
      const streamArn = config.KinesisStreamConfig?.StreamArn;
      const firehoseArn = config.KinesisFirehoseConfig?.FirehoseArn;
      // Kinesis Video streams are created per contact: the finding is about the instance that creates them, not an invented ARN.
      const resource = streamArn ? streamResource(ctx, 'kinesis', streamArn) : firehoseArn ? streamResource(ctx, 'firehose', firehoseArn) : instanceResource(ctx);
      const prefix = config.KinesisVideoStreamConfig?.Prefix;
      const target = streamArn ?? firehoseArn ?? `the Kinesis Video streams it creates${prefix ? ` with prefix ${prefix}` : ''}`;
      return outcome(hop, 'MANAGED', resource, `Connect sends ${config.StorageType} data to ${target} over TLS.`, { storageType: config.StorageType, ...(prefix ? { prefix } : {}) });
    });
  },
};
