/**
 * `export security-hub REPORT.json` and `audit … --to-security-hub`: a report's findings imported into
 * AWS Security Hub, resolved ones archived. stderr gets one line per refused finding, one per failed
 * request and a summary per (account, region); anything not imported makes the run incomplete (exit 3).
 */
import type { GroupError, GroupOutcome, RefusedFinding } from '../../evidence/collect/securityhub.js';
import { oneLine } from '../../formats/escape.js';
import { EXIT } from '../../report/exit-code.js';
import { loadReport } from '../../report/load.js';
import type { Report } from '../../report/schema.js';
import { liveTuning, timeoutSeconds, type TuningFlags } from '../../scope/tuning.js';
import { runSignal, startRunTimeout } from '../run.js';

export interface SecurityHubFlags extends TuningFlags {
  profile?: string | undefined;
  endpointUrl?: string | undefined;
  roleArn?: string | undefined;
  externalId?: string | undefined;
  verbose?: boolean | undefined;
  quiet?: boolean | undefined;
}

const PREFIX = 'connect-netpath-audit: Security Hub';

function where(outcome: Pick<GroupOutcome, 'accountId' | 'region'>): string {
  return `account ${oneLine(outcome.accountId)} ${oneLine(outcome.region)}`;
}

export function refusedLine(outcome: GroupOutcome, refused: RefusedFinding): string {
  return `${PREFIX} refused finding ${oneLine(refused.id)} (${where(outcome)}): ${oneLine(refused.code)}: ${oneLine(refused.message)}`;
}

export function errorLine(outcome: GroupOutcome, error: GroupError): string {
  const needs = error.iamAction ? ` (needs IAM action ${error.iamAction})` : '';
  return `${PREFIX} ${where(outcome)}: ${error.operation} failed: ${oneLine(error.code)}: ${oneLine(error.message)}${needs}; ${error.consequence}`;
}

/** Imports the report and says how it went; EXIT.ok when every finding was accepted, else EXIT.incomplete. */
export async function importReport(report: Report, flags: SecurityHubFlags, signal: AbortSignal): Promise<number> {
  const { maxAttempts, concurrency } = liveTuning(flags);
  const write = (line: string) => process.stderr.write(`${line}\n`);
  const { exportToSecurityHub } = await import('../../evidence/collect/securityhub.js');
  const outcomes = await exportToSecurityHub(report, {
    profile: flags.profile,
    endpointUrl: flags.endpointUrl,
    roleArn: flags.roleArn,
    externalId: flags.externalId,
    maxAttempts,
    concurrency,
    requestTimeoutMs: 30_000,
    signal,
    log: flags.verbose ? write : undefined,
  });
  let complete = true;
  for (const outcome of outcomes) {
    for (const refused of outcome.refused) write(refusedLine(outcome, refused));
    for (const error of outcome.errors) write(errorLine(outcome, error));
    if (outcome.refused.length > 0 || outcome.errors.length > 0) complete = false;
    if (flags.quiet) continue;
    write(`Security Hub ${where(outcome)}: ${outcome.imported} imported, ${outcome.archived} archived, ${outcome.refused.length} refused`);
    if (outcome.ignored > 0) write(`warning: Security Hub ${where(outcome)}: ${outcome.ignored} findings were left as a newer run imported them (Security Hub ignores an update older than the finding it holds)`);
  }
  if (outcomes.length === 0 && !flags.quiet) write('Security Hub: the report has no findings to import');
  return complete ? EXIT.ok : EXIT.incomplete;
}

/** `export security-hub REPORT.json`. */
export async function runExport(file: string, flags: SecurityHubFlags): Promise<number> {
  liveTuning(flags);
  const report = loadReport(file);
  startRunTimeout(timeoutSeconds(flags));
  return importReport(report, flags, runSignal);
}
