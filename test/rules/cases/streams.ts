import { expect } from 'vitest';
import { keyLookupId, type EvidenceDocument } from '../../../src/evidence/model.js';
import { bucketDefaultCustomerKey } from '../../../src/rules/encryption/bucket-default-customer-key.js';
import { keyMatchesBucketDefault } from '../../../src/rules/encryption/key-matches-bucket-default.js';
import { kmsKeyEnabled } from '../../../src/rules/encryption/kms-key-enabled.js';
import { kmsKeyGrantForConnect } from '../../../src/rules/encryption/kms-key-grant-for-connect.js';
import { kmsKeyGrantsNotForeign } from '../../../src/rules/encryption/kms-key-grants-not-foreign.js';
import { kmsKeyRotation } from '../../../src/rules/encryption/kms-key-rotation.js';
import { storageConfigCustomerKey } from '../../../src/rules/encryption/storage-config-customer-key.js';
import { bucketDeniesInsecureTransport } from '../../../src/rules/storage/bucket-denies-insecure-transport.js';
import { bucketExistsAndOwned } from '../../../src/rules/storage/bucket-exists-and-owned.js';
import { contactFlowLogsCustomerKey } from '../../../src/rules/streams/contact-flow-logs-customer-key.js';
import { firehoseDestinationAudited } from '../../../src/rules/streams/firehose-destination-audited.js';
import { firehoseEncryption } from '../../../src/rules/streams/firehose-encryption.js';
import { kinesisStreamEncryption } from '../../../src/rules/streams/kinesis-stream-encryption.js';
import { mediaStreamsUseConfiguredKey } from '../../../src/rules/streams/media-streams-use-configured-key.js';
import { streamTransferManaged } from '../../../src/rules/streams/stream-transfer-managed.js';
import {
  absent,
  ACCOUNT,
  ARCHIVE_BUCKET,
  failed,
  FIREHOSE_ARN,
  FLOW_LOG_GROUP,
  KEY_ARN,
  MEDIA_PREFIX,
  ok,
  parts,
  REGION,
  s3Destination,
  STREAM_ARN,
  streamsChanged,
  type EvidenceParts,
} from '../../helpers/evidence.js';
import type { RuleCase } from './types.js';

/** Issue 10: every destination Connect writes contact data to, judged down to its key. */

const CTR_AT_REST = 'storage.contact-trace-records.at-rest';
const AE_TRANSFER = 'storage.agent-events.transfer';
const AE_AT_REST = 'storage.agent-events.at-rest';
const MEDIA_AT_REST = 'storage.media-streams.at-rest';
const MEDIA_TRANSFER = 'storage.media-streams.transfer';
const FLOW_LOGS = 'storage.contact-flow-logs.at-rest';
const FOREIGN = '999988887777';
const OTHER_KEY_ID = '9f9f9f9f-aaaa-4bbb-8ccc-dddddddddddd';
const OTHER_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${OTHER_KEY_ID}`;

type Summary = { EncryptionType?: string; KeyId?: string };
type Description = Record<string, unknown> & { DeliveryStreamEncryptionConfiguration?: Record<string, unknown>; Destinations?: Array<Record<string, unknown>> };

function stream(p: EvidenceParts): Summary {
  const call = p.account.kinesisStreams![STREAM_ARN]!.describeStreamSummary as { status: 'ok'; response: { StreamDescriptionSummary: Summary } };
  return call.response.StreamDescriptionSummary;
}

function delivery(p: EvidenceParts): Description {
  const call = p.account.deliveryStreams![FIREHOSE_ARN]!.describeDeliveryStream as { status: 'ok'; response: { DeliveryStreamDescription: Description } };
  return call.response.DeliveryStreamDescription;
}

/** A second key record (a copy of the compliant key under another ARN, account or reference). */
function addKey(doc: EvidenceDocument, reference: string, metadata: Record<string, unknown> = {}, region = REGION): void {
  const { account, key } = parts(doc);
  const copy = structuredClone(key);
  const described = copy.describeKey as { status: 'ok'; response: { KeyMetadata: Record<string, unknown> } };
  Object.assign(described.response.KeyMetadata, { Arn: OTHER_KEY_ARN, KeyId: OTHER_KEY_ID, ...metadata });
  account.keys[keyLookupId(region, reference)] = { ...copy, reference, region };
}

function logGroup(p: EvidenceParts): Record<string, unknown> {
  const call = p.instance.contactFlowLogGroups as { status: 'ok'; response: Array<Record<string, unknown>> };
  return call.response[0]!;
}

function videoPage(p: EvidenceParts): { StreamInfoList: Array<Record<string, unknown>>; NextToken?: string } {
  const call = p.instance.videoStreams![MEDIA_PREFIX] as { status: 'ok'; response: { StreamInfoList: Array<Record<string, unknown>>; NextToken?: string } };
  return call.response;
}

const names = (operation: string) => (f: { message: string }) => expect(f.message).toContain(`grant ${operation}`);

export const streamsCases: RuleCase[] = [
  // ---- Kinesis data streams -----------------------------------------------------------------
  { rule: kinesisStreamEncryption, name: 'stream encrypted with the customer key of the instance account', hop: CTR_AT_REST, evidence: streamsChanged(() => undefined), expect: 'PASS' },
  {
    rule: kinesisStreamEncryption,
    name: 'EncryptionType NONE: the records sit in plaintext (was ERROR info "not audited")',
    hop: CTR_AT_REST,
    evidence: streamsChanged((p) => {
      stream(p).EncryptionType = 'NONE';
      delete stream(p).KeyId;
    }),
    expect: 'FAIL',
    check: (f) => {
      expect(f.severity).toBe('high');
      expect(f.resource.arn).toBe(STREAM_ARN);
    },
  },
  {
    rule: kinesisStreamEncryption,
    name: 'no EncryptionType in the answer is read as not encrypted, never as encrypted',
    hop: CTR_AT_REST,
    evidence: streamsChanged((p) => {
      delete stream(p).EncryptionType;
    }),
    expect: 'FAIL',
  },
  {
    rule: kinesisStreamEncryption,
    name: 'the Kinesis-owned key alias/aws/kinesis is not a customer managed key',
    hop: CTR_AT_REST,
    evidence: streamsChanged((p) => {
      stream(p).KeyId = 'alias/aws/kinesis';
    }),
    expect: 'FAIL',
    check: (f) => expect(f.message).toContain('alias/aws/kinesis'),
  },
  {
    rule: kinesisStreamEncryption,
    name: 'a customer managed key of a foreign account is not the customer\'s',
    hop: CTR_AT_REST,
    evidence: streamsChanged((p, doc) => {
      const foreignKey = `arn:aws:kms:${REGION}:${FOREIGN}:key/${OTHER_KEY_ID}`;
      stream(p).KeyId = foreignKey;
      addKey(doc, foreignKey, { Arn: foreignKey, AWSAccountId: FOREIGN });
    }),
    expect: 'FAIL',
    check: (f) => expect(f.message).toContain(FOREIGN),
  },
  {
    rule: kinesisStreamEncryption,
    name: 'a stream of another account naming its key by alias: the alias is resolved in the stream\'s account, and that account is trusted',
    hop: CTR_AT_REST,
    evidence: () => {
      const arn = `arn:aws:kinesis:us-west-2:${FOREIGN}:stream/shared-ctr`;
      const doc = streamsChanged((p) => {
        (p.instance.storageConfigs as Record<string, unknown>).CONTACT_TRACE_RECORDS = ok([{ StorageType: 'KINESIS_STREAM', KinesisStreamConfig: { StreamArn: arn } }]);
        p.account.kinesisStreams![arn] = { readAs: FOREIGN, describeStreamSummary: ok({ StreamDescriptionSummary: { StreamARN: arn, EncryptionType: 'KMS', KeyId: 'alias/shared-ctr' } }) };
      })();
      const aliasArn = `arn:aws:kms:us-west-2:${FOREIGN}:alias/shared-ctr`;
      addKey(doc, aliasArn, { Arn: `arn:aws:kms:us-west-2:${FOREIGN}:key/${OTHER_KEY_ID}`, AWSAccountId: FOREIGN }, 'us-west-2');
      return doc;
    },
    options: { settings: { trustedKeyAccounts: [FOREIGN] } },
    expect: 'PASS',
    check: (f) => {
      expect(f.resource.region).toBe('us-west-2');
      expect(f.evidence).toMatchObject({ reference: `arn:aws:kms:us-west-2:${FOREIGN}:alias/shared-ctr` });
    },
  },
  {
    rule: kinesisStreamEncryption,
    name: 'DescribeStreamSummary refused: ERROR naming kinesis:DescribeStreamSummary',
    hop: CTR_AT_REST,
    evidence: streamsChanged((p) => {
      p.account.kinesisStreams![STREAM_ARN]!.describeStreamSummary = failed('AccessDeniedException', 400);
    }),
    expect: 'ERROR',
    check: names('kinesis:DescribeStreamSummary'),
  },
  {
    rule: kinesisStreamEncryption,
    name: 'evidence collected before streams were read: ERROR "not collected", not PASS and not a crash',
    hop: CTR_AT_REST,
    evidence: streamsChanged((p) => {
      delete p.account.kinesisStreams;
    }),
    expect: 'ERROR',
    check: (f) => expect(f.evidence).toMatchObject({ errorCode: 'NotCollected' }),
  },
  {
    rule: kinesisStreamEncryption,
    name: 'the stream the storage config names does not exist',
    hop: CTR_AT_REST,
    evidence: streamsChanged((p) => {
      p.account.kinesisStreams![STREAM_ARN]!.describeStreamSummary = failed('ResourceNotFoundException', 400);
    }),
    expect: 'FAIL',
  },
  {
    rule: kmsKeyEnabled,
    name: 'the key rules judge the stream key too: a disabled stream key fails on the stream hop',
    hop: CTR_AT_REST,
    evidence: streamsChanged((p, doc) => {
      stream(p).KeyId = OTHER_KEY_ARN;
      addKey(doc, OTHER_KEY_ARN, { KeyState: 'Disabled', Enabled: false });
    }),
    expect: 'FAIL',
    check: (f) => expect(f.message).toContain('Kinesis data stream'),
  },

  // ---- Firehose -----------------------------------------------------------------------------
  { rule: firehoseEncryption, name: 'delivery stream encrypted with the customer key', hop: AE_AT_REST, evidence: streamsChanged(() => undefined), expect: 'PASS' },
  {
    rule: firehoseEncryption,
    name: 'AWS_OWNED_CMK fails the customer-key rule',
    hop: AE_AT_REST,
    evidence: streamsChanged((p) => {
      delivery(p).DeliveryStreamEncryptionConfiguration = { KeyType: 'AWS_OWNED_CMK', Status: 'ENABLED' };
    }),
    expect: 'FAIL',
    check: (f) => expect(f.message).toContain('AWS_OWNED_CMK'),
  },
  {
    rule: firehoseEncryption,
    name: 'server-side encryption DISABLED',
    hop: AE_AT_REST,
    evidence: streamsChanged((p) => {
      delivery(p).DeliveryStreamEncryptionConfiguration = { Status: 'DISABLED' };
    }),
    expect: 'FAIL',
  },
  {
    rule: firehoseEncryption,
    name: 'no encryption configuration at all',
    hop: AE_AT_REST,
    evidence: streamsChanged((p) => {
      delete delivery(p).DeliveryStreamEncryptionConfiguration;
    }),
    expect: 'FAIL',
  },
  {
    rule: firehoseEncryption,
    name: 'ENABLING is not vouched for: ERROR until ENABLED',
    hop: AE_AT_REST,
    evidence: streamsChanged((p) => {
      delivery(p).DeliveryStreamEncryptionConfiguration!.Status = 'ENABLING';
    }),
    expect: 'ERROR',
  },
  {
    rule: firehoseEncryption,
    name: 'a delivery stream reading from a Kinesis stream keeps no data at rest of its own: ERROR, not PASS',
    hop: AE_AT_REST,
    evidence: streamsChanged((p) => {
      delivery(p).DeliveryStreamType = 'KinesisStreamAsSource';
    }),
    expect: 'ERROR',
  },
  {
    rule: firehoseEncryption,
    name: 'DescribeDeliveryStream refused: ERROR naming firehose:DescribeDeliveryStream',
    hop: AE_AT_REST,
    evidence: streamsChanged((p) => {
      p.account.deliveryStreams![FIREHOSE_ARN]!.describeDeliveryStream = failed('AccessDeniedException', 400);
    }),
    expect: 'ERROR',
    check: names('firehose:DescribeDeliveryStream'),
  },
  {
    rule: firehoseEncryption,
    name: 'the delivery stream does not exist',
    hop: AE_AT_REST,
    evidence: streamsChanged((p) => {
      p.account.deliveryStreams![FIREHOSE_ARN]!.describeDeliveryStream = failed('ResourceNotFoundException', 400);
    }),
    expect: 'FAIL',
  },
  {
    rule: firehoseDestinationAudited,
    name: 'an S3 destination is audited with the S3 rules',
    hop: AE_TRANSFER,
    evidence: streamsChanged(() => undefined),
    expect: 'PASS',
    check: (f) => expect(f.message).toContain(ARCHIVE_BUCKET),
  },
  {
    rule: firehoseDestinationAudited,
    name: 'a Redshift destination is not audited: ERROR at critical severity, on both hops',
    hop: AE_TRANSFER,
    evidence: streamsChanged((p) => {
      delivery(p).Destinations = [{ DestinationId: 'destinationId-000000000001', RedshiftDestinationDescription: { ClusterJDBCURL: 'jdbc:redshift://x', S3DestinationDescription: s3Destination() } }];
    }),
    expect: 'ERROR',
    check: (f) => {
      expect(f.severity).toBe('critical');
      expect(f.message).toContain('destination type Redshift is not audited');
    },
  },
  {
    rule: firehoseDestinationAudited,
    name: 'the transfer hop hears when the delivery stream cannot be read (it is never just MANAGED)',
    hop: AE_TRANSFER,
    evidence: streamsChanged((p) => {
      p.account.deliveryStreams![FIREHOSE_ARN]!.describeDeliveryStream = failed('AccessDeniedException', 400);
    }),
    expect: 'ERROR',
    check: names('firehose:DescribeDeliveryStream'),
  },
  {
    rule: firehoseDestinationAudited,
    name: 'a missing delivery stream fails the transfer hop',
    hop: AE_TRANSFER,
    evidence: streamsChanged((p) => {
      p.account.deliveryStreams![FIREHOSE_ARN]!.describeDeliveryStream = failed('ResourceNotFoundException', 400);
    }),
    expect: 'FAIL',
  },
  { rule: bucketExistsAndOwned, name: 'the Firehose destination bucket is judged like the recordings bucket', hop: AE_TRANSFER, evidence: streamsChanged(() => undefined), expect: 'PASS' },
  {
    rule: bucketExistsAndOwned,
    name: 'the Firehose destination bucket does not exist',
    hop: AE_TRANSFER,
    evidence: streamsChanged((p) => {
      p.account.buckets[ARCHIVE_BUCKET]!.location = absent('NoSuchBucket');
    }),
    expect: 'FAIL',
  },
  {
    rule: bucketDeniesInsecureTransport,
    name: 'the Firehose destination bucket has no TLS-only policy',
    hop: AE_TRANSFER,
    evidence: streamsChanged((p) => {
      p.account.buckets[ARCHIVE_BUCKET]!.policy = absent('NoSuchBucketPolicy');
    }),
    expect: 'FAIL',
  },
  {
    rule: bucketDefaultCustomerKey,
    name: 'the Firehose destination bucket encrypts by default with SSE-S3',
    hop: AE_AT_REST,
    evidence: streamsChanged((p) => {
      p.account.buckets[ARCHIVE_BUCKET]!.encryption = ok({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } });
    }),
    expect: 'FAIL',
  },
  { rule: storageConfigCustomerKey, name: 'the key Firehose names for its S3 objects is the customer key', hop: AE_AT_REST, evidence: streamsChanged(() => undefined), expect: 'PASS' },
  {
    rule: storageConfigCustomerKey,
    name: 'Firehose names no key (NoEncryption) and the destination bucket default is SSE-S3',
    hop: AE_AT_REST,
    evidence: streamsChanged((p) => {
      delivery(p).Destinations = [{ DestinationId: 'destinationId-000000000001', ExtendedS3DestinationDescription: s3Destination(ARCHIVE_BUCKET, null) }];
      p.account.buckets[ARCHIVE_BUCKET]!.encryption = ok({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } });
    }),
    expect: 'FAIL',
    check: (f) => expect(f.message).toContain('names no KMS key'),
  },
  {
    rule: storageConfigCustomerKey,
    name: 'Firehose names no key and the destination bucket default is the customer key',
    hop: AE_AT_REST,
    evidence: streamsChanged((p) => {
      delivery(p).Destinations = [{ DestinationId: 'destinationId-000000000001', ExtendedS3DestinationDescription: s3Destination(ARCHIVE_BUCKET, null) }];
    }),
    expect: 'PASS',
  },
  {
    rule: keyMatchesBucketDefault,
    name: 'the key Firehose names differs from the destination bucket default',
    hop: AE_AT_REST,
    evidence: streamsChanged((p, doc) => {
      delivery(p).Destinations = [{ DestinationId: 'destinationId-000000000001', ExtendedS3DestinationDescription: s3Destination(ARCHIVE_BUCKET, OTHER_KEY_ARN) }];
      addKey(doc, OTHER_KEY_ARN);
    }),
    expect: 'FAIL',
  },

  // ---- Kinesis Video ------------------------------------------------------------------------
  { rule: mediaStreamsUseConfiguredKey, name: 'every stream with the prefix is on the configured key', hop: MEDIA_AT_REST, evidence: streamsChanged(() => undefined), expect: 'PASS' },
  {
    rule: mediaStreamsUseConfiguredKey,
    name: 'a stream on another key fails',
    hop: MEDIA_AT_REST,
    evidence: streamsChanged((p) => {
      videoPage(p).StreamInfoList.push({ StreamName: `${MEDIA_PREFIX}-connect-test-instance-contact-0002`, KmsKeyId: OTHER_KEY_ARN });
    }),
    expect: 'FAIL',
    check: (f) => expect(f.message).toContain('contact-0002'),
  },
  {
    rule: mediaStreamsUseConfiguredKey,
    name: 'a stream without KmsKeyId is on the AWS managed aws/kinesisvideo key',
    hop: MEDIA_AT_REST,
    evidence: streamsChanged((p) => {
      delete videoPage(p).StreamInfoList[0]!.KmsKeyId;
    }),
    expect: 'FAIL',
  },
  {
    rule: mediaStreamsUseConfiguredKey,
    name: 'a stream naming the key by an alias that resolves to the configured key passes',
    hop: MEDIA_AT_REST,
    evidence: streamsChanged((p, doc) => {
      videoPage(p).StreamInfoList[0]!.KmsKeyId = 'alias/connect';
      addKey(doc, 'alias/connect', { Arn: KEY_ARN });
    }),
    expect: 'PASS',
  },
  {
    rule: mediaStreamsUseConfiguredKey,
    name: 'an alias that could not be resolved: ERROR, never a guess',
    hop: MEDIA_AT_REST,
    evidence: streamsChanged((p) => {
      videoPage(p).StreamInfoList[0]!.KmsKeyId = 'alias/unknown';
    }),
    expect: 'ERROR',
  },
  {
    rule: mediaStreamsUseConfiguredKey,
    name: 'only the first page was read: the PASS says it is a sample',
    hop: MEDIA_AT_REST,
    evidence: streamsChanged((p) => {
      videoPage(p).NextToken = 'more';
    }),
    expect: 'PASS',
    check: (f) => expect(f.message).toContain('more exist and were not read'),
  },
  {
    rule: mediaStreamsUseConfiguredKey,
    name: 'ListStreams refused: ERROR naming kinesisvideo:ListStreams',
    hop: MEDIA_AT_REST,
    evidence: streamsChanged((p) => {
      p.instance.videoStreams![MEDIA_PREFIX] = failed('AccessDeniedException', 403);
    }),
    expect: 'ERROR',
    check: names('kinesisvideo:ListStreams'),
  },
  {
    rule: mediaStreamsUseConfiguredKey,
    name: 'no stream with the prefix exists yet',
    hop: MEDIA_AT_REST,
    evidence: streamsChanged((p) => {
      videoPage(p).StreamInfoList = [];
    }),
    expect: 'NOT_APPLICABLE',
  },
  {
    rule: streamTransferManaged,
    name: 'media streams transfer names no invented wildcard stream ARN',
    hop: MEDIA_TRANSFER,
    evidence: streamsChanged(() => undefined),
    expect: 'MANAGED',
    check: (f) => {
      expect(f.resource.arn).not.toContain('*');
      expect(f.resource.type).toBe('AwsConnectInstance');
    },
  },

  // ---- Flow logs ----------------------------------------------------------------------------
  { rule: contactFlowLogsCustomerKey, name: 'the flow-log group is on the customer key', evidence: streamsChanged(() => undefined), expect: 'PASS', check: (f) => expect(f.evidence).toMatchObject({ retentionInDays: 365 }) },
  {
    rule: contactFlowLogsCustomerKey,
    name: 'the flow-log group has no KMS key',
    evidence: streamsChanged((p) => {
      delete logGroup(p).kmsKeyId;
    }),
    expect: 'FAIL',
    check: (f) => expect(f.severity).toBe('medium'),
  },
  {
    rule: contactFlowLogsCustomerKey,
    name: 'flow logs off: the hop does not apply',
    evidence: streamsChanged((p) => {
      p.instance.attributes = ok([{ AttributeType: 'CONTACTFLOW_LOGS', Value: 'false' }]);
    }),
    expect: 'NOT_APPLICABLE',
  },
  {
    rule: contactFlowLogsCustomerKey,
    name: 'DescribeLogGroups refused: ERROR naming logs:DescribeLogGroups',
    evidence: streamsChanged((p) => {
      p.instance.contactFlowLogGroups = failed('AccessDeniedException', 400);
    }),
    expect: 'ERROR',
    check: names('logs:DescribeLogGroups'),
  },
  {
    rule: contactFlowLogsCustomerKey,
    name: 'flow logs on but no group of the expected name: ERROR (where they are is unknown), not NOT_APPLICABLE',
    evidence: streamsChanged((p) => {
      logGroup(p).logGroupName = `${FLOW_LOG_GROUP}-other`;
    }),
    expect: 'ERROR',
  },
  {
    rule: contactFlowLogsCustomerKey,
    name: 'whether flow logs are on could not be read',
    evidence: streamsChanged((p) => {
      p.instance.attributes = failed('AccessDeniedException', 400);
    }),
    expect: 'ERROR',
    check: names('connect:ListInstanceAttributes'),
  },
  {
    rule: kmsKeyRotation,
    name: 'the key rules judge the flow-log key too',
    hop: FLOW_LOGS,
    evidence: streamsChanged((p, doc) => {
      logGroup(p).kmsKeyId = OTHER_KEY_ARN;
      addKey(doc, OTHER_KEY_ARN);
      doc.accounts[0]!.keys[keyLookupId(REGION, OTHER_KEY_ARN)]!.rotation = ok({ KeyRotationEnabled: false });
    }),
    expect: 'FAIL',
  },

  // ---- Grants -------------------------------------------------------------------------------
  { rule: kmsKeyGrantsNotForeign, name: 'the only grant is to the instance service role', evidence: streamsChanged(() => undefined), expect: 'PASS' },
  {
    rule: kmsKeyGrantsNotForeign,
    name: 'a grant to a role of another account: someone else can decrypt contact data',
    evidence: streamsChanged((p) => {
      p.key.grants = ok([{ GrantId: 'g-foreign', GranteePrincipal: `arn:aws:iam::${FOREIGN}:role/analytics`, Operations: ['Decrypt'] }]);
    }),
    expect: 'FAIL',
    check: (f) => {
      expect(f.message).toContain('someone else can decrypt contact data');
      expect(f.severity).toBe('high');
    },
  },
  {
    rule: kmsKeyGrantsNotForeign,
    name: 'a grant to an AWS service principal is the service acting for the account',
    evidence: streamsChanged((p) => {
      p.key.grants = ok([{ GrantId: 'g-firehose', GranteePrincipal: 'firehose.eu-central-1.amazonaws.com', Operations: ['Encrypt', 'Decrypt'] }]);
    }),
    expect: 'PASS',
    check: (f) => expect(f.message).toContain('firehose.eu-central-1.amazonaws.com'),
  },
  {
    rule: kmsKeyGrantsNotForeign,
    name: 'a grant to a trusted key account passes',
    evidence: streamsChanged((p) => {
      p.key.grants = ok([{ GrantId: 'g-trusted', GranteePrincipal: `arn:aws:iam::${FOREIGN}:root`, Operations: ['Decrypt'] }]);
    }),
    options: { settings: { trustedKeyAccounts: [FOREIGN] } },
    expect: 'PASS',
  },
  {
    rule: kmsKeyGrantsNotForeign,
    name: 'a grantee that names no account: ERROR, never guessed',
    evidence: streamsChanged((p) => {
      p.key.grants = ok([{ GrantId: 'g-odd', GranteePrincipal: 'somebody', Operations: ['Decrypt'] }]);
    }),
    expect: 'ERROR',
  },
  {
    rule: kmsKeyGrantsNotForeign,
    name: 'ListGrants refused: ERROR naming kms:ListGrants',
    evidence: streamsChanged((p) => {
      p.key.grants = failed('AccessDeniedException', 400);
    }),
    expect: 'ERROR',
    check: names('kms:ListGrants'),
  },
  {
    rule: kmsKeyGrantsNotForeign,
    name: 'grants were not collected (older evidence): ERROR',
    evidence: streamsChanged((p) => {
      delete p.key.grants;
    }),
    expect: 'ERROR',
  },
  { rule: kmsKeyGrantForConnect, name: 'the recordings key has the grant for the instance service role', evidence: streamsChanged(() => undefined), expect: 'PASS' },
  {
    rule: kmsKeyGrantForConnect,
    name: 'no grant for the service role: Connect may be unable to write',
    evidence: streamsChanged((p) => {
      p.key.grants = ok([]);
    }),
    expect: 'FAIL',
    check: (f) => expect(f.severity).toBe('low'),
  },
  {
    rule: kmsKeyGrantForConnect,
    name: 'a grant naming the role without its path is the same role',
    evidence: streamsChanged((p) => {
      p.key.grants = ok([{ GrantId: 'g', GranteePrincipal: `arn:aws:iam::${ACCOUNT}:role/AWSServiceRoleForAmazonConnect_abc123`, Operations: ['GenerateDataKey'] }]);
    }),
    expect: 'PASS',
  },
  {
    rule: kmsKeyGrantForConnect,
    name: 'the service role is unknown: ERROR',
    evidence: streamsChanged((p) => {
      delete p.instanceRecord.ServiceRole;
    }),
    expect: 'ERROR',
  },
  {
    rule: kmsKeyGrantForConnect,
    name: 'ListGrants refused: ERROR naming kms:ListGrants',
    evidence: streamsChanged((p) => {
      p.key.grants = failed('AccessDeniedException', 400);
    }),
    expect: 'ERROR',
    check: names('kms:ListGrants'),
  },
];

