/**
 * Generated evidence documents for the benchmark: N Connect instances spread over accounts and
 * regions, each with the storage configs, buckets, KMS keys and directories a real contact centre
 * has, and a deterministic mix of compliant and non-compliant configurations (seeded PRNG, so the
 * same options always give the same document).
 *
 * The documents are valid `EvidenceDocument`s: `audit --snapshot` reads them, and the emulator
 * answers from them.
 */
import { EVIDENCE_KIND, EVIDENCE_SCHEMA_VERSION, keyLookupId } from '../../src/evidence/model.js';
import type {
  AccountEvidence,
  BucketEvidence,
  Call,
  ConnectInstanceEvidence,
  DirectoryDescription,
  DirectoryEvidence,
  EvidenceDocument,
  InstanceStorageConfig,
  KeyEvidence,
  KinesisStreamEvidence,
  RegionEvidence,
  VideoStreamInfo,
} from '../../src/evidence/model.js';
import { STORAGE_RESOURCE_TYPES } from '../../src/paths/hops.js';

export interface GenerateOptions {
  /** Instances in each account-region (unless `layout` says otherwise). */
  instancesPerRegion: number;
  /** Instances per account and region, `layout[account][region]`: overrides `instancesPerRegion`. */
  layout?: ReadonlyArray<readonly number[]>;
  /** Number of accounts. */
  accounts: number;
  /** Regions of each account. */
  regions: readonly string[];
  seed?: number;
  /**
   * Make the first instance of every account-region authenticate against a directory, so that every
   * account-region exercises the Directory Service chain (used for the live cases).
   */
  firstUsesDirectory?: boolean;
}

/**
 * Offline sizes: five instances in each of two regions per account, so that accounts, regions,
 * buckets, keys and directories all grow in proportion to the instances (10 → 1 account,
 * 1,000 → 100 accounts). `instances` 0 gives one account with two empty regions: the fixed cost.
 */
export function offlineOptions(instances: number, seed = 7): GenerateOptions {
  if (instances % 10 !== 0) throw new RangeError('offline sizes are multiples of 10');
  return {
    instancesPerRegion: instances === 0 ? 0 : 5,
    accounts: Math.max(1, instances / 10),
    regions: ['eu-central-1', 'us-east-1'],
    seed,
  };
}

/** An organisation: most accounts without Connect, some with 1–20 instances over 1–3 of its regions. */
export interface OrganisationOptions {
  accounts: number;
  regions: readonly string[];
  seed?: number;
  /** Share of the accounts with Connect instances (default 0.15); the first (the caller's) never has any. */
  withConnect?: number;
  /** Most instances one account has (default 20). */
  maxInstances?: number;
}

/**
 * Instances per account and region of an organisation, deterministic per seed: `withConnect` of the
 * accounts (rounded, at least one) hold 1–`maxInstances` instances, skewed towards few, spread over
 * 1–3 of the regions; one of them holds `maxInstances` in a single region (the busiest rate-limit key
 * of a real organisation is one large contact centre). The first account is the caller's audit account.
 */
export function organisationLayout(options: OrganisationOptions): number[][] {
  const random = prng(options.seed ?? 17);
  const max = options.maxInstances ?? 20;
  const n = options.accounts;
  const layout = Array.from({ length: n }, () => options.regions.map(() => 0));
  const candidates = Array.from({ length: Math.max(0, n - 1) }, (_, i) => i + 1);
  // Fisher–Yates on the accounts after the caller's, then the first `k` of them have Connect.
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j] as number, candidates[i] as number];
  }
  const k = Math.min(candidates.length, Math.max(1, Math.round(n * (options.withConnect ?? 0.15))));
  candidates.slice(0, k).forEach((account, index) => {
    const row = layout[account] as number[];
    if (index === 0) {
      row[Math.floor(random() * row.length)] = max;
      return;
    }
    const instances = 1 + Math.floor(max * random() ** 2);
    const used = Math.min(row.length, instances, 1 + Math.floor(random() * Math.min(3, row.length)));
    const first = Math.floor(random() * row.length);
    for (let i = 0; i < instances; i++) {
      const r = (first + (i % used)) % row.length;
      row[r] = (row[r] ?? 0) + 1;
    }
  });
  return layout;
}

/** The evidence of an organisation (see organisationLayout). */
export function generateOrganisation(options: OrganisationOptions): EvidenceDocument {
  const layout = organisationLayout(options);
  return generateEvidence({ instancesPerRegion: 0, accounts: options.accounts, regions: options.regions, seed: options.seed ?? 17, layout });
}

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type OkResponse<C> = C extends { status: 'ok'; response: infer T } ? T : never;
type InstanceSummary = OkResponse<NonNullable<RegionEvidence['listInstances']>>[number];

const ok = <T>(response: T): Call<T> => ({ status: 'ok', response });
const absent = (code: string, message?: string): Call<never> => (message ? { status: 'absent', code, message } : { status: 'absent', code });
const denied = (code: string, message: string): Call<never> => ({ status: 'error', error: { code, message, httpStatus: 403 } });

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0').slice(-width);
}

/** A UUID-shaped id that is unique per (kind, number). */
function uuid(kind: number, n: number): string {
  return `${hex(kind, 8)}-${hex(n >>> 16, 4)}-4${hex(n & 0xfff, 3)}-8${hex(kind & 0xfff, 3)}-${hex(n * 2654435761, 12)}`;
}

const INSTANCE_ATTRIBUTES = [
  'INBOUND_CALLS',
  'OUTBOUND_CALLS',
  'CONTACTFLOW_LOGS',
  'CONTACT_LENS',
  'AUTO_RESOLVE_BEST_VOICES',
  'USE_CUSTOM_TTS_VOICES',
  'EARLY_MEDIA',
  'MULTI_PARTY_CONFERENCE',
  'HIGH_VOLUME_OUTBOUND',
  'ENHANCED_CONTACT_MONITORING',
  'ENHANCED_CHAT_MONITORING',
  'MULTI_PARTY_CHAT_CONFERENCE',
];

type BucketVariant = 'compliant' | 'put-only-deny' | 'no-policy' | 'aws-managed-default' | 'missing' | 'foreign' | 'policy-denied';
type KeyVariant = 'compliant' | 'no-rotation' | 'disabled' | 'public-policy';

function pick<T>(random: () => number, weighted: ReadonlyArray<readonly [T, number]>): T {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [value, weight] of weighted) {
    r -= weight;
    if (r < 0) return value;
  }
  const last = weighted[weighted.length - 1];
  if (!last) throw new Error('pick: nothing to pick from');
  return last[0];
}

function tlsStatements(bucket: string) {
  const resources = [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`];
  return [
    { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: resources, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    { Sid: 'DenyTlsBelow12', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: resources, Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } },
  ];
}

function connectWriteStatement(bucket: string, account: string) {
  return {
    Sid: 'AllowConnectService',
    Effect: 'Allow',
    Principal: { Service: 'connect.amazonaws.com' },
    Action: ['s3:PutObject', 's3:GetBucketLocation', 's3:GetBucketAcl'],
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    Condition: { StringEquals: { 'aws:SourceAccount': account } },
  };
}

function bucketEvidence(name: string, account: string, region: string, variant: BucketVariant, defaultKeyArn: string): BucketEvidence {
  const location = ok(region === 'us-east-1' ? {} : { LocationConstraint: region });
  if (variant === 'missing') return { expectedBucketOwner: account, location: absent('NoSuchBucket', 'The specified bucket does not exist') };
  if (variant === 'foreign') {
    return { expectedBucketOwner: account, location: denied('AccessDenied', 'Access Denied'), ownerProbe: location };
  }
  const statements =
    variant === 'put-only-deny'
      ? [
          {
            Sid: 'DenyInsecureUploads',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:PutObject',
            Resource: `arn:aws:s3:::${name}/*`,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          connectWriteStatement(name, account),
        ]
      : [...tlsStatements(name), connectWriteStatement(name, account)];
  const policy: BucketEvidence['policy'] =
    variant === 'no-policy'
      ? absent('NoSuchBucketPolicy', 'The bucket policy does not exist')
      : variant === 'policy-denied'
        ? denied('AccessDenied', 'Access Denied')
        : ok({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) });
  const byDefault = variant === 'aws-managed-default' ? { SSEAlgorithm: 'aws:kms' } : { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: defaultKeyArn };
  return {
    expectedBucketOwner: account,
    location,
    encryption: ok({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: byDefault, BucketKeyEnabled: true }] } }),
    policy,
    policyStatus: variant === 'no-policy' ? absent('NoSuchBucketPolicy', 'The bucket policy does not exist') : ok({ PolicyStatus: { IsPublic: false } }),
    publicAccessBlock:
      variant === 'no-policy'
        ? absent('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found')
        : ok({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }),
    ownershipControls: ok({ OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }),
  };
}

interface KeySpec {
  keyId: string;
  arn: string;
  alias: string;
  region: string;
  variant: KeyVariant;
}

function keyPolicyText(account: string, region: string, variant: KeyVariant): string {
  const usage = {
    Sid: 'AllowConnectViaS3',
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
    Resource: '*',
    ...(variant === 'public-policy' ? {} : { Condition: { StringEquals: { 'kms:CallerAccount': account, 'kms:ViaService': `s3.${region}.amazonaws.com` } } }),
  };
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [
      { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
      {
        Sid: 'AllowKeyAdministrators',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${account}:role/KeyAdmins` },
        Action: ['kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion'],
        Resource: '*',
      },
      usage,
    ],
  });
}

function keyEvidence(reference: string, account: string, key: KeySpec): KeyEvidence {
  const disabled = key.variant === 'disabled';
  return {
    reference,
    region: key.region,
    describeKey: ok({
      KeyMetadata: {
        AWSAccountId: account,
        KeyId: key.keyId,
        Arn: key.arn,
        CreationDate: '2024-03-01T08:00:00.000Z',
        Enabled: !disabled,
        Description: 'Amazon Connect contact data',
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeyState: disabled ? 'Disabled' : 'Enabled',
        Origin: 'AWS_KMS',
        KeyManager: 'CUSTOMER',
        KeySpec: 'SYMMETRIC_DEFAULT',
        CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
        EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
        MultiRegion: false,
      },
    }),
    rotation: ok(key.variant === 'no-rotation' ? { KeyRotationEnabled: false, KeyId: key.arn } : { KeyRotationEnabled: true, KeyId: key.arn, RotationPeriodInDays: 365 }),
    keyPolicy: ok({ Policy: keyPolicyText(account, key.region, key.variant), PolicyName: 'default' }),
    aliases: ok([{ AliasName: key.alias, AliasArn: `arn:aws:kms:${key.region}:${account}:${key.alias}`, TargetKeyId: key.keyId }]),
  };
}

/** The grant Connect creates on a storage config's key for the instance's service role (key-management.html). */
function connectGrant(keyArn: string, account: string, role: string, n: number) {
  return {
    KeyId: keyArn,
    GrantId: hex(n * 2654435761 + keyArn.length, 64),
    Name: '',
    CreationDate: '2024-03-04T10:00:00.000Z',
    GranteePrincipal: role,
    RetiringPrincipal: role,
    IssuingAccount: `arn:aws:iam::${account}:root`,
    Operations: ['Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey'],
  };
}

function directoryRecords(
  random: () => number,
  account: string,
  region: string,
  index: number,
): { descriptions: DirectoryDescription[]; records: Record<string, DirectoryEvidence> } {
  const id = `d-${hex(Number(account.slice(-6)) * 7 + index, 10)}`;
  const ldaps = random() < 0.8 ? 'Enabled' : 'Disabled';
  const expiry = random() < 0.85 ? '2031-01-01T00:00:00.000Z' : '2026-12-05T00:00:00.000Z';
  const descriptions: DirectoryDescription[] = [
    {
      DirectoryId: id,
      Name: `corp${index}.example.com`,
      ShortName: `CORP${index}`,
      Size: 'Small',
      Alias: `corp-${account}-${region}-${index}`,
      AccessUrl: `corp-${account}-${index}.awsapps.com`,
      Type: 'ADConnector',
      Stage: 'Active',
      LaunchTime: '2024-01-10T09:00:00.000Z',
      StageLastUpdatedDateTime: '2024-01-10T09:30:00.000Z',
      ConnectSettings: { VpcId: 'vpc-0a1b2c3d', SubnetIds: ['subnet-01', 'subnet-02'], CustomerUserName: 'svc-adconnector', ConnectIps: ['10.0.1.10', '10.0.2.10'] },
      ...(random() < 0.7
        ? {
            RadiusSettings: { RadiusServers: ['10.0.1.50'], RadiusPort: 1812, RadiusTimeout: 5, RadiusRetries: 3, AuthenticationProtocol: 'MS-CHAPv2', DisplayLabel: 'MFA', UseSameUsername: true },
            RadiusStatus: 'Completed',
          }
        : {}),
      SsoEnabled: false,
    },
  ];
  const records: Record<string, DirectoryEvidence> = {
    [id]: {
      ldapsSettings: ok([{ LDAPSStatus: ldaps, LastUpdatedDateTime: '2024-01-11T10:00:00.000Z' }]),
      certificates: ok(
        ldaps === 'Enabled'
          ? [
              { CertificateId: `c-${id.slice(2)}1`, CommonName: 'corp-root-ca', State: 'Registered', ExpiryDateTime: expiry, Type: 'ClientLDAPS' },
              { CertificateId: `c-${id.slice(2)}0`, CommonName: 'corp-root-ca-2019', State: 'Deregistered', ExpiryDateTime: '2024-06-01T00:00:00.000Z', Type: 'ClientLDAPS' },
            ]
          : [],
      ),
      settings: absent('UnsupportedOperationException', 'DescribeSettings is not supported for AD Connector'),
    },
  };
  return { descriptions, records };
}

/** Generates the document. Account ids are 2000000000NN; instance ids are unique UUID-shaped strings. */
export function generateEvidence(options: GenerateOptions): EvidenceDocument {
  const random = prng(options.seed ?? 1);
  let instanceCounter = 0;
  let keyCounter = 0;
  const accounts: AccountEvidence[] = [];

  for (let a = 0; a < options.accounts; a++) {
    const account = String(200000000000 + a * 101);
    const buckets: Record<string, BucketEvidence> = {};
    const keys: Record<string, KeyEvidence> = {};
    const regions: RegionEvidence[] = [];
    const kinesisStreams: Record<string, KinesisStreamEvidence> = {};
    /** Key ARN → the service roles of the instances whose storage configs name it (Connect's grants). */
    const grantees = new Map<string, string[]>();

    const newKey = (region: string): KeySpec => {
      keyCounter += 1;
      const keyId = uuid(0x6b6579, keyCounter);
      const variant = pick<KeyVariant>(random, [
        ['compliant', 70],
        ['no-rotation', 20],
        ['disabled', 5],
        ['public-policy', 5],
      ]);
      return { keyId, arn: `arn:aws:kms:${region}:${account}:key/${keyId}`, alias: `alias/connect-${keyCounter}`, region, variant };
    };
    const addKey = (reference: string, spec: KeySpec) => {
      keys[keyLookupId(spec.region, reference)] = keyEvidence(reference, account, spec);
    };

    for (const [r, region] of options.regions.entries()) {
      const count = options.layout ? (options.layout[a]?.[r] ?? 0) : options.instancesPerRegion;
      if (count === 0) {
        // A region without Connect: an empty listing, and no key or bucket of Connect's.
        regions.push({ region, listInstances: ok([]), instances: {}, directories: {} });
        continue;
      }
      // One key and one reports bucket shared by the instances of the account-region.
      const sharedKey = newKey(region);
      addKey(sharedKey.arn, sharedKey);
      const reportsBucket = `connect-reports-${account}-${region}`;
      buckets[reportsBucket] = bucketEvidence(reportsBucket, account, region, 'compliant', sharedKey.arn);

      const instances: Record<string, ConnectInstanceEvidence> = {};
      const summaries: InstanceSummary[] = [];
      let usesDirectory = false;

      for (let i = 0; i < count; i++) {
        instanceCounter += 1;
        const id = uuid(0xc0 + a, instanceCounter);
        const arn = `arn:aws:connect:${region}:${account}:instance/${id}`;
        const alias = `cc-${a}-${region}-${i}`;
        const identity =
          options.firstUsesDirectory && i === 0
            ? 'EXISTING_DIRECTORY'
            : pick(random, [
                ['EXISTING_DIRECTORY', 45],
                ['SAML', 40],
                ['CONNECT_MANAGED', 15],
              ] as const);
        if (identity === 'EXISTING_DIRECTORY') usesDirectory = true;
        const legacyUrl = random() < 0.2;
        const summary = {
          Id: id,
          Arn: arn,
          IdentityManagementType: identity,
          InstanceAlias: alias,
          CreatedTime: '2024-03-04T10:00:00.000Z',
          ServiceRole: `arn:aws:iam::${account}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_${alias}`,
          InstanceStatus: 'ACTIVE',
          InboundCallsEnabled: true,
          OutboundCallsEnabled: random() < 0.7,
          InstanceAccessUrl: legacyUrl ? `https://${alias}.awsapps.com/connect/` : `https://${alias}.my.connect.aws/`,
        };
        summaries.push(summary);

        // Recordings bucket of this instance, with its own key or the shared one.
        const bucket = `connect-${account}-${region}-${i}`;
        const ownKey = random() < 0.3 ? newKey(region) : undefined;
        const key = ownKey ?? sharedKey;
        const bucketVariant = pick<BucketVariant>(random, [
          ['compliant', 65],
          ['put-only-deny', 10],
          ['no-policy', 8],
          ['aws-managed-default', 8],
          ['policy-denied', 4],
          ['missing', 3],
          ['foreign', 2],
        ]);
        buckets[bucket] = bucketEvidence(bucket, account, region, bucketVariant, key.arn);
        // Storage configs name the key by ARN, by alias, or (non-compliant) by the AWS managed alias.
        const keyReference = pick(random, [
          ['arn', 75],
          ['alias', 15],
          ['aws-managed', 10],
        ] as const);
        const reference = keyReference === 'arn' ? key.arn : keyReference === 'alias' ? key.alias : 'alias/aws/connect';
        addKey(key.arn, key);
        if (keyReference === 'alias') addKey(key.alias, key);
        const encryption = { EncryptionType: 'KMS', KeyId: reference };
        const s3 = (association: number, prefix: string, target = bucket, encrypted = true): InstanceStorageConfig => ({
          AssociationId: `${id.slice(0, 8)}-assoc-${association}`,
          StorageType: 'S3',
          S3Config: { BucketName: target, BucketPrefix: `connect/${alias}/${prefix}`, ...(encrypted ? { EncryptionConfig: encryption } : {}) },
        });
        grantees.set(key.arn, [...(grantees.get(key.arn) ?? []), summary.ServiceRole]);
        const stream = (association: number, name: string): InstanceStorageConfig => {
          const streamArn = `arn:aws:kinesis:${region}:${account}:stream/${alias}-${name}`;
          // Every fifth instance's streams are unencrypted; the others use the account-region key.
          const encrypted = i % 5 !== 4;
          kinesisStreams[streamArn] = {
            readAs: account,
            describeStreamSummary: ok({
              StreamDescriptionSummary: {
                StreamName: `${alias}-${name}`,
                StreamARN: streamArn,
                StreamStatus: 'ACTIVE',
                StreamModeDetails: { StreamMode: 'ON_DEMAND' },
                RetentionPeriodHours: 24,
                StreamCreationTimestamp: '2024-03-04T10:00:00.000Z',
                EncryptionType: encrypted ? 'KMS' : 'NONE',
                ...(encrypted ? { KeyId: sharedKey.arn } : {}),
                OpenShardCount: 4,
                ConsumerCount: 1,
              },
            }),
          };
          return { AssociationId: `${id.slice(0, 8)}-assoc-${association}`, StorageType: 'KINESIS_STREAM', KinesisStreamConfig: { StreamArn: streamArn } };
        };

        const configs: Record<string, InstanceStorageConfig[]> = Object.fromEntries(STORAGE_RESOURCE_TYPES.map((t) => [t, []]));
        // Ends with a separator, so that no instance's prefix begins another's (`cc-…-3-` and `cc-…-30-`):
        // ListStreams BEGINS_WITH would list the other instance's streams too.
        const mediaPrefix = `${alias}-media-`;
        configs.CALL_RECORDINGS = [s3(1, 'CallRecordings')];
        configs.CHAT_TRANSCRIPTS = [s3(2, 'ChatTranscripts')];
        if (random() < 0.5) configs.SCHEDULED_REPORTS = [s3(3, 'Reports', reportsBucket, random() < 0.5)];
        if (random() < 0.7) {
          configs.MEDIA_STREAMS = [
            {
              AssociationId: `${id.slice(0, 8)}-assoc-4`,
              StorageType: 'KINESIS_VIDEO_STREAM',
              KinesisVideoStreamConfig: { Prefix: mediaPrefix, RetentionPeriodHours: 24, EncryptionConfig: { EncryptionType: 'KMS', KeyId: key.arn } },
            },
          ];
        }
        if (random() < 0.6) configs.CONTACT_TRACE_RECORDS = [stream(5, 'ctr')];
        if (random() < 0.4) configs.AGENT_EVENTS = [stream(6, 'agent-events')];
        if (random() < 0.2) configs.REAL_TIME_CONTACT_ANALYSIS_SEGMENTS = [stream(7, 'rtca')];
        if (random() < 0.3) configs.ATTACHMENTS = [s3(8, 'Attachments')];
        if (random() < 0.3) configs.CONTACT_EVALUATIONS = [s3(9, 'Evaluations')];
        if (random() < 0.2) configs.SCREEN_RECORDINGS = [s3(10, 'ScreenRecordings')];
        if (random() < 0.1) configs.EMAIL_MESSAGES = [s3(11, 'EmailMessages')];

        const origins = [`https://agents-${i}.example.com`, 'https://crm.example.com'];
        if (random() < 0.3) origins.push(random() < 0.5 ? 'http://legacy-crm.example.com' : 'https://*.example.com');

        // Flow logs on for every other instance, in a log group with the instance's key every other time.
        const flowLogs = i % 2 === 0;
        const videoStream = (n: number): VideoStreamInfo => ({
          DeviceName: 'Amazon Connect',
          StreamName: `${mediaPrefix}connect-${alias}-contact-${uuid(0x7669, instanceCounter * 8 + n)}`,
          StreamARN: `arn:aws:kinesisvideo:${region}:${account}:stream/${mediaPrefix}connect-${alias}-contact-${uuid(0x7669, instanceCounter * 8 + n)}/1709550000${n}`,
          MediaType: 'audio/aac',
          KmsKeyId: key.arn,
          Version: `v${n}`,
          Status: 'ACTIVE',
          CreationTime: '2024-03-04T10:00:00.000Z',
          DataRetentionInHours: 24,
        });
        instances[id] = {
          describeInstance: ok({ Instance: { ...summary, Tags: { env: 'prod', team: `contact-centre-${a}` } } }),
          storageConfigs: Object.fromEntries(Object.entries(configs).map(([type, list]) => [type, ok(list)])),
          approvedOrigins: ok(origins),
          attributes: ok(INSTANCE_ATTRIBUTES.map((t, n) => ({ AttributeType: t, Value: (t === 'CONTACTFLOW_LOGS' ? flowLogs : n % 3 !== 2) ? 'true' : 'false' }))),
          ...(configs.MEDIA_STREAMS?.length ? { videoStreams: { [mediaPrefix]: ok({ StreamInfoList: [1, 2, 3].map(videoStream) }) } } : {}),
          ...(flowLogs
            ? {
                contactFlowLogGroups: ok([
                  {
                    logGroupName: `/aws/connect/${alias}`,
                    creationTime: 1709546400000,
                    retentionInDays: 365,
                    storedBytes: 1048576,
                    arn: `arn:aws:logs:${region}:${account}:log-group:/aws/connect/${alias}:*`,
                    ...(i % 4 === 0 ? { kmsKeyId: key.arn } : {}),
                  },
                ]),
              }
            : {}),
        };
      }

      const evidence: RegionEvidence = { region, listInstances: ok(summaries), instances, directories: {} };
      if (usesDirectory) {
        const { descriptions, records } = directoryRecords(random, account, region, regions.length);
        evidence.describeDirectories = ok(descriptions);
        evidence.directories = records;
      }
      regions.push(evidence);
    }

    for (const record of Object.values(keys)) {
      const arn = record.describeKey.status === 'ok' ? record.describeKey.response.KeyMetadata.Arn : undefined;
      record.grants = ok((arn ? (grantees.get(arn) ?? []) : []).map((role, n) => connectGrant(arn ?? '', account, role, n)));
    }
    accounts.push({
      accountId: account,
      regions,
      buckets: sortKeys(buckets),
      keys: sortKeys(keys),
      // No account-level Block Public Access (what the emulator answers without a record): each bucket's own settings decide.
      publicAccessBlock: absent('NoSuchPublicAccessBlockConfiguration'),
      kinesisStreams: sortKeys(kinesisStreams),
    });
  }

  const first = accounts[0]?.accountId ?? '200000000000';
  return {
    schemaVersion: EVIDENCE_SCHEMA_VERSION,
    kind: EVIDENCE_KIND,
    collectedAt: '2026-11-28T12:00:00.000Z',
    tool: { name: 'connect-netpath-audit', version: 'bench' },
    collectedBy: { Account: first, Arn: `arn:aws:sts::${first}:assumed-role/ConnectAuditor/bench`, UserId: 'AROABENCH:bench' },
    accounts,
  };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Instances in a document. */
export function countInstances(doc: EvidenceDocument): number {
  return doc.accounts.reduce((n, a) => n + a.regions.reduce((m, r) => m + Object.keys(r.instances).length, 0), 0);
}
