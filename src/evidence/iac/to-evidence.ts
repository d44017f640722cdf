/**
 * Infrastructure code → the evidence document the rules read, and where each resource is written.
 *
 * Every call the live collector would make gets the answer AWS would give once the code is applied,
 * as far as the code decides it:
 * - a value the code sets is that answer; one it sets but cannot know before apply is an error
 *   `UnknownUntilApply`;
 * - what the code leaves out of a resource it creates is AWS's documented default for new resources
 *   (S3: SSE-S3, Block Public Access on, ACLs disabled, no bucket policy; KMS: the default key policy,
 *   rotation off, no grants besides the code's own);
 * - anything else — a resource it names but does not manage, a part of an existing resource it does not
 *   set, state AWS or Connect only creates at run time — is an error `NotManagedByPlan`, never guessed.
 */
import { bucketNameOfArn, contactFlowLogGroupName, isAwsManagedAlias, keyIdOfArn, keyLookupId, kmsArnRegion, kmsReferenceArn } from '../aws-names.js';
import type {
  AccountEvidence,
  DirectoryDescription,
  BucketEvidence,
  Call,
  ConnectInstanceEvidence,
  DirectoryEvidence,
  EvidenceDocument,
  InstanceStorageConfig,
  KeyEvidence,
  RegionEvidence,
} from '../model.js';
import { EVIDENCE_KIND, EVIDENCE_SCHEMA_VERSION } from '../model.js';
import { NOT_MANAGED_BY_PLAN, UNKNOWN_UNTIL_APPLY } from '../operations.js';
import { STORAGE_RESOURCE_TYPES } from '../../paths/hops.js';
import { groupBy } from '../../collections.js';
import { TOOL_NAME, TOOL_VERSION } from '../../version.js';
import {
  isUnknown,
  PLACEHOLDER_ACCOUNT,
  Unknown,
  type IacBucket,
  type IacAlias,
  type IacApprovedOrigin,
  type IacBucketPart,
  type IacDirectory,
  type IacGrant,
  type IacKeyPolicy,
  type IacStorageConfig,
  type IacInstance,
  type IacKey,
  type IacModel,
  type Planned,
  type SourceRef,
  instanceArnOf,
} from './model.js';


/** Where each resource the evidence names is written, by the ARN or name the rules report it under. */
export interface SourceIndex {
  /** Resource ARN (as the rules build it) → the resource's own block. */
  readonly byArn: ReadonlyMap<string, SourceRef>;
  /** `ARN|operation` → the block that decides that call's answer (a bucket's policy resource, a key's policy resource). */
  readonly byOperation: ReadonlyMap<string, SourceRef>;
  /** `instance ARN|resource type` → the storage config block. */
  readonly storageConfigs: ReadonlyMap<string, SourceRef>;
}

export interface PlanEvidence {
  evidence: EvidenceDocument;
  sources: SourceIndex;
  warnings: string[];
}

const ok = <T>(response: T): Call<T> => ({ status: 'ok', response });
const unknownCall = <T>(detail: string): Call<T> => ({ status: 'error', error: { code: UNKNOWN_UNTIL_APPLY, message: `${detail} is unknown until apply` } });
/** `plural`: the message says "are" (the grants, the settings). */
const unmanaged = <T>(what: string, plural = false): Call<T> => ({ status: 'error', error: { code: NOT_MANAGED_BY_PLAN, message: `${what} ${plural ? 'are' : 'is'} not managed by this plan` } });
const absent = <T>(code: string, message: string): Call<T> => ({ status: 'absent', code, message });

/** A planned value as a call: known → ok; unknown → UnknownUntilApply. */
function planned<T, R>(value: Planned<T>, answer: (known: T) => R): Call<R> {
  return isUnknown(value) ? unknownCall(value.detail) : ok(answer(value));
}

/** S3 canned ACLs as the grants GetBucketAcl then returns (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl). */
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';
const group = (uri: string, permission: string) => ({ Grantee: { Type: 'Group', URI: uri }, Permission: permission });
const CANNED_ACL_GRANTS: Record<string, Array<{ Grantee: { Type: string; URI: string }; Permission: string }>> = {
  private: [],
  'public-read': [group(ALL_USERS, 'READ')],
  'public-read-write': [group(ALL_USERS, 'READ'), group(ALL_USERS, 'WRITE')],
  'authenticated-read': [group(AUTHENTICATED_USERS, 'READ')],
  'log-delivery-write': [group(LOG_DELIVERY, 'WRITE'), group(LOG_DELIVERY, 'READ_ACP')],
  // The object owner's grants only; nothing for the bucket itself beyond the owner.
  'bucket-owner-read': [],
  'bucket-owner-full-control': [],
  'aws-exec-read': [],
};

/**
 * AWS's default key policy for a key created without one: the account's root user may use every KMS
 * action, so IAM policies decide (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
 */
export function defaultKeyPolicy(partition: string, accountId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: 'kms:*', Resource: '*' }],
  });
}

/**
 * Connect creates its service-linked role with the instance; its name ends in a suffix AWS picks, so
 * the plan's stands for it (https://docs.aws.amazon.com/connect/latest/adminguide/connect-slr.html).
 */
function connectServiceRole(partition: string, accountId: string, instanceId: string): string {
  return `arn:${partition}:iam::${accountId}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_${instanceId}`;
}

class Builder {
  readonly byArn = new Map<string, SourceRef>();
  readonly byOperation = new Map<string, SourceRef>();
  readonly storageConfigs = new Map<string, SourceRef>();
  readonly accountId: string;
  readonly warnings: string[];

  readonly index: ModelIndex;
  /** Each bucket's deciding parts, computed once. */
  private readonly bucketParts = new Map<string, Map<IacBucketPart['part'], Planned<IacBucketPart>>>();

  constructor(readonly model: IacModel) {
    this.accountId = model.accountId ?? PLACEHOLDER_ACCOUNT;
    this.warnings = [...model.warnings];
    this.index = new ModelIndex(model);
  }

  partsOf(name: string, owner: string | undefined): Map<IacBucketPart['part'], Planned<IacBucketPart>> {
    let parts = this.bucketParts.get(name);
    if (!parts) this.bucketParts.set(name, (parts = partsOf(this.index, name, owner)));
    return parts;
  }

  place(arn: string, source: SourceRef | undefined, operations: readonly string[] = []): void {
    if (!source) return;
    if (operations.length === 0) {
      if (!this.byArn.has(arn)) this.byArn.set(arn, source);
      return;
    }
    for (const op of operations) this.byOperation.set(`${arn}|${op}`, source);
  }
}


/**
 * The model's links, grouped once: a 5,000-resource plan looks each resource's parts up by name
 * instead of scanning every part for every resource.
 */
class ModelIndex {
  readonly parts: Map<string, IacBucketPart[]>;
  /** The first part of each kind whose bucket is unknown until apply. */
  readonly unresolvedParts = new Map<IacBucketPart['part'], IacBucketPart>();
  readonly configs: Map<string, IacStorageConfig[]>;
  readonly danglingConfigs = new Map<string, IacStorageConfig>();
  readonly origins: Map<string, IacApprovedOrigin[]>;
  readonly danglingOrigin: IacApprovedOrigin | undefined;
  readonly keyPolicies: Map<string, IacKeyPolicy[]>;
  readonly grants: Map<string, IacGrant[]>;
  readonly danglingPolicy: IacKeyPolicy | undefined;
  readonly danglingGrant: IacGrant | undefined;
  readonly aliases: Map<string, IacAlias[]>;
  readonly instances: Map<string, IacInstance>;
  /** Key ARN, key id and alias names (bare and ARN) → the managed key. */
  readonly keys = new Map<string, IacKey>();

  constructor(model: IacModel) {
    this.parts = groupBy(model.bucketParts, (p) => p.bucketName);
    for (const part of model.bucketParts) if (!isBucketName(part.bucketName) && !this.unresolvedParts.has(part.part)) this.unresolvedParts.set(part.part, part);
    this.instances = new Map(model.instances.map((i) => [i.id, i]));
    this.configs = groupBy(model.storageConfigs, (c) => `${c.instanceId}|${c.resourceType}`);
    for (const config of model.storageConfigs) if (!this.namesAnInstance(config.instanceId) && !this.danglingConfigs.has(config.resourceType)) this.danglingConfigs.set(config.resourceType, config);
    this.origins = groupBy(model.approvedOrigins, (o) => o.instanceId);
    this.danglingOrigin = model.approvedOrigins.find((o) => !this.namesAnInstance(o.instanceId));
    for (const key of model.keys) {
      this.keys.set(key.arn, key);
      const id = keyIdOfArn(key.arn);
      if (id) this.keys.set(id, key);
    }
    for (const alias of model.aliases) {
      const key = this.keys.get(alias.targetKey);
      if (!key) continue;
      this.keys.set(alias.aliasName, key);
      this.keys.set(`arn:${model.partition}:kms:${alias.region}:${model.accountId ?? PLACEHOLDER_ACCOUNT}:${alias.aliasName}`, key);
    }
    this.keyPolicies = groupBy(model.keyPolicies, (p) => p.keyArn);
    this.grants = groupBy(model.grants, (g) => g.keyArn);
    this.danglingPolicy = model.keyPolicies.find((p) => !this.namesAKey(p.keyArn));
    this.danglingGrant = model.grants.find((g) => !this.namesAKey(g.keyArn));
    this.aliases = groupBy(model.aliases, (a) => a.targetKey);
  }

  /** A reference that names a key: one of the model's, or a real key ARN, id or alias (unmanaged); else it stands for a key unknown until apply. */
  namesAKey(reference: string): boolean {
    return this.keys.has(reference) || /^(?:arn:[^:]+:kms:[^:]*:\d{12}:(?:key|alias)\/|alias\/|[0-9a-f-]{36}$|mrk-)/.test(reference);
  }

  /** An instance id or ARN: of the model, or a real one the code names; else a reference unknown until apply. */
  namesAnInstance(id: string): boolean {
    return this.instances.has(id) || /^(?:arn:[^:]+:connect:[^:]+:\d{12}:instance\/)?[0-9a-f-]{36}$/.test(id);
  }
}

// ---- S3 ---------------------------------------------------------------------------------------

function bucketArn(partition: string, name: string): string {
  return `arn:${partition}:s3:::${name}`;
}

/** S3 bucket names have no colon or space: a part whose bucket is such a name is tied to a bucket unknown until apply. */
const isBucketName = (name: string) => !/[:\s]/.test(name);

/**
 * The parts that decide a bucket's answers. A part set by its own resource wins over the bucket's
 * inline argument (Terraform's split resources); two resources setting the same part of one bucket, or a
 * part whose bucket is unknown until apply (it may be this bucket's), leave that part unknown.
 */
function partsOf(index: ModelIndex, name: string, owner: string | undefined): Map<IacBucketPart['part'], Planned<IacBucketPart>> {
  const parts = new Map<IacBucketPart['part'], Planned<IacBucketPart>>();
  const mine = index.parts.get(name) ?? [];
  for (const kind of new Set([...mine.map((p) => p.part), ...index.unresolvedParts.keys()])) {
    const own = mine.filter((p) => p.part === kind);
    const split = own.filter((p) => p.name !== owner);
    const unresolved = index.unresolvedParts.get(kind);
    const [first, second] = split.length > 0 ? split : own;
    if (first?.exists) parts.set(kind, first.exists);
    else if (second) parts.set(kind, new Unknown(`which of ${first?.name ?? '?'} and ${second.name} sets the ${kind} of bucket ${name}`));
    else if (first) parts.set(kind, first);
    else if (unresolved && owner !== undefined) parts.set(kind, new Unknown(`${unresolved.name}, whose bucket may be ${name}: its bucket`));
  }
  return parts;
}

const PART_OPERATIONS: Record<IacBucketPart['part'], readonly string[]> = {
  policy: ['s3:GetBucketPolicy', 's3:GetBucketPolicyStatus'],
  encryption: ['s3:GetBucketEncryption'],
  publicAccessBlock: ['s3:GetPublicAccessBlock'],
  ownershipControls: ['s3:GetBucketOwnershipControls'],
  acl: ['s3:GetBucketAcl'],
};

/** The answers AWS gives for a new bucket's settings the code leaves out (see the file comment). */
const NEW_BUCKET_DEFAULTS: {
  encryption: NonNullable<BucketEvidence['encryption']>;
  publicAccessBlock: NonNullable<BucketEvidence['publicAccessBlock']>;
  ownershipControls: NonNullable<BucketEvidence['ownershipControls']>;
} = {
  encryption: ok({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] } }),
  publicAccessBlock: ok({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }),
  ownershipControls: ok({ OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }),
};

/**
 * A bucket's answers: each part the code sets, else (created bucket) AWS's default, else (existing or
 * unmanaged bucket) "not managed by this plan".
 */
function bucketEvidenceOf(b: Builder, name: string, bucket: IacBucket | undefined, referencedBy: SourceRef | undefined): BucketEvidence {
  const { model, accountId } = b;
  const arn = bucketArn(model.partition, name);
  if (bucket) b.place(arn, bucket.source);
  else b.place(arn, referencedBy);
  const parts = b.partsOf(name, bucket?.name);
  for (const [kind, part] of parts) if (!isUnknown(part)) b.place(arn, part.source, PART_OPERATIONS[kind]);
  const created = bucket?.lifecycle === 'create';
  const missing = (what: string) => unmanaged<never>(bucket ? `the ${what} of existing bucket ${name} (${bucket.name} does not set it)` : `the ${what} of bucket ${name}`);
  /** The call for one part: the code's value, unknown, or what AWS has when the code says nothing. */
  function call<K extends IacBucketPart['part'], R>(kind: K, answer: (value: Extract<IacBucketPart, { part: K }>['value'] extends Planned<infer V> ? V : never) => Call<R>, otherwise: Call<R>): Call<R> {
    const part = parts.get(kind);
    if (part === undefined) return otherwise;
    if (isUnknown(part)) return unknownCall(part.detail);
    return isUnknown(part.value) ? unknownCall(part.value.detail) : answer(part.value as never);
  }

  const policy: NonNullable<BucketEvidence['policy']> = call('policy', (Policy) => ok({ Policy }), created ? absent('NoSuchBucketPolicy', 'The bucket policy does not exist') : missing('bucket policy'));
  // S3 decides whether a policy is public (GetBucketPolicyStatus) at apply; no policy is never public.
  const policyStatus: BucketEvidence['policyStatus'] =
    policy.status === 'absent' ? absent('NoSuchBucketPolicy', 'The bucket policy does not exist') : policy.status === 'error' ? policy : unknownCall(`whether S3 judges the policy of bucket ${name} public (GetBucketPolicyStatus)`);
  const owner = { ID: `canonical-user-of-${accountId}` };
  const ownerGrant = { Grantee: { Type: 'CanonicalUser', ID: owner.ID }, Permission: 'FULL_CONTROL' };
  const acl: BucketEvidence['acl'] = call(
    'acl',
    (value) =>
      value.cannedAcl !== undefined && !(value.cannedAcl in CANNED_ACL_GRANTS)
        ? unknownCall(`the grants of canned ACL ${value.cannedAcl} on bucket ${name}`)
        : ok({ Owner: owner, Grants: [ownerGrant, ...(value.Grants ?? []), ...(value.cannedAcl ? (CANNED_ACL_GRANTS[value.cannedAcl] ?? []) : [])] }),
    created ? ok({ Owner: owner, Grants: [ownerGrant] }) : missing('ACL'),
  );
  return {
    expectedBucketOwner: accountId,
    location: bucket?.exists ? unknownCall(bucket.exists.detail) : bucket ? ok(bucket.region === 'us-east-1' ? {} : { LocationConstraint: bucket.region }) : unmanaged(`bucket ${name}`),
    encryption: call('encryption', (config) => ok({ ServerSideEncryptionConfiguration: config }), created ? NEW_BUCKET_DEFAULTS.encryption : missing('default encryption')),
    policy,
    policyStatus,
    publicAccessBlock: call('publicAccessBlock', (config) => ok({ PublicAccessBlockConfiguration: config }), created ? NEW_BUCKET_DEFAULTS.publicAccessBlock : missing('Block Public Access settings')),
    ownershipControls: call('ownershipControls', (controls) => ok({ OwnershipControls: controls }), created ? NEW_BUCKET_DEFAULTS.ownershipControls : missing('object ownership')),
    acl,
  };
}

// ---- KMS --------------------------------------------------------------------------------------

function managedKey(b: Builder, key: IacKey, reference: string, region: string, connectRoles: readonly string[]): KeyEvidence {
  const { model, accountId } = b;
  b.place(key.arn, key.source);
  const policyResources = b.index.keyPolicies.get(key.arn) ?? [];
  const [policyResource, secondPolicy] = policyResources;
  if (policyResource) b.place(key.arn, policyResource.source, ['kms:GetKeyPolicy']);
  // A key policy or grant whose key is unknown until apply may be this key's.
  const { danglingPolicy, danglingGrant } = b.index;
  const id = keyIdOfArn(key.arn) ?? key.arn;
  const created = key.lifecycle === 'create';
  const describeKey = planned(key.exists ?? key.metadata, (metadata) => ({
    KeyMetadata: {
      KeyId: id,
      Arn: key.arn,
      AWSAccountId: accountId,
      Enabled: true,
      KeyState: metadata.Enabled === false ? 'Disabled' : 'Enabled',
      KeyManager: 'CUSTOMER',
      Origin: 'AWS_KMS',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      MultiRegion: false,
      ...metadata,
    },
  }));
  const policy: Planned<string | undefined> = secondPolicy
    ? new Unknown(`which of ${policyResource?.name ?? '?'} and ${secondPolicy.name} sets the policy of key ${key.arn}`)
    : (policyResource?.policy ?? (key.policy === undefined && danglingPolicy ? new Unknown(`${danglingPolicy.name}, whose key may be ${key.arn}: its key`) : key.policy));
  const keyPolicy: KeyEvidence['keyPolicy'] = isUnknown(policy)
    ? unknownCall(policy.detail)
    : policy !== undefined
      ? ok({ Policy: policy })
      : created
        ? ok({ Policy: defaultKeyPolicy(model.partition, accountId) })
        : unmanaged(`the key policy of existing key ${key.arn} (${key.name} does not set it)`);
  const aliases = [...(b.index.aliases.get(key.arn) ?? []), ...(id === key.arn ? [] : (b.index.aliases.get(id) ?? []))];
  const grants = b.index.grants.get(key.arn) ?? [];
  const [firstGrant] = grants;
  if (firstGrant) b.place(key.arn, firstGrant.source, ['kms:ListGrants']);
  const unknownGrant = grants.find((g) => isUnknown(g.grant));
  const grantsCall: KeyEvidence['grants'] = unknownGrant && isUnknown(unknownGrant.grant)
    ? unknownCall(unknownGrant.grant.detail)
    : danglingGrant
      ? unknownCall(`${danglingGrant.name}, whose key may be ${key.arn}: its key`)
      : created
      ? ok([
          ...grants.flatMap((g) => (isUnknown(g.grant) ? [] : [{ KeyId: key.arn, ...g.grant }])),
          ...connectRoles.map((role) => ({ KeyId: key.arn, Name: 'made by Connect when the storage config is associated', GranteePrincipal: role })),
        ])
      : unmanaged(`the grants on existing key ${key.arn} besides the code's own`, true);
  return {
    reference,
    region,
    describeKey,
    rotation: planned(key.rotation, (rotation) => rotation),
    keyPolicy,
    aliases: ok(aliases.map((a) => ({ AliasName: a.aliasName, AliasArn: `arn:${model.partition}:kms:${a.region}:${accountId}:${a.aliasName}`, TargetKeyId: id }))),
    grants: grantsCall,
  };
}

function unmanagedKey(b: Builder, reference: string, region: string, referencedBy: SourceRef | undefined): KeyEvidence {
  // Placed under the ARN the rules report an unreadable key reference by.
  b.place(kmsReferenceArn(reference, { partition: b.model.partition, region, account: b.accountId }), referencedBy);
  const call = unmanaged<never>(`KMS key ${reference}`);
  return { reference, region, describeKey: call, rotation: call, keyPolicy: call, aliases: call, grants: call };
}

// ---- The document -----------------------------------------------------------------------------

interface Reference {
  value: string;
  region: string;
  by: SourceRef | undefined;
}

class References {
  readonly buckets = new Map<string, Reference>();
  readonly keys = new Map<string, Reference>();
  readonly streams = new Map<string, Reference>();
  readonly deliveryStreams = new Map<string, Reference>();

  add(map: Map<string, Reference>, value: string | undefined, region: string, by: SourceRef | undefined): void {
    if (value === undefined || value === '') return;
    const id = map === this.keys ? keyLookupId(region, value) : value;
    if (!map.has(id)) map.set(id, { value, region, by });
  }

  /** What a storage config names: its bucket, keys, stream or delivery stream. */
  addConfig(config: InstanceStorageConfig, region: string, by: SourceRef | undefined): void {
    this.add(this.buckets, config.S3Config?.BucketName, region, by);
    this.add(this.keys, config.S3Config?.EncryptionConfig?.KeyId, region, by);
    this.add(this.keys, config.KinesisVideoStreamConfig?.EncryptionConfig.KeyId, region, by);
    this.add(this.streams, config.KinesisStreamConfig?.StreamArn, region, by);
    this.add(this.deliveryStreams, config.KinesisFirehoseConfig?.FirehoseArn, region, by);
  }
}


function instanceEvidence(b: Builder, instance: IacInstance, refs: References): ConnectInstanceEvidence {
  const { model } = b;
  b.place(instance.arn, instance.source, ['connect:DescribeInstance', 'connect:ListInstanceAttributes']);
  b.place(instance.arn, instance.source);
  const unknownField = [instance.exists, instance.alias, instance.identityManagementType].find(isUnknown);
  const alias = isUnknown(instance.alias) ? undefined : instance.alias;
  const describeInstance: ConnectInstanceEvidence['describeInstance'] = unknownField
    ? unknownCall(unknownField.detail)
    : ok({
        Instance: {
          Id: instance.id,
          Arn: instance.arn,
          IdentityManagementType: instance.identityManagementType as string,
          ...(instance.serviceRole !== undefined ? { ServiceRole: instance.serviceRole } : instance.lifecycle === 'create' ? { ServiceRole: connectServiceRole(model.partition, b.accountId, instance.id) } : {}),
          ...(alias ? { InstanceAlias: alias, InstanceAccessUrl: `https://${alias}.my.connect.aws` } : {}),
          ...(instance.inboundCallsEnabled !== undefined ? { InboundCallsEnabled: instance.inboundCallsEnabled } : {}),
          ...(instance.outboundCallsEnabled !== undefined ? { OutboundCallsEnabled: instance.outboundCallsEnabled } : {}),
        },
      });
  const storageConfigs: ConnectInstanceEvidence['storageConfigs'] = {};
  for (const type of STORAGE_RESOURCE_TYPES) {
    const configs = b.index.configs.get(`${instance.id}|${type}`) ?? [];
    const unknown = configs.find((c) => isUnknown(c.config) || c.exists);
    const dangling = b.index.danglingConfigs.get(type);
    for (const c of configs) if (c.source) b.storageConfigs.set(`${instance.arn}|${type}`, c.source);
    if (unknown) {
      storageConfigs[type] = unknownCall((unknown.exists ?? (unknown.config as Unknown)).detail);
      continue;
    }
    if (dangling) {
      storageConfigs[type] = unknownCall(`${dangling.name}, whose instance may be ${instance.name}: its instance`);
      continue;
    }
    const known = configs.flatMap((c) => (isUnknown(c.config) ? [] : [{ config: c.config, by: c.source }]));
    for (const { config, by } of known) refs.addConfig(config, instance.region, by);
    storageConfigs[type] = ok(known.map((k) => k.config));
  }
  const origins = b.index.origins.get(instance.id) ?? [];
  for (const o of origins) b.place(instance.arn, o.source, ['connect:ListApprovedOrigins']);
  const { danglingOrigin } = b.index;
  const unknownOrigin = origins.map((o) => o.exists ?? o.origin).find(isUnknown) ?? (danglingOrigin ? new Unknown(`${danglingOrigin.name}, whose instance may be ${instance.name}: its instance`) : undefined);
  const attributes = planned(instance.attributes, (list) => list);
  const flowLogsOn = !isUnknown(instance.attributes) && instance.attributes.some((a) => a.AttributeType === 'CONTACTFLOW_LOGS' && a.Value === 'true');
  const created = instance.lifecycle === 'create';
  const evidence: ConnectInstanceEvidence = {
    describeInstance,
    storageConfigs,
    approvedOrigins: unknownOrigin ? unknownCall(unknownOrigin.detail) : ok(origins.map((o) => o.origin as string)),
    attributes,
  };
  const prefixes = STORAGE_RESOURCE_TYPES.flatMap((type) => {
    const call = storageConfigs[type];
    return call?.status === 'ok' ? call.response.flatMap((c) => (c.KinesisVideoStreamConfig?.Prefix ? [c.KinesisVideoStreamConfig.Prefix] : [])) : [];
  });
  if (prefixes.length > 0) {
    // Connect creates a media stream per contact at run time: none exist before a new instance takes a call.
    evidence.videoStreams = Object.fromEntries(prefixes.map((p) => [p, created ? ok({ StreamInfoList: [] }) : unmanaged(`the Kinesis Video streams Connect created with prefix ${p}`, true)]));
  }
  if (flowLogsOn && alias) {
    const name = contactFlowLogGroupName(alias);
    const group = model.logGroups.find((g) => g.logGroupName === name && g.region === instance.region);
    if (group) {
      b.place(`arn:${model.partition}:logs:${group.region}:${b.accountId}:log-group:${name}`, group.source);
      b.place(`arn:${model.partition}:logs:${group.region}:${b.accountId}:log-group:${name}:*`, group.source);
      if (!isUnknown(group.logGroup)) refs.add(refs.keys, group.logGroup.kmsKeyId, group.region, group.source);
    }
    evidence.contactFlowLogGroups = group ? planned(group.exists ?? group.logGroup, (g) => [{ ...g, logGroupName: name }]) : unmanaged(`log group ${name}, where Connect writes the flow logs`);
  }
  return evidence;
}

function directoryArn(b: Builder, region: string, directoryId: string): string {
  return `arn:${b.model.partition}:ds:${region}:${b.accountId}:directory/${directoryId}`;
}

/**
 * The AWS provider's create waits for the directory to reach Active (waitDirectoryCreated in
 * hashicorp/terraform-provider-aws internal/service/ds: target DirectoryStageActive), so an applied plan
 * leaves a created directory Active. CloudFormation documents no such wait: its stage stays unknown.
 */
function activeAfterApply(model: IacModel, directory: IacDirectory): { Stage?: string } {
  return model.tool === 'terraform' && directory.lifecycle === 'create' ? { Stage: 'Active' } : {};
}

/**
 * RADIUS set by its own resource: its settings, and no RadiusStatus — whether the directory reaches
 * Completed is only known at apply, so the MFA rule cannot pass on it. A radius resource whose directory
 * is unknown until apply may be any directory's.
 */
function withRadius(model: IacModel, directoryId: string, description: Planned<DirectoryDescription>): Planned<DirectoryDescription> {
  if (isUnknown(description)) return description;
  const own = model.directoryRadius.filter((r) => r.directoryId === directoryId);
  const dangling = model.directoryRadius.find((r) => !model.directories.some((d) => d.directoryId === r.directoryId) && !/^d-[0-9a-f]{10}$/.test(r.directoryId));
  const [radius, second] = own;
  if (second || (!radius && dangling)) return new Unknown(second ? `which of ${radius?.name ?? '?'} and ${second.name} sets RADIUS on ${directoryId}` : `${dangling?.name ?? '?'}, whose directory may be ${directoryId}: its directory`);
  if (!radius) return description;
  if (radius.exists) return radius.exists;
  if (isUnknown(radius.settings)) return radius.settings;
  const { RadiusStatus: _status, ...rest } = description;
  return { ...rest, RadiusSettings: radius.settings };
}

/**
 * What no Terraform or CloudFormation resource sets — client-side LDAPS, certificates, settings,
 * trusts: for a directory the code creates, decided after apply; for one that exists, not managed here.
 */
function directoryEvidenceOf(directoryId: string, created: boolean): DirectoryEvidence {
  const gap = (what: string, plural = false): Call<never> => (created ? unknownCall(`${what} of new directory ${directoryId}, which no resource of the code sets,`) : unmanaged(`${what} of directory ${directoryId}`, plural));
  return {
    ldapsSettings: gap('client-side LDAPS'),
    certificates: gap('the certificates', true),
    settings: gap('the settings', true),
    trusts: gap('the trusts', true),
  };
}

/**
 * Associating an S3 storage config with a KMS key makes Connect create a grant on the key for the
 * instance's service role ("the API caller's permissions … are used to create a grant on the key with
 * the corresponding Amazon Connect instance service role as the grantee principal",
 * https://docs.aws.amazon.com/connect/latest/adminguide/key-management.html); the association fails
 * without it, so the S3 configs the plan associates stand for their grants. AWS documents no such grant for
 * the other storage types, so none is assumed there.
 */
function connectGrantees(b: Builder): Map<IacKey, string[]> {
  const { model } = b;
  const roles = new Map<IacKey, Set<string>>();
  for (const config of model.storageConfigs) {
    if (isUnknown(config.config) || config.config.StorageType !== 'S3') continue;
    const reference = config.config.S3Config?.EncryptionConfig?.KeyId;
    const instance = b.index.instances.get(config.instanceId);
    const key = reference ? b.index.keys.get(reference) : undefined;
    // The grant is made when the association is: a created instance's, or one the plan creates.
    if (!key || !instance || (instance.lifecycle !== 'create' && config.lifecycle !== 'create')) continue;
    const set = roles.get(key) ?? new Set<string>();
    set.add(instance.serviceRole ?? connectServiceRole(model.partition, b.accountId, instance.id));
    roles.set(key, set);
  }
  return new Map([...roles].map(([key, set]) => [key, [...set]]));
}

export function evidenceOfModel(model: IacModel, now: Date): PlanEvidence {
  const b = new Builder(model);
  const refs = new References();
  const regions = new Map<string, RegionEvidence>();
  const regionOf = (name: string): RegionEvidence => {
    let region = regions.get(name);
    if (!region) regions.set(name, (region = { region: name, listInstances: ok([]), instances: {}, describeDirectories: ok([]), directories: {} }));
    return region;
  };
  const directoryPins: Record<string, string> = {};

  for (const instance of model.instances) {
    const region = regionOf(instance.region);
    const evidence = instanceEvidence(b, instance, refs);
    region.instances[instance.id] = evidence;
    if (region.listInstances?.status === 'ok' && evidence.describeInstance.status === 'ok') region.listInstances.response.push(evidence.describeInstance.response.Instance);
    else if (region.listInstances?.status === 'ok') region.listInstances.response.push({ Id: instance.id, Arn: instance.arn });
    if (isUnknown(instance.directoryId)) b.warnings.push(`${instance.name}: the directory is unknown until apply (${instance.directoryId.detail}); the directory hops are judged without a pinned directory.`);
    else if (instance.directoryId) directoryPins[instance.id] = instance.directoryId;
  }
  for (const ref of model.instanceReferences) {
    const region = regionOf(ref.region);
    const arn = ref.arn ?? instanceArnOf(model.partition, ref.region, b.accountId, ref.id);
    b.place(arn, ref.referencedBy.source);
    const not = (what: string) => unmanaged<never>(`${what} of instance ${ref.id}`, what !== 'the description');
    const storageConfigs: ConnectInstanceEvidence['storageConfigs'] = {};
    for (const type of STORAGE_RESOURCE_TYPES) {
      const configs = b.index.configs.get(`${ref.id}|${type}`) ?? [];
      for (const c of configs) if (c.source) b.storageConfigs.set(`${arn}|${type}`, c.source);
      const known = configs.flatMap((c) => (isUnknown(c.config) ? [] : [c.config]));
      storageConfigs[type] = configs.length === 0 ? not(`the ${type} storage configs`) : known.length === configs.length ? ok(known) : unknownCall(`a ${type} storage config of instance ${ref.id}`);
      for (const config of known) refs.addConfig(config, ref.region, ref.referencedBy.source);
    }
    region.instances[ref.id] = { describeInstance: not('the description'), storageConfigs, approvedOrigins: not('the approved origins'), attributes: not('the attributes') };
    if (region.listInstances?.status === 'ok') region.listInstances.response.push({ Id: ref.id, Arn: arn });
  }
  for (const directory of model.directories) {
    const region = regionOf(directory.region);
    b.place(directoryArn(b, directory.region, directory.directoryId), directory.source);
    const description = withRadius(model, directory.directoryId, directory.exists ?? directory.description);
    if (region.describeDirectories?.status === 'ok' && !isUnknown(description)) region.describeDirectories.response.push({ ...activeAfterApply(model, directory), ...description, DirectoryId: directory.directoryId });
    else if (isUnknown(description)) region.describeDirectories = unknownCall(description.detail);
    region.directories[directory.directoryId] = directoryEvidenceOf(directory.directoryId, directory.lifecycle === 'create');
  }

  // A directory the code pins but does not manage: a record of what is not known about it, which the
  // directory rules report instead of "does not exist" (and --live-references reads).
  for (const instance of model.instances) {
    const pinned = isUnknown(instance.directoryId) ? undefined : instance.directoryId;
    if (pinned && !model.directories.some((d) => d.directoryId === pinned)) {
      const region = regionOf(instance.region);
      b.place(directoryArn(b, instance.region, pinned), instance.source);
      const call = unmanaged<never>(`directory ${pinned}, which ${instance.name} names,`);
      region.directories[pinned] ??= { ldapsSettings: call, certificates: call, settings: call, trusts: call };
    }
  }

  // Streams first: their keys and destinations are references too.
  const kinesisStreams: NonNullable<AccountEvidence['kinesisStreams']> = {};
  for (const stream of model.kinesisStreams) {
    b.place(stream.arn, stream.source);
    kinesisStreams[stream.arn] = { readAs: b.accountId, describeStreamSummary: planned(stream.exists ?? stream.summary, (s) => ({ StreamDescriptionSummary: { ...s, StreamARN: stream.arn } })) };
    if (!isUnknown(stream.summary)) refs.add(refs.keys, stream.summary.KeyId, stream.region, stream.source);
  }
  for (const [arn, ref] of refs.streams) if (!kinesisStreams[arn]) {
    b.place(arn, ref.by);
    kinesisStreams[arn] = { readAs: b.accountId, describeStreamSummary: unmanaged(`Kinesis data stream ${arn}`) };
  }
  const deliveryStreams: NonNullable<AccountEvidence['deliveryStreams']> = {};
  for (const stream of model.deliveryStreams) {
    b.place(stream.arn, stream.source);
    deliveryStreams[stream.arn] = { readAs: b.accountId, describeDeliveryStream: planned(stream.exists ?? stream.description, (d) => ({ DeliveryStreamDescription: { ...d, DeliveryStreamARN: stream.arn } })) };
    if (isUnknown(stream.description)) continue;
    refs.add(refs.keys, stream.description.DeliveryStreamEncryptionConfiguration?.KeyARN, stream.region, stream.source);
    for (const destination of stream.description.Destinations ?? []) {
      const s3 = destination.ExtendedS3DestinationDescription ?? destination.S3DestinationDescription;
      refs.add(refs.buckets, s3?.BucketARN ? bucketNameOfArn(s3.BucketARN) : undefined, stream.region, stream.source);
      refs.add(refs.keys, s3?.EncryptionConfiguration?.KMSEncryptionConfig?.AWSKMSKeyARN, stream.region, stream.source);
    }
  }
  for (const [arn, ref] of refs.deliveryStreams) if (!deliveryStreams[arn]) {
    b.place(arn, ref.by);
    deliveryStreams[arn] = { readAs: b.accountId, describeDeliveryStream: unmanaged(`Firehose delivery stream ${arn}`) };
  }

  const buckets: AccountEvidence['buckets'] = {};
  for (const bucket of model.buckets) {
    buckets[bucket.bucketName] = bucketEvidenceOf(b, bucket.bucketName, bucket, undefined);
    const encryption = b.partsOf(bucket.bucketName, bucket.name).get('encryption');
    if (encryption && !isUnknown(encryption) && encryption.part === 'encryption' && !isUnknown(encryption.value)) {
      for (const rule of encryption.value.Rules) refs.add(refs.keys, rule.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID, bucket.region, encryption.source);
    }
  }
  for (const [name, ref] of refs.buckets) if (!buckets[name]) buckets[name] = bucketEvidenceOf(b, name, undefined, ref.by);

  const grantees = connectGrantees(b);
  const keys: AccountEvidence['keys'] = {};
  for (const [lookup, ref] of refs.keys) {
    // The AWS managed keys' aliases need no record: the rules know them by name.
    if (isAwsManagedAlias(ref.value)) continue;
    const key = b.index.keys.get(ref.value);
    keys[lookup] = key ? managedKey(b, key, ref.value, kmsArnRegion(key.arn) ?? ref.region, grantees.get(key) ?? []) : unmanagedKey(b, ref.value, ref.region, ref.by);
  }

  const block = model.accountPublicAccessBlock;
  const account: AccountEvidence = {
    accountId: b.accountId,
    regions: [...regions.values()],
    buckets,
    keys,
    kinesisStreams,
    deliveryStreams,
    publicAccessBlock: block
      ? planned(block.value, (config) => ({ PublicAccessBlockConfiguration: config }))
      : unmanaged(`the account-level S3 Block Public Access settings of ${b.accountId}`, true),
  };
  if (block) for (const bucket of Object.keys(buckets)) b.place(bucketArn(model.partition, bucket), block.source, ['s3control:GetPublicAccessBlock']);
  const evidence: EvidenceDocument = {
    schemaVersion: EVIDENCE_SCHEMA_VERSION,
    kind: EVIDENCE_KIND,
    collectedAt: now.toISOString(),
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    ...(Object.keys(directoryPins).length > 0 ? { directoryPins } : {}),
    accounts: model.instances.length + model.instanceReferences.length > 0 ? [account] : [],
  };
  return { evidence, sources: { byArn: b.byArn, byOperation: b.byOperation, storageConfigs: b.storageConfigs }, warnings: b.warnings };
}
