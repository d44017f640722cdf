import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors.js';
import { PLACEHOLDER_ACCOUNT, Unknown } from '../../../../src/evidence/iac/model.js';
import { readTerraformPlan } from '../../../../src/evidence/iac/terraform/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tf-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const basic = readFileSync(resolve('test/fixtures/iac/terraform/basic/plan.json'), 'utf8');

function write(name: string, text: string): string {
  const file = join(dir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
}

async function inputError(file: string): Promise<string> {
  const error = await readTerraformPlan(file, {}).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  const message = (error as Error).message;
  expect(message).not.toContain('\n');
  expect(message).toContain(file);
  return message;
}

const ref = (...references: string[]) => ({ references });
const c = (value: unknown) => ({ constant_value: value });
const AWS = 'registry.terraform.io/hashicorp/aws';

/** A plan of `count` resources: resource changes, planned values and their configuration. */
function planOf(resources: Array<{ address?: string; module_address?: string; type: string; name: string; index?: string | number; actions?: string[]; after: object; after_unknown?: object }>, configuration: object, extra: object = {}) {
  return JSON.stringify({
    format_version: '1.2',
    terraform_version: '1.9.8',
    planned_values: { root_module: {} },
    resource_changes: resources.map((r) => ({
      address: r.address ?? `${r.module_address ? `${r.module_address}.` : ''}${r.type}.${r.name}${r.index === undefined ? '' : `[${JSON.stringify(r.index)}]`}`,
      ...(r.module_address ? { module_address: r.module_address } : {}),
      mode: 'managed',
      type: r.type,
      name: r.name,
      ...(r.index === undefined ? {} : { index: r.index }),
      provider_name: AWS,
      change: { actions: r.actions ?? ['create'], before: null, after: r.after, after_unknown: r.after_unknown ?? {} },
    })),
    configuration,
    ...extra,
  });
}

describe('bad input: one line naming the file, never a stack trace', () => {
  it('truncated JSON', async () => {
    const message = await inputError(write('truncated.json', basic.slice(0, 5000)));
    expect(message).toMatch(/truncated JSON/);
  });

  it('not JSON at all', async () => {
    expect(await inputError(write('text.json', 'Terraform will perform the following actions:\n'))).toMatch(/not valid JSON/);
    expect(await inputError(write('empty.json', ''))).toMatch(/empty/);
  });

  it('another tool’s JSON: a CloudFormation template, a state file, an array', async () => {
    const template = write('template.json', JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: { Bucket: { Type: 'AWS::S3::Bucket' } } }));
    expect(await inputError(template)).toBe(`${template} is not a Terraform plan (terraform show -json)`);
    const state = write('state.json', JSON.stringify({ format_version: '1.0', terraform_version: '1.9.8', values: { root_module: {} } }));
    expect(await inputError(state)).toMatch(/is not a Terraform plan \(terraform show -json\): it looks like a state file/);
    expect(await inputError(write('array.json', '[1,2,3]'))).toMatch(/is not a Terraform plan/);
  });

  it('an unsupported format_version', async () => {
    const file = write('v2.json', JSON.stringify({ ...JSON.parse(basic), format_version: '2.0' }));
    expect(await inputError(file)).toMatch(/unsupported format_version "2\.0"/);
    expect(await inputError(write('v-missing.json', JSON.stringify({ format_version: 12, resource_changes: [] })))).toMatch(/unsupported format_version 12/);
    expect(await inputError(write('v0.json', JSON.stringify({ ...JSON.parse(basic), format_version: '0.1' })))).toMatch(/unsupported format_version "0\.1"/);
  });

  it('a plan whose fields have the wrong shape', async () => {
    const file = write('shape.json', JSON.stringify({ format_version: '1.2', resource_changes: [{ address: 'x', mode: 'managed', type: 'aws_s3_bucket', name: 'x', change: { actions: 'create' } }] }));
    expect(await inputError(file)).toMatch(/malformed Terraform plan at \$\.resource_changes\[0\]\.change\.actions/);
  });

  it('a plan Terraform marked errored (the plan failed but wrote a plan file)', async () => {
    const file = write('errored.json', JSON.stringify({ ...JSON.parse(basic), errored: true }));
    expect(await inputError(file)).toMatch(/the plan is marked errored \(terraform plan failed\)/);
  });

  it('a file that does not exist', async () => {
    expect(await inputError(join(dir, 'missing.json'))).toMatch(/cannot read the Terraform plan/);
  });

  it('accepts any 1.x and OpenTofu’s output (provider registry.opentofu.org)', async () => {
    const tofu = basic.replaceAll('registry.terraform.io/hashicorp/aws', 'registry.opentofu.org/hashicorp/aws').replace('"1.9.8"', '"1.8.3"').replace('"format_version": "1.2"', '"format_version": "1.0"');
    const model = await readTerraformPlan(write('tofu/plan.json', tofu), { terraformDir: resolve('test/fixtures/iac/terraform/basic') });
    expect(model.instances).toHaveLength(1);
    expect(model.storageConfigs[0]?.config).toMatchObject({ S3Config: { BucketName: 'acme-connect-recordings' } });
  });
});

describe('malformed but JSON plans', () => {
  it.each(['module', 'unknown-after-apply', 'insecure'])('%s: never throws anything but an InputError, whatever node holds an unexpected value', async (name) => {
    const original = JSON.parse(readFileSync(resolve(`test/fixtures/iac/terraform/${name}/plan.json`), 'utf8')) as unknown;
    const paths: Array<Array<string | number>> = [];
    const walk = (node: unknown, path: Array<string | number>) => {
      paths.push(path);
      if (Array.isArray(node)) node.forEach((child, i) => walk(child, [...path, i]));
      else if (node && typeof node === 'object') for (const [key, child] of Object.entries(node)) walk(child, [...path, key]);
    };
    walk(original, []);
    const weird = [null, 7, 'x', [], {}, true, ['x'], { references: 'aws_s3_bucket.this' }];
    const empty = mkdtempSync(join(dir, 'empty-'));
    const failures: string[] = [];
    // Every 3rd node, replaced in turn by an unexpected value (deterministic).
    for (let i = 1; i < paths.length; i += 3) {
      const path = paths[i] as Array<string | number>;
      const plan = structuredClone(original) as Record<string | number, unknown>;
      let parent = plan as Record<string | number, unknown>;
      for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
      parent[path[path.length - 1] as string | number] = weird[i % weird.length];
      const file = write(`weird/${name}-${i}.json`, JSON.stringify(plan));
      await readTerraformPlan(file, { terraformDir: empty }).catch((error: unknown) => {
        if (!(error instanceof InputError)) failures.push(`${path.join('.')}: ${String(error)}`);
      });
    }
    expect(failures).toEqual([]);
  });
});

describe('size', () => {
  /** for_each over N keys: a bucket, its policy, encryption, public access block and a storage config each, linked by each.key. */
  function largePlan(keys: number, padding = 0): string {
    const forEach = ref('var.names');
    const resources = [];
    const pad = 'x'.repeat(padding);
    resources.push({ type: 'aws_connect_instance', name: 'main', after: { identity_management_type: 'SAML', instance_alias: 'big', inbound_calls_enabled: true, outbound_calls_enabled: true }, after_unknown: { id: true, arn: true } });
    for (let i = 0; i < keys; i += 1) {
      const key = `k${i}`;
      resources.push({ type: 'aws_s3_bucket', name: 'b', index: key, after: { bucket: `big-${i}`, tags: { pad } }, after_unknown: { id: true, arn: true } });
      resources.push({ type: 'aws_s3_bucket_policy', name: 'b', index: key, after: { policy: `{"Version":"2012-10-17","Statement":[],"Id":"${pad}"}` }, after_unknown: { bucket: true, id: true } });
      resources.push({ type: 'aws_s3_bucket_public_access_block', name: 'b', index: key, after: { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }, after_unknown: { bucket: true } });
      resources.push({
        type: 'aws_connect_instance_storage_config',
        name: 's',
        index: key,
        after: { resource_type: 'CALL_RECORDINGS', storage_config: [{ s3_config: [{ bucket_prefix: 'p' }], storage_type: 'S3' }] },
        after_unknown: { instance_id: true, storage_config: [{ s3_config: [{ bucket_name: true }] }] },
      });
    }
    const byKey = (address: string) => ref(address, 'each.key');
    const configuration = {
      provider_config: { aws: { name: 'aws', full_name: AWS, expressions: { region: c('eu-west-1') } } },
      root_module: {
        resources: [
          { address: 'aws_connect_instance.main', mode: 'managed', type: 'aws_connect_instance', name: 'main', provider_config_key: 'aws', expressions: {}, schema_version: 0 },
          { address: 'aws_s3_bucket.b', mode: 'managed', type: 'aws_s3_bucket', name: 'b', provider_config_key: 'aws', expressions: { bucket: ref('each.key') }, for_each_expression: forEach, schema_version: 0 },
          { address: 'aws_s3_bucket_policy.b', mode: 'managed', type: 'aws_s3_bucket_policy', name: 'b', provider_config_key: 'aws', expressions: { bucket: byKey('aws_s3_bucket.b'), policy: c('{}') }, for_each_expression: forEach, schema_version: 0 },
          { address: 'aws_s3_bucket_public_access_block.b', mode: 'managed', type: 'aws_s3_bucket_public_access_block', name: 'b', provider_config_key: 'aws', expressions: { bucket: byKey('aws_s3_bucket.b') }, for_each_expression: forEach, schema_version: 0 },
          {
            address: 'aws_connect_instance_storage_config.s',
            mode: 'managed',
            type: 'aws_connect_instance_storage_config',
            name: 's',
            provider_config_key: 'aws',
            expressions: { instance_id: ref('aws_connect_instance.main.id', 'aws_connect_instance.main'), storage_config: [{ s3_config: [{ bucket_name: byKey('aws_s3_bucket.b') }] }] },
            for_each_expression: forEach,
            schema_version: 0,
          },
        ],
      },
    };
    return planOf(resources, configuration, { prior_state: { values: { root_module: { resources: [{ address: 'data.aws_caller_identity.c', mode: 'data', type: 'aws_caller_identity', name: 'c', values: { account_id: '123456789012' } }] } } } });
  }

  it('reads a 5,000-resource plan well under a second, every link followed', async () => {
    const file = write('big/plan.json', largePlan(1250));
    const times: number[] = [];
    let model = await readTerraformPlan(file, {}); // warm: the wasm grammar is loaded once per process
    for (let run = 0; run < 3; run += 1) {
      const started = performance.now();
      model = await readTerraformPlan(file, {});
      times.push(performance.now() - started);
    }
    // The best of three: the machine running the tests may be busy with others.
    const elapsed = Math.min(...times);
    console.log(`5,001-resource plan (${(readFileSync(file).length / 1e6).toFixed(1)} MB) read in ${times.map((t) => t.toFixed(0)).join(' / ')} ms`);
    expect(model.storageConfigs).toHaveLength(1250);
    expect(model.storageConfigs[1249]?.config).toMatchObject({ S3Config: { BucketName: 'big-1249' } });
    expect(model.bucketParts.filter((p) => p.bucketName === 'big-7').map((p) => p.part).sort()).toEqual(['policy', 'publicAccessBlock']);
    expect(elapsed).toBeLessThan(1000);
  });

  it('reads a 50 MB plan', async () => {
    const file = write('huge/plan.json', largePlan(5000, 4500));
    const size = readFileSync(file).length;
    expect(size).toBeGreaterThan(50e6);
    const started = performance.now();
    const model = await readTerraformPlan(file, {});
    console.log(`50 MB plan (${(size / 1e6).toFixed(1)} MB, 20,001 resources) read in ${(performance.now() - started).toFixed(0)} ms`);
    expect(model.buckets).toHaveLength(5000);
    expect(model.warnings.join('\n')).toMatch(/No \.tf block under .* was found for: aws_connect_instance\.main, .* and 19991 more$/m);
  });
});

describe('locations', () => {
  it('finds a registry module through .terraform/modules/modules.json, skips .tf.json files with a warning, and names unplaced resources', async () => {
    const root = join(dir, 'manifest');
    write('manifest/main.tf', 'module "store" {\n  source  = "acme/recordings/aws"\n  version = "1.0.0"\n}\n');
    write('manifest/extra.tf.json', '{}');
    write('manifest/.terraform/modules/modules.json', JSON.stringify({ Modules: [{ Key: '', Source: '', Dir: '.' }, { Key: 'store', Source: 'registry.terraform.io/acme/recordings/aws', Version: '1.0.0', Dir: '.terraform/modules/store' }] }));
    write('manifest/.terraform/modules/store/main.tf', '# registry module\n\nresource "aws_s3_bucket" "this" {\n  bucket = "from-registry"\n}\n');
    const configuration = {
      provider_config: { aws: { name: 'aws', full_name: AWS, expressions: { region: c('eu-west-1') } } },
      root_module: {
        resources: [{ address: 'aws_kms_key.orphan', mode: 'managed', type: 'aws_kms_key', name: 'orphan', provider_config_key: 'aws', expressions: {}, schema_version: 0 }],
        module_calls: {
          store: {
            source: 'acme/recordings/aws',
            module: { resources: [{ address: 'aws_s3_bucket.this', mode: 'managed', type: 'aws_s3_bucket', name: 'this', provider_config_key: 'aws', expressions: { bucket: c('from-registry') }, schema_version: 0 }] },
          },
        },
      },
    };
    const file = write(
      'manifest/plan.json',
      planOf(
        [
          { module_address: 'module.store', type: 'aws_s3_bucket', name: 'this', after: { bucket: 'from-registry' } },
          { type: 'aws_kms_key', name: 'orphan', after: { enable_key_rotation: true }, after_unknown: { arn: true } },
        ],
        configuration,
      ),
    );
    const model = await readTerraformPlan(file, { accountId: '123456789012' });
    expect(model.buckets[0]?.source).toMatchObject({ file: join(root, '.terraform/modules/store/main.tf'), line: 3, address: 'module.store.aws_s3_bucket.this' });
    expect(model.keys[0]?.source).toBeUndefined();
    expect(model.warnings).toContain(`No .tf block under ${root} was found for: aws_kms_key.orphan`);
    expect(model.warnings).toContain(`JSON configuration files are not read for locations: ${join(root, 'extra.tf.json')}`);
  });
});

describe('account, region and provider configurations', () => {
  const bucket = { type: 'aws_s3_bucket', name: 'b', after: { bucket: 'named' } };
  const config = (providers: object, resources: object[]) => ({ provider_config: providers, root_module: { resources } });
  const bucketConfig = (key = 'aws') => ({ address: 'aws_s3_bucket.b', mode: 'managed', type: 'aws_s3_bucket', name: 'b', provider_config_key: key, expressions: { bucket: c('named') }, schema_version: 0 });

  it('without any region or account: the fallback region and the placeholder account, each with a warning; the options win when given', async () => {
    const resources = [bucket, { type: 'aws_kms_key', name: 'k', after: {}, after_unknown: { arn: true } }];
    const configuration = config({ aws: { name: 'aws', full_name: AWS } }, [bucketConfig(), { address: 'aws_kms_key.k', mode: 'managed', type: 'aws_kms_key', name: 'k', provider_config_key: 'aws', expressions: {}, schema_version: 0 }]);
    const file = write('bare/plan.json', planOf(resources, configuration));
    const bare = await readTerraformPlan(file, {});
    expect(bare.accountId).toBeUndefined();
    expect(bare.keys[0]?.arn).toBe(`arn:aws:kms:us-east-1:${PLACEHOLDER_ACCOUNT}:key/known-after-apply-aws-kms-key-k`);
    expect(bare.warnings.some((w) => w.includes('No provider configuration names a region'))).toBe(true);
    expect(bare.warnings.some((w) => w.includes('does not say which account'))).toBe(true);
    const given = await readTerraformPlan(file, { region: 'eu-north-1', accountId: '210987654321' });
    expect(given.accountId).toBe('210987654321');
    expect(given.keys[0]?.arn).toBe('arn:aws:kms:eu-north-1:210987654321:key/known-after-apply-aws-kms-key-k');
    expect(given.warnings.filter((w) => !w.startsWith('No .tf block'))).toEqual([]);
  });

  it('resources under a provider configuration of another account are not this plan’s: references to them are unknown or literal', async () => {
    const providers = {
      aws: { name: 'aws', full_name: AWS, expressions: { region: c('eu-west-1'), allowed_account_ids: c(['111111111111']) } },
      'aws.logs': { name: 'aws', full_name: AWS, alias: 'logs', expressions: { region: c('eu-west-1'), assume_role: [{ role_arn: c('arn:aws:iam::999999999999:role/logs') }] } },
      'aws.dr': { name: 'aws', full_name: AWS, alias: 'dr', expressions: { region: c('eu-central-1'), allowed_account_ids: c(['111111111111']) } },
    };
    const resources = [
      { type: 'aws_connect_instance', name: 'main', after: { id: 'i-1', arn: 'arn:aws:connect:eu-west-1:111111111111:instance/i-1', identity_management_type: 'SAML' } },
      { type: 'aws_s3_bucket', name: 'foreign', after: {}, after_unknown: { bucket: true, id: true } },
      { type: 'aws_s3_bucket', name: 'dr', after: { bucket: 'dr-bucket' }, after_unknown: { id: true } },
      {
        type: 'aws_connect_instance_storage_config',
        name: 'a',
        after: { instance_id: 'i-1', resource_type: 'CALL_RECORDINGS', storage_config: [{ s3_config: [{ bucket_prefix: 'p' }], storage_type: 'S3' }] },
        after_unknown: { storage_config: [{ s3_config: [{ bucket_name: true }] }] },
      },
      {
        type: 'aws_connect_instance_storage_config',
        name: 'b',
        after: { instance_id: 'i-1', resource_type: 'CHAT_TRANSCRIPTS', storage_config: [{ s3_config: [{ bucket_prefix: 'p' }], storage_type: 'S3' }] },
        after_unknown: { storage_config: [{ s3_config: [{ bucket_name: true }] }] },
      },
    ];
    const storage = (name: string, target: string) => ({
      address: `aws_connect_instance_storage_config.${name}`,
      mode: 'managed',
      type: 'aws_connect_instance_storage_config',
      name,
      provider_config_key: 'aws',
      expressions: { instance_id: ref('aws_connect_instance.main.id', 'aws_connect_instance.main'), storage_config: [{ s3_config: [{ bucket_name: ref(`${target}.id`, target) }] }] },
      schema_version: 0,
    });
    const configuration = config(providers, [
      { address: 'aws_connect_instance.main', mode: 'managed', type: 'aws_connect_instance', name: 'main', provider_config_key: 'aws', expressions: {}, schema_version: 0 },
      { address: 'aws_s3_bucket.foreign', mode: 'managed', type: 'aws_s3_bucket', name: 'foreign', provider_config_key: 'aws.logs', expressions: {}, schema_version: 0 },
      { address: 'aws_s3_bucket.dr', mode: 'managed', type: 'aws_s3_bucket', name: 'dr', provider_config_key: 'aws.dr', expressions: { bucket: c('dr-bucket') }, schema_version: 0 },
      storage('a', 'aws_s3_bucket.foreign'),
      storage('b', 'aws_s3_bucket.dr'),
    ]);
    const model = await readTerraformPlan(write('providers/plan.json', planOf(resources, configuration)), {});
    expect(model.accountId).toBe('111111111111');
    // Same account (one allowed account), another region: this plan's, in its provider's region.
    expect(model.buckets).toEqual([expect.objectContaining({ name: 'aws_s3_bucket.dr', bucketName: 'dr-bucket', region: 'eu-central-1' })]);
    expect(model.storageConfigs.find((s) => s.name.endsWith('.b'))?.config).toMatchObject({ S3Config: { BucketName: 'dr-bucket' } });
    expect(model.storageConfigs.find((s) => s.name.endsWith('.a'))?.config).toEqual(
      new Unknown('aws_connect_instance_storage_config.a: storage_config.s3_config.bucket_name (aws_s3_bucket.foreign is under a provider configuration that may deploy to another account)'),
    );
    expect(model.warnings.some((w) => w.includes('another account') && w.includes('aws_s3_bucket.foreign'))).toBe(true);
  });

  it('a module inheriting the root provider: its resources are the root provider’s (provider_config_key normalised)', async () => {
    const providers = { aws: { name: 'aws', full_name: AWS, expressions: { region: c('sa-east-1') } } };
    const configuration = {
      provider_config: providers,
      root_module: {
        module_calls: {
          m: { source: './m', module: { resources: [{ address: 'aws_s3_bucket.b', mode: 'managed', type: 'aws_s3_bucket', name: 'b', provider_config_key: 'module.m:aws', expressions: {}, schema_version: 0 }] } },
        },
      },
    };
    const model = await readTerraformPlan(write('inherit/plan.json', planOf([{ module_address: 'module.m', type: 'aws_s3_bucket', name: 'b', after: { bucket: 'in-module' } }], configuration)), { accountId: '123456789012' });
    expect(model.buckets).toEqual([expect.objectContaining({ bucketName: 'in-module', region: 'sa-east-1' })]);
  });
});
