/**
 * `--shard K/N` on live runs against the emulator: each account (single account: each region) is read
 * by exactly one shard, as the emulator's request log shows; the shards' reports merged equal the
 * unsharded live report apart from `run`; `collect --shard` records the shard for `audit --snapshot`.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceDocument } from '../../src/evidence/model.js';
import type { Report } from '../../src/report/schema.js';
import { shardOf } from '../../src/scope/shard.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { A, B, C, emulatorEnv, EXTERNAL_ID, MANAGEMENT, organizationState, ROLE_TEMPLATE } from '../helpers/accounts.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { apartFromRun } from '../helpers/report.js';

const TYPES = 'CALL_RECORDINGS,CHAT_TRANSCRIPTS,MEDIA_STREAMS,CONTACT_TRACE_RECORDS';
const REGIONS = ['--region', 'eu-central-1', '--region', 'us-east-1'];
const ORG = ['--accounts', `${A},${B},${C}`, '--role-arn', ROLE_TEMPLATE, '--external-id', EXTERNAL_ID];
const dir = mkdtempSync(join(tmpdir(), 'netpath-shard-live-'));

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ state: organizationState(), requireExternalId: EXTERNAL_ID });
});
afterAll(async () => {
  await emulator.close();
});

function live(args: string[], caller = MANAGEMENT): Promise<CliResult> {
  return runCli([...args, ...REGIONS, '--resource-types', TYPES], { env: emulatorEnv(emulator.url, caller), timeoutMs: 120_000 });
}

function parseReport(result: CliResult): Report {
  if (!result.stdout.startsWith('{')) throw new Error(`no report (exit ${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as Report;
}

function save(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Runs `args` alone against the emulator and returns what it sent. */
async function withRequests(args: string[], caller?: string): Promise<{ result: CliResult; requests: Emulator['requests'] }> {
  emulator.reset();
  const result = await live(args, caller);
  return { result, requests: [...emulator.requests] };
}

describe('--shard on live runs', () => {
  it('--accounts with --shard K/3: each account is read by exactly one shard; merged, the unsharded report', async () => {
    const unsharded = parseReport(await live(['audit', ...ORG, '--format', 'json']));
    expect(new Set(unsharded.instances.map((i) => i.accountId))).toEqual(new Set([A, B, C]));
    const readBy = new Map<string, number[]>();
    const files: string[] = [];
    for (const index of [1, 2, 3]) {
      const { result, requests } = await withRequests(['audit', ...ORG, '--shard', `${index}/3`, '--format', 'json']);
      const report = parseReport(result);
      expect(report.run.shard).toMatchObject({ index, count: 3, by: 'account', chosenFrom: { size: 3 } });
      const own = [A, B, C].filter((account) => shardOf(account, 3) === index);
      expect(report.run.shard?.selected).toEqual(own);
      // Connect, S3, KMS... only in this shard's accounts; a role assumed only into them.
      const read = [...new Set(requests.filter((r) => r.service !== 'sts').map((r) => r.account))].sort();
      expect(read).toEqual(own);
      const assumed = requests.filter((r) => r.operation === 'AssumeRole').map((r) => r.resource);
      expect(assumed).toEqual(own.map((account) => ROLE_TEMPLATE.replace('{accountId}', account)));
      for (const account of read) readBy.set(account, [...(readBy.get(account) ?? []), index]);
      files.push(save(`live-${index}-of-3.json`, result.stdout));
    }
    expect([...readBy].sort()).toEqual([A, B, C].map((account) => [account, [shardOf(account, 3)]]).sort());
    const merged = await runCli(['merge', ...files, '--format', 'json']);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(1);
    const report = parseReport(merged);
    expect(apartFromRun(report)).toBe(apartFromRun(unsharded));
    expect(report.run).toMatchObject({ mode: 'live', shards: { count: 3, by: 'account', merged: [1, 2, 3], missing: [], duplicated: [] } });
  }, 240_000);

  it('--org with --shard: every job lists the organization itself, then reads only its own accounts', async () => {
    const org = ['--org', '--role-arn', ROLE_TEMPLATE, '--external-id', EXTERNAL_ID];
    const unsharded = parseReport(await live(['audit', ...org, '--format', 'json']));
    const files: string[] = [];
    const readers = new Map<string, number>();
    for (const index of [1, 2, 3]) {
      const { result, requests } = await withRequests(['audit', ...org, '--shard', `${index}/3`, '--format', 'json']);
      expect(requests.filter((r) => r.operation === 'ListAccounts').length).toBeGreaterThan(0);
      const shard = parseReport(result).run.shard;
      const read = [...new Set(requests.filter((r) => r.service === 'connect').map((r) => r.account))].sort();
      expect(read).toEqual((shard?.selected ?? []).filter((account) => [A, B, C].includes(account)));
      for (const account of read) readers.set(account, (readers.get(account) ?? 0) + 1);
      files.push(save(`org-${index}-of-3.json`, result.stdout));
    }
    expect([...readers.keys()].sort()).toEqual([A, B, C]);
    expect([...readers.values()]).toEqual([1, 1, 1]);
    const merged = parseReport(await runCli(['merge', ...files, '--format', 'json']));
    expect(apartFromRun(merged)).toBe(apartFromRun(unsharded));
    expect(merged.run.shards?.missing).toEqual([]);
  }, 240_000);

  it('a single account is sharded by region: each region read by one shard', async () => {
    // eu-central-1 is in shard 2 of 2, us-east-1 in shard 1.
    const regionsOf = (requests: Emulator['requests']) => [...new Set(requests.filter((r) => r.service === 'connect').map((r) => r.region))];
    const one = await withRequests(['audit', '--shard', '1/2', '--format', 'json'], A);
    const two = await withRequests(['audit', '--shard', '2/2', '--format', 'json'], A);
    expect(regionsOf(one.requests)).toEqual(['us-east-1']);
    expect(regionsOf(two.requests)).toEqual(['eu-central-1']);
    expect(parseReport(one.result).run.shard).toMatchObject({ by: 'region', selected: ['us-east-1'] });
    const unsharded = parseReport(await live(['audit', '--format', 'json'], A));
    const merged = parseReport(await runCli(['merge', save('r1.json', one.result.stdout), save('r2.json', two.result.stdout), '--format', 'json']));
    expect(apartFromRun(merged)).toBe(apartFromRun(unsharded));
    // Shard 1/3 holds neither region: nothing is sent at all.
    const empty = await withRequests(['audit', '--shard', '1/3', '--format', 'json'], A);
    expect(empty.result.code).toBe(3);
    expect(empty.requests).toEqual([]);
    expect(empty.result.stderr).toContain('warning: shard 1/3 selected none of the 2 regions listed');
  }, 240_000);

  it('collect --shard records the shard; audit --snapshot of it reports it; an empty --out-dir shard writes one file saying so', async () => {
    const file = join(dir, 'shard-2-of-3.json');
    const collected = await live(['collect', ...ORG, '--shard', '2/3', '--out', file]);
    expect(collected.code, collected.stderr).toBe(0);
    const evidence = JSON.parse(readFileSync(file, 'utf8')) as EvidenceDocument;
    expect(evidence.accounts.map((a) => a.accountId)).toEqual([A]);
    expect(evidence.collection?.shard).toMatchObject({ index: 2, count: 3, by: 'account', selected: [A], chosenFrom: { size: 3 } });
    const audited = parseReport(await runCli(['audit', '--snapshot', file, '--format', 'json']));
    expect(audited.run.shard).toEqual({ ...evidence.collection?.shard, audited: [A] });

    // N = 4: A and C in shard 3, B in 2, shards 1 and 4 empty.
    expect([A, B, C].map((account) => shardOf(account, 4))).toEqual([3, 2, 3]);
    const reports: string[] = [];
    for (const index of [1, 2, 3, 4]) {
      const out = join(dir, `out-${index}`);
      const result = await live(['collect', ...ORG, '--shard', `${index}/4`, '--out-dir', out]);
      expect(result.code, result.stderr).toBe(0);
      const names = readdirSync(out).sort();
      if (index === 1 || index === 4) {
        expect(names).toEqual([`shard-${index}-of-4.json`]);
        expect(result.stderr).toContain(`warning: shard ${index}/4 selected none of the 3 accounts listed`);
      }
      for (const name of names) {
        const audit = await runCli(['audit', '--snapshot', join(out, name), '--format', 'json']);
        expect(parseReport(audit).run.shard?.index).toBe(index);
        reports.push(save(`dir-${index}-${name}`, audit.stdout));
      }
    }
    expect(reports).toHaveLength(5); // two empty shards, B, and A and C each in a file of their own
    const unsharded = parseReport(await live(['audit', ...ORG, '--format', 'json']));
    const merged = await runCli(['merge', ...reports, '--format', 'json']);
    expect(merged.stderr).toBe('');
    expect(apartFromRun(parseReport(merged))).toBe(apartFromRun(unsharded));
    // One account's file lost: the merge says which, and does not pass for complete.
    const lost = await runCli(['merge', ...reports.filter((r) => !r.endsWith(`${C}.json`)), '--format', 'json']);
    expect(lost.stderr).toContain(`warning: shard 3/4 is incomplete: account ${C}, selected by it, is in none of its reports`);
    expect(parseReport(lost).run.shards?.missing).toEqual([3]);
  }, 240_000);
});
