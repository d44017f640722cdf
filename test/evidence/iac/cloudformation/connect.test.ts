/**
 * connect.yaml (short-form tags) and connect.json (the same stack in long form): the model, its links
 * and placeholders, the Unknowns, the effect of parameters and conditions, and the lines.
 */
import { describe, expect, it } from 'vitest';
import { readCloudFormation } from '../../../../src/evidence/iac/cloudformation/index.js';
import { isUnknown, PLACEHOLDER_ACCOUNT, type IacModel } from '../../../../src/evidence/iac/model.js';
import { expectUnknown, fixture, lineOf } from './fixtures.js';

const YAML = fixture('connect.yaml');
const JSON_FORM = fixture('connect.json');
const BUCKET = `example-contact-center-recordings-${PLACEHOLDER_ACCOUNT}-us-east-1`;
const KEY_ARN = `arn:aws:kms:us-east-1:${PLACEHOLDER_ACCOUNT}:key/known-after-apply-recordingskey`;

const byName = <T extends { name: string }>(list: T[], name: string): T => {
  const found = list.find((item) => item.name === name);
  if (!found) throw new Error(`${name} not in ${list.map((i) => i.name).join(', ')}`);
  return found;
};

describe('connect.yaml with defaults', async () => {
  const model = await readCloudFormation([YAML], {});

  it('reads the instance with its attributes, the pinned alias and the placeholder id', () => {
    expect(model.tool).toBe('cloudformation');
    expect(model.inputs).toEqual([YAML]);
    expect(model.accountId).toBeUndefined();
    expect(model.partition).toBe('aws');
    expect(model.instances).toHaveLength(1);
    const instance = byName(model.instances, 'Instance');
    expect(instance).toMatchObject({
      lifecycle: 'create',
      id: 'known-after-apply-instance',
      arn: `arn:aws:connect:us-east-1:${PLACEHOLDER_ACCOUNT}:instance/known-after-apply-instance`,
      region: 'us-east-1',
      alias: 'example-contact-center',
      identityManagementType: 'CONNECT_MANAGED',
      directoryId: undefined,
      inboundCallsEnabled: true,
      outboundCallsEnabled: false,
      source: { file: YAML, line: lineOf(YAML, 'Instance'), logicalId: 'Instance' },
    });
    // Environment defaults to prod: !If [IsProd, true, false] turns flow logs on.
    expect(instance.attributes).toEqual([
      { AttributeType: 'INBOUND_CALLS', Value: 'true' },
      { AttributeType: 'OUTBOUND_CALLS', Value: 'false' },
      { AttributeType: 'CONTACTFLOW_LOGS', Value: 'true' },
    ]);
  });

  it('ties every storage config to the instance, whether named by !GetAtt Instance.Arn or !Ref Instance', () => {
    expect(model.storageConfigs.map((c) => [c.name, c.instanceId, c.resourceType])).toEqual([
      ['CallRecordings', 'known-after-apply-instance', 'CALL_RECORDINGS'],
      ['ChatTranscripts', 'known-after-apply-instance', 'CHAT_TRANSCRIPTS'],
      ['ContactTraceRecordsStorage', 'known-after-apply-instance', 'CONTACT_TRACE_RECORDS'],
    ]);
    expect(model.instanceReferences).toEqual([]);
    expect(byName(model.storageConfigs, 'CallRecordings').config).toEqual({
      StorageType: 'S3',
      S3Config: { BucketName: BUCKET, BucketPrefix: 'connect/recordings', EncryptionConfig: { EncryptionType: 'KMS', KeyId: KEY_ARN } },
    });
    expect(byName(model.storageConfigs, 'ContactTraceRecordsStorage').config).toEqual({
      StorageType: 'KINESIS_STREAM',
      KinesisStreamConfig: { StreamArn: `arn:aws:kinesis:us-east-1:${PLACEHOLDER_ACCOUNT}:stream/example-contact-center-ctr` },
    });
  });

  it('names the bucket from !Sub with pseudo parameters, and links its parts and policy by that name', () => {
    expect(model.buckets).toMatchObject([{ name: 'RecordingsBucket', source: { file: YAML, line: lineOf(YAML, 'RecordingsBucket'), logicalId: 'RecordingsBucket' }, lifecycle: 'create', bucketName: BUCKET, region: 'us-east-1' }]);
    const parts = model.bucketParts.map((p) => [p.part, p.name, p.bucketName]);
    // AccessControl is !If [IsProd, !Ref AWS::NoValue, Private]: removed in prod, so no acl part.
    expect(parts).toEqual([
      ['encryption', 'RecordingsBucket', BUCKET],
      ['publicAccessBlock', 'RecordingsBucket', BUCKET],
      ['ownershipControls', 'RecordingsBucket', BUCKET],
      ['policy', 'RecordingsBucketPolicy', BUCKET],
    ]);
    const encryption = model.bucketParts.find((p) => p.part === 'encryption');
    expect(encryption?.value).toEqual({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN }, BucketKeyEnabled: true }] });
    const policy = model.bucketParts.find((p) => p.part === 'policy');
    expect(policy?.source).toMatchObject({ file: YAML, line: lineOf(YAML, 'RecordingsBucketPolicy'), logicalId: 'RecordingsBucketPolicy' });
    expect(JSON.parse(policy?.value as string)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        {
          Sid: 'DenyTlsBelow12',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
          Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } },
        },
      ],
    });
  });

  it('reads the key with its policy resolved, rotation and the alias that targets its placeholder id', () => {
    const key = byName(model.keys, 'RecordingsKey');
    expect(key.arn).toBe(KEY_ARN);
    expect(key.metadata).toEqual({ Description: 'example recordings and transcripts' });
    expect(key.rotation).toEqual({ KeyRotationEnabled: true, RotationPeriodInDays: 365 });
    const policy = JSON.parse(key.policy as string) as { Statement: Array<Record<string, unknown>> };
    expect(policy.Statement[0]?.['Principal']).toEqual({ AWS: `arn:aws:iam::${PLACEHOLDER_ACCOUNT}:root` });
    expect(policy.Statement[1]?.['Condition']).toEqual({ StringEquals: { 'aws:SourceAccount': PLACEHOLDER_ACCOUNT } });
    expect(policy.Statement[2]?.['Principal']).toEqual({ Service: 'logs.us-east-1.amazonaws.com' });
    // Ref of a key is its key id: the last segment of the placeholder ARN.
    expect(model.aliases).toMatchObject([
      { name: 'RecordingsKeyAlias', source: { file: YAML, line: lineOf(YAML, 'RecordingsKeyAlias'), logicalId: 'RecordingsKeyAlias' }, aliasName: 'alias/example-contact-center-recordings', targetKey: 'known-after-apply-recordingskey', region: 'us-east-1' },
    ]);
  });

  it('reads the stream, the flow-log group (created when IsProd) and skips the bucket created when NotProd', () => {
    expect(model.kinesisStreams.map((s) => s.summary)).toEqual([
      { StreamName: 'example-contact-center-ctr', StreamARN: `arn:aws:kinesis:us-east-1:${PLACEHOLDER_ACCOUNT}:stream/example-contact-center-ctr`, EncryptionType: 'KMS', KeyId: 'known-after-apply-recordingskey', RetentionPeriodHours: 24 },
    ]);
    expect(model.logGroups).toHaveLength(1);
    expect(model.logGroups[0]).toMatchObject({ name: 'FlowLogs', logGroupName: '/aws/connect/example-contact-center', logGroup: { retentionInDays: 365, kmsKeyId: KEY_ARN } });
    expect(model.buckets.some((b) => b.name === 'ScratchBucket')).toBe(false);
  });

  it('leaves the origin from a parameter without a default Unknown, naming the parameter', () => {
    const origin = byName(model.approvedOrigins, 'AgentDesktop');
    expect(origin.instanceId).toBe('known-after-apply-instance');
    expectUnknown(origin.origin, 'AgentDesktop: Origin', 'parameter AgentDesktopOrigin has no value');
  });

  it('warns that the region and the account are fallbacks', () => {
    expect(model.warnings).toEqual([expect.stringContaining('us-east-1'), expect.stringContaining(PLACEHOLDER_ACCOUNT)]);
  });
});

describe('connect.yaml with --parameters', () => {
  const shapes = ['parameters.json', 'parameters-codepipeline.json', 'parameters-plain.json'];

  it.each(shapes)('%s sets Environment=dev and the origin', async (file) => {
    const model = await readCloudFormation([YAML], { parameters: fixture(file) });
    const instance = model.instances[0];
    expect(!isUnknown(instance?.attributes) && instance?.attributes.find((a) => a.AttributeType === 'CONTACTFLOW_LOGS')).toEqual({ AttributeType: 'CONTACTFLOW_LOGS', Value: 'false' });
    expect(model.logGroups).toEqual([]);
    expect(model.buckets.map((b) => b.name)).toEqual(['RecordingsBucket', 'ScratchBucket']);
    // A bucket without BucketName gets the placeholder name.
    expect(model.buckets[1]?.bucketName).toBe('known-after-apply-scratchbucket');
    expect(model.bucketParts.find((p) => p.part === 'acl')?.value).toEqual({ cannedAcl: 'private' });
    expect(model.approvedOrigins[0]?.origin).toBe('https://agents.example.com');
  });

  it('gives the same model for the three shapes', async () => {
    const [a, b, c] = await Promise.all(shapes.map((file) => readCloudFormation([YAML], { parameters: fixture(file) })));
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });
});

describe('the run account and region', () => {
  it('build every ARN and name from them', async () => {
    const model = await readCloudFormation([YAML], { accountId: '123456789012', region: 'eu-west-2' });
    expect(model.accountId).toBe('123456789012');
    expect(model.warnings).toEqual([]);
    expect(model.instances[0]?.arn).toBe('arn:aws:connect:eu-west-2:123456789012:instance/known-after-apply-instance');
    expect(model.buckets[0]?.bucketName).toBe('example-contact-center-recordings-123456789012-eu-west-2');
    expect(model.keys[0]?.arn).toBe('arn:aws:kms:eu-west-2:123456789012:key/known-after-apply-recordingskey');
  });

  it('take the partition of the region', async () => {
    const model = await readCloudFormation([YAML], { accountId: '123456789012', region: 'cn-north-1' });
    expect(model.partition).toBe('aws-cn');
    expect(model.instances[0]?.arn).toBe('arn:aws-cn:connect:cn-north-1:123456789012:instance/known-after-apply-instance');
    const policy = JSON.parse(model.keys[0]?.policy as string) as { Statement: Array<Record<string, unknown>> };
    expect(policy.Statement[0]?.['Principal']).toEqual({ AWS: 'arn:aws-cn:iam::123456789012:root' });
    expect(policy.Statement[2]?.['Principal']).toEqual({ Service: 'logs.cn-north-1.amazonaws.com.cn' });
  });
});

/** The model without where each entry is written: what the YAML and JSON forms must share. */
function withoutLocations(model: IacModel): unknown {
  return JSON.parse(JSON.stringify({ ...model, inputs: [] }, (key, value: unknown) => (key === 'source' ? undefined : value)));
}

describe('connect.json, the same stack in JSON long form', () => {
  it('gives the same model as connect.yaml apart from the locations', async () => {
    const [yaml, json] = await Promise.all([readCloudFormation([YAML], {}), readCloudFormation([JSON_FORM], {})]);
    expect(withoutLocations(json)).toEqual(withoutLocations(yaml));
    expectUnknown(json.approvedOrigins[0]?.origin, 'AgentDesktopOrigin');
  });

  it.each([YAML, JSON_FORM])('places each resource of %s on the line of its logical id', async (file) => {
    const model = await readCloudFormation([file], {});
    const located = [...model.instances, ...model.storageConfigs, ...model.buckets, ...model.bucketParts, ...model.keys, ...model.aliases, ...model.kinesisStreams, ...model.logGroups, ...model.approvedOrigins];
    expect(located.length).toBe(14);
    for (const entry of located) {
      expect(entry.source).toMatchObject({ file, line: lineOf(file, entry.source?.logicalId ?? ''), logicalId: entry.source?.logicalId });
    }
  });
});
