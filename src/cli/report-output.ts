/**
 * Where a finished report goes, for `audit` and `merge`: one format on stdout, more formats to files
 * (atomically), its warnings to stderr. The flags are checked before any work starts.
 */
import { Option, type Command } from 'commander';
import { findFormatter, FORMATTERS, type FormatOptions, type Formatter } from '../formats/index.js';
import { MARKDOWN_MAX_BYTES, parseMaxBytes, PR_COMMENT_MAX_BYTES } from '../formats/markdown.js';
import { parseOcsfVersion } from '../formats/ocsf.js';
import { DEFAULT_SARIF_CATEGORY, parseSarifCategory } from '../formats/sarif.js';
import { isAbortError } from '../errors.js';
import type { Report } from '../report/schema.js';
import { EXIT } from '../report/exit-code.js';
import { checkDistinctOutputs, commitFile, discardFile, parseOutputSpec, stageFile, writeStdout, type OutputTarget, type StagedFile } from './output.js';
import { ExitError, ioReason } from './run.js';

export interface ReportOutputFlags {
  format?: string;
  output?: string[];
  failOn?: string;
  color?: boolean;
  ocsfVersion?: string;
  sarifArtifact?: string;
  sarifCategory?: string;
  csvBom?: boolean;
  maxBytes?: string;
  quiet?: boolean;
}

export interface ReportOutputs {
  stdout: Formatter;
  files: { formatter: Formatter; target: OutputTarget }[];
  options: FormatOptions;
}

const repeat = (value: string, previous: string[] = []) => [...previous, value];

/** The options of a command that prints a report. */
export function reportOptions(command: Command): Command {
  return command
    .addOption(new Option('--format <format>', 'report format on stdout').choices(FORMATTERS.map((f) => f.id)).default('text'))
    .option('--output <format=file>', 'also write FORMAT to FILE (repeatable): a regular file or a new one, symlinks written through, never an input nor another output', repeat)
    .option('--fail-on <severity>', 'lowest severity that fails the run: critical, high, medium, low, info (default low)')
    .option('--ocsf-version <version>', 'OCSF schema version for --format ocsf (1.1.0 or 1.6.0)', '1.1.0')
    .option('--sarif-artifact <path>', 'file SARIF results point at, relative to the working directory (default: the evidence or config file)')
    .option('--sarif-category <name>', `SARIF automationDetails category, one per job that uploads to the same repository (default: ${DEFAULT_SARIF_CATEGORY})`)
    .option('--csv-bom', 'start CSV output with a UTF-8 byte order mark (for Excel)')
    .option('--max-bytes <n>', `upper bound of Markdown output in bytes: failures first, then diagrams, and a last line saying what was left out (default: ${MARKDOWN_MAX_BYTES}, GitHub's job-summary limit; ${PR_COMMENT_MAX_BYTES} for a PR comment)`)
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

/**
 * Checks the output flags before anything is read or sent (bad format, a path that is not a regular
 * file, an unwritable directory, an output that is an input or another output: exit 2).
 */
export function prepareReportOutputs(flags: ReportOutputFlags, artifactPath: string | undefined, inputs: readonly { label: string; file: string | undefined }[] = []): ReportOutputs {
  const stdout = findFormatter(flags.format ?? 'text') as Formatter;
  const files = (flags.output ?? []).map(parseOutputSpec);
  checkDistinctOutputs(files.map((f) => f.target), inputs);
  const options: FormatOptions = {
    color: useColor(flags),
    unicode: canDrawUnicode(),
    artifactPath: flags.sarifArtifact ?? artifactPath,
    workingDirectory: process.cwd(),
    sarifCategory: parseSarifCategory(flags.sarifCategory),
    csvBom: flags.csvBom === true,
    ocsfVersion: parseOcsfVersion(flags.ocsfVersion),
    maxBytes: parseMaxBytes(flags.maxBytes),
  };
  return { stdout, files, options };
}

export interface EmitOptions {
  quiet?: boolean | undefined;
  signal: AbortSignal;
  /** The exit code when an output cannot be written: 2 when a rerun costs nothing, 3 after a live collection. */
  failureExit: number;
}

const text = (report: Report, formatter: Formatter, options: FormatOptions) => (formatter.pieces ? formatter.pieces(report, options) : formatter.chunks(report, options));

/**
 * Writes the report everywhere it was asked for and returns its exit code. Files are written to
 * temporaries first and renamed only once stdout is written too, so an interrupted or timed-out run
 * leaves no file. An output that cannot be written does not stop the others; each failure is one line.
 */
export async function emitReport(report: Report, outputs: ReportOutputs, { quiet, signal, failureExit }: EmitOptions): Promise<number> {
  if (!quiet) for (const warning of report.warnings ?? []) process.stderr.write(`warning: ${warning}\n`);
  const failures: string[] = [];
  const staged: StagedFile[] = [];
  const attempt = async (label: string, write: () => Promise<void>) => {
    try {
      await write();
    } catch (error) {
      if (isAbortError(error)) throw error;
      failures.push(error instanceof ExitError ? error.message : `${label}: cannot write: ${ioReason(error)}`);
    }
  };
  try {
    for (const { formatter, target } of outputs.files) {
      await attempt(target.label, async () => {
        staged.push(await stageFile(target, text(report, formatter, { ...outputs.options, color: false }), signal));
      });
    }
    await attempt('stdout', () => writeStdout(text(report, outputs.stdout, outputs.options), signal));
    for (const file of staged.splice(0)) await attempt(file.target.label, async () => commitFile(file));
  } finally {
    for (const file of staged) discardFile(file);
  }
  if (failures.length > 0) {
    const lost = failureExit === EXIT.incomplete ? ' (the audit ran, but this output of it is lost: run it again with a writable path)' : '';
    throw new ExitError(failures.map((line) => `${line}${lost}`).join('\n'), failureExit);
  }
  return report.summary.exitCode;
}
