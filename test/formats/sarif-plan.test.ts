/**
 * SARIF of a plan-mode report: results on the `.tf` / template file and line of `finding.source`,
 * relative to `run.sourceRoot`, so GitHub annotates the pull request diff; findings without a source
 * keep pointing at the audited file.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { directoryUri, FINGERPRINT_KEY, sarif, SRCROOT } from '../../src/formats/sarif.js';
import type { FormatOptions } from '../../src/formats/types.js';
import type { Finding, Report } from '../../src/report/schema.js';
import { sourcedReport } from './cases.js';
import { sarifValidator } from './validators.js';

interface Location {
  physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn?: number; endLine?: number; endColumn?: number } };
  logicalLocations: Array<{ name: string; fullyQualifiedName: string; kind: string }>;
}
interface Log {
  runs: Array<{
    results: Array<{ ruleId: string; locations: Location[]; partialFingerprints: Record<string, string> }>;
    originalUriBaseIds?: Record<string, { uri: string }>;
    invocations: Array<{ workingDirectory?: { uri: string }; toolExecutionNotifications: Array<{ level: string; message: { text: string } }> }>;
    properties: { mode: string };
  }>;
}

const dir = mkdtempSync(join(tmpdir(), 'cna-sarif-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const root = join(dir, 'repo');
const report = sourcedReport(root);
/** The CLI ran in a subdirectory of the repository, on a plan there. */
const OPTIONS: FormatOptions = { color: false, unicode: false, artifactPath: 'plan.json', workingDirectory: join(root, 'infra') };
const render = (r: Report, options: FormatOptions = OPTIONS) => JSON.parse(sarif.render(r, options)) as Log;
const resultFindings = (r: Report) => r.findings.filter((f) => ['FAIL', 'ERROR', 'WAIVED'].includes(f.status));

describe('SARIF of a plan-mode report', () => {
  const log = render(report);
  const run = log.runs[0];
  if (!run) throw new Error('no run');
  const findings = resultFindings(report);

  it('validates against the SARIF 2.1.0 schema and says it is a plan run', () => {
    expect(sarifValidator()(log)).toEqual([]);
    expect(run.properties.mode).toBe('plan');
  });

  it('resolves %SRCROOT% to the source root, and keeps the working directory as the invocation’s', () => {
    expect(run.originalUriBaseIds?.[SRCROOT]?.uri).toBe(directoryUri(root));
    expect(run.originalUriBaseIds?.[SRCROOT]?.uri).toMatch(/^file:\/\/\/.*\/$/);
    expect(run.invocations[0]?.workingDirectory?.uri).toBe(directoryUri(join(root, 'infra')));
  });

  it('puts each sourced result on its file and line, with the address or logical id as a logical location', () => {
    expect(findings.some((f) => f.source)).toBe(true);
    expect(findings.some((f) => !f.source)).toBe(true);
    for (const [index, result] of run.results.entries()) {
      const finding = findings[index] as Finding;
      const location = result.locations[0];
      expect(result.partialFingerprints[FINGERPRINT_KEY]).toBe(finding.id);
      const arn = expect.objectContaining({ fullyQualifiedName: finding.resource.arn, kind: 'resource' }) as unknown;
      if (!finding.source) {
        // Not placed in the code: the audited plan, relative to the source root.
        expect(location?.physicalLocation.artifactLocation).toEqual({ uri: 'infra/plan.json', uriBaseId: SRCROOT });
        expect(location?.physicalLocation.region.startLine).toBe(1);
        expect(location?.logicalLocations).toEqual([arn]);
        continue;
      }
      const name = finding.source.address ?? finding.source.logicalId ?? '';
      expect(location?.physicalLocation.artifactLocation).toEqual({ uri: finding.source.file.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT });
      expect(location?.physicalLocation.region).toEqual({ startLine: finding.source.line, startColumn: 1, endLine: finding.source.line, endColumn: 2 });
      expect(location?.logicalLocations).toEqual([{ name, fullyQualifiedName: name, kind: 'resource' }, arn]);
    }
    const uris = new Set(run.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri));
    expect(uris).toContain('stacks/connect%20st%C3%A4ck.template.yaml');
  });

  it('every result’s URI names a file under the source root (GitHub shows the annotation there)', () => {
    const base = run.originalUriBaseIds?.[SRCROOT]?.uri ?? '';
    const pointed = new Set(run.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri ?? ''));
    for (const uri of pointed) {
      expect(uri).not.toMatch(/^[a-z]+:|^\/|(^|\/)\.\.(\/|$)/i);
      const file = fileURLToPath(new URL(uri, base));
      expect(file.startsWith(`${root}/`), file).toBe(true);
      // The plan itself is not written by this test: every other URI is one of the source files.
      if (uri !== 'infra/plan.json') expect(existsSync(file), file).toBe(true);
    }
  });

  it('keeps fingerprints when the resource moves to another line', () => {
    const moved = { ...report, findings: report.findings.map((f) => (f.source ? { ...f, source: { ...f.source, line: f.source.line + 3 } } : f)) };
    const prints = (l: Log) => l.runs[0]?.results.map((r) => r.partialFingerprints);
    expect(prints(render(moved))).toEqual(prints(log));
  });

  it('names a source file outside the source root by its file name, with a note; never an escaping URI', () => {
    const first = report.findings.findIndex((f) => f.source && f.status === 'FAIL');
    const outside = { ...report, findings: report.findings.map((f, i) => (i === first && f.source ? { ...f, source: { ...f.source, file: '../elsewhere/outside.tf' } } : f)) };
    const other = render(outside);
    expect(sarifValidator()(other)).toEqual([]);
    const uris = other.runs[0]?.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri) ?? [];
    expect(uris).toContain('outside.tf');
    for (const uri of uris) expect(uri).not.toMatch(/(^|\/)\.\.(\/|$)/);
    const notes = other.runs[0]?.invocations[0]?.toolExecutionNotifications.filter((n) => n.level === 'note').map((n) => n.message.text) ?? [];
    expect(notes).toEqual([expect.stringContaining(`The source file ../elsewhere/outside.tf is outside the source root ${root}`)]);
  });

  it('without a source root, a sourced report is relative to the working directory', () => {
    const { sourceRoot: _dropped, ...runWithoutRoot } = report.run;
    const other = render({ ...report, run: runWithoutRoot }, { ...OPTIONS, workingDirectory: root });
    expect(other.runs[0]?.originalUriBaseIds?.[SRCROOT]?.uri).toBe(directoryUri(root));
    expect(sarifValidator()(other)).toEqual([]);
  });
});
