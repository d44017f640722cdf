import { ENCRYPTION_AT_REST } from '../frameworks.js';
import { storageTargets } from '../lib/storage.js';
import type { Rule } from '../types.js';
import { streamResource } from './stream-transfer-managed.js';

export const streamEncryptionNotAudited: Rule = {
  meta: {
    id: 'kinesis-stream-encryption-not-audited',
    title: 'Encryption of Kinesis Data Streams and Firehose destinations is not read by this tool',
    hops: ['storage.*.at-rest'],
    severity: 'info',
    rationale:
      'Contact trace records, agent events and analysis segments go to a Kinesis stream or Firehose; their encryption is configured on the stream, which Connect does not report. The hop is reported ERROR at info severity so it is never mistaken for verified.',
    evidenceUsed: ['connect:ListInstanceStorageConfigs'],
    remediation: {
      summary: 'Verify server-side encryption with a customer-managed KMS key on the stream itself.',
      console: ['Open the Kinesis console, choose the stream, then Configuration › Encryption.'],
      cli: 'aws kinesis describe-stream-summary --stream-name <stream> --query StreamDescriptionSummary.[EncryptionType,KeyId]',
      terraform: 'resource "aws_kinesis_stream" "ctr" {\n  name            = "connect-ctr"\n  encryption_type = "KMS"\n  kms_key_id      = aws_kms_key.connect.arn\n}',
    },
    references: ['https://docs.aws.amazon.com/streams/latest/dev/server-side-encryption.html'],
    compliance: ENCRYPTION_AT_REST,
  },
  evaluate(ctx) {
    const { targets } = storageTargets(ctx, 'at-rest', ['KINESIS_STREAM', 'KINESIS_FIREHOSE']);
    const fallback = { accountId: ctx.account.accountId, region: ctx.region.region };
    return targets.map(({ hop, config }) => {
      const isFirehose = config.StorageType === 'KINESIS_FIREHOSE';
      const arn = config.KinesisStreamConfig?.StreamArn ?? config.KinesisFirehoseConfig?.FirehoseArn;
      const resource = streamResource(arn, fallback, isFirehose ? 'AwsKinesisFirehoseDeliveryStream' : 'AwsKinesisStream');
      return {
        hop,
        status: 'ERROR' as const,
        resource,
        message: `Encryption at rest of ${resource.arn} is configured on the stream and was not audited; verify it uses a customer-managed KMS key.`,
        evidence: { storageType: config.StorageType, streamArn: arn ?? null, audited: false },
      };
    });
  },
};
