/**
 * Model → evidence: what a plan leaves out of a resource it creates is AWS's default for new
 * resources; what it cannot know is ERROR "unknown until apply"; what it names without managing is
 * ERROR "not managed by this plan"; and each finding lands on the block whose value decided it.
 */
import { describe, expect, it } from 'vitest';
import { locator } from '../../../src/evidence/iac/locate.js';
import {
  emptyModel,
  instanceArnOf,
  placeholderBucketName,
  placeholderInstanceId,
  placeholderKeyArn,
  Unknown,
  type IacModel,
  type SourceRef,
} from '../../../src/evidence/iac/model.js';
import { defaultKeyPolicy, evidenceOfModel } from '../../../src/evidence/iac/to-evidence.js';
import { evaluateEvidence } from '../../../src/findings/evaluate.js';
import { STORAGE_RESOURCE_TYPES } from '../../../src/paths/hops.js';
import type { Finding } from '../../../src/report/schema.js';
import { RULES } from '../../../src/rules/index.js';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-2';
const NOW = new Date('2026-12-01T12:00:00Z');
const at = (line: number, address: string): SourceRef => ({ file: '/repo/infra/main.tf', line, address });

const TLS_POLICY = (bucket: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'TLS', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      { Sid: 'TLS12', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } },
    ],
  });

/** One instance created by the plan, recording to a created bucket under a created key. */
function model(change: (m: IacModel) => void = () => {}): IacModel {
  const m = emptyModel('terraform', ['/repo/infra/plan.json']);
  m.accountId = ACCOUNT;
  const id = placeholderInstanceId('aws_connect_instance.main');
  const keyArn = placeholderKeyArn('aws', REGION, ACCOUNT, 'aws_kms_key.rec');
  const bucket = 'acme-recordings';
  m.instances.push({
    name: 'aws_connect_instance.main',
    source: at(1, 'aws_connect_instance.main'),
    lifecycle: 'create',
    id,
    arn: instanceArnOf('aws', REGION, ACCOUNT, id),
    region: REGION,
    alias: 'acme',
    identityManagementType: 'CONNECT_MANAGED',
    directoryId: undefined,
    attributes: [{ AttributeType: 'CONTACTFLOW_LOGS', Value: 'false' }],
  });
  m.storageConfigs.push({
    name: 'aws_connect_instance_storage_config.rec',
    source: at(10, 'aws_connect_instance_storage_config.rec'),
    instanceId: id,
    resourceType: 'CALL_RECORDINGS',
    config: { StorageType: 'S3', S3Config: { BucketName: bucket, BucketPrefix: 'rec', EncryptionConfig: { EncryptionType: 'KMS', KeyId: keyArn } } },
  });
  m.buckets.push({ name: 'aws_s3_bucket.rec', source: at(20, 'aws_s3_bucket.rec'), lifecycle: 'create', bucketName: bucket, region: REGION });
  m.bucketParts.push({ name: 'aws_s3_bucket_policy.rec', source: at(30, 'aws_s3_bucket_policy.rec'), bucketName: bucket, part: 'policy', value: TLS_POLICY(bucket) });
  m.bucketParts.push({
    name: 'aws_s3_bucket_server_side_encryption_configuration.rec',
    source: at(40, 'aws_s3_bucket_server_side_encryption_configuration.rec'),
    bucketName: bucket,
    part: 'encryption',
    value: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn }, BucketKeyEnabled: true }] },
  });
  m.keys.push({
    name: 'aws_kms_key.rec',
    source: at(50, 'aws_kms_key.rec'),
    lifecycle: 'create',
    arn: keyArn,
    region: REGION,
    metadata: { KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT', Enabled: true },
    rotation: { KeyRotationEnabled: true, RotationPeriodInDays: 365 },
    policy: undefined,
  });
  change(m);
  return m;
}

function judge(m: IacModel): Finding[] {
  const { evidence, sources } = evidenceOfModel(m, NOW);
  const { findings } = evaluateEvidence(evidence, { now: NOW, rules: RULES, resourceTypes: STORAGE_RESOURCE_TYPES, instanceIds: [], directoryPins: {}, severityOverrides: {} });
  const locate = locator(sources, RULES, '/repo');
  return findings.map((f) => ({ ...f, source: locate(f) }));
}

const find = (findings: Finding[], ruleId: string, hop?: string) => {
  const found = findings.filter((f) => f.ruleId === ruleId && (hop === undefined || f.hop === hop));
  expect(found.length, `${ruleId} ${hop ?? ''}: ${findings.map((f) => f.ruleId).join(', ')}`).toBeGreaterThan(0);
  return found[0] as Finding;
};

describe('a created bucket and key', () => {
  it('judges the planned values and places each finding on the resource that decided it', () => {
    const findings = judge(model());
    const tls = find(findings, 's3-bucket-denies-insecure-transport', 'voice.recording-to-s3');
    expect(tls.status).toBe('PASS');
    expect(tls.source).toEqual({ file: 'infra/main.tf', line: 30, address: 'aws_s3_bucket_policy.rec' }); // no attribute lines given: the block
    const rotation = find(findings, 'kms-key-rotation-enabled');
    expect(rotation.status).toBe('PASS');
    expect(rotation.source?.address).toBe('aws_kms_key.rec');
    const defaultKey = find(findings, 's3-bucket-default-encryption-customer-key');
    expect(defaultKey.status).toBe('PASS');
    // A PASS is about the key the encryption names (customer managed): it is placed on the key.
    expect(defaultKey.source?.address).toBe('aws_kms_key.rec');
  });

  it('applies AWS defaults for new buckets: Block Public Access on and ACLs disabled, so not public', () => {
    const findings = judge(model());
    expect(find(findings, 's3-bucket-not-public').status).toBe('PASS');
    expect(find(findings, 's3-bucket-public-access-block').status).toBe('PASS');
  });

  it('gives a created key without a policy the default key policy (the account root)', () => {
    const { evidence } = evidenceOfModel(model(), NOW);
    const key = Object.values(evidence.accounts[0]?.keys ?? {})[0];
    expect(key?.keyPolicy).toEqual({ status: 'ok', response: { Policy: defaultKeyPolicy('aws', ACCOUNT) } });
  });

  it('stands for the grant Connect makes on the key of a created S3 storage config, and no other', () => {
    const findings = judge(model());
    expect(find(findings, 'kms-key-grant-for-connect').status).toBe('PASS');
    expect(find(findings, 'kms-key-grants-not-foreign').status).toBe('PASS');
    const foreign = judge(model((m) => m.grants.push({ name: 'aws_kms_grant.x', source: at(60, 'aws_kms_grant.x'), keyArn: m.keys[0]?.arn ?? '', grant: { GranteePrincipal: 'arn:aws:iam::999988887777:root', Operations: ['Decrypt'] } })));
    expect(find(foreign, 'kms-key-grants-not-foreign')).toMatchObject({ status: 'FAIL', source: { line: 60, address: 'aws_kms_grant.x' } });
  });

  it('fails a bucket left to the default SSE-S3 encryption', () => {
    const findings = judge(model((m) => (m.bucketParts = m.bucketParts.filter((p) => p.part !== 'encryption'))));
    const result = find(findings, 's3-bucket-default-encryption-customer-key');
    expect(result.status).toBe('FAIL');
    expect(result.source?.address).toBe('aws_s3_bucket.rec');
  });

  it('fails SSE-S3 set by the encryption resource, on that resource', () => {
    const findings = judge(model((m) => {
      const part = m.bucketParts.find((p) => p.part === 'encryption');
      if (part?.part === 'encryption') part.value = { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] };
    }));
    const result = find(findings, 's3-bucket-default-encryption-customer-key');
    expect(result.status).toBe('FAIL');
    expect(result.source?.address).toBe('aws_s3_bucket_server_side_encryption_configuration.rec');
  });

  it('fails rotation turned off, on the key block', () => {
    const findings = judge(model((m) => ((m.keys[0] as IacModel['keys'][number]).rotation = { KeyRotationEnabled: false })));
    const result = find(findings, 'kms-key-rotation-enabled');
    expect(result.status).toBe('FAIL');
    expect(result.source).toMatchObject({ file: 'infra/main.tf', line: 50 });
  });
});

describe('what the plan cannot say', () => {
  it('a policy unknown until apply is ERROR naming it, never PASS or FAIL', () => {
    const findings = judge(model((m) => {
      const part = m.bucketParts.find((p) => p.part === 'policy');
      if (part?.part === 'policy') part.value = new Unknown('aws_s3_bucket_policy.rec: policy');
    }));
    const tls = find(findings, 's3-bucket-denies-insecure-transport', 'voice.recording-to-s3');
    expect(tls.status).toBe('ERROR');
    expect(tls.message).toContain('aws_s3_bucket_policy.rec: policy is unknown until apply');
    expect(tls.source?.address).toBe('aws_s3_bucket_policy.rec');
  });

  it('a bucket named by a literal the plan does not manage is ERROR "not managed by this plan", on the storage config', () => {
    const findings = judge(model((m) => {
      const config = m.storageConfigs[0]?.config;
      if (config && !(config instanceof Unknown) && config.S3Config) config.S3Config.BucketName = 'existing-bucket';
    }));
    const tls = find(findings, 's3-bucket-denies-insecure-transport', 'voice.recording-to-s3');
    expect(tls.status).toBe('ERROR');
    expect(tls.message).toContain('bucket existing-bucket is not managed by this plan');
    expect(tls.source?.address).toBe('aws_connect_instance_storage_config.rec');
  });

  it('an existing bucket whose policy the code does not set is ERROR, not the new-bucket default', () => {
    const findings = judge(model((m) => {
      (m.buckets[0] as IacModel['buckets'][number]).lifecycle = 'update';
      m.bucketParts = m.bucketParts.filter((p) => p.part !== 'policy');
    }));
    const tls = find(findings, 's3-bucket-denies-insecure-transport', 'voice.recording-to-s3');
    expect(tls.status).toBe('ERROR');
    expect(tls.message).toContain('not managed by this plan');
  });

  it('a bucket whose name is assigned at apply is linked by its placeholder', () => {
    const name = placeholderBucketName('aws_s3_bucket.rec');
    const findings = judge(model((m) => {
      (m.buckets[0] as IacModel['buckets'][number]).bucketName = name;
      for (const part of m.bucketParts) part.bucketName = name;
      const policy = m.bucketParts.find((p) => p.part === 'policy');
      if (policy?.part === 'policy') policy.value = TLS_POLICY(name);
      const config = m.storageConfigs[0]?.config;
      if (config && !(config instanceof Unknown) && config.S3Config) config.S3Config.BucketName = name;
    }));
    expect(find(findings, 's3-bucket-denies-insecure-transport', 'voice.recording-to-s3').status).toBe('PASS');
  });

  it('an unmanaged key reference is ERROR on the storage config that names it', () => {
    const other = 'arn:aws:kms:eu-west-2:123456789012:key/5e5e5e5e-1111-2222-3333-444444444444';
    const findings = judge(model((m) => {
      const config = m.storageConfigs[0]?.config;
      if (config && !(config instanceof Unknown) && config.S3Config?.EncryptionConfig) config.S3Config.EncryptionConfig.KeyId = other;
    }));
    const rotation = findings.filter((f) => f.ruleId === 'kms-key-rotation-enabled' && f.resource.arn === other);
    expect(rotation.length).toBeGreaterThan(0);
    for (const f of rotation) {
      expect(f.status).toBe('ERROR');
      expect(f.message).toContain('not managed by this plan');
      expect(f.source?.address).toBe('aws_connect_instance_storage_config.rec');
    }
  });

  it('a bucket policy resource whose bucket is unknown until apply may be any created bucket\'s: their policy is unknown, never "no policy"', () => {
    const findings = judge(model((m) => {
      m.bucketParts = m.bucketParts.filter((p) => p.part !== 'policy');
      m.bucketParts.push({ name: 'aws_s3_bucket_policy.other', source: at(70, 'aws_s3_bucket_policy.other'), bucketName: 'aws_s3_bucket_policy.other: bucket', part: 'policy', value: TLS_POLICY('x') });
    }));
    const tls = find(findings, 's3-bucket-denies-insecure-transport', 'voice.recording-to-s3');
    expect(tls.status).toBe('ERROR');
    expect(tls.message).toContain('aws_s3_bucket_policy.other, whose bucket may be acme-recordings');
  });

  it('a key policy or grant whose key is unknown until apply may be any created key\'s: never the default policy, never "no grants"', () => {
    const findings = judge(model((m) => {
      m.keyPolicies.push({ name: 'aws_kms_key_policy.other', source: at(90, 'aws_kms_key_policy.other'), keyArn: 'aws_kms_key_policy.other: key_id', policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }] }) });
      m.grants.push({ name: 'aws_kms_grant.other', source: at(95, 'aws_kms_grant.other'), keyArn: 'aws_kms_grant.other: key_id', grant: { GranteePrincipal: 'arn:aws:iam::999988887777:root' } });
    }));
    expect(find(findings, 'kms-key-policy-not-public').status).toBe('ERROR');
    expect(find(findings, 'kms-key-grants-not-foreign').status).toBe('ERROR');
  });

  it('a storage config whose instance is unknown until apply may be any instance\'s: that type is unknown, never "none configured"', () => {
    const findings = judge(model((m) => m.storageConfigs.push({ name: 'aws_connect_instance_storage_config.chat', source: at(99, 'aws_connect_instance_storage_config.chat'), instanceId: 'aws_connect_instance_storage_config.chat: instance_id', resourceType: 'CHAT_TRANSCRIPTS', config: { StorageType: 'S3', S3Config: { BucketName: 'chat-bucket' } } })));
    const instance = instanceArnOf('aws', REGION, ACCOUNT, placeholderInstanceId('aws_connect_instance.main'));
    const chat = findings.filter((f) => f.instanceArn === instance && f.hop.startsWith('storage.chat-transcripts.'));
    expect(chat.length).toBeGreaterThan(0);
    for (const f of chat) expect(f.status, `${f.ruleId}: ${f.message}`).toBe('ERROR');
  });

  it('a bucket and key that may not be created (a condition unknown before deploy) are never judged to exist', () => {
    const findings = judge(model((m) => {
      const gate = new Unknown('condition IsProd cannot be known before deploy');
      for (const r of [...m.buckets, ...m.keys, ...m.bucketParts]) r.exists = gate;
    }));
    for (const ruleId of ['s3-bucket-exists-and-owned', 's3-bucket-denies-insecure-transport', 'kms-key-rotation-enabled', 'kms-key-enabled']) {
      const f = find(findings, ruleId);
      expect(f.status, `${ruleId}: ${f.message}`).toBe('ERROR');
      expect(f.message).toContain('condition IsProd cannot be known before deploy');
    }
  });

  it('two resources setting one bucket\'s policy leave it unknown', () => {
    const findings = judge(model((m) => m.bucketParts.push({ name: 'aws_s3_bucket_policy.second', source: at(80, 'aws_s3_bucket_policy.second'), bucketName: 'acme-recordings', part: 'policy', value: JSON.stringify({ Version: '2012-10-17', Statement: [] }) })));
    expect(find(findings, 's3-bucket-denies-insecure-transport', 'voice.recording-to-s3').status).toBe('ERROR');
  });

  it('a policy the code sets on a bucket it does not manage is kept (for --live-references to judge with the rest); the rest is not managed', () => {
    const m = model((mm) => {
      mm.buckets = [];
      mm.bucketParts = mm.bucketParts.filter((p) => p.part === 'policy');
    });
    const bucket = evidenceOfModel(m, NOW).evidence.accounts[0]?.buckets['acme-recordings'];
    expect(bucket?.policy).toEqual({ status: 'ok', response: { Policy: TLS_POLICY('acme-recordings') } });
    expect(bucket?.location).toMatchObject({ status: 'error', error: { code: 'NotManagedByPlan' } });
    expect(bucket?.encryption).toMatchObject({ status: 'error', error: { code: 'NotManagedByPlan', message: 'the default encryption of bucket acme-recordings is not managed by this plan' } });
    // Whether the bucket exists, and whose it is, is not known: nothing about it is judged PASS.
    expect(judge(m).filter((f) => f.resource.arn === 'arn:aws:s3:::acme-recordings').every((f) => f.status === 'ERROR')).toBe(true);
  });

  it('a plan with no instance makes an empty document', () => {
    const { evidence } = evidenceOfModel(emptyModel('terraform', ['/x/plan.json']), NOW);
    expect(evidence.accounts).toEqual([]);
  });
});
