/**
 * `--shard K/N` through the built CLI: every shard of a multi-account evidence file audited on its own
 * and merged gives the unsharded report (apart from `run`) for N = 1..8; merge's missing, duplicated
 * and mixed shards; bad values.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evidenceDocument, type AccountEvidence, type EvidenceDocument } from '../../src/evidence/model.js';
import type { Report } from '../../src/report/schema.js';
import { A, cloneAccount, demoEvidence } from '../helpers/accounts.js';
import { DEMO, runCli, type CliResult } from '../helpers/cli.js';
import { apartFromRun } from '../helpers/report.js';

const dir = mkdtempSync(join(tmpdir(), 'netpath-shard-'));
const ORG_FILE = join(dir, 'org.json');
const COMPLIANT_FILE = join(dir, 'compliant.json');

const UNREACHABLE: AccountEvidence = {
  accountId: '123412341234',
  error: { operation: 'sts:AssumeRole', code: 'AccessDenied', message: 'not authorized to perform sts:AssumeRole' },
  regions: [],
  buckets: {},
  keys: {},
};

/** The demo account and five clones, plus one account whose role could not be assumed. */
function organization(): EvidenceDocument {
  const demo = demoEvidence();
  const a = demo.accounts[0];
  if (!a) throw new Error('the demo evidence has no account');
  const clones = ['444455556666', '777788889999', '222233334444', '555566667777', '888899990000'].map((id, i) => cloneAccount(a, id, `org${i}`));
  return evidenceDocument.parse({ ...demo, accounts: [a, ...clones, UNREACHABLE] });
}

/** The demo account with only its compliant instances: every verdict PASS or better. */
function compliant(): EvidenceDocument {
  const demo = demoEvidence();
  const keep = (id: string) => id.endsWith('0001');
  for (const region of demo.accounts[0]?.regions ?? []) {
    for (const id of Object.keys(region.instances)) if (!keep(id)) delete region.instances[id];
    if (region.listInstances?.status === 'ok') region.listInstances.response = region.listInstances.response.filter((s) => keep(s.Id));
  }
  const b = cloneAccount(demo.accounts[0] as AccountEvidence, '444455556666', 'bravo');
  return { ...demo, accounts: [...demo.accounts, b] };
}

beforeAll(() => {
  writeFileSync(ORG_FILE, JSON.stringify(organization()));
  writeFileSync(COMPLIANT_FILE, JSON.stringify(compliant()));
});

function parseReport(result: CliResult): Report {
  if (!result.stdout.startsWith('{')) throw new Error(`no report (exit ${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as Report;
}


async function auditShards(file: string, count: number): Promise<{ files: string[]; reports: Report[]; codes: (number | null)[] }> {
  const results = await Promise.all(
    Array.from({ length: count }, (_, i) => runCli(['audit', '--snapshot', file, '--shard', `${i + 1}/${count}`, '--format', 'json'])),
  );
  const reports = results.map(parseReport);
  const files = reports.map((report, i) => {
    const out = join(dir, `${file === ORG_FILE ? 'org' : 'compliant'}-${i + 1}-of-${count}.json`);
    writeFileSync(out, JSON.stringify(report));
    return out;
  });
  return { files, reports, codes: results.map((r) => r.code) };
}

describe('--shard through the CLI', () => {
  it('for N = 1..8, the shards of a multi-account evidence file cover every account once and merge into the unsharded report', async () => {
    const whole = await runCli(['audit', '--snapshot', ORG_FILE, '--format', 'json']);
    const unsharded = parseReport(whole);
    expect(whole.code).toBe(1);
    const accounts = organization().accounts.map((a) => a.accountId).sort();
    for (let count = 1; count <= 8; count += 1) {
      const { files, reports } = await auditShards(ORG_FILE, count);
      const audited = reports.flatMap((r) => r.run.shard?.audited ?? []);
      expect(audited.sort()).toEqual(accounts);
      for (const [i, report] of reports.entries()) expect(report.run.shard).toMatchObject({ index: i + 1, count, by: 'account', chosenFrom: { size: accounts.length } });
      const merged = await runCli(['merge', ...files, '--format', 'json']);
      expect(merged.code, merged.stderr).toBe(1);
      expect(merged.stderr).toBe('');
      const report = parseReport(merged);
      expect(apartFromRun(report)).toBe(apartFromRun(unsharded));
      expect(report.run.shards).toEqual({ count, by: 'account', merged: Array.from({ length: count }, (_, i) => i + 1), missing: [], duplicated: [] });
    }
  }, 180_000);

  it('an empty shard is an empty run (exit 3, a notice); a single-account file is sharded by region', async () => {
    // Of the demo's two regions, shard 1/3 holds neither (eu-central-1 → 2, us-east-1 → 3).
    const empty = await runCli(['audit', '--snapshot', DEMO, '--shard', '1/3', '--format', 'json']);
    expect(empty.code).toBe(3);
    expect(empty.stderr).toContain('warning: shard 1/3 selected none of the 2 regions listed: nothing to audit in this shard');
    expect(parseReport(empty).run.shard).toMatchObject({ index: 1, count: 3, by: 'region', selected: [], audited: [] });
    const allowed = await runCli(['audit', '--snapshot', DEMO, '--shard', '1/3', '--allow-empty', '--format', 'json']);
    expect(allowed.code).toBe(0);
  }, 60_000);

  it('merge: a missing shard is INCOMPLETE (exit 3), or FAIL (1) when a FAIL decides; a duplicate is warned about; different N is exit 2', async () => {
    const passing = await auditShards(COMPLIANT_FILE, 2);
    const [first, second] = passing.files as [string, string];
    const all = await runCli(['merge', first, second, '--format', 'json']);
    expect(all.code, all.stderr).toBe(0);
    const missing = await runCli(['merge', second, '--format', 'json']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('warning: shard 1/2 is missing: no report of it was merged, so the accounts it selects are in no report');
    expect(parseReport(missing).summary.result).toBe('INCOMPLETE');
    expect(parseReport(missing).run.shards).toMatchObject({ merged: [2], missing: [1] });

    const org = await auditShards(ORG_FILE, 3);
    const failing = await runCli(['merge', ...org.files.slice(1), '--format', 'json']);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain('warning: shard 1/3 is missing');

    const twice = await runCli(['merge', first, second, second, '--format', 'json']);
    expect(twice.code).toBe(0);
    expect(twice.stderr).toContain(`warning: shard 2/2 was given more than once (${second}, ${second})`);
    expect(parseReport(twice).run.shards?.duplicated).toEqual([2]);

    const mixed = await runCli(['merge', first, ...org.files, '--format', 'json']);
    expect(mixed.code).toBe(2);
    expect(mixed.stdout).toBe('');
    expect(mixed.stderr.trim().split('\n')).toEqual([
      `connect-netpath-audit: ${first} is shard 1/2 by account but ${org.files[0] ?? ''} is shard 1/3 by account: merge the reports of one sharded run (the same N, all multi-account or all single-account)`,
    ]);

    const unsharded = join(dir, 'unsharded.json');
    writeFileSync(unsharded, (await runCli(['audit', '--snapshot', COMPLIANT_FILE, '--format', 'json'])).stdout);
    const withPlain = await runCli(['merge', first, second, unsharded, '--format', 'json']);
    expect(withPlain.code).toBe(0);
    expect(withPlain.stderr).toContain(`warning: ${unsharded} is not a shard (no run.shard) but was merged with shards of 2`);
  }, 120_000);

  it('bad --shard values are one line and exit 2, before anything is read', async () => {
    for (const bad of ['0/3', '4/3', '3', '1/1001', 'a/b', '1/3/5']) {
      const result = await runCli(['audit', '--snapshot', DEMO, '--shard', bad]);
      expect(result.code, bad).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`connect-netpath-audit: --shard ${JSON.stringify(bad)}: expected K/N, whole numbers with 1 <= K <= N <= 1000, e.g. 3/8\n`);
    }
    const bare = await runCli(['audit', '--snapshot', DEMO, '--shard', '1/2', '--instance-id', 'a1b2c3d4-0000-4000-8000-000000000001']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('with --shard, name instances by ARN');
    const collected = join(dir, 'collected-shard.json');
    writeFileSync(collected, JSON.stringify({ ...demoEvidence(), collection: { shard: { index: 1, count: 2, by: 'region', selected: ['us-east-1'], chosenFrom: { size: 2, sha256: '0'.repeat(64) } } } }));
    const again = await runCli(['audit', '--snapshot', collected, '--shard', '1/2']);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`connect-netpath-audit: --shard 1/2: ${collected} was collected as shard 1/2; audit it without --shard\n`);
  }, 60_000);

  // A pinned run shares out only the pinned accounts (a live one reads no other), so the file here
  // holds no unreadable account, which an unsharded audit of the file would report whatever the pins.
  it('pinned instances go to the shard of their account: merged, the same as the pinned unsharded run', async () => {
    const file = join(dir, 'readable.json');
    const org = organization();
    writeFileSync(file, JSON.stringify({ ...org, accounts: org.accounts.filter((a) => !a.error) }));
    const pins = [`arn:aws:connect:eu-central-1:${A}:instance/a1b2c3d4-0000-4000-8000-000000000001`, 'arn:aws:connect:us-east-1:444455556666:instance/a1b2c3d4-0000-4000-8000-000000000002'];
    const flags = pins.flatMap((pin) => ['--instance-id', pin]);
    const unsharded = parseReport(await runCli(['audit', '--snapshot', file, ...flags, '--format', 'json']));
    const shards = await Promise.all([1, 2, 3].map((k) => runCli(['audit', '--snapshot', file, ...flags, '--shard', `${k}/3`, '--format', 'json'])));
    const files = shards.map((result, i) => {
      const out = join(dir, `pinned-${i + 1}.json`);
      writeFileSync(out, result.stdout);
      return out;
    });
    const merged = parseReport(await runCli(['merge', ...files, '--format', 'json']));
    expect(apartFromRun(merged)).toBe(apartFromRun(unsharded));
    expect(merged.instances.map((i) => i.instanceArn).sort()).toEqual([...pins].sort());
  }, 60_000);
});
