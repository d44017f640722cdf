import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/schema.js';
import { DEMO, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cna-config-'));
const writeJson = (name: string, value: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
};

const LEGACY = 'arn:aws:connect:us-east-1:111122223333:instance/a1b2c3d4-0000-4000-8000-000000000002';

async function audit(args: string[]): Promise<{ report: Report; code: number | null; stderr: string }> {
  const result = await runCli(['audit', '--snapshot', DEMO, '--format', 'json', ...args]);
  return { report: JSON.parse(result.stdout) as Report, code: result.code, stderr: result.stderr };
}

describe('config file and waivers', () => {
  it('a waiver turns a FAIL into WAIVED and keeps the original status', async () => {
    const config = writeJson('waive.json', {
      waivers: [{ rule: 'connect-access-url-tls12-domain', resource: LEGACY, reason: 'migration to my.connect.aws planned', expires: '2099-12-31', ticket: 'SEC-42' }],
    });
    const { report } = await audit(['--config', config]);
    const finding = report.findings.find((f) => f.ruleId === 'connect-access-url-tls12-domain' && f.instanceArn === LEGACY);
    expect(finding?.status).toBe('WAIVED');
    expect(finding?.waiver).toEqual({ reason: 'migration to my.connect.aws planned', expires: '2099-12-31', originalStatus: 'FAIL', ticket: 'SEC-42' });
  });

  it('an expired waiver warns and the finding returns to its status', async () => {
    const config = writeJson('expired.json', {
      waivers: [{ rule: 'connect-access-url-tls12-domain', resource: 'arn:aws:connect:*', reason: 'old', expires: '2020-01-01' }],
    });
    const { report, stderr } = await audit(['--config', config]);
    expect(report.findings.find((f) => f.ruleId === 'connect-access-url-tls12-domain' && f.instanceArn === LEGACY)?.status).toBe('FAIL');
    expect(stderr).toContain('expired on 2020-01-01');
    expect(report.warnings?.[0]).toContain('expired');
  });

  it('waiving every failure of the legacy instance passes the gate', async () => {
    const { report: baseline } = await audit([]);
    const failing = baseline.findings.filter((f) => f.status === 'FAIL' || f.status === 'ERROR');
    const config = writeJson('all.json', { waivers: failing.map((f) => ({ rule: f.ruleId, resource: f.resource.arn, reason: 'accepted risk', expires: '2099-01-01' })) });
    const { report, code } = await audit(['--config', config]);
    expect(code).toBe(0);
    expect(report.summary.counts.WAIVED).toBe(failing.length);
    expect(report.hops.filter((h) => h.instanceArn === LEGACY && h.hop === 'voice.recording-to-s3')[0]?.status).toBe('WAIVED');
  });

  it('failOn, severity overrides and disabled rules apply', async () => {
    const config = writeJson('tuning.json', {
      failOn: 'critical',
      rules: { 'connect-access-url-tls12-domain': { severity: 'critical' }, 's3-bucket-denies-tls-below-1-2': { enabled: false } },
    });
    const { report, code } = await audit(['--config', config]);
    expect(code).toBe(1);
    expect(report.summary.failOn).toBe('critical');
    expect(report.findings.some((f) => f.ruleId === 's3-bucket-denies-tls-below-1-2')).toBe(false);
    expect(report.findings.find((f) => f.ruleId === 'connect-access-url-tls12-domain' && f.instanceArn === LEGACY)?.severity).toBe('critical');
  });

  it('--fail-on on the command line wins over the config file', async () => {
    const config = writeJson('failon.json', { failOn: 'info' });
    expect((await audit(['--config', config, '--fail-on', 'critical'])).code).toBe(0);
  });

  it('resourceTypes limits the storage hops in scope', async () => {
    const config = writeJson('types.json', { resourceTypes: ['call-recordings'] });
    const { report } = await audit(['--config', config]);
    expect(report.hops.some((h) => h.hop.startsWith('storage.'))).toBe(false);
  });

  it('--framework runs only the rules mapped to it', async () => {
    const { report } = await audit(['--framework', 'hipaa']);
    expect(report.findings.length).toBeGreaterThan(0);
    for (const f of report.findings) expect(f.compliance.map((c) => c.framework)).toContain('HIPAA Security Rule');
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['an unknown rule id', { rules: { 'no-such-rule': { enabled: false } } }, /unknown rule id no-such-rule/],
    ['a waiver without expiry', { waivers: [{ rule: 'kms-key-enabled', resource: '*', reason: 'x' }] }, /invalid config at \$\.waivers\[0\]\.expires/],
    ['an impossible date', { waivers: [{ rule: 'kms-key-enabled', resource: '*', reason: 'x', expires: '2026-02-31' }] }, /expires/],
    ['an unknown key', { failon: 'low' }, /invalid config at \$/],
    ['a bad severity', { failOn: 'urgent' }, /invalid config at \$\.failOn/],
  ];
  it.each(bad)('rejects %s with exit 2', async (_name, content, message) => {
    const result = await runCli(['audit', '--snapshot', DEMO, '--config', writeJson('bad.json', content)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });
});

describe('diff: baseline gating', () => {
  it('reports new, resolved and unchanged findings; --fail-on-new exits 1 only for new failures', async () => {
    const { report: full } = await audit([]);
    const baselineFile = writeJson('baseline.json', full);
    const onlyCompliant = (await audit(['--instance-id', 'a1b2c3d4-0000-4000-8000-000000000001'])).report;
    const compliantFile = writeJson('compliant.json', onlyCompliant);

    const improved = await runCli(['diff', baselineFile, compliantFile, '--format', 'json', '--fail-on-new']);
    expect(improved.code).toBe(0);
    const diff = JSON.parse(improved.stdout) as { new: unknown[]; resolved: unknown[]; unchanged: unknown[] };
    expect(diff.new).toEqual([]);
    expect(diff.resolved.length).toBe(full.findings.filter((f) => f.status === 'FAIL' || f.status === 'ERROR').length);

    const regressed = await runCli(['diff', compliantFile, baselineFile, '--fail-on-new']);
    expect(regressed.code).toBe(1);
    expect(regressed.stdout).toMatch(/^New \(\d+\)/);

    const same = await runCli(['diff', baselineFile, writeJson('again.json', full), '--fail-on-new']);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('New (0)');
  });

  it('rejects a file that is not a report', async () => {
    const result = await runCli(['diff', DEMO, writeJson('not-a-report.json', { hello: 'world' })]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/demo-evidence\.json: invalid report at \$/);
  });
});
