import { describe, expect, it } from 'vitest';
import { artifactUri, DEFAULT_SARIF_ARTIFACT, FINGERPRINT_KEY, sarif } from '../../src/formats/sarif.js';
import type { FormatOptions } from '../../src/formats/types.js';
import { RULES } from '../../src/rules/index.js';
import { INJECTION_EVIDENCE, reportFor } from '../helpers/report.js';
import { cases, CONTROL_CHARACTERS, HOSTILE, HOSTILE_WAIVERS } from './cases.js';
import { sarifValidator } from './validators.js';

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: string };
  properties: { tags: string[]; precision: string; 'security-severity': string };
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{
    physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
    logicalLocations: Array<{ fullyQualifiedName: string; kind: string }>;
  }>;
  partialFingerprints: Record<string, string>;
  suppressions?: Array<{ kind: string; justification: string }>;
  properties: { hop: string; instanceArn: string; status: string; compliance: unknown[] };
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: Array<{ tool: { driver: { name: string; version: string; informationUri: string; rules: SarifRule[] } }; results: SarifResult[]; automationDetails: { id: string } }>;
}

const OPTIONS: FormatOptions = { color: false, unicode: false, artifactPath: 'fixtures/demo-evidence.json' };
const validate = sarifValidator();

function render(report: Parameters<typeof sarif.render>[0], options: FormatOptions = OPTIONS): SarifLog {
  return JSON.parse(sarif.render(report, options)) as SarifLog;
}

describe.each(cases())('SARIF for the $name', ({ report }) => {
  const text = sarif.render(report, OPTIONS);
  const log = JSON.parse(text) as SarifLog;
  const run = log.runs[0];
  if (!run) throw new Error('no run');

  it('validates against the SARIF 2.1.0 (Errata 01) schema', () => {
    expect(validate(log)).toEqual([]);
  });

  it('has what GitHub code scanning requires of the log and of every rule', () => {
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(run.tool.driver.name).toBe('connect-netpath-audit');
    expect(run.tool.driver.version).toBe(report.tool.version);
    expect(run.automationDetails.id).toMatch(/^connect-netpath-audit\/.+\/$/);
    const ids = run.tool.driver.rules.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(RULES.map((r) => r.meta.id)));
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of run.tool.driver.rules) {
      expect(rule.shortDescription.text.trim(), rule.id).not.toBe('');
      expect(rule.fullDescription.text.trim(), rule.id).not.toBe('');
      expect(rule.help.text.trim(), rule.id).not.toBe('');
      expect(rule.help.markdown.trim(), rule.id).not.toBe('');
      expect(rule.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
      expect(rule.helpUri).toMatch(/^https:\/\//);
      expect(rule.properties.tags.length).toBeLessThanOrEqual(10);
      expect(Number(rule.properties['security-severity'])).toBeGreaterThanOrEqual(0);
      expect(Number(rule.properties['security-severity'])).toBeLessThanOrEqual(10);
      expect(['very-high', 'high', 'medium', 'low']).toContain(rule.properties.precision);
    }
  });

  it('helps with every rule: remediation summary, console steps, CLI and Terraform', () => {
    for (const { meta } of RULES) {
      const rule = run.tool.driver.rules.find((r) => r.id === meta.id);
      expect(rule?.help.text).toContain(meta.remediation.summary);
      for (const step of meta.remediation.console) expect(rule?.help.text).toContain(step);
      if (meta.remediation.cli) expect(rule?.help.markdown).toContain(meta.remediation.cli);
      if (meta.remediation.terraform) expect(rule?.help.markdown).toContain(meta.remediation.terraform);
      expect(rule?.fullDescription.text).toBe(meta.rationale);
      expect(rule?.helpUri).toBe(meta.references[0]);
    }
  });

  it('has a result for every FAIL, ERROR and WAIVED finding and none for the others', () => {
    const expected = report.findings.filter((f) => ['FAIL', 'ERROR', 'WAIVED'].includes(f.status));
    expect(run.results).toHaveLength(expected.length);
    expect(run.results.map((r) => r.partialFingerprints[FINGERPRINT_KEY])).toEqual(expected.map((f) => f.id));
    for (const [index, result] of run.results.entries()) {
      const finding = expected[index];
      if (!finding) throw new Error('missing finding');
      expect(result.ruleId).toBe(finding.ruleId);
      expect(run.tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId);
      expect(result.properties).toMatchObject({ hop: finding.hop, instanceArn: finding.instanceArn, status: finding.status, compliance: finding.compliance });
      expect(result.locations[0]?.logicalLocations[0]).toEqual(expect.objectContaining({ fullyQualifiedName: finding.resource.arn, kind: 'resource' }));
      const expectedLevel = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' }[finding.severity];
      expect(result.level).toBe(expectedLevel);
      if (finding.status === 'WAIVED') {
        expect(result.suppressions).toEqual([expect.objectContaining({ kind: 'external', justification: expect.any(String) as string })]);
      } else {
        expect(result.suppressions).toBeUndefined();
      }
    }
  });

  it('gives every result a location GitHub accepts and a fingerprint of its own', () => {
    for (const result of run.results) {
      const location = result.locations[0];
      expect(location?.physicalLocation.artifactLocation.uri).toBe('fixtures/demo-evidence.json');
      expect(location?.physicalLocation.region.startLine).toBe(1);
      expect(result.message.text.trim()).not.toBe('');
      expect(result.partialFingerprints.primaryLocationLineHash).toBeTruthy();
    }
    const hashes = run.results.map((r) => r.partialFingerprints.primaryLocationLineHash);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('carries no terminal control characters in text a person reads', () => {
    expect(text).not.toMatch(CONTROL_CHARACTERS);
    for (const result of run.results) expect(result.message.text).not.toMatch(/\\u001b|\n/);
  });
});

describe('SARIF', () => {
  it('keeps fingerprints stable across runs of the same evidence', () => {
    const first = render(reportFor(INJECTION_EVIDENCE, { startedAt: new Date('2026-11-28T12:00:00Z') }));
    const second = render(reportFor(INJECTION_EVIDENCE, { startedAt: new Date('2026-12-01T08:30:00Z') }));
    const prints = (log: SarifLog) => log.runs[0]?.results.map((r) => r.partialFingerprints);
    expect(prints(second)).toEqual(prints(first));
    expect(prints(first)?.length).toBeGreaterThan(0);
  });

  it('points at the audited file, or at a default name when there is none', () => {
    const report = reportFor(INJECTION_EVIDENCE);
    const uri = (artifactPath: string | undefined) => render(report, { ...OPTIONS, artifactPath }).runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri;
    expect(uri(undefined)).toBe(DEFAULT_SARIF_ARTIFACT);
    expect(uri('evidence/prod.json')).toBe('evidence/prod.json');
    expect(uri('./evidence/my evidence.json')).toBe('evidence/my%20evidence.json');
  });

  it('turns any path into a valid uri-reference', () => {
    expect(artifactUri('')).toBe(DEFAULT_SARIF_ARTIFACT);
    expect(artifactUri('/home/ci/work/evidence.json')).toBe('file:///home/ci/work/evidence.json');
    expect(artifactUri('C:\\work\\evidence #1.json')).toBe('file:///C:/work/evidence%20%231.json');
    const report = reportFor(INJECTION_EVIDENCE);
    for (const artifactPath of ['a b/c?d#e.json', 'C:\\x\\y.json', '/abs/pa th.json', '../up.json']) {
      expect(sarifValidator()(render(report, { ...OPTIONS, artifactPath }))).toEqual([]);
    }
  });

  it('suppresses waived findings with the waiver reason, stripped of control characters', () => {
    const log = render(reportFor(INJECTION_EVIDENCE, { waivers: HOSTILE_WAIVERS }));
    const waived = log.runs[0]?.results.filter((r) => r.properties.status === 'WAIVED') ?? [];
    expect(waived.map((r) => r.ruleId).sort()).toEqual(['connect-instances-discovered', 'directory-active']);
    const justification = waived.find((r) => r.ruleId === 'directory-active')?.suppressions?.[0]?.justification ?? '';
    expect(justification).toContain(HOSTILE.formula);
    expect(justification).toContain('2099-12-31');
    expect(justification).not.toMatch(CONTROL_CHARACTERS);
  });
});
