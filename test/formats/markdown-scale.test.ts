/**
 * Markdown for a large estate (issue 11): at 900 instances every FAIL comes before any diagram, the
 * job summary stays within GitHub's 1 MiB, and through the built CLI `--max-bytes 65536` (a PR
 * comment) gives at most 65,536 bytes ending with the line that says what was left out.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateEvidence, offlineOptions } from '../../bench/lib/generate.js';
import { severityRank } from '../../src/findings/status.js';
import { markdownCode } from '../../src/formats/escape.js';
import { MARKDOWN_MAX_BYTES, PR_COMMENT_MAX_BYTES, renderMarkdown } from '../../src/formats/markdown.js';
import { runCli } from '../helpers/cli.js';
import { reportForEvidence } from '../helpers/report.js';

const INSTANCES = 900;
const LEFT_OUT = /\n_Left out to stay within [\d,]+ bytes \(--max-bytes\): [^\n]*\._\n$/;

describe(`markdown at ${INSTANCES} instances`, () => {
  const evidence = generateEvidence(offlineOptions(INSTANCES));
  const report = reportForEvidence(evidence);
  const t0 = performance.now();
  const text = renderMarkdown(report);
  const ms = performance.now() - t0;
  const dir = mkdtempSync(join(tmpdir(), 'md-scale-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows FAIL and ERROR findings, most severe first, before any diagram, within 1 MiB, and counts the rest', () => {
    const bytes = Buffer.byteLength(text, 'utf8');
    console.log(`markdown, ${INSTANCES} instances, ${report.findings.length} findings: ${bytes} bytes in ${Math.round(ms)} ms`);
    expect(bytes).toBeLessThanOrEqual(MARKDOWN_MAX_BYTES);
    const failures = report.findings.filter((f) => f.status === 'FAIL' || f.status === 'ERROR').sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
    const listed = text.split('\n').filter((line) => /^- \S+ \*\*(FAIL|ERROR)\*\*/.test(line));
    expect(listed.length).toBeGreaterThan(1000);
    // Those shown are the most severe ones, in order, each with its message.
    let at = 0;
    for (const f of failures.slice(0, listed.length)) {
      at = text.indexOf(`  - ${markdownCode(f.message)}\n`, at);
      expect(at, f.id).toBeGreaterThan(-1);
    }
    // More failures than 1 MiB holds: every byte went to them, no diagram was drawn, and the last line counts what was left out.
    const note = LEFT_OUT.exec(text)?.[0] ?? '';
    expect(note).toContain(`${(failures.length - listed.length).toLocaleString('en-US')} FAIL/ERROR finding(s), ${INSTANCES} instance diagram(s)`);
    expect(text).not.toContain('```mermaid');
  });

  it('at 10 instances, where everything fits, draws the diagrams only after the last FAIL', () => {
    const small = reportForEvidence(generateEvidence(offlineOptions(10)));
    const md = renderMarkdown(small);
    const failures = small.findings.filter((f) => f.status === 'FAIL' || f.status === 'ERROR');
    expect(md.split('\n').filter((line) => /^- \S+ \*\*(FAIL|ERROR)\*\*/.test(line))).toHaveLength(failures.length);
    expect((md.match(/```mermaid/g) ?? []).length).toBe(small.instances.length);
    expect(md.lastIndexOf('**FAIL**')).toBeLessThan(md.indexOf('```mermaid'));
    expect(md).not.toContain('Left out');
  });

  it(`through the CLI, --max-bytes ${PR_COMMENT_MAX_BYTES} gives at most that many bytes and ends with the left-out line`, async () => {
    const snapshot = join(dir, 'evidence.json');
    writeFileSync(snapshot, JSON.stringify(evidence));
    const result = await runCli(['audit', '--snapshot', snapshot, '--format', 'markdown', '--max-bytes', String(PR_COMMENT_MAX_BYTES)], { timeoutMs: 120_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(Buffer.byteLength(result.stdout, 'utf8')).toBeLessThanOrEqual(PR_COMMENT_MAX_BYTES);
    expect(result.stdout).toMatch(LEFT_OUT);
    expect(result.stdout).toMatch(/^## ❌ Amazon Connect network paths: FAIL\n/);
    expect(result.stdout).not.toContain('```mermaid');
  }, 180_000);

  it('refuses a --max-bytes below the minimum (exit 2, nothing audited)', async () => {
    const result = await runCli(['audit', '--snapshot', join(dir, 'evidence.json'), '--format', 'markdown', '--max-bytes', '100']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/--max-bytes 100: expected a whole number of bytes, at least 4096/);
  });
});
