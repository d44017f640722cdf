import { describe, expect, it } from 'vitest';
import type { EvidenceDocument } from '../../src/evidence/model.js';
import { InputError } from '../../src/errors.js';
import { mergeReports } from '../../src/report/merge.js';
import type { Report } from '../../src/report/schema.js';
import { shardDocument } from '../../src/scope/shard.js';
import { A, C, organizationState } from '../helpers/accounts.js';
import { reportForEvidence } from '../helpers/report.js';

const ORG = organizationState();
const shardReport = (index: number, count: number, doc: EvidenceDocument = ORG): Report => reportForEvidence(shardDocument(doc, { index, count }, [], 'org.json'));
const withoutRun = (report: Report) => ({ ...report, run: undefined });
const FILES = ['r1.json', 'r2.json', 'r3.json', 'r4.json'];

describe('merge of --shard reports', () => {
  it('of every shard equals the unsharded report apart from run, and records the shards merged', () => {
    const whole = reportForEvidence(ORG);
    for (let count = 1; count <= 4; count += 1) {
      const merged = mergeReports(Array.from({ length: count }, (_, i) => shardReport(i + 1, count)), 'low', FILES);
      expect(withoutRun(merged)).toEqual(withoutRun(whole));
      expect(merged.run.shards).toEqual({ count, by: 'account', merged: Array.from({ length: count }, (_, i) => i + 1), missing: [], duplicated: [] });
    }
  });

  it('a missing shard: warned about, INCOMPLETE (exit 3) when nothing failed', () => {
    // Shard 2/3 is A (the demo, with FAILs); 1/3 is B, 3/3 is C.
    const merged = mergeReports([shardReport(2, 3), shardReport(3, 3)], 'low', ['two.json', 'three.json']);
    expect(merged.warnings?.[0]).toBe('shard 1/3 is missing: no report of it was merged, so the accounts it selects are in no report');
    expect(merged.run.shards).toMatchObject({ merged: [2, 3], missing: [1] });
    expect(merged.summary.exitCode).toBe(1); // a FAIL still decides
    const passing = mergeReports([shardReport(2, 3)].map((r) => ({ ...r, findings: r.findings.filter((f) => f.status !== 'FAIL' && f.status !== 'ERROR') })), 'low');
    expect(passing.summary).toMatchObject({ result: 'INCOMPLETE', exitCode: 3 });
  });

  it('an account file of a shard lost (collect --out-dir): the shard is incomplete', () => {
    const doc = shardDocument(ORG, { index: 1, count: 2 }, [], 'org.json');
    const selected = doc.collection?.shard?.selected ?? [];
    expect(selected).toEqual([A, C]);
    const partA = reportForEvidence({ ...doc, accounts: doc.accounts.filter((a) => a.accountId === A) });
    expect(partA.run.shard?.audited).toEqual([A]);
    const merged = mergeReports([partA, shardReport(2, 2)], 'low', ['a.json', 'rest.json']);
    expect(merged.warnings?.[0]).toBe(`shard 1/2 is incomplete: account ${C}, selected by it, is in none of its reports`);
    expect(merged.run.shards?.missing).toEqual([1]);
    const partC = reportForEvidence({ ...doc, accounts: doc.accounts.filter((a) => a.accountId === C) });
    const whole = mergeReports([partA, partC, shardReport(2, 2)], 'low');
    expect(whole.run.shards).toMatchObject({ merged: [1, 2], missing: [], duplicated: [] });
    expect(withoutRun(whole)).toEqual(withoutRun(reportForEvidence(ORG)));
  });

  it('a shard given twice is warned about, the worse verdict kept, coverage unaffected', () => {
    const merged = mergeReports([shardReport(1, 2), shardReport(2, 2), shardReport(2, 2)], 'low', FILES);
    expect(merged.warnings?.[0]).toBe('shard 2/2 was given more than once (r2.json, r3.json): each finding keeps its worse verdict');
    expect(merged.run.shards).toMatchObject({ merged: [1, 2], missing: [], duplicated: [2] });
    expect(withoutRun({ ...merged, warnings: undefined })).toEqual(withoutRun(reportForEvidence(ORG)));
  });

  it('an empty shard twice is a duplicate too; one empty shard is no news in the merge', () => {
    const single = { ...ORG, accounts: ORG.accounts.slice(0, 1) }; // regions: 1/3 none, 2/3 eu-central-1, 3/3 us-east-1
    const empty = shardReport(1, 3, single);
    expect(empty.warnings?.[0]).toBe('shard 1/3 selected none of the 2 regions listed: nothing to audit in this shard (merge its report with the other shards\')');
    expect(empty.summary.exitCode).toBe(3);
    const merged = mergeReports([empty, shardReport(2, 3, single), shardReport(3, 3, single)], 'low');
    expect(merged.warnings ?? []).toEqual([]);
    expect(mergeReports([empty, empty, shardReport(2, 3, single), shardReport(3, 3, single)], 'low').run.shards?.duplicated).toEqual([1]);
  });

  it('shards of different N or kinds are refused (exit 2); unsharded inputs are warned about', () => {
    expect(() => mergeReports([shardReport(1, 2), shardReport(1, 3)], 'low', ['a.json', 'b.json'])).toThrow(InputError);
    expect(() => mergeReports([shardReport(1, 2), shardReport(1, 3)], 'low', ['a.json', 'b.json'])).toThrow(
      'a.json is shard 1/2 by account but b.json is shard 1/3 by account: merge the reports of one sharded run',
    );
    const single = { ...ORG, accounts: ORG.accounts.slice(0, 1) };
    expect(() => mergeReports([shardReport(1, 2), shardReport(2, 2, single)], 'low')).toThrow('is shard 2/2 by region');
    const mixed = mergeReports([shardReport(1, 1), reportForEvidence(ORG)], 'low', ['s.json', 'all.json']);
    expect(mixed.warnings?.[0]).toContain('all.json is not a shard (no run.shard) but was merged with shards of 1');
    expect(mixed.summary.exitCode).toBe(1);
  });

  it('shards chosen from different lists (the organisation changed between jobs): INCOMPLETE', () => {
    const fewer = { ...ORG, accounts: ORG.accounts.filter((a) => a.accountId !== C) };
    const merged = mergeReports([shardReport(1, 2), shardReport(2, 2, fewer)], 'low');
    expect(merged.warnings?.[0]).toContain('the shards were chosen from different lists of accounts (2 or 3 accounts');
    expect(merged.run.shards?.missing).toEqual([]);
    const passing = (r: Report) => ({ ...r, findings: r.findings.filter((f) => f.status === 'PASS') });
    expect(mergeReports([passing(shardReport(1, 2)), passing(shardReport(2, 2, fewer))], 'low').summary.result).toBe('INCOMPLETE');
  });
});
