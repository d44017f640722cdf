/**
 * Live audits: the built CLI as a child process, with the real AWS SDK, against the local emulator
 * serving the demo account.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evidenceDocument, type EvidenceDocument } from '../../src/evidence/model.js';
import type { Finding, Report } from '../../src/report/schema.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';
import { emulatorEnv } from '../helpers/accounts.js';
import { DEMO, runCli, type CliOptions } from '../helpers/cli.js';

const ACCOUNT = '111122223333';
const TYPES = 'CALL_RECORDINGS,CHAT_TRANSCRIPTS,MEDIA_STREAMS,CONTACT_TRACE_RECORDS';
const REGIONS = ['--region', 'eu-central-1', '--region', 'us-east-1'];
const COMPLIANT = 'a1b2c3d4-0000-4000-8000-000000000001';

const demoState = (): EvidenceDocument => evidenceDocument.parse(JSON.parse(readFileSync(DEMO, 'utf8')));

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  emulator = await startEmulator({ state: demoState(), ...options });
  return emulator;
}

function live(emu: Emulator, args: string[], options: CliOptions = {}) {
  return runCli(args, {
    ...options,
    env: { ...emulatorEnv(emu.url, ACCOUNT), ...options.env },
  });
}

async function liveReport(emu: Emulator, extra: string[] = []): Promise<{ report: Report; code: number | null; stderr: string }> {
  const result = await live(emu, ['audit', ...REGIONS, '--resource-types', TYPES, '--format', 'json', ...extra]);
  if (!result.stdout.startsWith('{')) throw new Error(`no report (exit ${result.code}): ${result.stderr}`);
  return { report: JSON.parse(result.stdout) as Report, code: result.code, stderr: result.stderr };
}

async function snapshotReport(file: string, extra: string[] = []): Promise<Report> {
  const result = await runCli(['audit', '--snapshot', file, '--resource-types', TYPES, '--format', 'json', ...extra]);
  return JSON.parse(result.stdout) as Report;
}

const verdicts = (findings: Finding[]) => findings.map((f) => `${f.id} ${f.status} ${f.ruleId} ${f.hop} ${f.resource.arn}`).sort();

describe('live audit against the emulator', () => {
  it('gives the demo instances the same verdicts live as from the snapshot, without throttling or repeated reads', async () => {
    const emu = await start({ pageSize: 10 }); // one page per list: every request below is a read of its own
    const { report, code } = await liveReport(emu);
    expect(code).toBe(1);
    expect(report.run.mode).toBe('live');
    expect(verdicts(report.findings)).toEqual(verdicts((await snapshotReport(DEMO)).findings));

    expect(emu.requests.filter((r) => r.throttled)).toEqual([]);
    const perResource = new Map<string, number>();
    for (const r of emu.requests.filter((q) => q.service !== 'connect' && q.service !== 'sts')) {
      const key = `${r.service} ${r.operation} ${r.region} ${r.resource ?? ''}`;
      perResource.set(key, (perResource.get(key) ?? 0) + 1);
    }
    expect([...perResource].filter(([, n]) => n > 1)).toEqual([]);
  });

  it('collect then audit --snapshot gives identical findings', async () => {
    const emu = await start();
    const dir = mkdtempSync(join(tmpdir(), 'cna-live-'));
    const file = join(dir, 'evidence.json');
    const collected = await live(emu, ['collect', ...REGIONS, '--resource-types', TYPES, '--out', file]);
    expect(collected.code, collected.stderr).toBe(0);
    const evidence = JSON.parse(readFileSync(file, 'utf8')) as EvidenceDocument;
    expect(evidence.collectedBy?.Account).toBe(ACCOUNT);
    emu.reset();
    const { report } = await liveReport(emu);
    const fromFile = await snapshotReport(file);
    expect(verdicts(fromFile.findings)).toEqual(verdicts(report.findings));
    expect(readdirSync(dir)).toEqual(['evidence.json']);
  });

  it('follows every page of instances, storage configs, aliases and directories', async () => {
    const emu = await start({ pageSize: 1 });
    const { report } = await liveReport(emu);
    expect(report.instances).toHaveLength(3);
    expect(verdicts(report.findings)).toEqual(verdicts((await snapshotReport(DEMO)).findings));
    const pages = (operation: string) => emu.requests.filter((r) => r.operation === operation).length;
    expect(pages('ListInstances')).toBeGreaterThanOrEqual(3);
    expect(pages('ListApprovedOrigins')).toBeGreaterThanOrEqual(3);
  });

  it('reads a bucket in another region through that region', async () => {
    const state = demoState();
    const bucket = state.accounts[0]!.buckets['acme-connect-recordings']!;
    bucket.location = { status: 'ok', response: { LocationConstraint: 'eu-west-1' } };
    emulator = await startEmulator({ state });
    const { report } = await liveReport(emulator);
    const exists = report.findings.find((f) => f.ruleId === 's3-bucket-exists-and-owned' && f.resource.arn === 'arn:aws:s3:::acme-connect-recordings');
    expect(exists?.status).toBe('PASS');
    expect(exists?.resource.region).toBe('eu-west-1');
    const regions = new Set(emulator.requests.filter((r) => r.resource === 'acme-connect-recordings' && r.operation !== 'GetBucketLocation').map((r) => r.region));
    expect([...regions]).toEqual(['eu-west-1']);
  });

  it('fails a bucket owned by another account (critical) and a bucket that does not exist', async () => {
    const state = demoState();
    state.accounts[0]!.buckets['acme-connect-recordings']!.location = { status: 'absent', code: 'NoSuchBucket' };
    emulator = await startEmulator({ state, bucketOwners: { 'acme-legacy-recordings': '999988887777' } });
    const { report } = await liveReport(emulator);
    const exists = (bucket: string) => report.findings.filter((f) => f.ruleId === 's3-bucket-exists-and-owned' && f.resource.arn === `arn:aws:s3:::${bucket}`);
    for (const f of exists('acme-legacy-recordings')) {
      expect(f.status).toBe('FAIL');
      expect(f.severity).toBe('critical');
      expect(f.message).toContain('another account');
    }
    expect(exists('acme-connect-recordings').every((f) => f.status === 'FAIL' && f.message.includes('does not exist'))).toBe(true);
    expect(exists('acme-connect-recordings').length).toBeGreaterThan(0);
  });

  it('turns KMS AccessDenied into ERROR findings naming the permission, judges the rest, and exits 3', async () => {
    const emu = await start({ faults: [{ service: 'kms', operation: '*', kind: 'AccessDenied' }] });
    const { report, code } = await liveReport(emu, ['--instance-id', COMPLIANT]);
    expect(code).toBe(3);
    expect(report.summary.result).toBe('INCOMPLETE');
    const atRest = report.findings.filter((f) => f.hop === 'voice.recording-at-rest' && f.status === 'ERROR');
    expect(atRest.length).toBeGreaterThan(0);
    expect(atRest.some((f) => f.message.includes('grant kms:DescribeKey'))).toBe(true);
    expect(report.hops.find((h) => h.hop === 'voice.recording-to-s3')?.status).toBe('PASS');
    expect(report.hops.find((h) => h.hop === 'auth.ad-connector-to-active-directory')?.status).toBe('PASS');
    expect(report.errors.some((e) => e.service === 'kms' && e.operation === 'DescribeKey' && e.iamAction === 'kms:DescribeKey')).toBe(true);
  });

  it('gets through a throttling storm with the same findings as a clean run', async () => {
    const clean = await snapshotReport(DEMO);
    const emu = await start({ throttle: { fraction: 1 / 3, seed: 11 } });
    const { report } = await liveReport(emu);
    expect(emu.requests.filter((r) => r.throttled).length).toBeGreaterThan(5);
    expect(report.errors).toEqual([]);
    expect(verdicts(report.findings)).toEqual(verdicts(clean.findings));
  }, 120_000);

  it('never prints credentials, even with --verbose', async () => {
    const emu = await start({ faults: [{ service: 's3', operation: 'GetBucketPolicy', kind: 'AccessDenied' }] });
    const result = await live(emu, ['audit', ...REGIONS, '--resource-types', TYPES, '--verbose', '--format', 'json'], { env: { AWS_SESSION_TOKEN: 'session-token-secret-value' } });
    const output = result.stdout + result.stderr;
    expect(result.stderr.length).toBeGreaterThan(0);
    for (const secret of ['test-secret-not-real', 'session-token-secret-value', 'Signature=', 'AWS4-HMAC-SHA256']) expect(output).not.toContain(secret);
  });

  it('exits 130 on SIGINT mid-run and leaves no file behind', async () => {
    const emu = await start({ latencyMs: 400 });
    const dir = mkdtempSync(join(tmpdir(), 'cna-sigint-'));
    const result = await live(emu, ['collect', ...REGIONS, '--resource-types', TYPES, '--out', join(dir, 'evidence.json')], {
      onSpawn: (child) => setTimeout(() => child.kill('SIGINT'), 1500),
    });
    expect(result.code).toBe(130);
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(join(dir, 'evidence.json'))).toBe(false);
  });

  it('reports an unusable region or endpoint as ERROR, not as a clean pass', async () => {
    const emu = await start({ faults: [{ service: 'connect', operation: 'ListInstances', kind: 'AccessDenied' }] });
    const { report, code } = await liveReport(emu);
    expect(code).toBe(3);
    expect(report.findings.every((f) => f.ruleId === 'connect-instances-discovered' && f.status === 'ERROR')).toBe(true);
    expect(report.findings).toHaveLength(2);
  });
});
