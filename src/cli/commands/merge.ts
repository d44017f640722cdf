/** `merge REPORT...`: JSON reports of sharded runs joined into one report, in any format. */
import { loadReport } from '../../report/load.js';
import { mergeReports } from '../../report/merge.js';
import { parseSeverity } from '../../scope/resolve.js';
import { emitReport, prepareReportOutputs, type ReportOutputFlags } from '../report-output.js';

/**
 * The merged verdict uses `--fail-on` (default `low`, as for `audit`), not the inputs' own: shards
 * gated differently still give one verdict, and every finding keeps the severity it was judged with.
 */
export async function runMerge(files: string[], flags: ReportOutputFlags): Promise<number> {
  const failOn = flags.failOn ? parseSeverity(flags.failOn, '--fail-on') : 'low';
  const outputs = prepareReportOutputs(flags, undefined);
  const report = mergeReports(files.map(loadReport), failOn);
  return emitReport(report, outputs, flags.quiet);
}
