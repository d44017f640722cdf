/** The per-type mappings' details, one small template each (the template reference's property pages). */
import { describe, expect, it } from 'vitest';
import { readCloudFormation } from '../../../../src/evidence/iac/cloudformation/index.js';
import { PLACEHOLDER_ACCOUNT, type IacModel } from '../../../../src/evidence/iac/model.js';
import { expectUnknown, tempTemplate } from './fixtures.js';

const read = (resources: string): Promise<IacModel> => readCloudFormation([tempTemplate(`Resources:\n${resources}`)], {});
const ARN = 'arn:aws:connect:us-east-1:111122223333:instance/abc';

describe('AWS::Connect::InstanceStorageConfig', () => {
  const media = (config: string) => `  Media:\n    Type: AWS::Connect::InstanceStorageConfig\n    Properties:\n      InstanceArn: ${ARN}\n      ResourceType: MEDIA_STREAMS\n      StorageType: KINESIS_VIDEO_STREAM\n      KinesisVideoStreamConfig:\n        Prefix: connect\n        RetentionPeriodHours: 24\n${config}`;

  it('a video stream config in the SDK shape', async () => {
    const m = await read(media('        EncryptionConfig:\n          EncryptionType: KMS\n          KeyId: arn:aws:kms:us-east-1:111122223333:key/k\n'));
    expect(m.storageConfigs[0]?.config).toEqual({ StorageType: 'KINESIS_VIDEO_STREAM', KinesisVideoStreamConfig: { Prefix: 'connect', RetentionPeriodHours: 24, EncryptionConfig: { EncryptionType: 'KMS', KeyId: 'arn:aws:kms:us-east-1:111122223333:key/k' } } });
  });

  it('a video stream config without EncryptionConfig is Unknown: the key Connect then uses is not documented', async () => {
    expectUnknown((await read(media(''))).storageConfigs[0]?.config, 'Media: KinesisVideoStreamConfig.EncryptionConfig', 'not documented');
  });

  it('a config without the StorageType CloudFormation requires is Unknown', async () => {
    const m = await read(`  C:\n    Type: AWS::Connect::InstanceStorageConfig\n    Properties:\n      InstanceArn: ${ARN}\n      ResourceType: CALL_RECORDINGS\n`);
    expectUnknown(m.storageConfigs[0]?.config, 'C: StorageType (not set, though CloudFormation requires it)');
  });
});

describe('AWS::S3::Bucket', () => {
  it('canned ACLs as S3 names them; an unknown one is Unknown', async () => {
    const m = await read('  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: a\n      AccessControl: PublicRead\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: b\n      AccessControl: SomethingNew\n');
    expect(m.bucketParts.map((p) => [p.bucketName, p.part])).toEqual([['a', 'acl'], ['b', 'acl']]);
    expect(m.bucketParts[0]?.value).toEqual({ cannedAcl: 'public-read' });
    expectUnknown(m.bucketParts[1]?.value, 'B: AccessControl', 'SomethingNew is not a canned ACL');
  });

  it('a public access block leaves out settings as false, as PutPublicAccessBlock stores them', async () => {
    const m = await read('  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration:\n        BlockPublicAcls: true\n      OwnershipControls:\n        Rules:\n          - ObjectOwnership: ObjectWriter\n');
    expect(m.bucketParts.map((p) => p.value)).toEqual([
      { BlockPublicAcls: true, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false },
      { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
    ]);
  });

  it('a bucket policy whose bucket cannot be known is tied to a name no bucket has', async () => {
    const m = await readCloudFormation([tempTemplate('Parameters:\n  Name:\n    Type: String\nResources:\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref Name\n      PolicyDocument: {}\n')], {});
    expect(m.bucketParts).toEqual([expect.objectContaining({ name: 'P', bucketName: 'P: Bucket', part: 'policy', value: '{}' })]);
    expect(m.warnings.at(-1)).toMatch(/P: the bucket is unknown until apply \(Bucket parameter Name has no value/);
  });

  it('a bucket policy given as JSON text is kept as written', async () => {
    const m = await read('  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: existing\n      PolicyDocument: \'{"Statement": []}\'\n');
    expect(m.bucketParts[0]).toMatchObject({ bucketName: 'existing', part: 'policy', value: '{"Statement": []}' });
    expect(m.buckets).toEqual([]);
  });
});

describe('AWS::KMS::Key', () => {
  it('metadata as far as the template sets it, rotation with its period', async () => {
    const m = await read('  K:\n    Type: AWS::KMS::Key\n    Properties:\n      KeySpec: RSA_2048\n      KeyUsage: SIGN_VERIFY\n      Enabled: false\n      MultiRegion: true\n      Origin: EXTERNAL\n      EnableKeyRotation: true\n      RotationPeriodInDays: 90\n');
    expect(m.keys[0]?.metadata).toEqual({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', Enabled: false, MultiRegion: true, Origin: 'EXTERNAL' });
    expect(m.keys[0]?.rotation).toEqual({ KeyRotationEnabled: true, RotationPeriodInDays: 90 });
    expect(m.keys[0]?.policy).toBeUndefined();
  });
});

describe('streams and logs', () => {
  it('a Kinesis stream with StreamEncryption NONE and no key', async () => {
    const m = await read('  S:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      Name: s\n      RetentionPeriodHours: 48\n      StreamModeDetails:\n        StreamMode: ON_DEMAND\n      StreamEncryption:\n        EncryptionType: NONE\n');
    expect(m.kinesisStreams[0]?.summary).toEqual({ StreamName: 's', StreamARN: `arn:aws:kinesis:us-east-1:${PLACEHOLDER_ACCOUNT}:stream/s`, EncryptionType: 'NONE', RetentionPeriodHours: 48, StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
  });

  it('a delivery stream reading from a Kinesis stream, with a Splunk destination and its S3 backup', async () => {
    const m = await read('  D:\n    Type: AWS::KinesisFirehose::DeliveryStream\n    Properties:\n      DeliveryStreamName: d\n      KinesisStreamSourceConfiguration:\n        KinesisStreamARN: arn:aws:kinesis:us-east-1:111122223333:stream/s\n        RoleARN: arn:aws:iam::111122223333:role/r\n      SplunkDestinationConfiguration:\n        HECEndpoint: https://splunk.example.com\n        S3Configuration:\n          BucketARN: arn:aws:s3:::backup\n          RoleARN: arn:aws:iam::111122223333:role/r\n');
    expect(m.deliveryStreams[0]?.description).toEqual({
      DeliveryStreamName: 'd',
      DeliveryStreamARN: `arn:aws:firehose:us-east-1:${PLACEHOLDER_ACCOUNT}:deliverystream/d`,
      DeliveryStreamType: 'KinesisStreamAsSource',
      Destinations: [{ DestinationId: 'destinationId-000000000001', SplunkDestinationDescription: { S3DestinationDescription: { BucketARN: 'arn:aws:s3:::backup', RoleARN: 'arn:aws:iam::111122223333:role/r' } } }],
    });
  });

  it('a log group without a name gets the placeholder, and its class defaults to STANDARD', async () => {
    const m = await read('  L:\n    Type: AWS::Logs::LogGroup\n');
    expect(m.logGroups[0]).toMatchObject({ logGroupName: 'known-after-apply-l', logGroup: { logGroupName: 'known-after-apply-l', logGroupClass: 'STANDARD', arn: `arn:aws:logs:us-east-1:${PLACEHOLDER_ACCOUNT}:log-group:known-after-apply-l:*` } });
  });
});

describe('AWS::DirectoryService::SimpleAD', () => {
  it('a Simple AD directory, with its size', async () => {
    const m = await read('  Dir:\n    Type: AWS::DirectoryService::SimpleAD\n    Properties:\n      Name: corp.example.com\n      Size: Small\n      Password: x\n      VpcSettings: { SubnetIds: [a, b], VpcId: v }\n');
    expect(m.directories[0]?.description).toEqual({ DirectoryId: 'd-known-after-apply-dir', Name: 'corp.example.com', Type: 'SimpleAD', Size: 'Small' });
  });
});
