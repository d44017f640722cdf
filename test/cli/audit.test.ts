import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCUMENTED_HOPS } from '../../src/paths/hops.js';
import type { Report } from '../../src/report/schema.js';
import { DEMO, runCli } from '../helpers/cli.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'cna-cli-'));

async function demoReport(extra: string[] = []): Promise<{ report: Report; code: number | null }> {
  const result = await runCli(['audit', '--snapshot', DEMO, '--format', 'json', ...extra]);
  return { report: JSON.parse(result.stdout) as Report, code: result.code };
}

describe('audit --snapshot on the demo evidence', () => {
  it('judges all ten documented hops of every instance and exits 1 for its failures', async () => {
    const { report, code } = await demoReport();
    expect(code).toBe(1);
    expect(report.summary).toMatchObject({ result: 'FAIL', exitCode: 1, failOn: 'low' });
    expect(report.instances.map((i) => i.identityManagementType).sort()).toEqual(['EXISTING_DIRECTORY', 'EXISTING_DIRECTORY', 'SAML']);
    for (const instance of report.instances) {
      const hops = report.hops.filter((h) => h.instanceArn === instance.instanceArn).map((h) => h.hop);
      for (const hop of DOCUMENTED_HOPS) expect(hops).toContain(hop.id);
    }
  });

  it('gives the right verdict on each instance', async () => {
    const { report } = await demoReport();
    const status = (alias: string, hop: string) => {
      const instance = report.instances.find((i) => i.instanceAlias === alias);
      return report.hops.find((h) => h.instanceArn === instance?.instanceArn && h.hop === hop)?.status;
    };
    for (const hop of ['voice.agent-browser-to-connect', 'voice.recording-to-s3', 'voice.recording-at-rest', 'auth.oauth-gateway-to-ad-connector', 'auth.ad-connector-to-active-directory', 'auth.ccp-load']) {
      expect(status('acme-compliant', hop), hop).toBe('PASS');
    }
    for (const hop of ['voice.agent-browser-to-connect', 'voice.recording-to-s3', 'voice.recording-at-rest', 'auth.ad-connector-to-active-directory', 'auth.ccp-load']) {
      expect(status('acme-legacy', hop), hop).toBe('FAIL');
    }
    expect(status('acme-saml', 'auth.oauth-gateway-to-ad-connector')).toBe('NOT_APPLICABLE');
    expect(status('acme-saml', 'auth.ad-connector-to-active-directory')).toBe('NOT_APPLICABLE');
    expect(status('acme-saml', 'voice.webrtc-media')).toBe('MANAGED');
  });

  it('is deterministic: two runs differ only in run timestamps', async () => {
    const first = await demoReport();
    await new Promise((r) => setTimeout(r, 20));
    const second = await demoReport();
    const strip = (r: Report) => JSON.stringify({ ...r, run: { ...r.run, startedAt: '', finishedAt: '' } }, null, 2);
    expect(strip(second.report)).toBe(strip(first.report));
    expect(new Set(first.report.findings.map((f) => f.id)).size).toBe(first.report.findings.length);
  });

  it('prints the text report without colour when stdout is not a terminal', async () => {
    const result = await runCli(['audit', '--snapshot', DEMO]);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toMatch(/\u001b\[/);
    expect(result.stdout).toContain('voice.recording-to-s3');
    expect(result.stdout).toMatch(/Summary: FAIL/);
    expect(result.stderr).toBe('');
  });

  it('draws the diagram in plain ASCII when the locale cannot show Unicode', async () => {
    const result = await runCli(['audit', '--snapshot', DEMO], { env: { LANG: 'C' } });
    expect(result.stdout).toContain('Agent browser -ok-> Connect');
    expect(result.stdout).not.toMatch(/[━▶✔✖◆]/);
  });

  it('gates on --fail-on: only critical findings fail the run', async () => {
    const { report, code } = await demoReport(['--fail-on', 'critical']);
    expect(code).toBe(0);
    expect(report.summary).toMatchObject({ result: 'PASS', failOn: 'critical' });
  });

  it('audits only the instances named with --instance-id', async () => {
    const { report } = await demoReport(['--instance-id', 'a1b2c3d4-0000-4000-8000-000000000001']);
    expect(report.instances.map((i) => i.instanceAlias)).toEqual(['acme-compliant']);
    expect(report.summary.exitCode).toBe(0);
  });

  it('writes several formats from one run, atomically', async () => {
    const dir = scratch();
    const result = await runCli(['audit', '--snapshot', DEMO, '--format', 'json', '--output', `ndjson=${join(dir, 'f.ndjson')}`, '--output', `json=${join(dir, 'r.json')}`]);
    expect(result.code).toBe(1);
    expect(readFileSync(join(dir, 'r.json'), 'utf8')).toContain('"schemaVersion"');
    expect(readFileSync(join(dir, 'f.ndjson'), 'utf8').trim().split('\n').length).toBe((JSON.parse(result.stdout) as Report).findings.length);
    expect(readdirSync(dir).sort()).toEqual(['f.ndjson', 'r.json']);
  });

  it('survives a reader that closes the pipe early', async () => {
    const { spawnSync } = await import('node:child_process');
    const { BIN } = await import('../helpers/cli.js');
    const run = spawnSync('bash', ['-c', `node ${JSON.stringify(BIN)} audit --snapshot ${JSON.stringify(DEMO)} --format json | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(run.stderr).not.toMatch(/EPIPE|Error/);
    expect(['1', '141']).toContain(run.stdout.trim());
  });
});

describe('bad input never crashes: one line, exit 2, nothing written', () => {
  const dir = scratch();
  const demo = JSON.parse(readFileSync(DEMO, 'utf8')) as Record<string, unknown>;
  const write = (name: string, content: string) => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  const cases: Array<[string, () => string[], RegExp]> = [
    ['a missing file', () => ['audit', '--snapshot', join(dir, 'nope.json')], /nope\.json: cannot read evidence file: no such file/],
    ['truncated JSON', () => ['audit', '--snapshot', write('truncated.json', readFileSync(DEMO, 'utf8').slice(0, 500))], /truncated\.json: evidence file is not valid JSON/],
    [
      'a wrong type in a field',
      () => ['audit', '--snapshot', write('wrong-type.json', JSON.stringify({ ...demo, accounts: [{ ...(demo.accounts as object[])[0], regions: 'eu-central-1' }] }))],
      /wrong-type\.json: invalid evidence at \$\.accounts\[0\]\.regions: /,
    ],
    ['an unknown schema version', () => ['audit', '--snapshot', write('v9.json', JSON.stringify({ ...demo, schemaVersion: '9.0' }))], /v9\.json: unsupported evidence schemaVersion "9\.0"/],
    ['an unknown flag', () => ['audit', '--snapshot', DEMO, '--frobnicate'], /unknown option '--frobnicate'/],
    ['an unknown format', () => ['audit', '--snapshot', DEMO, '--format', 'yaml'], /argument 'yaml' is invalid/],
    ['an unknown --output format', () => ['audit', '--snapshot', DEMO, '--output', `yaml=${join(dir, 'x.yaml')}`], /unknown format yaml/],
    ['an --output directory that does not exist', () => ['audit', '--snapshot', DEMO, '--output', `json=${join(dir, 'missing', 'r.json')}`], /does not exist/],
    ['an invalid instance id', () => ['audit', '--snapshot', DEMO, '--instance-id', 'not-an-instance'], /not a Connect instance id/],
    ['an invalid severity', () => ['audit', '--snapshot', DEMO, '--fail-on', 'severe'], /--fail-on severe: expected one of/],
    ['an unknown resource type', () => ['audit', '--snapshot', DEMO, '--resource-types', 'CALL_RECORDINGS,VOICEMAILS'], /unknown storage resource type "VOICEMAILS"/],
    ['an evidence file that is a directory', () => ['audit', '--snapshot', dir], /is a directory/],
  ];

  it.each(cases)('%s', async (_name, args, message) => {
    const result = await runCli(args());
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });
});
