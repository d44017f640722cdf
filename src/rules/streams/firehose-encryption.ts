import { kmsArnRegion } from '../../evidence/aws-names.js';
import { ENCRYPTION_AT_REST } from '../frameworks.js';
import { judgeCustomerKey } from '../lib/kms.js';
import type { DeliveryStreamDescription } from '../../evidence/model.js';
import { callErrorOutcome, outcome } from '../lib/outcomes.js';
import { judgeStreams } from '../lib/streams.js';
import type { InstanceContext, Outcome, Resource, Rule } from '../types.js';

export const firehoseEncryption: Rule = {
  meta: {
    id: 'firehose-encryption',
    title: 'The Firehose delivery stream Connect writes to encrypts buffered data with a customer managed KMS key',
    hops: ['storage.*.at-rest'],
    severity: 'high',
    rationale:
      'Firehose holds the records Connect puts (contact trace records, agent events) until it delivers them. Server-side encryption protects them there only when it is ENABLED; an AWS owned key (AWS_OWNED_CMK) cannot be restricted, audited or revoked by the customer. Firehose server-side encryption exists only for DirectPut delivery streams, the kind Connect writes to with PutRecord; the S3 destination is judged separately with the recordings bucket rules.',
    evidenceUsed: ['connect:ListInstanceStorageConfigs', 'firehose:DescribeDeliveryStream', 'kms:DescribeKey'],
    decidedBy: ['server_side_encryption', 'DeliveryStreamEncryptionConfigurationInput', 'kinesis_firehose_config', 'KinesisFirehoseConfig'],
    remediation: {
      summary: 'Enable server-side encryption on the delivery stream with a customer managed KMS key (KeyType CUSTOMER_MANAGED_CMK) owned by the instance account.',
      console: ['Open the Amazon Data Firehose console and choose the Firehose stream.', 'Choose Configuration › Server-side encryption › Edit, enable it and choose "Use customer managed CMK".'],
      cli: 'aws firehose start-delivery-stream-encryption --delivery-stream-name <name> --delivery-stream-encryption-configuration-input KeyType=CUSTOMER_MANAGED_CMK,KeyARN=arn:aws:kms:<region>:<account>:key/<key-id>',
      terraform: 'resource "aws_kinesis_firehose_delivery_stream" "ctr" {\n  name        = "connect-ctr"\n  destination = "extended_s3"\n  server_side_encryption {\n    enabled  = true\n    key_type = "CUSTOMER_MANAGED_CMK"\n    key_arn  = aws_kms_key.connect.arn\n  }\n  # extended_s3_configuration { ... }\n}',
    },
    references: [
      'https://docs.aws.amazon.com/firehose/latest/dev/encryption.html',
      'https://docs.aws.amazon.com/firehose/latest/APIReference/API_DeliveryStreamEncryptionConfiguration.html',
      'https://docs.aws.amazon.com/firehose/latest/APIReference/API_StartDeliveryStreamEncryption.html',
      'https://docs.aws.amazon.com/connect/latest/adminguide/data-streaming.html',
    ],
    compliance: ENCRYPTION_AT_REST,
  },
  evaluate(ctx) {
    return judgeStreams(ctx, 'firehose', 'at-rest', ({ hop, resourceType, arn }, state) => [judgeDeliveryStream(ctx, hop, resourceType, arn, state)]);
  },
};

function judgeDeliveryStream(ctx: InstanceContext, hop: string, resourceType: string, arn: string, state: { resource: Resource; description: DeliveryStreamDescription }): Outcome {
  const description = state.description;
  const sse = description.DeliveryStreamEncryptionConfiguration;
  const evidence = { deliveryStreamArn: arn, deliveryStreamType: description.DeliveryStreamType ?? null, encryptionStatus: sse?.Status ?? null, keyType: sse?.KeyType ?? null, keyArn: sse?.KeyARN ?? null };
  if (description.DeliveryStreamType !== 'DirectPut') {
    // Cautious: with another source Firehose keeps no data at rest and Connect's PutRecord cannot
    // reach it; the data sits wherever that source keeps it, which this rule does not follow.
    return {
      ...outcome(hop, 'ERROR', state.resource, `Delivery stream ${arn} reads from ${description.DeliveryStreamType ?? 'an unnamed source (no DeliveryStreamType)'}, not DirectPut: Firehose encrypts only DirectPut streams at rest, and where the ${resourceType} are kept instead is not audited.`, evidence),
      error: { operation: 'firehose:DescribeDeliveryStream', resource: arn, code: 'UnsupportedSource', message: `DeliveryStreamType ${description.DeliveryStreamType ?? 'missing'}` },
    };
  }
  if (!sse || sse.Status === undefined || /^(DISABLED|DISABLING|DISABLING_FAILED|ENABLING_FAILED)$/.test(sse.Status)) {
    return outcome(hop, 'FAIL', state.resource, `Delivery stream ${arn} has server-side encryption ${sse?.Status ?? 'not configured'}: the ${resourceType} it buffers are not encrypted with a key the customer controls.`, evidence);
  }
  if (sse.Status !== 'ENABLED' && sse.Status !== 'ENABLING') {
    return callErrorOutcome(hop, state.resource, 'firehose:DescribeDeliveryStream', { code: 'InvalidField', message: `DeliveryStreamEncryptionConfiguration.Status is ${JSON.stringify(sse.Status)}` }, `the encryption of delivery stream ${arn}`);
  }
  if (sse.KeyType === 'AWS_OWNED_CMK') {
    return outcome(hop, 'FAIL', state.resource, `Delivery stream ${arn} encrypts with an AWS owned key (AWS_OWNED_CMK), not a customer managed key: the customer cannot restrict, audit or revoke its use.`, evidence);
  }
  if (sse.KeyType !== 'CUSTOMER_MANAGED_CMK' || !sse.KeyARN) {
    return callErrorOutcome(hop, state.resource, 'firehose:DescribeDeliveryStream', { code: sse.KeyARN ? 'InvalidField' : 'MissingField', message: `KeyType is ${sse.KeyType ?? 'missing'}${sse.KeyARN ? '' : ' and KeyARN is missing'}` }, `the key of delivery stream ${arn}`);
  }
  const judged = judgeCustomerKey(ctx, { hop, reference: sse.KeyARN, region: kmsArnRegion(sse.KeyARN) ?? state.resource.region, source: `Delivery stream ${arn} server-side encryption` });
  // ENABLING is a moment, not a state to vouch for: the verdict waits for ENABLED.
  const pending =
    sse.Status === 'ENABLING' && judged.status === 'PASS'
      ? { status: 'ERROR' as const, message: `${judged.message} Encryption is still ENABLING; run the audit again once it is ENABLED.`, error: { operation: 'firehose:DescribeDeliveryStream' as const, resource: arn, code: 'EncryptionEnabling', message: 'DeliveryStreamEncryptionConfiguration.Status is ENABLING' } }
      : {};
  return { ...judged, ...pending, evidence: { ...evidence, ...judged.evidence } };
}
