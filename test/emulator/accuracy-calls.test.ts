/**
 * The calls that tell a public or foreign-owned bucket, an unrotated imported key and a Managed AD
 * without trusts: S3 Control GetPublicAccessBlock, GetBucketAcl, HeadBucket, ListBuckets,
 * ListKeyRotations and DescribeTrusts, each driven by the real SDK client and read through its types.
 */
import { paginateDescribeTrusts, type DescribeTrustsCommandOutput, DescribeTrustsCommand, type Trust } from '@aws-sdk/client-directory-service';
import { ListKeyRotationsCommand, paginateListKeyRotations, type RotationsListEntry } from '@aws-sdk/client-kms';
import {
  GetBucketAclCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  paginateListBuckets,
  type Bucket,
  type GetBucketAclCommandOutput,
  type Grant,
  type HeadBucketCommandOutput,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand, S3ControlClient, type PublicAccessBlockConfiguration } from '@aws-sdk/client-s3-control';
import { afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { EvidenceDocument } from '../../src/evidence/model.js';
import { ALL_USERS, CREATED, HEAD_FORBIDDEN, IMPORTED_KEY_ARN, IMPORTED_KEY_ID, KEY_ARN, MAIN, MAIN_CANONICAL_ID, SECOND, testState } from './fixture.js';
import type { Emulator, Fault } from './index.js';
import { allPages, credentialsOf, emulatorStarter, failure, sdkClients } from './sdk.js';
import { canonicalUserId } from './state.js';

const start = emulatorStarter();

const clients = (emulator: Emulator, account = MAIN, region = 'us-east-1') => sdkClients(emulator, region, credentialsOf(account));

describe('S3 Control GetPublicAccessBlock (restXml, account in x-amz-account-id)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await start();
  });
  afterEach(() => emu.reset());

  it('answers the account’s own setting, NoSuchPublicAccessBlockConfiguration when none, AccessDenied for another account', async () => {
    const mine = await clients(emu).s3control.send(new GetPublicAccessBlockCommand({ AccountId: MAIN }));
    expectTypeOf(mine.PublicAccessBlockConfiguration).toEqualTypeOf<PublicAccessBlockConfiguration | undefined>();
    expect(mine.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });

    const none = await failure(clients(emu, SECOND).s3control.send(new GetPublicAccessBlockCommand({ AccountId: SECOND })));
    expect([none.name, none.$metadata?.httpStatusCode]).toEqual(['NoSuchPublicAccessBlockConfiguration', 404]);
    const other = await failure(clients(emu).s3control.send(new GetPublicAccessBlockCommand({ AccountId: SECOND })));
    expect([other.name, other.$metadata?.httpStatusCode]).toEqual(['AccessDenied', 403]);

    expect(emu.requests.map((r) => [r.service, r.operation, r.resource, r.status])).toEqual([
      ['s3control', 'GetPublicAccessBlock', MAIN, 200],
      ['s3control', 'GetPublicAccessBlock', SECOND, 404],
      ['s3control', 'GetPublicAccessBlock', SECOND, 403],
    ]);
  });

  it('needs an endpoint provider: the endpoint rules put the account id in front of a custom host', async () => {
    // (The SDK prints the failed URL to stderr.)
    const plain = new S3ControlClient({ endpoint: emu.url, region: 'us-east-1', credentials: credentialsOf(MAIN), maxAttempts: 1 });
    const error = await failure(plain.send(new GetPublicAccessBlockCommand({ AccountId: MAIN })));
    expect(error.message).toMatch(/Invalid URL/);
    expect(emu.requests).toEqual([]);
  });

  it('serves the wire body AWS documents', async () => {
    const raw = await fetch(`${emu.url}/v20180820/configuration/publicAccessBlock`, {
      headers: { 'x-amz-account-id': MAIN, authorization: `AWS4-HMAC-SHA256 Credential=AKID${MAIN}/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=x` },
    });
    const body = await raw.text();
    expect(raw.status).toBe(200);
    expect(body).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<PublicAccessBlockConfiguration xmlns="http:\/\/awss3control\.amazonaws\.com\/doc\/2018-08-20\/">/);
    expect(body).toContain('<BlockPublicAcls>true</BlockPublicAcls>');
  });
});

describe('S3 GetBucketAcl, HeadBucket and ListBuckets', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await start();
  });
  afterEach(() => emu.reset());
  const owner = { ExpectedBucketOwner: MAIN };

  it('answers ACL grants with the grantee kind in xsi:type, which the SDK reads as Grantee.Type', async () => {
    const acl: GetBucketAclCommandOutput = await clients(emu).s3.send(new GetBucketAclCommand({ Bucket: 'bare-bucket', ...owner }));
    expectTypeOf(acl.Grants).toEqualTypeOf<Grant[] | undefined>();
    expect(acl.Owner).toEqual({ ID: MAIN_CANONICAL_ID });
    expect(acl.Grants).toEqual([
      { Grantee: { Type: 'CanonicalUser', ID: MAIN_CANONICAL_ID }, Permission: 'FULL_CONTROL' },
      { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' },
      { Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/s3/LogDelivery' }, Permission: 'WRITE' },
    ]);
    const raw = await (await fetch(`${emu.url}/bare-bucket?acl=`)).text();
    expect(raw).toContain(`<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>${ALL_USERS}</URI></Grantee>`);
    expect(raw).toContain('<AccessControlList><Grant>');
  });

  it('answers the owner-only ACL for a bucket without an ACL record, and refuses like the bucket’s location', async () => {
    const shared = await clients(emu, SECOND).s3.send(new GetBucketAclCommand({ Bucket: 'shared-bucket', ExpectedBucketOwner: SECOND }));
    const id = canonicalUserId(SECOND);
    expect(shared.Owner).toEqual({ ID: id });
    expect(shared.Grants).toEqual([{ Grantee: { Type: 'CanonicalUser', ID: id }, Permission: 'FULL_CONTROL' }]);
    for (const [Bucket, name, status] of [
      ['locked-bucket', 'AccessDenied', 403],
      ['elsewhere-bucket', 'AccessDenied', 403],
      ['gone-bucket', 'NoSuchBucket', 404],
      ['shared-bucket', 'AccessDenied', 403],
    ] as const) {
      const error = await failure(clients(emu).s3.send(new GetBucketAclCommand({ Bucket, ...owner })));
      expect([Bucket, error.name, error.$metadata?.httpStatusCode]).toEqual([Bucket, name, status]);
    }
  });

  it('answers HeadBucket in headers only: the region when it answers, a bare status when it refuses', async () => {
    const { s3 } = clients(emu);
    const own: HeadBucketCommandOutput = await s3.send(new HeadBucketCommand({ Bucket: 'rec-bucket' }));
    expectTypeOf(own.BucketRegion).toEqualTypeOf<string | undefined>();
    expect(own.BucketRegion).toBe('eu-west-2');
    expect(own.AccessPointAlias).toBe(false);
    // Readable without the expected owner: the owner probe's answer.
    expect((await s3.send(new HeadBucketCommand({ Bucket: 'foreign-bucket' }))).BucketRegion).toBe('us-west-2');

    // No body, so the SDK has no code to read: 403 is `Unknown`, 404 `NotFound` (as recorded in the fixture).
    for (const Bucket of ['locked-bucket', 'elsewhere-bucket']) {
      const refused = await failure(s3.send(new HeadBucketCommand({ Bucket })));
      expect([refused.name, refused.message, refused.$metadata?.httpStatusCode]).toEqual([HEAD_FORBIDDEN.error.code, HEAD_FORBIDDEN.error.message, 403]);
    }
    for (const Bucket of ['gone-bucket', 'never-heard-of']) {
      const missing = await failure(s3.send(new HeadBucketCommand({ Bucket })));
      expect([missing.name, missing.$metadata?.httpStatusCode]).toEqual(['NotFound', 404]);
    }
    const raw = await fetch(`${emu.url}/locked-bucket`, { method: 'HEAD' });
    expect(raw.status).toBe(403);
    expect(await raw.text()).toBe('');
    expect(emu.requests.map((r) => `${r.operation}:${r.resource ?? ''}:${r.status}`).slice(0, 2)).toEqual(['HeadBucket:rec-bucket:200', 'HeadBucket:foreign-bucket:200']);
  });

  it('lists the caller’s own buckets across pages: the recorded listing, or the buckets the account owns', async () => {
    const pages = await allPages(paginateListBuckets({ client: clients(emu).s3 }, {}));
    expect(pages).toHaveLength(2);
    const buckets: Bucket[] = pages.flatMap((p) => p.Buckets ?? []);
    expect(buckets.map((b) => [b.Name, b.BucketRegion])).toEqual([
      ['bare-bucket', 'us-east-1'],
      ['locked-bucket', 'us-east-1'],
      ['rec-bucket', 'eu-west-2'],
    ]);
    expect(buckets[0]?.CreationDate).toEqual(new Date('2019-02-11T10:20:30.000Z'));
    expect(pages[0]?.Owner?.ID).toBe(canonicalUserId(MAIN));
    // Foreign-owned buckets (foreign-bucket, shared-bucket, elsewhere-bucket) are not ours to list.
    expect(buckets.map((b) => b.Name)).not.toContain('elsewhere-bucket');

    const one = await clients(emu).s3.send(new ListBucketsCommand({ MaxBuckets: 1 }));
    expect(one.Buckets?.map((b) => b.Name)).toEqual(['bare-bucket']);
    expect(one.ContinuationToken).toEqual(expect.any(String));
    const bad = await failure(clients(emu).s3.send(new ListBucketsCommand({ ContinuationToken: 'forged' })));
    expect([bad.name, bad.$metadata?.httpStatusCode]).toEqual(['InvalidArgument', 400]);

    // No listing recorded for SECOND: its buckets, from the state.
    const second = await clients(emu, SECOND).s3.send(new ListBucketsCommand({}));
    expect(second.Buckets).toEqual([{ Name: 'shared-bucket', BucketRegion: 'eu-central-1' }]);
    expect(second.ContinuationToken).toBeUndefined();
  });
});

describe('KMS ListKeyRotations (awsJson1_1)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    const state: EvidenceDocument = testState();
    const main = state.accounts[0];
    if (main) {
      main.keys['us-east-1|hmac-key'] = {
        reference: 'hmac-key',
        region: 'us-east-1',
        describeKey: { status: 'ok', response: { KeyMetadata: { KeyId: 'hmac-key', KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC', KeyManager: 'CUSTOMER' } } },
      };
    }
    emu = await start({ state });
  });
  afterEach(() => emu.reset());

  it('pages rotations with Limit / Marker / NextMarker / Truncated; RotationDate arrives as a Date', async () => {
    const { kms } = clients(emu);
    const pages = await allPages(paginateListKeyRotations({ client: kms }, { KeyId: IMPORTED_KEY_ARN }));
    expect(pages.map((p) => p.Truncated)).toEqual([true, false]);
    const rotations: RotationsListEntry[] = pages.flatMap((p) => p.Rotations ?? []);
    expect(rotations.map((r) => [r.RotationType, r.KeyMaterialState])).toEqual([
      ['ON_DEMAND', 'NON_CURRENT'],
      ['ON_DEMAND', 'NON_CURRENT'],
      ['ON_DEMAND', 'CURRENT'],
    ]);
    expect(rotations[2]?.RotationDate).toEqual(new Date('2026-05-02T08:00:00.000Z'));
    expect(rotations[0]?.ValidTo).toEqual(new Date('2026-09-01T00:00:00.000Z'));
    expect(rotations[0]?.KeyId).toBe(IMPORTED_KEY_ID);
    const wire = (await (
      await fetch(emu.url, { method: 'POST', headers: { 'x-amz-target': 'TrentService.ListKeyRotations' }, body: JSON.stringify({ KeyId: IMPORTED_KEY_ARN, Limit: 1 }) })
    ).json()) as { Rotations: Array<{ RotationDate: unknown }>; Truncated: boolean; NextMarker?: string };
    expect(wire.Rotations).toHaveLength(1);
    expect(wire.Rotations[0]?.RotationDate).toBe(Date.parse('2024-05-02T08:00:00.000Z') / 1000);
    expect([wire.Truncated, typeof wire.NextMarker]).toEqual([true, 'string']);
  });

  it('answers an empty list for a key without a record, UnsupportedOperationException where material cannot rotate, errors as KMS names them', async () => {
    const { kms } = clients(emu);
    expect((await kms.send(new ListKeyRotationsCommand({ KeyId: KEY_ARN }))).Rotations).toEqual([]);
    const hmac = await failure(kms.send(new ListKeyRotationsCommand({ KeyId: 'hmac-key' })));
    expect([hmac.name, hmac.$metadata?.httpStatusCode]).toEqual(['UnsupportedOperationException', 400]);
    const missing = await failure(kms.send(new ListKeyRotationsCommand({ KeyId: 'no-such-key' })));
    expect(missing.name).toBe('NotFoundException');
    expect((await failure(kms.send(new ListKeyRotationsCommand({ KeyId: 'denied-key' })))).name).toBe('AccessDeniedException');
    // "Cross-account use: No."
    const across = await failure(clients(emu, SECOND).kms.send(new ListKeyRotationsCommand({ KeyId: IMPORTED_KEY_ARN })));
    expect(across.name).toBe('AccessDeniedException');
    expect((await failure(kms.send(new ListKeyRotationsCommand({ KeyId: IMPORTED_KEY_ARN, Marker: 'forged' })))).name).toBe('InvalidMarkerException');
  });
});

describe('Directory Service DescribeTrusts (awsJson1_1)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await start();
  });
  afterEach(() => emu.reset());

  it('pages a directory’s trusts with timestamps as Dates; other directories have none', async () => {
    const { ds } = clients(emu);
    const pages: DescribeTrustsCommandOutput[] = await allPages(paginateDescribeTrusts({ client: ds }, { DirectoryId: 'd-3333333333' }));
    expect(pages).toHaveLength(2);
    const trusts: Trust[] = pages.flatMap((p) => p.Trusts ?? []);
    expect(trusts.map((t) => [t.RemoteDomainName, t.TrustType, t.TrustDirection, t.TrustState])).toEqual([
      ['corp.example.com', 'Forest', 'Two-Way', 'Verified'],
      ['legacy.example.com', 'External', 'One-Way: Outgoing', 'Failed'],
      ['partner.example.net', 'Forest', 'One-Way: Incoming', 'Created'],
    ]);
    expect(trusts[0]?.CreatedDateTime).toEqual(new Date(CREATED));
    expect(trusts[0]?.StateLastUpdatedDateTime).toEqual(new Date('2024-03-02T09:30:00.000Z'));

    expect((await ds.send(new DescribeTrustsCommand({ DirectoryId: 'd-1111111111' }))).Trusts).toEqual([]);
    expect((await ds.send(new DescribeTrustsCommand({ DirectoryId: 'd-2222222222' }))).Trusts).toEqual([]);
    const one = await ds.send(new DescribeTrustsCommand({ DirectoryId: 'd-3333333333', TrustIds: ['t-2b3c4d5e6f'] }));
    expect(one.Trusts?.map((t) => t.TrustId)).toEqual(['t-2b3c4d5e6f']);
    // Without a directory: every trust of the account in the region.
    expect((await allPages(paginateDescribeTrusts({ client: ds }, {}))).flatMap((p) => p.Trusts ?? [])).toHaveLength(3);
    expect((await failure(ds.send(new DescribeTrustsCommand({ DirectoryId: 'd-0000000000' })))).name).toBe('DirectoryDoesNotExistException');
    expect((await failure(ds.send(new DescribeTrustsCommand({ DirectoryId: 'd-3333333333', NextToken: 'forged' })))).name).toBe('InvalidNextTokenException');
  });
});

describe('faults on the new calls', () => {
  const NEW_CALLS: Array<{ service: Fault['service']; operation: string; send: (c: ReturnType<typeof clients>) => Promise<unknown> }> = [
    { service: 's3control', operation: 'GetPublicAccessBlock', send: (c) => c.s3control.send(new GetPublicAccessBlockCommand({ AccountId: MAIN })) },
    { service: 's3', operation: 'GetBucketAcl', send: (c) => c.s3.send(new GetBucketAclCommand({ Bucket: 'rec-bucket', ExpectedBucketOwner: MAIN })) },
    { service: 's3', operation: 'HeadBucket', send: (c) => c.s3.send(new HeadBucketCommand({ Bucket: 'rec-bucket' })) },
    { service: 's3', operation: 'ListBuckets', send: (c) => c.s3.send(new ListBucketsCommand({})) },
    { service: 'kms', operation: 'ListKeyRotations', send: (c) => c.kms.send(new ListKeyRotationsCommand({ KeyId: IMPORTED_KEY_ARN })) },
    { service: 'ds', operation: 'DescribeTrusts', send: (c) => c.ds.send(new DescribeTrustsCommand({ DirectoryId: 'd-3333333333' })) },
  ];
  const faulted = (kind: Fault['kind']) => start({ faults: NEW_CALLS.map(({ service, operation }) => ({ service, operation, kind })) });

  it.each([
    ['AccessDenied', ['AccessDenied', 403], ['AccessDenied', 403], ['Unknown', 403], ['AccessDenied', 403], ['AccessDeniedException', 403], ['AccessDeniedException', 403]],
    ['NotFound', ['NoSuchPublicAccessBlockConfiguration', 404], ['NoSuchBucket', 404], ['NotFound', 404], ['NoSuchBucket', 404], ['NotFoundException', 400], ['EntityDoesNotExistException', 400]],
    ['InternalError', ['InternalError', 500], ['InternalError', 500], ['Unknown', 500], ['InternalError', 500], ['KMSInternalException', 500], ['ServiceException', 500]],
    ['Throttle', ['SlowDown', 503], ['SlowDown', 503], ['Unknown', 503], ['SlowDown', 503], ['ThrottlingException', 400], ['ClientException', 400]],
  ] as const)('%s: each protocol’s own error', async (kind, ...expected) => {
    const emu = await faulted(kind);
    const results: Array<[string, number | undefined]> = [];
    for (const { send } of NEW_CALLS) {
      const error = await failure(send(clients(emu)));
      results.push([error.name, error.$metadata?.httpStatusCode]);
    }
    expect(results).toEqual(expected);
    if (kind === 'Throttle') expect(emu.requests.every((r) => r.throttled)).toBe(true);
  });

  it('Malformed: a 200 the SDK cannot parse (HeadBucket has no body to break: it parses)', async () => {
    const emu = await faulted('Malformed');
    const outcomes: string[] = [];
    for (const { operation, send } of NEW_CALLS) {
      try {
        await send(clients(emu));
        outcomes.push(`${operation}: parsed`);
      } catch (error) {
        outcomes.push(`${operation}: ${(error as Error).message.split('\n')[0] ?? ''}`);
      }
    }
    expect(outcomes).toEqual([
      'GetPublicAccessBlock: @aws-sdk XML parse error: unexpected content.',
      'GetBucketAcl: @aws-sdk XML parse error: unexpected content.',
      'HeadBucket: parsed',
      'ListBuckets: @aws-sdk XML parse error: unexpected content.',
      expect.stringMatching(/^ListKeyRotations: /),
      expect.stringMatching(/^DescribeTrusts: /),
    ]);
    expect(emu.requests.every((r) => r.status === 200)).toBe(true);
  });
});
