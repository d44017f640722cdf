/**
 * `export security-hub REPORT.json` and `audit … --to-security-hub` end to end: the built CLI, the real
 * SDK (@aws-sdk/client-securityhub) and the emulator's Security Hub. Checked in what Security Hub then
 * holds (every finding valid ASFF, resolved ones archived) and in what the run says (one line per
 * refused finding or failed request, exit 3 when anything was not imported).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/evidence/operations.js';
import type { Finding, Report } from '../../src/report/schema.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';
import { asffValidators } from '../formats/validators.js';
import { B, C, DEMO_ACCOUNT, demoEvidence, emulatorEnv, MANAGEMENT, organizationState, ROLE_TEMPLATE } from '../helpers/accounts.js';
import { DEMO, ROOT, runCli } from '../helpers/cli.js';

const REGION = 'eu-central-1';
const OTHER_REGION = 'us-east-1';
const productArn = (region: string, account = DEMO_ACCOUNT) => `arn:aws:securityhub:${region}:${account}:product/${account}/default`;

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});
const dir = mkdtempSync(join(tmpdir(), 'security-hub-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let demoReport: Report;
let demoFile: string;
beforeAll(async () => {
  demoFile = join(dir, 'demo.json');
  const result = await runCli(['audit', '--snapshot', DEMO, '--format', 'json']);
  expect(result.code).toBe(1);
  writeFileSync(demoFile, result.stdout);
  demoReport = JSON.parse(result.stdout) as Report;
});

function writeReport(name: string, report: Report): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(report));
  return file;
}

async function emulate(options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  emulator = await startEmulator({ state: demoEvidence(), pageSize: 100, ...options });
  return emulator;
}

function exportReport(emu: Emulator, file: string, args: string[] = []) {
  return runCli(['export', 'security-hub', file, ...args], { env: emulatorEnv(emu.url, DEMO_ACCOUNT) });
}

const calls = (emu: Emulator, operation: string) => emu.requests.filter((r) => r.service === 'securityhub' && r.operation === operation);
const stored = (emu: Emulator, region: string) => emu.securityHub.findings(DEMO_ACCOUNT, region);
const byId = (emu: Emulator, region: string) => new Map(stored(emu, region).map((f) => [f.Id as string, f]));

/** An earlier import of this tool that the report no longer has: same instance, rule and hop, another resource. */
function earlierFinding(finding: Finding, suffix: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    SchemaVersion: '2018-10-08',
    Id: `connect-netpath-audit/${finding.ruleId}/old${suffix}`,
    ProductArn: productArn(finding.resource.region),
    ProductName: 'connect-netpath-audit',
    GeneratorId: finding.ruleId,
    AwsAccountId: DEMO_ACCOUNT,
    Types: ['Software and Configuration Checks/AWS Security Best Practices'],
    CreatedAt: '2026-01-01T00:00:00.000Z',
    UpdatedAt: '2026-01-01T00:00:00.000Z',
    Severity: { Label: 'HIGH', Original: 'high' },
    Title: `${finding.title} (earlier run)`,
    Description: 'A resource the instance no longer uses.',
    Resources: [{ Type: 'Other', Id: `arn:aws:s3:::replaced-bucket-${suffix}`, Partition: 'aws', Region: finding.resource.region }],
    Compliance: { Status: 'FAILED' },
    ProductFields: {
      'connect-netpath-audit/FindingId': `old${suffix}`,
      'connect-netpath-audit/InstanceArn': finding.instanceArn,
      'connect-netpath-audit/Hop': finding.hop,
      'aws/securityhub/ProductName': 'Default',
    },
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE',
    ...overrides,
  };
}

describe('export security-hub', () => {
  it('imports the demo report: every finding, valid ASFF, into its own account and region, in batches of at most 100', async () => {
    const emu = await emulate();
    const result = await exportReport(emu, demoFile);
    expect(result.stderr).toBe(
      `Security Hub account ${DEMO_ACCOUNT} ${REGION}: 114 imported, 0 archived, 0 refused\nSecurity Hub account ${DEMO_ACCOUNT} ${OTHER_REGION}: 21 imported, 0 archived, 0 refused\n`,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const validate = asffValidators().finding;
    for (const region of [REGION, OTHER_REGION]) {
      const expected = demoReport.findings.filter((f) => f.resource.region === region);
      const held = byId(emu, region);
      expect(held.size).toBe(expected.length);
      for (const finding of expected) {
        const imported = held.get(`connect-netpath-audit/${finding.ruleId}/${finding.id}`);
        expect(imported, finding.id).toBeDefined();
        const { Workflow: _workflow, ...asSent } = imported ?? {};
        expect(validate(asSent)).toEqual([]);
        expect(imported).toMatchObject({ ProductArn: productArn(region), AwsAccountId: DEMO_ACCOUNT, RecordState: 'ACTIVE' });
      }
    }
    // 114 findings: two requests in eu-central-1; 21: one in us-east-1. Each region's own endpoint scope.
    const imports = calls(emu, 'BatchImportFindings');
    expect(imports.map((r) => r.region).sort()).toEqual([REGION, REGION, OTHER_REGION].sort());
    expect(imports.every((r) => r.status === 200 && r.account === DEMO_ACCOUNT)).toBe(true);
    expect(calls(emu, 'GetFindings').map((r) => r.region).sort()).toEqual([OTHER_REGION, REGION, REGION].sort());
  });

  it('splits a group of 250 findings into 100, 100 and 50 (and archives nothing on a second run with the same findings)', async () => {
    const emu = await emulate();
    const template = demoReport.findings.find((f) => f.resource.region === OTHER_REGION);
    if (!template) throw new Error('no finding in us-east-1');
    const many = Array.from({ length: 250 }, (_, i): Finding => ({ ...template, id: `${template.id}${String(i).padStart(3, '0')}` }));
    const file = writeReport('many.json', { ...demoReport, findings: many });
    const result = await exportReport(emu, file);
    expect(result.code).toBe(0);
    expect(stored(emu, OTHER_REGION)).toHaveLength(250);
    expect(calls(emu, 'BatchImportFindings')).toHaveLength(3);
    emu.reset();
    const again = await exportReport(emu, file);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('250 imported, 0 archived, 0 refused');
    // Every page of the 250 active findings read (100 a page), none archived: all are in the report.
    expect(calls(emu, 'GetFindings')).toHaveLength(3);
    expect(stored(emu, OTHER_REGION).every((f) => f.RecordState === 'ACTIVE')).toBe(true);
  });

  it('archives what an earlier import holds and the report shows resolved, reading every page; leaves what the report does not settle', async () => {
    const fail = demoReport.findings.find((f) => f.resource.region === REGION && f.status === 'FAIL');
    if (!fail) throw new Error('no FAIL in eu-central-1');
    const elsewhere = { ...fail, instanceArn: `arn:aws:connect:${REGION}:${DEMO_ACCOUNT}:instance/00000000-0000-4000-8000-000000000000` };
    const otherHop = { ...fail, hop: 'voice.not-judged-in-this-run' };
    const seed = [
      earlierFinding(fail, '1'),
      earlierFinding(fail, '2'),
      earlierFinding(fail, '3'),
      earlierFinding(elsewhere, '4'),
      earlierFinding(otherHop, '5'),
      earlierFinding(fail, '6', { UpdatedAt: '2099-01-01T00:00:00.000Z', CreatedAt: '2099-01-01T00:00:00.000Z' }),
      { ...earlierFinding(fail, '7'), Id: 'another-tool/finding-7' },
    ];
    const emu = await emulate({ pageSize: 2, securityHubFindings: seed });
    const result = await exportReport(emu, demoFile);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Security Hub account ${DEMO_ACCOUNT} ${REGION}: 114 imported, 3 archived, 0 refused`);
    const held = byId(emu, REGION);
    for (const n of ['1', '2', '3']) {
      expect(held.get(`connect-netpath-audit/${fail.ruleId}/old${n}`)).toMatchObject({ RecordState: 'ARCHIVED', UpdatedAt: demoReport.run.startedAt, Workflow: { Status: 'NEW' } });
      expect(held.get(`connect-netpath-audit/${fail.ruleId}/old${n}`)?.ProductFields).not.toHaveProperty('aws/securityhub/ProductName');
    }
    // Another instance, a hop this run did not judge, a newer import, another tool's finding: left ACTIVE.
    for (const id of [`connect-netpath-audit/${fail.ruleId}/old4`, `connect-netpath-audit/${fail.ruleId}/old5`, `connect-netpath-audit/${fail.ruleId}/old6`, 'another-tool/finding-7']) {
      expect(held.get(id)?.RecordState, id).toBe('ACTIVE');
    }
    expect(calls(emu, 'GetFindings').length).toBeGreaterThan(1);
  }, 120_000);

  it('archives a finding of an earlier report whose resource changed, across two runs', async () => {
    const emu = await emulate();
    const first = writeReport('first.json', { ...demoReport, run: { ...demoReport.run, startedAt: '2026-11-01T08:00:00.000Z', finishedAt: '2026-11-01T08:00:01.000Z' } });
    expect((await exportReport(emu, first)).code).toBe(0);
    const [changed, ...rest] = demoReport.findings;
    if (!changed) throw new Error('no finding');
    const moved: Finding = { ...changed, id: 'f0f0f0f0f0f0f0f0f0f0', resource: { ...changed.resource, arn: `${changed.resource.arn}-new` } };
    const second = writeReport('second.json', { ...demoReport, findings: [moved, ...rest] });
    const result = await exportReport(emu, second);
    expect(result.code).toBe(0);
    const held = byId(emu, changed.resource.region);
    expect(held.get(`connect-netpath-audit/${changed.ruleId}/${changed.id}`)).toMatchObject({ RecordState: 'ARCHIVED', UpdatedAt: demoReport.run.startedAt });
    expect(held.get(`connect-netpath-audit/${moved.ruleId}/${moved.id}`)).toMatchObject({ RecordState: 'ACTIVE' });
    expect(result.stderr).toContain(`${REGION}: 114 imported, 1 archived, 0 refused`);
  });

  it('prints each finding Security Hub refuses (FailedFindings) on its own line and exits 3', async () => {
    const fail = demoReport.findings.find((f) => f.resource.region === REGION && f.status === 'FAIL');
    if (!fail) throw new Error('no FAIL in eu-central-1');
    // An earlier import without a Description (a required attribute) cannot be sent back archived.
    const broken = earlierFinding(fail, 'x');
    delete broken.Description;
    const emu = await emulate({ securityHubFindings: [broken] });
    const result = await exportReport(emu, demoFile);
    expect(result.code).toBe(3);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toContain(
      `connect-netpath-audit: Security Hub refused finding connect-netpath-audit/${fail.ruleId}/oldx (account ${DEMO_ACCOUNT} ${REGION}): InvalidInput: Finding does not adhere to Amazon Finding Format: missing required attribute Description.`,
    );
    expect(lines).toContain(`Security Hub account ${DEMO_ACCOUNT} ${REGION}: 114 imported, 0 archived, 1 refused`);
  });

  it('an account that has not enabled Security Hub: every finding refused as InvalidAccess, each on its own line, exit 3', async () => {
    const emu = await emulate({ securityHubDisabled: [DEMO_ACCOUNT] });
    const result = await exportReport(emu, demoFile, ['--quiet']);
    expect(result.code).toBe(3);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(demoReport.findings.length);
    const finding = demoReport.findings[0];
    if (!finding) throw new Error('no finding');
    expect(lines).toContain(
      `connect-netpath-audit: Security Hub refused finding connect-netpath-audit/${finding.ruleId}/${finding.id} (account ${DEMO_ACCOUNT} ${finding.resource.region}): InvalidAccess: Account ${DEMO_ACCOUNT} is not subscribed to AWS Security Hub.`,
    );
    expect(stored(emu, REGION)).toEqual([]);
  });

  it('an older report sent after a newer one changes nothing: Security Hub ignores updates older than what it holds', async () => {
    const emu = await emulate();
    expect((await exportReport(emu, demoFile)).code).toBe(0);
    const older = writeReport('older.json', {
      ...demoReport,
      run: { ...demoReport.run, startedAt: '2020-01-01T00:00:00.000Z' },
      findings: demoReport.findings.map((f) => ({ ...f, title: 'stale' })),
    });
    const result = await exportReport(emu, older);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Security Hub account ${DEMO_ACCOUNT} ${REGION}: 0 imported, 0 archived, 0 refused\nwarning: Security Hub account ${DEMO_ACCOUNT} ${REGION}: 114 findings were left as a newer run imported them`);
    expect(stored(emu, REGION).every((f) => f.UpdatedAt === demoReport.run.startedAt && f.Title !== 'stale')).toBe(true);
  });

  it('refuses nothing silently: findings of an account the run has no credentials for are one line and exit 3', async () => {
    const emu = await emulate();
    const other = '444455556666';
    const [first, ...rest] = demoReport.findings;
    if (!first) throw new Error('no finding');
    const foreign: Finding = { ...first, resource: { ...first.resource, accountId: other } };
    const result = await exportReport(emu, writeReport('foreign.json', { ...demoReport, findings: [foreign, ...rest] }));
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      `connect-netpath-audit: Security Hub account ${other} ${first.resource.region}: securityhub:BatchImportFindings failed: NotTheCaller: BatchImportFindings for the default product ARN must be called by account ${other} itself; the caller is ${DEMO_ACCOUNT} (run with that account's credentials, or pass --role-arn); 1 findings were not imported`,
    );
    expect(emu.securityHub.findings(other, first.resource.region)).toEqual([]);
  });

  it('AccessDenied: one clear line naming the IAM action, exit 3 (the import is incomplete), no stack trace', async () => {
    const emu = await emulate({ faults: [{ service: 'securityhub', operation: 'BatchImportFindings', kind: 'AccessDenied' }] });
    const result = await exportReport(emu, demoFile, ['--quiet']);
    expect(result.code).toBe(3);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      `connect-netpath-audit: Security Hub account ${DEMO_ACCOUNT} ${REGION}: securityhub:BatchImportFindings failed: AccessDeniedException: User: arn:aws:iam::000000000000:user/auditor is not authorized to perform this operation (needs IAM action securityhub:BatchImportFindings); 114 findings were not imported`,
    );
    expect(lines[1]).toContain(`${OTHER_REGION}: securityhub:BatchImportFindings failed: AccessDeniedException`);
    // Not retried: a refusal is not a transient error.
    expect(calls(emu, 'BatchImportFindings')).toHaveLength(2);
  });

  it('AccessDenied on GetFindings still imports, says archiving was not done, and exits 3', async () => {
    const emu = await emulate({ faults: [{ service: 'securityhub', operation: 'GetFindings', kind: 'AccessDenied' }] });
    const result = await exportReport(emu, demoFile, ['--quiet']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('securityhub:GetFindings failed: AccessDeniedException');
    expect(result.stderr).toContain('(needs IAM action securityhub:GetFindings); findings resolved since an earlier import were not archived');
    expect(stored(emu, REGION)).toHaveLength(114);
  });

  it('is paced and retried: throttled and failing requests are sent again, every finding arrives once', async () => {
    const emu = await emulate({
      faults: [
        { service: 'securityhub', operation: 'BatchImportFindings', kind: 'Throttle', times: 2 },
        { service: 'securityhub', operation: 'GetFindings', kind: 'InternalError', times: 1 },
      ],
    });
    const result = await exportReport(emu, demoFile);
    expect(result.code).toBe(0);
    expect(stored(emu, REGION)).toHaveLength(114);
    expect(calls(emu, 'BatchImportFindings').filter((r) => r.status === 429)).toHaveLength(2);
    expect(calls(emu, 'BatchImportFindings').filter((r) => r.status === 200)).toHaveLength(3);
  });

  it('an unreadable report is exit 2 and sends nothing', async () => {
    const emu = await emulate();
    const result = await exportReport(emu, join(dir, 'missing.json'));
    expect(result.code).toBe(2);
    expect(emu.requests).toEqual([]);
  });
});

describe('a multi-account report', () => {
  it('imports each account with its own session through --role-arn (the caller\'s own account directly); an account that could not be audited has no region to import into', async () => {
    emulator = await startEmulator({ state: organizationState(), pageSize: 100, denyAssumeRole: [C] });
    const emu = emulator;
    const audited = await runCli(['audit', '--region', REGION, '--accounts', `${DEMO_ACCOUNT},${B},${C}`, '--role-arn', ROLE_TEMPLATE, '--format', 'json'], {
      env: emulatorEnv(emu.url, MANAGEMENT),
    });
    const report = JSON.parse(audited.stdout) as Report;
    const file = writeReport('org.json', report);
    const expected = (account: string) => report.findings.filter((f) => f.resource.accountId === account && f.resource.region === REGION).length;
    expect(expected(DEMO_ACCOUNT)).toBeGreaterThan(0);
    expect(expected(B)).toBeGreaterThan(0);
    emu.reset();
    const result = await runCli(['export', 'security-hub', file, '--role-arn', ROLE_TEMPLATE, '--quiet'], { env: emulatorEnv(emu.url, DEMO_ACCOUNT) });
    expect(result.code).toBe(3);
    expect(emu.securityHub.findings(DEMO_ACCOUNT, REGION)).toHaveLength(expected(DEMO_ACCOUNT));
    expect(emu.securityHub.findings(B, REGION)).toHaveLength(expected(B));
    expect(emu.securityHub.findings(B, REGION).every((f) => f.AwsAccountId === B && f.ProductArn === productArn(REGION, B))).toBe(true);
    // The caller's own account is read directly, B through its role.
    expect(emu.requests.filter((r) => r.operation === 'AssumeRole').map((r) => r.resource)).toEqual([ROLE_TEMPLATE.replace('{accountId}', B)]);
    // C could not be audited (its role was refused): its one ERROR names no region, so it cannot be imported anywhere.
    const unreachable = report.findings.filter((f) => f.resource.accountId === C);
    expect(unreachable.map((f) => [f.status, f.resource.region])).toEqual([['ERROR', 'global']]);
    expect(result.stderr).toBe(
      `connect-netpath-audit: Security Hub account ${C} global: securityhub:BatchImportFindings failed: InvalidGroup: no AWS region ("global") to import into; 1 findings were not imported\n`,
    );
    // At export time B's role is refused too: one line naming AssumeRole, nothing sent for B.
    await emu.close();
    emulator = await startEmulator({ state: organizationState(), pageSize: 100, denyAssumeRole: [B, C] });
    const refused = await runCli(['export', 'security-hub', file, '--role-arn', ROLE_TEMPLATE, '--quiet'], { env: emulatorEnv(emulator.url, DEMO_ACCOUNT) });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(
      `connect-netpath-audit: Security Hub account ${B} ${REGION}: sts:AssumeRole failed: AccessDenied: ${ROLE_TEMPLATE.replace('{accountId}', B)}: User: `,
    );
    expect(emulator.securityHub.findings(B, REGION)).toEqual([]);
    expect(emulator.securityHub.findings(DEMO_ACCOUNT, REGION)).toHaveLength(expected(DEMO_ACCOUNT));
  });
});

describe('audit --to-security-hub', () => {
  it('a live audit imports what it judged, with the audit\'s credentials and endpoint', async () => {
    const emu = await emulate();
    const result = await runCli(['audit', '--region', REGION, '--format', 'json', '--to-security-hub', '--quiet'], { env: emulatorEnv(emu.url, DEMO_ACCOUNT) });
    const report = JSON.parse(result.stdout) as Report;
    expect(result.code).toBe(report.summary.exitCode);
    expect(stored(emu, REGION)).toHaveLength(report.findings.filter((f) => f.resource.region === REGION).length);
  });

  it('writes the report, then imports it; the audit keeps its FAIL exit code', async () => {
    const emu = await emulate();
    const result = await runCli(['audit', '--snapshot', DEMO, '--format', 'json', '--to-security-hub'], { env: emulatorEnv(emu.url, DEMO_ACCOUNT) });
    expect(result.code).toBe(1);
    expect((JSON.parse(result.stdout) as Report).findings).toHaveLength(135);
    expect(stored(emu, REGION)).toHaveLength(114);
    expect(stored(emu, OTHER_REGION)).toHaveLength(21);
  });

  it('takes AWS_ENDPOINT_URL_SECURITYHUB, and an audit that passed is incomplete (3) when the import is', async () => {
    const emu = await emulate({ faults: [{ service: 'securityhub', operation: 'BatchImportFindings', kind: 'AccessDenied' }] });
    const env = { ...emulatorEnv(emu.url, DEMO_ACCOUNT), AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_SECURITYHUB: emu.url, AWS_ENDPOINT_URL_STS: emu.url };
    const result = await runCli(['audit', '--snapshot', DEMO, '--format', 'json', '--fail-on', 'critical', '--to-security-hub', '--quiet'], { env });
    expect((JSON.parse(result.stdout) as Report).summary.exitCode).toBe(0);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('(needs IAM action securityhub:BatchImportFindings)');
  });
});

describe('what a run loads', () => {
  const trace = async (args: string[], env: Record<string, string> = {}) => {
    const file = join(mkdtempSync(join(dir, 'trace-')), 'imports.txt');
    const result = await runCli(args, { nodeArgs: ['--import', resolve(ROOT, 'test/helpers/trace-imports.mjs')], env: { ...env, TRACE_IMPORTS_FILE: file } });
    return { result, sdk: readFileSync(file, 'utf8').split('\n').filter((url) => /@aws-sdk\/client-/.test(url)) };
  };

  it('--format asff loads no SDK module (the formatter imports only the SDK types)', async () => {
    const { result, sdk } = await trace(['audit', '--snapshot', DEMO, '--format', 'asff']);
    expect(result.code).toBe(1);
    expect(sdk).toEqual([]);
  });

  it('export security-hub loads the Security Hub and STS clients, and no collection client', async () => {
    const emu = await emulate();
    const { result, sdk } = await trace(['export', 'security-hub', demoFile, '--quiet'], emulatorEnv(emu.url, DEMO_ACCOUNT));
    expect(result.code).toBe(0);
    expect([...new Set(sdk.map((url) => /@aws-sdk\/(client-[a-z0-9-]+)/.exec(url)?.[1]))].sort()).toEqual(['client-securityhub', 'client-sts']);
  });
});

describe('Security Hub IAM policy', () => {
  it('docs/iam-policy-security-hub.json grants exactly the import actions, outside the read-only audit policy', () => {
    const policy = JSON.parse(readFileSync(resolve(ROOT, 'docs/iam-policy-security-hub.json'), 'utf8')) as { Statement: { Effect: string; Action: string[] }[] };
    const needed = Object.values(OPERATIONS).flatMap((op) => ('importAction' in op ? [op.importAction] : [])).sort();
    expect(policy.Statement.flatMap((s) => s.Action).sort()).toEqual(needed);
    expect(needed).toEqual(['securityhub:BatchImportFindings', 'securityhub:GetFindings']);
    const readOnly = readFileSync(resolve(ROOT, 'docs/iam-policy.json'), 'utf8');
    expect(readOnly).not.toContain('securityhub:');
  });
});
