/**
 * The evidence document: every AWS answer the rules read, in the SDK's own shapes and field names,
 * so the live collector stores responses without translation and `audit --snapshot` re-reads them.
 *
 * Every call is recorded as one of three outcomes (see `callOf`): the answer, a "not configured"
 * answer (which is evidence too), or the error that stopped us from knowing.
 */
import { z } from 'zod';
import { shardRecordSchema } from '../scope/shard.js';

export const EVIDENCE_SCHEMA_VERSION = '1.0';
export const EVIDENCE_KIND = 'connect-netpath-audit/evidence';

/** SDK timestamps are Date objects; in the evidence file they are ISO-8601 strings. */
const timestamp = z.string();
/** AWS adds enum values over time: enums are open strings everywhere in the evidence. */
const open = z.string();

export const callError = z.object({
  code: z.string(),
  message: z.string(),
  httpStatus: z.number().int().optional(),
});
export type CallError = z.infer<typeof callError>;

/** Outcome of one API call. `absent` is a documented "not configured" answer such as NoSuchBucketPolicy. */
export function callOf<T extends z.ZodType>(response: T) {
  return z.discriminatedUnion('status', [
    z.object({ status: z.literal('ok'), response }),
    z.object({ status: z.literal('absent'), code: z.string(), message: z.string().optional() }),
    z.object({ status: z.literal('error'), error: callError }),
  ]);
}
export type Call<T> =
  | { status: 'ok'; response: T }
  | { status: 'absent'; code: string; message?: string | undefined }
  | { status: 'error'; error: CallError };

// ---- Amazon Connect -------------------------------------------------------------------------

export const connectInstance = z.looseObject({
  Id: z.string(),
  Arn: z.string(),
  IdentityManagementType: open.optional(),
  InstanceAlias: z.string().optional(),
  CreatedTime: timestamp.optional(),
  ServiceRole: z.string().optional(),
  InstanceStatus: open.optional(),
  InboundCallsEnabled: z.boolean().optional(),
  OutboundCallsEnabled: z.boolean().optional(),
  InstanceAccessUrl: z.string().optional(),
  Tags: z.record(z.string(), z.string()).optional(),
});
export type ConnectInstance = z.infer<typeof connectInstance>;

export const instanceSummary = connectInstance.omit({ Tags: true });

const encryptionConfig = z.looseObject({ EncryptionType: open, KeyId: z.string() });

export const instanceStorageConfig = z.looseObject({
  AssociationId: z.string().optional(),
  StorageType: open,
  S3Config: z
    .looseObject({ BucketName: z.string(), BucketPrefix: z.string().optional(), EncryptionConfig: encryptionConfig.optional() })
    .optional(),
  KinesisVideoStreamConfig: z
    .looseObject({ Prefix: z.string().optional(), RetentionPeriodHours: z.number().optional(), EncryptionConfig: encryptionConfig })
    .optional(),
  KinesisStreamConfig: z.looseObject({ StreamArn: z.string() }).optional(),
  KinesisFirehoseConfig: z.looseObject({ FirehoseArn: z.string() }).optional(),
});
export type InstanceStorageConfig = z.infer<typeof instanceStorageConfig>;

export const instanceAttribute = z.looseObject({ AttributeType: open.optional(), Value: z.string().optional() });

// ---- Kinesis Video Streams and CloudWatch Logs (per instance) --------------------------------

export const videoStreamInfo = z.looseObject({
  DeviceName: z.string().optional(),
  StreamName: z.string().optional(),
  StreamARN: z.string().optional(),
  MediaType: z.string().optional(),
  KmsKeyId: z.string().optional(),
  Version: z.string().optional(),
  Status: open.optional(),
  CreationTime: timestamp.optional(),
  DataRetentionInHours: z.number().optional(),
});
export type VideoStreamInfo = z.infer<typeof videoStreamInfo>;

export const logGroup = z.looseObject({
  logGroupName: z.string().optional(),
  creationTime: z.number().optional(),
  retentionInDays: z.number().optional(),
  metricFilterCount: z.number().optional(),
  arn: z.string().optional(),
  logGroupArn: z.string().optional(),
  storedBytes: z.number().optional(),
  kmsKeyId: z.string().optional(),
  dataProtectionStatus: open.optional(),
  logGroupClass: open.optional(),
});
export type LogGroup = z.infer<typeof logGroup>;

export const connectInstanceEvidence = z.object({
  /** DescribeInstance response. */
  describeInstance: callOf(z.looseObject({ Instance: connectInstance })),
  /** ListInstanceStorageConfigs, all pages, keyed by InstanceStorageResourceType. */
  storageConfigs: z.record(z.string(), callOf(z.array(instanceStorageConfig))),
  /** ListApprovedOrigins, all pages. */
  approvedOrigins: callOf(z.array(z.string())),
  /** ListInstanceAttributes, all pages. */
  attributes: callOf(z.array(instanceAttribute)),
  /**
   * Kinesis Video ListStreams with StreamNameCondition BEGINS_WITH the MEDIA_STREAMS config's prefix,
   * keyed by that prefix; first page only (bounded: a sample of the streams Connect created).
   */
  videoStreams: z.record(z.string(), callOf(z.looseObject({ StreamInfoList: z.array(videoStreamInfo), NextToken: z.string().optional() }))).optional(),
  /**
   * CloudWatch Logs DescribeLogGroups with logGroupNamePrefix `/aws/connect/<instance alias>`, all
   * pages; read when the CONTACTFLOW_LOGS attribute is true.
   */
  contactFlowLogGroups: callOf(z.array(logGroup)).optional(),
});
export type ConnectInstanceEvidence = z.infer<typeof connectInstanceEvidence>;

// ---- Directory Service ----------------------------------------------------------------------

export const directoryDescription = z.looseObject({
  DirectoryId: z.string(),
  Name: z.string().optional(),
  ShortName: z.string().optional(),
  Alias: z.string().optional(),
  AccessUrl: z.string().optional(),
  Type: open.optional(),
  Stage: open.optional(),
  StageReason: z.string().optional(),
  Size: open.optional(),
  Edition: open.optional(),
  RadiusSettings: z
    .looseObject({
      RadiusServers: z.array(z.string()).optional(),
      RadiusPort: z.number().optional(),
      AuthenticationProtocol: open.optional(),
    })
    .optional(),
  RadiusStatus: open.optional(),
  ConnectSettings: z.looseObject({}).optional(),
  VpcSettings: z.looseObject({}).optional(),
});
export type DirectoryDescription = z.infer<typeof directoryDescription>;

export const ldapsSettingInfo = z.looseObject({
  LDAPSStatus: open.optional(),
  LDAPSStatusReason: z.string().optional(),
  LastUpdatedDateTime: timestamp.optional(),
});
export const certificateInfo = z.looseObject({
  CertificateId: z.string().optional(),
  CommonName: z.string().optional(),
  State: open.optional(),
  ExpiryDateTime: timestamp.optional(),
  Type: open.optional(),
});
export type CertificateInfo = z.infer<typeof certificateInfo>;
export const settingEntry = z.looseObject({
  Type: z.string().optional(),
  Name: z.string().optional(),
  AppliedValue: z.string().optional(),
  RequestedValue: z.string().optional(),
  AllowedValues: z.string().optional(),
  RequestStatus: open.optional(),
});
export type SettingEntry = z.infer<typeof settingEntry>;

export const trust = z.looseObject({
  DirectoryId: z.string().optional(),
  TrustId: z.string().optional(),
  RemoteDomainName: z.string().optional(),
  TrustType: open.optional(),
  TrustDirection: open.optional(),
  TrustState: open.optional(),
  TrustStateReason: z.string().optional(),
  SelectiveAuth: open.optional(),
});
export type Trust = z.infer<typeof trust>;

export const directoryEvidence = z.object({
  /** DescribeLDAPSSettings(Type=Client), all pages. */
  ldapsSettings: callOf(z.array(ldapsSettingInfo)),
  /** ListCertificates, all pages. */
  certificates: callOf(z.array(certificateInfo)),
  /** DescribeSettings, all pages; `absent` (UnsupportedOperationException) for directory types without settings. */
  settings: callOf(z.array(settingEntry)),
  /**
   * DescribeTrusts, all pages; read for AWS Managed Microsoft AD, where client-side LDAPS protects
   * the traffic to a self-managed domain reached over a trust.
   */
  trusts: callOf(z.array(trust)).optional(),
});
export type DirectoryEvidence = z.infer<typeof directoryEvidence>;

// ---- Amazon S3 ------------------------------------------------------------------------------

const grantee = z.looseObject({
  Type: open.optional(),
  URI: z.string().optional(),
  ID: z.string().optional(),
  DisplayName: z.string().optional(),
  EmailAddress: z.string().optional(),
});

const publicAccessBlockConfiguration = z.looseObject({
  BlockPublicAcls: z.boolean().optional(),
  IgnorePublicAcls: z.boolean().optional(),
  BlockPublicPolicy: z.boolean().optional(),
  RestrictPublicBuckets: z.boolean().optional(),
});
export type PublicAccessBlockConfiguration = z.infer<typeof publicAccessBlockConfiguration>;

export const bucketEvidence = z.object({
  /** The account sent as ExpectedBucketOwner on every call below. */
  expectedBucketOwner: z.string(),
  /** GetBucketLocation with ExpectedBucketOwner; NoSuchBucket is recorded as `absent`. */
  location: callOf(z.looseObject({ LocationConstraint: z.string().optional() })),
  /**
   * GetBucketLocation without ExpectedBucketOwner, made only when the call above was refused with
   * 403: a bucket answering here but not there belongs to another account.
   */
  ownerProbe: callOf(z.looseObject({ LocationConstraint: z.string().optional() })).optional(),
  encryption: callOf(
    z.looseObject({
      ServerSideEncryptionConfiguration: z
        .looseObject({
          Rules: z
            .array(
              z.looseObject({
                ApplyServerSideEncryptionByDefault: z
                  .looseObject({ SSEAlgorithm: open, KMSMasterKeyID: z.string().optional() })
                  .optional(),
                BucketKeyEnabled: z.boolean().optional(),
              }),
            )
            .optional(),
        })
        .optional(),
    }),
  ).optional(),
  /** GetBucketPolicy: the raw policy JSON text, exactly as S3 returned it. */
  policy: callOf(z.looseObject({ Policy: z.string().optional() })).optional(),
  policyStatus: callOf(z.looseObject({ PolicyStatus: z.looseObject({ IsPublic: z.boolean().optional() }).optional() })).optional(),
  publicAccessBlock: callOf(z.looseObject({ PublicAccessBlockConfiguration: publicAccessBlockConfiguration.optional() })).optional(),
  ownershipControls: callOf(
    z.looseObject({
      OwnershipControls: z.looseObject({ Rules: z.array(z.looseObject({ ObjectOwnership: open.optional() })).optional() }).optional(),
    }),
  ).optional(),
  /** GetBucketAcl: who the bucket ACL grants access to (public when it names AllUsers or AuthenticatedUsers). */
  acl: callOf(
    z.looseObject({
      Owner: z.looseObject({ ID: z.string().optional(), DisplayName: z.string().optional() }).optional(),
      Grants: z.array(z.looseObject({ Grantee: grantee.optional(), Permission: open.optional() })).optional(),
    }),
  ).optional(),
  /**
   * HeadBucket without ExpectedBucketOwner, made only when GetBucketLocation was refused both with and
   * without it: any answer but 404 shows the bucket exists (whoever owns it).
   */
  headBucket: callOf(z.looseObject({ BucketRegion: z.string().optional() })).optional(),
});
export type BucketEvidence = z.infer<typeof bucketEvidence>;

// ---- AWS KMS --------------------------------------------------------------------------------

export const keyMetadata = z.looseObject({
  AWSAccountId: z.string().optional(),
  KeyId: z.string(),
  Arn: z.string().optional(),
  Enabled: z.boolean().optional(),
  Description: z.string().optional(),
  KeyUsage: open.optional(),
  KeyState: open.optional(),
  DeletionDate: timestamp.optional(),
  Origin: open.optional(),
  KeyManager: open.optional(),
  KeySpec: open.optional(),
  /** Deprecated name of KeySpec; older answers may carry only this one. */
  CustomerMasterKeySpec: open.optional(),
  CreationDate: timestamp.optional(),
  CustomKeyStoreId: z.string().optional(),
  MultiRegion: z.boolean().optional(),
  MultiRegionConfiguration: z
    .looseObject({
      MultiRegionKeyType: open.optional(),
      PrimaryKey: z.looseObject({ Arn: z.string().optional(), Region: z.string().optional() }).optional(),
    })
    .optional(),
});
export type KeyMetadata = z.infer<typeof keyMetadata>;

export const grantListEntry = z.looseObject({
  KeyId: z.string().optional(),
  GrantId: z.string().optional(),
  Name: z.string().optional(),
  CreationDate: timestamp.optional(),
  GranteePrincipal: z.string().optional(),
  RetiringPrincipal: z.string().optional(),
  IssuingAccount: z.string().optional(),
  Operations: z.array(open).optional(),
  Constraints: z
    .looseObject({ EncryptionContextSubset: z.record(z.string(), z.string()).optional(), EncryptionContextEquals: z.record(z.string(), z.string()).optional() })
    .optional(),
});
export type GrantListEntry = z.infer<typeof grantListEntry>;

export const keyEvidence = z.object({
  /** The key reference exactly as the storage config or bucket named it. */
  reference: z.string(),
  /** The region the reference was resolved in. */
  region: z.string(),
  describeKey: callOf(z.looseObject({ KeyMetadata: keyMetadata })),
  rotation: callOf(
    z.looseObject({ KeyRotationEnabled: z.boolean().optional(), RotationPeriodInDays: z.number().optional() }),
  ).optional(),
  keyPolicy: callOf(z.looseObject({ Policy: z.string().optional() })).optional(),
  aliases: callOf(
    z.array(z.looseObject({ AliasName: z.string().optional(), AliasArn: z.string().optional(), TargetKeyId: z.string().optional() })),
  ).optional(),
  /** ListGrants, all pages; read for keys a storage config, stream, delivery stream or log group names. */
  grants: callOf(z.array(grantListEntry)).optional(),
  /** ListKeyRotations, all pages; read for keys with imported key material (Origin EXTERNAL), which rotate on demand only. */
  rotations: callOf(
    z.array(z.looseObject({ KeyId: z.string().optional(), RotationDate: timestamp.optional(), RotationType: open.optional(), ImportState: open.optional() })),
  ).optional(),
});
export type KeyEvidence = z.infer<typeof keyEvidence>;



// ---- Kinesis Data Streams and Amazon Data Firehose (per account, keyed by ARN) ----------------

export const streamDescriptionSummary = z.looseObject({
  StreamName: z.string().optional(),
  StreamARN: z.string().optional(),
  StreamStatus: open.optional(),
  StreamModeDetails: z.looseObject({ StreamMode: open.optional() }).optional(),
  RetentionPeriodHours: z.number().optional(),
  StreamCreationTimestamp: timestamp.optional(),
  EncryptionType: open.optional(),
  KeyId: z.string().optional(),
  OpenShardCount: z.number().optional(),
  ConsumerCount: z.number().optional(),
});
export type StreamDescriptionSummary = z.infer<typeof streamDescriptionSummary>;

export const kinesisStreamEvidence = z.object({
  /** The account whose credentials read the stream (its owner when the run can reach it, else the instance's). */
  readAs: z.string().optional(),
  describeStreamSummary: callOf(z.looseObject({ StreamDescriptionSummary: streamDescriptionSummary })),
});
export type KinesisStreamEvidence = z.infer<typeof kinesisStreamEvidence>;

const s3EncryptionConfiguration = z.looseObject({
  NoEncryptionConfig: open.optional(),
  KMSEncryptionConfig: z.looseObject({ AWSKMSKeyARN: z.string() }).optional(),
});
const s3DestinationDescription = z.looseObject({
  RoleARN: z.string().optional(),
  BucketARN: z.string().optional(),
  Prefix: z.string().optional(),
  ErrorOutputPrefix: z.string().optional(),
  CompressionFormat: open.optional(),
  EncryptionConfiguration: s3EncryptionConfiguration.optional(),
});
export type S3DestinationDescription = z.infer<typeof s3DestinationDescription>;

export const firehoseDestination = z.looseObject({
  DestinationId: z.string().optional(),
  S3DestinationDescription: s3DestinationDescription.optional(),
  ExtendedS3DestinationDescription: s3DestinationDescription.optional(),
});
export type FirehoseDestination = z.infer<typeof firehoseDestination>;

export const deliveryStreamDescription = z.looseObject({
  DeliveryStreamName: z.string().optional(),
  DeliveryStreamARN: z.string().optional(),
  DeliveryStreamStatus: open.optional(),
  DeliveryStreamType: open.optional(),
  DeliveryStreamEncryptionConfiguration: z
    .looseObject({ KeyARN: z.string().optional(), KeyType: open.optional(), Status: open.optional(), FailureDescription: z.looseObject({}).optional() })
    .optional(),
  Destinations: z.array(firehoseDestination).optional(),
  HasMoreDestinations: z.boolean().optional(),
  CreateTimestamp: timestamp.optional(),
  LastUpdateTimestamp: timestamp.optional(),
});
export type DeliveryStreamDescription = z.infer<typeof deliveryStreamDescription>;

export const deliveryStreamEvidence = z.object({
  readAs: z.string().optional(),
  /** DescribeDeliveryStream, every page of destinations joined into one description. */
  describeDeliveryStream: callOf(z.looseObject({ DeliveryStreamDescription: deliveryStreamDescription })),
});
export type DeliveryStreamEvidence = z.infer<typeof deliveryStreamEvidence>;

// ---- The document ---------------------------------------------------------------------------

export const regionEvidence = z.object({
  region: z.string(),
  /** ListInstances (all pages), or the instance ids pinned with --instance-id when it was not called. */
  listInstances: callOf(z.array(instanceSummary)).optional(),
  /** Keyed by Connect instance id. */
  instances: z.record(z.string(), connectInstanceEvidence),
  /** DescribeDirectories (all pages) in this account and region. */
  describeDirectories: callOf(z.array(directoryDescription)).optional(),
  /** Keyed by directory id. */
  directories: z.record(z.string(), directoryEvidence),
});
export type RegionEvidence = z.infer<typeof regionEvidence>;

export const accountEvidence = z.object({
  accountId: z.string().regex(/^\d{12}$/, 'an AWS account id has 12 digits'),
  /** Set when the account itself could not be reached (for example AssumeRole was refused). */
  error: callError.extend({ operation: z.string() }).optional(),
  regions: z.array(regionEvidence),
  /** Keyed by bucket name. Buckets are read with this account as the expected owner. */
  buckets: z.record(z.string(), bucketEvidence),
  /** Keyed by `keyLookupId(region, reference)`. */
  keys: z.record(z.string(), keyEvidence),
  /**
   * S3 Control GetPublicAccessBlock for the account: S3 applies the most restrictive combination of
   * these and each bucket's own settings. Read once per account when a bucket is audited.
   */
  publicAccessBlock: callOf(z.looseObject({ PublicAccessBlockConfiguration: publicAccessBlockConfiguration.optional() })).optional(),
  /**
   * ListBuckets (all pages): the buckets this account owns. Read only when a bucket refuses
   * GetBucketLocation both with and without ExpectedBucketOwner, to tell foreign-owned from unreadable.
   */
  listBuckets: callOf(z.array(z.looseObject({ Name: z.string().optional(), CreationDate: timestamp.optional(), BucketRegion: z.string().optional() }))).optional(),
  /** Kinesis data streams storage configs name, keyed by stream ARN (files written before these were read lack it). */
  kinesisStreams: z.record(z.string(), kinesisStreamEvidence).optional(),
  /** Firehose delivery streams storage configs name, keyed by delivery stream ARN. */
  deliveryStreams: z.record(z.string(), deliveryStreamEvidence).optional(),
});
export type AccountEvidence = z.infer<typeof accountEvidence>;

export const evidenceDocument = z.object({
  schemaVersion: z.literal(EVIDENCE_SCHEMA_VERSION),
  kind: z.literal(EVIDENCE_KIND),
  collectedAt: z.string(),
  tool: z.object({ name: z.string(), version: z.string() }).optional(),
  /** STS GetCallerIdentity of the identity that collected the evidence. */
  collectedBy: z.looseObject({ Account: z.string().optional(), Arn: z.string().optional(), UserId: z.string().optional() }).optional(),
  /** Directory pinned per instance (id or ARN) at collection time, from --directory-id or the config file. */
  directoryPins: z.record(z.string(), z.string()).optional(),
  /**
   * The storage resource types collected (`--resource-types`, as Connect names them). Absent in files
   * written before it was recorded: then every type was collected.
   */
  resourceTypes: z.array(z.string()).optional(),
  /** How the run chose what to collect: `--shard K/N` (absent: everything in scope). */
  collection: z.object({ shard: shardRecordSchema.optional() }).optional(),
  accounts: z.array(accountEvidence),
});
export type EvidenceDocument = z.infer<typeof evidenceDocument>;

export { keyLookupId } from './aws-names.js';
