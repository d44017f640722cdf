import { describe, expect, it } from 'vitest';
import type { EvidenceDocument } from '../../src/evidence/model.js';
import { mergeReports } from '../../src/report/merge.js';
import type { Finding, Report } from '../../src/report/schema.js';
import { B, cloneAccount, demoEvidence } from '../helpers/accounts.js';
import { DEMO_EVIDENCE, reportFor, reportForEvidence } from '../helpers/report.js';

const demo = (): Report => reportFor(DEMO_EVIDENCE);

function reportOf(evidence: EvidenceDocument, startedAt: string, mode: 'live' | 'snapshot' = 'snapshot'): Report {
  const at = new Date(startedAt);
  return reportForEvidence(evidence, { startedAt: at, finishedAt: new Date(at.getTime() + 60_000), mode });
}

function withFinding(report: Report, id: string, change: Partial<Finding>): Report {
  return { ...report, findings: report.findings.map((f) => (f.id === id ? { ...f, ...change } : f)) };
}

describe('mergeReports', () => {
  it('of a report with itself (or alone) is the same report', () => {
    const report = demo();
    expect(mergeReports([report, report], 'low')).toEqual(report);
    expect(mergeReports([report], 'low')).toEqual(report);
  });

  it('of two account shards equals the report of one run over both accounts', () => {
    const evidence = demoEvidence();
    const a = evidence.accounts[0]!;
    const b = cloneAccount(a, B, 'bravo');
    const both = reportOf({ ...evidence, accounts: [a, b] }, '2026-11-28T12:00:00.000Z');
    const shardA = reportOf({ ...evidence, accounts: [a] }, '2026-11-28T12:00:00.000Z', 'live');
    const shardB = reportOf({ ...evidence, accounts: [b] }, '2026-11-28T11:00:00.000Z', 'live');
    const merged = mergeReports([shardA, shardB], 'low');
    expect({ ...merged, run: undefined }).toEqual({ ...both, run: undefined });
    expect(merged.run).toEqual({ startedAt: '2026-11-28T11:00:00.000Z', finishedAt: '2026-11-28T12:01:00.000Z', mode: 'live' });
    expect(mergeReports([shardA, { ...shardB, run: { ...shardB.run, mode: 'snapshot' } }], 'low').run.mode).toBe('snapshot');
  });

  it('keeps the worse status of the same finding from overlapping shards, whichever comes first', () => {
    const report = demo();
    const target = report.findings.find((f) => f.status === 'FAIL')!;
    const waived = withFinding(report, target.id, { status: 'WAIVED', waiver: { reason: 'r', expires: '2099-01-01', originalStatus: 'FAIL' } });
    const passed = withFinding(report, target.id, { status: 'PASS' });
    for (const order of [[waived, report], [report, passed], [passed, waived, report]]) {
      const merged = mergeReports(order, 'low');
      expect(merged.findings.find((f) => f.id === target.id)?.status).toBe('FAIL');
      expect(merged.findings).toHaveLength(report.findings.length);
    }
    const onlyWaived = mergeReports([passed, waived], 'low');
    expect(onlyWaived.findings.find((f) => f.id === target.id)?.status).toBe('WAIVED');
    // The hop's status follows the kept finding.
    const hop = (r: Report) => r.hops.find((h) => h.instanceArn === target.instanceArn && h.hop === target.hop)?.status;
    expect(hop(mergeReports([passed, report], 'low'))).toBe('FAIL');
  });

  it('recomputes the summary for its own --fail-on, not the inputs’', () => {
    const report = demo();
    const strict = { ...report, summary: { ...report.summary, failOn: 'info' as const } };
    const merged = mergeReports([strict], 'critical');
    expect(merged.summary.failOn).toBe('critical');
    const criticalFail = report.findings.some((f) => f.status === 'FAIL' && f.severity === 'critical');
    expect(merged.summary.exitCode).toBe(criticalFail ? 1 : report.findings.some((f) => f.status === 'ERROR' && f.severity === 'critical') ? 3 : 0);
    expect(merged.summary.counts).toEqual(report.summary.counts);
  });

  it('unions errors and warnings without repeating what overlapping shards both saw', () => {
    const report = demo();
    const error = { service: 'sts', operation: 'AssumeRole', resource: 'account 777788889999', code: 'AccessDenied', message: 'no' };
    const withError = { ...report, errors: [...report.errors, error], warnings: ['waiver expired'] };
    const other = { ...report, errors: [...report.errors, error, error], warnings: ['waiver expired', 'another'] };
    const merged = mergeReports([withError, other], 'low');
    expect(merged.errors.filter((e) => e.resource === error.resource)).toHaveLength(2);
    expect(merged.errors).toHaveLength(report.errors.length + 2);
    expect(merged.warnings).toEqual(['waiver expired', 'another']);
  });

  it('needs at least one report', () => {
    expect(() => mergeReports([], 'low')).toThrow(TypeError);
  });
});
