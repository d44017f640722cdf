import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Unknown, type IacModel } from '../../../../src/evidence/iac/model.js';
import { readTerraformPlan } from '../../../../src/evidence/iac/terraform/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tf-map-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ref = (...references: string[]) => ({ references });
const c = (value: unknown) => ({ constant_value: value });
const ACCOUNT = '123456789012';
const REGION = 'eu-west-3';

interface Resource {
  type: string;
  name: string;
  actions?: string[];
  after: Record<string, unknown>;
  after_unknown?: Record<string, unknown>;
  expressions?: Record<string, unknown>;
}

/** One root-module plan: each resource with its change and its configuration block. */
async function modelOf(name: string, resources: Resource[]): Promise<IacModel> {
  const plan = {
    format_version: '1.2',
    terraform_version: '1.9.8',
    planned_values: { root_module: { resources: resources.map((r) => ({ address: `${r.type}.${r.name}`, mode: 'managed', type: r.type, name: r.name, values: r.after })) } },
    resource_changes: resources.map((r) => ({
      address: `${r.type}.${r.name}`,
      mode: 'managed',
      type: r.type,
      name: r.name,
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: { actions: r.actions ?? ['create'], before: null, after: r.after, after_unknown: r.after_unknown ?? {} },
    })),
    prior_state: { values: { root_module: { resources: [{ address: 'data.aws_caller_identity.me', mode: 'data', type: 'aws_caller_identity', name: 'me', values: { account_id: ACCOUNT } }] } } },
    configuration: {
      provider_config: { aws: { name: 'aws', full_name: 'registry.terraform.io/hashicorp/aws', expressions: { region: c(REGION) } } },
      root_module: {
        resources: [
          { address: 'data.aws_caller_identity.me', mode: 'data', type: 'aws_caller_identity', name: 'me', provider_config_key: 'aws', expressions: {}, schema_version: 0 },
          ...resources.map((r) => ({ address: `${r.type}.${r.name}`, mode: 'managed', type: r.type, name: r.name, provider_config_key: 'aws', expressions: r.expressions ?? {}, schema_version: 0 })),
        ],
      },
    },
  };
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(plan));
  return readTerraformPlan(file, {});
}

const key: Resource = {
  type: 'aws_kms_key',
  name: 'k',
  after: { enable_key_rotation: true, key_usage: 'ENCRYPT_DECRYPT', customer_master_key_spec: 'SYMMETRIC_DEFAULT', is_enabled: true },
  after_unknown: { arn: true, key_id: true, id: true, policy: true, multi_region: true, rotation_period_in_days: true },
  expressions: { enable_key_rotation: c(true) },
};
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/known-after-apply-aws-kms-key-k`;

describe('mappings of the other resource types', () => {
  it('directory: the instance pins a new directory by reference; the description is DescribeDirectories’ shape', async () => {
    const model = await modelOf('directory', [
      {
        type: 'aws_directory_service_directory',
        name: 'ad',
        after: { name: 'corp.acme.example', type: 'ADConnector', size: 'Small', connect_settings: [{ customer_dns_ips: ['10.0.0.10'], customer_username: 'svc-connect', subnet_ids: ['subnet-1', 'subnet-2'], vpc_id: 'vpc-1' }] },
        after_unknown: { id: true, access_url: true, connect_settings: [{ connect_ips: true, availability_zones: true }] },
        expressions: { name: c('corp.acme.example'), type: c('ADConnector'), size: c('Small'), connect_settings: [{ customer_dns_ips: c(['10.0.0.10']) }] },
      },
      {
        type: 'aws_connect_instance',
        name: 'i',
        after: { identity_management_type: 'EXISTING_DIRECTORY', inbound_calls_enabled: true, outbound_calls_enabled: true, contact_flow_logs_enabled: false },
        after_unknown: { id: true, arn: true, directory_id: true },
        expressions: { identity_management_type: c('EXISTING_DIRECTORY'), directory_id: ref('aws_directory_service_directory.ad.id', 'aws_directory_service_directory.ad') },
      },
    ]);
    expect(model.directories[0]).toMatchObject({
      lifecycle: 'create',
      directoryId: 'd-known-after-apply-aws-directory-service-directory-ad',
      region: REGION,
      description: {
        DirectoryId: 'd-known-after-apply-aws-directory-service-directory-ad',
        Name: 'corp.acme.example',
        Type: 'ADConnector',
        Size: 'Small',
        ConnectSettings: { VpcId: 'vpc-1', SubnetIds: ['subnet-1', 'subnet-2'], CustomerDnsIps: ['10.0.0.10'], CustomerUserName: 'svc-connect' },
      },
    });
    expect(model.instances[0]).toMatchObject({ identityManagementType: 'EXISTING_DIRECTORY', directoryId: 'd-known-after-apply-aws-directory-service-directory-ad', alias: undefined });
    expect(model.instances[0]?.attributes).toContainEqual({ AttributeType: 'CONTACTFLOW_LOGS', Value: 'false' });
  });

  it('firehose to S3 from a Kinesis stream: source, destination bucket ARN and key, no SSE', async () => {
    const model = await modelOf('firehose', [
      key,
      { type: 'aws_s3_bucket', name: 'dest', after: { bucket: 'dest-bucket' }, after_unknown: { id: true, arn: true } },
      { type: 'aws_kinesis_stream', name: 'src', after: { name: 'src', encryption_type: 'NONE' }, after_unknown: { arn: true, id: true } },
      {
        type: 'aws_kinesis_firehose_delivery_stream',
        name: 'f',
        after: { name: 'to-s3', destination: 'extended_s3', extended_s3_configuration: [{ role_arn: 'arn:aws:iam::123456789012:role/f', prefix: 'ctr/' }], kinesis_source_configuration: [{ role_arn: 'arn:aws:iam::123456789012:role/f' }], server_side_encryption: [] },
        after_unknown: { arn: true, id: true, destination_id: true, extended_s3_configuration: [{ bucket_arn: true, kms_key_arn: true }], kinesis_source_configuration: [{ kinesis_stream_arn: true }] },
        expressions: {
          destination: c('extended_s3'),
          extended_s3_configuration: [{ bucket_arn: ref('aws_s3_bucket.dest.arn', 'aws_s3_bucket.dest'), kms_key_arn: ref('aws_kms_key.k.arn', 'aws_kms_key.k') }],
          kinesis_source_configuration: [{ kinesis_stream_arn: ref('aws_kinesis_stream.src.arn', 'aws_kinesis_stream.src') }],
        },
      },
    ]);
    expect(model.kinesisStreams[0]).toMatchObject({ arn: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/src`, summary: { EncryptionType: 'NONE', StreamName: 'src' } });
    expect(model.deliveryStreams[0]?.description).toEqual({
      DeliveryStreamName: 'to-s3',
      DeliveryStreamARN: `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/to-s3`,
      DeliveryStreamType: 'KinesisStreamAsSource',
      DeliveryStreamEncryptionConfiguration: { Status: 'DISABLED' },
      Source: { KinesisStreamSourceDescription: { KinesisStreamARN: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/src` } },
      Destinations: [
        {
          DestinationId: 'destinationId-000000000001',
          ExtendedS3DestinationDescription: { BucketARN: 'arn:aws:s3:::dest-bucket', RoleARN: 'arn:aws:iam::123456789012:role/f', Prefix: 'ctr/', EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: KEY } } },
        },
      ],
    });
  });

  it('firehose with SSE on a customer key, and without a destination key', async () => {
    const model = await modelOf('firehose-sse', [
      key,
      {
        type: 'aws_kinesis_firehose_delivery_stream',
        name: 'f',
        after: { name: 'direct', destination: 'extended_s3', extended_s3_configuration: [{ bucket_arn: 'arn:aws:s3:::elsewhere', kms_key_arn: null }], server_side_encryption: [{ enabled: true, key_type: 'CUSTOMER_MANAGED_CMK' }] },
        after_unknown: { arn: true, server_side_encryption: [{ key_arn: true }] },
        expressions: { server_side_encryption: [{ enabled: c(true), key_type: c('CUSTOMER_MANAGED_CMK'), key_arn: ref('aws_kms_key.k.arn', 'aws_kms_key.k') }] },
      },
    ]);
    expect(model.deliveryStreams[0]?.description).toMatchObject({
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfiguration: { Status: 'ENABLED', KeyType: 'CUSTOMER_MANAGED_CMK', KeyARN: KEY },
      Destinations: [{ ExtendedS3DestinationDescription: { BucketARN: 'arn:aws:s3:::elsewhere', EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' } } }],
    });
  });

  it('key policy, grant and alias on a new key all name its placeholder ARN; an unknown grantee makes the grant Unknown', async () => {
    const model = await modelOf('key-parts', [
      key,
      { type: 'aws_kms_key_policy', name: 'p', after: { policy: '{"Version":"2012-10-17","Statement":[]}' }, after_unknown: { key_id: true, id: true }, expressions: { key_id: ref('aws_kms_key.k.id', 'aws_kms_key.k'), policy: c('{}') } },
      {
        type: 'aws_kms_grant',
        name: 'g',
        after: { name: 'connect', grantee_principal: 'arn:aws:iam::123456789012:role/connect', operations: ['Decrypt', 'GenerateDataKey'], constraints: [{ encryption_context_equals: { app: 'connect' } }] },
        after_unknown: { key_id: true, grant_id: true, grant_token: true },
        expressions: { key_id: ref('aws_kms_key.k.key_id', 'aws_kms_key.k'), grantee_principal: c('arn:aws:iam::123456789012:role/connect') },
      },
      { type: 'aws_kms_grant', name: 'late', after: { name: 'late', operations: ['Decrypt'] }, after_unknown: { key_id: true, grantee_principal: true }, expressions: { key_id: ref('aws_kms_key.k.arn', 'aws_kms_key.k'), grantee_principal: ref('aws_iam_role.r.arn', 'aws_iam_role.r') } },
      { type: 'aws_kms_alias', name: 'a', after: { name: 'alias/rec' }, after_unknown: { arn: true, target_key_id: true }, expressions: { name: c('alias/rec'), target_key_id: ref('aws_kms_key.k.key_id', 'aws_kms_key.k') } },
    ]);
    expect(model.keys[0]).toMatchObject({ arn: KEY, policy: undefined, rotation: { KeyRotationEnabled: true, RotationPeriodInDays: 365 }, metadata: { KeyUsage: 'ENCRYPT_DECRYPT', Enabled: true, Origin: 'AWS_KMS' } });
    expect(model.keys[0]?.metadata).not.toHaveProperty('MultiRegion'); // not written, unknown: AWS's default applies
    expect(model.keyPolicies).toEqual([expect.objectContaining({ keyArn: KEY, policy: '{"Version":"2012-10-17","Statement":[]}' })]);
    expect(model.grants[0]).toMatchObject({
      keyArn: KEY,
      grant: { KeyId: KEY, Name: 'connect', GranteePrincipal: 'arn:aws:iam::123456789012:role/connect', Operations: ['Decrypt', 'GenerateDataKey'], Constraints: { EncryptionContextEquals: { app: 'connect' } } },
    });
    expect(model.grants[1]?.grant).toEqual(new Unknown('aws_kms_grant.late: grantee_principal'));
    expect(model.aliases).toEqual([expect.objectContaining({ aliasName: 'alias/rec', targetKey: KEY })]);
  });

  it('log group named by a prefix, media streams storage on a key by alias name', async () => {
    const model = await modelOf('logs', [
      key,
      { type: 'aws_kms_alias', name: 'media', after: { name: 'alias/media' }, after_unknown: { arn: true, target_key_id: true }, expressions: { name: c('alias/media'), target_key_id: ref('aws_kms_key.k.key_id', 'aws_kms_key.k') } },
      { type: 'aws_cloudwatch_log_group', name: 'l', after: { name_prefix: '/aws/connect/x', retention_in_days: 0 }, after_unknown: { name: true, arn: true, kms_key_id: true }, expressions: { name_prefix: c('/aws/connect/x'), kms_key_id: ref('aws_kms_key.k.arn', 'aws_kms_key.k') } },
      {
        type: 'aws_connect_instance_storage_config',
        name: 'media',
        after: { instance_id: 'existing-instance', resource_type: 'MEDIA_STREAMS', storage_config: [{ storage_type: 'KINESIS_VIDEO_STREAM', kinesis_video_stream_config: [{ prefix: 'm', retention_period_hours: 24, encryption_config: [{ encryption_type: 'KMS' }] }] }] },
        after_unknown: { storage_config: [{ kinesis_video_stream_config: [{ encryption_config: [{ key_id: true }] }] }] },
        expressions: { storage_config: [{ kinesis_video_stream_config: [{ encryption_config: [{ key_id: ref('aws_kms_alias.media.name', 'aws_kms_alias.media') }] }] }] },
      },
    ]);
    expect(model.logGroups[0]).toMatchObject({ logGroupName: 'known-after-apply-aws-cloudwatch-log-group-l', logGroup: { kmsKeyId: KEY } });
    expect(model.logGroups[0]?.logGroup).not.toHaveProperty('retentionInDays'); // 0: never expires
    expect(model.storageConfigs[0]?.config).toEqual({ StorageType: 'KINESIS_VIDEO_STREAM', KinesisVideoStreamConfig: { Prefix: 'm', RetentionPeriodHours: 24, EncryptionConfig: { EncryptionType: 'KMS', KeyId: 'alias/media' } } });
    expect(model.instanceReferences).toEqual([expect.objectContaining({ id: 'existing-instance', region: REGION })]);
  });

  it('for_each over another resource: each.value is its instance with the same key', async () => {
    const instances = ['a', 'b'].map((key) => ({ key, after: { identity_management_type: 'SAML', instance_alias: `c-${key}` }, after_unknown: { id: true, arn: true } }));
    const plan = {
      format_version: '1.2',
      resource_changes: [
        ...instances.map((i) => ({ address: `aws_connect_instance.this["${i.key}"]`, mode: 'managed', type: 'aws_connect_instance', name: 'this', index: i.key, change: { actions: ['create'], after: i.after, after_unknown: i.after_unknown } })),
        ...['a', 'b'].map((key) => ({
          address: `aws_connect_approved_origin.o["${key}"]`,
          mode: 'managed',
          type: 'aws_connect_approved_origin',
          name: 'o',
          index: key,
          change: { actions: ['create'], after: { origin: `https://${key}.example` }, after_unknown: { instance_id: true } },
        })),
      ],
      configuration: {
        provider_config: { aws: { name: 'aws', expressions: { region: c(REGION) } } },
        root_module: {
          resources: [
            { address: 'aws_connect_instance.this', mode: 'managed', type: 'aws_connect_instance', name: 'this', provider_config_key: 'aws', for_each_expression: ref('var.centres'), expressions: {} },
            { address: 'aws_connect_approved_origin.o', mode: 'managed', type: 'aws_connect_approved_origin', name: 'o', provider_config_key: 'aws', for_each_expression: ref('aws_connect_instance.this'), expressions: { instance_id: ref('each.value.id', 'each.value') } },
          ],
        },
      },
    };
    const file = join(dir, 'each-value.json');
    writeFileSync(file, JSON.stringify(plan));
    const model = await readTerraformPlan(file, { accountId: ACCOUNT });
    expect(model.approvedOrigins.map((o) => [o.name, o.instanceId])).toEqual([
      ['aws_connect_approved_origin.o["a"]', 'known-after-apply-aws-connect-instance-this-a'],
      ['aws_connect_approved_origin.o["b"]', 'known-after-apply-aws-connect-instance-this-b'],
    ]);
    expect(model.instanceReferences).toEqual([]);
  });

  it('a variable passed through two module levels, keyed by the outer module’s for_each', async () => {
    const keys = ['a', 'b'];
    const plan = {
      format_version: '1.2',
      resource_changes: [
        ...keys.map((key) => ({ address: `aws_s3_bucket.b["${key}"]`, mode: 'managed', type: 'aws_s3_bucket', name: 'b', index: key, change: { actions: ['create'], after: { bucket: `b-${key}` }, after_unknown: { id: true, arn: true } } })),
        ...keys.map((key) => ({
          address: `module.outer["${key}"].module.inner.aws_s3_bucket_policy.p`,
          module_address: `module.outer["${key}"].module.inner`,
          mode: 'managed',
          type: 'aws_s3_bucket_policy',
          name: 'p',
          change: { actions: ['create'], after: { policy: '{}' }, after_unknown: { bucket: true } },
        })),
      ],
      configuration: {
        provider_config: { aws: { name: 'aws', expressions: { region: c(REGION) } } },
        root_module: {
          resources: [{ address: 'aws_s3_bucket.b', mode: 'managed', type: 'aws_s3_bucket', name: 'b', provider_config_key: 'aws', for_each_expression: ref('var.keys'), expressions: { bucket: ref('each.key') } }],
          module_calls: {
            outer: {
              source: './outer',
              for_each_expression: ref('var.keys'),
              expressions: { bucket: ref('aws_s3_bucket.b', 'each.key') },
              module: {
                module_calls: {
                  inner: {
                    source: './inner',
                    expressions: { bucket: ref('var.bucket') },
                    module: { resources: [{ address: 'aws_s3_bucket_policy.p', mode: 'managed', type: 'aws_s3_bucket_policy', name: 'p', provider_config_key: 'aws', expressions: { bucket: ref('var.bucket'), policy: c('{}') } }] },
                  },
                },
              },
            },
          },
        },
      },
    };
    const file = join(dir, 'nested.json');
    writeFileSync(file, JSON.stringify(plan));
    const model = await readTerraformPlan(file, { accountId: ACCOUNT });
    expect(model.bucketParts.map((p) => [p.name, p.bucketName])).toEqual([
      ['module.outer["a"].module.inner.aws_s3_bucket_policy.p', 'b-a'],
      ['module.outer["b"].module.inner.aws_s3_bucket_policy.p', 'b-b'],
    ]);
  });

  it('a storage config whose instance is unknown and not singled out by its reference names no instance', async () => {
    const model = await modelOf('dangling', [
      {
        type: 'aws_connect_instance_storage_config',
        name: 's',
        after: { resource_type: 'CALL_RECORDINGS', storage_config: [{ storage_type: 'S3', s3_config: [{ bucket_name: 'b', bucket_prefix: 'p' }] }] },
        after_unknown: { instance_id: true },
        expressions: { instance_id: ref('var.instance_id') },
      },
    ]);
    expect(model.storageConfigs[0]?.instanceId).toBe('aws_connect_instance_storage_config.s: instance_id');
    expect(model.instanceReferences).toEqual([]);
    expect(model.warnings).toContain('aws_connect_instance_storage_config.s: instance_id: the Connect instance is unknown until apply.');
  });

  it('a bucket policy or key policy whose target is unknown and not singled out may be any bucket’s or key’s: each becomes Unknown', async () => {
    const bucket = (name: string): Resource => ({ type: 'aws_s3_bucket', name, after: { bucket: `bucket-${name}` }, after_unknown: { id: true, arn: true } });
    const model = await modelOf('spread', [
      bucket('one'),
      bucket('two'),
      key,
      { type: 'aws_s3_bucket_policy', name: 'known', after: { policy: '{"Statement":[]}' }, after_unknown: { bucket: true }, expressions: { bucket: ref('aws_s3_bucket.one.id', 'aws_s3_bucket.one') } },
      { type: 'aws_s3_bucket_policy', name: 'which', after: { policy: '{"Statement":[]}' }, after_unknown: { bucket: true }, expressions: { bucket: ref('local.bucket') } },
      { type: 'aws_kms_key_policy', name: 'which', after: { policy: '{}' }, after_unknown: { key_id: true }, expressions: { key_id: ref('local.key') } },
    ]);
    expect(model.bucketParts.map((p) => [p.name, p.bucketName, p.value])).toEqual([
      ['aws_s3_bucket_policy.known', 'bucket-one', '{"Statement":[]}'],
      ['aws_s3_bucket_policy.which', 'bucket-two', new Unknown('aws_s3_bucket_policy.which: bucket (this may be the policy of aws_s3_bucket.two)')],
    ]);
    expect(model.keyPolicies).toEqual([expect.objectContaining({ name: 'aws_kms_key_policy.which', keyArn: KEY, policy: new Unknown('aws_kms_key_policy.which: key_id (this may be the policy of aws_kms_key.k)') })]);
    expect(model.warnings).toContain('aws_s3_bucket_policy.which: bucket: unknown until apply, so it may configure any bucket of the plan.');
  });

  it('split ACL resource with grants; account public access block', async () => {
    const model = await modelOf('acl', [
      { type: 'aws_s3_bucket', name: 'b', actions: ['no-op'], after: { bucket: 'acl-bucket', id: 'acl-bucket', arn: 'arn:aws:s3:::acl-bucket' } },
      {
        type: 'aws_s3_bucket_acl',
        name: 'b',
        after: {
          bucket: 'acl-bucket',
          access_control_policy: [{ grant: [{ grantee: [{ type: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers' }], permission: 'READ' }], owner: [{ id: 'owner' }] }],
        },
        expressions: { bucket: ref('aws_s3_bucket.b.id', 'aws_s3_bucket.b') },
      },
      { type: 'aws_s3_account_public_access_block', name: 'a', after: { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true } },
    ]);
    expect(model.bucketParts[0]).toMatchObject({
      part: 'acl',
      bucketName: 'acl-bucket',
      value: { Grants: [{ Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers' }, Permission: 'READ' }] },
    });
    expect(model.accountPublicAccessBlock?.value).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
  });
});
