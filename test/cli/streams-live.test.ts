/**
 * Issue 10 end to end for Kinesis Data Streams and Firehose destinations: the built CLI collects from
 * the emulator through the real SDK (`collect --out`), and the collected evidence is judged
 * (`audit --snapshot`), for every way each destination passes, fails or cannot be judged: an
 * unencrypted stream, an AWS owned or disabled Firehose key, a Firehose S3 bucket without a TLS-only
 * policy, a destination that is not S3, AccessDenied (ERROR naming the IAM action), a stream or bucket
 * in another region, destinations paged one at a time, and a stream read with its own account's
 * credentials in a multi-account run.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keyLookupId, type AccountEvidence, type EvidenceDocument, type KeyEvidence } from '../../src/evidence/model.js';
import type { Finding, Report } from '../../src/report/schema.js';
import { startEmulator, type Emulator, type EmulatorOptions, type Fault } from '../emulator/index.js';
import { emulatorEnv } from '../helpers/accounts.js';
import { runCli } from '../helpers/cli.js';
import { absent, ACCOUNT, compliantEvidence, KEY_ARN, ok, parts, REGION, tlsPolicy } from '../helpers/evidence.js';

const OTHER_REGION = 'eu-west-1';
const THIRD_REGION = 'us-west-2';
const STREAMS_ACCOUNT = '444455556666';
const STREAM_KEY_ID = '5d1f0e2c-7777-4888-9999-aaaabbbbcccc';
const streamArn = (region = REGION, account = ACCOUNT) => `arn:aws:kinesis:${region}:${account}:stream/connect-ctr`;
const streamKeyArn = (region = REGION, account = ACCOUNT) => `arn:aws:kms:${region}:${account}:key/${STREAM_KEY_ID}`;
const FIREHOSE_NAME = 'connect-ctr-delivery';
const firehoseArn = (region = REGION) => `arn:aws:firehose:${region}:${ACCOUNT}:deliverystream/${FIREHOSE_NAME}`;
const ARCHIVE = 'ctr-archive-bucket';
const SECOND_ARCHIVE = 'ctr-archive-bucket-2';
const AT_REST = 'storage.contact-trace-records.at-rest';
const TRANSFER = 'storage.contact-trace-records.transfer';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

type Summary = Record<string, unknown>;
type Description = Record<string, unknown> & { Destinations: Array<Record<string, unknown>> };

/** A key record like the recordings key, for another key id, region or account. */
function keyLike(account: AccountEvidence, arn: string): KeyEvidence {
  const template = Object.values(account.keys)[0];
  if (!template) throw new Error('the compliant evidence has no key');
  const [, , , region = REGION, owner = ACCOUNT, resource = ''] = arn.split(':');
  const key = JSON.parse(JSON.stringify(template).split(KEY_ARN).join(arn)) as KeyEvidence;
  const described = key.describeKey as { status: 'ok'; response: { KeyMetadata: Record<string, unknown> } };
  Object.assign(described.response.KeyMetadata, { KeyId: resource.replace(/^key\//, ''), Arn: arn, AWSAccountId: owner });
  return { ...key, reference: arn, region };
}

/** The compliant document with contact trace records going to a KMS-encrypted Kinesis data stream. */
function kinesisState(summary: Summary = {}, options: { arn?: string; keyArn?: string } = {}): EvidenceDocument {
  const doc = compliantEvidence();
  const { account, instance } = parts(doc);
  const arn = options.arn ?? streamArn();
  const keyArn = options.keyArn ?? streamKeyArn();
  instance.storageConfigs.CONTACT_TRACE_RECORDS = ok([{ AssociationId: 'assoc-ctr', StorageType: 'KINESIS_STREAM', KinesisStreamConfig: { StreamArn: arn } }]);
  account.kinesisStreams = {
    [arn]: {
      readAs: ACCOUNT,
      describeStreamSummary: ok({
        StreamDescriptionSummary: {
          StreamName: 'connect-ctr',
          StreamARN: arn,
          StreamStatus: 'ACTIVE',
          StreamModeDetails: { StreamMode: 'ON_DEMAND' },
          RetentionPeriodHours: 24,
          StreamCreationTimestamp: '2026-01-05T09:00:00.000Z',
          EncryptionType: 'KMS',
          KeyId: keyArn,
          OpenShardCount: 2,
          ConsumerCount: 0,
          ...summary,
        },
      }),
    },
  };
  const key = keyLike(account, keyArn);
  account.keys[keyLookupId(key.region, keyArn)] = key;
  return doc;
}

function s3Destination(n: number, bucket: string, keyArn: string | undefined = KEY_ARN): Record<string, unknown> {
  const s3 = {
    RoleARN: `arn:aws:iam::${ACCOUNT}:role/firehose-delivery`,
    BucketARN: `arn:aws:s3:::${bucket}`,
    Prefix: 'ctr/',
    CompressionFormat: 'GZIP',
    EncryptionConfiguration: keyArn ? { KMSEncryptionConfig: { AWSKMSKeyARN: keyArn } } : { NoEncryptionConfig: 'NoEncryption' },
  };
  // Firehose describes an extended S3 destination under both names.
  return { DestinationId: `destinationId-00000000000${n}`, S3DestinationDescription: s3, ExtendedS3DestinationDescription: { ...s3, BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 300 } } };
}

function addBucket(account: AccountEvidence, name: string, region = REGION): void {
  const template = account.buckets['recordings-bucket'];
  if (!template) throw new Error('the compliant evidence has no bucket');
  account.buckets[name] = { ...structuredClone(template), location: ok({ LocationConstraint: region }), policy: ok({ Policy: tlsPolicy(name) }) };
}

/** The compliant document with contact trace records going to a Firehose that delivers to an S3 bucket. */
function firehoseState(change: (description: Description, account: AccountEvidence) => void = () => undefined, region = REGION): EvidenceDocument {
  const doc = compliantEvidence();
  const { account, instance } = parts(doc);
  const arn = firehoseArn(region);
  instance.storageConfigs.CONTACT_TRACE_RECORDS = ok([{ AssociationId: 'assoc-ctr', StorageType: 'KINESIS_FIREHOSE', KinesisFirehoseConfig: { FirehoseArn: arn } }]);
  addBucket(account, ARCHIVE);
  const description: Description = {
    DeliveryStreamName: FIREHOSE_NAME,
    DeliveryStreamARN: arn,
    DeliveryStreamStatus: 'ACTIVE',
    DeliveryStreamType: 'DirectPut',
    VersionId: '1',
    CreateTimestamp: '2026-01-05T09:00:00.000Z',
    DeliveryStreamEncryptionConfiguration: { KeyARN: KEY_ARN, KeyType: 'CUSTOMER_MANAGED_CMK', Status: 'ENABLED' },
    Destinations: [s3Destination(1, ARCHIVE)],
    HasMoreDestinations: false,
  };
  change(description, account);
  account.deliveryStreams = { [arn]: { readAs: ACCOUNT, describeDeliveryStream: ok({ DeliveryStreamDescription: description as never }) } };
  return doc;
}

interface Run {
  evidence: EvidenceDocument;
  account: AccountEvidence;
  report: Report;
  collectCode: number | null;
  auditCode: number | null;
  requests: Emulator['requests'];
}

/** `collect --out` against the emulator, then `audit --snapshot` of what it wrote. */
async function collectAndAudit(state: EvidenceDocument, options: Partial<EmulatorOptions> & { args?: string[] } = {}): Promise<Run> {
  const { args = [], ...emulatorOptions } = options;
  emulator = await startEmulator({ state, ...emulatorOptions });
  const out = join(mkdtempSync(join(tmpdir(), 'cna-streams-')), 'evidence.json');
  const collected = await runCli(['collect', '--region', REGION, '--resource-types', 'CONTACT_TRACE_RECORDS', '--out', out, ...args], {
    env: emulatorEnv(emulator.url, ACCOUNT),
  });
  if (collected.code !== 0) throw new Error(`collect exited ${collected.code}: ${collected.stderr}`);
  const evidence = JSON.parse(readFileSync(out, 'utf8')) as EvidenceDocument;
  const audited = await runCli(['audit', '--snapshot', out, '--format', 'json']);
  if (!audited.stdout.startsWith('{')) throw new Error(`no report (exit ${audited.code}): ${audited.stderr}`);
  const account = evidence.accounts.find((a) => a.accountId === ACCOUNT);
  if (!account) throw new Error('the evidence has no instance account');
  return { evidence, account, report: JSON.parse(audited.stdout) as Report, collectCode: collected.code, auditCode: audited.code, requests: [...emulator.requests] };
}

/** Findings of a rule on a hop; with `bucket`, only those about that bucket. */
function findings(report: Report, ruleId: string, hop: string, bucket?: string): Finding[] {
  return report.findings.filter((f) => f.ruleId === ruleId && f.hop === hop && (bucket === undefined || f.resource.arn === `arn:aws:s3:::${bucket}`));
}

function finding(report: Report, ruleId: string, hop: string, bucket?: string): Finding {
  const matching = findings(report, ruleId, hop, bucket);
  if (matching.length !== 1) {
    const seen = report.findings.filter((f) => f.hop.startsWith('storage.contact-trace-records')).map((f) => [f.ruleId, f.hop, f.status, f.message]);
    throw new Error(`expected one ${ruleId} finding on ${hop}${bucket ? ` for ${bucket}` : ''}, got ${matching.length}: ${JSON.stringify(seen)}`);
  }
  return matching[0] as Finding;
}

const calls = (run: Run, service: string) => run.requests.filter((r) => r.service === service).map((r) => [r.operation, r.region, r.resource, r.status]);
const denied = (service: Fault['service'], operation: string): Fault => ({ service, operation, kind: 'AccessDenied' });

describe('Kinesis Data Streams destination (kinesis:DescribeStreamSummary)', () => {
  it('passes a stream encrypted with a customer managed key: the stream is read once, then its own key', async () => {
    const run = await collectAndAudit(kinesisState());
    const record = run.account.kinesisStreams?.[streamArn()];
    expect(record?.readAs).toBe(ACCOUNT);
    expect(record?.describeStreamSummary).toMatchObject({ status: 'ok', response: { StreamDescriptionSummary: { EncryptionType: 'KMS', KeyId: streamKeyArn() } } });
    expect(calls(run, 'kinesis')).toEqual([['DescribeStreamSummary', REGION, streamArn(), 200]]);
    expect(run.account.keys[keyLookupId(REGION, streamKeyArn())]?.describeKey.status).toBe('ok');
    const f = finding(run.report, 'kinesis-stream-encryption', AT_REST);
    expect(f.status, f.message).toBe('PASS');
  });

  it('fails high a stream that is not encrypted (EncryptionType NONE), and reads no key for it', async () => {
    const run = await collectAndAudit(kinesisState({ EncryptionType: 'NONE', KeyId: undefined }));
    expect(run.account.kinesisStreams?.[streamArn()]?.describeStreamSummary).toMatchObject({ status: 'ok', response: { StreamDescriptionSummary: { EncryptionType: 'NONE' } } });
    expect(run.requests.filter((r) => r.service === 'kms' && r.resource === streamKeyArn())).toEqual([]);
    const f = finding(run.report, 'kinesis-stream-encryption', AT_REST);
    expect([f.status, f.severity], f.message).toEqual(['FAIL', 'high']);
    expect(run.auditCode).toBe(1);
  });

  it('never passes a stream encrypted with the Kinesis-owned key alias/aws/kinesis (not read: the name says AWS managed)', async () => {
    const run = await collectAndAudit(kinesisState({ KeyId: 'alias/aws/kinesis' }));
    expect(run.requests.filter((r) => r.service === 'kms' && r.resource === 'alias/aws/kinesis')).toEqual([]);
    const f = finding(run.report, 'kinesis-stream-encryption', AT_REST);
    expect(f.status, f.message).toBe('FAIL');
  });

  it('is ERROR naming kinesis:DescribeStreamSummary when the stream cannot be described (AccessDenied)', async () => {
    const run = await collectAndAudit(kinesisState(), { faults: [denied('kinesis', 'DescribeStreamSummary')] });
    expect(run.account.kinesisStreams?.[streamArn()]?.describeStreamSummary).toMatchObject({ status: 'error', error: { code: 'AccessDeniedException', httpStatus: 400 } });
    const f = finding(run.report, 'kinesis-stream-encryption', AT_REST);
    expect(f.status).toBe('ERROR');
    expect(f.message).toContain('kinesis:DescribeStreamSummary');
    expect(run.auditCode).not.toBe(0);
  });

  it('reads a stream in another region, and its key, in that region', async () => {
    const run = await collectAndAudit(kinesisState({}, { arn: streamArn(OTHER_REGION), keyArn: streamKeyArn(OTHER_REGION) }));
    expect(calls(run, 'kinesis')).toEqual([['DescribeStreamSummary', OTHER_REGION, streamArn(OTHER_REGION), 200]]);
    expect(run.requests.filter((r) => r.service === 'kms' && r.resource === streamKeyArn(OTHER_REGION)).map((r) => r.region)).toContain(OTHER_REGION);
    expect(run.account.keys[keyLookupId(OTHER_REGION, streamKeyArn(OTHER_REGION))]?.describeKey.status).toBe('ok');
    const f = finding(run.report, 'kinesis-stream-encryption', AT_REST);
    expect(f.status, f.message).toBe('PASS');
  });

  it('names a bare key id of the stream as the key in the stream’s own account, and judges it', async () => {
    const run = await collectAndAudit(kinesisState({ KeyId: STREAM_KEY_ID }));
    // The instance's account owns the stream: a bare id resolves there, as KMS resolves it.
    expect(run.account.keys[keyLookupId(REGION, STREAM_KEY_ID)]?.describeKey.status).toBe('ok');
    const f = finding(run.report, 'kinesis-stream-encryption', AT_REST);
    expect(f.status, f.message).toBe('PASS');
  });

  it('pages Connect one item at a time and still reads the stream once', async () => {
    const run = await collectAndAudit(kinesisState(), { pageSize: 1 });
    expect(calls(run, 'kinesis')).toHaveLength(1);
    expect(finding(run.report, 'kinesis-stream-encryption', AT_REST).status).toBe('PASS');
  });
});

describe('a live audit', () => {
  it('judges a Kinesis stream and a Firehose the way the collected snapshot is judged', async () => {
    const state = firehoseState();
    const { instance, account } = parts(state);
    const streams = kinesisState();
    const streamConfig = parts(streams).instance.storageConfigs.CONTACT_TRACE_RECORDS;
    instance.storageConfigs.AGENT_EVENTS = streamConfig ?? ok([]);
    account.kinesisStreams = parts(streams).account.kinesisStreams;
    Object.assign(account.keys, parts(streams).account.keys);
    emulator = await startEmulator({ state });
    const result = await runCli(['audit', '--region', REGION, '--resource-types', 'CONTACT_TRACE_RECORDS,AGENT_EVENTS', '--format', 'json'], { env: emulatorEnv(emulator.url, ACCOUNT) });
    const report = JSON.parse(result.stdout) as Report;
    expect(finding(report, 'kinesis-stream-encryption', 'storage.agent-events.at-rest').status).toBe('PASS');
    expect(finding(report, 'firehose-encryption', AT_REST).status).toBe('PASS');
    expect(finding(report, 's3-bucket-denies-insecure-transport', TRANSFER, ARCHIVE).status).toBe('PASS');
    expect(result.code, result.stderr).toBe(0);
  });
});

describe('Kinesis stream in another account', () => {
  const ROLE = 'arn:aws:iam::{accountId}:role/Auditor';
  /** The stream and its key belong to the streams account; the instance's account may not read them. */
  function foreignState(readAs: string): EvidenceDocument {
    const doc = kinesisState({}, { arn: streamArn(REGION, STREAMS_ACCOUNT), keyArn: streamKeyArn(REGION, STREAMS_ACCOUNT) });
    const record = parts(doc).account.kinesisStreams?.[streamArn(REGION, STREAMS_ACCOUNT)];
    if (record) record.readAs = readAs;
    doc.accounts.push({ accountId: STREAMS_ACCOUNT, regions: [], buckets: {}, keys: {} });
    return doc;
  }

  it('is read with that account’s credentials when the run reads that account too (readAs)', async () => {
    const run = await collectAndAudit(foreignState(STREAMS_ACCOUNT), { args: ['--accounts', `${ACCOUNT},${STREAMS_ACCOUNT}`, '--role-arn', ROLE] });
    expect(run.requests.filter((r) => r.service === 'kinesis').map((r) => [r.account, r.status])).toEqual([[STREAMS_ACCOUNT, 200]]);
    expect(run.account.kinesisStreams?.[streamArn(REGION, STREAMS_ACCOUNT)]).toMatchObject({ readAs: STREAMS_ACCOUNT, describeStreamSummary: { status: 'ok' } });
    // Judged, not ERROR: the stream's key was read too, and it belongs to the streams account.
    const f = finding(run.report, 'kinesis-stream-encryption', AT_REST);
    expect(f.status).toBe('FAIL');
    expect(f.message).toContain(`owned by account ${STREAMS_ACCOUNT}, not the instance's account ${ACCOUNT}`);
  });

  it('is asked for with the instance account’s credentials otherwise, and an AccessDenied is an ERROR naming the action', async () => {
    const run = await collectAndAudit(foreignState(STREAMS_ACCOUNT));
    expect(run.requests.filter((r) => r.service === 'kinesis').map((r) => [r.account, r.status])).toEqual([[ACCOUNT, 400]]);
    expect(run.account.kinesisStreams?.[streamArn(REGION, STREAMS_ACCOUNT)]).toMatchObject({ readAs: ACCOUNT, describeStreamSummary: { status: 'error', error: { code: 'AccessDeniedException' } } });
    const f = finding(run.report, 'kinesis-stream-encryption', AT_REST);
    expect(f.status).toBe('ERROR');
    expect(f.message).toContain('kinesis:DescribeStreamSummary');
  });
});

describe('Firehose delivery stream in another account', () => {
  const ROLE = 'arn:aws:iam::{accountId}:role/Auditor';
  const foreignArn = `arn:aws:firehose:${REGION}:${STREAMS_ACCOUNT}:deliverystream/${FIREHOSE_NAME}`;
  function foreignState(): EvidenceDocument {
    const doc = firehoseState();
    const { account, instance } = parts(doc);
    instance.storageConfigs.CONTACT_TRACE_RECORDS = ok([{ AssociationId: 'assoc-ctr', StorageType: 'KINESIS_FIREHOSE', KinesisFirehoseConfig: { FirehoseArn: foreignArn } }]);
    const record = account.deliveryStreams?.[firehoseArn()];
    if (!record || record.describeDeliveryStream.status !== 'ok') throw new Error('no delivery stream record');
    record.readAs = STREAMS_ACCOUNT;
    record.describeDeliveryStream.response.DeliveryStreamDescription.DeliveryStreamARN = foreignArn;
    account.deliveryStreams = { [foreignArn]: record };
    doc.accounts.push({ accountId: STREAMS_ACCOUNT, regions: [], buckets: {}, keys: {} });
    return doc;
  }

  it('is read with that account’s credentials when the run reads that account too, and its bucket is read as any other', async () => {
    const run = await collectAndAudit(foreignState(), { args: ['--accounts', `${ACCOUNT},${STREAMS_ACCOUNT}`, '--role-arn', ROLE] });
    expect(run.requests.filter((r) => r.service === 'firehose').map((r) => [r.account, r.resource, r.status])).toEqual([[STREAMS_ACCOUNT, FIREHOSE_NAME, 200]]);
    expect(run.account.deliveryStreams?.[foreignArn]).toMatchObject({ readAs: STREAMS_ACCOUNT, describeDeliveryStream: { status: 'ok' } });
    expect(finding(run.report, 'firehose-encryption', AT_REST).status).toBe('PASS');
    expect(finding(run.report, 's3-bucket-denies-insecure-transport', TRANSFER, ARCHIVE).status).toBe('PASS');
  });

  it('is never asked for by name with the instance account’s credentials (that would find a namesake): ERROR naming the action', async () => {
    const run = await collectAndAudit(foreignState());
    expect(run.requests.filter((r) => r.service === 'firehose')).toEqual([]);
    expect(run.account.deliveryStreams?.[foreignArn]?.describeDeliveryStream).toMatchObject({ status: 'error', error: { code: 'CrossAccountNotReadable' } });
    const f = finding(run.report, 'firehose-encryption', AT_REST);
    expect(f.status).toBe('ERROR');
    expect(f.message).toContain('firehose:DescribeDeliveryStream');
    expect(f.message).toContain(STREAMS_ACCOUNT);
  });
});

describe('Firehose destination (firehose:DescribeDeliveryStream)', () => {
  it('passes a DirectPut delivery stream with a customer key, delivering to a compliant bucket: the bucket and both keys are read', async () => {
    const run = await collectAndAudit(firehoseState());
    const record = run.account.deliveryStreams?.[firehoseArn()];
    expect(record).toMatchObject({ readAs: ACCOUNT, describeDeliveryStream: { status: 'ok', response: { DeliveryStreamDescription: { DeliveryStreamARN: firehoseArn(), HasMoreDestinations: false } } } });
    expect(calls(run, 'firehose')).toEqual([['DescribeDeliveryStream', REGION, FIREHOSE_NAME, 200]]);
    expect(run.account.buckets[ARCHIVE]?.policy?.status).toBe('ok');
    expect(finding(run.report, 'firehose-encryption', AT_REST).status).toBe('PASS');
    expect(finding(run.report, 'firehose-destination-audited', TRANSFER).status).toBe('PASS');
    const tls = finding(run.report, 's3-bucket-denies-insecure-transport', TRANSFER, ARCHIVE);
    expect(tls.status, tls.message).toBe('PASS');
    expect(run.auditCode).toBe(0);
  });

  it('fails the customer-key rule for an AWS owned key (AWS_OWNED_CMK)', async () => {
    const run = await collectAndAudit(
      firehoseState((d) => {
        d.DeliveryStreamEncryptionConfiguration = { KeyType: 'AWS_OWNED_CMK', Status: 'ENABLED' };
      }),
    );
    const f = finding(run.report, 'firehose-encryption', AT_REST);
    expect(f.status, f.message).toBe('FAIL');
  });

  it('fails a delivery stream whose server-side encryption is DISABLED', async () => {
    const run = await collectAndAudit(
      firehoseState((d) => {
        d.DeliveryStreamEncryptionConfiguration = { Status: 'DISABLED' };
      }),
    );
    expect(run.account.deliveryStreams?.[firehoseArn()]?.describeDeliveryStream).toMatchObject({
      status: 'ok',
      response: { DeliveryStreamDescription: { DeliveryStreamEncryptionConfiguration: { Status: 'DISABLED' } } },
    });
    expect(finding(run.report, 'firehose-encryption', AT_REST).status).toBe('FAIL');
  });

  it('fails the destination bucket’s TLS rule when its policy does not deny plain HTTP', async () => {
    const run = await collectAndAudit(
      firehoseState((_d, account) => {
        const bucket = account.buckets[ARCHIVE];
        if (bucket) bucket.policy = absent('NoSuchBucketPolicy');
      }),
    );
    expect(run.account.buckets[ARCHIVE]?.policy).toMatchObject({ status: 'absent', code: 'NoSuchBucketPolicy' });
    const f = finding(run.report, 's3-bucket-denies-insecure-transport', TRANSFER, ARCHIVE);
    expect(f.status, f.message).toBe('FAIL');
  });

  it('reports a destination that is not S3 as ERROR "not audited", never PASS', async () => {
    const run = await collectAndAudit(
      firehoseState((d) => {
        d.Destinations = [
          {
            DestinationId: 'destinationId-000000000001',
            HttpEndpointDestinationDescription: { EndpointConfiguration: { Url: 'https://siem.example.com/ingest', Name: 'siem' }, S3BackupMode: 'FailedDataOnly' },
          },
        ];
      }),
    );
    const f = findings(run.report, 'firehose-destination-audited', TRANSFER);
    expect(f.map((x) => x.status)).toEqual(['ERROR']);
    expect(f[0]?.message).toMatch(/HttpEndpoint.*not audited/);
    expect(run.report.findings.filter((x) => x.hop.startsWith('storage.contact-trace-records') && x.status === 'PASS' && x.ruleId === 'firehose-destination-audited')).toEqual([]);
  });

  it('is ERROR naming firehose:DescribeDeliveryStream when the delivery stream cannot be described (AccessDenied)', async () => {
    const run = await collectAndAudit(firehoseState(), { faults: [denied('firehose', 'DescribeDeliveryStream')] });
    expect(run.account.deliveryStreams?.[firehoseArn()]?.describeDeliveryStream).toMatchObject({ status: 'error', error: { code: 'AccessDeniedException' } });
    // Nothing names the bucket: it is not read.
    expect(run.account.buckets[ARCHIVE]).toBeUndefined();
    const f = finding(run.report, 'firehose-encryption', AT_REST);
    expect(f.status).toBe('ERROR');
    expect(f.message).toContain('firehose:DescribeDeliveryStream');
    expect(run.auditCode).not.toBe(0);
  });

  it('reads a delivery stream in another region there, and its bucket in the bucket’s own region', async () => {
    const run = await collectAndAudit(
      firehoseState((_d, account) => {
        const bucket = account.buckets[ARCHIVE];
        if (bucket) bucket.location = ok({ LocationConstraint: THIRD_REGION });
      }, OTHER_REGION),
    );
    expect(calls(run, 'firehose')).toEqual([['DescribeDeliveryStream', OTHER_REGION, FIREHOSE_NAME, 200]]);
    const bucketCalls = run.requests.filter((r) => r.service === 's3' && r.resource === ARCHIVE);
    // The location is asked where the delivery stream lives; the configuration where the bucket lives.
    expect(bucketCalls.find((r) => r.operation === 'GetBucketLocation')?.region).toBe(OTHER_REGION);
    expect(bucketCalls.find((r) => r.operation === 'GetBucketPolicy')?.region).toBe(THIRD_REGION);
    expect(finding(run.report, 'firehose-encryption', AT_REST).status).toBe('PASS');
    expect(finding(run.report, 's3-bucket-denies-insecure-transport', TRANSFER, ARCHIVE).status).toBe('PASS');
  });

  it('pages destinations one at a time (page size 1) and judges every one of them', async () => {
    const run = await collectAndAudit(
      firehoseState((d, account) => {
        addBucket(account, SECOND_ARCHIVE);
        const second = account.buckets[SECOND_ARCHIVE];
        if (second) second.policy = absent('NoSuchBucketPolicy');
        d.Destinations = [s3Destination(1, ARCHIVE), s3Destination(2, SECOND_ARCHIVE), { DestinationId: 'destinationId-000000000003', SplunkDestinationDescription: { HECEndpoint: 'https://splunk.example.com' } }];
      }),
      { pageSize: 1 },
    );
    expect(calls(run, 'firehose')).toHaveLength(3);
    const joined = run.account.deliveryStreams?.[firehoseArn()]?.describeDeliveryStream;
    expect(joined?.status === 'ok' ? joined.response.DeliveryStreamDescription.Destinations?.map((d) => d.DestinationId) : joined).toEqual([
      'destinationId-000000000001',
      'destinationId-000000000002',
      'destinationId-000000000003',
    ]);
    expect(joined?.status === 'ok' && joined.response.DeliveryStreamDescription.HasMoreDestinations).toBe(false);
    expect(Object.keys(run.account.buckets)).toEqual([ARCHIVE, SECOND_ARCHIVE]);
    expect(finding(run.report, 's3-bucket-denies-insecure-transport', TRANSFER, ARCHIVE).status).toBe('PASS');
    expect(finding(run.report, 's3-bucket-denies-insecure-transport', TRANSFER, SECOND_ARCHIVE).status).toBe('FAIL');
    const splunk = findings(run.report, 'firehose-destination-audited', TRANSFER).filter((f) => f.status === 'ERROR');
    expect(splunk.map((f) => f.message)).toEqual([expect.stringMatching(/Splunk.*destinationId-000000000003.*not audited/)]);
  });
});
