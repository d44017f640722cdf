/**
 * Issue 9, item 3, through the built CLI: a bucket policy anyone with s3:PutBucketPolicy can write, and
 * a waiver glob, built to make wildcard matching explode. Before the fix the policies took from a
 * minute to over five (and 2–3 GB), the globs minutes; now each audit finishes in a few seconds.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOSTILE_EXPECTED, hostilePolicy, hostileWaiverGlob, type HostileShape } from '../../bench/lib/hostile.js';
import type { Report } from '../../src/report/schema.js';
import { SECURE_TRANSPORT_STATEMENT } from '../../src/rules/lib/bucket-policy.js';
import { runCli } from '../helpers/cli.js';
import { BUCKET, compliantEvidence, INSTANCE_ARN, ok, parts } from '../helpers/evidence.js';

const dir = mkdtempSync(join(tmpdir(), 'cna-hostile-'));
const RULE = SECURE_TRANSPORT_STATEMENT.ruleId;
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
/** Start-up and judging together; the old code took over a minute on every one of these. */
const WITHIN_MS = 8000;

/** The compliant snapshot with a hostile policy on its recordings bucket, renamed to `bucket`. */
function snapshotWith(shape: HostileShape, bucket = BUCKET): string {
  const doc = compliantEvidence();
  const { account, bucket: evidence, instance } = parts(doc);
  account.buckets = { [bucket]: { ...evidence, policy: ok({ Policy: hostilePolicy(shape, bucket) }) } };
  const recordings = instance.storageConfigs.CALL_RECORDINGS;
  if (recordings?.status !== 'ok') throw new Error('the compliant evidence has call recordings');
  for (const config of recordings.response) if (config.S3Config) config.S3Config.BucketName = bucket;
  const file = join(dir, `${shape}-${bucket.length}.json`);
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

async function audit(args: string[]): Promise<{ report: Report; code: number | null; ms: number; stderr: string }> {
  const started = Date.now();
  const result = await runCli(['audit', '--format', 'json', ...args], { timeoutMs: 60_000 });
  const ms = Date.now() - started;
  expect(result.stderr).not.toMatch(/^\s+at /m);
  return { report: JSON.parse(result.stdout) as Report, code: result.code, ms, stderr: result.stderr };
}

const transportFinding = (report: Report, bucketArn = BUCKET_ARN) => report.findings.find((finding) => finding.ruleId === RULE && finding.resource.arn === bucketArn);
/** The longest bucket name S3 allows, all `a`: the ARN a `*a*a…` regex backtracks over. */
const A_BUCKET = 'a'.repeat(63);

describe('a hostile 20 KB bucket policy', () => {
  it.each<HostileShape>(['not-action-chain', 'not-resource-chain', 'resource-chain', 'action-chain', 'mixed', 'almost-covering-lengths'])(
    '%s: FAIL within a few seconds',
    async (shape) => {
      const { report, code, ms } = await audit(['--snapshot', snapshotWith(shape)]);
      expect(HOSTILE_EXPECTED[shape]).toBe('not-covered');
      expect(transportFinding(report)?.status).toBe('FAIL');
      expect(code).toBe(1);
      expect(ms).toBeLessThan(WITHIN_MS);
    },
  );

  it('a hostile policy that really denies every insecure request (one Deny per key length, then "k or more") passes', async () => {
    const { report, ms } = await audit(['--snapshot', snapshotWith('covering-lengths')]);
    expect(transportFinding(report)?.status).toBe('PASS');
    expect(ms).toBeLessThan(WITHIN_MS);
  });
});

describe('a hostile waiver glob', () => {
  it.each([
    ['the 10,000-character `*a*a…*Z`', hostileWaiverGlob()],
    // The glob from the issue: as a regex it backtracks for minutes over an instance ARN.
    ['`*a*a*a*a*a*a*a*a*Z`', '*a*a*a*a*a*a*a*a*Z'],
  ])('%s is matched against every finding within a few seconds and waives nothing it does not match', async (_name, glob) => {
    const config = join(dir, `waiver-${glob.length}.json`);
    writeFileSync(config, JSON.stringify({ waivers: [{ rule: RULE, resource: glob, reason: 'hostile', expires: '2099-12-31' }] }));
    const { report, ms } = await audit(['--snapshot', snapshotWith('not-action-chain', A_BUCKET), '--config', config]);
    expect(transportFinding(report, `arn:aws:s3:::${A_BUCKET}`)?.status).toBe('FAIL');
    expect(report.findings.some((finding) => finding.status === 'WAIVED')).toBe(false);
    expect(ms).toBeLessThan(WITHIN_MS);
  });

  it('a glob of the same kind that matches still waives', async () => {
    const config = join(dir, 'waiver-match.json');
    writeFileSync(config, JSON.stringify({ waivers: [{ rule: RULE, resource: `${'*r'.repeat(2)}*-bucket`, reason: 'accepted', expires: '2099-12-31' }] }));
    const { report } = await audit(['--snapshot', snapshotWith('not-action-chain'), '--config', config]);
    expect(transportFinding(report)?.status).toBe('WAIVED');
    expect(INSTANCE_ARN).not.toMatch(/-bucket$/);
  });
});
