/**
 * Multi-account audits through the built CLI against the emulator: `--accounts`, `--org`, roles with
 * an external id, an account whose role cannot be assumed, `collect --out-dir` and `merge`.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EvidenceDocument } from '../../src/evidence/model.js';
import type { Finding, Report } from '../../src/report/schema.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';
import { A, B, C, emulatorEnv, EXTERNAL_ID, MANAGEMENT, organizationState, ROLE_TEMPLATE } from '../helpers/accounts.js';
import { DEMO, runCli, type CliResult } from '../helpers/cli.js';

const TYPES = 'CALL_RECORDINGS,CHAT_TRANSCRIPTS,MEDIA_STREAMS,CONTACT_TRACE_RECORDS';
const REGIONS = ['--region', 'eu-central-1', '--region', 'us-east-1'];
const ROLE = ['--role-arn', ROLE_TEMPLATE, '--external-id', EXTERNAL_ID];

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  emulator = await startEmulator({ state: organizationState(), denyAssumeRole: [C], requireExternalId: EXTERNAL_ID, ...options });
  return emulator;
}

function live(emu: Emulator, args: string[], caller = MANAGEMENT): Promise<CliResult> {
  return runCli([...args, ...REGIONS, '--resource-types', TYPES], { env: emulatorEnv(emu.url, caller), timeoutMs: 120_000 });
}

function parseReport(result: CliResult): Report {
  if (!result.stdout.startsWith('{')) throw new Error(`no report (exit ${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as Report;
}

async function snapshotReport(file: string): Promise<{ report: Report; code: number | null }> {
  const result = await runCli(['audit', '--snapshot', file, '--resource-types', TYPES, '--format', 'json']);
  return { report: parseReport(result), code: result.code };
}

const verdicts = (findings: readonly Finding[]) => findings.map((f) => `${f.id} ${f.status} ${f.ruleId} ${f.hop} ${f.resource.arn}`).sort();
const ofAccount = (findings: readonly Finding[], account: string) => findings.filter((f) => f.resource.accountId === account);
const accountsOf = (report: Report) => [...new Set(report.instances.map((i) => i.accountId))].sort();

function expectUnreachable(report: Report, account: string, operation: string): void {
  const findings = ofAccount(report.findings, account);
  expect(findings.length).toBeGreaterThan(0);
  for (const f of findings) {
    expect(f.status).toBe('ERROR');
    expect(f.ruleId).toBe('connect-instances-discovered');
    expect(f.message).toContain(operation);
  }
  const [service, name] = operation.split(':');
  expect(report.errors.some((e) => e.service === service && e.operation === name && e.resource === `account ${account}`)).toBe(true);
}

/** No progress display without a terminal: no carriage return, no counters. */
function expectNoProgress(stderr: string): void {
  expect(stderr).not.toContain('\r');
  expect(stderr).not.toMatch(/requests|throttled|elapsed/);
}

describe('multi-account audit against the emulator', () => {
  it('--accounts: audits A and B through their roles, reports C (AssumeRole refused) as ERROR, and exits 1 for the demo failures', async () => {
    const emu = await start({ pageSize: 10 }); // one page per list: every request counted below is a read of its own
    const result = await live(emu, ['audit', '--accounts', `${A},${B},${C}`, ...ROLE, '--format', 'json']);
    const report = parseReport(result);
    expect(result.code).toBe(1);
    expect(report.summary.result).toBe('FAIL');
    expect(accountsOf(report)).toEqual([A, B]);
    expect(report.instances).toHaveLength(6);
    expectUnreachable(report, C, 'sts:AssumeRole');
    expectNoProgress(result.stderr);

    // A's verdicts are the demo's; B (a clone) gets as many of each.
    const demo = (await snapshotReport(DEMO)).report;
    expect(verdicts(ofAccount(report.findings, A))).toEqual(verdicts(demo.findings));
    const statuses = (findings: readonly Finding[]) => findings.map((f) => `${f.ruleId} ${f.hop} ${f.status}`).sort();
    expect(statuses(ofAccount(report.findings, B))).toEqual(statuses(ofAccount(report.findings, A)));

    // One caller identity, one AssumeRole per account, each bucket and key read once, nothing throttled.
    const count = (operation: string, resource?: string) => emu.requests.filter((r) => r.operation === operation && (resource === undefined || r.resource === resource)).length;
    expect(count('GetCallerIdentity')).toBe(1);
    for (const account of [A, B, C]) expect(count('AssumeRole', `arn:aws:iam::${account}:role/Auditor`)).toBe(1);
    const perResource = new Map<string, number>();
    for (const r of emu.requests.filter((q) => q.service !== 'connect' && q.service !== 'sts')) {
      const key = `${r.account} ${r.service} ${r.operation} ${r.region} ${r.resource ?? ''}`;
      perResource.set(key, (perResource.get(key) ?? 0) + 1);
    }
    expect([...perResource].filter(([, n]) => n > 1)).toEqual([]);
    expect(emu.requests.filter((r) => r.throttled)).toEqual([]);
    expect(new Set(emu.requests.filter((r) => r.service === 'connect').map((r) => r.account))).toEqual(new Set([A, B]));
  }, 120_000);

  it('exits 3 when the only problem is an account that could not be audited', async () => {
    const state = organizationState();
    // B alone, with the demo's non-compliant instances removed: every verdict PASS or better.
    const b = state.accounts[1]!;
    const keep = (id: string) => id.endsWith('0001');
    for (const region of b.regions) {
      for (const id of Object.keys(region.instances)) if (!keep(id)) delete region.instances[id];
      if (region.listInstances?.status === 'ok') region.listInstances.response = region.listInstances.response.filter((s) => keep(s.Id));
    }
    emulator = await startEmulator({ state, denyAssumeRole: [C] });
    const compliant = `arn:aws:connect:eu-central-1:${B}:instance/a1b2c3d4-0000-4000-8000-000000000001`;
    const alone = parseReport(await live(emulator, ['audit', '--accounts', B, '--role-arn', ROLE_TEMPLATE, '--instance-id', compliant, '--format', 'json']));
    expect(alone.summary.result).toBe('PASS');
    const result = await live(emulator, ['audit', '--accounts', `${B},${C}`, '--role-arn', ROLE_TEMPLATE, '--format', 'json']);
    const report = parseReport(result);
    expect(result.code).toBe(3);
    expect(report.summary.result).toBe('INCOMPLETE');
    expect(report.findings.filter((f) => f.status === 'FAIL')).toEqual([]);
    expectUnreachable(report, C, 'sts:AssumeRole');
  }, 120_000);

  it('--org: lists the ACTIVE accounts through Organizations (every page) and audits each', async () => {
    const emu = await start({ pageSize: 1 });
    const result = await live(emu, ['audit', '--org', ...ROLE, '--format', 'json']);
    const report = parseReport(result);
    expect(result.code).toBe(1);
    expect(accountsOf(report)).toEqual([A, B]);
    expectUnreachable(report, C, 'sts:AssumeRole');
    expect(emu.requests.filter((r) => r.operation === 'ListAccounts')).toHaveLength(3);
    expectNoProgress(result.stderr);
  }, 120_000);

  it('--org without Organizations access: an ERROR for the caller account, exit 3, never a clean pass', async () => {
    const emu = await start({ faults: [{ service: 'organizations', operation: 'ListAccounts', kind: 'AccessDenied' }] });
    const result = await live(emu, ['audit', '--org', ...ROLE, '--format', 'json']);
    const report = parseReport(result);
    expect(result.code).toBe(3);
    expect(report.instances).toEqual([]);
    expectUnreachable(report, MANAGEMENT, 'organizations:ListAccounts');
  });

  it('a wrong --external-id makes every account an ERROR (exit 3)', async () => {
    const emu = await start();
    const result = await live(emu, ['audit', '--accounts', `${A},${B}`, '--role-arn', ROLE_TEMPLATE, '--external-id', 'not-the-right-one', '--format', 'json']);
    const report = parseReport(result);
    expect(result.code).toBe(3);
    expect(report.instances).toEqual([]);
    for (const account of [A, B]) expectUnreachable(report, account, 'sts:AssumeRole');
    expect(emu.requests.filter((r) => r.service === 'connect')).toEqual([]);
  });

  it("reads the caller's own account directly, without assuming a role into it", async () => {
    const emu = await start();
    const result = await live(emu, ['audit', '--accounts', `${A},${B}`, ...ROLE, '--format', 'json'], A);
    const report = parseReport(result);
    expect(accountsOf(report)).toEqual([A, B]);
    const assumed = emu.requests.filter((r) => r.operation === 'AssumeRole').map((r) => r.resource);
    expect(assumed).toEqual([`arn:aws:iam::${B}:role/Auditor`]);
  }, 120_000);

  it('takes --accounts from a file: one id a line (with comments) or a JSON array', async () => {
    const emu = await start();
    const dir = mkdtempSync(join(tmpdir(), 'cna-accounts-'));
    const lines = join(dir, 'accounts.txt');
    writeFileSync(lines, `# audited accounts\n${B}\n\n${C}  # refused\n`);
    const json = join(dir, 'accounts.json');
    writeFileSync(json, JSON.stringify([B, C]));
    for (const file of [lines, json]) {
      emu.reset();
      const report = parseReport(await live(emu, ['audit', '--accounts', file, ...ROLE, '--format', 'json']));
      expect(accountsOf(report)).toEqual([B]);
      expectUnreachable(report, C, 'sts:AssumeRole');
    }
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, `${B}\n12345\n`);
    const refused = await live(emu, ['audit', '--accounts', bad, ...ROLE]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('"12345" is not a 12-digit AWS account id');
  }, 120_000);

  it('collect --out-dir writes one file per account; their audits merged give the multi-account report', async () => {
    const emu = await start();
    const dir = mkdtempSync(join(tmpdir(), 'cna-outdir-'));
    const collected = await live(emu, ['collect', '--accounts', `${A},${B},${C}`, ...ROLE, '--out-dir', dir]);
    expect(collected.code, collected.stderr).toBe(0);
    expect(collected.stderr).toContain(`account ${C} could not be read`);
    expectNoProgress(collected.stderr);
    expect(readdirSync(dir).sort()).toEqual([`${A}.json`, `${B}.json`, `${C}.json`]);
    for (const account of [A, B, C]) {
      const evidence = JSON.parse(readFileSync(join(dir, `${account}.json`), 'utf8')) as EvidenceDocument;
      expect(evidence.accounts.map((a) => a.accountId)).toEqual([account]);
      expect(evidence.collectedBy?.Account).toBe(MANAGEMENT);
    }
    expect(JSON.parse(readFileSync(join(dir, `${C}.json`), 'utf8')).accounts[0].error).toMatchObject({ operation: 'sts:AssumeRole', code: 'AccessDenied' });

    const reports: string[] = [];
    for (const account of [A, B, C]) {
      const { report, code } = await snapshotReport(join(dir, `${account}.json`));
      expect(code).toBe(account === C ? 3 : 1);
      const file = join(dir, `report-${account}.json`);
      writeFileSync(file, JSON.stringify(report));
      reports.push(file);
    }
    const merged = await runCli(['merge', ...reports, '--format', 'json']);
    expect(merged.code).toBe(1);
    const mergedReport = parseReport(merged);

    emu.reset();
    const single = parseReport(await live(emu, ['audit', '--accounts', `${A},${B},${C}`, ...ROLE, '--format', 'json']));
    expect(verdicts(mergedReport.findings)).toEqual(verdicts(single.findings));
    expect(mergedReport.summary).toEqual(single.summary);
    expect(mergedReport.instances).toEqual(single.instances);
    expect(mergedReport.hops).toEqual(single.hops);
    expect(mergedReport.errors).toEqual(single.errors);
    expect(mergedReport.run.mode).toBe('snapshot');

    // The same accounts in one file: --out.
    const one = join(dir, 'all.json');
    emu.reset();
    expect((await live(emu, ['collect', '--accounts', `${A},${B},${C}`, ...ROLE, '--out', one])).code).toBe(0);
    expect(verdicts((await snapshotReport(one)).report.findings)).toEqual(verdicts(single.findings));
  }, 180_000);

  it('a run cut short by --timeout exits 3 with one line and no report, never a verdict', async () => {
    const emu = await start({ latencyMs: 700 });
    const result = await live(emu, ['audit', '--accounts', `${A},${B}`, ...ROLE, '--timeout', '2', '--format', 'json']);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining('did not finish within --timeout')]);
  });

  it('refuses unusable multi-account flags with exit 2 before sending anything', async () => {
    const emu = await start();
    const cases: [string[], string][] = [
      [['audit', '--org'], '--role-arn is required with --org'],
      [['audit', '--accounts', `${A},${B}`], '--role-arn is required'],
      [['audit', '--accounts', `${A},${B}`, '--role-arn', `arn:aws:iam::${A}:role/Auditor`], 'use {accountId}'],
      [['audit', '--accounts', A, '--org', ...ROLE], 'one or the other'],
      [['audit', '--accounts', `${A},12`, ...ROLE], 'not a 12-digit AWS account id'],
      [['audit', '--accounts', A, ...ROLE, '--instance-id', 'a1b2c3d4-0000-4000-8000-000000000001'], 'name instances by ARN'],
      [['audit', '--role-arn', ROLE_TEMPLATE], '--role-arn needs --accounts or --org'],
      [['audit', '--accounts', A, '--external-id', EXTERNAL_ID], '--external-id needs --role-arn'],
      [['collect', '--accounts', A, ...ROLE], '--out FILE'],
    ];
    for (const [args, message] of cases) {
      const result = await live(emu, args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
    }
    expect(emu.requests).toEqual([]);
    const snapshot = await runCli(['audit', '--snapshot', DEMO, '--accounts', A]);
    expect(snapshot.code).toBe(2);
    expect(snapshot.stderr).toContain('cannot be used with --snapshot');
  });
});

describe('merge', () => {
  it('of a report with itself gives the same report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-merge-'));
    const { report } = await snapshotReport(DEMO);
    const file = join(dir, 'report.json');
    writeFileSync(file, JSON.stringify(report));
    const merged = await runCli(['merge', file, file, '--format', 'json']);
    expect(merged.code).toBe(1);
    expect(parseReport(merged)).toEqual(report);
  });

  it('writes every format, honours --fail-on, and exits 2 naming an invalid input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-merge-'));
    const { report } = await snapshotReport(DEMO);
    const file = join(dir, 'report.json');
    writeFileSync(file, JSON.stringify(report));
    const sarif = join(dir, 'merged.sarif');
    const text = await runCli(['merge', file, '--output', `sarif=${sarif}`, '--fail-on', 'critical']);
    expect(text.stdout).toContain('voice.recording-to-s3');
    expect(JSON.parse(readFileSync(sarif, 'utf8')).version).toBe('2.1.0');
    const critical = report.findings.some((f) => f.status === 'FAIL' && f.severity === 'critical');
    expect(text.code).toBe(critical ? 1 : 0);

    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ ...report, findings: [{ id: 'x' }] }));
    const refused = await runCli(['merge', file, invalid, '--format', 'json']);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`${invalid}: invalid report at $.findings[0]`);
    const missing = await runCli(['merge', file, join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json: cannot read report');
  });
});
