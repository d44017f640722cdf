/**
 * Kinesis DescribeStreamSummary and Firehose DescribeDeliveryStream (both awsJson1_1) as the real SDK
 * clients read them from the emulator: the answers typed as the SDK types them (timestamps as Dates),
 * destination pages, the errors each service names, faults and the per-account-region rate limit.
 */
import {
  DescribeDeliveryStreamCommand,
  FirehoseClient,
  type DeliveryStreamDescription,
  type DescribeDeliveryStreamCommandOutput,
} from '@aws-sdk/client-firehose';
import { DescribeStreamSummaryCommand, KinesisClient, type StreamDescriptionSummary } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { EvidenceDocument } from '../../src/evidence/model.js';
import { CREATED, KEY_ARN, MAIN, SECOND, testState } from './fixture.js';
import type { Emulator, Fault } from './index.js';
import { expectServedAsRecorded } from './roundtrip.js';
import { credentialsOf, emulatorStarter, failure } from './sdk.js';

const REGION = 'us-east-1';
const STREAM_ARN = `arn:aws:kinesis:${REGION}:${MAIN}:stream/ctr`;
const FOREIGN_STREAM_ARN = `arn:aws:kinesis:${REGION}:${SECOND}:stream/shared-ctr`;
const PRIVATE_STREAM_ARN = `arn:aws:kinesis:${REGION}:${SECOND}:stream/private`;
const FIREHOSE_ARN = `arn:aws:firehose:${REGION}:${MAIN}:deliverystream/ctr-to-s3`;

function destination(n: number) {
  return {
    DestinationId: `destinationId-00000000000${n}`,
    ExtendedS3DestinationDescription: {
      RoleARN: `arn:aws:iam::${MAIN}:role/firehose`,
      BucketARN: `arn:aws:s3:::ctr-bucket-${n}`,
      Prefix: 'ctr/',
      CompressionFormat: 'GZIP',
      EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: KEY_ARN } },
      BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 300 },
    },
  };
}

function summary(arn: string) {
  return {
    StreamName: arn.split('/').pop(),
    StreamARN: arn,
    StreamStatus: 'ACTIVE',
    StreamModeDetails: { StreamMode: 'ON_DEMAND' },
    RetentionPeriodHours: 24,
    StreamCreationTimestamp: CREATED,
    EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
    EncryptionType: 'KMS',
    KeyId: KEY_ARN,
    OpenShardCount: 4,
    ConsumerCount: 0,
  };
}

function streamsState(): EvidenceDocument {
  const state = testState();
  const main = state.accounts.find((a) => a.accountId === MAIN);
  if (!main) throw new Error('the fixture has no main account');
  main.kinesisStreams = {
    [STREAM_ARN]: { readAs: MAIN, describeStreamSummary: { status: 'ok', response: { StreamDescriptionSummary: summary(STREAM_ARN) } } },
    // Read with the main account's credentials: the stream's resource policy lets it.
    [FOREIGN_STREAM_ARN]: { readAs: MAIN, describeStreamSummary: { status: 'ok', response: { StreamDescriptionSummary: summary(FOREIGN_STREAM_ARN) } } },
    [PRIVATE_STREAM_ARN]: { readAs: SECOND, describeStreamSummary: { status: 'ok', response: { StreamDescriptionSummary: summary(PRIVATE_STREAM_ARN) } } },
  };
  main.deliveryStreams = {
    [FIREHOSE_ARN]: {
      readAs: MAIN,
      describeDeliveryStream: {
        status: 'ok',
        response: {
          DeliveryStreamDescription: {
            DeliveryStreamName: 'ctr-to-s3',
            DeliveryStreamARN: FIREHOSE_ARN,
            DeliveryStreamStatus: 'ACTIVE',
            DeliveryStreamType: 'DirectPut',
            DeliveryStreamEncryptionConfiguration: { KeyARN: KEY_ARN, KeyType: 'CUSTOMER_MANAGED_CMK', Status: 'ENABLED' },
            VersionId: '3',
            CreateTimestamp: CREATED,
            LastUpdateTimestamp: CREATED,
            Destinations: [1, 2, 3].map(destination),
            HasMoreDestinations: false,
          },
        },
      },
    },
  };
  return state;
}

const start = emulatorStarter();

// The client the collector builds: HTTP/1.1 (see src/evidence/collect/clients.ts).
const kinesis = (emu: Emulator, account = MAIN, region = REGION) =>
  new KinesisClient({ endpoint: emu.url, region, credentials: credentialsOf(account), maxAttempts: 1, requestHandler: new NodeHttpHandler() });
const firehose = (emu: Emulator, account = MAIN, region = REGION) => new FirehoseClient({ endpoint: emu.url, region, credentials: credentialsOf(account), maxAttempts: 1 });

describe('Kinesis DescribeStreamSummary (awsJson1_1, Kinesis_20131202)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await start({ state: streamsState() });
  });
  afterEach(() => emu.reset());

  it('answers the recorded summary, typed as the SDK types it: the creation time a Date, the key id as recorded', async () => {
    const answer = await kinesis(emu).send(new DescribeStreamSummaryCommand({ StreamARN: STREAM_ARN }));
    expectTypeOf(answer.StreamDescriptionSummary).toEqualTypeOf<StreamDescriptionSummary | undefined>();
    const got = answer.StreamDescriptionSummary;
    expect(got?.StreamCreationTimestamp).toBeInstanceOf(Date);
    expect(got?.StreamCreationTimestamp?.toISOString()).toBe(CREATED);
    expect(got).toMatchObject({ StreamARN: STREAM_ARN, EncryptionType: 'KMS', KeyId: KEY_ARN, StreamModeDetails: { StreamMode: 'ON_DEMAND' }, OpenShardCount: 4 });
    expect(emu.requests.map((r) => [r.service, r.operation, r.account, r.region, r.resource, r.status])).toEqual([
      ['kinesis', 'DescribeStreamSummary', MAIN, REGION, STREAM_ARN, 200],
    ]);
  });

  it('serves the wire format AWS documents: x-amz-target, application/x-amz-json-1.1, epoch seconds', async () => {
    const raw = await fetch(emu.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.DescribeStreamSummary',
        authorization: `AWS4-HMAC-SHA256 Credential=AKID${MAIN}/20250101/${REGION}/kinesis/aws4_request, SignedHeaders=host, Signature=x`,
      },
      body: JSON.stringify({ StreamARN: STREAM_ARN }),
    });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    const body = (await raw.json()) as { StreamDescriptionSummary: Record<string, unknown> };
    expect(body.StreamDescriptionSummary.StreamCreationTimestamp).toBe(Date.parse(CREATED) / 1000);
  });

  it('names errors as Kinesis does, HTTP 400: unknown stream, another region, another account without access', async () => {
    const unknown = await failure(kinesis(emu).send(new DescribeStreamSummaryCommand({ StreamARN: `arn:aws:kinesis:${REGION}:${MAIN}:stream/nope` })));
    const elsewhere = await failure(kinesis(emu, MAIN, 'eu-west-1').send(new DescribeStreamSummaryCommand({ StreamARN: STREAM_ARN })));
    const refused = await failure(kinesis(emu).send(new DescribeStreamSummaryCommand({ StreamARN: PRIVATE_STREAM_ARN })));
    expect([unknown, elsewhere, refused].map((e) => [e.name, e.$metadata?.httpStatusCode])).toEqual([
      ['ResourceNotFoundException', 400],
      ['ResourceNotFoundException', 400],
      ['AccessDeniedException', 400],
    ]);
  });

  it('answers another account’s stream to a caller the record says could read it, and to its owner', async () => {
    const shared = await kinesis(emu).send(new DescribeStreamSummaryCommand({ StreamARN: FOREIGN_STREAM_ARN }));
    const own = await kinesis(emu, SECOND).send(new DescribeStreamSummaryCommand({ StreamARN: PRIVATE_STREAM_ARN }));
    expect([shared.StreamDescriptionSummary?.StreamARN, own.StreamDescriptionSummary?.StreamARN]).toEqual([FOREIGN_STREAM_ARN, PRIVATE_STREAM_ARN]);
  });

  it('throttles above 20 requests per second per account and region with LimitExceededException', async () => {
    const limited = await start({ state: streamsState(), serviceRates: { kinesis: { ratePerSecond: 1, burst: 2 } } });
    const client = kinesis(limited);
    const outcomes: string[] = [];
    for (let n = 0; n < 3; n++) outcomes.push(await client.send(new DescribeStreamSummaryCommand({ StreamARN: STREAM_ARN })).then(() => 'ok', (e: Error) => e.name));
    outcomes.push(await kinesis(limited, SECOND).send(new DescribeStreamSummaryCommand({ StreamARN: PRIVATE_STREAM_ARN })).then(() => 'ok', (e: Error) => e.name));
    expect(outcomes).toEqual(['ok', 'ok', 'LimitExceededException', 'ok']);
    expect(limited.requests.map((r) => r.throttled)).toEqual([false, false, true, false]);
  });
});

describe('Firehose DescribeDeliveryStream (awsJson1_1, Firehose_20150804)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await start({ state: streamsState() });
  });
  afterEach(() => emu.reset());

  it('pages destinations at the emulator’s page size with ExclusiveStartDestinationId / HasMoreDestinations, typed as the SDK types them', async () => {
    const client = firehose(emu);
    const first: DescribeDeliveryStreamCommandOutput = await client.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'ctr-to-s3' }));
    expectTypeOf(first.DeliveryStreamDescription).toEqualTypeOf<DeliveryStreamDescription | undefined>();
    const d1 = first.DeliveryStreamDescription;
    expect(d1?.CreateTimestamp).toBeInstanceOf(Date);
    expect(d1?.LastUpdateTimestamp?.toISOString()).toBe(CREATED);
    expect(d1?.DeliveryStreamEncryptionConfiguration).toEqual({ KeyARN: KEY_ARN, KeyType: 'CUSTOMER_MANAGED_CMK', Status: 'ENABLED' });
    expect([d1?.Destinations?.map((d) => d.DestinationId), d1?.HasMoreDestinations]).toEqual([['destinationId-000000000001', 'destinationId-000000000002'], true]);
    expect(d1?.Destinations?.[0]?.ExtendedS3DestinationDescription).toMatchObject({
      BucketARN: 'arn:aws:s3:::ctr-bucket-1',
      EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: KEY_ARN } },
    });
    const second = await client.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'ctr-to-s3', ExclusiveStartDestinationId: 'destinationId-000000000002' }));
    expect([second.DeliveryStreamDescription?.Destinations?.map((d) => d.DestinationId), second.DeliveryStreamDescription?.HasMoreDestinations]).toEqual([
      ['destinationId-000000000003'],
      false,
    ]);
    const one = await client.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'ctr-to-s3', Limit: 1 }));
    expect([one.DeliveryStreamDescription?.Destinations?.length, one.DeliveryStreamDescription?.HasMoreDestinations]).toEqual([1, true]);
    expect(emu.requests.map((r) => [r.service, r.operation, r.resource, r.status])).toEqual([
      ['firehose', 'DescribeDeliveryStream', 'ctr-to-s3', 200],
      ['firehose', 'DescribeDeliveryStream', 'ctr-to-s3', 200],
      ['firehose', 'DescribeDeliveryStream', 'ctr-to-s3', 200],
    ]);
  });

  it('finds a delivery stream by name in the caller’s account and region only: elsewhere it is ResourceNotFoundException (400)', async () => {
    const errors = await Promise.all([
      failure(firehose(emu).send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'nope' }))),
      failure(firehose(emu, SECOND).send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'ctr-to-s3' }))),
      failure(firehose(emu, MAIN, 'eu-west-1').send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'ctr-to-s3' }))),
      failure(firehose(emu).send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'ctr-to-s3', ExclusiveStartDestinationId: 'destinationId-9' }))),
    ]);
    expect(errors.map((e) => [e.name, e.$metadata?.httpStatusCode])).toEqual([
      ['ResourceNotFoundException', 400],
      ['ResourceNotFoundException', 400],
      ['ResourceNotFoundException', 400],
      ['InvalidArgumentException', 400],
    ]);
  });
});

describe('the round trip', () => {
  it('serves every stream and delivery stream record as recorded, through the SDK clients the collector uses', async () => {
    const state = streamsState();
    const emu = await start({ state, pageSize: 1 });
    await expectServedAsRecorded(emu, state);
    expect(emu.requests.filter((r) => r.service === 'kinesis').map((r) => [r.account, r.status])).toEqual([
      [MAIN, 200],
      [MAIN, 200],
      [SECOND, 200],
    ]);
    // Three destinations, one a page.
    expect(emu.requests.filter((r) => r.service === 'firehose').map((r) => r.status)).toEqual([200, 200, 200]);
  });
});

describe('faults on Kinesis and Firehose', () => {
  const kinds: Fault['kind'][] = ['AccessDenied', 'NotFound', 'InternalError', 'Throttle', 'Malformed'];

  it('answers each fault as the service names it', async () => {
    const faults: Fault[] = kinds.flatMap((kind) => [
      { service: 'kinesis', operation: 'DescribeStreamSummary', kind, times: 1 },
      { service: 'firehose', operation: 'DescribeDeliveryStream', kind, times: 1 },
    ]);
    const emu = await start({ state: streamsState(), faults });
    const seen: string[] = [];
    for (let n = 0; n <= kinds.length; n++) {
      const errorOf = (e: { name: string; $metadata?: { httpStatusCode?: number } }) => `${e.name} ${e.$metadata?.httpStatusCode ?? ''}`.trim();
      seen.push(await kinesis(emu).send(new DescribeStreamSummaryCommand({ StreamARN: STREAM_ARN })).then(() => 'ok', errorOf));
      seen.push(await firehose(emu).send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'ctr-to-s3' })).then(() => 'ok', errorOf));
    }
    expect(seen).toEqual([
      'AccessDeniedException 400',
      'AccessDeniedException 400',
      'ResourceNotFoundException 400',
      'ResourceNotFoundException 400',
      'InternalFailure 500',
      'ServiceUnavailableException 500',
      'LimitExceededException 400',
      'ThrottlingException 400',
      expect.stringMatching(/^(SyntaxError|Error)/) as unknown as string,
      expect.stringMatching(/^(SyntaxError|Error)/) as unknown as string,
      'ok',
      'ok',
    ]);
  });

  it('delays a Slow answer', async () => {
    const emu = await start({ state: streamsState(), faults: [{ service: 'firehose', operation: '*', kind: 'Slow', delayMs: 300 }] });
    const started = Date.now();
    await firehose(emu).send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'ctr-to-s3' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });
});
