/**
 * The emulator, driven by the real AWS SDK clients: every answer must parse the way AWS's does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DescribeInstanceCommand,
  ListApprovedOriginsCommand,
  ListInstanceAttributesCommand,
  ListInstanceStorageConfigsCommand,
  ListInstancesCommand,
  paginateListApprovedOrigins,
  paginateListInstanceAttributes,
  paginateListInstanceStorageConfigs,
  paginateListInstances,
} from '@aws-sdk/client-connect';
import {
  DescribeDirectoriesCommand,
  DescribeLDAPSSettingsCommand,
  DescribeSettingsCommand,
  ListCertificatesCommand,
  paginateDescribeDirectories,
  paginateListCertificates,
} from '@aws-sdk/client-directory-service';
import { DescribeKeyCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand, paginateListAliases } from '@aws-sdk/client-kms';
import { ListAccountsCommand, paginateListAccounts } from '@aws-sdk/client-organizations';
import {
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { evidenceDocument } from '../../src/evidence/model.js';
import { BUCKET_POLICY, CREATED, KEY_ARN, KEY_ID, KEY_POLICY, MAIN, SECOND, UNREACHABLE, testState } from './fixture.js';
import { startEmulator } from './index.js';
import { expectServedAsRecorded } from './roundtrip.js';
import { allPages as collect, credentialsOf, emulatorStarter, failure, sdkClients, type Credentials, type SdkError } from './sdk.js';
import type { Emulator } from './index.js';

const MAIN_CREDENTIALS: Credentials = credentialsOf(MAIN);

function clients(emulator: Emulator, region = 'us-east-1', credentials: Credentials = MAIN_CREDENTIALS) {
  return sdkClients(emulator, region, credentials);
}

const createdSeconds = Date.parse(CREATED);

const start = emulatorStarter();

describe('Connect (restJson1)', () => {
  let emu: Emulator;
  let c: ReturnType<typeof clients>;
  beforeAll(async () => {
    emu = await start();
    c = clients(emu);
  });
  afterEach(() => emu.reset());

  it('lists instances across pages with timestamps as Dates, derived from the instance records', async () => {
    const pages = await collect(paginateListInstances({ client: c.connect }, {}));
    expect(pages).toHaveLength(2);
    const instances = pages.flatMap((p) => p.InstanceSummaryList ?? []);
    expect(instances.map((i) => i.Id)).toEqual(['inst-a', 'inst-b', 'inst-c']);
    expect(instances[0]?.CreatedTime).toBeInstanceOf(Date);
    expect(instances[0]?.CreatedTime?.getTime()).toBe(createdSeconds);
    expect(instances[0]?.InstanceAccessUrl).toBe('https://alias-inst-a.my.connect.aws');
    // An instance whose DescribeInstance was refused is still listed, with its id and ARN.
    expect(instances[2]).toMatchObject({ Id: 'inst-c', Arn: `arn:aws:connect:us-east-1:${MAIN}:instance/inst-c` });
    expect(emu.requests.map((r) => [r.service, r.operation, r.account, r.region, r.status])).toEqual([
      ['connect', 'ListInstances', MAIN, 'us-east-1', 200],
      ['connect', 'ListInstances', MAIN, 'us-east-1', 200],
    ]);
  });

  it('answers ListInstances from the recorded list and DescribeInstance from a summary in another region', async () => {
    const eu = clients(emu, 'eu-west-2');
    const listed = await eu.connect.send(new ListInstancesCommand({}));
    expect(listed.InstanceSummaryList?.map((i) => i.Id)).toEqual(['inst-eu']);
    const described = await eu.connect.send(new DescribeInstanceCommand({ InstanceId: 'inst-eu' }));
    expect(described.Instance?.Arn).toBe(`arn:aws:connect:eu-west-2:${MAIN}:instance/inst-eu`);
    expect(described.Instance?.CreatedTime).toBeInstanceOf(Date);
  });

  it('describes an instance by id or by ARN', async () => {
    const byId = await c.connect.send(new DescribeInstanceCommand({ InstanceId: 'inst-a' }));
    expect(byId.Instance).toMatchObject({
      Id: 'inst-a',
      IdentityManagementType: 'EXISTING_DIRECTORY',
      InboundCallsEnabled: true,
      OutboundCallsEnabled: false,
      Tags: { team: 'contact-centre' },
    });
    expect(byId.Instance?.CreatedTime).toEqual(new Date(CREATED));
    const byArn = await c.connect.send(new DescribeInstanceCommand({ InstanceId: `arn:aws:connect:us-east-1:${MAIN}:instance/inst-b` }));
    expect(byArn.Instance?.IdentityManagementType).toBe('SAML');
    expect(emu.requests.map((r) => r.resource)).toEqual(['inst-a', `arn:aws:connect:us-east-1:${MAIN}:instance/inst-b`]);
  });

  it('pages storage configs per resource type; a type without a record is an empty list; errors keep their code', async () => {
    const pages = await collect(
      paginateListInstanceStorageConfigs({ client: c.connect }, { InstanceId: 'inst-a', ResourceType: 'CALL_RECORDINGS' }),
    );
    expect(pages).toHaveLength(2);
    const configs = pages.flatMap((p) => p.StorageConfigs ?? []);
    expect(configs.map((s) => s.AssociationId)).toEqual(['assoc-1', 'assoc-2', 'assoc-3']);
    expect(configs[0]?.S3Config).toEqual({
      BucketName: 'rec-bucket',
      BucketPrefix: 'connect/recordings-1',
      EncryptionConfig: { EncryptionType: 'KMS', KeyId: KEY_ARN },
    });
    const none = await c.connect.send(new ListInstanceStorageConfigsCommand({ InstanceId: 'inst-a', ResourceType: 'CHAT_TRANSCRIPTS' }));
    expect(none.StorageConfigs).toEqual([]);
    expect(none.NextToken).toBeUndefined();
    const denied = await failure(
      c.connect.send(new ListInstanceStorageConfigsCommand({ InstanceId: 'inst-a', ResourceType: 'MEDIA_STREAMS' })),
    );
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.$metadata?.httpStatusCode).toBe(403);
  });

  it('pages approved origins and attributes', async () => {
    const origins = await collect(paginateListApprovedOrigins({ client: c.connect }, { InstanceId: 'inst-a' }));
    expect(origins).toHaveLength(3);
    expect(origins.flatMap((p) => p.Origins ?? [])).toEqual([
      'https://a.example.com',
      'https://b.example.com',
      'https://c.example.com',
      'http://d.example.com',
      'https://*.example.com',
    ]);
    const attributes = await collect(paginateListInstanceAttributes({ client: c.connect }, { InstanceId: 'inst-a' }));
    expect(attributes.flatMap((p) => p.Attributes ?? []).map((a) => a.AttributeType)).toEqual([
      'INBOUND_CALLS',
      'OUTBOUND_CALLS',
      'CONTACTFLOW_LOGS',
    ]);
    // maxResults smaller than the page size is honoured.
    const one = await c.connect.send(new ListInstanceAttributesCommand({ InstanceId: 'inst-a', MaxResults: 1 }));
    expect(one.Attributes).toHaveLength(1);
    expect(one.NextToken).toEqual(expect.any(String));
  });

  it('answers recorded errors, unknown instances and bad tokens with the Connect error names', async () => {
    const refused = await failure(c.connect.send(new DescribeInstanceCommand({ InstanceId: 'inst-c' })));
    expect(refused.name).toBe('AccessDeniedException');
    const origins = await failure(c.connect.send(new ListApprovedOriginsCommand({ InstanceId: 'inst-b' })));
    expect(origins.name).toBe('AccessDeniedException');
    const missing = await failure(c.connect.send(new DescribeInstanceCommand({ InstanceId: 'no-such-instance' })));
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(missing.$metadata?.httpStatusCode).toBe(404);
    const otherRegion = await failure(clients(emu, 'ap-southeast-2').connect.send(new DescribeInstanceCommand({ InstanceId: 'inst-a' })));
    expect(otherRegion.name).toBe('ResourceNotFoundException');
    const badToken = await failure(c.connect.send(new ListInstancesCommand({ NextToken: 'forged' })));
    expect(badToken.name).toBe('InvalidRequestException');
  });
});

describe('Connect rate limits', () => {
  it('throttles beyond the burst per account, region and operation, then refills at the rate', async () => {
    const emu = await start({ connectRate: { ratePerSecond: 2, burst: 5 } });
    const c = clients(emu);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => c.connect.send(new DescribeInstanceCommand({ InstanceId: 'inst-a' }))),
    );
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(5);
    for (const r of rejected) {
      const error = r.reason as SdkError;
      expect(error.name).toBe('ThrottlingException');
      expect(error.message).toBe('Rate exceeded');
      expect(error.$metadata?.httpStatusCode).toBe(429);
    }
    expect(emu.requests.filter((r) => r.throttled)).toHaveLength(5);
    expect(emu.requests.filter((r) => r.throttled).every((r) => r.status === 429)).toBe(true);

    // Another operation, region or account has its own bucket.
    await c.connect.send(new ListInstancesCommand({}));
    await clients(emu, 'eu-west-2').connect.send(new DescribeInstanceCommand({ InstanceId: 'inst-eu' }));
    await clients(emu, 'us-east-1', { accessKeyId: `AKID${SECOND}`, secretAccessKey: 'x' }).connect.send(
      new DescribeInstanceCommand({ InstanceId: 'inst-222' }),
    );

    // 2 tokens a second (3 if this machine is slow between the two batches).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const refilled = await Promise.allSettled(
      Array.from({ length: 5 }, () => c.connect.send(new DescribeInstanceCommand({ InstanceId: 'inst-a' }))),
    );
    const passed = refilled.filter((r) => r.status === 'fulfilled').length;
    expect(passed).toBeGreaterThanOrEqual(2);
    expect(passed).toBeLessThanOrEqual(3);

    emu.reset();
    expect(emu.requests).toEqual([]);
    const afterReset = await Promise.allSettled(
      Array.from({ length: 5 }, () => c.connect.send(new DescribeInstanceCommand({ InstanceId: 'inst-a' }))),
    );
    expect(afterReset.every((r) => r.status === 'fulfilled')).toBe(true);
  });

  // "The throttling limits are defined for each API separately at the AWS account level"
  // (docs.aws.amazon.com/connect/latest/APIReference/best-practices-connect-apis.html), and like every
  // service quota they are Regional (connect/latest/adminguide/amazon-connect-service-limits.html): an
  // organisation run meets one bucket per (account, region, API), an assumed-role session drawing from
  // its target account's.
  it('keeps a bucket per account and region, an assumed-role session drawing from its target account', async () => {
    const emu = await start({ connectRate: { ratePerSecond: 0.01, burst: 5 } });
    const assumed = await clients(emu).sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${SECOND}:role/Auditor`, RoleSessionName: 's' }));
    const second: Credentials = {
      accessKeyId: assumed.Credentials!.AccessKeyId!,
      secretAccessKey: assumed.Credentials!.SecretAccessKey!,
      sessionToken: assumed.Credentials!.SessionToken!,
    };
    const callers = [MAIN_CREDENTIALS, second].flatMap((credentials) => ['us-east-1', 'eu-west-2'].map((region) => clients(emu, region, credentials)));
    await Promise.allSettled(callers.flatMap((c) => Array.from({ length: 7 }, () => c.connect.send(new ListInstancesCommand({})))));
    const tally = new Map<string, [number, number]>();
    for (const r of emu.requests.filter((r) => r.service === 'connect')) {
      const [passed, throttled] = tally.get(`${r.account}|${r.region}`) ?? [0, 0];
      tally.set(`${r.account}|${r.region}`, r.throttled ? [passed, throttled + 1] : [passed + 1, throttled]);
    }
    expect(Object.fromEntries(tally)).toEqual({
      [`${MAIN}|us-east-1`]: [5, 2],
      [`${MAIN}|eu-west-2`]: [5, 2],
      [`${SECOND}|us-east-1`]: [5, 2],
      [`${SECOND}|eu-west-2`]: [5, 2],
    });
  });

  it('applies no limit with connectRate: false and never rate-limits other services', async () => {
    const emu = await start({ connectRate: false });
    const c = clients(emu);
    await Promise.all(Array.from({ length: 20 }, () => c.connect.send(new DescribeInstanceCommand({ InstanceId: 'inst-a' }))));
    expect(emu.requests.some((r) => r.throttled)).toBe(false);
    const limited = await start({ connectRate: { ratePerSecond: 1, burst: 1 } });
    const l = clients(limited);
    await Promise.all(Array.from({ length: 10 }, () => l.kms.send(new DescribeKeyCommand({ KeyId: KEY_ARN }))));
    expect(limited.requests.some((r) => r.throttled)).toBe(false);
  });
});

describe('S3 (restXml, path style)', () => {
  let emu: Emulator;
  let c: ReturnType<typeof clients>;
  beforeAll(async () => {
    emu = await start();
    c = clients(emu);
  });
  afterEach(() => emu.reset());
  const owner = { ExpectedBucketOwner: MAIN };

  it('answers every bucket call from the state', async () => {
    const bucket = { Bucket: 'rec-bucket', ...owner };
    expect((await c.s3.send(new GetBucketLocationCommand(bucket))).LocationConstraint).toBe('eu-west-2');
    const encryption = await c.s3.send(new GetBucketEncryptionCommand(bucket));
    expect(encryption.ServerSideEncryptionConfiguration?.Rules).toEqual([
      { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN }, BucketKeyEnabled: true },
    ]);
    expect((await c.s3.send(new GetBucketPolicyCommand(bucket))).Policy).toBe(BUCKET_POLICY);
    expect((await c.s3.send(new GetBucketPolicyStatusCommand(bucket))).PolicyStatus).toEqual({ IsPublic: false });
    expect((await c.s3.send(new GetPublicAccessBlockCommand(bucket))).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: false,
    });
    expect((await c.s3.send(new GetBucketOwnershipControlsCommand(bucket))).OwnershipControls).toEqual({
      Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
    });
    expect(emu.requests.map((r) => `${r.service}:${r.operation}:${r.resource ?? ''}:${r.status}`)).toEqual([
      's3:GetBucketLocation:rec-bucket:200',
      's3:GetBucketEncryption:rec-bucket:200',
      's3:GetBucketPolicy:rec-bucket:200',
      's3:GetBucketPolicyStatus:rec-bucket:200',
      's3:GetPublicAccessBlock:rec-bucket:200',
      's3:GetBucketOwnershipControls:rec-bucket:200',
    ]);
  });

  it('answers "not configured" records with their S3 error codes', async () => {
    const bucket = { Bucket: 'bare-bucket', ...owner };
    expect((await c.s3.send(new GetBucketLocationCommand(bucket))).LocationConstraint).toBeUndefined();
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => c.s3.send(new GetBucketEncryptionCommand(bucket)), 'ServerSideEncryptionConfigurationNotFoundError'],
      [() => c.s3.send(new GetBucketPolicyCommand(bucket)), 'NoSuchBucketPolicy'],
      [() => c.s3.send(new GetBucketPolicyStatusCommand(bucket)), 'NoSuchBucketPolicy'],
      [() => c.s3.send(new GetPublicAccessBlockCommand(bucket)), 'NoSuchPublicAccessBlockConfiguration'],
      [() => c.s3.send(new GetBucketOwnershipControlsCommand(bucket)), 'OwnershipControlsNotFoundError'],
    ];
    for (const [call, code] of cases) {
      const error = await failure(call());
      expect(error.name).toBe(code);
      expect(error.$metadata?.httpStatusCode).toBe(404);
    }
  });

  it('answers NoSuchBucket for a deleted bucket and for one not in the state', async () => {
    for (const Bucket of ['gone-bucket', 'never-heard-of']) {
      const location = await failure(c.s3.send(new GetBucketLocationCommand({ Bucket, ...owner })));
      expect(location.name).toBe('NoSuchBucket');
      const policy = await failure(c.s3.send(new GetBucketPolicyCommand({ Bucket })));
      expect(policy.name).toBe('NoSuchBucket');
      expect(policy.$metadata?.httpStatusCode).toBe(404);
    }
  });

  it('refuses a wrong expected owner; a foreign-owned bucket answers only without the header', async () => {
    const withOwner = await failure(c.s3.send(new GetBucketLocationCommand({ Bucket: 'foreign-bucket', ...owner })));
    expect(withOwner.name).toBe('AccessDenied');
    expect(withOwner.$metadata?.httpStatusCode).toBe(403);
    expect((await c.s3.send(new GetBucketLocationCommand({ Bucket: 'foreign-bucket' }))).LocationConstraint).toBe('us-west-2');
    expect((await failure(c.s3.send(new GetBucketPolicyCommand({ Bucket: 'foreign-bucket' })))).name).toBe('AccessDenied');

    // Readable neither way.
    expect((await failure(c.s3.send(new GetBucketLocationCommand({ Bucket: 'locked-bucket', ...owner })))).name).toBe('AccessDenied');
    expect((await failure(c.s3.send(new GetBucketLocationCommand({ Bucket: 'locked-bucket' })))).name).toBe('AccessDenied');

    // Seen as foreign from MAIN, owned by SECOND: the owner is SECOND.
    expect((await failure(c.s3.send(new GetBucketLocationCommand({ Bucket: 'shared-bucket', ...owner })))).name).toBe('AccessDenied');
    const asSecond = await c.s3.send(new GetBucketLocationCommand({ Bucket: 'shared-bucket', ExpectedBucketOwner: SECOND }));
    expect(asSecond.LocationConstraint).toBe('eu-central-1');
    expect((await failure(c.s3.send(new GetBucketPolicyCommand({ Bucket: 'shared-bucket', ExpectedBucketOwner: SECOND })))).name).toBe(
      'NoSuchBucketPolicy',
    );

    // An owned bucket with another account as expected owner.
    expect((await failure(c.s3.send(new GetBucketPolicyCommand({ Bucket: 'rec-bucket', ExpectedBucketOwner: SECOND })))).name).toBe(
      'AccessDenied',
    );
  });

  it('takes bucket owners from options.bucketOwners', async () => {
    const emu2 = await start({ bucketOwners: { 'rec-bucket': SECOND } });
    const s3 = clients(emu2).s3;
    expect((await failure(s3.send(new GetBucketPolicyCommand({ Bucket: 'rec-bucket', ...owner })))).name).toBe('AccessDenied');
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket: 'rec-bucket', ExpectedBucketOwner: SECOND }))).Policy).toBe(BUCKET_POLICY);
  });
});

describe('KMS (awsJson1_1)', () => {
  let emu: Emulator;
  let c: ReturnType<typeof clients>;
  beforeAll(async () => {
    emu = await start();
    c = clients(emu);
  });

  it('describes a key by reference, key id, alias name and alias ARN', async () => {
    for (const KeyId of [KEY_ARN, KEY_ID, 'alias/recordings', `arn:aws:kms:us-east-1:${MAIN}:alias/media`]) {
      const { KeyMetadata } = await c.kms.send(new DescribeKeyCommand({ KeyId }));
      expect(KeyMetadata).toMatchObject({ KeyId: KEY_ID, Arn: KEY_ARN, KeyManager: 'CUSTOMER', KeyState: 'Enabled', Enabled: true });
      expect(KeyMetadata?.CreationDate).toEqual(new Date(CREATED));
    }
    const aws = await c.kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/s3' }));
    expect(aws.KeyMetadata?.KeyManager).toBe('AWS');
  });

  it('answers rotation status and key policy', async () => {
    const rotation = await c.kms.send(new GetKeyRotationStatusCommand({ KeyId: KEY_ARN }));
    expect(rotation.KeyRotationEnabled).toBe(true);
    expect(rotation.RotationPeriodInDays).toBe(365);
    expect(rotation.NextRotationDate).toEqual(new Date('2025-03-01T12:00:00.000Z'));
    const policy = await c.kms.send(new GetKeyPolicyCommand({ KeyId: KEY_ID }));
    expect(policy.Policy).toBe(KEY_POLICY);
    // A key without a recorded policy gets KMS's default key policy.
    const fallback = await c.kms.send(new GetKeyPolicyCommand({ KeyId: 'aws-s3-key' }));
    expect(fallback.PolicyName).toBe('default');
    expect(JSON.parse(fallback.Policy ?? '{}')).toMatchObject({ Id: 'key-default-1' });
    // A key without recorded rotation: AWS managed keys rotate.
    expect((await c.kms.send(new GetKeyRotationStatusCommand({ KeyId: 'aws-s3-key' }))).KeyRotationEnabled).toBe(true);
  });

  it('pages aliases with Marker / NextMarker / Truncated, for one key or the whole region', async () => {
    const pages = await collect(paginateListAliases({ client: c.kms }, { KeyId: KEY_ID }));
    expect(pages).toHaveLength(2);
    expect(pages[0]?.Truncated).toBe(true);
    expect(pages[1]?.Truncated).toBe(false);
    const aliases = pages.flatMap((p) => p.Aliases ?? []);
    expect(aliases.map((a) => a.AliasName)).toEqual(['alias/recordings', 'alias/transcripts', 'alias/media']);
    expect(aliases[0]?.CreationDate).toBeInstanceOf(Date);
    const all = (await collect(paginateListAliases({ client: c.kms }, {}))).flatMap((p) => p.Aliases ?? []);
    expect(all.map((a) => a.AliasName)).toEqual(['alias/media', 'alias/recordings', 'alias/transcripts']);
  });

  it('answers unknown keys, absent and error records with KMS error names', async () => {
    const unknown = await failure(c.kms.send(new DescribeKeyCommand({ KeyId: 'alias/nope' })));
    expect(unknown.name).toBe('NotFoundException');
    expect(unknown.$metadata?.httpStatusCode).toBe(400);
    expect((await failure(c.kms.send(new DescribeKeyCommand({ KeyId: 'alias/missing' })))).name).toBe('NotFoundException');
    expect((await failure(c.kms.send(new DescribeKeyCommand({ KeyId: 'denied-key' })))).name).toBe('AccessDeniedException');
    // Keys are regional.
    expect((await failure(clients(emu, 'eu-west-1').kms.send(new DescribeKeyCommand({ KeyId: KEY_ID })))).name).toBe('NotFoundException');
  });
});

describe('Directory Service (awsJson1_1)', () => {
  let emu: Emulator;
  let c: ReturnType<typeof clients>;
  beforeAll(async () => {
    emu = await start();
    c = clients(emu);
  });

  it('pages directories, filters by id, refuses unknown ids', async () => {
    const pages = await collect(paginateDescribeDirectories({ client: c.ds }, {}));
    expect(pages).toHaveLength(2);
    const directories = pages.flatMap((p) => p.DirectoryDescriptions ?? []);
    expect(directories.map((d) => d.DirectoryId)).toEqual(['d-1111111111', 'd-2222222222', 'd-3333333333']);
    expect(directories[0]?.LaunchTime).toEqual(new Date(CREATED));
    const one = await c.ds.send(new DescribeDirectoriesCommand({ DirectoryIds: ['d-3333333333'] }));
    expect(one.DirectoryDescriptions?.map((d) => [d.DirectoryId, d.Stage])).toEqual([['d-3333333333', 'Impaired']]);
    const unknown = await failure(c.ds.send(new DescribeDirectoriesCommand({ DirectoryIds: ['d-9999999999'] })));
    expect(unknown.name).toBe('EntityDoesNotExistException');
  });

  it('answers LDAPS settings, certificates and settings; absent records as UnsupportedOperationException', async () => {
    const ldaps = await c.ds.send(new DescribeLDAPSSettingsCommand({ DirectoryId: 'd-1111111111', Type: 'Client' }));
    expect(ldaps.LDAPSSettingsInfo?.[0]?.LDAPSStatus).toBe('Enabled');
    expect(ldaps.LDAPSSettingsInfo?.[0]?.LastUpdatedDateTime).toEqual(new Date(CREATED));
    const certs = (await collect(paginateListCertificates({ client: c.ds }, { DirectoryId: 'd-1111111111' }))).flatMap(
      (p) => p.CertificatesInfo ?? [],
    );
    expect(certs.map((x) => x.CertificateId)).toEqual(['c-1', 'c-2', 'c-3']);
    expect(certs[0]?.ExpiryDateTime).toEqual(new Date('2030-01-01T00:00:00.000Z'));

    const settings: string[] = [];
    let NextToken: string | undefined;
    let calls = 0;
    do {
      const page = await c.ds.send(new DescribeSettingsCommand({ DirectoryId: 'd-3333333333', NextToken }));
      expect(page.DirectoryId).toBe('d-3333333333');
      settings.push(...(page.SettingEntries ?? []).map((s) => `${s.Name ?? ''}=${s.AppliedValue ?? ''}`));
      NextToken = page.NextToken;
      calls += 1;
    } while (NextToken);
    expect(calls).toBe(2);
    expect(settings).toEqual(['TLS_1_0=Enable', 'TLS_1_1=Disable', 'RC4_128/128=Disable']);

    const unsupported = await failure(c.ds.send(new DescribeSettingsCommand({ DirectoryId: 'd-1111111111' })));
    expect(unsupported.name).toBe('UnsupportedOperationException');
    expect(unsupported.$metadata?.httpStatusCode).toBe(400);
    expect((await failure(c.ds.send(new DescribeLDAPSSettingsCommand({ DirectoryId: 'd-3333333333' })))).name).toBe('AccessDeniedException');
    // Listed by DescribeDirectories but no per-directory records: empty answers.
    expect((await c.ds.send(new ListCertificatesCommand({ DirectoryId: 'd-2222222222' }))).CertificatesInfo).toEqual([]);
    expect((await failure(c.ds.send(new ListCertificatesCommand({ DirectoryId: 'd-0000000000' })))).name).toBe(
      'DirectoryDoesNotExistException',
    );
  });
});

describe('STS (awsQuery) and Organizations', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await start({ denyAssumeRole: ['444444444444'] });
  });

  it('maps access keys to accounts and assumes roles into state accounts', async () => {
    const c = clients(emu);
    const me = await c.sts.send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Account: MAIN, Arn: `arn:aws:iam::${MAIN}:user/emulator` });
    // Any other key is the first account.
    const other = await clients(emu, 'us-east-1', { accessKeyId: 'AKIAOTHER', secretAccessKey: 'x' }).sts.send(new GetCallerIdentityCommand({}));
    expect(other.Account).toBe(MAIN);

    const assumed = await c.sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${SECOND}:role/audit/Auditor`, RoleSessionName: 'netpath' }),
    );
    expect(assumed.Credentials?.AccessKeyId).toBe(`AKID${SECOND}`);
    expect(assumed.Credentials?.Expiration).toBeInstanceOf(Date);
    expect(assumed.Credentials!.Expiration!.getTime()).toBeGreaterThan(Date.now());
    expect(assumed.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${SECOND}:assumed-role/Auditor/netpath`);

    const credentials = {
      accessKeyId: assumed.Credentials!.AccessKeyId!,
      secretAccessKey: assumed.Credentials!.SecretAccessKey!,
      sessionToken: assumed.Credentials!.SessionToken!,
    };
    const asSecond = clients(emu, 'us-east-1', credentials);
    const identity = await asSecond.sts.send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: SECOND, Arn: `arn:aws:sts::${SECOND}:assumed-role/Auditor/netpath` });
    const instances = await asSecond.connect.send(new ListInstancesCommand({}));
    expect(instances.InstanceSummaryList?.map((i) => i.Id)).toEqual(['inst-222']);
    expect(emu.requests.at(-1)).toMatchObject({ service: 'connect', account: SECOND });
  });

  it('refuses AssumeRole into unknown, unreachable and denied accounts', async () => {
    const c = clients(emu);
    for (const account of [UNREACHABLE, '444444444444', '555555555555']) {
      const error = await failure(c.sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/Auditor`, RoleSessionName: 's' })));
      expect(error.name).toBe('AccessDenied');
      expect(error.$metadata?.httpStatusCode).toBe(403);
    }
    const external = await start({ requireExternalId: 'ext-123' });
    const sts = clients(external).sts;
    const RoleArn = `arn:aws:iam::${SECOND}:role/Auditor`;
    expect((await failure(sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: 's' })))).name).toBe('AccessDenied');
    const ok = await sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: 's', ExternalId: 'ext-123' }));
    expect(ok.Credentials?.AccessKeyId).toBe(`AKID${SECOND}`);
  });

  it('lists every state account as an organization member, paginated', async () => {
    const pages = await collect(paginateListAccounts({ client: clients(emu).organizations }, {}));
    expect(pages).toHaveLength(2);
    const accounts = pages.flatMap((p) => p.Accounts ?? []);
    expect(accounts.map((a) => a.Id)).toEqual([MAIN, SECOND, UNREACHABLE]);
    expect(accounts[1]).toMatchObject({ Status: 'ACTIVE', Arn: expect.stringContaining(`:account/o-`) });
    expect(accounts[1]?.JoinedTimestamp).toBeInstanceOf(Date);
  });
});

describe('faults', () => {
  it('answers AccessDenied / NotFound / InternalError with each protocol’s names, on matching resources only', async () => {
    const emu = await start({
      faults: [
        { service: 'connect', operation: 'DescribeInstance', resource: 'inst-a', kind: 'AccessDenied' },
        { service: 's3', operation: 'GetBucketPolicy', resource: 'rec', kind: 'AccessDenied' },
        { service: 'kms', operation: 'DescribeKey', kind: 'AccessDenied' },
        { service: 'ds', operation: 'DescribeDirectories', kind: 'AccessDenied' },
        { service: 'sts', operation: 'GetCallerIdentity', kind: 'AccessDenied' },
        { service: 'organizations', operation: 'ListAccounts', kind: 'AccessDenied' },
        { service: 'connect', operation: 'ListInstances', kind: 'NotFound' },
        { service: 's3', operation: 'GetBucketEncryption', kind: 'NotFound' },
        { service: 'kms', operation: 'GetKeyPolicy', kind: 'NotFound' },
        { service: 'ds', operation: 'ListCertificates', kind: 'NotFound' },
        { service: 'connect', operation: 'ListApprovedOrigins', kind: 'InternalError' },
        { service: 's3', operation: 'GetBucketLocation', kind: 'InternalError' },
        { service: 'kms', operation: 'GetKeyRotationStatus', kind: 'InternalError' },
        { service: 'ds', operation: 'DescribeLDAPSSettings', kind: 'InternalError' },
      ],
    });
    const c = clients(emu);
    const expectations: Array<[() => Promise<unknown>, string, number]> = [
      [() => c.connect.send(new DescribeInstanceCommand({ InstanceId: 'inst-a' })), 'AccessDeniedException', 403],
      [() => c.s3.send(new GetBucketPolicyCommand({ Bucket: 'rec-bucket' })), 'AccessDenied', 403],
      [() => c.kms.send(new DescribeKeyCommand({ KeyId: KEY_ARN })), 'AccessDeniedException', 403],
      [() => c.ds.send(new DescribeDirectoriesCommand({})), 'AccessDeniedException', 403],
      [() => c.sts.send(new GetCallerIdentityCommand({})), 'AccessDenied', 403],
      [() => c.organizations.send(new ListAccountsCommand({})), 'AccessDeniedException', 403],
      [() => c.connect.send(new ListInstancesCommand({})), 'ResourceNotFoundException', 404],
      [() => c.s3.send(new GetBucketEncryptionCommand({ Bucket: 'rec-bucket' })), 'NoSuchBucket', 404],
      [() => c.kms.send(new GetKeyPolicyCommand({ KeyId: KEY_ARN })), 'NotFoundException', 400],
      [() => c.ds.send(new ListCertificatesCommand({ DirectoryId: 'd-1111111111' })), 'EntityDoesNotExistException', 400],
      [() => c.connect.send(new ListApprovedOriginsCommand({ InstanceId: 'inst-a' })), 'InternalServiceException', 500],
      [() => c.s3.send(new GetBucketLocationCommand({ Bucket: 'rec-bucket' })), 'InternalError', 500],
      [() => c.kms.send(new GetKeyRotationStatusCommand({ KeyId: KEY_ARN })), 'KMSInternalException', 500],
      [() => c.ds.send(new DescribeLDAPSSettingsCommand({ DirectoryId: 'd-1111111111' })), 'ServiceException', 500],
    ];
    for (const [call, name, status] of expectations) {
      const error = await failure(call());
      expect([error.name, error.$metadata?.httpStatusCode]).toEqual([name, status]);
      if (status >= 500) expect(error.$fault).toBe('server');
    }
    // The resource filter: another instance / bucket is answered normally.
    expect((await c.connect.send(new DescribeInstanceCommand({ InstanceId: 'inst-b' }))).Instance?.Id).toBe('inst-b');
    expect((await failure(c.s3.send(new GetBucketPolicyCommand({ Bucket: 'bare-bucket' })))).name).toBe('NoSuchBucketPolicy');
  });

  it('answers Malformed with a 200 body the SDK cannot parse', async () => {
    const emu = await start({
      faults: (['connect', 's3', 'kms', 'ds', 'sts', 'organizations'] as const).map((service) => ({ service, operation: '*', kind: 'Malformed' as const })),
    });
    const c = clients(emu);
    const calls: Array<() => Promise<unknown>> = [
      () => c.connect.send(new DescribeInstanceCommand({ InstanceId: 'inst-a' })),
      () => c.s3.send(new GetBucketLocationCommand({ Bucket: 'rec-bucket' })),
      () => c.kms.send(new DescribeKeyCommand({ KeyId: KEY_ARN })),
      () => c.ds.send(new DescribeDirectoriesCommand({})),
      () => c.sts.send(new GetCallerIdentityCommand({})),
      () => c.organizations.send(new ListAccountsCommand({})),
    ];
    for (const call of calls) await failure(call());
    expect(emu.requests.every((r) => r.status === 200)).toBe(true);
    // GetBucketPolicy's body is the raw policy: it arrives, but is not JSON.
    const policy = await c.s3.send(new GetBucketPolicyCommand({ Bucket: 'rec-bucket' }));
    expect(() => JSON.parse(policy.Policy ?? '')).toThrow();
  });

  it('delays Slow answers, and applies faults only `times` times', async () => {
    const emu = await start({
      faults: [
        { service: 'kms', operation: 'DescribeKey', kind: 'Slow', delayMs: 600, times: 1 },
        { service: 'connect', operation: 'DescribeInstance', kind: 'AccessDenied', times: 2 },
      ],
    });
    const c = clients(emu);
    let t0 = Date.now();
    await c.kms.send(new DescribeKeyCommand({ KeyId: KEY_ARN }));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(590);
    t0 = Date.now();
    await c.kms.send(new DescribeKeyCommand({ KeyId: KEY_ARN }));
    expect(Date.now() - t0).toBeLessThan(450);
    const describe = () => c.connect.send(new DescribeInstanceCommand({ InstanceId: 'inst-a' }));
    expect((await failure(describe())).name).toBe('AccessDeniedException');
    expect((await failure(describe())).name).toBe('AccessDeniedException');
    expect((await describe()).Instance?.Id).toBe('inst-a');
  });

  it('answers Throttle faults with each service’s throttling error and logs them as throttled', async () => {
    const emu = await start({
      faults: (['connect', 's3', 'kms', 'ds', 'sts', 'organizations'] as const).map((service) => ({ service, operation: '*', kind: 'Throttle' as const })),
    });
    const c = clients(emu);
    const expectations: Array<[() => Promise<unknown>, string, number]> = [
      [() => c.connect.send(new DescribeInstanceCommand({ InstanceId: 'inst-a' })), 'ThrottlingException', 429],
      [() => c.s3.send(new GetBucketLocationCommand({ Bucket: 'rec-bucket' })), 'SlowDown', 503],
      [() => c.kms.send(new DescribeKeyCommand({ KeyId: KEY_ARN })), 'ThrottlingException', 400],
      [() => c.ds.send(new DescribeDirectoriesCommand({})), 'ClientException', 400],
      [() => c.sts.send(new GetCallerIdentityCommand({})), 'Throttling', 400],
      [() => c.organizations.send(new ListAccountsCommand({})), 'TooManyRequestsException', 400],
    ];
    for (const [call, name, status] of expectations) {
      const error = await failure(call());
      expect([error.name, error.$metadata?.httpStatusCode]).toEqual([name, status]);
    }
    expect(emu.requests.map((r) => r.throttled)).toEqual([true, true, true, true, true, true]);
  });
});

describe('random throttling and latency', () => {
  async function throttledPattern(seed: number): Promise<boolean[]> {
    const emu = await start({ throttle: { fraction: 0.4, seed } });
    const kms = clients(emu).kms;
    for (let i = 0; i < 30; i++) await kms.send(new DescribeKeyCommand({ KeyId: KEY_ARN })).catch(() => undefined);
    return emu.requests.map((r) => r.throttled);
  }

  it('throttles about the given fraction, deterministically per seed', async () => {
    const first = await throttledPattern(7);
    const again = await throttledPattern(7);
    const other = await throttledPattern(8);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    const count = first.filter(Boolean).length;
    expect(count).toBeGreaterThan(3);
    expect(count).toBeLessThan(21);
  });

  it('adds latencyMs to every answer', async () => {
    const emu = await start({ latencyMs: 150 });
    const t0 = Date.now();
    await clients(emu).connect.send(new ListInstancesCommand({}));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });
});

describe('lifecycle', () => {
  it('close() ends in-flight requests at once', async () => {
    const emu = await startEmulator({ state: testState(), faults: [{ service: 'kms', operation: 'DescribeKey', kind: 'Slow', delayMs: 30_000 }] });
    const pending = clients(emu).kms.send(new DescribeKeyCommand({ KeyId: KEY_ARN }));
    while (emu.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const t0 = Date.now();
    await emu.close();
    await failure(pending);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe('every recorded call is served as recorded', () => {
  it('for the test fixture', async () => {
    const state = testState();
    const emu = await start({ state });
    expect(await expectServedAsRecorded(emu, state)).toBeGreaterThan(40);
  });

  const demo = fileURLToPath(new URL('../../fixtures/demo-evidence.json', import.meta.url));
  it.skipIf(!existsSync(demo))('for fixtures/demo-evidence.json', async () => {
    const state = evidenceDocument.parse(JSON.parse(readFileSync(demo, 'utf8')));
    const emu = await start({ state });
    expect(await expectServedAsRecorded(emu, state)).toBeGreaterThan(0);
  });
});
