/**
 * Plan mode in the human and machine formats: each finding with a `source` shows its `file:line`
 * and its Terraform address or logical id where the format shows the resource; the run says `plan`
 * and names its input. File names and addresses come from the code under audit, so they are escaped
 * like any account value.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { asff } from '../../src/formats/asff.js';
import { CSV_COLUMNS, csv } from '../../src/formats/csv.js';
import { xmlText } from '../../src/formats/escape.js';
import { html } from '../../src/formats/html.js';
import { junit } from '../../src/formats/junit.js';
import { markdown } from '../../src/formats/markdown.js';
import { ocsf } from '../../src/formats/ocsf.js';
import { sourceLabel } from '../../src/formats/source.js';
import { text } from '../../src/formats/text.js';
import type { FormatOptions } from '../../src/formats/types.js';
import type { Finding, Report } from '../../src/report/schema.js';
import { useChromium } from '../helpers/browser.js';
import { CONTROL_CHARACTERS, HOSTILE, sourcedReport } from './cases.js';
import { asffValidators, ocsfValidators, xsdErrors } from './validators.js';

const OPTIONS: FormatOptions = { color: false, unicode: false };
const dir = mkdtempSync(join(tmpdir(), 'cna-plan-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const report = sourcedReport(join(dir, 'repo'));
const sourced = report.findings.filter((f): f is Finding & { source: NonNullable<Finding['source']> } => f.source !== undefined);
const attention = (f: Finding) => f.status === 'FAIL' || f.status === 'ERROR';

/** A report whose one located finding has a hostile file name and address. */
function hostileSourceReport(): Report {
  const index = report.findings.findIndex((f) => f.source && f.status === 'FAIL');
  const findings = report.findings.map((f, i) =>
    i === index ? { ...f, source: { file: `infra/${HOSTILE.script}${HOSTILE.ansi}|x\`y.tf`, line: 3, address: `aws_s3_bucket.${HOSTILE.formula}${HOSTILE.xml}` } } : f,
  );
  return { ...report, findings };
}

describe('plan-mode sources in every format', () => {
  it('the fixture locates findings of every status of interest, and leaves some unlocated', () => {
    expect(sourced.some(attention)).toBe(true);
    expect(report.findings.some((f) => !f.source && attention(f))).toBe(true);
    expect(sourceLabel({ file: 'main.tf', line: 4, address: 'aws_kms_key.k' })).toBe('main.tf:4 (aws_kms_key.k)');
    expect(sourceLabel({ file: 't.yaml', line: 9, logicalId: 'Key' })).toBe('t.yaml:9 (Key)');
    expect(sourceLabel({ file: 't.yaml', line: 9 })).toBe('t.yaml:9');
    expect(sourceLabel(undefined)).toBeUndefined();
  });

  it('text: an "at file:line (address)" line under each failing finding; the header says plan and the input', () => {
    const out = text.render(report, OPTIONS);
    expect(out.split('\n')[0]).toMatch(/ · plan · plan\.json$/);
    for (const f of sourced.filter(attention)) expect(out).toContain(`${f.ruleId}: ${f.message}\n        at ${sourceLabel(f.source) ?? ''}\n`);
    const hostile = text.render(hostileSourceReport(), OPTIONS);
    expect(hostile).not.toMatch(CONTROL_CHARACTERS);
    // The terminal escape is removed whole, the rest shown as text.
    expect(hostile).toContain(`at infra/${HOSTILE.script}|x\`y.tf:3 (aws_s3_bucket.${HOSTILE.formula}${HOSTILE.xml})`);
  });

  it('markdown: file:line and the address as code spans beside the resource; the summary says plan of the input', () => {
    const out = markdown.render(report, OPTIONS);
    expect(out).toContain('· plan of `plan.json` ·');
    for (const f of sourced.filter(attention)) {
      const name = f.source.address ?? f.source.logicalId ?? '';
      expect(out).toContain(`· \`${f.resource.arn}\` · \`${f.source.file}:${f.source.line}\` (\`${name}\`)\n`);
    }
    const hostile = markdown.render(hostileSourceReport(), OPTIONS);
    // The backtick in the file name cannot end the code span: a longer fence is used.
    expect(hostile).toContain('``infra/<script>alert(1)</script>|x`y.tf:3``');
    expect(hostile).not.toContain('\u001b');
  });

  it('JUnit: a Source line in the failure text (no schema allows file or line on a test case); both schemas still validate', async () => {
    const out = junit.render(report, OPTIONS);
    for (const f of sourced.filter((x) => x.status === 'FAIL')) expect(out).toContain(`Source: ${xmlText(sourceLabel(f.source) ?? '')}`);
    expect(out).not.toMatch(/<testcase[^>]*\s(file|line)=/);
    expect(out).toContain('<property name="run.mode" value="plan"/>');
    expect(out).toContain(`<property name="run.sourceRoot" value="${report.run.sourceRoot ?? ''}"/>`);
    expect(await xsdErrors(out, 'junit.xsd')).toEqual([]);
    const hostile = junit.render(hostileSourceReport(), OPTIONS);
    expect(await xsdErrors(hostile, 'junit.xsd')).toEqual([]);
    expect(hostile).toContain('Source: infra/&lt;script&gt;');
  });

  it('CSV: a last column "source" with file:line, empty without a source; the other columns keep their order', () => {
    expect(CSV_COLUMNS.at(-1)).toBe('source');
    expect(CSV_COLUMNS.indexOf('ticket')).toBe(CSV_COLUMNS.length - 2);
    const rows = parse(csv.render(report, OPTIONS), { record_delimiter: ['\r\n'] }) as string[][];
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    for (const [i, f] of report.findings.entries()) expect(rows[i + 1]?.at(-1)).toBe(f.source ? `${f.source.file}:${f.source.line}` : '');
    // A file name that starts like a formula is neutralised as any cell.
    const formula = { ...report, findings: [{ ...(sourced[0] as Finding), source: { file: '=cmd|x.tf', line: 2 } }] };
    const [, row] = parse(csv.render(formula, OPTIONS), { record_delimiter: ['\r\n'] }) as string[][];
    expect(row?.at(-1)).toBe("'=cmd|x.tf:2");
  });

  it.each(['1.1.0', '1.6.0'] as const)('OCSF %s: the target resource’s data.source; still valid', (version) => {
    const events = ocsf
      .render(report, { ...OPTIONS, ocsfVersion: version })
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { resource?: { data?: unknown }; resources?: Array<{ role?: string; data?: unknown }> });
    const { cls, consistency } = ocsfValidators(version);
    for (const [i, event] of events.entries()) {
      expect(cls(event)).toEqual([]);
      expect(consistency(event)).toEqual([]);
      const target = version === '1.1.0' ? event.resource : event.resources?.[0];
      const source = report.findings[i]?.source;
      expect(target?.data).toEqual(source ? { source } : undefined);
      for (const related of event.resources?.slice(1) ?? []) expect(related.data).toBeUndefined();
    }
  });

  it('ASFF: ProductFields "connect-netpath-audit/Source" is file:line (address); every finding still valid', () => {
    const findings = JSON.parse(asff.render(report, OPTIONS)) as Array<{ ProductFields: Record<string, string> }>;
    const { finding: valid } = asffValidators();
    for (const [i, f] of findings.entries()) {
      expect(valid(f)).toEqual([]);
      expect(f.ProductFields['connect-netpath-audit/Source']).toBe(sourceLabel(report.findings[i]?.source));
    }
    const hostile = JSON.parse(asff.render(hostileSourceReport(), OPTIONS)) as Array<{ ProductFields: Record<string, string> }>;
    const values = hostile.map((f) => f.ProductFields['connect-netpath-audit/Source'] ?? '');
    expect(values.some((v) => v.includes(HOSTILE.script))).toBe(true);
    for (const v of values) expect(v).not.toMatch(CONTROL_CHARACTERS);
  });

  it('HTML: the embedded report carries the sources; the header says plan of the input', () => {
    const out = html.render(report, OPTIONS);
    expect(out).toContain('· plan of <span class="mono">plan.json</span>');
    expect(out).toContain('"source":{"file":"main.tf"');
  });
});

describe('plan-mode sources in the HTML report (Chromium, headless)', () => {
  const session = useChromium('cna-plan-html-');

  it('shows file:line (address) under the resource and in the details, finds rows by file name, and runs nothing from a hostile one', async () => {
    const hostile = hostileSourceReport();
    const file = join(session.dir, 'plan.html');
    writeFileSync(file, html.render(hostile, OPTIONS));
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.locator('#show-all').click();
    const cells = await page.locator('tr.finding .source').allTextContents();
    const visibleSourced = hostile.findings.filter((f) => f.source);
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.length).toBeLessThanOrEqual(visibleSourced.length);
    for (const cell of cells) expect(visibleSourced.map((f) => sourceLabel(f.source))).toContain(cell);
    expect(cells).toContain(`infra/${HOSTILE.script}${HOSTILE.ansi}|x\`y.tf:3 (aws_s3_bucket.${HOSTILE.formula}${HOSTILE.xml})`);
    expect(await page.locator('script').count()).toBe(2);

    await page.locator('#filter-text').fill('stäck.template');
    const rows = await page.locator('tr.finding').count();
    expect(rows).toBe(hostile.findings.filter((f) => f.source?.file.includes('stäck.template')).length);
    await page.locator('tr.finding button.expand').first().click();
    expect(await page.locator('tr.detail').textContent()).toMatch(/Sourcestacks\/connect stäck\.template\.yaml:\d+ \(RecordingsBucket\d+\)/);
    expect(problems).toEqual([]);
    await page.close();
  });
});
