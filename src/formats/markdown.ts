/**
 * GitHub-flavoured Markdown for CI job summaries (`$GITHUB_STEP_SUMMARY`) and pull request comments,
 * failures first, so that a size limit never spends its budget on diagrams before the failures:
 *
 * 1. the summary table and the run's warnings;
 * 2. the FAIL and ERROR findings, most severe first;
 * 3. per instance a Mermaid diagram of both paths coloured by hop status, and its hop table;
 * 4. the calls that failed, then the WAIVED findings.
 *
 * The output never exceeds `maxBytes` UTF-8 bytes (default 1 MiB, GitHub's job-summary limit; 65,536
 * for a PR comment): parts are written in that order while they fit, and a last line counts what was
 * left out. Account-controlled values (aliases, ARNs, access URLs, origins, messages, waiver reasons
 * and tickets) are code spans, where GFM neither parses Markdown nor autolinks URLs.
 */
import { InputError } from '../errors.js';
import { severityRank, STATUSES, type Status } from '../findings/status.js';
import type { ErrorEntry, Finding, HopResult, InstanceInfo, Report } from '../report/schema.js';
import { escapeMarkdown, httpsUrl, markdownCode, oneLine } from './escape.js';
import { pathsMermaid } from './mermaid.js';
import { type FindingSource, sourceLocation, sourceName } from './source.js';
import { hopsOf, indexReport, kept, streamingFormatter, trimmedEnd } from './stream.js';

/**
 * GitHub's limit of one step's job summary (workflow-commands, "Step isolation and limits": "each step
 * is restricted to a maximum size of 1MiB").
 */
export const MARKDOWN_MAX_BYTES = 1_048_576;

/** GitHub refuses a pull request or issue comment over 65,536 characters; as many bytes are never more characters. */
export const PR_COMMENT_MAX_BYTES = 65_536;

/** The smallest `--max-bytes`: room for the summary table and the note of what was left out. */
export const MARKDOWN_MIN_BYTES = 4_096;

/** `--max-bytes N`: a whole number of bytes from {@link MARKDOWN_MIN_BYTES} up. */
export function parseMaxBytes(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const bytes = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes < MARKDOWN_MIN_BYTES) {
    throw new InputError(
      `--max-bytes ${oneLine(value)}: expected a whole number of bytes, at least ${MARKDOWN_MIN_BYTES} (${MARKDOWN_MAX_BYTES} for a job summary, ${PR_COMMENT_MAX_BYTES} for a PR comment)`,
    );
  }
  return bytes;
}

/** Emoji closest to each diagram colour, for tables and lists where Markdown has no colour. */
const STATUS_EMOJI: Readonly<Record<Status, string>> = {
  PASS: '🟢',
  FAIL: '🔴',
  ERROR: '🟣',
  WAIVED: '🟡',
  MANAGED: '🔵',
  NOT_APPLICABLE: '⚪',
};

const RESULT_EMOJI: Readonly<Record<Report['summary']['result'], string>> = { PASS: '✅', FAIL: '❌', INCOMPLETE: '⚠️' };

/** Tool text (rule titles, hop protections, enums): escaped inline Markdown. */
const md = escapeMarkdown;
/** Account-controlled or report-supplied values: code spans. */
const code = markdownCode;

function status(s: Status): string {
  return `${STATUS_EMOJI[s]} ${s}`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function tableHead(header: readonly string[]): string {
  return `${row(header)}\n${row(header.map(() => '---'))}\n`;
}

function instanceName(instance: InstanceInfo): string {
  return instance.instanceAlias || instance.instanceId;
}

function summarySection(report: Report): string {
  const { summary, run, tool } = report;
  const source = run.source ? ` of ${code(run.source)}` : '';
  return [
    `## ${RESULT_EMOJI[summary.result]} Amazon Connect network paths: ${summary.result}`,
    '',
    tableHead(['Result', 'Exit code', 'Fail on', 'Instances', ...STATUSES.map(status)]) +
      row([`**${summary.result}**`, String(summary.exitCode), md(summary.failOn), String(report.instances.length), ...STATUSES.map((s) => String(summary.counts[s]))]),
    '',
    `${md(tool.name)} ${md(tool.version)} · ${md(run.mode)}${source} · finished ${md(run.finishedAt)}`,
    '',
    `Hop colours: ${STATUSES.map((s) => status(s)).join(' · ')}`,
    '',
  ].join('\n');
}

function warningItem(warning: string): string {
  return `\n> [!WARNING]\n> ${code(warning)}\n`;
}

function instanceSection(instance: InstanceInfo, hops: readonly HopResult[]): string {
  const facts = [
    `account ${code(instance.accountId)}`,
    `region ${code(instance.region)}`,
    `identity ${code(instance.identityManagementType)}`,
    ...(instance.directory ? [`directory ${code(instance.directory.directoryId)} (${md(instance.directory.resolvedBy)})`] : []),
    instance.accessUrl ? `access URL ${code(instance.accessUrl)}` : 'no access URL',
  ];
  const statuses = new Map(hops.map((h) => [h.hop, h.status]));
  return [
    '',
    `#### ${code(instanceName(instance))}`,
    '',
    `${code(instance.instanceArn)}  `,
    facts.join(' · '),
    '',
    '```mermaid',
    pathsMermaid(statuses).trimEnd(),
    '```',
    '',
    tableHead(['Hop', 'Status', 'Protection', 'Responsibility']) +
      hops.map((h) => row([code(h.hop), status(h.status), md(h.protection), md(h.responsibility)])).join('\n'),
    '',
  ].join('\n');
}

/** `file:line` and the resource's address or logical id, each a code span (file names and addresses come from the code under audit). */
function sourceItem(source: FindingSource): string {
  const name = sourceName(source);
  return `${code(sourceLocation(source))}${name ? ` (${code(name)})` : ''}`;
}

function findingItem(f: Finding, instances: ReadonlyMap<string, InstanceInfo>): string {
  const url = f.references.map(httpsUrl).find((u) => u !== undefined);
  const rule = url ? `[${code(f.ruleId)}](${url})` : code(f.ruleId);
  const instance = instances.get(f.instanceArn);
  const where = `${code(instance ? instanceName(instance) : f.instanceArn)} · ${code(f.hop)} · ${code(f.resource.arn)}${f.source ? ` · ${sourceItem(f.source)}` : ''}`;
  const lines = [`- ${STATUS_EMOJI[f.status]} **${f.status}** · ${md(f.severity)} · ${rule}: ${md(f.title)}`, `  - ${where}`, `  - ${code(f.message)}`];
  if (f.waiver) {
    const ticket = f.waiver.ticket ? `, ticket ${code(f.waiver.ticket)}` : '';
    lines.push(`  - Waived until ${code(f.waiver.expires)} (was ${md(f.waiver.originalStatus)}${ticket}): ${code(f.waiver.reason)}`);
  }
  lines.push(`  - **Fix:** ${code(f.remediation)}`);
  return `${lines.join('\n')}\n`;
}

/** A list item rather than a table row: account values (resource, message) may hold pipes, which end a table cell even in a code span. */
function errorItem(e: ErrorEntry): string {
  const grant = e.iamAction ? ` (needs ${code(e.iamAction)})` : '';
  return `- ${code(`${e.service}:${e.operation}`)} on ${code(e.resource)}: ${code(e.code)}${grant}\n  - ${code(e.message)}\n`;
}

/** What the parts are counted as when they are left out. */
type Kind = 'warnings' | 'failures' | 'diagrams' | 'errors' | 'waived';

const KIND_NAMES: Readonly<Record<Kind, string>> = {
  failures: 'FAIL/ERROR finding(s)',
  diagrams: 'instance diagram(s)',
  errors: 'failed call(s)',
  waived: 'WAIVED finding(s)',
  warnings: 'warning(s)',
};

/** The order the kinds are written in, and named in the note. */
const KINDS: readonly Kind[] = ['warnings', 'failures', 'diagrams', 'errors', 'waived'];

type Counts = Record<Kind, number>;

interface Part {
  text: string;
  /** The item this part writes; undefined for the summary. */
  kind?: Kind;
}

/** The first item of a section carries the section's heading, so no heading is written without an item. */
function* section<T>(kind: Kind, heading: string, items: Iterable<T>, render: (item: T) => string): Iterable<Part> {
  let first = true;
  for (const item of items) {
    yield { kind, text: first ? `${heading}${render(item)}` : render(item) };
    first = false;
  }
}

const isFailure = (f: Finding) => f.status === 'FAIL' || f.status === 'ERROR';

/** FAIL and ERROR findings, most severe first; in report order within a severity (the sort is stable). */
function failuresBySeverity(findings: readonly Finding[]): Finding[] {
  return findings.filter(isFailure).sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
}

function totalsOf(report: Report, failures: number): Counts {
  return {
    warnings: report.warnings?.length ?? 0,
    failures,
    diagrams: report.instances.length,
    errors: report.errors.length,
    waived: report.findings.reduce((n, f) => (f.status === 'WAIVED' ? n + 1 : n), 0),
  };
}

function* parts(report: Report, failures: readonly Finding[], totals: Counts): Iterable<Part> {
  const instances = new Map(report.instances.map((i) => [i.instanceArn, i]));
  yield { text: summarySection(report) };
  yield* section('warnings', '', report.warnings ?? [], warningItem);
  const explain = '`connect-netpath-audit explain RULE_ID` shows why a rule matters and how to fix it.';
  if (failures.length === 0) yield { text: '\n### Findings to act on (0)\n\nNone: no finding failed or could not be judged.\n' };
  yield* section('failures', `\n### Findings to act on (${failures.length})\n\nFAIL and ERROR findings, most severe first. ${explain}\n\n`, failures, (f) => findingItem(f, instances));
  const index = indexReport(report);
  yield* section('diagrams', `\n### Network paths of each instance (${totals.diagrams})\n`, report.instances, (i) => instanceSection(i, hopsOf(index, i.instanceArn)));
  yield* section('errors', `\n### Calls that failed (${totals.errors})\n\n`, report.errors, errorItem);
  yield* section('waived', `\n### Waived findings (${totals.waived})\n\n`, kept(report.findings, (f) => f.status === 'WAIVED'), (f) => findingItem(f, instances));
}

/** The last line when something was left out: how many of each kind, and where to find them. */
function leftOutNote(leftOut: Counts, limit: number): string {
  const counts = KINDS.filter((k) => leftOut[k] > 0).map((k) => `${leftOut[k].toLocaleString('en-US')} ${KIND_NAMES[k]}`);
  return `\n\n_Left out to stay within ${limit.toLocaleString('en-US')} bytes (--max-bytes): ${counts.join(', ')}. The JSON, SARIF and HTML reports have everything._`;
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** The longest start of `text` of at most `max` UTF-8 bytes that ends on a character boundary. */
export function cutUtf8(text: string, max: number): string {
  const encoded = Buffer.from(text, 'utf8');
  if (encoded.length <= max) return text;
  let end = Math.max(0, max);
  // Back up over continuation bytes (10xxxxxx) to the start of the character the cut falls in.
  while (end > 0 && ((encoded[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return encoded.subarray(0, end).toString('utf8');
}

export interface MarkdownOptions {
  /** Upper bound of the output in UTF-8 bytes (default {@link MARKDOWN_MAX_BYTES}). */
  maxBytes?: number | undefined;
}

function* markdownParts(report: Report, options: MarkdownOptions): Iterable<string> {
  const limit = options.maxBytes ?? MARKDOWN_MAX_BYTES;
  const failures = failuresBySeverity(report.findings);
  const totals = totalsOf(report, failures.length);
  // Left-out counts are at most the totals, so the note with the totals is as long as it can get; and the final newline.
  const budget = limit - bytes(leftOutNote(totals, limit)) - 1;
  const shown: Counts = { warnings: 0, failures: 0, diagrams: 0, errors: 0, waived: 0 };
  let used = 0;
  for (const part of parts(report, failures, totals)) {
    const size = bytes(part.text);
    if (used + size > budget) {
      // Only when even the summary does not fit (a limit below MARKDOWN_MIN_BYTES): as much of it as fits.
      if (used === 0) yield cutUtf8(part.text, Math.max(0, limit - 1));
      break;
    }
    used += size;
    if (part.kind) shown[part.kind] += 1;
    yield part.text;
  }
  const leftOut = Object.fromEntries(KINDS.map((k) => [k, totals[k] - shown[k]])) as Counts;
  if (used > 0 && KINDS.some((k) => leftOut[k] > 0)) yield leftOutNote(leftOut, limit);
}

function* markdownChunks(report: Report, options: MarkdownOptions): Iterable<string> {
  yield* trimmedEnd(markdownParts(report, options));
  yield '\n';
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  return [...markdownChunks(report, options)].join('');
}

export const markdown = streamingFormatter(
  {
    id: 'markdown',
    description: 'GitHub Markdown for job summaries and PR comments: summary, FAIL/ERROR findings by severity, Mermaid diagram per instance; at most --max-bytes',
    extension: '.md',
  },
  (report, options) => markdownChunks(report, { maxBytes: options.maxBytes }),
);
