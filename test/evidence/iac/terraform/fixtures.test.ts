import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Unknown, isUnknown, type IacModel, type SourceRef } from '../../../../src/evidence/iac/model.js';
import { readTerraformPlan } from '../../../../src/evidence/iac/terraform/index.js';

const FIXTURES = resolve('test/fixtures/iac/terraform');
const read = (name: string, options = {}) => readTerraformPlan(join(FIXTURES, name, 'plan.json'), options);

/** The 1-based line of the block whose header is written so in the file (what the reader must find). */
function blockAt(file: string, header: string, address: string): SourceRef {
  const lines = readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((line) => line.startsWith(header));
  if (index < 0) throw new Error(`${header} not in ${file}`);
  return { file, line: index + 1, address };
}

const byName = <T extends { name: string }>(list: T[], name: string): T => {
  const found = list.find((entry) => entry.name === name);
  if (!found) throw new Error(`${name} not in ${list.map((e) => e.name).join(', ')}`);
  return found;
};
const partsOf = (model: IacModel, bucketName: string) => model.bucketParts.filter((p) => p.bucketName === bucketName).map((p) => p.part).sort();

describe('basic: everything exists, every value known', () => {
  it('links the instance, storage config, bucket, its parts, the key and its alias by their known names', async () => {
    const model = await read('basic');
    expect(model.tool).toBe('terraform');
    expect(model.accountId).toBe('111122223333');
    expect(model.partition).toBe('aws');
    expect(model.warnings).toEqual([]);
    const [instance] = model.instances;
    expect(instance).toMatchObject({ lifecycle: 'update', id: 'a1b2c3d4-5678-90ab-cdef-111111111111', region: 'eu-west-2', alias: 'acme-contact', identityManagementType: 'CONNECT_MANAGED', directoryId: undefined, inboundCallsEnabled: true });
    expect(instance?.serviceRole).toBe('arn:aws:iam::111122223333:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_abc123');
    expect(instance?.attributes).toContainEqual({ AttributeType: 'CONTACTFLOW_LOGS', Value: 'true' });
    const keyArn = 'arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(model.storageConfigs).toEqual([
      expect.objectContaining({
        lifecycle: 'update',
        instanceId: instance?.id,
        resourceType: 'CALL_RECORDINGS',
        config: expect.objectContaining({ StorageType: 'S3', S3Config: { BucketName: 'acme-connect-recordings', BucketPrefix: 'recordings', EncryptionConfig: { EncryptionType: 'KMS', KeyId: keyArn } } }),
      }),
    ]);
    expect(model.buckets).toEqual([expect.objectContaining({ bucketName: 'acme-connect-recordings', lifecycle: 'update', region: 'eu-west-2' })]);
    // The bucket's own (deprecated, Computed) policy and encryption are not read: the configuration does not write them.
    expect(partsOf(model, 'acme-connect-recordings')).toEqual(['encryption', 'ownershipControls', 'policy', 'publicAccessBlock']);
    const policy = model.bucketParts.find((p) => p.part === 'policy');
    expect(policy?.name).toBe('aws_s3_bucket_policy.recordings');
    expect(JSON.parse(policy?.value as string).Statement[0].Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
    expect(model.bucketParts.find((p) => p.part === 'encryption')?.value).toEqual({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn }, BucketKeyEnabled: true }] });
    expect(model.bucketParts.find((p) => p.part === 'ownershipControls')?.value).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    const [key] = model.keys;
    expect(key).toMatchObject({ lifecycle: 'update', arn: keyArn, rotation: { KeyRotationEnabled: true, RotationPeriodInDays: 365 } });
    expect(key?.metadata).toMatchObject({ KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT', Enabled: true, MultiRegion: false });
    expect(typeof key?.policy).toBe('string');
    expect(model.aliases).toEqual([expect.objectContaining({ aliasName: 'alias/connect-recordings', targetKey: '1234abcd-12ab-34cd-56ef-1234567890ab', region: 'eu-west-2' })]);
    expect(model.logGroups).toEqual([expect.objectContaining({ logGroupName: '/aws/connect/acme-contact', logGroup: expect.objectContaining({ kmsKeyId: keyArn, retentionInDays: 365 }) })]);
  });

  it('places every resource on its block in the .tf file that writes it', async () => {
    const model = await read('basic');
    const dir = join(FIXTURES, 'basic');
    expect(model.instances[0]?.source).toMatchObject(blockAt(join(dir, 'main.tf'), 'resource "aws_connect_instance" "main"', 'aws_connect_instance.main'));
    expect(model.storageConfigs[0]?.source).toMatchObject(blockAt(join(dir, 'main.tf'), 'resource "aws_connect_instance_storage_config" "recordings"', 'aws_connect_instance_storage_config.recordings'));
    expect(byName(model.bucketParts, 'aws_s3_bucket_ownership_controls.recordings').source).toMatchObject(
      blockAt(join(dir, 'storage.tf'), 'resource "aws_s3_bucket_ownership_controls" "recordings"', 'aws_s3_bucket_ownership_controls.recordings'),
    );
    expect(model.keys[0]?.source).toMatchObject(blockAt(join(dir, 'kms.tf'), 'resource "aws_kms_key" "recordings"', 'aws_kms_key.recordings'));
    expect(model.aliases[0]?.source).toMatchObject(blockAt(join(dir, 'kms.tf'), 'resource "aws_kms_alias" "recordings"', 'aws_kms_alias.recordings'));
  });
});

describe('module: buckets and keys of a for_each module, named through its outputs', () => {
  it('ties each storage config to its module instance bucket (known name) and key (placeholder ARN)', async () => {
    const model = await read('module');
    expect(model.accountId).toBe('222233334444');
    const [instance] = model.instances;
    // New instance: placeholder id, ARN in the region of `region = var.region` (the plan's variable value).
    expect(instance).toMatchObject({ lifecycle: 'create', id: 'known-after-apply-aws-connect-instance-main', arn: 'arn:aws:connect:eu-west-1:222233334444:instance/known-after-apply-aws-connect-instance-main' });
    expect(instance?.serviceRole).toBeUndefined(); // assigned at apply
    for (const kind of ['calls', 'chats']) {
      const key = byName(model.keys, `module.recordings["${kind}"].aws_kms_key.this`);
      expect(key.arn).toBe(`arn:aws:kms:eu-west-1:222233334444:key/known-after-apply-module-recordings-${kind}-aws-kms-key-this`);
      expect(key.lifecycle).toBe('create');
      expect(key.policy).toBeUndefined(); // not written: AWS's default key policy
      expect(key.rotation).toEqual({ KeyRotationEnabled: true, RotationPeriodInDays: 365 }); // AWS's default when the code sets none
      const config = byName(model.storageConfigs, `aws_connect_instance_storage_config.${kind}`);
      expect(config.instanceId).toBe(instance?.id);
      expect(config.lifecycle).toBe('create');
      expect(config.config).toMatchObject({ S3Config: { BucketName: `acme-${kind}`, EncryptionConfig: { EncryptionType: 'KMS', KeyId: key.arn } } });
      expect(byName(model.buckets, `module.recordings["${kind}"].aws_s3_bucket.this`).bucketName).toBe(`acme-${kind}`);
      expect(partsOf(model, `acme-${kind}`)).toEqual(['encryption', 'policy', 'publicAccessBlock']);
      const encryption = byName(model.bucketParts, `module.recordings["${kind}"].aws_s3_bucket_server_side_encryption_configuration.this`);
      expect(encryption.value).toEqual({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.arn }, BucketKeyEnabled: true }] });
      expect(byName(model.bucketParts, `module.recordings["${kind}"].aws_s3_bucket_policy.this[0]`).bucketName).toBe(`acme-${kind}`);
    }
    expect(model.warnings).toEqual([]);
  });

  it('places module resources in the module directory; for_each and count instances share their block', async () => {
    const model = await read('module');
    const file = join(FIXTURES, 'module/modules/recordings/main.tf');
    const calls = byName(model.buckets, 'module.recordings["calls"].aws_s3_bucket.this');
    const chats = byName(model.buckets, 'module.recordings["chats"].aws_s3_bucket.this');
    expect(calls.source).toMatchObject(blockAt(file, 'resource "aws_s3_bucket" "this"', calls.name));
    expect(chats.source?.line).toBe(calls.source?.line);
    expect(byName(model.bucketParts, 'module.recordings["calls"].aws_s3_bucket_policy.this[0]').source).toMatchObject(
      blockAt(file, 'resource "aws_s3_bucket_policy" "this"', 'module.recordings["calls"].aws_s3_bucket_policy.this[0]'),
    );
    expect(byName(model.storageConfigs, 'aws_connect_instance_storage_config.chats').source?.file).toBe(join(FIXTURES, 'module/main.tf'));
  });
});

describe('for-each: two centres, each storage config linked by each.key', () => {
  it('picks the instance, bucket and key with the same for_each key', async () => {
    const model = await read('for-each');
    expect(model.accountId).toBe('333344445555'); // allowed_account_ids with one account
    const sales = byName(model.instances, 'aws_connect_instance.this["sales"]');
    const support = byName(model.instances, 'aws_connect_instance.this["support"]');
    expect(sales).toMatchObject({ lifecycle: 'create', id: 'known-after-apply-aws-connect-instance-this-sales', region: 'us-east-1' });
    expect(support).toMatchObject({ lifecycle: 'update', id: 'b2c3d4e5-6789-01ab-cdef-222222222222' });
    const salesKey = byName(model.keys, 'aws_kms_key.rec["sales"]');
    expect(salesKey.arn).toBe('arn:aws:kms:us-east-1:333344445555:key/known-after-apply-aws-kms-key-rec-sales');
    expect(byName(model.storageConfigs, 'aws_connect_instance_storage_config.rec["sales"]')).toMatchObject({
      instanceId: sales.id,
      config: { S3Config: { BucketName: 'acme-sales-recordings', EncryptionConfig: { KeyId: salesKey.arn } } },
    });
    expect(byName(model.storageConfigs, 'aws_connect_instance_storage_config.rec["support"]')).toMatchObject({
      instanceId: support.id,
      config: { S3Config: { BucketName: 'acme-support-recordings', EncryptionConfig: { KeyId: 'arn:aws:kms:us-east-1:333344445555:key/abcd1234-0000-4000-8000-000000000001' } } },
    });
    expect(model.approvedOrigins.map((o) => [o.instanceId, o.origin])).toEqual([
      [sales.id, 'https://sales.acme.example'],
      [support.id, 'https://support.acme.example'],
    ]);
    const file = join(FIXTURES, 'for-each/storage.tf');
    expect(byName(model.storageConfigs, 'aws_connect_instance_storage_config.rec["sales"]').source).toMatchObject(
      blockAt(file, 'resource "aws_connect_instance_storage_config" "rec"', 'aws_connect_instance_storage_config.rec["sales"]'),
    );
  });
});

describe('unknown-after-apply: new bucket, policy, key, alias and stream', () => {
  it('uses placeholders every reference shares, and Unknowns that say what is unknown', async () => {
    const model = await read('unknown-after-apply');
    expect(model.accountId).toBe('444455556666'); // from the existing instance's ARN
    const bucket = byName(model.buckets, 'aws_s3_bucket.rec');
    expect(bucket).toMatchObject({ lifecycle: 'create', bucketName: 'known-after-apply-aws-s3-bucket-rec' });
    const recordings = byName(model.storageConfigs, 'aws_connect_instance_storage_config.recordings');
    expect(recordings.config).toMatchObject({ S3Config: { BucketName: bucket.bucketName, EncryptionConfig: { KeyId: 'arn:aws:kms:ap-southeast-2:444455556666:alias/connect-rec' } } });
    const policy = byName(model.bucketParts, 'aws_s3_bucket_policy.rec');
    expect(policy.bucketName).toBe(bucket.bucketName);
    expect(policy.value).toEqual(new Unknown('aws_s3_bucket_policy.rec: policy'));
    const key = byName(model.keys, 'aws_kms_key.rec');
    expect(key.policy).toEqual(new Unknown('aws_kms_key.rec: policy'));
    expect(byName(model.aliases, 'aws_kms_alias.rec')).toMatchObject({ aliasName: 'alias/connect-rec', targetKey: key.arn });
    const stream = byName(model.kinesisStreams, 'aws_kinesis_stream.ctr');
    expect(stream.arn).toBe('arn:aws:kinesis:ap-southeast-2:444455556666:stream/acme-ctr');
    expect(stream.summary).toMatchObject({ EncryptionType: 'KMS', KeyId: key.arn, StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
    expect(byName(model.storageConfigs, 'aws_connect_instance_storage_config.ctr').config).toMatchObject({ StorageType: 'KINESIS_STREAM', KinesisStreamConfig: { StreamArn: stream.arn } });
  });

  it('does not guess between two count instances a splat reference could mean', async () => {
    const model = await read('unknown-after-apply');
    const chats = byName(model.storageConfigs, 'aws_connect_instance_storage_config.chats');
    expect(isUnknown(chats.config)).toBe(true);
    expect((chats.config as Unknown).detail).toBe('aws_connect_instance_storage_config.chats: storage_config.s3_config.bucket_name (aws_s3_bucket.chats has 2 instances and the reference does not say which)');
  });
});

describe('unmanaged: literals and data sources', () => {
  it('keeps what the plan does not manage as literals, and ties a literal to the managed resource it names', async () => {
    const model = await read('unmanaged');
    const recordings = byName(model.storageConfigs, 'aws_connect_instance_storage_config.recordings');
    expect(recordings.config).toMatchObject({ S3Config: { BucketName: 'legacy-connect-recordings', EncryptionConfig: { KeyId: 'arn:aws:kms:eu-central-1:555566667777:key/5fa2edc0-1111-4222-8333-944444444444' } } });
    expect(model.buckets.map((b) => b.bucketName)).toEqual(['acme-managed-chats']);
    expect(model.keys).toEqual([]);
    const media = byName(model.storageConfigs, 'aws_connect_instance_storage_config.media');
    expect(media.config).toEqual(
      new Unknown('aws_connect_instance_storage_config.media: storage_config.kinesis_video_stream_config.encryption_config.key_id (data.aws_kms_key.media is a data source read during apply)'),
    );
    const other = byName(model.storageConfigs, 'aws_connect_instance_storage_config.other_instance');
    expect(other.instanceId).toBe('99999999-8888-7777-6666-555555555555');
    expect(other.config).toMatchObject({ S3Config: { BucketName: 'acme-managed-chats' } });
    expect(model.instanceReferences).toEqual([
      { id: '99999999-8888-7777-6666-555555555555', arn: undefined, region: 'eu-central-1', referencedBy: { name: other.name, source: other.source } },
    ]);
  });
});

describe('insecure: every value known, every setting weak', () => {
  it('maps the weak settings as they are', async () => {
    const model = await read('insecure');
    expect(model.accountPublicAccessBlock?.value).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false });
    const parts = model.bucketParts.filter((p) => p.bucketName === 'acme-insecure-recordings');
    // Deprecated inline arguments the configuration writes are parts too, placed on the bucket block.
    expect(parts.find((p) => p.part === 'acl')).toMatchObject({ name: 'aws_s3_bucket.recordings', value: { cannedAcl: 'public-read' } });
    expect(parts.find((p) => p.part === 'encryption')?.value).toEqual({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] });
    expect(JSON.parse(parts.find((p) => p.part === 'policy')?.value as string).Statement).toHaveLength(1);
    expect(model.keys[0]?.rotation).toEqual({ KeyRotationEnabled: false });
    expect(byName(model.storageConfigs, 'aws_connect_instance_storage_config.chats').config).toMatchObject({ S3Config: { BucketName: 'acme-insecure-recordings', BucketPrefix: 'chats' } });
    expect((byName(model.storageConfigs, 'aws_connect_instance_storage_config.chats').config as { S3Config: object }).S3Config).not.toHaveProperty('EncryptionConfig');
    const firehoseArn = 'arn:aws:firehose:us-west-2:666677778888:deliverystream/acme-agent-events';
    expect(byName(model.storageConfigs, 'aws_connect_instance_storage_config.agent_events').config).toMatchObject({ KinesisFirehoseConfig: { FirehoseArn: firehoseArn } });
    expect(model.deliveryStreams[0]).toMatchObject({
      arn: firehoseArn,
      description: {
        DeliveryStreamType: 'DirectPut',
        DeliveryStreamEncryptionConfiguration: { Status: 'DISABLED' },
        Destinations: [{ DestinationId: 'destinationId-000000000001', HttpEndpointDestinationDescription: {} }],
      },
    });
  });
});

describe('destroy-replace', () => {
  it('skips what is destroyed and judges the replacement as new', async () => {
    const model = await read('destroy-replace');
    expect(model.buckets).toEqual([expect.objectContaining({ name: 'aws_s3_bucket.recordings', lifecycle: 'create', bucketName: 'acme-recordings-v2' })]);
    expect(model.bucketParts.map((p) => [p.name, p.bucketName])).toEqual([['aws_s3_bucket_server_side_encryption_configuration.recordings', 'acme-recordings-v2']]);
    expect(model.storageConfigs[0]?.config).toMatchObject({ S3Config: { BucketName: 'acme-recordings-v2' } });
    expect(model.warnings).toEqual([]);
  });
});
