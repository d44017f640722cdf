/**
 * A run that audited nothing never passes (issue 9 item 1): pinned instances that are not found,
 * listed instances without evidence, evidence without accounts and live regions without instances.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EvidenceDocument } from '../../src/evidence/model.js';
import type { Report } from '../../src/report/schema.js';
import { DOCUMENTED_HOPS } from '../../src/paths/hops.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { emulatorEnv } from '../helpers/accounts.js';
import { DEMO, runCli } from '../helpers/cli.js';
import { ACCOUNT, compliantEvidence, INSTANCE_ID, parts, REGION } from '../helpers/evidence.js';

const MISSING = 'a1b2c3d4-0000-4000-8000-00000000dead';

function snapshotFile(doc: EvidenceDocument): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cna-empty-')), 'evidence.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

async function auditJson(args: string[], env?: Record<string, string>): Promise<{ report: Report; code: number | null; stderr: string }> {
  const result = await runCli(['audit', ...args, '--format', 'json'], env ? { env } : {});
  expect(result.stderr).not.toMatch(/^\s+at /m);
  if (!result.stdout.startsWith('{')) throw new Error(`no report (exit ${result.code}): ${result.stderr}`);
  return { report: JSON.parse(result.stdout) as Report, code: result.code, stderr: result.stderr };
}

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('nothing audited is not a pass', () => {
  it('a pinned instance that is not in the evidence is ERROR on every hop, exit 3', async () => {
    const { report, code } = await auditJson(['--snapshot', DEMO, '--instance-id', MISSING]);
    expect(code).toBe(3);
    expect(report.summary.result).toBe('INCOMPLETE');
    const mine = report.findings.filter((f) => f.instanceArn.endsWith(MISSING));
    expect(mine.map((f) => f.hop).sort()).toEqual(DOCUMENTED_HOPS.map((h) => h.id).sort());
    expect(mine.every((f) => f.status === 'ERROR' && f.message.includes('was not found'))).toBe(true);
    expect(report.findings.some((f) => f.status === 'PASS')).toBe(false);
  });

  it('a pinned instance that is found is audited while a second, missing one is ERROR', async () => {
    const { report, code } = await auditJson(['--snapshot', DEMO, '--instance-id', 'a1b2c3d4-0000-4000-8000-000000000001', '--instance-id', MISSING]);
    expect(code).toBe(3);
    expect(report.instances.map((i) => i.instanceId)).toEqual(['a1b2c3d4-0000-4000-8000-000000000001']);
    expect(report.findings.filter((f) => f.instanceArn.endsWith(MISSING)).length).toBe(DOCUMENTED_HOPS.length);
  });

  it('an instance ListInstances names but the evidence holds nothing about is ERROR on every hop', async () => {
    const doc = compliantEvidence();
    const listed = parts(doc).region.listInstances as { status: 'ok'; response: Array<Record<string, unknown>> };
    const ghost = '99999999-2222-4333-8444-555555555555';
    listed.response.push({ ...listed.response[0], Id: ghost, Arn: `arn:aws:connect:${REGION}:${ACCOUNT}:instance/${ghost}`, InstanceAlias: 'ghost' });
    const { report, code } = await auditJson(['--snapshot', snapshotFile(doc)]);
    expect(code).toBe(3);
    const ghostFindings = report.findings.filter((f) => f.instanceArn.endsWith(ghost));
    expect(ghostFindings.length).toBe(DOCUMENTED_HOPS.length);
    expect(ghostFindings.every((f) => f.status === 'ERROR')).toBe(true);
    expect(report.instances.map((i) => i.instanceId)).toEqual([INSTANCE_ID]);
  });

  it('evidence without accounts exits 3 with one line saying what was searched', async () => {
    const doc = { ...compliantEvidence(), accounts: [] };
    const { report, code, stderr } = await auditJson(['--snapshot', snapshotFile(doc)]);
    expect(code).toBe(3);
    expect(report.summary.result).toBe('INCOMPLETE');
    expect(stderr).toContain('no Connect instance was audited: searched no account in no region');
  });

  it('--allow-empty lets an empty run pass, with the same line as a warning', async () => {
    const doc = { ...compliantEvidence(), accounts: [] };
    const { report, code, stderr } = await auditJson(['--snapshot', snapshotFile(doc), '--allow-empty']);
    expect(code).toBe(0);
    expect(report.summary.result).toBe('PASS');
    expect(stderr).toContain('warning: no Connect instance was audited');
  });

  it('a live run over regions without instances exits 3 naming the account and regions', async () => {
    const state = compliantEvidence();
    const account = parts(state).account;
    account.regions = [{ region: 'ap-southeast-2', listInstances: { status: 'ok', response: [] }, instances: {}, directories: {} }];
    emulator = await startEmulator({ state });
    const { report, code, stderr } = await auditJson(['--region', 'ap-southeast-2', '--region', 'sa-east-1'], emulatorEnv(emulator.url, ACCOUNT));
    expect(code).toBe(3);
    expect(report.instances).toEqual([]);
    expect(stderr).toContain(`no Connect instance was audited: searched account ${ACCOUNT} in regions ap-southeast-2, sa-east-1`);
  });

  it('a live pinned instance that does not exist is ERROR on every hop, not a partial audit', async () => {
    emulator = await startEmulator({ state: compliantEvidence() });
    const { report, code } = await auditJson(['--region', REGION, '--instance-id', MISSING], emulatorEnv(emulator.url, ACCOUNT));
    expect(code).toBe(3);
    const mine = report.findings.filter((f) => f.instanceArn.endsWith(MISSING));
    expect(mine.length).toBe(DOCUMENTED_HOPS.length);
    expect(mine.every((f) => f.status === 'ERROR')).toBe(true);
    expect(report.findings.some((f) => f.status === 'PASS' || f.status === 'MANAGED')).toBe(false);
  });
});
