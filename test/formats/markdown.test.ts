import { describe, expect, it } from 'vitest';
import { STATUSES, type Status } from '../../src/findings/status.js';
import { escapeMarkdown } from '../../src/formats/escape.js';
import { findFormatter } from '../../src/formats/index.js';
import { MARKDOWN_MAX_BYTES, markdown, renderMarkdown } from '../../src/formats/markdown.js';
import { mermaidLabel, STATUS_COLOURS, STATUS_SYMBOLS } from '../../src/formats/mermaid.js';
import type { FormatOptions } from '../../src/formats/types.js';
import { DOCUMENTED_HOPS } from '../../src/paths/hops.js';
import type { Finding, Report } from '../../src/report/schema.js';
import { DEMO_EVIDENCE, reportFor } from '../helpers/report.js';
import { cases, HOSTILE } from './cases.js';

const OPTIONS: FormatOptions = { color: false, unicode: true };
const ATTENTION = new Set<Status>(['FAIL', 'ERROR', 'WAIVED']);

/** Hostile in every way Markdown and Mermaid care about, and a few more. */
const EVIL = `a|b \`code\` **bold** _em_ [link](javascript:alert(1)) <script>alert(1)</script><img src=x onerror=alert(1)>\n# heading\r\n| x | y |\u2028${HOSTILE.mermaid} ~~s~~ $x$ \\|`;

interface Parsed {
  /** Lines outside fenced code blocks. */
  prose: string[];
  /** The body of each ```mermaid block. */
  mermaid: string[][];
  fences: number;
}

function parse(text: string): Parsed {
  const parsed: Parsed = { prose: [], mermaid: [], fences: 0 };
  let block: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) {
      parsed.fences += 1;
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

function expectWellFormed(report: Report, text: string): Parsed {
  const parsed = parse(text);
  expect(parsed.mermaid).toHaveLength(report.instances.length);
  for (const block of parsed.mermaid) {
    for (const line of block) expect(line, 'Mermaid line').toMatch(MERMAID_LINE);
  }
  for (const table of tables(parsed.prose)) {
    const width = cells(table[0] ?? '').length;
    expect(cells(table[1] ?? '').every((c) => c.trim() === '---')).toBe(true);
    for (const line of table) expect(cells(line), line).toHaveLength(width);
  }
  for (const line of parsed.prose) {
    // No HTML at all: every < is an entity, so no tag (and no <…> autolink) can open.
    expect(line).not.toContain('<');
    // Backticks pair up within a line: an account value cannot open a code span that swallows the rest.
    expect(line.replace(/\\`/g, '').split('`').length % 2, line).toBe(1);
    expect(line).not.toMatch(/[\r\u2028\u2029\u0000-\u0008\u000b-\u001f]/);
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
  });

  it('starts with the result and a summary table of result, exit code, fail-on and counts', () => {
    expect(text.startsWith(`## ❌ Amazon Connect network paths: ${report.summary.result}\n`)).toBe(true);
    const [summary] = tables(parsed.prose);
    expect(summary?.[0]).toContain('| Result | Exit code | Fail on | Instances |');
    const values = cells(summary?.[2] ?? '').map((c) => c.trim());
    expect(values.slice(0, 4)).toEqual([`**${report.summary.result}**`, String(report.summary.exitCode), report.summary.failOn, String(report.instances.length)]);
    expect(values.slice(4)).toEqual(STATUSES.map((s) => String(report.summary.counts[s])));
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

  it('lists every FAIL, ERROR and WAIVED finding with severity, message, remediation and a link to its rule', () => {
    const attention = report.findings.filter((f) => ATTENTION.has(f.status));
    expect(attention.length).toBeGreaterThan(0);
    expect(text).toContain(`### Findings to act on (${attention.length})`);
    const items = parsed.prose.filter((line) => /^- \S+ \*\*(FAIL|ERROR|WAIVED)\*\*/.test(line));
    expect(items).toHaveLength(attention.length);
    attention.forEach((finding, index) => {
      const item = items[index] ?? '';
      expect(item).toContain(`**${finding.status}** · ${finding.severity} · [\`${finding.ruleId}\`](${finding.references[0]})`);
      expect(text).toContain(`  - ${escapeMarkdown(finding.message)}`);
      expect(text).toContain(`  - **Fix:** ${escapeMarkdown(finding.remediation)}`);
    });
    // PASS findings are counted in the summary, not listed.
    const passing = report.findings.find((f) => f.status === 'PASS');
    expect(text).not.toContain(escapeMarkdown(passing?.message ?? 'no PASS finding'));
  });
});

describe.each(cases())('markdown for the $name', ({ report }) => {
  it('keeps its tables, code spans and Mermaid blocks intact and holds no HTML', () => {
    expectWellFormed(report, markdown.render(report, OPTIONS));
  });
});

describe('markdown with hostile account strings', () => {
  const clean = reportFor(DEMO_EVIDENCE);
  const hostile: Report = structuredClone(clean);
  for (const instance of hostile.instances) instance.instanceAlias = EVIL;
  const first = hostile.instances[0];
  if (first) first.accessUrl = `https://x.example/${EVIL}`;
  hostile.findings = hostile.findings.map(
    (f): Finding => ({
      ...f,
      title: EVIL,
      message: `${f.message} ${EVIL}`,
      remediation: EVIL,
      resource: { ...f.resource, arn: `${f.resource.arn}${EVIL}` },
      references: ['javascript:alert(1)', `https://example.com/a)b(c "d" <e>`],
      ...(f.status === 'FAIL' ? { status: 'WAIVED' as const, waiver: { reason: EVIL, expires: '2099-12-31', originalStatus: 'FAIL' as const, ticket: EVIL } } : {}),
    }),
  );
  hostile.errors = [{ service: 'connect', operation: 'ListApprovedOrigins', resource: EVIL, code: EVIL, message: EVIL, iamAction: EVIL }];
  hostile.warnings = [EVIL];
  const text = markdown.render(hostile, OPTIONS);
  const parsed = expectWellFormed(hostile, text);

  it('cannot break a table, a list, a code span or a Mermaid block', () => {
    // Account strings never reach the diagrams: they are the same as for the clean report.
    expect(parsed.mermaid).toEqual(parse(markdown.render(clean, OPTIONS)).mermaid);
    // Newlines and line separators in values did not start new lines: every line is one of ours.
    for (const line of parsed.prose) {
      expect(line, line).toMatch(/^(?:$|## |### |\| |- | {2}- |> |_|connect-netpath-audit |Hop colours: |`arn:|account `|FAIL, ERROR and WAIVED )/);
    }
    expect(text).not.toMatch(/^# heading/m);
  });

  it('escapes every Markdown metacharacter of the value, which reads back as the original text', () => {
    const escaped = escapeMarkdown(EVIL);
    expect(text).toContain(`### ${escaped}`);
    expect(escaped).not.toMatch(/[<>\n\r\u2028]/);
    expect(escaped).toContain('a\\|b \\`code\\` \\*\\*bold\\*\\* \\_em\\_ \\[link\\](javascript:alert(1)) &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escaped).toContain('\\~\\~s\\~\\~ \\$x\\$ \\\\\\|');
    // Undoing the escapes gives the value with each line-break character as a space.
    const unescaped = escaped.replace(/\\(.)/g, '$1').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    expect(unescaped).toBe(EVIL.replace(/[\r\n\u2028]/g, ' '));
  });

  it('links rules only to https URLs, with the characters that could end a link percent-encoded', () => {
    expect(text).not.toMatch(/(?<!\\)\]\(javascript:/);
    expect(text).toContain('](https://example.com/a%29b%28c%20%22d%22%20%3Ce%3E)');
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
    findings: Array.from({ length: 4000 }, (_, i) => ({ ...failing, id: `f${i}`, message: `${i} ${'x'.repeat(400)}` })),
  };

  it(`stays under ${MARKDOWN_MAX_BYTES} bytes, cutting the findings list short with a note`, () => {
    const text = markdown.render(many, OPTIONS);
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(MARKDOWN_MAX_BYTES);
    const shown = text.split('\n').filter((l) => l.startsWith('- 🔴 **FAIL**')).length;
    expect(shown).toBeGreaterThan(1000);
    const note = /_…and (\d+) more finding\(s\) not shown, to keep this summary under 1,000 kB/.exec(text);
    expect(note, 'truncation note').not.toBeNull();
    expect(shown + Number(note?.[1])).toBe(many.findings.length);
    expectWellFormed(many, text);
  });

  it('drops whole instance sections before the summary when even those do not fit', () => {
    const text = renderMarkdown(base, { maxBytes: 8_000 });
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(8_000);
    expect(text).toMatch(/_\d+ more instance\(s\) not drawn/);
    expect(text).toContain('| Result | Exit code |');
    parse(text);
  });

  it('does not truncate a report that fits', () => {
    expect(markdown.render(base, OPTIONS)).not.toMatch(/not shown|not drawn/);
  });
});
