/**
 * The live collector against the local AWS emulator: the real SDK clients, real HTTP, real paging.
 * The emulator answers from an evidence document; collecting it back must give the same records.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { collectEvidence, type CollectOptions } from '../../../src/evidence/collect/index.js';
import {
  evidenceDocument,
  keyLookupId,
  type AccountEvidence,
  type EvidenceDocument,
  type KeyEvidence,
  type RegionEvidence,
} from '../../../src/evidence/model.js';
import { OPERATIONS, type OperationKey } from '../../../src/evidence/operations.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/index.js';

const ACCOUNT = '111111111111';
const CREATED = '2024-03-01T12:00:00.000Z';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`;
const EU_KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/eu-key-0001`;
const DELETED_KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/deleted-0001`;
const RESOURCE_TYPES = ['CALL_RECORDINGS', 'CHAT_TRANSCRIPTS', 'MEDIA_STREAMS', 'CONTACT_TRACE_RECORDS'] as const;

const denied = (code: string, message = `${code}: not authorized`) => ({ status: 'error' as const, error: { code, message, httpStatus: 403 } });
const s3Denied = denied('AccessDenied', 'Access Denied');
/** HeadBucket refused: S3 sends a bare 403, which the SDK names `Unknown` (API_HeadBucket: "A message body isn't included"). */
const headForbidden = { status: 'error' as const, error: { code: 'Unknown', message: 'UnknownError', httpStatus: 403 } };
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
/** A bucket this identity may read nothing of, with this account as the expected owner. */
const refusedEverything = {
  expectedBucketOwner: ACCOUNT,
  location: s3Denied,
  ownerProbe: s3Denied,
  encryption: s3Denied,
  policy: s3Denied,
  policyStatus: s3Denied,
  publicAccessBlock: s3Denied,
  ownershipControls: s3Denied,
  acl: s3Denied,
  headBucket: headForbidden,
};
const OWNER_ID = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';
/** A bucket ACL: the owner's full control, plus `extra` grants. */
const aclOf = (...extra: Array<{ Grantee: { Type: string; URI?: string; ID?: string }; Permission: string }>) => ({
  status: 'ok' as const,
  response: { Owner: { ID: OWNER_ID }, Grants: [{ Grantee: { Type: 'CanonicalUser', ID: OWNER_ID }, Permission: 'FULL_CONTROL' }, ...extra] },
});
const rotation = (n: number, date: string, state: string) => ({
  KeyId: 'eu-key-0001',
  KeyMaterialId: `${n}`.repeat(64),
  ImportState: 'IMPORTED',
  KeyMaterialState: state,
  ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
  RotationDate: date,
  RotationType: 'ON_DEMAND',
});
const trust = (id: string, domain: string, type: string, direction: string, state: string) => ({
  DirectoryId: 'd-3333333333',
  TrustId: id,
  RemoteDomainName: domain,
  TrustType: type,
  TrustDirection: direction,
  TrustState: state,
  CreatedDateTime: CREATED,
  LastUpdatedDateTime: CREATED,
  StateLastUpdatedDateTime: CREATED,
  SelectiveAuth: 'Disabled',
});

function instance(id: string, region: string, identity: string) {
  return {
    Id: id,
    Arn: `arn:aws:connect:${region}:${ACCOUNT}:instance/${id}`,
    IdentityManagementType: identity,
    InstanceAlias: `alias-${id}`,
    CreatedTime: CREATED,
    ServiceRole: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect`,
    InstanceStatus: 'ACTIVE',
    InboundCallsEnabled: true,
    OutboundCallsEnabled: false,
    InstanceAccessUrl: `https://alias-${id}.my.connect.aws`,
    Tags: { team: 'contact-centre' },
  };
}

const s3Config = (association: string, bucket: string, keyId?: string) => ({
  AssociationId: association,
  StorageType: 'S3',
  S3Config: {
    BucketName: bucket,
    BucketPrefix: `connect/${association}`,
    ...(keyId ? { EncryptionConfig: { EncryptionType: 'KMS', KeyId: keyId } } : {}),
  },
});

const tlsOnlyPolicy = (bucket: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });

const KEY_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
});

const customerKey = {
  AWSAccountId: ACCOUNT,
  KeyId: KEY_ID,
  Arn: KEY_ARN,
  CreationDate: CREATED,
  Enabled: true,
  KeyUsage: 'ENCRYPT_DECRYPT',
  KeyState: 'Enabled',
  Origin: 'AWS_KMS',
  KeyManager: 'CUSTOMER',
  KeySpec: 'SYMMETRIC_DEFAULT',
  MultiRegion: false,
};

/** The customer key, under whichever reference named it: each record carries the same details. */
function customerKeyRecord(reference: string): KeyEvidence {
  return {
    reference,
    region: 'us-east-1',
    describeKey: { status: 'ok', response: { KeyMetadata: customerKey } },
    rotation: { status: 'ok', response: { KeyId: KEY_ARN, KeyRotationEnabled: true, RotationPeriodInDays: 365, NextRotationDate: '2025-03-01T12:00:00.000Z' } },
    keyPolicy: { status: 'ok', response: { Policy: KEY_POLICY, PolicyName: 'default' } },
    aliases: {
      status: 'ok',
      response: ['alias/connect', 'alias/recordings', 'alias/transcripts'].map((name) => ({
        AliasName: name,
        AliasArn: `arn:aws:kms:us-east-1:${ACCOUNT}:${name}`,
        TargetKeyId: KEY_ID,
        CreationDate: CREATED,
        LastUpdatedDate: CREATED,
      })),
    },
    // Connect's grant to the instance's service role, and one of another service (two pages at page size 2 with a third).
    grants: {
      status: 'ok',
      response: ['connect-1', 'connect-2', 'other'].map((name, n) => ({
        KeyId: KEY_ARN,
        GrantId: `grant-${n}`,
        Name: '',
        CreationDate: CREATED,
        GranteePrincipal: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_${name}`,
        IssuingAccount: `arn:aws:iam::${ACCOUNT}:root`,
        Operations: ['Encrypt', 'Decrypt', 'GenerateDataKey'],
      })),
    },
  };
}

const keyEntry = (record: KeyEvidence): [string, KeyEvidence] => [keyLookupId(record.region, record.reference), record];

function state(): EvidenceDocument {
  return evidenceDocument.parse({
    schemaVersion: '1.0',
    kind: 'connect-netpath-audit/evidence',
    collectedAt: '2025-01-15T10:00:00.000Z',
    accounts: [
      {
        accountId: ACCOUNT,
        regions: [
          {
            region: 'us-east-1',
            instances: {
              'inst-1': {
                describeInstance: { status: 'ok', response: { Instance: instance('inst-1', 'us-east-1', 'EXISTING_DIRECTORY') } },
                storageConfigs: {
                  CALL_RECORDINGS: {
                    status: 'ok',
                    response: [s3Config('a-1', 'rec-east', KEY_ARN), s3Config('a-2', 'shared-bucket'), s3Config('a-3', 'locked-bucket')],
                  },
                  CHAT_TRANSCRIPTS: { status: 'ok', response: [s3Config('a-4', 'shared-bucket', 'alias/transcripts')] },
                  MEDIA_STREAMS: {
                    status: 'ok',
                    response: [
                      {
                        AssociationId: 'a-5',
                        StorageType: 'KINESIS_VIDEO_STREAM',
                        KinesisVideoStreamConfig: { Prefix: 'media', RetentionPeriodHours: 24, EncryptionConfig: { EncryptionType: 'KMS', KeyId: DELETED_KEY_ARN } },
                      },
                    ],
                  },
                  CONTACT_TRACE_RECORDS: {
                    status: 'ok',
                    response: [{ AssociationId: 'a-6', StorageType: 'KINESIS_STREAM', KinesisStreamConfig: { StreamArn: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/ctr` } }],
                  },
                },
                approvedOrigins: { status: 'ok', response: ['https://a.example.com', 'https://b.example.com', 'http://c.example.com'] },
                // ListStreams with the config's prefix, first page (both streams at page size 2).
                videoStreams: {
                  media: {
                    status: 'ok',
                    response: {
                      StreamInfoList: [1, 2].map((n) => ({
                        DeviceName: 'Amazon Connect',
                        StreamName: `media-contact-${n}`,
                        StreamARN: `arn:aws:kinesisvideo:us-east-1:${ACCOUNT}:stream/media-contact-${n}/170000000000${n}`,
                        MediaType: 'audio/aac',
                        KmsKeyId: n === 1 ? DELETED_KEY_ARN : KEY_ARN,
                        Version: `v${n}`,
                        Status: 'ACTIVE',
                        CreationTime: CREATED,
                        DataRetentionInHours: 24,
                      })),
                    },
                  },
                },
                attributes: {
                  status: 'ok',
                  response: [
                    { AttributeType: 'INBOUND_CALLS', Value: 'true' },
                    { AttributeType: 'OUTBOUND_CALLS', Value: 'false' },
                    { AttributeType: 'CONTACTFLOW_LOGS', Value: 'true' },
                  ],
                },
              },
              'inst-2': {
                describeInstance: { status: 'ok', response: { Instance: instance('inst-2', 'us-east-1', 'SAML') } },
                storageConfigs: {
                  CALL_RECORDINGS: { status: 'ok', response: [s3Config('b-1', 'shared-bucket')] },
                  CHAT_TRANSCRIPTS: { status: 'ok', response: [s3Config('b-2', 'rec-east', 'alias/aws/connect')] },
                  MEDIA_STREAMS: denied('AccessDeniedException', 'You do not have sufficient access to perform this action.'),
                  CONTACT_TRACE_RECORDS: { status: 'ok', response: [] },
                },
                approvedOrigins: { status: 'ok', response: [] },
                attributes: denied('AccessDeniedException', 'You do not have sufficient access to perform this action.'),
              },
            },
            describeDirectories: {
              status: 'ok',
              response: [
                { DirectoryId: 'd-1111111111', Name: 'corp.example.com', Type: 'ADConnector', Stage: 'Active', LaunchTime: CREATED },
                { DirectoryId: 'd-2222222222', Name: 'simple.example.com', Type: 'SimpleAD', Stage: 'Active', LaunchTime: CREATED },
                { DirectoryId: 'd-3333333333', Name: 'managed.example.com', Type: 'MicrosoftAD', Stage: 'Active', LaunchTime: CREATED },
              ],
            },
            directories: {
              'd-1111111111': {
                ldapsSettings: { status: 'ok', response: [{ LDAPSStatus: 'Enabled', LastUpdatedDateTime: CREATED }] },
                certificates: {
                  status: 'ok',
                  response: [1, 2, 3].map((n) => ({
                    CertificateId: `c-${n}`,
                    CommonName: `dc${n}.corp.example.com`,
                    State: 'Registered',
                    ExpiryDateTime: '2030-01-01T00:00:00.000Z',
                    Type: 'ClientLDAPS',
                  })),
                },
                settings: { status: 'absent', code: 'UnsupportedOperationException' },
              },
              // d-2222222222 (Simple AD, pinned to inst-1) has no record: it is judged from DescribeDirectories alone.
              'd-3333333333': {
                ldapsSettings: { status: 'ok', response: [{ LDAPSStatus: 'Disabled', LastUpdatedDateTime: CREATED }] },
                certificates: { status: 'error', error: { code: 'AccessDeniedException', message: 'User is not authorized.', httpStatus: 403 } },
                settings: {
                  status: 'ok',
                  response: [
                    { Type: 'Protocol', Name: 'TLS_1_0', AppliedValue: 'Enable', RequestStatus: 'Default' },
                    { Type: 'Protocol', Name: 'TLS_1_1', AppliedValue: 'Disable', RequestStatus: 'Updated' },
                    { Type: 'Cipher', Name: 'RC4_128/128', AppliedValue: 'Disable', RequestStatus: 'Updated' },
                  ],
                },
                trusts: {
                  status: 'ok',
                  response: [
                    trust('t-1a2b3c4d5e', 'corp.example.com', 'Forest', 'Two-Way', 'Verified'),
                    trust('t-2b3c4d5e6f', 'legacy.example.com', 'External', 'One-Way: Outgoing', 'Verified'),
                    trust('t-3c4d5e6f70', 'partner.example.net', 'Forest', 'One-Way: Incoming', 'Created'),
                  ],
                },
              },
            },
          },
          {
            region: 'eu-west-1',
            instances: {
              'inst-3': {
                describeInstance: { status: 'ok', response: { Instance: instance('inst-3', 'eu-west-1', 'CONNECT_MANAGED') } },
                storageConfigs: {
                  CALL_RECORDINGS: { status: 'ok', response: [s3Config('c-1', 'rec-eu', EU_KEY_ARN)] },
                  CHAT_TRANSCRIPTS: { status: 'ok', response: [s3Config('c-2', 'gone-bucket')] },
                  MEDIA_STREAMS: { status: 'ok', response: [] },
                  CONTACT_TRACE_RECORDS: { status: 'ok', response: [s3Config('c-3', 'foreign-bucket'), s3Config('c-4', 'elsewhere-bucket')] },
                },
                approvedOrigins: { status: 'ok', response: ['https://eu.example.com'] },
                attributes: { status: 'ok', response: [] },
              },
            },
            directories: {},
          },
        ],
        buckets: {
          'rec-east': {
            expectedBucketOwner: ACCOUNT,
            location: { status: 'ok', response: {} },
            encryption: {
              status: 'ok',
              response: {
                ServerSideEncryptionConfiguration: {
                  Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/recordings' }, BucketKeyEnabled: true }],
                },
              },
            },
            policy: { status: 'ok', response: { Policy: tlsOnlyPolicy('rec-east') } },
            policyStatus: { status: 'ok', response: { PolicyStatus: { IsPublic: false } } },
            publicAccessBlock: {
              status: 'ok',
              response: {
                PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
              },
            },
            ownershipControls: { status: 'ok', response: { OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } } },
            acl: aclOf(),
          },
          'shared-bucket': {
            expectedBucketOwner: ACCOUNT,
            location: { status: 'ok', response: { LocationConstraint: 'us-west-2' } },
            encryption: {
              status: 'ok',
              response: { ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] } },
            },
            policy: { status: 'absent', code: 'NoSuchBucketPolicy', message: 'The bucket policy does not exist' },
            policyStatus: { status: 'absent', code: 'NoSuchBucketPolicy', message: 'The bucket policy does not exist' },
            publicAccessBlock: { status: 'absent', code: 'NoSuchPublicAccessBlockConfiguration', message: 'The public access block configuration was not found' },
            ownershipControls: { status: 'absent', code: 'OwnershipControlsNotFoundError', message: 'The bucket ownership controls were not found' },
            // ACLs on (no ownership controls), and a public-read grant.
            acl: aclOf({ Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' }),
          },
          'rec-eu': {
            expectedBucketOwner: ACCOUNT,
            location: { status: 'ok', response: { LocationConstraint: 'EU' } },
            encryption: {
              status: 'ok',
              response: {
                ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: EU_KEY_ARN } }] },
              },
            },
            policy: { status: 'ok', response: { Policy: tlsOnlyPolicy('rec-eu') } },
            policyStatus: { status: 'ok', response: { PolicyStatus: { IsPublic: false } } },
            publicAccessBlock: {
              status: 'ok',
              response: {
                PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
              },
            },
            ownershipControls: { status: 'ok', response: { OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] } } },
            acl: aclOf({ Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/s3/LogDelivery' }, Permission: 'WRITE' }),
          },
          'gone-bucket': { expectedBucketOwner: ACCOUNT, location: { status: 'absent', code: 'NoSuchBucket', message: 'The specified bucket does not exist' } },
          'foreign-bucket': {
            expectedBucketOwner: ACCOUNT,
            location: s3Denied,
            ownerProbe: { status: 'ok', response: { LocationConstraint: 'us-west-2' } },
          },
          // Refused both ways: the configuration is still asked for (in the instance's region); HeadBucket
          // shows it exists and ListBuckets that it is ours.
          'locked-bucket': refusedEverything,
          // Refused both ways too, exists (HeadBucket 403, not 404), and is not in our ListBuckets: another account's.
          'elsewhere-bucket': refusedEverything,
        },
        publicAccessBlock: {
          status: 'ok',
          response: {
            PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: false },
          },
        },
        listBuckets: {
          status: 'ok',
          response: [
            { Name: 'locked-bucket', CreationDate: '2022-08-30T16:00:00.000Z', BucketRegion: 'us-east-1' },
            { Name: 'rec-east', CreationDate: '2023-01-05T09:00:00.000Z', BucketRegion: 'us-east-1' },
            { Name: 'rec-eu', CreationDate: '2023-01-05T09:05:00.000Z', BucketRegion: 'eu-west-1' },
            { Name: 'shared-bucket', CreationDate: '2020-11-20T14:00:00.000Z', BucketRegion: 'us-west-2' },
          ],
        },
        keys: Object.fromEntries([
          keyEntry(customerKeyRecord(KEY_ARN)),
          keyEntry(customerKeyRecord('alias/transcripts')),
          keyEntry(customerKeyRecord('alias/recordings')),
          keyEntry({
            reference: 'alias/aws/connect',
            region: 'us-east-1',
            describeKey: {
              status: 'ok',
              response: { KeyMetadata: { KeyId: 'aws-connect-key', Arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/aws-connect-key`, KeyManager: 'AWS', KeyState: 'Enabled' } },
            },
          }),
          keyEntry({
            reference: DELETED_KEY_ARN,
            region: 'us-east-1',
            describeKey: { status: 'error', error: { code: 'NotFoundException', message: `Key '${DELETED_KEY_ARN}' does not exist`, httpStatus: 400 } },
          }),
          keyEntry({
            reference: EU_KEY_ARN,
            region: 'eu-west-1',
            describeKey: {
              status: 'ok',
              response: {
                KeyMetadata: { ...customerKey, KeyId: 'eu-key-0001', Arn: EU_KEY_ARN, Origin: 'EXTERNAL' },
              },
            },
            rotation: { status: 'absent', code: 'UnsupportedOperationException', message: 'Keys with imported key material cannot rotate automatically.' },
            keyPolicy: { status: 'ok', response: { Policy: KEY_POLICY, PolicyName: 'default' } },
            aliases: { status: 'ok', response: [] },
            grants: { status: 'ok', response: [] },
            rotations: {
              status: 'ok',
              response: [
                rotation(1, '2024-02-01T10:00:00.000Z', 'NON_CURRENT'),
                rotation(2, '2024-11-01T10:00:00.000Z', 'NON_CURRENT'),
                rotation(3, '2025-08-01T10:00:00.000Z', 'CURRENT'),
              ],
            },
          }),
        ]),
      },
    ],
  });
}

let emulator: Emulator | undefined;

async function start(options: Omit<EmulatorOptions, 'state'> = {}): Promise<Emulator> {
  emulator = await startEmulator({ state: state(), ...options });
  return emulator;
}

function options(url: string, overrides: Partial<CollectOptions> = {}): CollectOptions {
  return {
    regions: ['us-east-1', 'eu-west-1'],
    resourceTypes: RESOURCE_TYPES,
    directoryPins: { 'inst-1': 'd-2222222222' },
    endpointUrl: url,
    concurrency: 8,
    maxAttempts: 8,
    requestTimeoutMs: 10_000,
    connectRate: { ratePerSecond: 1.8, burst: 5 },
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** Directory settings are not requested for types other than Managed Microsoft AD: compare the code only. */
function comparableDirectories(region: RegionEvidence | undefined) {
  const out: Record<string, unknown> = {};
  for (const [id, directory] of Object.entries(region?.directories ?? {})) {
    out[id] = {
      ...directory,
      settings: directory.settings.status === 'absent' ? { status: 'absent', code: directory.settings.code } : directory.settings,
    };
  }
  return out;
}

/** The collector never reads a key named by a predefined AWS alias (alias/aws/...). */
function withoutAwsManagedAliases<T extends { reference: string }>(keys: Record<string, T> | undefined): Record<string, T> {
  return Object.fromEntries(Object.entries(keys ?? {}).filter(([, key]) => !/(^|:)alias\/aws\//.test(key.reference)));
}

function count(requests: Emulator['requests'], operation: string, resource?: string): number {
  return requests.filter((r) => r.operation === operation && (resource === undefined || r.resource === resource)).length;
}

beforeAll(() => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', `AKID${ACCOUNT}`);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'emulator-secret');
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
  vi.stubEnv('AWS_ENDPOINT_URL', undefined);
});

afterAll(() => {
  vi.unstubAllEnvs();
});

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('collectEvidence against the emulator', () => {
  let logLines: string[] = [];
  beforeEach(() => {
    logLines = [];
  });

  it('collects back exactly the state: instances, buckets, keys, directories', async () => {
    const emu = await start();
    const doc = await collectEvidence(options(emu.url, { log: (line) => logLines.push(line), tool: { name: 'connect-netpath-audit', version: '0.0.0-test' } }));
    expect(evidenceDocument.safeParse(doc).success).toBe(true);
    const expected = state();
    const [account] = doc.accounts;
    const [expectedAccount] = expected.accounts;
    expect(doc.accounts).toHaveLength(1);
    expect(account?.accountId).toBe(ACCOUNT);
    expect(account?.error).toBeUndefined();
    expect(doc.collectedBy).toEqual({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/emulator`, UserId: `AIDAEMULATOR${ACCOUNT}` });
    expect(doc.directoryPins).toEqual({ 'inst-1': 'd-2222222222' });
    expect(doc.tool).toEqual({ name: 'connect-netpath-audit', version: '0.0.0-test' });

    expect(account?.regions.map((r) => r.region)).toEqual(['us-east-1', 'eu-west-1']);
    for (const expectedRegion of expectedAccount?.regions ?? []) {
      const region = account?.regions.find((r) => r.region === expectedRegion.region);
      expect(region?.instances, expectedRegion.region).toEqual(expectedRegion.instances);
      expect(comparableDirectories(region), expectedRegion.region).toEqual(comparableDirectories(expectedRegion));
      expect(region?.describeDirectories).toEqual(expectedRegion.describeDirectories);
      expect(region?.listInstances?.status).toBe('ok');
    }
    expect(account?.buckets).toEqual(expectedAccount?.buckets);
    expect(account?.keys).toEqual(withoutAwsManagedAliases(expectedAccount?.keys));
    expect(account?.publicAccessBlock).toEqual(expectedAccount?.publicAccessBlock);
    expect(account?.listBuckets).toEqual(expectedAccount?.listBuckets);

    const requests = emu.requests;
    // No throttling with the default pacing, and nothing the emulator could not answer.
    expect(requests.filter((r) => r.throttled)).toEqual([]);
    expect(requests.filter((r) => r.operation === 'Unknown')).toEqual([]);

    // Each bucket read once (the location twice where the owner had to be probed).
    for (const bucket of ['rec-east', 'shared-bucket', 'rec-eu', 'locked-bucket', 'elsewhere-bucket']) {
      for (const operation of ['GetBucketEncryption', 'GetBucketPolicy', 'GetBucketPolicyStatus', 'GetPublicAccessBlock', 'GetBucketOwnershipControls', 'GetBucketAcl']) {
        expect(requests.filter((r) => r.service === 's3' && r.operation === operation && r.resource === bucket), `${operation} ${bucket}`).toHaveLength(1);
      }
    }
    // HeadBucket only where the location was refused with and without the expected owner.
    expect(requests.filter((r) => r.operation === 'HeadBucket').map((r) => r.resource).sort()).toEqual(['elsewhere-bucket', 'locked-bucket']);
    // Account level, once: S3 Control for this account, ListBuckets (four buckets, two pages).
    expect(requests.filter((r) => r.service === 's3control').map((r) => [r.operation, r.resource])).toEqual([['GetPublicAccessBlock', ACCOUNT]]);
    expect(count(requests, 'ListBuckets')).toBe(2);
    expect(count(requests, 'GetBucketLocation', 'rec-east')).toBe(1);
    expect(count(requests, 'GetBucketLocation', 'shared-bucket')).toBe(1);
    expect(count(requests, 'GetBucketLocation', 'gone-bucket')).toBe(1);
    expect(count(requests, 'GetBucketLocation', 'foreign-bucket')).toBe(2);
    expect(count(requests, 'GetBucketLocation', 'locked-bucket')).toBe(2);
    expect(count(requests, 'GetBucketLocation', 'elsewhere-bucket')).toBe(2);
    expect(requests.filter((r) => r.service === 's3' && ['gone-bucket', 'foreign-bucket'].includes(r.resource ?? '') && r.operation !== 'GetBucketLocation')).toEqual([]);
    // The bucket's own region: rec-eu is read through eu-west-1 (location `EU`), shared-bucket through us-west-2.
    expect(new Set(requests.filter((r) => r.resource === 'rec-eu' && r.operation !== 'GetBucketLocation').map((r) => r.region))).toEqual(new Set(['eu-west-1']));
    expect(new Set(requests.filter((r) => r.resource === 'shared-bucket' && r.operation !== 'GetBucketLocation').map((r) => r.region))).toEqual(new Set(['us-west-2']));
    expect(new Set(requests.filter((r) => r.resource === 'rec-east' && r.operation !== 'GetBucketLocation').map((r) => r.region))).toEqual(new Set(['us-east-1']));

    // Each key reference described once; each resolved key's details read once.
    for (const reference of [KEY_ARN, 'alias/transcripts', 'alias/recordings', DELETED_KEY_ARN, EU_KEY_ARN]) {
      expect(count(requests, 'DescribeKey', reference), reference).toBe(1);
    }
    // DescribeKey on a predefined AWS alias can create the AWS managed key: never sent.
    expect(count(requests, 'DescribeKey', 'alias/aws/connect')).toBe(0);
    expect(count(requests, 'DescribeKey')).toBe(5);
    expect(count(requests, 'GetKeyRotationStatus')).toBe(2);
    expect(count(requests, 'GetKeyPolicy')).toBe(2);
    expect(count(requests, 'ListAliases', KEY_ARN)).toBe(2); // three aliases at page size 2
    expect(count(requests, 'ListAliases', EU_KEY_ARN)).toBe(1);
    expect(count(requests, 'ListGrants', KEY_ARN)).toBe(2); // three grants at page size 2
    expect(count(requests, 'ListGrants', EU_KEY_ARN)).toBe(1);
    // One ListStreams for the one MEDIA_STREAMS prefix (inst-2's configs were refused); its streams'
    // keys are among the references above. No flow logs in a run narrowed to four resource types.
    expect(requests.filter((r) => r.operation === 'ListStreams').map((r) => [r.resource, r.region])).toEqual([['media', 'us-east-1']]);
    expect(count(requests, 'DescribeLogGroups')).toBe(0);
    // Rotations are listed for imported key material only (three rotations, two pages).
    expect(requests.filter((r) => r.operation === 'ListKeyRotations').map((r) => [r.resource, r.region])).toEqual([
      [EU_KEY_ARN, 'eu-west-1'],
      [EU_KEY_ARN, 'eu-west-1'],
    ]);
    expect(requests.filter((r) => r.operation === 'DescribeKey' && r.resource === EU_KEY_ARN).map((r) => r.region)).toEqual(['eu-west-1']);

    // Connect: one DescribeInstance per instance; DS only where a directory instance lives.
    expect(count(requests, 'DescribeInstance')).toBe(3);
    expect(count(requests, 'GetCallerIdentity')).toBe(1);
    expect(requests.filter((r) => r.service === 'ds' && r.region === 'eu-west-1')).toEqual([]);
    expect(count(requests, 'DescribeDirectories')).toBe(2);
    expect(count(requests, 'DescribeSettings', 'd-1111111111')).toBe(0);
    expect(count(requests, 'DescribeSettings', 'd-2222222222')).toBe(0);
    expect(count(requests, 'DescribeSettings', 'd-3333333333')).toBe(2);
    for (const directory of ['d-1111111111', 'd-3333333333']) {
      expect(count(requests, 'DescribeLDAPSSettings', directory)).toBe(1);
    }
    // Trusts of Managed Microsoft AD (three, two pages); Simple AD, although pinned, gets no call of its own.
    expect(requests.filter((r) => r.operation === 'DescribeTrusts').map((r) => r.resource)).toEqual(['d-3333333333', 'd-3333333333']);
    expect(requests.filter((r) => r.service === 'ds' && r.resource === 'd-2222222222')).toEqual([]);
    expect(Object.keys(account?.regions[0]?.directories ?? {}).sort()).toEqual(['d-1111111111', 'd-3333333333']);

    // The verbose log names calls but never the credentials.
    expect(logLines.some((l) => l.includes('connect:DescribeInstance us-east-1 inst-1'))).toBe(true);
    expect(logLines.join('\n')).not.toContain('emulator-secret');
    expect(logLines.join('\n')).not.toContain(`AKID${ACCOUNT}`);
  });

  it('with pinned instance ids: no ListInstances, ARNs in their region, bare ids where they exist', async () => {
    const emu = await start();
    const doc = await collectEvidence(
      options(emu.url, {
        regions: ['us-east-1', 'eu-west-1'],
        instanceIds: [
          'inst-1',
          `arn:aws:connect:us-east-1:${ACCOUNT}:instance/inst-1`,
          `arn:aws:connect:eu-west-1:${ACCOUNT}:instance/inst-3`,
          `arn:aws:connect:us-east-1:999999999999:instance/other`,
        ],
        accountId: ACCOUNT,
      }),
    );
    const expected = state().accounts[0];
    const [account] = doc.accounts;
    expect(count(emu.requests, 'ListInstances')).toBe(0);
    expect(count(emu.requests, 'GetCallerIdentity')).toBe(0);
    expect(doc.collectedBy).toBeUndefined();
    const east = account?.regions.find((r) => r.region === 'us-east-1');
    const eu = account?.regions.find((r) => r.region === 'eu-west-1');
    expect(east?.listInstances).toBeUndefined();
    expect(Object.keys(east?.instances ?? {})).toEqual(['inst-1']);
    expect(east?.instances['inst-1']).toEqual(expected?.regions[0]?.instances['inst-1']);
    expect(Object.keys(eu?.instances ?? {})).toEqual(['inst-3']);
    expect(eu?.instances['inst-3']).toEqual(expected?.regions[1]?.instances['inst-3']);
    // inst-1 was looked for in eu-west-1 and not found there; nothing else was asked about it there.
    expect(emu.requests.filter((r) => r.region === 'eu-west-1' && r.resource === 'inst-1').map((r) => r.operation)).toEqual(['DescribeInstance']);
    expect(emu.requests.filter((r) => r.resource === 'other')).toEqual([]);
    // Named by id and by ARN, inst-1 is still read once: four resource types, one of them two pages.
    expect(emu.requests.filter((r) => r.region === 'us-east-1' && r.resource === 'inst-1').map((r) => r.operation).sort()).toEqual([
      'DescribeInstance',
      'ListApprovedOrigins',
      'ListApprovedOrigins',
      'ListInstanceAttributes',
      'ListInstanceAttributes',
      'ListInstanceStorageConfigs',
      'ListInstanceStorageConfigs',
      'ListInstanceStorageConfigs',
      'ListInstanceStorageConfigs',
      'ListInstanceStorageConfigs',
    ]);
    // rec-east is no longer named by inst-2, but still by inst-1.
    expect(Object.keys(account?.buckets ?? {}).sort()).toEqual([
      'elsewhere-bucket',
      'foreign-bucket',
      'gone-bucket',
      'locked-bucket',
      'rec-east',
      'rec-eu',
      'shared-bucket',
    ]);
  });

  it('gets through a third of all requests throttled without a single error record', async () => {
    const emu = await start({ throttle: { fraction: 1 / 3, seed: 7 } });
    const doc = await collectEvidence(options(emu.url));
    const expected = state().accounts[0];
    const [account] = doc.accounts;
    expect(emu.requests.filter((r) => r.throttled).length).toBeGreaterThan(10);
    for (const expectedRegion of expected?.regions ?? []) {
      const region = account?.regions.find((r) => r.region === expectedRegion.region);
      expect(region?.instances).toEqual(expectedRegion.instances);
      expect(comparableDirectories(region)).toEqual(comparableDirectories(expectedRegion));
    }
    expect(account?.buckets).toEqual(expected?.buckets);
    expect(account?.keys).toEqual(withoutAwsManagedAliases(expected?.keys));
    expect(account?.publicAccessBlock).toEqual(expected?.publicAccessBlock);
    expect(account?.listBuckets).toEqual(expected?.listBuckets);
  }, 120_000);

  it('records errors per call and goes on (faults, 5xx retried, malformed answers)', async () => {
    const emu = await start({
      faults: [
        { service: 'connect', operation: 'DescribeInstance', resource: 'inst-2', kind: 'AccessDenied' },
        { service: 's3', operation: 'GetBucketPolicy', resource: 'rec-east', kind: 'InternalError', times: 2 },
        { service: 'kms', operation: 'GetKeyPolicy', kind: 'Malformed' },
        { service: 'ds', operation: 'DescribeDirectories', kind: 'Throttle', times: 1 },
      ],
    });
    const doc = await collectEvidence(options(emu.url, { maxAttempts: 3 }));
    const expected = state().accounts[0];
    const [account] = doc.accounts;
    const east = account?.regions.find((r) => r.region === 'us-east-1');
    expect(east?.instances['inst-2']?.describeInstance).toEqual({
      status: 'error',
      error: { code: 'AccessDeniedException', message: 'You do not have sufficient access to perform this action.', httpStatus: 403 },
    });
    // The rest of inst-2 was still read.
    expect(east?.instances['inst-2']?.storageConfigs).toEqual(expected?.regions[0]?.instances['inst-2']?.storageConfigs);
    // Two 500s, then the answer.
    expect(account?.buckets['rec-east']?.policy).toEqual(expected?.buckets['rec-east']?.policy);
    expect(count(emu.requests, 'GetBucketPolicy', 'rec-east')).toBe(3);
    // DS "Rate exceeded" retried.
    expect(east?.describeDirectories).toEqual(expected?.regions[0]?.describeDirectories);
    // An unparseable answer is an error record, not a crash.
    const keyPolicy = account?.keys[keyLookupId('us-east-1', KEY_ARN)]?.keyPolicy;
    expect(keyPolicy?.status).toBe('error');
    expect(evidenceDocument.safeParse(doc).success).toBe(true);
  });

  it('aborts promptly with an AbortError', async () => {
    const emu = await start({ latencyMs: 5_000 });
    const controller = new AbortController();
    const started = Date.now();
    const run = collectEvidence(options(emu.url, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 100);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('records an account it cannot identify instead of throwing', async () => {
    const emu = await start({ faults: [{ service: 'sts', operation: 'GetCallerIdentity', kind: 'AccessDenied' }] });
    const doc = await collectEvidence(options(emu.url));
    expect(doc.accounts).toHaveLength(1);
    expect(doc.accounts[0]?.error).toMatchObject({ operation: 'sts:GetCallerIdentity', httpStatus: 403 });
    expect(doc.accounts[0]?.regions).toEqual([]);
    expect(evidenceDocument.safeParse(doc).success).toBe(true);
    // ListInstances goes out together with GetCallerIdentity; nothing else is asked.
    expect(emu.requests.filter((r) => r.service !== 'sts' && r.operation !== 'ListInstances')).toEqual([]);
  });
});

describe('the calls that tell public, foreign-owned, rotated and trusted apart', () => {
  let doc: EvidenceDocument;
  let requests: Emulator['requests'];
  // One collection of the standard state serves the read-side checks.
  beforeAll(async () => {
    const emu = await startEmulator({ state: state() });
    try {
      doc = await collectEvidence(options(emu.url));
      requests = [...emu.requests];
    } finally {
      await emu.close();
    }
  });
  const expected = () => state().accounts[0];
  const collected = () => doc.accounts[0];

  async function collectVariant(change: (account: AccountEvidence) => void, overrides: Partial<CollectOptions> = {}, emulatorOptions: Omit<EmulatorOptions, 'state'> = {}) {
    const variant = state();
    const account = variant.accounts[0];
    if (account) change(account);
    emulator = await startEmulator({ state: variant, ...emulatorOptions });
    return { doc: await collectEvidence(options(emulator.url, overrides)), requests: emulator.requests };
  }

  it('reads the account-level Block Public Access once, for the audited account', () => {
    expect(collected()?.publicAccessBlock).toEqual(expected()?.publicAccessBlock);
    expect(requests.filter((r) => r.service === 's3control').map((r) => [r.operation, r.resource, r.account])).toEqual([['GetPublicAccessBlock', ACCOUNT, ACCOUNT]]);
  });

  it('records an account without its own Block Public Access as absent, and asks nothing when no bucket is audited', async () => {
    const unset = await collectVariant((account) => delete account.publicAccessBlock);
    expect(unset.doc.accounts[0]?.publicAccessBlock).toEqual({
      status: 'absent',
      code: 'NoSuchPublicAccessBlockConfiguration',
      message: 'The public access block configuration was not found',
    });
    await emulator?.close();
    // Media streams name a key but no bucket.
    const noBuckets = await collectVariant(() => undefined, { resourceTypes: ['MEDIA_STREAMS'] });
    expect(noBuckets.doc.accounts[0]?.buckets).toEqual({});
    expect(noBuckets.doc.accounts[0]?.publicAccessBlock).toBeUndefined();
    expect(noBuckets.requests.filter((r) => r.service === 's3control' || r.service === 's3')).toEqual([]);
  });

  it('reads every readable bucket’s ACL with the expected owner: the AllUsers READ grant is there', () => {
    const acl = collected()?.buckets['shared-bucket']?.acl;
    expect(acl).toEqual(expected()?.buckets['shared-bucket']?.acl);
    expect(acl?.status === 'ok' ? acl.response.Grants : undefined).toContainEqual({ Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' });
    // Not for a missing bucket or one the owner probe showed to be another account's.
    for (const name of ['gone-bucket', 'foreign-bucket']) expect(collected()?.buckets[name]?.acl, name).toBeUndefined();
  });

  it('tells another account’s bucket (HeadBucket 403, not in ListBuckets) from an own one it may not read', () => {
    const account = collected();
    expect(account?.buckets['elsewhere-bucket']?.headBucket).toEqual(headForbidden);
    expect(account?.buckets['locked-bucket']?.headBucket).toEqual(headForbidden);
    const listed = account?.listBuckets?.status === 'ok' ? account.listBuckets.response.map((b) => b.Name) : [];
    expect(listed).toContain('locked-bucket');
    expect(listed).not.toContain('elsewhere-bucket');
    // Once per account, although two buckets needed it (four buckets: two pages).
    expect(requests.filter((r) => r.operation === 'ListBuckets')).toHaveLength(2);
    for (const name of ['rec-east', 'shared-bucket', 'rec-eu', 'foreign-bucket', 'gone-bucket']) {
      expect(account?.buckets[name]?.headBucket, name).toBeUndefined();
    }
  });

  it('records HeadBucket 404 as absent (NotFound, as the SDK names a bare 404)', async () => {
    const { doc: missing } = await collectVariant(
      () => undefined,
      {},
      { faults: [{ service: 's3', operation: 'HeadBucket', resource: 'elsewhere-bucket', kind: 'NotFound' }] },
    );
    expect(missing.accounts[0]?.buckets['elsewhere-bucket']?.headBucket).toEqual({ status: 'absent', code: 'NotFound', message: 'UnknownError' });
  });

  it('lists the on-demand rotations of imported key material (Origin EXTERNAL), and of no other key', () => {
    const keys = collected()?.keys ?? {};
    const imported = keys[keyLookupId('eu-west-1', EU_KEY_ARN)];
    expect(imported?.rotations).toEqual(expected()?.keys[keyLookupId('eu-west-1', EU_KEY_ARN)]?.rotations);
    expect(imported?.rotations?.status === 'ok' ? imported.rotations.response.map((r) => r.RotationType) : []).toEqual(['ON_DEMAND', 'ON_DEMAND', 'ON_DEMAND']);
    // GetKeyRotationStatus is still asked, as for every key.
    expect(imported?.rotation?.status).toBe('absent');
    expect(keys[keyLookupId('us-east-1', KEY_ARN)]?.rotations).toBeUndefined();
  });

  it('reads the trusts of Managed Microsoft AD; Simple AD, even pinned, gets no call of its own', () => {
    const region = collected()?.regions.find((r) => r.region === 'us-east-1');
    expect(region?.directories['d-3333333333']?.trusts).toEqual(expected()?.regions[0]?.directories['d-3333333333']?.trusts);
    expect(region?.directories['d-1111111111']?.trusts).toBeUndefined();
    expect(region?.directories['d-2222222222']).toBeUndefined();
    expect(region?.describeDirectories?.status === 'ok' ? region.describeDirectories.response.map((d) => d.Type) : []).toContain('SimpleAD');
    expect(requests.filter((r) => r.service === 'ds' && r.resource === 'd-2222222222')).toEqual([]);
  });

  it('records AccessDenied on each new call as an error with the code the SDK gives it', async () => {
    const { doc: refused } = await collectVariant(() => undefined, {}, {
      faults: [
        { service: 's3control', operation: 'GetPublicAccessBlock', kind: 'AccessDenied' },
        { service: 's3', operation: 'GetBucketAcl', resource: 'shared-bucket', kind: 'AccessDenied' },
        { service: 's3', operation: 'HeadBucket', resource: 'elsewhere-bucket', kind: 'AccessDenied' },
        { service: 's3', operation: 'ListBuckets', kind: 'AccessDenied' },
        { service: 'kms', operation: 'ListKeyRotations', kind: 'AccessDenied' },
        { service: 'ds', operation: 'DescribeTrusts', kind: 'AccessDenied' },
      ],
    });
    const account = refused.accounts[0];
    const records: Array<[OperationKey, unknown]> = [
      ['s3control:GetPublicAccessBlock', account?.publicAccessBlock],
      ['s3:GetBucketAcl', account?.buckets['shared-bucket']?.acl],
      ['s3:HeadBucket', account?.buckets['elsewhere-bucket']?.headBucket],
      ['s3:ListBuckets', account?.listBuckets],
      ['kms:ListKeyRotations', account?.keys[keyLookupId('eu-west-1', EU_KEY_ARN)]?.rotations],
      ['ds:DescribeTrusts', account?.regions[0]?.directories['d-3333333333']?.trusts],
    ];
    expect(records.map(([operation, record]) => [operation, OPERATIONS[operation].iamAction, record])).toEqual([
      ['s3control:GetPublicAccessBlock', 's3:GetAccountPublicAccessBlock', s3Denied],
      ['s3:GetBucketAcl', 's3:GetBucketAcl', s3Denied],
      // A HEAD refusal has no body: the SDK can only say `Unknown` with the status.
      ['s3:HeadBucket', 's3:ListBucket', headForbidden],
      ['s3:ListBuckets', 's3:ListAllMyBuckets', s3Denied],
      ['kms:ListKeyRotations', 'kms:ListKeyRotations', denied('AccessDeniedException', 'User is not authorized to perform this operation.')],
      ['ds:DescribeTrusts', 'ds:DescribeTrusts', denied('AccessDeniedException', 'User is not authorized to perform this operation.')],
    ]);
    // The rest of the account was still read.
    expect(account?.buckets['rec-east']).toEqual(expected()?.buckets['rec-east']);
  });
});
