/**
 * What AWS answers once infrastructure code is applied, as evidence the emulator serves: written from
 * AWS's documented behaviour for new resources, never from the plan reader (see
 * /work/research/issue13-facts.md §C for the pages each default comes from).
 */
import type {
  AccountEvidence,
  BucketEvidence,
  ConnectInstanceEvidence,
  DeliveryStreamEvidence,
  EvidenceDocument,
  FirehoseDestination,
  GrantListEntry,
  InstanceStorageConfig,
  KeyEvidence,
  KinesisStreamEvidence,
  LogGroup,
  RegionEvidence,
} from '../../../src/evidence/model.js';
import { keyLookupId } from '../../../src/evidence/model.js';
import { STORAGE_RESOURCE_TYPES } from '../../../src/paths/hops.js';
import { absent, ok } from '../../helpers/evidence.js';

export { absent, ok };

/** The canonical user id S3 shows for a bucket owner in ACLs (any 64 hex digits: the rules compare grantee types, not ids). */
export const OWNER_ID = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';

/** A bucket policy denying requests without TLS and, with `oldTls`, TLS below 1.2. */
export function tlsPolicy(bucket: string, { oldTls = true, principal = '*' as unknown } = {}): string {
  const resources = [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`];
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: principal, Action: 's3:*', Resource: resources, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ...(oldTls ? [{ Sid: 'DenyOldTls', Effect: 'Deny', Principal: principal, Action: 's3:*', Resource: resources, Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } }] : []),
    ],
  });
}

/** The key policy KMS attaches to a key created without one (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html). */
export function defaultKeyPolicy(account: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }],
  });
}

/** Connect's service-linked role for an instance; AWS picks the suffix. */
export function connectServiceRole(account: string, suffix: string): string {
  return `arn:aws:iam::${account}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_${suffix}`;
}

/**
 * The grant Connect creates on the key of an S3 storage config when it is associated, with the
 * instance service role as grantee (https://docs.aws.amazon.com/connect/latest/adminguide/key-management.html).
 * AWS does not document its operations; the rules read only the grantee.
 */
export function connectGrant(keyArn: string, account: string, serviceRole: string, grantId: string): GrantListEntry {
  return { KeyId: keyArn, GrantId: grantId, GranteePrincipal: serviceRole, IssuingAccount: `arn:aws:iam::${account}:root`, Operations: ['Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey'] };
}

export interface InstanceSpec {
  id: string;
  alias: string;
  account: string;
  region: string;
  serviceRole: string;
  /** Default CONNECT_MANAGED, inbound and outbound calls on, flow logs off. */
  identity?: 'CONNECT_MANAGED' | 'SAML' | 'EXISTING_DIRECTORY';
  inbound?: boolean;
  outbound?: boolean;
  contactFlowLogs?: boolean;
  /** Storage configs by resource type; every other type has none (CreateInstance attaches no storage). */
  storage?: Partial<Record<string, InstanceStorageConfig[]>>;
  approvedOrigins?: string[];
  /** DescribeLogGroups under /aws/connect/<alias>, read when flow logs are on. */
  flowLogGroups?: LogGroup[];
  /** MEDIA_STREAMS prefixes: Connect creates a Kinesis video stream per contact, so right after apply ListStreams lists none. */
  videoStreamPrefixes?: string[];
}

export interface DeployedInstance {
  summary: Record<string, unknown> & { Id: string; Arn: string };
  evidence: ConnectInstanceEvidence;
}

/** DescribeInstance, ListInstanceStorageConfigs, ListApprovedOrigins and ListInstanceAttributes of an ACTIVE instance. */
export function instance(given: InstanceSpec): DeployedInstance {
  const spec = { identity: 'CONNECT_MANAGED', inbound: true, outbound: true, contactFlowLogs: false, ...given };
  const described = {
    Id: spec.id,
    Arn: `arn:aws:connect:${spec.region}:${spec.account}:instance/${spec.id}`,
    IdentityManagementType: spec.identity,
    InstanceAlias: spec.alias,
    CreatedTime: '2026-12-01T11:00:00.000Z',
    ServiceRole: spec.serviceRole,
    InstanceStatus: 'ACTIVE',
    InboundCallsEnabled: spec.inbound,
    OutboundCallsEnabled: spec.outbound,
    InstanceAccessUrl: `https://${spec.alias}.my.connect.aws`,
  };
  const storageConfigs = Object.fromEntries(STORAGE_RESOURCE_TYPES.map((t) => [t, ok(spec.storage?.[t] ?? [])])) as ConnectInstanceEvidence['storageConfigs'];
  const flag = (on: boolean) => (on ? 'true' : 'false');
  const evidence: ConnectInstanceEvidence = {
    describeInstance: ok({ Instance: described }),
    storageConfigs,
    approvedOrigins: ok(spec.approvedOrigins ?? []),
    attributes: ok([
      { AttributeType: 'INBOUND_CALLS', Value: flag(spec.inbound) },
      { AttributeType: 'OUTBOUND_CALLS', Value: flag(spec.outbound) },
      { AttributeType: 'CONTACTFLOW_LOGS', Value: flag(spec.contactFlowLogs) },
      { AttributeType: 'CONTACT_LENS', Value: 'true' },
      { AttributeType: 'AUTO_RESOLVE_BEST_VOICES', Value: 'true' },
      { AttributeType: 'USE_CUSTOM_TTS_VOICES', Value: 'false' },
      { AttributeType: 'EARLY_MEDIA', Value: 'true' },
      { AttributeType: 'MULTI_PARTY_CONFERENCE', Value: 'false' },
    ]),
    ...(spec.contactFlowLogs ? { contactFlowLogGroups: ok(spec.flowLogGroups ?? []) } : {}),
    ...(spec.videoStreamPrefixes ? { videoStreams: Object.fromEntries(spec.videoStreamPrefixes.map((prefix) => [prefix, ok({ StreamInfoList: [] })])) } : {}),
  };
  return { summary: described, evidence };
}

/** An S3 storage config as ListInstanceStorageConfigs returns it. */
export function s3Config(associationId: string, bucket: string, prefix: string, keyId?: string): InstanceStorageConfig {
  return { AssociationId: associationId, StorageType: 'S3', S3Config: { BucketName: bucket, BucketPrefix: prefix, ...(keyId ? { EncryptionConfig: { EncryptionType: 'KMS', KeyId: keyId } } : {}) } };
}

export interface BucketSpec {
  account: string;
  region: string;
  /** GetBucketPolicy's text; undefined: no policy (NoSuchBucketPolicy). */
  policy?: string | undefined;
  /** GetBucketPolicyStatus when there is a policy. */
  policyIsPublic?: boolean;
  /** Default encryption: a KMS key ARN (SSE-KMS), else SSE-S3 — S3's base level for every bucket since January 2023. */
  kmsKey?: string | undefined;
  bucketKey?: boolean;
  /** Block Public Access: all four on by default for buckets created since April 2023; `null`: none configured. */
  publicAccessBlock?: BucketEvidence['publicAccessBlock'] | null;
  /** Object Ownership: BucketOwnerEnforced (ACLs disabled) by default for new buckets. */
  objectOwnership?: string;
  /** Grants besides the owner's FULL_CONTROL. */
  extraGrants?: Array<{ Grantee: { Type: string; URI?: string; ID?: string }; Permission: string }>;
}

/** The Get* answers of a bucket; what `spec` leaves out is S3's default for a new bucket. */
export function bucket(name: string, spec: BucketSpec): BucketEvidence {
  const allOn = ok({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } });
  const sse = spec.kmsKey
    ? { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: spec.kmsKey }
    : { SSEAlgorithm: 'AES256' };
  return {
    expectedBucketOwner: spec.account,
    location: ok(spec.region === 'us-east-1' ? {} : { LocationConstraint: spec.region }),
    encryption: ok({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: sse, BucketKeyEnabled: spec.bucketKey ?? false }] } }),
    policy: spec.policy === undefined ? absent('NoSuchBucketPolicy') : ok({ Policy: spec.policy }),
    policyStatus: spec.policy === undefined ? absent('NoSuchBucketPolicy') : ok({ PolicyStatus: { IsPublic: spec.policyIsPublic ?? false } }),
    publicAccessBlock: spec.publicAccessBlock === null ? absent('NoSuchPublicAccessBlockConfiguration') : (spec.publicAccessBlock ?? allOn),
    ownershipControls: ok({ OwnershipControls: { Rules: [{ ObjectOwnership: spec.objectOwnership ?? 'BucketOwnerEnforced' }] } }),
    acl: ok({ Owner: { ID: OWNER_ID }, Grants: [{ Grantee: { Type: 'CanonicalUser', ID: OWNER_ID }, Permission: 'FULL_CONTROL' }, ...(spec.extraGrants ?? [])] }),
  };
}

export interface KeySpec {
  account: string;
  region: string;
  keyId: string;
  /** How the storage config, bucket, stream or log group names the key (the record's `reference`). */
  reference?: string;
  description?: string;
  /** The key policy; undefined: KMS's default key policy. */
  policy?: string;
  rotation: boolean;
  rotationPeriodInDays?: number;
  aliases?: string[];
  grants?: GrantListEntry[];
}

export function keyArnOf(spec: { account: string; region: string; keyId: string }): string {
  return `arn:aws:kms:${spec.region}:${spec.account}:key/${spec.keyId}`;
}

/** A symmetric customer managed key as DescribeKey, GetKeyRotationStatus, GetKeyPolicy, ListAliases and ListGrants show it. */
export function customerKey(spec: KeySpec): [string, KeyEvidence] {
  const arn = keyArnOf(spec);
  const reference = spec.reference ?? arn;
  return [
    keyLookupId(spec.region, reference),
    {
      reference,
      region: spec.region,
      describeKey: ok({
        KeyMetadata: {
          AWSAccountId: spec.account,
          KeyId: spec.keyId,
          Arn: arn,
          CreationDate: '2026-12-01T11:00:00.000Z',
          Enabled: true,
          ...(spec.description === undefined ? {} : { Description: spec.description }),
          KeyUsage: 'ENCRYPT_DECRYPT',
          KeyState: 'Enabled',
          Origin: 'AWS_KMS',
          KeyManager: 'CUSTOMER',
          KeySpec: 'SYMMETRIC_DEFAULT',
          CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
          MultiRegion: false,
        },
      }),
      // RotationPeriodInDays: 365 unless set (EnableKeyRotation); GetKeyRotationStatus omits it when rotation is off.
      rotation: ok(spec.rotation ? { KeyRotationEnabled: true, RotationPeriodInDays: spec.rotationPeriodInDays ?? 365 } : { KeyRotationEnabled: false }),
      keyPolicy: ok({ Policy: spec.policy ?? defaultKeyPolicy(spec.account) }),
      aliases: ok((spec.aliases ?? []).map((name) => ({ AliasName: name, AliasArn: `arn:aws:kms:${spec.region}:${spec.account}:${name}`, TargetKeyId: spec.keyId }))),
      grants: ok(spec.grants ?? []),
    },
  ];
}

/** DescribeStreamSummary of an ACTIVE Kinesis data stream. */
export function kinesisStream(arn: string, name: string, details: { mode: 'ON_DEMAND' | 'PROVISIONED'; shards: number; keyId?: string }): [string, KinesisStreamEvidence] {
  return [
    arn,
    {
      describeStreamSummary: ok({
        StreamDescriptionSummary: {
          StreamName: name,
          StreamARN: arn,
          StreamStatus: 'ACTIVE',
          StreamModeDetails: { StreamMode: details.mode },
          RetentionPeriodHours: 24,
          StreamCreationTimestamp: '2026-12-01T11:00:00.000Z',
          EncryptionType: details.keyId ? 'KMS' : 'NONE',
          ...(details.keyId ? { KeyId: details.keyId } : {}),
          OpenShardCount: details.shards,
          ConsumerCount: 0,
        },
      }),
    },
  ];
}

/** DescribeDeliveryStream of an ACTIVE DirectPut delivery stream. */
export function deliveryStream(
  arn: string,
  encryption: { KeyType: string; KeyARN?: string } | undefined,
  destinations: FirehoseDestination[],
): [string, DeliveryStreamEvidence] {
  const name = arn.replace(/^.*:deliverystream\//, '');
  return [
    arn,
    {
      describeDeliveryStream: ok({
        DeliveryStreamDescription: {
          DeliveryStreamName: name,
          DeliveryStreamARN: arn,
          DeliveryStreamStatus: 'ACTIVE',
          DeliveryStreamType: 'DirectPut',
          // Without SSE, DescribeDeliveryStream reports the configuration as DISABLED.
          DeliveryStreamEncryptionConfiguration: encryption ? { ...encryption, Status: 'ENABLED' } : { Status: 'DISABLED' },
          Destinations: destinations,
          HasMoreDestinations: false,
          CreateTimestamp: '2026-12-01T11:00:00.000Z',
        },
      }),
    },
  ];
}

export interface AccountSpec {
  account: string;
  region: string;
  instances: DeployedInstance[];
  buckets?: Record<string, BucketEvidence>;
  keys?: Array<[string, KeyEvidence]>;
  kinesisStreams?: Array<[string, KinesisStreamEvidence]>;
  deliveryStreams?: Array<[string, DeliveryStreamEvidence]>;
  /** S3 Control GetPublicAccessBlock; default none configured (NoSuchPublicAccessBlockConfiguration). */
  publicAccessBlock?: AccountEvidence['publicAccessBlock'];
}

/** One account, one region: the document the emulator answers from. */
export function deployment(spec: AccountSpec): EvidenceDocument {
  const region: RegionEvidence = {
    region: spec.region,
    listInstances: ok(spec.instances.map((i) => i.summary) as never),
    instances: Object.fromEntries(spec.instances.map((i) => [i.summary.Id, i.evidence])),
    describeDirectories: ok([]),
    directories: {},
  };
  return {
    schemaVersion: '1.0',
    kind: 'connect-netpath-audit/evidence',
    collectedAt: '2026-12-01T12:00:00.000Z',
    accounts: [
      {
        accountId: spec.account,
        regions: [region],
        buckets: spec.buckets ?? {},
        publicAccessBlock: spec.publicAccessBlock ?? absent('NoSuchPublicAccessBlockConfiguration'),
        keys: Object.fromEntries(spec.keys ?? []),
        ...(spec.kinesisStreams ? { kinesisStreams: Object.fromEntries(spec.kinesisStreams) } : {}),
        ...(spec.deliveryStreams ? { deliveryStreams: Object.fromEntries(spec.deliveryStreams) } : {}),
      },
    ],
  };
}

/** One fixture and the state AWS holds once it is applied. */
export interface PlanCase {
  name: string;
  /** The account and region the code deploys to (the emulator's caller and the audits' --region). */
  account: string;
  region: string;
  /** Plan-mode flags: the fixture, plus whatever the deployment adds (--account-id, --parameters). */
  plan: string[];
  deployed: () => EvidenceDocument;
  /**
   * What the code leaves unknown until apply, read from the code (the value's address or what S3 or KMS
   * decides at apply): --live-references cannot read it either, so those findings stay ERROR there too.
   */
  unknownUntilApply?: RegExp;
  /** `instance hop rule resource-type` verdicts the code cannot decide because it only names the resource: ERROR "not managed by this plan" without --live-references. */
  notManaged?: string[];
}
