/**
 * Deep or huge values inside evidence (issue 9 item 6): never a stack overflow, never a megabyte
 * message; unknown deep values are cut at load and finding evidence is capped with "… and N more".
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/schema.js';
import { runCli } from '../helpers/cli.js';
import { BUCKET, compliantEvidence, parts } from '../helpers/evidence.js';

function write(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cna-hostile-')), 'evidence.json');
  writeFileSync(file, text);
  return file;
}

describe('hostile sizes inside evidence', () => {
  it('an array nested 20,000 levels deep in an unknown field is cut at load, not a stack overflow', async () => {
    const doc = compliantEvidence();
    const config = parts(doc).bucket.publicAccessBlock as { status: 'ok'; response: { PublicAccessBlockConfiguration: Record<string, unknown> } };
    config.response.PublicAccessBlockConfiguration.Unknown = '__DEEP__';
    const depth = 20_000;
    const file = write(JSON.stringify(doc).replace('"__DEEP__"', `${'['.repeat(depth)}${']'.repeat(depth)}`));
    const result = await runCli(['audit', '--snapshot', file, '--format', 'json']);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr).not.toContain('Maximum call stack');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    const bpa = report.findings.find((f) => f.ruleId === 's3-bucket-public-access-block' && f.hop === 'voice.recording-to-s3');
    expect(bpa?.status).toBe('PASS');
    expect(result.stdout).not.toContain('[[[[[[[[');
  });

  it('a 10,000-statement bucket policy gives a bounded message and evidence capped with "… and N more"', async () => {
    const doc = compliantEvidence();
    const statements = Array.from({ length: 10_000 }, (_, i) => ({
      Sid: `Deny${i}`,
      Effect: 'Deny',
      Principal: { AWS: `arn:aws:iam::111122223333:role/r${i}` },
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
    parts(doc).bucket.policy = { status: 'ok', response: { Policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) } };
    const started = Date.now();
    const result = await runCli(['audit', '--snapshot', write(JSON.stringify(doc)), '--format', 'json'], { timeoutMs: 120_000 });
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    const tls = report.findings.find((f) => f.ruleId === 's3-bucket-denies-insecure-transport' && f.hop === 'voice.recording-to-s3');
    expect(tls?.status).toBe('FAIL');
    expect(tls?.message.length).toBeLessThan(2_100);
    expect(JSON.stringify(tls?.evidence).length).toBeLessThan(50_000);
    expect(JSON.stringify(tls?.evidence)).toMatch(/… and 9\d{3} more/);
    expect(result.stdout.length).toBeLessThan(2_000_000);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
