/** The CDK-shaped template and insecure.yaml: what the reader gives the rules for each. */
import { describe, expect, it } from 'vitest';
import { readCloudFormation } from '../../../../src/evidence/iac/cloudformation/index.js';
import { PLACEHOLDER_ACCOUNT } from '../../../../src/evidence/iac/model.js';
import { fixture, inputError, lineOf } from './fixtures.js';

const CDK = fixture('cdk.out/ConnectStack.template.json');
const INSECURE = fixture('insecure.yaml');
const ACCOUNT = '111122223333';

describe('cdk.out/ConnectStack.template.json', async () => {
  const model = await readCloudFormation([CDK], { accountId: ACCOUNT, region: 'eu-central-1' });
  const bucket = 'known-after-apply-recordingsbucket6e2db1f7';
  const keyArn = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/known-after-apply-recordingskey3a8a2c5e`;

  it('keeps the hashed logical ids as names and places them on their lines', () => {
    expect(model.keys.map((k) => k.name)).toEqual(['RecordingsKey3A8A2C5E']);
    expect(model.buckets.map((b) => [b.name, b.bucketName, b.source?.line])).toEqual([['RecordingsBucket6E2DB1F7', bucket, lineOf(CDK, 'RecordingsBucket6E2DB1F7')]]);
    expect(model.storageConfigs.map((c) => [c.name, c.source?.line])).toEqual([
      ['CallRecordings', lineOf(CDK, 'CallRecordings')],
      ['ContactTraceRecords', lineOf(CDK, 'ContactTraceRecords')],
    ]);
  });

  it('ignores CDKMetadata, the SSM BootstrapVersion parameter and Rules, with no warning', () => {
    expect(model.warnings).toEqual([]);
    expect(model.instances).toHaveLength(1);
  });

  it('resolves the enforce-SSL policy CDK writes with Fn::Join', () => {
    const policy = model.bucketParts.find((p) => p.part === 'policy');
    expect(policy?.name).toBe('RecordingsBucketPolicy9C5B8D2E');
    expect(JSON.parse(policy?.value as string)).toMatchObject({
      Statement: [
        { Effect: 'Deny', Principal: { AWS: '*' }, Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        { Effect: 'Deny', Principal: { AWS: '*' }, Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } },
      ],
    });
  });

  it('links the contact trace records to the delivery stream, and the stream to the key and bucket', () => {
    const stream = model.deliveryStreams[0];
    const ctr = model.storageConfigs.find((c) => c.resourceType === 'CONTACT_TRACE_RECORDS');
    expect(ctr?.config).toEqual({ StorageType: 'KINESIS_FIREHOSE', KinesisFirehoseConfig: { FirehoseArn: stream?.arn } });
    expect(stream?.arn).toBe(`arn:aws:firehose:eu-central-1:${ACCOUNT}:deliverystream/known-after-apply-contacttracerecordsstream7f3e9a21`);
    const destination = {
      RoleARN: `arn:aws:iam::${ACCOUNT}:role/known-after-apply-deliveryroled6b2a0c4`,
      BucketARN: `arn:aws:s3:::${bucket}`,
      Prefix: 'ctr/',
      EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: keyArn } },
    };
    expect(stream?.description).toEqual({
      DeliveryStreamName: 'known-after-apply-contacttracerecordsstream7f3e9a21',
      DeliveryStreamARN: stream?.arn,
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfiguration: { KeyARN: keyArn, KeyType: 'CUSTOMER_MANAGED_CMK', Status: 'ENABLED' },
      Destinations: [{ DestinationId: 'destinationId-000000000001', ExtendedS3DestinationDescription: destination, S3DestinationDescription: destination }],
    });
  });

  it('reads the log group with the key CDK passes', () => {
    expect(model.logGroups[0]?.logGroup).toMatchObject({ logGroupName: '/aws/connect/cdk-contact-center', kmsKeyId: keyArn, retentionInDays: 731 });
  });
});

describe('insecure.yaml', async () => {
  const model = await readCloudFormation([INSECURE], {});

  it('has a bucket policy without a TLS-only deny, on the placeholder-named bucket', () => {
    const bucket = model.buckets[0];
    expect(bucket?.bucketName).toBe('known-after-apply-recordingsbucket');
    const parts = model.bucketParts.filter((p) => p.bucketName === bucket?.bucketName);
    expect(parts.map((p) => p.part)).toEqual(['policy']);
    const policy = JSON.parse(parts[0]?.value as string) as { Statement: Array<Record<string, unknown>> };
    expect(policy.Statement.map((s) => s['Effect'])).toEqual(['Allow']);
    expect(policy.Statement[0]?.['Resource']).toBe('arn:aws:s3:::known-after-apply-recordingsbucket/*');
  });

  it('has a key that does not rotate and a policy open to every principal', () => {
    expect(model.keys[0]?.rotation).toEqual({ KeyRotationEnabled: false });
    expect(JSON.parse(model.keys[0]?.policy as string)).toMatchObject({ Statement: [{ Principal: { AWS: '*' } }] });
  });

  it('names a transcripts bucket the template does not create as a literal', () => {
    const transcripts = model.storageConfigs.find((c) => c.resourceType === 'CHAT_TRANSCRIPTS');
    expect(transcripts?.config).toEqual({ StorageType: 'S3', S3Config: { BucketName: 'existing-transcripts-bucket', BucketPrefix: 'transcripts' } });
    expect(model.buckets.map((b) => b.bucketName)).not.toContain('existing-transcripts-bucket');
  });

  it('has an unencrypted stream and a delivery stream without server-side encryption', () => {
    expect(model.kinesisStreams[0]?.summary).toEqual({
      StreamName: 'known-after-apply-contacttracerecords',
      StreamARN: `arn:aws:kinesis:us-east-1:${PLACEHOLDER_ACCOUNT}:stream/known-after-apply-contacttracerecords`,
      EncryptionType: 'NONE',
      RetentionPeriodHours: 24,
    });
    const description = model.deliveryStreams[0]?.description as Record<string, unknown>;
    expect(description['DeliveryStreamType']).toBe('DirectPut');
    expect(description['DeliveryStreamEncryptionConfiguration']).toBeUndefined();
    expect(model.storageConfigs.find((c) => c.resourceType === 'AGENT_EVENTS')?.config).toEqual({ StorageType: 'KINESIS_FIREHOSE', KinesisFirehoseConfig: { FirehoseArn: model.deliveryStreams[0]?.arn } });
  });

  it('reads the SAML instance', () => {
    expect(model.instances[0]).toMatchObject({ identityManagementType: 'SAML', alias: 'insecure-contact-center', attributes: [{ AttributeType: 'INBOUND_CALLS', Value: 'true' }, { AttributeType: 'OUTBOUND_CALLS', Value: 'true' }] });
  });
});

describe('a cdk.out directory', () => {
  it('stands for the *.template.json files in it', async () => {
    const model = await readCloudFormation([fixture('cdk.out')], {});
    expect(model.inputs).toEqual([CDK]);
    expect(model.instances.map((i) => i.name)).toEqual(['Instance']);
  });

  it('without templates is refused', async () => {
    expect(await inputError(readCloudFormation([fixture('bad')], {}))).toBe(`${fixture('bad')}: a directory without *.template.json files (give the templates, or the cdk.out directory cdk synth writes)`);
  });
});

describe('several templates', () => {
  it('make one model, qualifying logical ids two templates share', async () => {
    const model = await readCloudFormation([fixture('connect.yaml'), INSECURE], {});
    expect(model.inputs).toEqual([fixture('connect.yaml'), INSECURE]);
    expect(model.instances.map((i) => [i.name, i.id])).toEqual([
      ['connect.Instance', 'known-after-apply-connect-instance'],
      ['insecure.Instance', 'known-after-apply-insecure-instance'],
    ]);
    expect(new Set(model.storageConfigs.map((c) => c.instanceId))).toEqual(new Set(['known-after-apply-connect-instance', 'known-after-apply-insecure-instance']));
    expect(model.storageConfigs.filter((c) => c.instanceId === 'known-after-apply-insecure-instance').map((c) => c.source?.file)).toEqual([INSECURE, INSECURE, INSECURE, INSECURE]);
  });
});
