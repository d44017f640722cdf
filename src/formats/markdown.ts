/**
 * GitHub-flavoured Markdown for CI job summaries (`$GITHUB_STEP_SUMMARY`) and pull request comments:
 * a summary table, per instance a Mermaid diagram of both paths coloured by hop status and a hop table,
 * then the findings that need attention. Every value that comes from the account is escaped; the
 * output stays under GitHub's 1 MiB step-summary limit by cutting the findings list short, with a note.
 */
import { STATUSES, type Status } from '../findings/status.js';
import type { ErrorEntry, Finding, HopResult, InstanceInfo, Report } from '../report/schema.js';
import { escapeMarkdown, httpsUrl } from './escape.js';
import { pathsMermaid } from './mermaid.js';
import { hopsOf, indexReport, kept, streamingFormatter, trimmedEnd } from './stream.js';

/** GitHub refuses step summaries over 1 MiB; this leaves room for anything else the job appends. */
export const MARKDOWN_MAX_BYTES = 1_000_000;

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

const ATTENTION: ReadonlySet<Status> = new Set(['FAIL', 'ERROR', 'WAIVED']);

const md = escapeMarkdown;

/** A value as inline code when it is made only of characters that cannot disturb code spans or tables. */
function code(value: string): string {
  return /^[\w.:/@+=,*-]+$/.test(value) ? `\`${value}\`` : md(value);
}

function status(s: Status): string {
  return `${STATUS_EMOJI[s]} ${s}`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
}

function instanceName(instance: InstanceInfo): string {
  return instance.instanceAlias || instance.instanceId;
}

function summarySection(report: Report): string {
  const { summary, run, tool } = report;
  const counts = STATUSES.map((s) => String(summary.counts[s]));
  const source = run.source ? ` of ${md(run.source)}` : '';
  return [
    `## ${RESULT_EMOJI[summary.result]} Amazon Connect network paths: ${summary.result}`,
    '',
    table(
      ['Result', 'Exit code', 'Fail on', 'Instances', ...STATUSES.map(status)],
      [[`**${summary.result}**`, String(summary.exitCode), md(summary.failOn), String(report.instances.length), ...counts]],
    ),
    '',
    `${md(tool.name)} ${md(tool.version)} · ${md(run.mode)}${source} · finished ${md(run.finishedAt)}`,
    '',
    `Hop colours: ${STATUSES.map((s) => status(s)).join(' · ')}`,
    '',
    '',
  ].join('\n');
}

function instanceSection(instance: InstanceInfo, hops: readonly HopResult[]): string {
  const facts = [
    `account ${code(instance.accountId)}`,
    `region ${code(instance.region)}`,
    `identity ${code(instance.identityManagementType)}`,
    ...(instance.directory ? [`directory ${code(instance.directory.directoryId)} (${md(instance.directory.resolvedBy)})`] : []),
    instance.accessUrl ? `access URL ${md(instance.accessUrl)}` : 'no access URL',
  ];
  const statuses = new Map(hops.map((h) => [h.hop, h.status]));
  return [
    `### ${md(instanceName(instance))}`,
    '',
    `${code(instance.instanceArn)}  `,
    facts.join(' · '),
    '',
    '```mermaid',
    pathsMermaid(statuses).trimEnd(),
    '```',
    '',
    table(
      ['Hop', 'Status', 'Protection', 'Responsibility'],
      hops.map((h) => [code(h.hop), status(h.status), md(h.protection), md(h.responsibility)]),
    ),
    '',
    '',
  ].join('\n');
}

function findingItem(f: Finding, instances: ReadonlyMap<string, InstanceInfo>): string {
  const url = f.references.map(httpsUrl).find((u) => u !== undefined);
  const rule = url ? `[${code(f.ruleId)}](${url})` : code(f.ruleId);
  const instance = instances.get(f.instanceArn);
  const where = `${instance ? md(instanceName(instance)) : code(f.instanceArn)} · ${code(f.hop)} · ${code(f.resource.arn)}`;
  const lines = [
    `- ${STATUS_EMOJI[f.status]} **${f.status}** · ${md(f.severity)} · ${rule}: ${md(f.title)}`,
    `  - ${where}`,
    `  - ${md(f.message)}`,
  ];
  if (f.waiver) {
    lines.push(`  - Waived until ${md(f.waiver.expires)} (was ${f.waiver.originalStatus}${f.waiver.ticket ? `, ${md(f.waiver.ticket)}` : ''}): ${md(f.waiver.reason)}`);
  }
  lines.push(`  - **Fix:** ${md(f.remediation)}`);
  return lines.join('\n');
}

function errorsSection(errors: readonly ErrorEntry[]): string {
  if (errors.length === 0) return '';
  return [
    '### Calls that failed',
    '',
    table(
      ['Call', 'Resource', 'Code', 'Grant'],
      errors.map((e) => [`${md(e.service)}:${md(e.operation)}`, code(e.resource), md(e.code), e.iamAction ? code(e.iamAction) : '']),
    ),
    '',
    '',
  ].join('\n');
}

/** Counts the UTF-8 bytes of the parts written against a limit. */
class Budget {
  private used = 0;
  constructor(readonly limit: number) {}

  fits(text: string, reserve = 0): boolean {
    return this.used + Buffer.byteLength(text, 'utf8') + reserve <= this.limit;
  }

  take(text: string): string {
    this.used += Buffer.byteLength(text, 'utf8');
    return text;
  }
}

/** Room kept for the notes that say what was left out. */
const NOTE_RESERVE = 1024;

export interface MarkdownOptions {
  /** Upper bound of the output in UTF-8 bytes (default {@link MARKDOWN_MAX_BYTES}). */
  maxBytes?: number;
}

function* markdownParts(report: Report, options: MarkdownOptions): Iterable<string> {
  const budget = new Budget(options.maxBytes ?? MARKDOWN_MAX_BYTES);
  const limit = `${Math.floor(budget.limit / 1000).toLocaleString('en-US')} kB`;
  const instances = new Map(report.instances.map((i) => [i.instanceArn, i]));
  const needsAttention = (f: Finding) => ATTENTION.has(f.status);
  const attention = report.findings.reduce((n, f) => (needsAttention(f) ? n + 1 : n), 0);
  const findingsHeader = [
    `### Findings to act on (${attention})`,
    '',
    attention === 0
      ? 'None: every finding passed, is managed by AWS, or does not apply.'
      : 'FAIL, ERROR and WAIVED findings. `connect-netpath-audit explain RULE_ID` shows why a rule matters and how to fix it.',
    '',
    '',
  ].join('\n');
  // What must come after the instances: the findings header and the notes.
  const tail = Buffer.byteLength(findingsHeader, 'utf8') + 2 * NOTE_RESERVE;

  yield budget.take(summarySection(report));
  for (const warning of report.warnings ?? []) {
    const text = `> [!WARNING]\n> ${md(warning)}\n\n`;
    if (budget.fits(text, tail)) yield budget.take(text);
  }
  // Sections are drawn in order while they fit; the first that does not ends the list.
  const index = indexReport(report);
  let drawn = 0;
  for (const instance of report.instances) {
    const section = instanceSection(instance, hopsOf(index, instance.instanceArn));
    if (!budget.fits(section, tail)) break;
    yield budget.take(section);
    drawn += 1;
  }
  const droppedInstances = report.instances.length - drawn;
  if (droppedInstances > 0) {
    yield budget.take(`_${droppedInstances} more instance(s) not drawn, to keep this summary under ${limit}; the JSON and HTML reports have every instance._\n\n`);
  }
  const errors = errorsSection(report.errors);
  if (errors && budget.fits(errors, tail)) yield budget.take(errors);

  yield budget.take(findingsHeader);
  let shown = 0;
  for (const f of kept(report.findings, needsAttention)) {
    const item = `${findingItem(f, instances)}\n`;
    if (!budget.fits(item, NOTE_RESERVE)) break;
    yield budget.take(item);
    shown += 1;
  }
  const droppedFindings = attention - shown;
  if (droppedFindings > 0) {
    yield budget.take(`\n_…and ${droppedFindings} more finding(s) not shown, to keep this summary under ${limit}; the JSON, SARIF and HTML reports have every finding._\n`);
  }
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
    description: 'GitHub Markdown for job summaries and PR comments: summary, Mermaid diagram per instance, findings to act on',
    extension: '.md',
  },
  (report) => markdownChunks(report, {}),
);
