/** `merge REPORT...`: JSON reports of sharded runs joined into one report, in any format. */
import { loadReport } from '../../report/load.js';
import { mergeReports } from '../../report/merge.js';
import { parseSeverity } from '../../scope/resolve.js';
import { EXIT } from '../../report/exit-code.js';
import { runSignal } from '../run.js';
import { emitReport, prepareReportOutputs, type ReportOutputFlags } from '../report-output.js';

/**
 * The merged verdict uses `--fail-on` (default `low`, as for `audit`), not the inputs' own: shards
 * gated differently still give one verdict, and every finding keeps the severity it was judged with.
 */
export async function runMerge(files: string[], flags: ReportOutputFlags): Promise<number> {
  const failOn = flags.failOn ? parseSeverity(flags.failOn, '--fail-on') : 'low';
  const outputs = prepareReportOutputs(flags, undefined, files.map((file) => ({ label: `report ${file}`, file })));
  const report = mergeReports(files.map(loadReport), failOn, files);
  return emitReport(report, outputs, { quiet: flags.quiet, signal: runSignal, failureExit: EXIT.usage });
}
