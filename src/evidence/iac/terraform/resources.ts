/**
 * One mapping per AWS provider resource type → the model, in the SDK shapes the live collector
 * stores. Argument names are the hashicorp/aws provider's (registry.terraform.io/providers/hashicorp/aws,
 * source internal/service/<service>/*.go); nested blocks are JSON arrays in the plan even when they
 * hold one item (json-format: "lists, sets, and tuples all lower to JSON arrays").
 */
import { isUnknown, PLACEHOLDER_ACCOUNT, Unknown, type IacBucketPart, type IacModel, type Planned } from '../model.js';
import type { DeliveryStreamDescription, DirectoryDescription, GrantListEntry, InstanceStorageConfig, KeyMetadata, PublicAccessBlockConfiguration } from '../../model.js';
import type { Instance } from './graph.js';
import { InputError } from '../../../errors.js';
import { need, planned, Reader, UnknownValue, type Context, type Identifiers } from './values.js';

type Mapper = (r: Reader, out: Mapping) => void;
interface Mapping {
  model: IacModel;
  ids: Identifiers;
  ctx: Context;
  /** Located + name of the resource being mapped. */
  base: { source: IacModel['buckets'][number]['source']; name: string };
  region: string;
  /** Work done once every resource is mapped (what an unresolvable reference may apply to). */
  deferred: Array<() => void>;
}

const compact = <T extends Record<string, unknown>>(object: T): T => {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object;
};

/**
 * aws_connect_instance arguments → the ListInstanceAttributes types they set
 * (internal/service/connect InstanceAttributeMapping: "contact_flow_logs_enabled" ↔ CONTACTFLOW_LOGS, …).
 */
const INSTANCE_ATTRIBUTES: ReadonlyArray<[string, string]> = [
  ['auto_resolve_best_voices_enabled', 'AUTO_RESOLVE_BEST_VOICES'],
  ['contact_flow_logs_enabled', 'CONTACTFLOW_LOGS'],
  ['contact_lens_enabled', 'CONTACT_LENS'],
  ['early_media_enabled', 'EARLY_MEDIA'],
  ['inbound_calls_enabled', 'INBOUND_CALLS'],
  ['outbound_calls_enabled', 'OUTBOUND_CALLS'],
  ['multi_party_conference_enabled', 'MULTI_PARTY_CONFERENCE'],
  ['multi_party_chat_conference_enabled', 'MULTI_PARTY_CHAT_CONFERENCE'],
];

/** Connect's instance reference of a storage config / approved origin: a managed instance's id, or an instance the plan does not manage. */
function instanceIdOf(r: Reader, out: Mapping): string {
  const value = r.link(['instance_id'], 'instance');
  if (typeof value === 'string') {
    const managed = out.model.instances.find((i) => i.id === value || i.arn === value);
    if (managed) return managed.id;
    const arn = /^arn:[^:]+:connect:([^:]+):\d{12}:instance\/([^/]+)$/.exec(value);
    const id = arn?.[2] ?? value;
    if (!out.model.instanceReferences.some((ref) => ref.id === id)) {
      out.model.instanceReferences.push({ id, arn: arn ? value : undefined, region: arn?.[1] ?? out.region, referencedBy: out.base });
    }
    return id;
  }
  // No single instance is referenced: an id naming no instance (neither managed nor an instance id),
  // which to-evidence reads as "its instance is unknown until apply", never as a guess.
  const id = `${r.instance.address}: instance_id`;
  out.ctx.warn(`${isUnknown(value) ? value.detail : id}: the Connect instance is unknown until apply.`);
  return id;
}

function encryptionConfig(r: Reader, path: Array<string | number>): { EncryptionType: string; KeyId: string } | undefined {
  if (r.list(path).length === 0) return undefined;
  const type = r.required([...path, 0, 'encryption_type']);
  const key = need(r.link([...path, 0, 'key_id'], 'key'));
  return { EncryptionType: String(type), KeyId: key ?? '' };
}

function storageConfig(r: Reader): Planned<InstanceStorageConfig> {
  const base = ['storage_config', 0];
  return planned(() => {
    const config: InstanceStorageConfig = { StorageType: String(r.required([...base, 'storage_type'])) };
    const association = r.string(['association_id']);
    if (association) config.AssociationId = association;
    if (r.list([...base, 's3_config']).length) {
      const s3 = [...base, 's3_config', 0];
      config.S3Config = compact({
        BucketName: need(r.link([...s3, 'bucket_name'], 'bucketName')) ?? '',
        BucketPrefix: r.string([...s3, 'bucket_prefix']),
        EncryptionConfig: encryptionConfig(r, [...s3, 'encryption_config']),
      });
    }
    if (r.list([...base, 'kinesis_video_stream_config']).length) {
      const kvs = [...base, 'kinesis_video_stream_config', 0];
      // Required by the provider and the API: a plan without it is not one this reader can judge.
      const encryption = encryptionConfig(r, [...kvs, 'encryption_config']) ?? r.fail([...kvs, 'encryption_config'], 'not in the plan');
      config.KinesisVideoStreamConfig = compact({
        Prefix: r.string([...kvs, 'prefix']),
        RetentionPeriodHours: r.number([...kvs, 'retention_period_hours']),
        EncryptionConfig: encryption,
      });
    }
    if (r.list([...base, 'kinesis_stream_config']).length) {
      config.KinesisStreamConfig = { StreamArn: need(r.link([...base, 'kinesis_stream_config', 0, 'stream_arn'], 'stream')) ?? '' };
    }
    if (r.list([...base, 'kinesis_firehose_config']).length) {
      config.KinesisFirehoseConfig = { FirehoseArn: need(r.link([...base, 'kinesis_firehose_config', 0, 'firehose_arn'], 'firehose')) ?? '' };
    }
    return config;
  });
}

/**
 * The key a key policy or grant is on, or the bucket a split bucket resource configures. When the
 * reference is unknown and names no single resource, which one it configures is unknown too: every
 * managed key or bucket it may configure gets an Unknown instead (after all resources are mapped),
 * so none is judged as if this resource did not exist.
 */
function targetOf(r: Reader, out: Mapping, path: string, kind: 'key' | 'bucketName', mayApply: (unknown: Unknown) => void): string | undefined {
  const target = r.link([path], kind);
  if (typeof target === 'string') return target;
  const unknown = isUnknown(target) ? target : r.unknownAt([path]);
  out.ctx.warn(`${unknown.detail}: unknown until apply, so it may configure any ${kind === 'key' ? 'key' : 'bucket'} of the plan.`);
  out.deferred.push(() => mayApply(unknown));
  return undefined;
}

function bucketPart(r: Reader, out: Mapping, part: IacBucketPart['part'], value: Planned<unknown>): void {
  const bucketName = targetOf(r, out, 'bucket', 'bucketName', (unknown) => {
    for (const bucket of out.model.buckets) {
      if (out.model.bucketParts.some((p) => p.bucketName === bucket.bucketName && p.part === part)) continue;
      pushPart(out, bucket.bucketName, part, new Unknown(`${unknown.detail} (this may be the ${part} of ${bucket.name})`));
    }
  });
  if (bucketName !== undefined) pushPart(out, bucketName, part, value);
}

function sseRules(r: Reader, path: Array<string | number>) {
  return r.list(path).map((_, i) => {
    const rule = [...path, i];
    const byDefault = r.list([...rule, 'apply_server_side_encryption_by_default']).length
      ? compact({
          SSEAlgorithm: String(r.required([...rule, 'apply_server_side_encryption_by_default', 0, 'sse_algorithm'])),
          KMSMasterKeyID: need(r.link([...rule, 'apply_server_side_encryption_by_default', 0, 'kms_master_key_id'], 'key')),
        })
      : undefined;
    return compact({ ApplyServerSideEncryptionByDefault: byDefault, BucketKeyEnabled: r.boolean([...rule, 'bucket_key_enabled']) });
  });
}

function publicAccessBlock(r: Reader): Planned<PublicAccessBlockConfiguration> {
  return planned(() =>
    compact({
      BlockPublicAcls: r.boolean(['block_public_acls']),
      IgnorePublicAcls: r.boolean(['ignore_public_acls']),
      BlockPublicPolicy: r.boolean(['block_public_policy']),
      RestrictPublicBuckets: r.boolean(['restrict_public_buckets']),
    }),
  );
}

function pushPart(out: Mapping, bucketName: string, part: IacBucketPart['part'], value: Planned<unknown>): void {
  out.model.bucketParts.push({ ...out.base, bucketName, part, value } as IacBucketPart);
}

const grantType = (type: unknown) => (type === 'Group' || type === 'CanonicalUser' || type === 'AmazonCustomerByEmail' ? type : String(type ?? ''));

const MAPPERS: Record<string, Mapper> = {
  aws_connect_instance(r, out) {
    const id = out.ids.instanceId(r.instance);
    out.model.instances.push({
      ...out.base,
      lifecycle: r.instance.lifecycle,
      id,
      arn: out.ids.instanceArn(r.instance),
      region: out.region,
      alias: planned(() => r.string(['instance_alias'])),
      identityManagementType: planned(() => String(r.required(['identity_management_type']))),
      directoryId: r.link(['directory_id'], 'directory'),
      serviceRole: r.instance.lifecycle === 'update' ? r.knownString(['service_role']) : undefined,
      inboundCallsEnabled: r.knownBoolean(['inbound_calls_enabled']),
      outboundCallsEnabled: r.knownBoolean(['outbound_calls_enabled']),
      attributes: planned(() =>
        INSTANCE_ATTRIBUTES.flatMap(([argument, type]) => {
          const value = r.boolean([argument]);
          return value === undefined ? [] : [{ AttributeType: type, Value: String(value) }];
        }),
      ),
    });
  },

  aws_connect_instance_storage_config(r, out) {
    const resourceType = r.instance.after.resource_type;
    if (typeof resourceType !== 'string') {
      out.ctx.warn(`${r.instance.address}: resource_type is unknown until apply; the storage config is not judged.`);
      return;
    }
    out.model.storageConfigs.push({ ...out.base, instanceId: instanceIdOf(r, out), resourceType, config: storageConfig(r), lifecycle: r.instance.lifecycle });
  },

  // hashicorp/aws internal/service/connect/approved_origin.go: `instance_id`, `origin` (AssociateApprovedOrigin).
  aws_connect_approved_origin(r, out) {
    out.model.approvedOrigins.push({ ...out.base, instanceId: instanceIdOf(r, out), origin: planned(() => String(r.required(['origin']))) });
  },

  aws_s3_bucket(r, out) {
    const bucketName = out.ids.bucketName(r.instance);
    const region = r.knownString(['region']) ?? (r.instance.lifecycle === 'update' ? r.knownString(['bucket_region']) : undefined) ?? out.region;
    out.model.buckets.push({ ...out.base, lifecycle: r.instance.lifecycle, bucketName, region });
    // Deprecated inline arguments, only where the configuration writes them: they are Optional+Computed,
    // filled from AWS otherwise (which would double what a split resource sets). Provider doc
    // (registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket): "Terraform will
    // only perform drift detection if a configuration value is provided."
    if (r.isSet(['policy'])) pushPart(out, bucketName, 'policy', planned(() => String(r.required(['policy']) ?? '')));
    if (r.isSet(['server_side_encryption_configuration'])) {
      pushPart(out, bucketName, 'encryption', planned(() => ({ Rules: sseRules(r, ['server_side_encryption_configuration', 0, 'rule']) })));
    }
    if (r.isSet(['acl']) || r.isSet(['grant'])) {
      pushPart(
        out,
        bucketName,
        'acl',
        planned(() => {
          const grants = r.list(['grant']).flatMap((_, i) => {
            const permissions = r.list(['grant', i, 'permissions']);
            const grantee = compact({ Type: grantType(r.value(['grant', i, 'type'])), ID: r.string(['grant', i, 'id']), URI: r.string(['grant', i, 'uri']) });
            return permissions.map((permission) => ({ Grantee: grantee, Permission: String(permission) }));
          });
          return compact({ cannedAcl: r.string(['acl']), Grants: r.isSet(['grant']) ? grants : undefined });
        }),
      );
    }
  },

  aws_s3_bucket_policy(r, out) {
    bucketPart(r, out, 'policy', planned(() => String(r.required(['policy']) ?? '')));
  },
  aws_s3_bucket_server_side_encryption_configuration(r, out) {
    bucketPart(r, out, 'encryption', planned(() => ({ Rules: sseRules(r, ['rule']) })));
  },
  // Each flag "Defaults to `false`" in the provider: a flag the block omits is planned false, not AWS's on.
  aws_s3_bucket_public_access_block(r, out) {
    bucketPart(r, out, 'publicAccessBlock', publicAccessBlock(r));
  },
  aws_s3_bucket_ownership_controls(r, out) {
    bucketPart(r, out, 'ownershipControls', planned(() => ({ Rules: r.list(['rule']).map((_, i) => ({ ObjectOwnership: String(r.required(['rule', i, 'object_ownership'])) })) })));
  },
  aws_s3_bucket_acl(r, out) {
    bucketPart(
      r,
      out,
      'acl',
      planned(() => {
        const policy = ['access_control_policy', 0];
        const grants = r.list([...policy, 'grant']).map((_, i) => {
          const grantee = [...policy, 'grant', i, 'grantee', 0];
          return compact({
            Grantee: compact({ Type: grantType(r.value([...grantee, 'type'])), ID: r.string([...grantee, 'id']), URI: r.string([...grantee, 'uri']) }),
            Permission: r.string([...policy, 'grant', i, 'permission']),
          });
        });
        return compact({ cannedAcl: r.string(['acl']), Grants: r.list(['access_control_policy']).length ? grants : undefined });
      }),
    );
  },
  aws_s3_account_public_access_block(r, out) {
    out.model.accountPublicAccessBlock = { ...out.base, value: publicAccessBlock(r) };
  },

  aws_kms_key(r, out) {
    const arn = out.ids.keyArn(r.instance);
    const keyId = r.knownString(['key_id']) ?? arn.slice(arn.lastIndexOf('/') + 1);
    const metadata = planned<Partial<KeyMetadata>>(() => {
      const enabled = r.boolean(['is_enabled']);
      const origin = r.string(['xks_key_id']) ? 'EXTERNAL_KEY_STORE' : r.string(['custom_key_store_id']) ? 'AWS_CLOUDHSM' : 'AWS_KMS';
      return compact({
        KeyId: keyId,
        Arn: arn,
        AWSAccountId: /^arn:[^:]+:kms:[^:]*:(\d{12}):/.exec(arn)?.[1],
        KeyManager: 'CUSTOMER',
        KeyUsage: r.string(['key_usage']),
        KeySpec: r.string(['customer_master_key_spec']),
        Enabled: enabled,
        KeyState: enabled === undefined ? undefined : enabled ? 'Enabled' : 'Disabled',
        MultiRegion: r.boolean(['multi_region']),
        Origin: origin,
        Description: r.string(['description']),
      });
    });
    const rotation = planned(() => {
      const enabled = r.boolean(['enable_key_rotation']) ?? false;
      // Not written (Optional+Computed, unknown in the plan): EnableKeyRotation's documented default,
      // https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html "If no value is
      // specified, the default value is 365 days."
      const period = r.number(['rotation_period_in_days']) ?? (enabled && !r.isSet(['rotation_period_in_days']) ? 365 : undefined);
      return enabled && period !== undefined ? { KeyRotationEnabled: enabled, RotationPeriodInDays: period } : { KeyRotationEnabled: enabled };
    });
    // Not written: a new key gets AWS's default key policy (provider doc, resources/kms_key: "If a key
    // policy is not specified, AWS gives the KMS key a default key policy"); an existing key keeps the
    // policy the plan refreshed from AWS (Optional+Computed), which may differ from the default.
    const policy: Planned<string | undefined> = r.isSet(['policy']) || r.instance.lifecycle === 'update' ? planned(() => r.string(['policy'])) : undefined;
    out.model.keys.push({ ...out.base, lifecycle: r.instance.lifecycle, arn, region: out.region, metadata, rotation, policy });
  },
  aws_kms_key_policy(r, out) {
    const policy = planned(() => String(r.required(['policy']) ?? ''));
    const keyArn = targetOf(r, out, 'key_id', 'key', (unknown) => {
      for (const key of out.model.keys) {
        if (out.model.keyPolicies.some((p) => p.keyArn === key.arn)) continue;
        out.model.keyPolicies.push({ ...out.base, keyArn: key.arn, policy: new Unknown(`${unknown.detail} (this may be the policy of ${key.name})`) });
      }
    });
    if (keyArn !== undefined) out.model.keyPolicies.push({ ...out.base, keyArn, policy });
  },
  aws_kms_grant(r, out) {
    const keyArn = targetOf(r, out, 'key_id', 'key', (unknown) => {
      for (const key of out.model.keys) out.model.grants.push({ ...out.base, keyArn: key.arn, grant: new Unknown(`${unknown.detail} (this may be a grant on ${key.name})`) });
    });
    if (keyArn === undefined) return;
    const grant = planned<GrantListEntry>(() => {
      const constraints = r.list(['constraints']).length
        ? compact({
            EncryptionContextEquals: r.value(['constraints', 0, 'encryption_context_equals']) as Record<string, string> | undefined,
            EncryptionContextSubset: r.value(['constraints', 0, 'encryption_context_subset']) as Record<string, string> | undefined,
          })
        : undefined;
      return compact({
        KeyId: keyArn,
        GrantId: r.string(['grant_id']),
        Name: r.string(['name']),
        GranteePrincipal: String(r.required(['grantee_principal']) ?? ''),
        RetiringPrincipal: r.string(['retiring_principal']),
        IssuingAccount: out.ctx.account === PLACEHOLDER_ACCOUNT ? undefined : `arn:${out.ctx.partition}:iam::${out.ctx.account}:root`,
        Operations: r.list(['operations']).map(String),
        Constraints: constraints,
      });
    });
    out.model.grants.push({ ...out.base, keyArn, grant });
  },
  aws_kms_alias(r, out) {
    const target = r.link(['target_key_id'], 'key');
    if (typeof target !== 'string') {
      out.ctx.warn(`${isUnknown(target) ? target.detail : `${r.instance.address}: target_key_id`}: the alias target is unknown until apply; the alias names no key of the plan.`);
      return;
    }
    out.model.aliases.push({ ...out.base, aliasName: out.ids.aliasName(r.instance), targetKey: target, region: out.region });
  },

  aws_directory_service_directory(r, out) {
    const directoryId = out.ids.directoryId(r.instance);
    const settings = (block: string) =>
      r.list([block]).length
        ? compact({
            VpcId: r.string([block, 0, 'vpc_id']),
            SubnetIds: r.value([block, 0, 'subnet_ids']) as string[] | undefined,
            CustomerDnsIps: block === 'connect_settings' ? (r.value([block, 0, 'customer_dns_ips']) as string[] | undefined) : undefined,
            CustomerUserName: block === 'connect_settings' ? r.string([block, 0, 'customer_username']) : undefined,
            ConnectIps: block === 'connect_settings' ? (r.value([block, 0, 'connect_ips']) as string[] | undefined) : undefined,
            AvailabilityZones: r.value([block, 0, 'availability_zones']) as string[] | undefined,
          })
        : undefined;
    const description = planned<DirectoryDescription>(() =>
      compact({
        DirectoryId: directoryId,
        Name: r.string(['name']),
        ShortName: r.string(['short_name']),
        Alias: r.string(['alias']),
        AccessUrl: r.string(['access_url']),
        Type: String(r.required(['type']) ?? 'SimpleAD'),
        Size: r.string(['size']),
        Edition: r.string(['edition']),
        ConnectSettings: settings('connect_settings'),
        VpcSettings: settings('vpc_settings'),
      }),
    );
    out.model.directories.push({ ...out.base, lifecycle: r.instance.lifecycle, directoryId, region: out.region, description });
  },

  aws_directory_service_radius_settings(r, out) {
    const directoryId = r.link(['directory_id'], 'directory');
    const settings = planned<NonNullable<DirectoryDescription['RadiusSettings']>>(() =>
      compact({
        RadiusServers: r.value(['radius_servers']) as string[] | undefined,
        RadiusPort: r.number(['radius_port']),
        AuthenticationProtocol: r.string(['authentication_protocol']),
      }),
    );
    out.model.directoryRadius.push({ ...out.base, directoryId: typeof directoryId === 'string' ? directoryId : `${r.instance.address}: directory_id`, settings });
  },

  aws_kinesis_stream(r, out) {
    const arn = out.ids.streamArn(r.instance);
    const summary = planned(() =>
      compact({
        StreamName: r.string(['name']),
        StreamARN: arn,
        EncryptionType: r.string(['encryption_type']) ?? 'NONE',
        KeyId: need(r.link(['kms_key_id'], 'key')),
        RetentionPeriodHours: r.number(['retention_period']),
        StreamModeDetails: r.list(['stream_mode_details']).length ? compact({ StreamMode: r.string(['stream_mode_details', 0, 'stream_mode']) }) : undefined,
      }),
    );
    out.model.kinesisStreams.push({ ...out.base, lifecycle: r.instance.lifecycle, arn, region: out.region, summary });
  },

  aws_kinesis_firehose_delivery_stream(r, out) {
    const arn = out.ids.firehoseArn(r.instance);
    const description = planned<DeliveryStreamDescription>(() => {
      const sse = r.list(['server_side_encryption']).length ? ['server_side_encryption', 0] : undefined;
      const enabled = sse ? r.boolean([...sse, 'enabled']) === true : false;
      const source = r.list(['kinesis_source_configuration']).length ? 'KinesisStreamAsSource' : r.list(['msk_source_configuration']).length ? 'MSKAsSource' : 'DirectPut';
      return compact({
        DeliveryStreamName: r.string(['name']),
        DeliveryStreamARN: arn,
        DeliveryStreamType: source,
        DeliveryStreamEncryptionConfiguration: enabled && sse
          ? compact({ Status: 'ENABLED', KeyType: r.string([...sse, 'key_type']) ?? 'AWS_OWNED_CMK', KeyARN: need(r.link([...sse, 'key_arn'], 'key')) })
          : { Status: 'DISABLED' },
        Source: source === 'KinesisStreamAsSource' ? { KinesisStreamSourceDescription: compact({ KinesisStreamARN: need(r.link(['kinesis_source_configuration', 0, 'kinesis_stream_arn'], 'stream')) }) } : undefined,
        Destinations: [destination(r)],
      }) as DeliveryStreamDescription;
    });
    out.model.deliveryStreams.push({ ...out.base, lifecycle: r.instance.lifecycle, arn, region: out.region, description });
  },

  aws_cloudwatch_log_group(r, out) {
    const logGroupName = out.ids.logGroupName(r.instance);
    const logGroup = planned(() => {
      const retention = r.number(['retention_in_days']);
      return compact({
        logGroupName,
        kmsKeyId: need(r.link(['kms_key_id'], 'key')),
        retentionInDays: retention ? retention : undefined,
        logGroupClass: r.string(['log_group_class']),
        arn: r.string(['arn']),
      });
    });
    out.model.logGroups.push({ ...out.base, lifecycle: r.instance.lifecycle, logGroupName, region: out.region, logGroup });
  },
};

/** `destination` argument → the DescribeDeliveryStream description key of that destination type. */
const DESTINATIONS: Record<string, string> = {
  redshift: 'RedshiftDestinationDescription',
  elasticsearch: 'ElasticsearchDestinationDescription',
  opensearch: 'AmazonopensearchserviceDestinationDescription',
  opensearchserverless: 'AmazonOpenSearchServerlessDestinationDescription',
  splunk: 'SplunkDestinationDescription',
  http_endpoint: 'HttpEndpointDestinationDescription',
  snowflake: 'SnowflakeDestinationDescription',
  iceberg: 'IcebergDestinationDescription',
};

function destination(r: Reader): Record<string, unknown> {
  const kind = String(r.required(['destination']) ?? '');
  const DestinationId = r.string(['destination_id']) ?? 'destinationId-000000000001';
  if (kind !== 'extended_s3' && kind !== 's3') return { DestinationId, [DESTINATIONS[kind] ?? `${kind}DestinationDescription`]: {} };
  const s3 = ['extended_s3_configuration', 0];
  const key = need(r.link([...s3, 'kms_key_arn'], 'key'));
  return {
    DestinationId,
    ExtendedS3DestinationDescription: compact({
      BucketARN: need(r.link([...s3, 'bucket_arn'], 'bucketArn')),
      RoleARN: r.string([...s3, 'role_arn']),
      Prefix: r.string([...s3, 'prefix']),
      ErrorOutputPrefix: r.string([...s3, 'error_output_prefix']),
      CompressionFormat: r.string([...s3, 'compression_format']),
      EncryptionConfiguration: key ? { KMSEncryptionConfig: { AWSKMSKeyARN: key } } : { NoEncryptionConfig: 'NoEncryption' },
    }),
  };
}

export const MAPPED_TYPES = new Set(Object.keys(MAPPERS));

/** Maps the managed resource instances into the model: instances first, as storage configs and approved origins name them. */
export function mapResources(instances: readonly Instance[], ctx: Context, ids: Identifiers, model: IacModel): void {
  const deferred: Array<() => void> = [];
  const ordered = [...instances.filter((i) => i.type === 'aws_connect_instance'), ...instances.filter((i) => i.type !== 'aws_connect_instance')];
  for (const instance of ordered) {
    const mapper = MAPPERS[instance.type];
    if (!mapper) continue;
    const base = { source: ctx.locate(instance), name: instance.address };
    try {
      mapper(new Reader(ctx, ids, instance), { model, ids, ctx, base, region: ctx.regionOf(instance), deferred });
    } catch (error) {
      // A value a mapping needs outside any part is unknown or malformed: not judged as if absent.
      if (error instanceof UnknownValue) throw new InputError(`${ctx.graph.file}: cannot read ${error.unknown.detail} from the plan`);
      throw error;
    }
  }
  for (const apply of deferred) apply();
}
