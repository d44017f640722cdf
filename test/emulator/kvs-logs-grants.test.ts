/**
 * Kinesis Video ListStreams, CloudWatch Logs DescribeLogGroups and KMS ListGrants, driven by the real
 * SDK clients and read through their types: filters, pagination, errors and faults as the SDK sees them.
 */
import { DescribeLogGroupsCommand, paginateDescribeLogGroups, type LogGroup } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeStreamCommand, ListStreamsCommand, paginateListStreams, type StreamInfo } from '@aws-sdk/client-kinesis-video';
import { ListGrantsCommand, paginateListGrants, type GrantListEntry } from '@aws-sdk/client-kms';
import { afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { classifyError } from '../../src/evidence/collect/scheduler.js';
import { CREATED, KEY_ARN, KEY_ID, MAIN, SECOND } from './fixture.js';
import type { Emulator, Fault } from './index.js';
import { allPages, credentialsOf, emulatorStarter, failure, sdkClients } from './sdk.js';

const start = emulatorStarter();
const clients = (emulator: Emulator, account = MAIN, region = 'us-east-1') => sdkClients(emulator, region, credentialsOf(account));
const beginsWith = (ComparisonValue: string) => ({ StreamNameCondition: { ComparisonOperator: 'BEGINS_WITH' as const, ComparisonValue } });
const streamName = (n: number) => `media-b-connect-alias-inst-b-contact-${n}`;

describe('Kinesis Video ListStreams (restJson1, POST /listStreams)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await start();
  });
  afterEach(() => emu.reset());

  it('answers the streams whose names begin with the prefix, a page of the emulator’s page size with a NextToken', async () => {
    const first = await clients(emu).kinesisVideo.send(new ListStreamsCommand({ MaxResults: 100, ...beginsWith('media-b-') }));
    expectTypeOf(first.StreamInfoList).toEqualTypeOf<StreamInfo[] | undefined>();
    expect(first.StreamInfoList?.map((s) => s.StreamName)).toEqual([streamName(1), streamName(2)]);
    expect(first.NextToken).toMatch(/^[a-zA-Z0-9+/=._-]+$/);
    const stream = first.StreamInfoList?.[0];
    expect(stream?.CreationTime).toEqual(new Date(CREATED));
    expect(stream).toMatchObject({ KmsKeyId: KEY_ARN, Status: 'ACTIVE', DataRetentionInHours: 24, MediaType: 'audio/aac' });

    const all = (await allPages(paginateListStreams({ client: clients(emu).kinesisVideo }, beginsWith('media-b-connect')))).flatMap((p) => p.StreamInfoList ?? []);
    expect(all.map((s) => s.StreamName)).toEqual([1, 2, 3].map(streamName));
    expect(await clients(emu).kinesisVideo.send(new ListStreamsCommand(beginsWith('other-')))).toMatchObject({ StreamInfoList: [] });
    expect(emu.requests[0]).toMatchObject({ service: 'kinesisvideo', operation: 'ListStreams', resource: 'media-b-', status: 200 });
  });

  it('honours MaxResults below the page size, and refuses a token of another list', async () => {
    const one = await clients(emu).kinesisVideo.send(new ListStreamsCommand({ MaxResults: 1, ...beginsWith('media-b') }));
    expect(one.StreamInfoList).toHaveLength(1);
    const error = await failure(clients(emu).kinesisVideo.send(new ListStreamsCommand({ NextToken: one.NextToken, ...beginsWith('other') })));
    expect([error.name, error.$metadata?.httpStatusCode]).toEqual(['InvalidArgumentException', 400]);
  });

  it('keeps accounts and regions apart', async () => {
    expect((await clients(emu, MAIN, 'eu-west-2').kinesisVideo.send(new ListStreamsCommand(beginsWith('media-b')))).StreamInfoList).toEqual([]);
    expect((await clients(emu, SECOND).kinesisVideo.send(new ListStreamsCommand(beginsWith('media-b')))).StreamInfoList).toEqual([]);
  });

  it('answers a recorded error for the prefix it was recorded with; DescribeStream by name or ARN', async () => {
    const denied = await failure(clients(emu).kinesisVideo.send(new ListStreamsCommand(beginsWith('media-denied'))));
    expect(denied.name).toBe('AccessDeniedException');
    const described = await clients(emu).kinesisVideo.send(new DescribeStreamCommand({ StreamName: streamName(3) }));
    expect(described.StreamInfo?.StreamARN).toContain(`:stream/${streamName(3)}/`);
    const missing = await failure(clients(emu).kinesisVideo.send(new DescribeStreamCommand({ StreamName: 'nope' })));
    expect([missing.name, missing.$metadata?.httpStatusCode]).toEqual(['ResourceNotFoundException', 404]);
  });

  it('names its errors in the x-amzn-ErrorType header with a Message member, as AWS does', async () => {
    const raw = await fetch(`${emu.url}/listStreams`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `AWS4-HMAC-SHA256 Credential=AKID${MAIN}/20250101/us-east-1/kinesisvideo/aws4_request, SignedHeaders=host, Signature=x` },
      body: JSON.stringify(beginsWith('media-denied')),
    });
    expect(raw.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(Object.keys((await raw.json()) as object)).toEqual(['Message']);
  });
});

describe('CloudWatch Logs DescribeLogGroups (awsJson1_1, Logs_20140328)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await start();
  });
  afterEach(() => emu.reset());

  it('answers the groups beginning with the prefix, ASCII-sorted, paginated by nextToken and limit', async () => {
    const first = await clients(emu).logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/connect/alias-inst-a' }));
    expectTypeOf(first.logGroups).toEqualTypeOf<LogGroup[] | undefined>();
    expect(first.logGroups?.map((g) => g.logGroupName)).toEqual(['/aws/connect/alias-inst-a', '/aws/connect/alias-inst-a-archive']);
    expect(first.logGroups?.[0]).toMatchObject({ kmsKeyId: KEY_ARN, retentionInDays: 30, creationTime: 1709294400000 });
    expect(first.nextToken).toBeDefined();
    const all = (await allPages(paginateDescribeLogGroups({ client: clients(emu).logs }, { logGroupNamePrefix: '/aws/connect/alias-inst-a', limit: 1 }))).map((p) => p.logGroups?.length);
    expect(all).toEqual([1, 1, 1]);
    const exact = await clients(emu).logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/connect/alias-inst-a-t' }));
    expect(exact.logGroups?.map((g) => g.logGroupName)).toEqual(['/aws/connect/alias-inst-a-test']);
    expect((await clients(emu, SECOND).logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/connect/' }))).logGroups).toEqual([]);
    expect(emu.requests[0]).toMatchObject({ service: 'logs', operation: 'DescribeLogGroups', resource: '/aws/connect/alias-inst-a', status: 200 });
  });

  it('refuses a token of another list with InvalidParameterException', async () => {
    const first = await clients(emu).logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/connect/alias-inst-a' }));
    const error = await failure(clients(emu).logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/connect/x', nextToken: first.nextToken })));
    expect(error.name).toBe('InvalidParameterException');
  });
});

describe('KMS ListGrants (awsJson1_1, TrentService.ListGrants)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await start();
  });
  afterEach(() => emu.reset());

  it('answers the recorded grants page by page: Truncated, NextMarker, CreationDate as a Date', async () => {
    const first = await clients(emu).kms.send(new ListGrantsCommand({ KeyId: KEY_ARN }));
    expectTypeOf(first.Grants).toEqualTypeOf<GrantListEntry[] | undefined>();
    expect(first.Grants).toHaveLength(2);
    expect([first.Truncated, typeof first.NextMarker]).toEqual([true, 'string']);
    expect(first.Grants?.[0]?.CreationDate).toEqual(new Date(CREATED));
    const pages = await allPages(paginateListGrants({ client: clients(emu).kms }, { KeyId: KEY_ID }));
    expect(pages.map((p) => [p.Grants?.length, p.Truncated, p.NextMarker === undefined])).toEqual([
      [2, true, false],
      [1, false, true],
    ]);
    expect(pages.flatMap((p) => p.Grants ?? []).map((g) => g.GrantId)).toEqual(['grant-0', 'grant-1', 'grant-2']);
    const bad = await failure(clients(emu).kms.send(new ListGrantsCommand({ KeyId: KEY_ARN, Marker: 'nope' })));
    expect(bad.name).toBe('InvalidMarkerException');
  });

  it('reads another account’s key by ARN only, and answers an empty list for a key without recorded grants', async () => {
    expect((await clients(emu, SECOND).kms.send(new ListGrantsCommand({ KeyId: KEY_ARN, Limit: 5 }))).Grants).toHaveLength(2);
    expect((await failure(clients(emu, SECOND).kms.send(new ListGrantsCommand({ KeyId: KEY_ID })))).name).toBe('NotFoundException');
    const none = await clients(emu).kms.send(new ListGrantsCommand({ KeyId: 'alias/aws/s3' }));
    expect([none.Grants, none.Truncated]).toEqual([[], false]);
  });
});

describe('faults of the three operations', () => {
  const faults = (kind: Fault['kind']): Fault[] => [
    { service: 'kinesisvideo', operation: 'ListStreams', kind },
    { service: 'logs', operation: 'DescribeLogGroups', kind },
    { service: 'kms', operation: 'ListGrants', kind },
  ];
  const calls = (emu: Emulator) => {
    const c = clients(emu);
    return [
      c.kinesisVideo.send(new ListStreamsCommand(beginsWith('media-b'))),
      c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/connect/alias-inst-a' })),
      c.kms.send(new ListGrantsCommand({ KeyId: KEY_ARN })),
    ];
  };
  const outcomes = async (emu: Emulator) =>
    (await Promise.all(calls(emu).map((p) => failure(p)))).map((e) => [e.name, e.$metadata?.httpStatusCode, classifyError(e)]);

  it('AccessDenied, NotFound, InternalError and Throttle as each service names them', async () => {
    expect(await outcomes(await start({ faults: faults('AccessDenied') }))).toEqual([
      ['AccessDeniedException', 401, 'fatal'],
      ['AccessDeniedException', 400, 'fatal'],
      ['AccessDeniedException', 403, 'fatal'],
    ]);
    expect(await outcomes(await start({ faults: faults('NotFound') }))).toEqual([
      ['ResourceNotFoundException', 404, 'fatal'],
      ['ResourceNotFoundException', 400, 'fatal'],
      ['NotFoundException', 400, 'fatal'],
    ]);
    expect(await outcomes(await start({ faults: faults('InternalError') }))).toEqual([
      ['InternalFailure', 500, 'transient'],
      ['ServiceUnavailableException', 500, 'transient'],
      ['KMSInternalException', 500, 'transient'],
    ]);
    const throttled = await start({ faults: faults('Throttle') });
    expect(await outcomes(throttled)).toEqual([
      ['ClientLimitExceededException', 400, 'throttle'],
      ['ThrottlingException', 400, 'throttle'],
      ['ThrottlingException', 400, 'throttle'],
    ]);
    expect(throttled.requests.map((r) => r.throttled)).toEqual([true, true, true]);
  });

  it('Malformed answers fail to parse; Slow ones arrive late but whole', async () => {
    const malformed = await start({ faults: faults('Malformed') });
    for (const error of await Promise.all(calls(malformed).map((p) => failure(p)))) expect(error.message).toMatch(/JSON|Unexpected|parse|deserializ/i);
    const slow = await start({ faults: faults('Slow').map((f) => ({ ...f, delayMs: 300 })) });
    const t0 = Date.now();
    const answers = await Promise.all(calls(slow));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(answers.map((a) => Object.keys(a).filter((k) => k !== '$metadata').sort())).toEqual([['NextToken', 'StreamInfoList'], ['logGroups', 'nextToken'], ['Grants', 'NextMarker', 'Truncated']]);
  });
});
