/** Importing the collector must not load the AWS SDK: `--version`, `rules` and `audit --snapshot` never need it. */
import { describe, expect, it, vi } from 'vitest';

const loaded = vi.hoisted(() => [] as string[]);

vi.mock('@aws-sdk/client-connect', () => {
  loaded.push('client-connect');
  return {};
});
vi.mock('@aws-sdk/client-s3', () => {
  loaded.push('client-s3');
  return {};
});
vi.mock('@aws-sdk/client-s3-control', () => {
  loaded.push('client-s3-control');
  return {};
});
vi.mock('@aws-sdk/client-kms', () => {
  loaded.push('client-kms');
  return {};
});
vi.mock('@aws-sdk/client-directory-service', () => {
  loaded.push('client-directory-service');
  return {};
});
vi.mock('@aws-sdk/client-sts', () => {
  loaded.push('client-sts');
  return {};
});
vi.mock('@aws-sdk/client-kinesis', () => {
  loaded.push('client-kinesis');
  return {};
});
vi.mock('@aws-sdk/client-firehose', () => {
  loaded.push('client-firehose');
  return {};
});
vi.mock('@aws-sdk/client-kinesis-video', () => {
  loaded.push('client-kinesis-video');
  return {};
});
vi.mock('@aws-sdk/client-cloudwatch-logs', () => {
  loaded.push('client-cloudwatch-logs');
  return {};
});

describe('the collector loads the SDK lazily', () => {
  it('imports without loading any @aws-sdk client', async () => {
    const collector = await import('../../../src/evidence/collect/index.js');
    expect(typeof collector.collectEvidence).toBe('function');
    expect(loaded).toEqual([]);
  });

  it('(control) the mocks do notice a load', async () => {
    await import('@aws-sdk/client-kms');
    expect(loaded).toEqual(['client-kms']);
  });
});
