import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { severityRank, STATUSES, type Status } from '../../src/findings/status.js';
import { escapeMarkdown, httpsUrl, markdownCode, oneLine, revealInvisible } from '../../src/formats/escape.js';
import { findFormatter } from '../../src/formats/index.js';
import { cutUtf8, MARKDOWN_MAX_BYTES, MARKDOWN_MIN_BYTES, markdown, parseMaxBytes, PR_COMMENT_MAX_BYTES, renderMarkdown } from '../../src/formats/markdown.js';
import { mermaidLabel, STATUS_COLOURS, STATUS_SYMBOLS } from '../../src/formats/mermaid.js';
import type { FormatOptions } from '../../src/formats/types.js';
import { DOCUMENTED_HOPS } from '../../src/paths/hops.js';
import type { Finding, Report } from '../../src/report/schema.js';
import { DEMO_EVIDENCE, reportFor } from '../helpers/report.js';
import { cases, HOSTILE } from './cases.js';

const OPTIONS: FormatOptions = { color: false, unicode: true };
const FAILURE = new Set<Status>(['FAIL', 'ERROR']);

/** Hostile in every way Markdown, GFM autolinks and Mermaid care about, and a few more. */
const EVIL = `a|b \`code\` \`\`x\`\`\` **bold** _em_ [link](javascript:alert(1)) <script>alert(1)</script><img src=x onerror=alert(1)>\n# heading\r\n| x | y |\u2028${HOSTILE.mermaid} ~~s~~ $x$ \\| http://evil.example/a www.evil.example evil@evil.example <https://evil.example/b>`;

/** GitHub renders job summaries and comments as GFM (cmark-gfm); micromark with its GFM extension follows the same spec. */
function gfmToHtml(text: string): string {
  return micromark(text, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
}

/** The tags our Markdown may produce: anything else came from a value. */
const TAGS = new Set(['h2', 'h3', 'h4', 'p', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'ul', 'li', 'strong', 'em', 'code', 'pre', 'a', 'blockquote', 'br']);

function tagsOf(html: string): Set<string> {
  return new Set([...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => (m[1] as string).toLowerCase()));
}

function hrefsOf(html: string): string[] {
  return [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => (m[1] as string).replace(/&amp;/g, '&'));
}

/** Decoded text of every <code> element outside <pre>. */
function codeSpansOf(html: string): string[] {
  const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return [...html.replace(/<pre>[\s\S]*?<\/pre>/g, '').matchAll(/<code>([\s\S]*?)<\/code>/g)].map((m) => decode(m[1] as string));
}

/** The links a report may hold: its rules' https references, nothing from the account. */
function allowedLinks(report: Report): Set<string> {
  return new Set(report.findings.flatMap((f) => f.references.map(httpsUrl).filter((u): u is string => u !== undefined)));
}

interface Parsed {
  /** Lines outside fenced code blocks. */
  prose: string[];
  /** The body of each ```mermaid block. */
  mermaid: string[][];
}

function parse(text: string): Parsed {
  const parsed: Parsed = { prose: [], mermaid: [] };
  let block: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) {
      if (block) {
        expect(line).toBe('```');
        parsed.mermaid.push(block);
        block = undefined;
      } else {
        expect(line).toBe('```mermaid');
        block = [];
      }
    } else if (block) {
      block.push(line);
    } else {
      parsed.prose.push(line);
    }
  }
  expect(block, 'every fence is closed').toBeUndefined();
  return parsed;
}

/** Cells of a table row: split on pipes that are not backslash-escaped. */
function cells(line: string): string[] {
  expect(line.startsWith('| ') && line.endsWith(' |'), line).toBe(true);
  return line.slice(2, -2).split(/(?<!\\)\|/);
}

/** Consecutive `|` lines, each a table. */
function tables(prose: string[]): string[][] {
  const found: string[][] = [];
  let current: string[] | undefined;
  for (const line of prose) {
    if (line.startsWith('|')) {
      current ??= [];
      current.push(line);
    } else if (current) {
      found.push(current);
      current = undefined;
    }
  }
  if (current) found.push(current);
  return found;
}

/** What a Mermaid flowchart line of ours may look like: labels only in double quotes, with no quote inside. */
const MERMAID_LINE = new RegExp(
  [
    '^(?:flowchart LR',
    ' {2}accTitle: [\\w .,]+',
    ' {2}accDescr: [\\w .,]+',
    ' {2}subgraph \\w+\\["[^"]*"\\]',
    ' {2}end',
    ' {4}\\w+(?:\\["[^"[\\]`|<>]*"\\])? -->\\|"[^"[\\]`|<>]*"\\| \\w+(?:\\["[^"[\\]`|<>]*"\\])?',
    ' {2}linkStyle \\d+ stroke:#[0-9a-f]{6},stroke-width:3px(?:,stroke-dasharray:6 4)?)$',
  ].join('|'),
);

function hopStatuses(report: Report, instanceArn: string): Map<string, Status> {
  return new Map(report.hops.filter((h) => h.instanceArn === instanceArn).map((h) => [h.hop, h.status]));
}

/** Item lines of the findings lists, in order. */
function items(text: string): string[] {
  return text.split('\n').filter((line) => /^- \S+ \*\*(FAIL|ERROR|WAIVED)\*\*/.test(line));
}

function expectWellFormed(report: Report, text: string, drawn = report.instances.length): Parsed {
  const parsed = parse(text);
  expect(parsed.mermaid).toHaveLength(drawn);
  for (const block of parsed.mermaid) {
    for (const line of block) expect(line, 'Mermaid line').toMatch(MERMAID_LINE);
  }
  for (const table of tables(parsed.prose)) {
    const width = cells(table[0] ?? '').length;
    expect(cells(table[1] ?? '').every((c) => c.trim() === '---')).toBe(true);
    for (const line of table) expect(cells(line), line).toHaveLength(width);
  }
  for (const line of parsed.prose) expect(line).not.toMatch(/[\r\u2028\u2029\u0000-\u0008\u000b-\u001f]/);
  // As GitHub renders it: no HTML but ours, and no link but the rules' references.
  const html = gfmToHtml(text);
  expect([...tagsOf(html)].filter((t) => !TAGS.has(t))).toEqual([]);
  const allowed = allowedLinks(report);
  for (const href of hrefsOf(html)) expect(allowed.has(href), href).toBe(true);
  // Every table row has the columns of its header, as rendered (a pipe in a value did not add a cell).
  for (const table of html.match(/<table>[\s\S]*?<\/table>/g) ?? []) {
    const rows = table.match(/<tr>[\s\S]*?<\/tr>/g) ?? [];
    const width = (rows[0]?.match(/<th[ >]/g) ?? []).length;
    for (const tr of rows.slice(1)) expect((tr.match(/<td[ >]/g) ?? []).length).toBe(width);
  }
  return parsed;
}

describe('markdown for the demo report', () => {
  const report = reportFor(DEMO_EVIDENCE);
  const text = markdown.render(report, OPTIONS);
  const parsed = expectWellFormed(report, text);

  it('is registered as a format and renders like renderMarkdown', () => {
    expect(findFormatter('markdown')).toBe(markdown);
    expect(markdown.extension).toBe('.md');
    expect(text).toBe(renderMarkdown(report));
    expect(text.endsWith('\n') && !text.endsWith('\n\n')).toBe(true);
  });

  it('starts with the result and a summary table of result, exit code, fail-on and counts', () => {
    expect(text.startsWith(`## ❌ Amazon Connect network paths: ${report.summary.result}\n`)).toBe(true);
    const [summary] = tables(parsed.prose);
    expect(summary?.[0]).toContain('| Result | Exit code | Fail on | Instances |');
    const values = cells(summary?.[2] ?? '').map((c) => c.trim());
    expect(values.slice(0, 4)).toEqual([`**${report.summary.result}**`, String(report.summary.exitCode), report.summary.failOn, String(report.instances.length)]);
    expect(values.slice(4)).toEqual(STATUSES.map((s) => String(report.summary.counts[s])));
  });

  it('lists the FAIL and ERROR findings right after the summary, most severe first, before any diagram', () => {
    const failures = report.findings.filter((f) => FAILURE.has(f.status));
    expect(failures.length).toBeGreaterThan(0);
    const listed = items(text);
    expect(listed).toHaveLength(failures.length);
    const severities = listed.map((line) => / · (critical|high|medium|low|info) · /.exec(line)?.[1] as Finding['severity']);
    expect(severities.map(severityRank)).toEqual([...severities.map(severityRank)].sort((a, b) => a - b));
    const order = ['| Result |', `### Findings to act on (${failures.length})`, '### Network paths of each instance', '```mermaid'].map((s) => text.indexOf(s));
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > (order[i - 1] ?? 0)))).toBe(true);
    expect(text.lastIndexOf('**FAIL**')).toBeLessThan(text.indexOf('```mermaid'));
  });

  it('gives every FAIL and ERROR finding its severity, message, remediation and a link to its rule', () => {
    const failures = report.findings.filter((f) => FAILURE.has(f.status)).sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
    const listed = items(text);
    failures.forEach((finding, index) => {
      expect(listed[index]).toContain(`**${finding.status}** · ${finding.severity} · [\`${finding.ruleId}\`](${finding.references[0]}): ${escapeMarkdown(finding.title)}`);
      expect(text).toContain(`  - ${markdownCode(finding.message)}`);
      expect(text).toContain(`  - **Fix:** ${markdownCode(finding.remediation)}`);
    });
    // PASS findings are counted in the summary, not listed.
    const passing = report.findings.find((f) => f.status === 'PASS');
    expect(text).not.toContain(markdownCode(passing?.message ?? 'no PASS finding'));
  });

  it('draws one Mermaid diagram per instance, every documented hop labelled and coloured by its status', () => {
    report.instances.forEach((instance, index) => {
      const block = parsed.mermaid[index] ?? [];
      const statuses = hopStatuses(report, instance.instanceArn);
      const edges = block.filter((line) => line.includes('-->'));
      const styles = block.filter((line) => line.startsWith('  linkStyle'));
      expect(edges).toHaveLength(DOCUMENTED_HOPS.length);
      expect(styles).toHaveLength(DOCUMENTED_HOPS.length);
      // Links are numbered in the order they are drawn: voice hops, then auth hops, as in DOCUMENTED_HOPS.
      DOCUMENTED_HOPS.forEach((hop, link) => {
        const status = statuses.get(hop.id) as Status;
        expect(status, `${instance.instanceId} ${hop.id}`).toBeDefined();
        expect(edges[link]).toContain(`|"${hop.id}: ${STATUS_SYMBOLS[status]} ${status}"|`);
        expect(styles[link]).toMatch(new RegExp(`^  linkStyle ${link} stroke:${STATUS_COLOURS[status]},stroke-width:3px`));
      });
    });
    // The demo has failing, passing, managed and not-applicable hops: the colours differ.
    const colours = new Set(parsed.mermaid.flat().filter((l) => l.includes('linkStyle')).map((l) => /stroke:(#\w+)/.exec(l)?.[1]));
    expect(colours.size).toBeGreaterThanOrEqual(4);
  });

  it('has a hop table per instance with every hop, its status and protection', () => {
    const hopTables = tables(parsed.prose).filter((t) => t[0]?.startsWith('| Hop | Status | Protection'));
    expect(hopTables).toHaveLength(report.instances.length);
    report.instances.forEach((instance, index) => {
      const rows = (hopTables[index] ?? []).slice(2).map((line) => cells(line).map((c) => c.trim()));
      const hops = report.hops.filter((h) => h.instanceArn === instance.instanceArn);
      expect(rows.map((r) => r[0])).toEqual(hops.map((h) => `\`${h.hop}\``));
      expect(rows.map((r) => r[1]?.split(' ')[1])).toEqual(hops.map((h) => h.status));
      expect(rows.map((r) => r[2])).toEqual(hops.map((h) => escapeMarkdown(h.protection)));
    });
  });

  it('writes account values as code spans: the http:// approved origin is no link', () => {
    const origin = 'http://crm.acme.example';
    expect(text).toContain(origin);
    const html = gfmToHtml(text);
    expect(hrefsOf(html).filter((h) => h.includes('acme.example'))).toEqual([]);
    expect(codeSpansOf(html).some((c) => c.includes(origin))).toBe(true);
    for (const instance of report.instances) expect(text).toContain(`#### \`${instance.instanceAlias}\``);
  });

  it('does not truncate a report that fits', () => {
    expect(text).not.toContain('Left out');
  });
});

describe.each(cases())('markdown for the $name', ({ report }) => {
  it('keeps its tables, code spans and Mermaid blocks intact, and GitHub would render no HTML or link from a value', () => {
    expectWellFormed(report, markdown.render(report, OPTIONS));
  });
});

describe('markdown with hostile account strings', () => {
  const clean = reportFor(DEMO_EVIDENCE);
  const hostile: Report = structuredClone(clean);
  for (const instance of hostile.instances) instance.instanceAlias = EVIL;
  const first = hostile.instances[0];
  if (first) first.accessUrl = `http://x.example/${EVIL}`;
  hostile.findings = hostile.findings.map(
    (f): Finding => ({
      ...f,
      message: `${f.message} ${EVIL}`,
      remediation: EVIL,
      resource: { ...f.resource, arn: `${f.resource.arn}${EVIL}` },
      references: ['javascript:alert(1)', `https://example.com/a)b(c "d" <e>`],
      ...(f.status === 'FAIL' && f.severity === 'medium' ? { status: 'WAIVED' as const, waiver: { reason: EVIL, expires: '2099-12-31', originalStatus: 'FAIL' as const, ticket: EVIL } } : {}),
    }),
  );
  hostile.errors = [{ service: 'connect', operation: 'ListApprovedOrigins', resource: EVIL, code: EVIL, message: EVIL, iamAction: EVIL }];
  hostile.warnings = [EVIL];
  const text = markdown.render(hostile, OPTIONS);
  const parsed = expectWellFormed(hostile, text);
  const html = gfmToHtml(text);

  it('cannot break a table, a list, a code span or a Mermaid block', () => {
    // Account strings never reach the diagrams: they are the same as for the clean report.
    expect(parsed.mermaid).toEqual(parse(markdown.render(clean, OPTIONS)).mermaid);
    // Newlines and line separators in values did not start new lines: every line is one of ours.
    for (const line of parsed.prose) {
      expect(line, line).toMatch(/^(?:$|## |### |#### |\| |- | {2}- |> |_|connect-netpath-audit |Hop colours: |`arn:|``arn:|account `|FAIL and ERROR )/);
    }
    expect(text).not.toMatch(/^# heading/m);
    expect(items(text).filter((l) => l.includes('**WAIVED**')).length).toBeGreaterThan(0);
  });

  it('makes no link of account text: GFM autolinks, <…> autolinks and [text](url) stay text', () => {
    const hrefs = hrefsOf(html);
    expect(hrefs.length).toBeGreaterThan(0);
    expect(new Set(hrefs)).toEqual(new Set(['https://example.com/a%29b%28c%20%22d%22%20%3Ce%3E']));
    expect(html).not.toMatch(/<(script|img)\b/);
  });

  it('shows each value as it is, on one line, in a code span', () => {
    const spans = codeSpansOf(html);
    const shown = revealInvisible(oneLine(EVIL));
    // Alias (heading), waiver reason and ticket, remediation, warning, error cells: the whole value.
    expect(spans.filter((s) => s === shown).length).toBeGreaterThanOrEqual(hostile.instances.length + 3);
    expect(spans).toContain(`http://x.example/${shown}`);
  });

  it('links rules only to https URLs, with the characters that could end a link percent-encoded', () => {
    // `[link](javascript:…)` in account text sits in code spans (see above); rule links are https only.
    expect(text).toContain('](https://example.com/a%29b%28c%20%22d%22%20%3Ce%3E)');
  });
});

describe('markdownCode', () => {
  const span = (value: string) => codeSpansOf(gfmToHtml(markdownCode(value)));

  it.each([
    ['plain', 'arn:aws:s3:::bucket'],
    ['a backtick', 'a`b'],
    ['runs of backticks', 'x ``` y `` z ` w'],
    ['a leading and trailing backtick', '`x`'],
    ['leading and trailing spaces', ' x '],
    ['a URL', 'http://evil.example/a'],
    ['HTML and entities', '<b>&amp;</b>'],
    ['a backslash at the end', 'C:\\dir\\'],
    ['pipes and an escaped pipe', 'a|b\\|c'],
  ])('is one code span holding exactly the value: %s', (_label, value) => {
    expect(span(value)).toEqual([value]);
  });

  it('is empty for empty text, and one line for text with line breaks', () => {
    expect(markdownCode('')).toBe('');
    expect(span('a\nb\r\nc\u2028d')).toEqual(['a b  c d']);
  });
});

describe('mermaidLabel', () => {
  it('leaves no character that could end a quoted label, an edge or a code fence', () => {
    const label = mermaidLabel(`${HOSTILE.mermaid} |x| \`\`\` <b>&amp; #35; {y}\n%%`);
    expect(label).not.toMatch(/["[\]()|`<>{}\n]/);
    expect(label).toContain('#34;#93;--#62;x#91;#40;');
  });
});

describe('markdown size limit', () => {
  const base = reportFor(DEMO_EVIDENCE);
  const failing = base.findings.find((f) => f.status === 'FAIL') as Finding;
  const many: Report = {
    ...base,
    findings: Array.from({ length: 4000 }, (_, i) => ({ ...failing, id: `f${i}`, severity: i % 2 ? ('low' as const) : ('critical' as const), message: `${i} ${'x'.repeat(400)}` })),
  };
  const LEFT_OUT = /\n_Left out to stay within ([\d,]+) bytes \(--max-bytes\): (.*)\. The JSON, SARIF and HTML reports have everything\._\n$/;

  it('defaults to 1 MiB, GitHub’s job-summary limit', () => {
    expect(MARKDOWN_MAX_BYTES).toBe(1_048_576);
    expect(PR_COMMENT_MAX_BYTES).toBe(65_536);
  });

  it(`stays within ${MARKDOWN_MAX_BYTES} bytes, failures first, and says what it left out`, () => {
    const text = markdown.render(many, OPTIONS);
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(MARKDOWN_MAX_BYTES);
    const shown = items(text);
    expect(shown.length).toBeGreaterThan(1000);
    // The 2,000 critical ones come before any low one.
    expect(shown.slice(0, 2000).every((l) => l.includes(' · critical · '))).toBe(true);
    const note = LEFT_OUT.exec(text);
    expect(note, 'left-out line').not.toBeNull();
    expect(note?.[1]).toBe('1,048,576');
    const left = Number(/([\d,]+) FAIL\/ERROR finding\(s\)/.exec(note?.[2] ?? '')?.[1]?.replace(/,/g, ''));
    expect(shown.length + left).toBe(many.findings.length);
    // The diagrams did not fit after the failures: all of them are left out, and counted.
    expect(note?.[2]).toContain(`${base.instances.length} instance diagram(s)`);
    expectWellFormed(many, text, 0);
  });

  it('stays within a PR comment’s 65,536 bytes and ends with the left-out line', () => {
    const text = renderMarkdown(many, { maxBytes: PR_COMMENT_MAX_BYTES });
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(PR_COMMENT_MAX_BYTES);
    expect(text).toMatch(LEFT_OUT);
    expect(text).toContain('| Result | Exit code |');
  });

  it('drops the diagrams and the rest before the summary and the failures', () => {
    const text = renderMarkdown(base, { maxBytes: 8_000 });
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(8_000);
    expect(text).toMatch(LEFT_OUT);
    expect(text).toContain('| Result | Exit code |');
    expect(text).not.toContain('```mermaid');
    expectWellFormed(base, text, 0);
  });

  it('is valid UTF-8 within the limit at every size, with multi-byte text everywhere', () => {
    const wide: Report = { ...many, findings: many.findings.slice(0, 300).map((f) => ({ ...f, message: `😀 ${'é漢'.repeat(50)} 😀` })) };
    for (const maxBytes of [MARKDOWN_MIN_BYTES, 5_000, 9_999, 20_001, 65_536]) {
      const text = renderMarkdown(wide, { maxBytes });
      const encoded = Buffer.from(text, 'utf8');
      expect(encoded.length, String(maxBytes)).toBeLessThanOrEqual(maxBytes);
      expect(encoded.toString('utf8')).toBe(text);
      expect(text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
      expect(text).toMatch(LEFT_OUT);
    }
  });

  it('cuts even the summary at a character boundary under an absurd limit', () => {
    for (const maxBytes of [0, 1, 50, 301]) {
      const text = renderMarkdown(base, { maxBytes });
      expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(Math.max(maxBytes, 1));
      expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
    }
  });
});

describe('cutUtf8', () => {
  it('never splits a character', () => {
    const text = 'aé漢😀b';
    const lengths = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    expect(lengths.map((n) => cutUtf8(text, n))).toEqual(['', 'a', 'a', 'aé', 'aé', 'aé', 'aé漢', 'aé漢', 'aé漢', 'aé漢', 'aé漢😀', 'aé漢😀b']);
  });
});

describe('parseMaxBytes', () => {
  it('takes whole numbers from the minimum up', () => {
    expect(parseMaxBytes(undefined)).toBeUndefined();
    expect(parseMaxBytes('65536')).toBe(65_536);
    expect(parseMaxBytes(String(MARKDOWN_MIN_BYTES))).toBe(MARKDOWN_MIN_BYTES);
  });

  it.each(['', 'abc', '100', '-65536', '1e6', '65536.5', '0x10000', '99999999999999999999'])('refuses %j', (value) => {
    expect(() => parseMaxBytes(value)).toThrow(InputError);
  });
});
