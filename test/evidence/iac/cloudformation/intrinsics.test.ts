/**
 * Intrinsic functions, parameters, conditions and the mapping details, one small template each. The
 * behaviour follows the CloudFormation intrinsic function reference
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html) and
 * the pseudo parameter reference (…/pseudo-parameter-reference.html).
 */
import { describe, expect, it } from 'vitest';
import { readCloudFormation } from '../../../../src/evidence/iac/cloudformation/index.js';
import { isUnknown, PLACEHOLDER_ACCOUNT, type IacModel } from '../../../../src/evidence/iac/model.js';
import { STORAGE_RESOURCE_TYPES } from '../../../../src/paths/hops.js';
import { expectUnknown, tempTemplate } from './fixtures.js';

async function model(template: string, parameters?: Record<string, string> | unknown[], options: { accountId?: string; region?: string } = {}): Promise<IacModel> {
  const file = tempTemplate(template);
  return readCloudFormation([file], { ...options, parameters: parameters === undefined ? undefined : tempTemplate(JSON.stringify(parameters), 'parameters.json') });
}

/** The Description of the key `Key` in a template of one key: a convenient place to read any string. */
async function description(value: string, head = '', parameters?: Record<string, string>): Promise<unknown> {
  const m = await model(`${head}Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      Description: ${value}\n`, parameters);
  const metadata = m.keys[0]?.metadata;
  return isUnknown(metadata) ? metadata : metadata?.Description;
}

describe('string functions', () => {
  it('Fn::Sub: both forms, ${!Literal}, pseudo parameters and variables that are functions', async () => {
    const head = 'Parameters:\n  Env:\n    Type: String\n    Default: prod\n';
    expect(await description(`!Sub ["\${Prefix}-\${!Literal}-\${AWS::Region}-\${AWS::URLSuffix}", { Prefix: !Ref Env }]`, head)).toBe('prod-${Literal}-us-east-1-amazonaws.com');
    expect(await description('!Sub "${Env}/${AWS::AccountId}/${AWS::Partition}"', head)).toBe(`prod/${PLACEHOLDER_ACCOUNT}/aws`);
  });

  it('Fn::Join, Fn::Select, Fn::Split and a CommaDelimitedList parameter', async () => {
    const head = 'Parameters:\n  Names:\n    Type: CommaDelimitedList\n    Default: "a,b,c"\n';
    expect(await description('!Select [1, !Ref Names]', head)).toBe('b');
    expect(await description('!Join ["+", !Ref Names]', head)).toBe('a+b+c');
    expect(await description('!Join ["", [!Select [2, !Split ["/", "x/y/z"]], "!"]]', head)).toBe('z!');
    expectUnknown(await description('!Select [5, !Ref Names]', head), 'outside the list');
  });

  it('Fn::Base64 and Fn::GetAZs', async () => {
    expect(await description('!Base64 "hello"')).toBe(Buffer.from('hello').toString('base64'));
    expectUnknown(await description('!Select [0, !GetAZs ""]'), 'Fn::GetAZs');
  });

  it('Fn::FindInMap, with and without a DefaultValue', async () => {
    const head = 'Mappings:\n  M:\n    prod:\n      Name: production\n';
    expect(await description('!FindInMap [M, prod, Name]', head)).toBe('production');
    expectUnknown(await description('!FindInMap [M, dev, Name]', head), 'Mappings has no M.dev.Name');
    expect(await description('!FindInMap [M, dev, Name, {DefaultValue: fallback}]', head)).toBe('fallback');
  });

  it('AWS::StackName and SSM parameter values are chosen at deploy', async () => {
    expectUnknown(await description('!Sub "${AWS::StackName}-key"'), 'AWS::StackName is chosen at deploy');
    const head = 'Parameters:\n  Version:\n    Type: AWS::SSM::Parameter::Value<String>\n    Default: /my/param\n';
    expectUnknown(await description('!Ref Version', head), 'read from SSM parameter /my/param at deploy');
  });

  it('Fn::Transform and Fn::ImportValue of an export no given template declares are Unknown', async () => {
    expectUnknown(await description('!ImportValue other-stack-value'), 'no template of this run exports it');
    expectUnknown(await description('{ "Fn::Transform": { Name: AWS::Include, Parameters: { Location: s3://b/k } } }'), 'Fn::Transform');
  });
});

describe('parameters', () => {
  const head = 'Parameters:\n  Rotate:\n    Type: String\n    Default: "true"\nResources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      EnableKeyRotation: !Ref Rotate\n';

  it('a boolean property takes the string a parameter gives', async () => {
    expect((await model(head)).keys[0]?.rotation).toEqual({ KeyRotationEnabled: true, RotationPeriodInDays: 365 });
    expect((await model(head, { Rotate: 'false' })).keys[0]?.rotation).toEqual({ KeyRotationEnabled: false });
    expectUnknown((await model(head, { Rotate: 'maybe' })).keys[0]?.rotation, 'Key: EnableKeyRotation', '"maybe" is not a boolean');
  });

  it('UsePreviousValue keeps a value this run cannot know', async () => {
    const m = await model(head, [{ ParameterKey: 'Rotate', UsePreviousValue: true }]);
    expectUnknown(m.keys[0]?.rotation, 'parameter Rotate keeps its previous value');
  });

  it('a parameter no template declares is a warning', async () => {
    const m = await model(head, { Rotate: 'true', Other: 'x' });
    expect(m.warnings.at(-1)).toMatch(/parameters\.json: parameter Other is not declared by any template$/);
  });
});

describe('conditions', () => {
  const head = 'Parameters:\n  Env:\n    Type: String\n  Count:\n    Type: Number\n    Default: 1\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\n  One: !Equals [!Ref Count, 1]\n  Either: !Or [!Condition IsProd, !Condition One]\n  Both: !And [!Condition IsProd, !Condition One]\n';

  it('Fn::If picks its branch when the condition is known; Fn::Equals compares numbers as strings', async () => {
    expect(await description('!If [One, yes-one, not-one]', head)).toBe('yes-one');
    expect(await description('!If [Either, either, neither]', head)).toBe('either');
    expect(await description('!If [Both, both, not-both]', head, { Env: 'prod' })).toBe('both');
    expect(await description('!If [Both, both, not-both]', head, { Env: 'dev' })).toBe('not-both');
  });

  it('an unknown condition makes Fn::If Unknown, unless both branches are the same', async () => {
    expectUnknown(await description('!If [IsProd, a, b]', head), 'condition IsProd cannot be known before deploy', 'parameter Env has no value');
    expectUnknown(await description('!If [Both, a, b]', head), 'condition Both');
    expect(await description('!If [IsProd, same, same]', head)).toBe('same');
  });

  it('a resource created only under an unknown condition is read, with every planned value Unknown', async () => {
    const m = await model(`${head}Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Condition: IsProd\n    Properties:\n      EnableKeyRotation: true\n  Bucket:\n    Type: AWS::S3::Bucket\n    Condition: IsProd\n    Properties:\n      PublicAccessBlockConfiguration:\n        BlockPublicAcls: true\n`);
    expect(m.keys).toHaveLength(1);
    // Every part of the bucket, not only the one it sets: none may be taken as AWS's default.
    expect(m.bucketParts.map((p) => p.part)).toEqual(['encryption', 'publicAccessBlock', 'ownershipControls', 'acl', 'policy']);
    for (const value of [m.keys[0]?.rotation, m.keys[0]?.policy, m.keys[0]?.metadata, ...m.bucketParts.map((p) => p.value)]) expectUnknown(value, 'created only if condition IsProd cannot be known before deploy');
  });

  it('AWS::NoValue removes a property and a list element', async () => {
    const m = await model(`${head}Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !If [One, !Ref AWS::NoValue, named]\n  Policy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref Bucket\n      PolicyDocument:\n        Statement:\n          - Effect: Deny\n            Action: [s3:GetObject, !If [One, !Ref AWS::NoValue, s3:PutObject]]\n`);
    expect(m.buckets[0]?.bucketName).toBe('known-after-apply-bucket');
    expect(m.bucketParts[0]).toMatchObject({ bucketName: 'known-after-apply-bucket', value: '{"Statement":[{"Effect":"Deny","Action":["s3:GetObject"]}]}' });
  });
});

describe('references between resources', () => {
  const instance = 'Resources:\n  Instance:\n    Type: AWS::Connect::Instance\n    Properties:\n      IdentityManagementType: EXISTING_DIRECTORY\n      DirectoryId: !Ref Directory\n      Attributes:\n        InboundCalls: true\n        OutboundCalls: true\n        UseCustomTTSVoices: true\n        HighVolumeOutBound: false\n        SomeFutureFlag: true\n  Directory:\n    Type: AWS::DirectoryService::MicrosoftAD\n    Properties:\n      Name: corp.example.com\n      Password: "{{resolve:secretsmanager:ad}}"\n      VpcSettings:\n        SubnetIds: [subnet-1, subnet-2]\n        VpcId: vpc-1\n';

  it('an instance pinned to a directory of the stack, and attribute names as ListInstanceAttributes gives them', async () => {
    const m = await model(instance);
    expect(m.instances[0]?.directoryId).toBe('d-known-after-apply-directory');
    expect(m.directories).toEqual([
      expect.objectContaining({ name: 'Directory', directoryId: 'd-known-after-apply-directory', description: { DirectoryId: 'd-known-after-apply-directory', Name: 'corp.example.com', Type: 'MicrosoftAD', Edition: 'Enterprise' } }),
    ]);
    expect(m.instances[0]?.attributes).toEqual([
      { AttributeType: 'INBOUND_CALLS', Value: 'true' },
      { AttributeType: 'OUTBOUND_CALLS', Value: 'true' },
      { AttributeType: 'USE_CUSTOM_TTS_VOICES', Value: 'true' },
      { AttributeType: 'HIGH_VOLUME_OUTBOUND', Value: 'false' },
      { AttributeType: 'SOME_FUTURE_FLAG', Value: 'true' },
    ]);
  });

  it('storage configs name the instance by Arn, Id, Ref, a literal ARN or a literal id', async () => {
    const configs = [
      ['ByArn', '!GetAtt Instance.Arn'],
      ['ById', '!GetAtt [Instance, Id]'],
      ['ByRef', '!Ref Instance'],
      ['Literal', 'arn:aws:connect:eu-west-2:444455556666:instance/11111111-2222-3333-4444-555555555555'],
      ['BareId', '99999999-8888-7777-6666-555555555555'],
    ]
      .map(([name, ref]) => `  ${name}:\n    Type: AWS::Connect::InstanceStorageConfig\n    Properties:\n      InstanceArn: ${ref}\n      ResourceType: CALL_RECORDINGS\n      StorageType: S3\n      S3Config:\n        BucketName: b\n        BucketPrefix: p\n`)
      .join('');
    const m = await model(`${instance}${configs}`);
    expect(m.storageConfigs.map((c) => c.instanceId)).toEqual(['known-after-apply-instance', 'known-after-apply-instance', 'known-after-apply-instance', '11111111-2222-3333-4444-555555555555', '99999999-8888-7777-6666-555555555555']);
    expect(m.instanceReferences).toEqual([
      { id: '11111111-2222-3333-4444-555555555555', arn: 'arn:aws:connect:eu-west-2:444455556666:instance/11111111-2222-3333-4444-555555555555', region: 'eu-west-2', referencedBy: { name: 'Literal', source: expect.objectContaining({ logicalId: 'Literal' }) } },
      { id: '99999999-8888-7777-6666-555555555555', arn: undefined, region: 'us-east-1', referencedBy: { name: 'BareId', source: expect.objectContaining({ logicalId: 'BareId' }) } },
    ]);
  });

  it('a storage config whose instance cannot be known names no instance, so to-evidence leaves that type unknown on every instance', async () => {
    const m = await model('Parameters:\n  InstanceArn:\n    Type: String\nResources:\n  Config:\n    Type: AWS::Connect::InstanceStorageConfig\n    Properties:\n      InstanceArn: !Ref InstanceArn\n      ResourceType: CALL_RECORDINGS\n      StorageType: S3\n');
    expect(m.storageConfigs.map((c) => [c.instanceId, c.resourceType])).toEqual([['Config: InstanceArn', 'CALL_RECORDINGS']]);
    expect(m.instanceReferences).toEqual([]);
    expect(m.warnings.at(-1)).toMatch(/template\.yaml:5: Config: the Connect instance is unknown until apply \(InstanceArn parameter InstanceArn has no value/);
  });

  it('a storage config whose resource type cannot be known may be of any type: each is Unknown', async () => {
    const m = await model(`Parameters:\n  Type:\n    Type: String\nResources:\n  Config:\n    Type: AWS::Connect::InstanceStorageConfig\n    Properties:\n      InstanceArn: ${'arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555'}\n      ResourceType: !Ref Type\n      StorageType: S3\n`);
    expect(m.storageConfigs.map((c) => c.resourceType)).toEqual(STORAGE_RESOURCE_TYPES);
    for (const c of m.storageConfigs) expectUnknown(c.config, 'Config: ResourceType (parameter Type has no value');
  });

  it('a role of the stack in a key policy is its placeholder ARN; an attribute of a type the reader does not know is Unknown', async () => {
    const head = 'Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      Path: /service/\n      AssumeRolePolicyDocument: {}\n  Topic:\n    Type: AWS::SNS::Topic\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy:\n        Statement:\n          - Effect: Allow\n            Principal: { AWS: !GetAtt Role.Arn }\n';
    const m = await model(head, undefined, { accountId: '123456789012' });
    expect(JSON.parse(m.keys[0]?.policy as string)).toEqual({ Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:role/service/known-after-apply-role' } }] });
    const unknown = await model(`${head}          - Effect: Allow\n            Principal: { AWS: !GetAtt Topic.TopicArn }\n`);
    expectUnknown(unknown.keys[0]?.policy, 'Key: KeyPolicy', 'Topic.TopicArn (AWS::SNS::Topic) is assigned at deploy');
  });

  it('a bucket named from the stack name gets the placeholder name, and every reference follows it', async () => {
    const m = await model('Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub "${AWS::StackName}-recordings"\n  Config:\n    Type: AWS::Connect::InstanceStorageConfig\n    Properties:\n      InstanceArn: arn:aws:connect:us-east-1:111122223333:instance/abc\n      ResourceType: CALL_RECORDINGS\n      StorageType: S3\n      S3Config:\n        BucketName: !Ref Bucket\n        BucketPrefix: p\n  Policy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref Bucket\n      PolicyDocument: { Statement: [{ Resource: !Sub "${Bucket.Arn}/*" }] }\n');
    expect(m.buckets[0]?.bucketName).toBe('known-after-apply-bucket');
    expect(m.storageConfigs[0]?.config).toMatchObject({ S3Config: { BucketName: 'known-after-apply-bucket' } });
    expect(m.bucketParts[0]).toMatchObject({ bucketName: 'known-after-apply-bucket', value: '{"Statement":[{"Resource":"arn:aws:s3:::known-after-apply-bucket/*"}]}' });
  });

  it('Fn::ImportValue of an export another given template declares', async () => {
    const exporter = tempTemplate('Resources:\n  Key:\n    Type: AWS::KMS::Key\nOutputs:\n  KeyArn:\n    Value: !GetAtt Key.Arn\n    Export:\n      Name: !Sub "${AWS::Region}-recordings-key"\n', 'keys.yaml');
    const importer = tempTemplate('Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault:\n              SSEAlgorithm: aws:kms\n              KMSMasterKeyID: !ImportValue us-east-1-recordings-key\n', 'buckets.yaml');
    const m = await readCloudFormation([exporter, importer], {});
    expect(m.bucketParts[0]?.value).toEqual({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: `arn:aws:kms:us-east-1:${PLACEHOLDER_ACCOUNT}:key/known-after-apply-key` }, BucketKeyEnabled: false }] });
  });

  it('a resource whose condition is false is not created, and a reference to it is Unknown', async () => {
    const m = await model('Conditions:\n  Never: !Equals [a, b]\nResources:\n  Key:\n    Type: AWS::KMS::Key\n    Condition: Never\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault:\n              SSEAlgorithm: aws:kms\n              KMSMasterKeyID: !GetAtt Key.Arn\n');
    expect(m.keys).toEqual([]);
    expectUnknown(m.bucketParts[0]?.value, 'Bucket: BucketEncryption', 'Key is not created (its condition Never is false)');
  });

  it('!GetAtt keeps the dots of an attribute name after the first', async () => {
    const m = await model('Resources:\n  Database:\n    Type: AWS::RDS::DBInstance\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      Description: !GetAtt Database.Endpoint.Address\n');
    expectUnknown(m.keys[0]?.metadata, 'Database.Endpoint.Address (AWS::RDS::DBInstance) is assigned at deploy');
  });
});

describe('templates with a Transform', () => {
  it('are read, with a warning that generated resources are not audited', async () => {
    const m = await model('Transform: AWS::Serverless-2016-10-31\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n');
    expect(m.buckets).toHaveLength(1);
    expect(m.warnings.at(-1)).toMatch(/declares Transform AWS::Serverless-2016-10-31: resources the transform generates at deploy are not audited$/);
  });
});
