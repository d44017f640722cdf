import { describe, expect, it } from 'vitest';
import { asff, ASFF_BATCH_LIMIT, ASFF_LIMITS, asffBytes, asffFinding, boundedId, truncate } from '../../src/formats/asff.js';
import type { FormatOptions } from '../../src/formats/types.js';
import type { Finding, Report } from '../../src/report/schema.js';
import { DEMO_EVIDENCE, reportFor } from '../helpers/report.js';
import { cases, CONTROL_CHARACTERS } from './cases.js';
import { asffValidators } from './validators.js';

interface AsffFinding {
  Id: string;
  ProductArn: string;
  GeneratorId: string;
  AwsAccountId: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  Severity: { Label: string };
  Title: string;
  Description: string;
  Resources: Array<{ Type: string; Id: string; Partition: string; Region: string; Details?: { Other?: Record<string, string> } }>;
  Compliance: { Status: string; RelatedRequirements?: string[] };
  Remediation: { Recommendation: { Text: string; Url?: string } };
  Workflow: { Status: string };
  RecordState: string;
}

const OPTIONS: FormatOptions = { color: false, unicode: false };
const validators = asffValidators();

function render(report: Report): AsffFinding[] {
  return JSON.parse(asff.render(report, OPTIONS)) as AsffFinding[];
}

/** What the README's jq recipe does: batches of at most 100 findings. */
function batches<T>(list: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < list.length; i += ASFF_BATCH_LIMIT) result.push(list.slice(i, i + ASFF_BATCH_LIMIT));
  return result;
}

const SEVERITY = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW', info: 'INFORMATIONAL' } as const;
const COMPLIANCE: Record<Exclude<Finding['status'], 'WAIVED'>, string> = { PASS: 'PASSED', MANAGED: 'PASSED', FAIL: 'FAILED', ERROR: 'WARNING', NOT_APPLICABLE: 'NOT_AVAILABLE' };
const WORKFLOW: Record<Finding['status'], string> = { FAIL: 'NEW', ERROR: 'NEW', WAIVED: 'SUPPRESSED', PASS: 'RESOLVED', MANAGED: 'RESOLVED', NOT_APPLICABLE: 'RESOLVED' };

describe.each(cases())('ASFF for the $name', ({ report }) => {
  const findings = render(report);

  it('is a JSON array of findings, each valid against the ASFF schema and within 240 KB', () => {
    expect(validators.array(findings)).toEqual([]);
    expect(findings).toHaveLength(report.findings.length);
    for (const [index, finding] of findings.entries()) {
      expect(validators.finding(finding), `finding ${index}`).toEqual([]);
      expect(Buffer.byteLength(JSON.stringify(finding))).toBeLessThanOrEqual(240 * 1024);
    }
  });

  it('splits into BatchImportFindings requests of at most 100 findings', () => {
    for (const batch of batches(findings)) expect(validators.batch({ Findings: batch })).toEqual([]);
  });

  it('maps every finding: ids, product, severity, compliance, workflow, resources, remediation', () => {
    for (const [index, out] of findings.entries()) {
      const finding = report.findings[index];
      if (!finding) throw new Error('missing finding');
      const { accountId, region, arn } = finding.resource;
      expect(out.Id).toBe(`connect-netpath-audit/${finding.ruleId}/${finding.id}`);
      expect(out.ProductArn).toBe(`arn:aws:securityhub:${region}:${accountId}:product/${accountId}/default`);
      expect(out.GeneratorId).toBe(finding.ruleId);
      expect(out.AwsAccountId).toBe(accountId);
      expect(out.Severity.Label).toBe(SEVERITY[finding.severity]);
      expect(out.CreatedAt).toBe(report.run.startedAt);
      expect(out.UpdatedAt).toBe(out.CreatedAt);
      expect(out.RecordState).toBe('ACTIVE');
      const verdict = finding.status === 'WAIVED' ? finding.waiver?.originalStatus ?? 'FAIL' : finding.status;
      expect(out.Compliance.Status).toBe(COMPLIANCE[verdict]);
      expect(out.Workflow.Status).toBe(WORKFLOW[finding.status]);
      expect(out.Compliance.RelatedRequirements).toEqual(finding.compliance.flatMap((c) => c.controls.map((control) => `${c.framework} ${control}`)).slice(0, 32));
      expect(out.Types.every((t) => t.startsWith('Software and Configuration Checks/'))).toBe(true);
      const [resource] = out.Resources;
      expect(resource).toMatchObject({ Id: arn, Partition: 'aws', Region: region });
      const expectedType = ['AwsS3Bucket', 'AwsKmsKey', 'AwsKinesisStream'].includes(finding.resource.type) ? finding.resource.type : 'Other';
      expect(resource?.Type).toBe(expectedType);
      if (expectedType === 'Other') expect(resource?.Details?.Other?.ResourceType).toBe(finding.resource.type);
      expect(out.Remediation.Recommendation.Url).toBe(finding.references[0]);
    }
    expect(new Set(findings.map((f) => f.Id)).size).toBe(findings.length);
  });

  it('maps Connect and Directory Service resources to Other', () => {
    const types = new Map(findings.map((f, i) => [report.findings[i]?.resource.type, f.Resources[0]?.Type]));
    expect(types.get('AwsConnectInstance')).toBe('Other');
    expect(types.get('AwsS3Bucket')).toBe('AwsS3Bucket');
    expect(types.get('AwsKmsKey')).toBe('AwsKmsKey');
    if (types.has('AwsDirectoryServiceDirectory')) expect(types.get('AwsDirectoryServiceDirectory')).toBe('Other');
  });

  it('flattens account text to one line without control characters', () => {
    for (const out of findings) {
      for (const text of [out.Title, out.Description, out.Remediation.Recommendation.Text]) {
        expect(text).not.toMatch(CONTROL_CHARACTERS);
        expect(text).not.toMatch(/[\n\r\u2028\u2029]/);
      }
    }
  });
});

describe('ASFF limits', () => {
  const base = reportFor(DEMO_EVIDENCE);

  it('truncates title, description, remediation and requirements to Security Hub limits', () => {
    const first = base.findings[0];
    if (!first) throw new Error('no finding');
    const long: Finding = {
      ...first,
      title: 'T'.repeat(300),
      message: `${'m'.repeat(1100)}😀`,
      remediation: 'r'.repeat(600),
      compliance: [{ framework: 'NIST SP 800-53 rev. 5', controls: Array.from({ length: 40 }, (_, i) => `SC-${i}`) }],
    };
    const [out] = render({ ...base, findings: [long] });
    expect(validators.finding(out)).toEqual([]);
    expect(out?.Title.length).toBe(256);
    expect(out?.Description.length).toBe(1024);
    expect(out?.Description.endsWith('…')).toBe(true);
    expect(out?.Remediation.Recommendation.Text.length).toBe(512);
    expect(out?.Compliance.RelatedRequirements).toHaveLength(32);
  });

  it('keeps Id and GeneratorId within 512 characters, still unique and stable', () => {
    const first = base.findings[0];
    if (!first) throw new Error('no finding');
    const longRule = `rule-${'x'.repeat(600)}`;
    const [a, b] = render({ ...base, findings: [{ ...first, ruleId: longRule }, { ...first, ruleId: longRule, id: `${first.id}0` }] });
    for (const out of [a, b]) {
      expect(validators.finding(out)).toEqual([]);
      expect(out?.Id.length).toBe(ASFF_LIMITS.id);
      expect(out?.GeneratorId.length).toBe(ASFF_LIMITS.id);
    }
    expect(a?.Id).not.toBe(b?.Id);
    expect(boundedId(`connect-netpath-audit/${longRule}/${first.id}`)).toBe(a?.Id);
    expect(boundedId('short')).toBe('short');
  });

  it('keeps every finding within 240 KB: context that does not fit goes first, the verdict stays', () => {
    const first = base.findings[0];
    if (!first) throw new Error('no finding');
    const huge: Finding = {
      ...first,
      instanceArn: `arn:aws:connect:eu-central-1:111122223333:instance/${'i'.repeat(5000)}`,
      compliance: [{ framework: 'NIST SP 800-53 rev. 5', controls: Array.from({ length: 40 }, (_, i) => `SC-${i} ${'c'.repeat(20_000)}`) }],
    };
    const out = asffFinding(base, huge);
    expect(asffBytes(out)).toBeLessThanOrEqual(ASFF_LIMITS.findingBytes);
    expect(validators.finding(out)).toEqual([]);
    expect(out.Compliance?.Status).toBe(asffFinding(base, first).Compliance?.Status);
    expect(out.Compliance?.RelatedRequirements).toBeUndefined();
    expect(out.ProductFields?.['connect-netpath-audit/FindingId']).toBe(first.id);
    for (const value of Object.values(asffFinding(base, { ...first, instanceArn: huge.instanceArn }).ProductFields ?? {})) expect(value.length).toBeLessThanOrEqual(2048);
  });

  it('never cuts a surrogate pair in half', () => {
    expect(truncate(`${'a'.repeat(8)}😀😀`, 10)).toBe(`${'a'.repeat(8)}…`);
    expect(truncate('short', 10)).toBe('short');
  });

  it('keeps blank account text from producing an invalid finding', () => {
    const first = base.findings[0];
    if (!first) throw new Error('no finding');
    const [out] = render({ ...base, findings: [{ ...first, message: ' \u001b[31m\n ' }] });
    expect(validators.finding(out)).toEqual([]);
    expect(out?.Description).toBe(first.title);
  });

  it('produces batches a report of any size can be imported in', () => {
    const first = base.findings[0];
    if (!first) throw new Error('no finding');
    const many = Array.from({ length: 250 }, (_, i): Finding => ({ ...first, id: `${first.id}-${i}` }));
    const findings = render({ ...base, findings: many });
    expect(validators.array(findings)).toEqual([]);
    expect(validators.batch({ Findings: findings })).not.toEqual([]);
    const split = batches(findings);
    expect(split.map((b) => b.length)).toEqual([100, 100, 50]);
    for (const batch of split) expect(validators.batch({ Findings: batch })).toEqual([]);
  });
});
