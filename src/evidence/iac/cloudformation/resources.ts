/**
 * One mapping per resource type the rules read → the model entry, from the properties its page in
 * the CloudFormation template reference documents. Other resource types are not read. Every template
 * resource is created by the stack (lifecycle `create`), so what a property leaves out is AWS's
 * default for a new resource (applied by to-evidence, or here where the page states it).
 */
import { parseInstanceArn } from '../../aws-names.js';
import type { InstanceStorageConfig } from '../../model.js';
import { STORAGE_RESOURCE_TYPES } from '../../../paths/hops.js';
import { isUnknown, Unknown, type IacBucketPart, type IacModel, type SourceRef } from '../model.js';
import type { NamedIdentity } from './identities.js';
import type { Resource, Stack } from './intrinsics.js';
import { compact, linkOf, planned, type Props } from './properties.js';

export interface MappedResource {
  stack: Stack;
  logicalId: string;
  resource: Resource;
  /** How the model names it: the logical id (qualified by the stack when two templates share it). */
  name: string;
  source: SourceRef;
  props: Props;
  identity: NamedIdentity;
}

type Mapping = (model: IacModel, r: MappedResource, links: Links) => void;

/** Managed instances by every string that names them (id and ARN), for storage configs and origins. */
export class Links {
  readonly instances = new Map<string, string>();
}

const located = (r: MappedResource) => ({ name: r.name, source: r.source, ...(r.props.gate ? { exists: r.props.gate } : {}) });
/** Every template resource is created by its stack, in the stack's region. */
const created = (r: MappedResource) => ({ ...located(r), lifecycle: 'create' as const, region: r.stack.context.region });

/** Instance attribute property → ListInstanceAttributes' AttributeType. */
const ATTRIBUTE_TYPES: Record<string, string> = {
  InboundCalls: 'INBOUND_CALLS',
  OutboundCalls: 'OUTBOUND_CALLS',
  ContactflowLogs: 'CONTACTFLOW_LOGS',
  ContactLens: 'CONTACT_LENS',
  AutoResolveBestVoices: 'AUTO_RESOLVE_BEST_VOICES',
  UseCustomTTSVoices: 'USE_CUSTOM_TTS_VOICES',
  EarlyMedia: 'EARLY_MEDIA',
  MultiPartyConference: 'MULTI_PARTY_CONFERENCE',
  HighVolumeOutBound: 'HIGH_VOLUME_OUTBOUND',
  EnhancedContactMonitoring: 'ENHANCED_CONTACT_MONITORING',
  EnhancedChatMonitoring: 'ENHANCED_CHAT_MONITORING',
  MultiPartyChatConference: 'MULTI_PARTY_CHAT_CONFERENCE',
  MessageStreaming: 'MESSAGE_STREAMING',
};
const attributeType = (property: string) => ATTRIBUTE_TYPES[property] ?? property.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').toUpperCase();

/** S3 canned ACL names for the legacy AccessControl property's values. */
const CANNED_ACLS: Record<string, string> = {
  Private: 'private',
  PublicRead: 'public-read',
  PublicReadWrite: 'public-read-write',
  AuthenticatedRead: 'authenticated-read',
  LogDeliveryWrite: 'log-delivery-write',
  BucketOwnerRead: 'bucket-owner-read',
  BucketOwnerFullControl: 'bucket-owner-full-control',
  AwsExecRead: 'aws-exec-read',
};

function encryptionConfig(p: Props | undefined) {
  return p && { EncryptionType: p.required('EncryptionType'), KeyId: p.required('KeyId') };
}

/** AWS::Connect::InstanceStorageConfig → the InstanceStorageConfig ListInstanceStorageConfigs returns. */
function storageConfigOf(p: Props): InstanceStorageConfig {
  const s3 = p.child('S3Config');
  const video = p.child('KinesisVideoStreamConfig');
  const stream = p.child('KinesisStreamConfig');
  const firehose = p.child('KinesisFirehoseConfig');
  return compact({
    StorageType: p.required('StorageType'),
    S3Config: s3 && compact({ BucketName: s3.required('BucketName'), BucketPrefix: s3.text('BucketPrefix'), EncryptionConfig: encryptionConfig(s3.child('EncryptionConfig')) }),
    // The schema makes a video stream's EncryptionConfig optional; which key Connect then uses is not documented.
    KinesisVideoStreamConfig: video && compact({ Prefix: video.text('Prefix'), RetentionPeriodHours: video.count('RetentionPeriodHours'), EncryptionConfig: encryptionConfig(video.child('EncryptionConfig')) ?? video.fail('EncryptionConfig', 'not set: the key Connect then uses for the video streams is not documented') }),
    KinesisStreamConfig: stream && { StreamArn: stream.required('StreamArn') },
    KinesisFirehoseConfig: firehose && { FirehoseArn: firehose.required('FirehoseArn') },
  });
}

/** A link the entry cannot do without; undefined, with a warning, when it is unset or cannot be known. */
function link(model: IacModel, r: MappedResource, key: string): string | undefined {
  const value = linkOf(r.props, key);
  if (typeof value === 'string') return value;
  model.warnings.push(`${r.source.file}:${r.source.line}: ${r.name} is not audited: its ${key} ${value ? `cannot be known before deploy (${value.detail})` : 'is not set'}`);
  return undefined;
}

/**
 * The instance a storage config or approved origin names (InstanceArn / InstanceId: "The Amazon
 * Resource Name (ARN) of the instance"): a managed one by its id or ARN, else a reference to an
 * instance the templates do not create. When it cannot be known, an id that names no instance
 * (`<logicalId>: InstanceArn`), which to-evidence reads as "its instance is unknown until apply":
 * the config may be any instance's, so no instance is judged as having none.
 */
function instanceOf(model: IacModel, r: MappedResource, links: Links, key: string): string {
  const named = linkOf(r.props, key);
  if (typeof named !== 'string') {
    model.warnings.push(`${r.source.file}:${r.source.line}: ${r.name}: the Connect instance is unknown until apply (${key} ${named ? named.detail : 'is not set'}).`);
    return `${r.name}: ${key}`;
  }
  const managed = links.instances.get(named);
  if (managed) return managed;
  const arn = parseInstanceArn(named);
  const id = arn?.id ?? named;
  if (!model.instanceReferences.some((ref) => ref.id === id)) {
    model.instanceReferences.push({ id, arn: arn ? named : undefined, region: arn?.region ?? r.stack.context.region, referencedBy: located(r) });
  }
  return id;
}

const BUCKET_PARTS: ReadonlyArray<IacBucketPart['part']> = ['encryption', 'publicAccessBlock', 'ownershipControls', 'acl', 'policy'];

function bucketPart(model: IacModel, r: MappedResource, bucketName: string, part: IacBucketPart['part'], value: IacBucketPart['value']): void {
  model.bucketParts.push({ ...located(r), bucketName, part, value } as IacBucketPart);
}

/** Firehose destination configuration kinds; each but the S3 ones keeps a backup S3Configuration. */
const DESTINATIONS = ['ExtendedS3', 'S3', 'Redshift', 'Elasticsearch', 'Amazonopensearchservice', 'AmazonOpenSearchServerless', 'Splunk', 'HttpEndpoint', 'Snowflake', 'Iceberg'];

function s3Destination(p: Props) {
  const encryption = p.child('EncryptionConfiguration');
  const kms = encryption?.child('KMSEncryptionConfig');
  return compact({
    RoleARN: p.text('RoleARN'),
    BucketARN: p.text('BucketARN'),
    Prefix: p.text('Prefix'),
    ErrorOutputPrefix: p.text('ErrorOutputPrefix'),
    CompressionFormat: p.text('CompressionFormat'),
    EncryptionConfiguration: encryption && compact({ NoEncryptionConfig: encryption.text('NoEncryptionConfig'), KMSEncryptionConfig: kms && { AWSKMSKeyARN: kms.required('AWSKMSKeyARN') } }),
  });
}

export const MAPPINGS: Record<string, Mapping> = {
  'AWS::Connect::Instance': (model, r) => {
    const { props: p } = r;
    const attributes = planned(p, () => {
      const set = p.child('Attributes');
      return (set?.keys() ?? []).flatMap((key) => {
        const value = set?.flag(key);
        return value === undefined ? [] : [{ AttributeType: attributeType(key), Value: String(value) }];
      });
    });
    const flag = (type: string) => {
      const attribute = isUnknown(attributes) ? undefined : attributes.find((a) => a.AttributeType === type);
      return attribute && attribute.Value === 'true';
    };
    model.instances.push({
      ...created(r),
      id: r.identity.id,
      arn: String(r.identity.attribute('Arn')),
      alias: planned(p, () => p.text('InstanceAlias')),
      identityManagementType: planned(p, () => p.required('IdentityManagementType')),
      directoryId: planned(p, () => p.text('DirectoryId')),
      inboundCallsEnabled: flag('INBOUND_CALLS'),
      outboundCallsEnabled: flag('OUTBOUND_CALLS'),
      attributes,
    });
  },
  'AWS::Connect::InstanceStorageConfig': (model, r, links) => {
    const instanceId = instanceOf(model, r, links, 'InstanceArn');
    const resourceType = linkOf(r.props, 'ResourceType');
    if (typeof resourceType === 'string') {
      model.storageConfigs.push({ ...located(r), instanceId, resourceType, config: planned(r.props, () => storageConfigOf(r.props)) });
      return;
    }
    // A config of a type that cannot be known may be of any type: each is unknown for its instance.
    const config = new Unknown(`${r.name}: ResourceType (${resourceType ? resourceType.detail : 'not set, though CloudFormation requires it'})`);
    for (const type of STORAGE_RESOURCE_TYPES) model.storageConfigs.push({ ...located(r), instanceId, resourceType: type, config });
  },
  'AWS::Connect::ApprovedOrigin': (model, r, links) => {
    model.approvedOrigins.push({ ...located(r), instanceId: instanceOf(model, r, links, 'InstanceId'), origin: planned(r.props, () => r.props.required('Origin')) });
  },
  'AWS::S3::Bucket': (model, r) => {
    const { props: p } = r;
    const bucketName = r.identity.id;
    model.buckets.push({ ...created(r), bucketName });
    if (p.gate) {
      // Created only under a condition that cannot be known: no part may be taken as AWS's default.
      for (const part of BUCKET_PARTS) bucketPart(model, r, bucketName, part, p.gate);
      return;
    }
    if (p.has('BucketEncryption')) {
      bucketPart(model, r, bucketName, 'encryption', planned(p, () => ({
        Rules: (p.child('BucketEncryption')?.children('ServerSideEncryptionConfiguration') ?? []).map((rule) => {
          const byDefault = rule.child('ServerSideEncryptionByDefault');
          return compact({
            ApplyServerSideEncryptionByDefault: byDefault && compact({ SSEAlgorithm: byDefault.required('SSEAlgorithm'), KMSMasterKeyID: byDefault.text('KMSMasterKeyID') }),
            BucketKeyEnabled: rule.flag('BucketKeyEnabled') ?? false,
          });
        }),
      })));
    }
    if (p.has('PublicAccessBlockConfiguration')) {
      // A setting the block leaves out is false, as PutPublicAccessBlock then stores it.
      bucketPart(model, r, bucketName, 'publicAccessBlock', planned(p, () => {
        const block = p.child('PublicAccessBlockConfiguration');
        return {
          BlockPublicAcls: block?.flag('BlockPublicAcls') ?? false,
          IgnorePublicAcls: block?.flag('IgnorePublicAcls') ?? false,
          BlockPublicPolicy: block?.flag('BlockPublicPolicy') ?? false,
          RestrictPublicBuckets: block?.flag('RestrictPublicBuckets') ?? false,
        };
      }));
    }
    if (p.has('OwnershipControls')) {
      bucketPart(model, r, bucketName, 'ownershipControls', planned(p, () => ({
        Rules: (p.child('OwnershipControls')?.children('Rules') ?? []).map((rule) => ({ ObjectOwnership: rule.required('ObjectOwnership') })),
      })));
    }
    if (p.has('AccessControl')) {
      bucketPart(model, r, bucketName, 'acl', planned(p, () => {
        const acl = p.required('AccessControl');
        const canned = CANNED_ACLS[acl];
        if (!canned) p.fail('AccessControl', `${acl} is not a canned ACL CloudFormation documents`);
        return { cannedAcl: canned };
      }));
    }
  },
  'AWS::S3::BucketPolicy': (model, r) => {
    // A bucket that cannot be known is named `<logicalId>: Bucket` (a colon no bucket name has), which
    // to-evidence reads as "this policy may be any bucket's": no bucket is then judged as having none.
    const bucket = linkOf(r.props, 'Bucket');
    if (typeof bucket !== 'string') {
      model.warnings.push(`${r.source.file}:${r.source.line}: ${r.name}: the bucket is unknown until apply (Bucket ${bucket ? bucket.detail : 'is not set'}).`);
    }
    const bucketName = typeof bucket === 'string' ? bucket : `${r.name}: Bucket`;
    bucketPart(model, r, bucketName, 'policy', planned(r.props, () => r.props.json('PolicyDocument') ?? r.props.required('PolicyDocument')));
  },
  'AWS::KMS::Key': (model, r) => {
    const { props: p } = r;
    model.keys.push({
      ...created(r),
      arn: r.identity.id,
      metadata: planned(p, () =>
        compact({
          KeyUsage: p.text('KeyUsage'),
          KeySpec: p.text('KeySpec'),
          Enabled: p.flag('Enabled'),
          MultiRegion: p.flag('MultiRegion'),
          Origin: p.text('Origin'),
          Description: p.text('Description'),
        }),
      ),
      // "By default, automatic key rotation is not enabled"; the rotation period defaults to 365 days.
      rotation: planned(p, () => {
        const enabled = p.flag('EnableKeyRotation') ?? false;
        return compact({ KeyRotationEnabled: enabled, RotationPeriodInDays: enabled ? (p.count('RotationPeriodInDays') ?? 365) : undefined });
      }),
      policy: planned(p, () => p.json('KeyPolicy')),
    });
  },
  'AWS::KMS::Alias': (model, r) => {
    const aliasName = link(model, r, 'AliasName');
    const targetKey = aliasName === undefined ? undefined : link(model, r, 'TargetKeyId');
    if (aliasName === undefined || targetKey === undefined) return;
    model.aliases.push({ ...located(r), aliasName, targetKey, region: r.stack.context.region });
  },
  'AWS::DirectoryService::MicrosoftAD': (model, r) => directory(model, r, 'MicrosoftAD'),
  'AWS::DirectoryService::SimpleAD': (model, r) => directory(model, r, 'SimpleAD'),
  'AWS::Kinesis::Stream': (model, r) => {
    const { props: p } = r;
    model.kinesisStreams.push({
      ...created(r),
      arn: r.identity.id,
      summary: planned(p, () => {
        // "When specified, enables … server-side encryption": without StreamEncryption the stream is not encrypted.
        const encryption = p.child('StreamEncryption');
        const mode = p.child('StreamModeDetails')?.text('StreamMode');
        return compact({
          StreamName: String(r.identity.ref()),
          StreamARN: r.identity.id,
          EncryptionType: encryption ? encryption.required('EncryptionType') : 'NONE',
          KeyId: encryption?.text('KeyId'),
          RetentionPeriodHours: p.count('RetentionPeriodHours') ?? 24,
          StreamModeDetails: mode === undefined ? undefined : { StreamMode: mode },
        });
      }),
    });
  },
  'AWS::KinesisFirehose::DeliveryStream': (model, r) => {
    const { props: p } = r;
    model.deliveryStreams.push({
      ...created(r),
      arn: r.identity.id,
      description: planned(p, () => {
        const sse = p.child('DeliveryStreamEncryptionConfigurationInput');
        // A stream with no source configuration can only be DirectPut: the other types need one.
        const source = p.has('KinesisStreamSourceConfiguration') ? 'KinesisStreamAsSource' : p.has('MSKSourceConfiguration') ? 'MSKAsSource' : 'DirectPut';
        const destinations = DESTINATIONS.filter((kind) => p.has(`${kind}DestinationConfiguration`)).map((kind, index) => {
          const config = p.child(`${kind}DestinationConfiguration`) as Props;
          const destinationId = `destinationId-${String(index + 1).padStart(12, '0')}`;
          // DescribeDeliveryStream describes an extended S3 destination under both names.
          if (kind === 'ExtendedS3') return { DestinationId: destinationId, ExtendedS3DestinationDescription: s3Destination(config), S3DestinationDescription: s3Destination(config) };
          if (kind === 'S3') return { DestinationId: destinationId, S3DestinationDescription: s3Destination(config) };
          const backup = config.child('S3Configuration');
          return { DestinationId: destinationId, [`${kind}DestinationDescription`]: compact({ S3DestinationDescription: backup && s3Destination(backup) }) };
        });
        return compact({
          DeliveryStreamName: String(r.identity.ref()),
          DeliveryStreamARN: r.identity.id,
          DeliveryStreamType: p.text('DeliveryStreamType') ?? source,
          // KeyType: "The default setting is AWS_OWNED_CMK".
          DeliveryStreamEncryptionConfiguration: sse && compact({ KeyARN: sse.text('KeyARN'), KeyType: sse.text('KeyType') ?? 'AWS_OWNED_CMK', Status: 'ENABLED' }),
          Destinations: destinations,
        });
      }),
    });
  },
  'AWS::Logs::LogGroup': (model, r) => {
    const { props: p } = r;
    const logGroupName = String(r.identity.ref());
    const arn = String(r.identity.attribute('Arn'));
    model.logGroups.push({
      ...created(r),
      logGroupName,
      logGroup: planned(p, () =>
        compact({
          logGroupName,
          arn,
          logGroupArn: arn.replace(/:\*$/, ''),
          kmsKeyId: p.text('KmsKeyId'),
          retentionInDays: p.count('RetentionInDays'),
          logGroupClass: p.text('LogGroupClass') ?? 'STANDARD',
        }),
      ),
    });
  },
};

function directory(model: IacModel, r: MappedResource, type: 'MicrosoftAD' | 'SimpleAD'): void {
  const { props: p } = r;
  model.directories.push({
    ...created(r),
    directoryId: r.identity.id,
    description: planned(p, () =>
      compact({
        DirectoryId: r.identity.id,
        Name: p.text('Name'),
        ShortName: p.text('ShortName'),
        Type: type,
        // MicrosoftAD: "Enterprise is the default".
        Edition: type === 'MicrosoftAD' ? (p.text('Edition') ?? 'Enterprise') : undefined,
        Size: type === 'SimpleAD' ? p.text('Size') : undefined,
      }),
    ),
  });
}

/** Instances first, so the storage configs and origins of every template can link to them. */
export function mapResources(model: IacModel, resources: MappedResource[]): void {
  const links = new Links();
  const order = (r: MappedResource) => (r.resource.Type === 'AWS::Connect::Instance' ? 0 : 1);
  const sorted = [...resources].sort((a, b) => order(a) - order(b));
  for (const r of sorted) {
    const mapping = MAPPINGS[r.resource.Type];
    if (!mapping) continue;
    mapping(model, r, links);
    if (r.resource.Type === 'AWS::Connect::Instance') {
      const instance = model.instances[model.instances.length - 1];
      if (instance) {
        links.instances.set(instance.id, instance.id);
        links.instances.set(instance.arn, instance.id);
      }
    }
  }
}
