/** The Security Hub import plan (src/export/security-hub.ts): groups, batches, what is archived and how. */
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { archivedCopy, findingsToArchive, importBatches, importGroups, unimportable } from '../../src/export/security-hub.js';
import { ASFF_LIMITS, asffBytes, asffFinding } from '../../src/formats/asff.js';
import type { Finding, Report } from '../../src/report/schema.js';
import { DEMO_EVIDENCE, reportFor } from '../helpers/report.js';
import { asffValidators } from './validators.js';

const report = reportFor(DEMO_EVIDENCE);
const validate = asffValidators();

function firstFinding(predicate: (f: Finding) => boolean = () => true): Finding {
  const finding = report.findings.find(predicate);
  if (!finding) throw new Error('no such finding');
  return finding;
}

describe('import groups', () => {
  it('one per (account, region) of the ProductArn, holding every finding once, with its rule ids', () => {
    const groups = importGroups(report);
    expect(groups.map((g) => `${g.accountId} ${g.region}`)).toEqual(['111122223333 eu-central-1', '111122223333 us-east-1']);
    expect(groups.reduce((n, g) => n + g.findings.length, 0)).toBe(report.findings.length);
    for (const group of groups) {
      expect(unimportable(group)).toBeUndefined();
      expect(group.productArn).toBe(`arn:aws:securityhub:${group.region}:${group.accountId}:product/${group.accountId}/default`);
      for (const finding of group.findings) expect(finding.ProductArn).toBe(group.productArn);
      expect(new Set(group.generatorIds)).toEqual(new Set(group.findings.map((f) => f.GeneratorId)));
    }
  });

  it('a group without an account id or region cannot be imported, and says why', () => {
    expect(unimportable({ accountId: '000', region: 'eu-central-1' })).toMatch(/no AWS account id/);
    expect(unimportable({ accountId: '111122223333', region: '' })).toMatch(/no AWS region/);
  });
});

describe('import batches', () => {
  it('at most 100 findings a request', () => {
    const one = asffFinding(report, firstFinding());
    const many = Array.from({ length: 250 }, (_, i) => ({ ...one, Id: `${one.Id ?? ''}-${i}` }));
    const batches = importBatches(many);
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    for (const batch of batches) expect(validate.batch({ Findings: batch })).toEqual([]);
    expect(batches.flat().map((f) => f.Id)).toEqual(many.map((f) => f.Id));
  });

  it('at most 6 MB a request, however few findings that is', () => {
    const one = asffFinding(report, firstFinding());
    const padding = 'p'.repeat(2000);
    const big: AwsSecurityFinding = { ...one, ProductFields: Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, padding])) };
    const size = asffBytes(big);
    expect(size).toBeGreaterThan(90_000);
    expect(size).toBeLessThanOrEqual(ASFF_LIMITS.findingBytes);
    const batches = importBatches(Array.from({ length: 100 }, (_, i) => ({ ...big, Id: `${i}` })));
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) expect(Buffer.byteLength(JSON.stringify({ Findings: batch }))).toBeLessThanOrEqual(ASFF_LIMITS.batchBytes);
    expect(batches.flat()).toHaveLength(100);
  });
});

describe('what is archived', () => {
  const fail = firstFinding((f) => f.status === 'FAIL');
  const group = importGroups(report).find((g) => g.region === fail.resource.region);
  if (!group) throw new Error('no group');
  const earlier = (overrides: Partial<AwsSecurityFinding> = {}, fields: Record<string, string> = {}): AwsSecurityFinding => ({
    ...asffFinding(report, fail),
    Id: `connect-netpath-audit/${fail.ruleId}/earlier`,
    UpdatedAt: '2020-01-01T00:00:00.000Z',
    CreatedAt: '2020-01-01T00:00:00.000Z',
    ProductFields: { 'connect-netpath-audit/InstanceArn': fail.instanceArn, 'connect-netpath-audit/Hop': fail.hop, 'aws/securityhub/FindingId': 'x', ...fields },
    Workflow: { Status: 'NOTIFIED' },
    ...overrides,
  });

  it('an earlier finding of a judged instance, rule and hop that the report no longer has', () => {
    expect(findingsToArchive(report, group, [earlier()]).map((f) => f.Id)).toEqual([`connect-netpath-audit/${fail.ruleId}/earlier`]);
  });

  it('never a finding the report still has, another tool\'s, another product\'s, or one Security Hub holds from a newer run', () => {
    const current = asffFinding(report, fail);
    const kept = [
      { ...current, UpdatedAt: '2020-01-01T00:00:00.000Z' },
      earlier({ Id: 'another-tool/1' }),
      earlier({ ProductArn: 'arn:aws:securityhub:eu-central-1::product/other/other' }),
      earlier({ UpdatedAt: '2999-01-01T00:00:00.000Z' }),
      earlier({ RecordState: 'ARCHIVED' }),
    ];
    expect(findingsToArchive(report, group, kept)).toEqual([]);
  });

  it('never for an instance the report does not hold, or a hop it did not judge (a narrowed run)', () => {
    const kept = [
      earlier({}, { 'connect-netpath-audit/InstanceArn': 'arn:aws:connect:eu-central-1:111122223333:instance/gone' }),
      earlier({}, { 'connect-netpath-audit/Hop': 'storage.not-in-this-run' }),
      earlier({ ProductFields: {} }),
    ];
    expect(findingsToArchive(report, group, kept)).toEqual([]);
  });

  it('never where the report has an ERROR for that instance, rule and hop (unknown is not resolved)', () => {
    const errored: Report = { ...report, findings: report.findings.map((f) => (f === fail ? { ...f, status: 'ERROR' } : f)) };
    expect(findingsToArchive(errored, group, [earlier()])).toEqual([]);
  });

  it('the archived copy: the attributes this tool sets, RecordState ARCHIVED, updated at the report start, valid ASFF', () => {
    const copy = archivedCopy(earlier(), report.run.startedAt);
    expect(copy).toMatchObject({ RecordState: 'ARCHIVED', UpdatedAt: report.run.startedAt, CreatedAt: '2020-01-01T00:00:00.000Z' });
    expect(copy.Workflow).toBeUndefined();
    expect(copy.ProductFields).not.toHaveProperty('aws/securityhub/FindingId');
    expect(validate.finding(copy)).toEqual([]);
  });
});
