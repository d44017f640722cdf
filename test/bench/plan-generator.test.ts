/**
 * The plan the benchmark's plan section audits is a well-formed Terraform plan: the plan reader takes
 * it as `terraform show -json` output, finds every instance with its storage configs, buckets, keys,
 * streams and log groups, follows the configuration's references where values are unknown until
 * apply, and places every resource on its block in the generated `.tf` files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateTerraformPlan, PLAN_FORMAT_VERSION, RESOURCES_PER_INSTANCE, writeTerraformPlan } from '../../bench/lib/plan.js';
import { readTerraformPlan } from '../../src/evidence/iac/terraform/index.js';
import { isUnknown } from '../../src/evidence/iac/model.js';

const dir = mkdtempSync(join(tmpdir(), 'cna-plan-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench plan generator', () => {
  it('has 50 resources an instance, 5,000 at the benchmark size, in the documented JSON plan format', () => {
    expect(RESOURCES_PER_INSTANCE).toBe(50);
    const big = generateTerraformPlan(100);
    expect(big.resources).toBe(5000);
    expect(big.byType.aws_connect_instance).toBe(100);
    expect(big.plan.format_version).toBe(PLAN_FORMAT_VERSION);
    const changes = big.plan.resource_changes as Array<{ change: { actions: string[] } }>;
    expect(new Set(changes.map((c) => c.change.actions.join(',')))).toEqual(new Set(['create', 'no-op']));
  });

  it('reads back with the Terraform plan reader: every instance, config, bucket part, key, stream and log group, each placed on its block', async () => {
    const generated = generateTerraformPlan(6);
    const planFile = writeTerraformPlan(join(dir, 'small'), generated);
    const model = await readTerraformPlan(planFile);
    expect(model.warnings).toEqual([]);
    expect(model.accountId).toBe('123456789012');
    expect(model.instances).toHaveLength(6);
    expect(model.storageConfigs).toHaveLength(6 * 8);
    expect(model.buckets).toHaveLength(6 * 5);
    expect(model.bucketParts).toHaveLength(6 * 5 * 4);
    expect(model.keys).toHaveLength(6 * 5);
    expect(model.aliases).toHaveLength(6 * 5);
    expect(model.kinesisStreams).toHaveLength(6 * 3);
    expect(model.logGroups).toHaveLength(6 * 2);
    expect(model.approvedOrigins).toHaveLength(6);
    expect(model.instanceReferences).toEqual([]);
    // Created and existing instances alike: every storage config is tied to a managed instance, bucket or stream and key of the plan.
    const instanceIds = new Set(model.instances.map((i) => i.id));
    const buckets = new Set(model.buckets.map((b) => b.bucketName));
    const keys = new Set(model.keys.map((k) => k.arn));
    const streams = new Set(model.kinesisStreams.map((s) => s.arn));
    for (const config of model.storageConfigs) {
      expect(instanceIds.has(config.instanceId), config.name).toBe(true);
      if (isUnknown(config.config)) throw new Error(`${config.name}: ${config.config.detail}`);
      if (config.config.S3Config) {
        expect(buckets.has(config.config.S3Config.BucketName), config.name).toBe(true);
        expect(keys.has(config.config.S3Config.EncryptionConfig?.KeyId ?? ''), config.name).toBe(true);
      } else {
        expect(streams.has(config.config.KinesisStreamConfig?.StreamArn ?? ''), config.name).toBe(true);
      }
    }
    const located = [...model.instances, ...model.storageConfigs, ...model.buckets, ...model.bucketParts, ...model.keys, ...model.aliases, ...model.kinesisStreams, ...model.logGroups, ...model.approvedOrigins];
    expect(located).toHaveLength(6 * 50);
    for (const item of located) {
      expect(item.source?.file, item.name).toMatch(/connect_00\d\.tf$/);
      expect(item.source?.line, item.name).toBeGreaterThan(0);
    }
  }, 60_000);
});
