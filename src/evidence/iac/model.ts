/**
 * What a Terraform plan or a CloudFormation template says about the resources the rules read, before
 * anything is applied. Each reader (terraform/, cloudformation/) turns its input into this model;
 * `to-evidence.ts` turns the model into the same evidence document a live collection writes, so the
 * rules do not know where their evidence came from.
 *
 * Values are in the SDK's own shapes (the responses the live collector would store), with two
 * differences:
 * - a value the input cannot know before apply is an `Unknown` naming what is unknown; never a guess;
 * - a resource the input creates but whose identifier is only assigned at apply (a new key's ARN, a
 *   bucket named by `bucket_prefix`) gets a placeholder identifier from `placeholder*` below, and every
 *   reference to it uses the same placeholder, so the links between resources follow the references
 *   even when the values are unknown.
 *
 * Links are by identifier string only: a storage config's bucket name, a bucket default key, an alias
 * target. A string naming nothing the input manages is a resource the input references but does not
 * manage ("not managed by this plan").
 */
import type {
  DeliveryStreamDescription,
  DirectoryDescription,
  GrantListEntry,
  InstanceStorageConfig,
  KeyMetadata,
  LogGroup,
  PublicAccessBlockConfiguration,
  StreamDescriptionSummary,
} from '../model.js';

/** A value the input cannot know before apply. `detail` names it: `aws_s3_bucket_policy.rec: policy`. */
export class Unknown {
  constructor(readonly detail: string) {}
}
export type Planned<T> = T | Unknown;

export function isUnknown(value: unknown): value is Unknown {
  return value instanceof Unknown;
}

/** Where a resource is written: the file (absolute path) and 1-based line of its block. */
export interface SourceRef {
  file: string;
  line: number;
  /** Terraform resource address (`module.rec.aws_s3_bucket.this["a"]`). */
  address?: string;
  /** CloudFormation logical id. */
  logicalId?: string;
  /** 1-based line of each argument or nested block the resource writes (Terraform), or property (CloudFormation). */
  attributes?: Readonly<Record<string, number>>;
}

interface Located {
  /** Where the resource is written; undefined when no source file placed it (the plan alone was given). */
  source: SourceRef | undefined;
  /** Address or logical id: how messages name the resource. */
  name: string;
  /** Set when whether the resource is created at all cannot be known (a CloudFormation condition unknown before deploy). */
  exists?: Unknown | undefined;
}

/** `create` (new or replaced: AWS defaults apply to what the code leaves out) or `update` (exists already, including no-op). */
export type Lifecycle = 'create' | 'update';

export interface IacInstance extends Located {
  lifecycle: Lifecycle;
  /** Instance id and ARN: known for an existing instance, else `placeholderInstanceId(name)` and its ARN. */
  id: string;
  arn: string;
  region: string;
  alias: Planned<string | undefined>;
  identityManagementType: Planned<string>;
  /** `directory_id` / `DirectoryId`: the directory pinned by the code (id or placeholder of a managed one). */
  directoryId: Planned<string | undefined>;
  /** `service_role` of an existing instance (known in the plan); a created one's is assigned at apply. */
  serviceRole?: string | undefined;
  inboundCallsEnabled?: boolean | undefined;
  outboundCallsEnabled?: boolean | undefined;
  /** Instance attributes as ListInstanceAttributes names them (`CONTACTFLOW_LOGS` → "true"/"false"). */
  attributes: Planned<Array<{ AttributeType: string; Value: string }>>;
}

/** An instance the input references by a literal id or ARN but does not manage. */
export interface IacInstanceReference {
  id: string;
  arn: string | undefined;
  region: string;
  /** The resource that named it (a storage config): where its findings point. */
  referencedBy: Located;
}

export interface IacStorageConfig extends Located {
  /** Id of the instance (an `IacInstance.id` or an `IacInstanceReference.id`). */
  instanceId: string;
  /** InstanceStorageResourceType as Connect names it: CALL_RECORDINGS, CHAT_TRANSCRIPTS, … */
  resourceType: string;
  config: Planned<InstanceStorageConfig>;
  /**
   * `create`: the association is made at apply (AssociateInstanceStorageConfig, which creates the KMS
   * grant for the instance service role on an S3 config's key); `update`: it exists already.
   * Undefined when the reader cannot tell.
   */
  lifecycle?: Lifecycle | undefined;
}

export interface IacApprovedOrigin extends Located {
  instanceId: string;
  origin: Planned<string>;
}

export interface IacBucket extends Located {
  lifecycle: Lifecycle;
  /** The bucket name: known, or `placeholderBucketName(name)`. */
  bucketName: string;
  region: string;
}

/**
 * One part of a bucket's configuration, from its own resource (Terraform's split `aws_s3_bucket_*`
 * resources, `AWS::S3::BucketPolicy`) or from the bucket resource itself (inline arguments,
 * `AWS::S3::Bucket` properties). Values are the Get* responses' shapes; a part the code leaves out of
 * a created bucket is AWS's default for new buckets, applied by to-evidence.
 */
export type IacBucketPart = Located & { bucketName: string } & (
    | { part: 'policy'; value: Planned<string> }
    | { part: 'encryption'; value: Planned<{ Rules: Array<{ ApplyServerSideEncryptionByDefault?: { SSEAlgorithm: string; KMSMasterKeyID?: string }; BucketKeyEnabled?: boolean }> }> }
    | { part: 'publicAccessBlock'; value: Planned<PublicAccessBlockConfiguration> }
    | { part: 'ownershipControls'; value: Planned<{ Rules: Array<{ ObjectOwnership: string }> }> }
    | { part: 'acl'; value: Planned<{ cannedAcl?: string; Grants?: Array<{ Grantee?: { Type?: string; URI?: string; ID?: string }; Permission?: string }> }> }
  );

export interface IacAccountPublicAccessBlock extends Located {
  value: Planned<PublicAccessBlockConfiguration>;
}

export interface IacKey extends Located {
  lifecycle: Lifecycle;
  /** Key ARN: known, or `placeholderKeyArn(...)`. */
  arn: string;
  region: string;
  /** DescribeKey's metadata as far as the code sets it (KeyUsage, KeySpec, Enabled, MultiRegion, Origin). */
  metadata: Planned<Partial<KeyMetadata>>;
  rotation: Planned<{ KeyRotationEnabled: boolean; RotationPeriodInDays?: number }>;
  /** The key policy JSON text; undefined when the code sets none (AWS's default key policy then applies). */
  policy: Planned<string | undefined>;
}

/** `aws_kms_key_policy`: a key policy set by its own resource (wins over the key's own `policy`). */
export interface IacKeyPolicy extends Located {
  keyArn: string;
  policy: Planned<string>;
}

/** `aws_kms_grant`: a grant the code makes on a key (CloudFormation has no grant resource). */
export interface IacGrant extends Located {
  keyArn: string;
  grant: Planned<GrantListEntry>;
}

export interface IacAlias extends Located {
  /** `alias/…` */
  aliasName: string;
  /** The target key's ARN or id as the code names it (placeholder ARN for a managed key). */
  targetKey: string;
  region: string;
}

export interface IacDirectory extends Located {
  lifecycle: Lifecycle;
  /** Directory id: known, or `placeholderDirectoryId(name)`. */
  directoryId: string;
  region: string;
  description: Planned<DirectoryDescription>;
}

/**
 * `aws_directory_service_radius_settings`: RADIUS MFA set by its own resource. Whether the directory
 * reaches RadiusStatus Completed is only known at apply.
 */
export interface IacDirectoryRadius extends Located {
  /** Id of the directory (an `IacDirectory.directoryId` or an existing directory's id). */
  directoryId: string;
  settings: Planned<NonNullable<DirectoryDescription['RadiusSettings']>>;
}

export interface IacKinesisStream extends Located {
  lifecycle: Lifecycle;
  /** Stream ARN: known, or `placeholderArn('kinesis', …)`. */
  arn: string;
  region: string;
  summary: Planned<StreamDescriptionSummary>;
}

export interface IacDeliveryStream extends Located {
  lifecycle: Lifecycle;
  arn: string;
  region: string;
  description: Planned<DeliveryStreamDescription>;
}

export interface IacLogGroup extends Located {
  lifecycle: Lifecycle;
  logGroupName: string;
  region: string;
  logGroup: Planned<LogGroup>;
}

export interface IacModel {
  tool: 'terraform' | 'cloudformation';
  /** The input files (absolute paths): the plan, or the templates. */
  inputs: string[];
  /** The account the resources are created in, when the input says (else a placeholder, with a warning). */
  accountId: string | undefined;
  partition: string;
  /** Notices for the report (an unresolvable location, an account taken from a placeholder). */
  warnings: string[];
  instances: IacInstance[];
  instanceReferences: IacInstanceReference[];
  storageConfigs: IacStorageConfig[];
  approvedOrigins: IacApprovedOrigin[];
  buckets: IacBucket[];
  bucketParts: IacBucketPart[];
  accountPublicAccessBlock: IacAccountPublicAccessBlock | undefined;
  keys: IacKey[];
  keyPolicies: IacKeyPolicy[];
  grants: IacGrant[];
  aliases: IacAlias[];
  directories: IacDirectory[];
  directoryRadius: IacDirectoryRadius[];
  kinesisStreams: IacKinesisStream[];
  deliveryStreams: IacDeliveryStream[];
  logGroups: IacLogGroup[];
}

export function emptyModel(tool: IacModel['tool'], inputs: string[], partition = 'aws'): IacModel {
  return {
    tool,
    inputs,
    accountId: undefined,
    partition,
    warnings: [],
    instances: [],
    instanceReferences: [],
    storageConfigs: [],
    approvedOrigins: [],
    buckets: [],
    bucketParts: [],
    accountPublicAccessBlock: undefined,
    keys: [],
    keyPolicies: [],
    grants: [],
    aliases: [],
    directories: [],
    directoryRadius: [],
    kinesisStreams: [],
    deliveryStreams: [],
    logGroups: [],
  };
}

/**
 * The account used when the input does not say which account it deploys to (a CloudFormation
 * template, a plan without `aws_caller_identity`): ARNs the code builds from `AWS::AccountId` or the
 * caller identity use it too, so the rules' same-account comparisons still hold.
 */
export const PLACEHOLDER_ACCOUNT = '000000000000';

/** Identifiers assigned at apply: derived from the resource's name, marked so no one mistakes them for real ones. */
const slug = (name: string) => name.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase() || 'resource';
export const PLACEHOLDER_MARK = 'known-after-apply';

/** A name assigned at apply (a stream, log group or role named by no argument). */
export function placeholderName(name: string): string {
  return `${PLACEHOLDER_MARK}-${slug(name)}`;
}
export function placeholderInstanceId(name: string): string {
  return `${PLACEHOLDER_MARK}-${slug(name)}`;
}
export function placeholderBucketName(name: string): string {
  return `${PLACEHOLDER_MARK}-${slug(name)}`.slice(0, 63);
}
export function placeholderKeyArn(partition: string, region: string, accountId: string, name: string): string {
  return `arn:${partition}:kms:${region}:${accountId}:key/${PLACEHOLDER_MARK}-${slug(name)}`;
}
export function placeholderDirectoryId(name: string): string {
  return `d-${PLACEHOLDER_MARK}-${slug(name)}`;
}
export function instanceArnOf(partition: string, region: string, accountId: string, id: string): string {
  return `arn:${partition}:connect:${region}:${accountId}:instance/${id}`;
}
