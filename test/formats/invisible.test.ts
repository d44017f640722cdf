/**
 * Bidirectional and invisible Unicode from the account (issue 9, item 10): the formats people read
 * (text, Markdown, HTML, CSV, JUnit) show each such character as an escape (`\u202e`), like control
 * characters; the JSON formats (JSON, NDJSON, OCSF, ASFF, SARIF) keep the exact string.
 */
import { describe, expect, it } from 'vitest';
import { revealInvisible } from '../../src/formats/escape.js';
import { findFormatter } from '../../src/formats/index.js';
import type { FormatOptions } from '../../src/formats/types.js';
import { cases, INVISIBLE, INVISIBLE_CHARACTERS } from './cases.js';

const injection = cases()[1];
if (!injection) throw new Error('no injection case');
const { report } = injection;
const OPTIONS: FormatOptions = { color: false, unicode: true };
const render = (id: string) => findFormatter(id)?.render(report, OPTIONS) ?? '';

describe('revealInvisible', () => {
  it('shows bidirectional controls, zero-width characters, BOM, soft hyphen and tags as escapes', () => {
    expect(revealInvisible('a\u202eb\u202cc')).toBe('a\\u202eb\\u202cc');
    expect(revealInvisible('\u2066\u2067\u2068\u2069\u202a\u202b\u202d')).toBe('\\u2066\\u2067\\u2068\\u2069\\u202a\\u202b\\u202d');
    expect(revealInvisible('\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u061c')).toBe('\\u200b\\u200c\\u200d\\u200e\\u200f\\u2060\\ufeff\\u00ad\\u061c');
    expect(revealInvisible('x\u{e0041}\u{e007f}')).toBe('x\\u{e0041}\\u{e007f}');
    expect(revealInvisible('plain ascii, ünïcödé, 日本語, 🙂, \u2028')).toBe('plain ascii, ünïcödé, 日本語, 🙂, \u2028');
  });
});

describe('the injection fixture carries invisible characters', () => {
  it('in the instance alias, an approved origin, a directory and a call error', () => {
    const text = JSON.stringify(report);
    for (const c of Object.values(INVISIBLE)) expect(text).toContain(c);
  });
});

describe.each(['text', 'markdown', 'html', 'csv', 'junit'])('%s shows them as escapes', (id) => {
  it('has no invisible format character and shows the override as \\u202e', () => {
    // The HTML embeds the exact report as JSON data (JSON escaping is its consumer's business); the page around it is checked.
    const output = render(id).replace(/<script type="application\/json" id="report-data">[^<]*<\/script>/, '');
    expect(output).not.toMatch(INVISIBLE_CHARACTERS);
    expect(output).toMatch(/\\{1,2}u202e/);
    expect(output).toMatch(/\\{1,2}u\{e0041\}/);
  });
});

describe.each(['json', 'ndjson', 'ocsf', 'asff', 'sarif'])('%s keeps the exact string', (id) => {
  it('carries the override character itself, and no escape of it', () => {
    const output = render(id);
    expect(output).toContain(INVISIBLE.override);
    expect(output).not.toContain('\\u202e');
    for (const line of id === 'ndjson' || id === 'ocsf' ? output.trimEnd().split('\n') : [output]) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });
});
