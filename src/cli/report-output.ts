/**
 * Where a finished report goes, for `audit` and `merge`: one format on stdout, more formats to files
 * (atomically), its warnings to stderr. The flags are checked before any work starts.
 */
import { Option, type Command } from 'commander';
import { findFormatter, FORMATTERS, type FormatOptions, type Formatter } from '../formats/index.js';
import { parseOcsfVersion } from '../formats/ocsf.js';
import type { Report } from '../report/schema.js';
import { parseOutputSpec, writeFileAtomic, writeStdout } from './output.js';

export interface ReportOutputFlags {
  format?: string;
  output?: string[];
  failOn?: string;
  color?: boolean;
  ocsfVersion?: string;
  sarifArtifact?: string;
  quiet?: boolean;
}

export interface ReportOutputs {
  stdout: Formatter;
  files: { formatter: Formatter; file: string }[];
  options: FormatOptions;
}

const repeat = (value: string, previous: string[] = []) => [...previous, value];

/** The options of a command that prints a report. */
export function reportOptions(command: Command): Command {
  return command
    .addOption(new Option('--format <format>', 'report format on stdout').choices(FORMATTERS.map((f) => f.id)).default('text'))
    .option('--output <format=file>', 'also write FORMAT to FILE (repeatable)', repeat)
    .option('--fail-on <severity>', 'lowest severity that fails the run: critical, high, medium, low, info (default low)')
    .option('--ocsf-version <version>', 'OCSF schema version for --format ocsf (1.1.0 or 1.6.0)', '1.1.0')
    .option('--sarif-artifact <path>', 'file SARIF results point at (default: the evidence or config file)')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)');
}

function useColor(flags: ReportOutputFlags): boolean {
  if (flags.color === false || (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '')) return false;
  return process.stdout.isTTY === true;
}

function canDrawUnicode(): boolean {
  const locale = `${process.env.LC_ALL ?? ''}${process.env.LC_CTYPE ?? ''}${process.env.LANG ?? ''}`;
  if (process.env.TERM === 'dumb') return false;
  return process.platform === 'win32' ? Boolean(process.env.WT_SESSION) : /utf-?8/i.test(locale);
}

/** Checks the output flags (bad format, unwritable file: exit 2) before anything is read or sent. */
export function prepareReportOutputs(flags: ReportOutputFlags, artifactPath: string | undefined): ReportOutputs {
  const stdout = findFormatter(flags.format ?? 'text') as Formatter;
  const files = (flags.output ?? []).map(parseOutputSpec);
  const options: FormatOptions = {
    color: useColor(flags),
    unicode: canDrawUnicode(),
    artifactPath: flags.sarifArtifact ?? artifactPath,
    ocsfVersion: parseOcsfVersion(flags.ocsfVersion),
  };
  return { stdout, files, options };
}

/** Writes the report everywhere it was asked for; returns its exit code. */
export async function emitReport(report: Report, outputs: ReportOutputs, quiet: boolean | undefined): Promise<number> {
  if (!quiet) for (const warning of report.warnings ?? []) process.stderr.write(`warning: ${warning}\n`);
  const text = (formatter: Formatter, options: FormatOptions) => formatter.chunks?.(report, options) ?? formatter.render(report, options);
  for (const { formatter, file } of outputs.files) writeFileAtomic(file, text(formatter, { ...outputs.options, color: false }));
  await writeStdout(text(outputs.stdout, outputs.options));
  return report.summary.exitCode;
}
