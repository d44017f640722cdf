/**
 * A small evidence document for the emulator's own tests: three accounts, every kind of record
 * (`ok`, `absent`, `error`), enough list items to need several pages at page size 2. SECOND has no
 * ListBuckets record (the emulator derives it) and no bucket ACLs (the default owner-only ACL).
 */
import { evidenceDocument, keyLookupId } from '../../src/evidence/model.js';
import type { EvidenceDocument, KeyEvidence } from '../../src/evidence/model.js';

export const MAIN = '111111111111';
export const SECOND = '222222222222';
export const UNREACHABLE = '333333333333';
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_ARN = `arn:aws:kms:us-east-1:${MAIN}:key/${KEY_ID}`;
export const CREATED = '2024-03-01T12:00:00.000Z';
export const IMPORTED_KEY_ID = '0987dcba-09fe-87dc-65ba-ab0987654321';
export const IMPORTED_KEY_ARN = `arn:aws:kms:us-east-1:${MAIN}:key/${IMPORTED_KEY_ID}`;
/** Canonical user ids as S3 ACLs name accounts (64 hex digits). */
export const MAIN_CANONICAL_ID = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';
export const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';

const denied = (code: string) => ({ status: 'error' as const, error: { code, message: `${code}: not authorized`, httpStatus: 403 } });
/** How the SDK reports a HEAD refused with 403: S3 sends no body, so there is no code to read. */
export const HEAD_FORBIDDEN = { status: 'error' as const, error: { code: 'Unknown', message: 'UnknownError', httpStatus: 403 } };
const keyMaterialId = (n: number) => `${n}`.repeat(64).slice(0, 64);

/** A symmetric customer managed key of MAIN. */
function customerKeyMetadata(KeyId: string, Arn: string, overrides: Record<string, unknown> = {}) {
  return {
    AWSAccountId: MAIN,
    KeyId,
    Arn,
    CreationDate: CREATED,
    Enabled: true,
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeyState: 'Enabled',
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    KeySpec: 'SYMMETRIC_DEFAULT',
    MultiRegion: false,
    ...overrides,
  };
}

function key(record: KeyEvidence): [string, KeyEvidence] {
  return [keyLookupId(record.region, record.reference), record];
}

function instance(id: string, region: string, account: string, identity: string) {
  return {
    Id: id,
    Arn: `arn:aws:connect:${region}:${account}:instance/${id}`,
    IdentityManagementType: identity,
    InstanceAlias: `alias-${id}`,
    CreatedTime: CREATED,
    ServiceRole: `arn:aws:iam::${account}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect`,
    InstanceStatus: 'ACTIVE',
    InboundCallsEnabled: true,
    OutboundCallsEnabled: false,
    InstanceAccessUrl: `https://alias-${id}.my.connect.aws`,
    Tags: { team: 'contact-centre' },
  };
}

const recordingsConfig = (n: number) => ({
  AssociationId: `assoc-${n}`,
  StorageType: 'S3',
  S3Config: {
    BucketName: 'rec-bucket',
    BucketPrefix: `connect/recordings-${n}`,
    EncryptionConfig: { EncryptionType: 'KMS', KeyId: KEY_ARN },
  },
});

export const BUCKET_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::rec-bucket', 'arn:aws:s3:::rec-bucket/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ],
});

export const KEY_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MAIN}:root` }, Action: 'kms:*', Resource: '*' }],
});

export function testState(): EvidenceDocument {
  return evidenceDocument.parse({
    schemaVersion: '1.0',
    kind: 'connect-netpath-audit/evidence',
    collectedAt: '2025-01-15T10:00:00.000Z',
    accounts: [
      {
        accountId: MAIN,
        regions: [
          {
            region: 'us-east-1',
            instances: {
              'inst-a': {
                describeInstance: { status: 'ok', response: { Instance: instance('inst-a', 'us-east-1', MAIN, 'EXISTING_DIRECTORY') } },
                storageConfigs: {
                  CALL_RECORDINGS: { status: 'ok', response: [recordingsConfig(1), recordingsConfig(2), recordingsConfig(3)] },
                  MEDIA_STREAMS: denied('AccessDeniedException'),
                },
                approvedOrigins: {
                  status: 'ok',
                  response: ['https://a.example.com', 'https://b.example.com', 'https://c.example.com', 'http://d.example.com', 'https://*.example.com'],
                },
                attributes: {
                  status: 'ok',
                  response: [
                    { AttributeType: 'INBOUND_CALLS', Value: 'true' },
                    { AttributeType: 'OUTBOUND_CALLS', Value: 'false' },
                    { AttributeType: 'CONTACTFLOW_LOGS', Value: 'true' },
                  ],
                },
                contactFlowLogGroups: {
                  status: 'ok',
                  response: [
                    { logGroupName: '/aws/connect/alias-inst-a', creationTime: 1709294400000, retentionInDays: 30, kmsKeyId: KEY_ARN, storedBytes: 2048, arn: `arn:aws:logs:us-east-1:${MAIN}:log-group:/aws/connect/alias-inst-a:*`, logGroupClass: 'STANDARD' },
                    { logGroupName: '/aws/connect/alias-inst-a-archive', creationTime: 1709294400000, storedBytes: 0 },
                    { logGroupName: '/aws/connect/alias-inst-a-test', creationTime: 1709294400000, retentionInDays: 1 },
                  ],
                },
              },
              'inst-b': {
                describeInstance: { status: 'ok', response: { Instance: instance('inst-b', 'us-east-1', MAIN, 'SAML') } },
                storageConfigs: {},
                approvedOrigins: denied('AccessDeniedException'),
                attributes: { status: 'ok', response: [] },
                videoStreams: {
                  'media-b': {
                    status: 'ok',
                    response: {
                      StreamInfoList: [1, 2, 3].map((n) => ({
                        DeviceName: 'Amazon Connect',
                        StreamName: `media-b-connect-alias-inst-b-contact-${n}`,
                        StreamARN: `arn:aws:kinesisvideo:us-east-1:${MAIN}:stream/media-b-connect-alias-inst-b-contact-${n}/16${n}`,
                        MediaType: 'audio/aac',
                        KmsKeyId: KEY_ARN,
                        Version: `v${n}`,
                        Status: 'ACTIVE',
                        CreationTime: CREATED,
                        DataRetentionInHours: 24,
                      })),
                    },
                  },
                  'media-denied': denied('AccessDeniedException'),
                },
              },
              'inst-c': {
                describeInstance: denied('AccessDeniedException'),
                storageConfigs: {},
                approvedOrigins: { status: 'ok', response: [] },
                attributes: { status: 'ok', response: [] },
              },
            },
            describeDirectories: {
              status: 'ok',
              response: [
                { DirectoryId: 'd-1111111111', Name: 'corp.example.com', Type: 'ADConnector', Stage: 'Active', LaunchTime: CREATED },
                { DirectoryId: 'd-2222222222', Name: 'simple.example.com', Type: 'SimpleAD', Stage: 'Active', LaunchTime: CREATED },
                { DirectoryId: 'd-3333333333', Name: 'managed.example.com', Type: 'MicrosoftAD', Stage: 'Impaired', LaunchTime: CREATED },
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
                settings: { status: 'absent', code: 'UnsupportedOperationException', message: 'Not supported for AD Connector' },
              },
              'd-3333333333': {
                ldapsSettings: denied('AccessDeniedException'),
                certificates: { status: 'ok', response: [] },
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
                    {
                      DirectoryId: 'd-3333333333',
                      TrustId: 't-1a2b3c4d5e',
                      RemoteDomainName: 'corp.example.com',
                      TrustType: 'Forest',
                      TrustDirection: 'Two-Way',
                      TrustState: 'Verified',
                      CreatedDateTime: CREATED,
                      LastUpdatedDateTime: '2024-03-02T09:30:00.000Z',
                      StateLastUpdatedDateTime: '2024-03-02T09:30:00.000Z',
                      SelectiveAuth: 'Disabled',
                    },
                    {
                      DirectoryId: 'd-3333333333',
                      TrustId: 't-2b3c4d5e6f',
                      RemoteDomainName: 'legacy.example.com',
                      TrustType: 'External',
                      TrustDirection: 'One-Way: Outgoing',
                      TrustState: 'Failed',
                      TrustStateReason: 'The trust relationship could not be verified: the remote domain controller did not answer.',
                      CreatedDateTime: CREATED,
                      LastUpdatedDateTime: CREATED,
                      StateLastUpdatedDateTime: CREATED,
                      SelectiveAuth: 'Enabled',
                    },
                    {
                      DirectoryId: 'd-3333333333',
                      TrustId: 't-3c4d5e6f70',
                      RemoteDomainName: 'partner.example.net',
                      TrustType: 'Forest',
                      TrustDirection: 'One-Way: Incoming',
                      TrustState: 'Created',
                      CreatedDateTime: '2025-01-10T15:00:00.000Z',
                      LastUpdatedDateTime: '2025-01-10T15:00:00.000Z',
                      StateLastUpdatedDateTime: '2025-01-10T15:00:00.000Z',
                    },
                  ],
                },
              },
            },
          },
          {
            region: 'eu-west-2',
            listInstances: {
              status: 'ok',
              response: [{ Id: 'inst-eu', Arn: `arn:aws:connect:eu-west-2:${MAIN}:instance/inst-eu`, CreatedTime: CREATED }],
            },
            instances: {},
            directories: {},
          },
        ],
        buckets: {
          'rec-bucket': {
            expectedBucketOwner: MAIN,
            location: { status: 'ok', response: { LocationConstraint: 'eu-west-2' } },
            encryption: {
              status: 'ok',
              response: {
                ServerSideEncryptionConfiguration: {
                  Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN }, BucketKeyEnabled: true }],
                },
              },
            },
            policy: { status: 'ok', response: { Policy: BUCKET_POLICY } },
            policyStatus: { status: 'ok', response: { PolicyStatus: { IsPublic: false } } },
            publicAccessBlock: {
              status: 'ok',
              response: {
                PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: false },
              },
            },
            ownershipControls: { status: 'ok', response: { OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } } },
            // With ACLs disabled (BucketOwnerEnforced), GetBucketAcl answers the owner's full control only.
            acl: {
              status: 'ok',
              response: {
                Owner: { ID: MAIN_CANONICAL_ID },
                Grants: [{ Grantee: { Type: 'CanonicalUser', ID: MAIN_CANONICAL_ID }, Permission: 'FULL_CONTROL' }],
              },
            },
          },
          'bare-bucket': {
            expectedBucketOwner: MAIN,
            location: { status: 'ok', response: {} },
            encryption: { status: 'absent', code: 'ServerSideEncryptionConfigurationNotFoundError' },
            policy: { status: 'absent', code: 'NoSuchBucketPolicy' },
            policyStatus: { status: 'absent', code: 'NoSuchBucketPolicy' },
            publicAccessBlock: { status: 'absent', code: 'NoSuchPublicAccessBlockConfiguration' },
            ownershipControls: { status: 'absent', code: 'OwnershipControlsNotFoundError' },
            // An old bucket with ACLs on and a public-read grant.
            acl: {
              status: 'ok',
              response: {
                Owner: { ID: MAIN_CANONICAL_ID },
                Grants: [
                  { Grantee: { Type: 'CanonicalUser', ID: MAIN_CANONICAL_ID }, Permission: 'FULL_CONTROL' },
                  { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' },
                  { Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/s3/LogDelivery' }, Permission: 'WRITE' },
                ],
              },
            },
          },
          'gone-bucket': { expectedBucketOwner: MAIN, location: { status: 'absent', code: 'NoSuchBucket' } },
          'foreign-bucket': {
            expectedBucketOwner: MAIN,
            location: denied('AccessDenied'),
            ownerProbe: { status: 'ok', response: { LocationConstraint: 'us-west-2' } },
          },
          // Ours (ListBuckets lists it), but this identity may read nothing of it.
          'locked-bucket': {
            expectedBucketOwner: MAIN,
            location: denied('AccessDenied'),
            ownerProbe: denied('AccessDenied'),
            acl: denied('AccessDenied'),
            headBucket: HEAD_FORBIDDEN,
          },
          // Exists (HeadBucket 403, not 404) but is missing from our ListBuckets: another account's.
          'elsewhere-bucket': {
            expectedBucketOwner: MAIN,
            location: denied('AccessDenied'),
            ownerProbe: denied('AccessDenied'),
            headBucket: HEAD_FORBIDDEN,
          },
          'shared-bucket': {
            expectedBucketOwner: MAIN,
            location: denied('AccessDenied'),
            ownerProbe: { status: 'ok', response: { LocationConstraint: 'eu-central-1' } },
          },
        },
        keys: Object.fromEntries([
          key({
            reference: KEY_ARN,
            region: 'us-east-1',
            describeKey: {
              status: 'ok',
              response: {
                KeyMetadata: customerKeyMetadata(KEY_ID, KEY_ARN),
              },
            },
            rotation: { status: 'ok', response: { KeyRotationEnabled: true, RotationPeriodInDays: 365, NextRotationDate: '2025-03-01T12:00:00.000Z' } },
            keyPolicy: { status: 'ok', response: { Policy: KEY_POLICY } },
            grants: {
              status: 'ok',
              response: [`${MAIN}`, `${MAIN}`, '999999999999'].map((account, n) => ({
                KeyId: KEY_ARN,
                GrantId: `grant-${n}`,
                Name: n === 0 ? '' : `grant-name-${n}`,
                CreationDate: CREATED,
                GranteePrincipal: `arn:aws:iam::${account}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_${n}`,
                IssuingAccount: `arn:aws:iam::${MAIN}:root`,
                Operations: ['Encrypt', 'Decrypt', 'GenerateDataKey'],
                ...(n === 1 ? { Constraints: { EncryptionContextSubset: { 'aws:connect:instanceId': 'inst-a' } } } : {}),
              })),
            },
            aliases: {
              status: 'ok',
              response: ['alias/recordings', 'alias/transcripts', 'alias/media'].map((name) => ({
                AliasName: name,
                AliasArn: `arn:aws:kms:us-east-1:${MAIN}:${name}`,
                TargetKeyId: KEY_ID,
                CreationDate: CREATED,
                LastUpdatedDate: CREATED,
              })),
            },
          }),
          key({
            reference: 'alias/aws/s3',
            region: 'us-east-1',
            describeKey: {
              status: 'ok',
              response: { KeyMetadata: { KeyId: 'aws-s3-key', Arn: `arn:aws:kms:us-east-1:${MAIN}:key/aws-s3-key`, KeyManager: 'AWS', KeyState: 'Enabled' } },
            },
          }),
          key({
            reference: IMPORTED_KEY_ARN,
            region: 'us-east-1',
            describeKey: {
              status: 'ok',
              response: {
                KeyMetadata: customerKeyMetadata(IMPORTED_KEY_ID, IMPORTED_KEY_ARN, {
                  CreationDate: '2023-05-01T08:00:00.000Z',
                  Origin: 'EXTERNAL',
                  ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
                }),
              },
            },
            rotation: {
              status: 'absent',
              code: 'UnsupportedOperationException',
              message: `${IMPORTED_KEY_ARN} origin is EXTERNAL which is not valid for this operation.`,
            },
            // Imported key material rotates on demand only (ImportKeyMaterial with NEW_KEY_MATERIAL, then RotateKeyOnDemand).
            rotations: {
              status: 'ok',
              response: [
                {
                  KeyId: IMPORTED_KEY_ID,
                  KeyMaterialId: keyMaterialId(1),
                  ImportState: 'IMPORTED',
                  KeyMaterialState: 'NON_CURRENT',
                  ExpirationModel: 'KEY_MATERIAL_EXPIRES',
                  ValidTo: '2026-09-01T00:00:00.000Z',
                  RotationDate: '2024-05-02T08:00:00.000Z',
                  RotationType: 'ON_DEMAND',
                },
                {
                  KeyId: IMPORTED_KEY_ID,
                  KeyMaterialId: keyMaterialId(2),
                  ImportState: 'IMPORTED',
                  KeyMaterialState: 'NON_CURRENT',
                  ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
                  RotationDate: '2025-05-02T08:00:00.000Z',
                  RotationType: 'ON_DEMAND',
                },
                {
                  KeyId: IMPORTED_KEY_ID,
                  KeyMaterialId: keyMaterialId(3),
                  ImportState: 'IMPORTED',
                  KeyMaterialState: 'CURRENT',
                  ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
                  RotationDate: '2026-05-02T08:00:00.000Z',
                  RotationType: 'ON_DEMAND',
                },
              ],
            },
            keyPolicy: { status: 'ok', response: { Policy: KEY_POLICY } },
            aliases: { status: 'ok', response: [] },
          }),
          key({ reference: 'alias/missing', region: 'us-east-1', describeKey: { status: 'absent', code: 'NotFoundException', message: "Alias 'alias/missing' is not found." } }),
          key({ reference: 'denied-key', region: 'us-east-1', describeKey: denied('AccessDeniedException') }),
        ]),
        publicAccessBlock: {
          status: 'ok',
          response: {
            PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
          },
        },
        listBuckets: {
          status: 'ok',
          response: [
            { Name: 'bare-bucket', CreationDate: '2019-02-11T10:20:30.000Z', BucketRegion: 'us-east-1' },
            { Name: 'locked-bucket', CreationDate: '2022-08-30T16:00:00.000Z', BucketRegion: 'us-east-1' },
            { Name: 'rec-bucket', CreationDate: '2023-06-01T09:00:00.000Z', BucketRegion: 'eu-west-2' },
          ],
        },
      },
      {
        accountId: SECOND,
        regions: [
          {
            region: 'us-east-1',
            instances: {
              'inst-222': {
                describeInstance: { status: 'ok', response: { Instance: instance('inst-222', 'us-east-1', SECOND, 'CONNECT_MANAGED') } },
                storageConfigs: {},
                approvedOrigins: { status: 'ok', response: [] },
                attributes: { status: 'ok', response: [] },
              },
            },
            directories: {},
          },
        ],
        buckets: {
          'shared-bucket': {
            expectedBucketOwner: SECOND,
            location: { status: 'ok', response: { LocationConstraint: 'eu-central-1' } },
            policy: { status: 'absent', code: 'NoSuchBucketPolicy' },
          },
        },
        keys: {},
        publicAccessBlock: { status: 'absent', code: 'NoSuchPublicAccessBlockConfiguration', message: 'The public access block configuration was not found' },
      },
      {
        accountId: UNREACHABLE,
        error: { operation: 'sts:AssumeRole', code: 'AccessDenied', message: 'not authorized to perform sts:AssumeRole', httpStatus: 403 },
        regions: [],
        buckets: {},
        keys: {},
      },
    ],
  });
}
