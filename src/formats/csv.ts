/**
 * CSV (RFC 4180) for spreadsheets and auditors: a header row, then one record per finding in report
 * order; CRLF line endings; a field holding `"`, `,`, CR or LF is quoted, with `"` doubled.
 *
 * Safe to open in a spreadsheet: terminal escape sequences and control characters (but tab and line
 * breaks) are removed, and a field that would start with `=`, `+`, `-`, `@`, tab or carriage return,
 * also behind leading whitespace, which a spreadsheet would run as a formula, is prefixed with `'`
 * (OWASP, "CSV Injection"). See `csvCell` in escape.ts.
 *
 * `compliance` is `framework: control, control; framework: …`; `ticket` is the waiver's ticket;
 * `source`, the last column, is a plan-mode finding's `file:line` (empty otherwise). With
 * `--csv-bom` the file starts with a UTF-8 byte order mark, without which Excel misreads non-ASCII text.
 */
import type { Finding, Report } from '../report/schema.js';
import { csvCell } from './escape.js';
import { sourceLocation } from './source.js';
import { streamingFormatter } from './stream.js';
import type { FormatOptions } from './types.js';

export const CSV_COLUMNS = [
  'id',
  'status',
  'severity',
  'ruleId',
  'title',
  'hop',
  'instanceArn',
  'resourceArn',
  'resourceType',
  'accountId',
  'region',
  'message',
  'remediation',
  'compliance',
  'waiverReason',
  'waiverExpires',
  'ticket',
  'source',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** The unescaped value of every column for a finding. */
export function csvValues(finding: Finding): Record<CsvColumn, string> {
  return {
    id: finding.id,
    status: finding.status,
    severity: finding.severity,
    ruleId: finding.ruleId,
    title: finding.title,
    hop: finding.hop,
    instanceArn: finding.instanceArn,
    resourceArn: finding.resource.arn,
    resourceType: finding.resource.type,
    accountId: finding.resource.accountId,
    region: finding.resource.region,
    message: finding.message,
    remediation: finding.remediation,
    compliance: finding.compliance.map((c) => `${c.framework}: ${c.controls.join(', ')}`).join('; '),
    waiverReason: finding.waiver?.reason ?? '',
    waiverExpires: finding.waiver?.expires ?? '',
    ticket: finding.waiver?.ticket ?? '',
    source: finding.source ? sourceLocation(finding.source) : '',
  };
}

/** Excel reads a CSV file as the system's legacy code page unless it starts with this. */
export const UTF8_BOM = '\ufeff';

function* csvChunks(report: Report, options: FormatOptions): Iterable<string> {
  if (options.csvBom) yield UTF8_BOM;
  yield `${CSV_COLUMNS.map(csvCell).join(',')}\r\n`;
  for (const finding of report.findings) {
    const values = csvValues(finding);
    yield `${CSV_COLUMNS.map((column) => csvCell(values[column])).join(',')}\r\n`;
  }
}

export const csv = streamingFormatter(
  { id: 'csv', description: 'CSV (RFC 4180), one row per finding, safe against spreadsheet formula injection', extension: '.csv' },
  csvChunks,
);
