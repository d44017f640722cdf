import { ENCRYPTION_AT_REST } from '../frameworks.js';
import { judgeCustomerKey } from '../lib/kms.js';
import { callErrorOutcome, outcome } from '../lib/outcomes.js';
import { judgeStreams, streamKeyReference } from '../lib/streams.js';
import type { StreamDescriptionSummary } from '../../evidence/model.js';
import type { InstanceContext, Outcome, Resource, Rule } from '../types.js';

export const kinesisStreamEncryption: Rule = {
  meta: {
    id: 'kinesis-stream-encryption',
    title: 'The Kinesis data stream Connect writes to is encrypted at rest with a customer managed KMS key',
    hops: ['storage.*.at-rest'],
    severity: 'high',
    rationale:
      'Contact trace records, agent events and contact analysis segments streamed to Kinesis Data Streams sit in the stream for its retention period. Kinesis encrypts them at rest only when server-side encryption is on (EncryptionType KMS); with the Kinesis-owned key alias/aws/kinesis the customer cannot restrict or revoke decryption, and a customer managed key in a stranger\'s account puts decryption in that account\'s hands. The key is then judged like a recordings key (enabled, symmetric, rotated, not public).',
    evidenceUsed: ['connect:ListInstanceStorageConfigs', 'kinesis:DescribeStreamSummary', 'kms:DescribeKey'],
    decidedBy: ['encryption_type', 'kms_key_id', 'StreamEncryption', 'kinesis_stream_config', 'KinesisStreamConfig'],
    remediation: {
      summary: 'Turn on server-side encryption for the stream with a customer managed KMS key owned by the instance account.',
      console: ['Open the Kinesis console, choose Data streams, then the stream.', 'Choose Configuration › Encryption › Edit, enable server-side encryption and choose the customer managed key.'],
      cli: 'aws kinesis start-stream-encryption --stream-arn <stream-arn> --encryption-type KMS --key-id arn:aws:kms:<region>:<account>:key/<key-id>',
      terraform: 'resource "aws_kinesis_stream" "ctr" {\n  name            = "connect-ctr"\n  encryption_type = "KMS"\n  kms_key_id      = aws_kms_key.connect.arn\n}',
    },
    references: [
      'https://docs.aws.amazon.com/streams/latest/dev/server-side-encryption.html',
      'https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DescribeStreamSummary.html',
      'https://docs.aws.amazon.com/kinesis/latest/APIReference/API_StreamDescriptionSummary.html',
      'https://docs.aws.amazon.com/connect/latest/adminguide/data-streaming.html',
    ],
    compliance: ENCRYPTION_AT_REST,
  },
  evaluate(ctx) {
    return judgeStreams(ctx, 'kinesis', 'at-rest', ({ hop, resourceType, arn }, state) => [judgeStream(ctx, hop, resourceType, arn, state)]);
  },
};

function judgeStream(ctx: InstanceContext, hop: string, resourceType: string, arn: string, state: { resource: Resource; description: StreamDescriptionSummary }): Outcome {
  const { EncryptionType: type, KeyId: keyId } = state.description;
  const evidence = { streamArn: arn, encryptionType: type ?? null, keyId: keyId ?? null };
  // An answer without EncryptionType is read as NONE: nothing shows the stream is encrypted.
  if (type === undefined || type === 'NONE') {
    return outcome(hop, 'FAIL', state.resource, `Kinesis data stream ${arn} is not encrypted at rest (EncryptionType ${type ?? 'absent'}): the ${resourceType} Connect streams to it are stored in plaintext.`, evidence);
  }
  if (type !== 'KMS') {
    return callErrorOutcome(hop, state.resource, 'kinesis:DescribeStreamSummary', { code: 'InvalidField', message: `EncryptionType is ${JSON.stringify(type)}; Kinesis documents KMS and NONE` }, `the encryption of Kinesis data stream ${arn}`);
  }
  if (!keyId) {
    return callErrorOutcome(hop, state.resource, 'kinesis:DescribeStreamSummary', { code: 'MissingField', message: 'EncryptionType is KMS but KeyId is missing' }, `the key of Kinesis data stream ${arn}`);
  }
  const judged = judgeCustomerKey(ctx, { hop, ...streamKeyReference(ctx, arn, keyId), source: `Kinesis data stream ${arn} server-side encryption` });
  return { ...judged, evidence: { ...evidence, ...judged.evidence } };
}
