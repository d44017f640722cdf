import { describe, expect, it } from 'vitest';
import { artifactReference, DEFAULT_SARIF_ARTIFACT, directoryUri, FINGERPRINT_KEY, parseSarifCategory, sarif, sarifAutomationId, SRCROOT } from '../../src/formats/sarif.js';
import type { FormatOptions } from '../../src/formats/types.js';
import { RULES } from '../../src/rules/index.js';
import { ROOT } from '../helpers/cli.js';
import type { EvidenceDocument } from '../../src/evidence/model.js';
import { loadEvidence } from '../../src/evidence/snapshot.js';
import { DEMO_EVIDENCE, INJECTION_EVIDENCE, reportFor, reportForEvidence } from '../helpers/report.js';
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
    physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } };
    logicalLocations: Array<{ fullyQualifiedName: string; kind: string }>;
  }>;
  partialFingerprints: Record<string, string>;
  suppressions?: Array<{ kind: string; justification: string }>;
  properties: { hop: string; instanceArn: string; status: string; compliance: unknown[] };
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; informationUri: string; rules: SarifRule[] } };
    results: SarifResult[];
    automationDetails: { id: string };
    originalUriBaseIds?: Record<string, { uri: string }>;
    invocations: Array<{ workingDirectory?: { uri: string }; toolExecutionNotifications: Array<{ level: string; message: { text: string } }> }>;
  }>;
}

const OPTIONS: FormatOptions = { color: false, unicode: false, artifactPath: 'fixtures/demo-evidence.json', workingDirectory: ROOT };
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
    expect(run.automationDetails.id).toBe('connect-netpath-audit/');
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
      expect(result.locations[0]?.logicalLocations).toContainEqual(expect.objectContaining({ fullyQualifiedName: finding.resource.arn, kind: 'resource' }));
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
    const sources = new Map(report.findings.map((f) => [f.id, f.source]));
    // Plan mode: relative to the source root, where the audited file is not.
    const audited = artifactReference(OPTIONS.artifactPath, ROOT, report.run.sourceRoot ?? ROOT).uri;
    for (const result of run.results) {
      const location = result.locations[0];
      const source = sources.get(result.partialFingerprints[FINGERPRINT_KEY] ?? '');
      expect(location?.physicalLocation.artifactLocation).toEqual({ uri: source ? source.file.split('/').map(encodeURIComponent).join('/') : audited, uriBaseId: SRCROOT });
      expect(location?.physicalLocation.region.startLine).toBe(source?.line ?? 1);
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

  it('points at the audited file relative to the working directory, or at a default name when there is none', () => {
    const report = reportFor(INJECTION_EVIDENCE);
    const uri = (artifactPath: string | undefined) => render(report, { ...OPTIONS, artifactPath }).runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri;
    expect(uri(undefined)).toBe(DEFAULT_SARIF_ARTIFACT);
    expect(uri('evidence/prod.json')).toBe('evidence/prod.json');
    expect(uri('./evidence/my evidence.json')).toBe('evidence/my%20evidence.json');
    expect(uri(`${ROOT}/fixtures/demo-evidence.json`)).toBe('fixtures/demo-evidence.json');
    expect(uri(`${ROOT}/test/../fixtures/./demo-evidence.json`)).toBe('fixtures/demo-evidence.json');
    const log = render(report);
    expect(log.runs[0]?.originalUriBaseIds?.[SRCROOT]?.uri).toBe(directoryUri(ROOT));
    expect(log.runs[0]?.invocations[0]?.workingDirectory?.uri).toBe(directoryUri(ROOT));
    expect(directoryUri(ROOT)).toMatch(/^file:\/\/\/.*\/$/);
  });

  it('never writes an absolute or escaping URI: a file outside the working directory is named by its file name, with a note', () => {
    const cases: Array<[string, string | undefined, string, boolean]> = [
      ['/home/ci/work/evidence.json', '/home/ci/work', 'evidence.json', false],
      ['/home/ci/work/sub dir/e#1.json', '/home/ci/work', 'sub%20dir/e%231.json', false],
      ['/tmp/evidence.json', '/home/ci/work', 'evidence.json', true],
      ['../up.json', '/home/ci/work', 'up.json', true],
      ['../work/in.json', '/home/ci/work', 'in.json', false],
      ['..data/x.json', '/home/ci/work', '..data/x.json', false],
      ['/abs/pa th.json', undefined, 'pa%20th.json', true],
      ['../up.json', undefined, 'up.json', true],
      ['a b/c?d#e.json', undefined, 'a%20b/c%3Fd%23e.json', false],
      ['C:\\work\\evidence #1.json', 'C:\\work', 'evidence%20%231.json', false],
      ['C:\\x\\y.json', 'C:\\work', 'y.json', true],
      ['D:\\work\\y.json', 'C:\\work', 'y.json', true],
      ['evidence\\prod.json', 'C:\\work', 'evidence/prod.json', false],
    ];
    for (const [path, workingDirectory, uri, outside] of cases) {
      expect(artifactReference(path, workingDirectory), `${path} from ${workingDirectory}`).toEqual(outside ? { uri, outside: path } : { uri });
    }
    expect(artifactReference('', '/w')).toEqual({ uri: DEFAULT_SARIF_ARTIFACT });
    expect(artifactReference('/w', '/w')).toEqual({ uri: DEFAULT_SARIF_ARTIFACT });
    expect(directoryUri('/home/ci/my work')).toBe('file:///home/ci/my%20work/');
    expect(directoryUri('/')).toBe('file:///');
    expect(directoryUri('C:\\work\\')).toBe('file:///C:/work/');
    expect(directoryUri('\\\\server\\share\\ci')).toBe('file://server/share/ci/');

    const report = reportFor(INJECTION_EVIDENCE);
    for (const [artifactPath, workingDirectory] of cases) {
      const log = render(report, { ...OPTIONS, artifactPath, workingDirectory });
      expect(sarifValidator()(log)).toEqual([]);
      for (const result of log.runs[0]?.results ?? []) {
        const location = result.locations[0]?.physicalLocation.artifactLocation;
        expect(location?.uriBaseId).toBe(SRCROOT);
        expect(location?.uri).not.toMatch(/^[a-z]+:|^\/|(^|\/)\.\.(\/|$)/i);
      }
      const notes = log.runs[0]?.invocations[0]?.toolExecutionNotifications.filter((n) => n.level === 'note') ?? [];
      if (artifactReference(artifactPath, workingDirectory).outside) {
        expect(notes).toHaveLength(1);
        expect(notes[0]?.message.text).toContain(artifactPath);
        expect(notes[0]?.message.text).toContain('outside the working directory');
      } else {
        expect(notes).toEqual([]);
      }
    }
  });

  it('keeps one automationDetails.id across runs whose accounts and regions differ: the category, --sarif-category or the default', () => {
    const demo = render(reportFor(DEMO_EVIDENCE));
    const elsewhere = JSON.parse(JSON.stringify(loadEvidence(DEMO_EVIDENCE)).replaceAll('111122223333', '444455556666').replaceAll('eu-central-1', 'eu-west-2')) as EvidenceDocument;
    const otherReport = reportForEvidence(elsewhere);
    const other = render(otherReport);
    const accounts = (log: SarifLog) => new Set(log.runs[0]?.results.map((r) => r.locations[0]?.logicalLocations[0]?.fullyQualifiedName.split(':')[4]));
    expect(accounts(demo)).not.toEqual(accounts(other));
    expect(demo.runs[0]?.automationDetails.id).toBe('connect-netpath-audit/');
    expect(other.runs[0]?.automationDetails.id).toBe('connect-netpath-audit/');
    const prod = (report: Parameters<typeof sarif.render>[0]) => render(report, { ...OPTIONS, sarifCategory: 'connect/prod' }).runs[0]?.automationDetails.id;
    expect(prod(reportFor(DEMO_EVIDENCE))).toBe('connect/prod/');
    expect(prod(otherReport)).toBe('connect/prod/');
    expect(sarifAutomationId('connect/prod///')).toBe('connect/prod/');
    expect(sarifAutomationId(undefined)).toBe('connect-netpath-audit/');
    expect(parseSarifCategory(' connect/prod/ ')).toBe('connect/prod');
    expect(parseSarifCategory(undefined)).toBeUndefined();
    for (const bad of ['/', '///', ' ', 'a\u001b[31mb', 'a\nb']) expect(() => parseSarifCategory(bad), JSON.stringify(bad)).toThrow(/--sarif-category/);
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
