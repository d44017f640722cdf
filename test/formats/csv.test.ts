import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csv, csvValues, UTF8_BOM } from '../../src/formats/csv.js';
import { csvCell, FORMULA_START, neutralizeFormula, revealInvisible, stripTerminal } from '../../src/formats/escape.js';
import type { FormatOptions } from '../../src/formats/types.js';
import { DEMO, runCli } from '../helpers/cli.js';
import { cases, CONTROL_CHARACTERS, HOSTILE, HOSTILE_WAIVERS, INVISIBLE_CHARACTERS } from './cases.js';

const OPTIONS: FormatOptions = { color: false, unicode: false };

function records(text: string): string[][] {
  // Only CRLF ends a record: a bare LF outside quotes would merge two records and fail the counts below.
  return parse(text, { record_delimiter: ['\r\n'], relax_quotes: false, relax_column_count: false }) as string[][];
}

describe.each(cases())('CSV for the $name', ({ report }) => {
  const text = csv.render(report, OPTIONS);
  const rows = records(text);

  it('is RFC 4180: a header, one record per finding, CRLF line endings', () => {
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(report.findings.length + 1);
    expect(text.endsWith('\r\n')).toBe(true);
    // Every line feed outside a quoted field is part of a CRLF.
    const outsideQuotes = text.replace(/"(?:[^"]|"")*"/g, '');
    expect(outsideQuotes).not.toMatch(/[^\r]\n/);
    expect(outsideQuotes).not.toMatch(/\r(?!\n)/);
  });

  it('round-trips every finding: the parsed cell is the value, less control characters, invisible characters shown, formula-neutralised', () => {
    for (const [index, finding] of report.findings.entries()) {
      const row = rows[index + 1];
      const values = csvValues(finding);
      for (const [column, name] of CSV_COLUMNS.entries()) {
        const cell = row?.[column] ?? '';
        const expected = revealInvisible(stripTerminal(values[name]));
        expect(cell, `${finding.id} ${name}`).toBe(neutralizeFormula(expected));
        expect(FORMULA_START.test(expected) ? cell.slice(1) : cell).toBe(expected);
      }
      expect(row?.[0]).toBe(finding.id);
      expect(row?.[1]).toBe(finding.status);
      expect(row?.[13]).toBe(finding.compliance.map((c) => `${c.framework}: ${c.controls.join(', ')}`).join('; '));
    }
  });

  it('has no cell a spreadsheet would run as a formula, and no control or invisible characters', () => {
    for (const row of rows) {
      for (const cell of row) {
        expect(cell).not.toMatch(FORMULA_START);
        expect(cell).not.toMatch(CONTROL_CHARACTERS);
        expect(cell).not.toMatch(INVISIBLE_CHARACTERS);
      }
    }
  });
});

describe('CSV with hostile account strings', () => {
  const injection = cases()[1];
  if (!injection) throw new Error('no injection case');
  const rows = records(csv.render(injection.report, OPTIONS));
  const column = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);

  it("neutralises a waiver reason that starts with a formula (behind an ANSI sequence) with a leading '", () => {
    const reasons = rows.slice(1).map((row) => row[column('waiverReason')] ?? '').filter((cell) => cell !== '');
    expect(reasons).toContain(`'${HOSTILE.formula} ${HOSTILE.script}\n${HOSTILE.mermaid}${HOSTILE.xml}`);
    expect(reasons).toContain("'@accepted: region not used");
  });

  it('carries the waiver ticket of each waived finding, neutralised like any cell', () => {
    const waived = rows.slice(1).filter((row) => row[column('status')] === 'WAIVED');
    expect(waived.length).toBeGreaterThan(0);
    const tickets = waived.map((row) => row[column('ticket')]);
    expect(tickets).toContain(`'${HOSTILE_WAIVERS[0]?.ticket ?? ''}`);
    expect(tickets).toContain('');
    for (const row of rows.slice(1).filter((r) => r[column('status')] !== 'WAIVED')) expect(row[column('ticket')]).toBe('');
  });

  it('keeps quotes, commas and line breaks inside a field', () => {
    const messages = rows.slice(1).map((row) => row[column('message')] ?? '');
    expect(messages.some((m) => m.includes(HOSTILE.formula) && m.includes('\n') && m.includes(HOSTILE.xml))).toBe(true);
  });
});

describe('csvCell', () => {
  it('quotes fields with quotes, commas and line breaks, doubling quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('')).toBe('');
  });

  it('prefixes every formula trigger of the OWASP list with a quote', () => {
    for (const value of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '＝1+1']) expect(csvCell(value).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell('\u001b[31m=HYPERLINK("http://evil","x")')).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(csvCell('a=1')).toBe('a=1');
  });

  it('neutralises a formula trigger behind leading whitespace: spaces, line breaks, tabs, Unicode spaces', () => {
    for (const space of [' ', '   ', '\t', '\r', '\n', '\r\n', '\u00a0', '\u2003', '\u3000', '\u202f', '\u2028']) {
      for (const trigger of ['=', '+', '-', '@', '\t', '\r', '＝']) {
        const value = `${space}${trigger}HYPERLINK("http://evil","x")`;
        const cell = records(`${csvCell(value)}\r\n`)[0]?.[0] ?? '';
        expect(cell.startsWith("'"), JSON.stringify(value)).toBe(true);
      }
    }
    for (const value of [' plain', '\u00a0a=1', '  x-y', '']) expect(csvCell(value).startsWith("'"), JSON.stringify(value)).toBe(false);
  });
});

describe('CSV --csv-bom', () => {
  const report = cases()[0]?.report;
  if (!report) throw new Error('no demo case');

  it('starts with a UTF-8 byte order mark only when asked, the records unchanged', () => {
    const plain = csv.render(report, OPTIONS);
    const withBom = csv.render(report, { ...OPTIONS, csvBom: true });
    expect(plain.startsWith(UTF8_BOM)).toBe(false);
    expect(withBom).toBe(`${UTF8_BOM}${plain}`);
    expect(Buffer.from(withBom, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(parse(withBom, { bom: true, record_delimiter: ['\r\n'] })).toEqual(records(plain));
    expect([...csv.chunks(report, { ...OPTIONS, csvBom: true })].join('')).toBe(withBom);
  });

  it('is a flag of the CLI, for stdout and --output files alike', async () => {
    const plain = await runCli(['audit', '--snapshot', DEMO, '--format', 'csv']);
    const withBom = await runCli(['audit', '--snapshot', DEMO, '--format', 'csv', '--csv-bom']);
    expect(plain.stdout.startsWith(UTF8_BOM)).toBe(false);
    expect(withBom.stdout).toBe(`${UTF8_BOM}${plain.stdout}`);
    const dir = mkdtempSync(join(tmpdir(), 'cna-csv-bom-'));
    try {
      await runCli(['audit', '--snapshot', DEMO, '--output', `csv=${join(dir, 'findings.csv')}`, '--csv-bom']);
      expect(readFileSync(join(dir, 'findings.csv')).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      expect(readFileSync(join(dir, 'findings.csv'), 'utf8')).toBe(withBom.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
