/** `diff`: new, resolved and unchanged findings between two reports, by stable finding id. */
import { InputError } from '../../errors.js';
import { terminalText } from '../../formats/escape.js';
import { EXIT } from '../../report/exit-code.js';
import { loadReport } from '../../report/load.js';
import type { Finding, Report } from '../../report/schema.js';
import { writeStdout } from '../output.js';

export interface ReportDiff {
  new: Finding[];
  resolved: Finding[];
  unchanged: Finding[];
}

const isProblem = (f: Finding) => f.status === 'FAIL' || f.status === 'ERROR';

/** A finding is new when it is a problem now and was not (or did not exist) in the baseline. */
export function diffReports(before: Report, after: Report): ReportDiff {
  const old = new Map(before.findings.map((f) => [f.id, f]));
  const now = new Map(after.findings.map((f) => [f.id, f]));
  return {
    new: after.findings.filter((f) => isProblem(f) && !(old.get(f.id) && isProblem(old.get(f.id) as Finding))),
    resolved: before.findings.filter((f) => isProblem(f) && !(now.get(f.id) && isProblem(now.get(f.id) as Finding))),
    unchanged: after.findings.filter((f) => isProblem(f) && old.get(f.id) && isProblem(old.get(f.id) as Finding)),
  };
}

export async function runDiff(oldFile: string, newFile: string, flags: { format: 'text' | 'json'; failOnNew?: boolean }): Promise<number> {
  if (oldFile === newFile) throw new InputError(`diff: both reports are ${oldFile}`);
  const diff = diffReports(loadReport(oldFile), loadReport(newFile));
  if (flags.format === 'json') {
    await writeStdout(`${JSON.stringify({ new: diff.new, resolved: diff.resolved, unchanged: diff.unchanged }, null, 2)}\n`);
  } else {
    // Report files are text anyone may have edited: every value goes through the formats' one stripper.
    const line = (f: Finding) => `  ${terminalText(`${f.status} ${f.severity} ${f.ruleId} ${f.hop} ${f.resource.arn}: ${f.message}`)}`;
    const text = [
      `New (${diff.new.length})`,
      ...diff.new.map(line),
      `Resolved (${diff.resolved.length})`,
      ...diff.resolved.map(line),
      `Unchanged (${diff.unchanged.length})`,
    ];
    await writeStdout(`${text.join('\n')}\n`);
  }
  return flags.failOnNew && diff.new.some((f) => f.status === 'FAIL') ? EXIT.failed : EXIT.ok;
}
