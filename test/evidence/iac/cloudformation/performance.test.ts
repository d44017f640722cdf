/**
 * 5,000 resources read in well under a second. CloudFormation itself caps a template at 500 resources
 * and 1 MB (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html),
 * so the JSON case is ten 500-resource `cdk synth`-shaped templates (one model), and one 5,000-resource
 * template besides; YAML is measured on one 5,000-resource template and reported.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { readCloudFormation } from '../../../../src/evidence/iac/cloudformation/index.js';
import { tempTemplate } from './fixtures.js';

/** A stack of `count` resources: per group an instance's storage config, a bucket, its policy and a key. */
function template(count: number, offset = 0): Record<string, unknown> {
  const resources: Record<string, unknown> = {
    Instance: { Type: 'AWS::Connect::Instance', Properties: { IdentityManagementType: 'CONNECT_MANAGED', InstanceAlias: `perf-${offset}`, Attributes: { InboundCalls: true, OutboundCalls: true } } },
  };
  for (let i = offset; Object.keys(resources).length + 4 <= count; i++) {
    const bucket = `Bucket${i}A1B2C3D4`;
    const key = `Key${i}E5F6A7B8`;
    const path = { 'aws:cdk:path': `PerfStack/Group${i}/Resource` };
    resources[key] = { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, KeyPolicy: { Statement: [{ Action: 'kms:*', Effect: 'Allow', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } }, Resource: '*' }], Version: '2012-10-17' } }, Metadata: path };
    resources[bucket] = { Type: 'AWS::S3::Bucket', Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] } } }] } }, Metadata: path };
    resources[`${bucket}Policy`] = { Type: 'AWS::S3::BucketPolicy', Properties: { Bucket: { Ref: bucket }, PolicyDocument: { Statement: [{ Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Effect: 'Deny', Principal: { AWS: '*' }, Resource: [{ 'Fn::GetAtt': [bucket, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/*']] }] }], Version: '2012-10-17' } }, Metadata: path };
    resources[`Config${i}`] = { Type: 'AWS::Connect::InstanceStorageConfig', Properties: { InstanceArn: { 'Fn::GetAtt': ['Instance', 'Arn'] }, ResourceType: 'CALL_RECORDINGS', StorageType: 'S3', S3Config: { BucketName: { Ref: bucket }, BucketPrefix: 'p', EncryptionConfig: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [key, 'Arn'] } } } }, Metadata: path };
  }
  for (let i = 0; Object.keys(resources).length < count; i++) resources[`Log${offset}x${i}`] = { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } };
  return { Resources: resources };
}

async function timed(files: string[]): Promise<{ ms: number; resources: number }> {
  const start = performance.now();
  const model = await readCloudFormation(files, {});
  const ms = performance.now() - start;
  const entries = [...model.instances, ...model.storageConfigs, ...model.buckets, ...model.bucketParts, ...model.keys, ...model.logGroups];
  return { ms, resources: new Set(entries.map((e) => `${e.source?.file}|${e.source?.logicalId}`)).size };
}

describe('5,000 resources', () => {
  it('ten 500-resource JSON templates', async () => {
    const files = Array.from({ length: 10 }, (_, i) => tempTemplate(JSON.stringify(template(500, i * 1000), null, 1), `Stack${i}.template.json`));
    const { ms, resources } = await timed(files);
    console.log(`[cloudformation] 10 × 500-resource JSON templates: ${ms.toFixed(0)} ms`);
    expect(resources).toBe(5000);
    expect(ms).toBeLessThan(1000);
  });

  it('one 5,000-resource JSON template', async () => {
    const text = JSON.stringify(template(5000), null, 1);
    const { ms, resources } = await timed([tempTemplate(text, 'Big.template.json')]);
    console.log(`[cloudformation] one 5,000-resource JSON template (${(text.length / 1e6).toFixed(1)} MB): ${ms.toFixed(0)} ms`);
    expect(resources).toBe(5000);
    expect(ms).toBeLessThan(1000);
  });

  it('a chain of 5,000 references, each to the resource written after it', async () => {
    const resources: Record<string, unknown> = {};
    for (let i = 0; i < 4999; i++) resources[`B${i}`] = { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Sub': `\${B${i + 1}}-x` } } };
    resources['B4999'] = { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'root' } };
    const model = await readCloudFormation([tempTemplate(JSON.stringify({ Resources: resources }), 'chain.json')], {});
    expect(model.buckets[0]?.bucketName).toBe(`root${'-x'.repeat(4999)}`);
  });

  it('one 5,000-resource YAML template (measured; the yaml parser is the cost)', async () => {
    const text = stringify(template(5000), { aliasDuplicateObjects: false });
    const { ms, resources } = await timed([tempTemplate(text, 'big.yaml')]);
    console.log(`[cloudformation] one 5,000-resource YAML template (${(text.length / 1e6).toFixed(1)} MB): ${ms.toFixed(0)} ms`);
    expect(resources).toBe(5000);
    expect(ms).toBeLessThan(10_000);
  });
});
