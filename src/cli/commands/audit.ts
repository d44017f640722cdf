/** `audit` and `collect`: scope → evidence (file or live, one account or many) → report → every requested format. */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { InputError } from '../../errors.js';
import type { CollectProgress } from '../../evidence/collect/progress.js';
import type { EvidenceDocument } from '../../evidence/model.js';
import { loadEvidenceAsync } from '../../evidence/snapshot.js';
import { oneLine } from '../../formats/escape.js';
import { auditAsync, type AuditInput, type Report } from '../../index.js';
import { EXIT } from '../../report/exit-code.js';
import { resolveAccountScope, type AccountFlags, type AccountScope } from '../../scope/accounts.js';
import { resolveScope, snapshotResourceTypes, type Scope, type ScopeFlags } from '../../scope/resolve.js';
import { liveTuning, rejectLiveOnlyFlags, timeoutSeconds, type TuningFlags } from '../../scope/tuning.js';
import { TOOL_NAME, TOOL_VERSION } from '../../version.js';
import { checkDistinctOutputs, resolveOutputTarget, writeFileAtomic, type OutputTarget } from '../output.js';
import { createProgressLine, type ProgressLine } from '../progress.js';
import { emitReport, prepareReportOutputs, type ReportOutputFlags } from '../report-output.js';
import { ExitError, ioReason, runSignal, startRunTimeout } from '../run.js';

export interface AuditFlags extends ScopeFlags, AccountFlags, ReportOutputFlags, TuningFlags {
  snapshot?: string;
  config?: string;
  profile?: string;
  endpointUrl?: string;
  allowEmpty?: boolean;
  /** Import the findings into Security Hub once the report is written (`export security-hub`). */
  toSecurityHub?: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

export interface CollectFlags extends AuditFlags {
  out?: string;
  outDir?: string;
}

async function defaultRegion(profile: string | undefined): Promise<string> {
  const fromEnv = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (fromEnv) return fromEnv;
  const { STSClient } = await import('@aws-sdk/client-sts');
  try {
    return await new STSClient(profile ? { profile } : {}).config.region();
  } catch {
    throw new InputError('no region: pass --region or set AWS_REGION (or a region in the AWS config profile)');
  }
}

function log(flags: AuditFlags, progress: ProgressLine | undefined): (line: string) => void {
  return (line) => {
    if (!flags.verbose) return;
    if (progress) progress.log(line);
    else process.stderr.write(`${line}\n`);
  };
}

/** Progress only on a terminal: never in a file, a pipe or a CI log. */
function progressLine(flags: AuditFlags): ProgressLine | undefined {
  return process.stderr.isTTY === true && !flags.quiet ? createProgressLine(process.stderr) : undefined;
}

async function collectLive(flags: AuditFlags, scope: Scope, accounts: AccountScope | undefined, signal: AbortSignal): Promise<EvidenceDocument> {
  const tuning = { ...liveTuning(flags), requestTimeoutMs: 30_000 };
  const regions = scope.regions.length > 0 ? scope.regions : [await defaultRegion(flags.profile)];
  const progress = progressLine(flags);
  const options = {
    ...tuning,
    regions,
    instanceIds: scope.instanceIds,
    resourceTypes: scope.resourceTypes,
    directoryPins: { ...scope.directoryPins },
    profile: flags.profile,
    endpointUrl: flags.endpointUrl,
    signal,
    log: log(flags, progress),
    ...(progress ? { onProgress: (p: CollectProgress) => progress.update(p) } : {}),
  };
  try {
    if (accounts) {
      const { collectAccounts } = await import('../../evidence/collect/accounts.js');
      return await collectAccounts({ ...options, ...accounts });
    }
    const { collectEvidence } = await import('../../evidence/collect/index.js');
    return await collectEvidence(options);
  } finally {
    progress?.clear();
  }
}

/** `--accounts` names a file or lists ids; only a file can clash with an output. */
const accountsFile = (flags: AuditFlags) => (flags.accounts !== undefined && existsSync(flags.accounts) ? flags.accounts : undefined);

/** The whole-run limit starts now: loading, collection, evaluation and writing all count. */
function startRun(flags: AuditFlags): AbortSignal {
  startRunTimeout(timeoutSeconds(flags));
  return runSignal;
}

function loadOptionalConfig(flags: AuditFlags, warn: (line: string) => void): Config | undefined {
  return flags.config ? loadConfig(flags.config, warn) : undefined;
}

/**
 * Evidence → report. Its own function so that the evidence (the largest thing a run holds) is no
 * longer reachable while the report is written: at 10,000 instances that is the difference between
 * holding both and holding one.
 */
async function judge(
  flags: AuditFlags,
  scope: Scope,
  accounts: AccountScope | undefined,
  signal: AbortSignal,
  startedAt: Date,
  configWarnings: string[],
  say: (line: string) => void,
): Promise<Report> {
  const evidence = flags.snapshot ? await loadEvidenceAsync(flags.snapshot, signal) : await collectLive(flags, scope, accounts, signal);
  const resourceTypes = flags.snapshot ? snapshotResourceTypes(scope, evidence.resourceTypes, flags.snapshot) : scope.resourceTypes;
  say(`judging the evidence (${evidence.accounts.length} account${evidence.accounts.length === 1 ? '' : 's'})`);
  const input: AuditInput = {
    evidence,
    mode: flags.snapshot ? 'snapshot' : 'live',
    source: flags.snapshot,
    startedAt,
    now: new Date(),
    failOn: scope.failOn,
    rules: scope.rules,
    resourceTypes,
    instanceIds: scope.instanceIds,
    directoryPins: scope.directoryPins,
    severityOverrides: scope.severityOverrides,
    waivers: scope.waivers,
    settings: scope.settings,
    allowEmpty: flags.allowEmpty === true,
    warnings: configWarnings,
  };
  return auditAsync(input, signal);
}

export async function runAudit(flags: AuditFlags): Promise<number> {
  const startedAt = new Date();
  if (flags.snapshot !== undefined) rejectLiveOnlyFlags(flags);
  const configWarnings: string[] = [];
  const config = loadOptionalConfig(flags, (line) => configWarnings.push(line));
  const scope = resolveScope(flags, config);
  const accounts = resolveAccountScope(flags, flags.snapshot);
  if (flags.snapshot === undefined) liveTuning(flags);
  const outputs = prepareReportOutputs(flags, flags.snapshot ?? flags.config, [
    { label: `--snapshot ${flags.snapshot ?? ''}`, file: flags.snapshot },
    { label: `--config ${flags.config ?? ''}`, file: flags.config },
    { label: `--accounts ${flags.accounts ?? ''}`, file: accountsFile(flags) },
  ]);
  const signal = startRun(flags);
  const say = log(flags, undefined);
  const report = await judge(flags, scope, accounts, signal, startedAt, configWarnings, say);
  say(`writing the report (${report.findings.length} findings)`);
  const code = await emitReport(report, outputs, { quiet: flags.quiet, signal, failureExit: flags.snapshot ? EXIT.usage : EXIT.incomplete });
  if (!flags.toSecurityHub) return code;
  // A FAIL (1) or an unwritten report keeps its code; an audit that passed is incomplete if the import is.
  const imported = await (await import('./export.js')).importReport(report, flags, signal);
  return code === EXIT.ok ? imported : code;
}

function ensureDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new InputError(`--out-dir ${dir}: cannot create the directory: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!statSync(dir).isDirectory()) throw new InputError(`--out-dir ${dir}: not a directory`);
}

/** The evidence files of `collect`, checked before anything is sent: regular files, not the config file. */
function collectTargets(flags: CollectFlags): OutputTarget | undefined {
  if (flags.outDir !== undefined) {
    ensureDirectory(flags.outDir);
    return undefined;
  }
  const target = resolveOutputTarget(flags.out ?? '', `--out ${flags.out ?? ''}`);
  checkDistinctOutputs([target], [
    { label: `--config ${flags.config ?? ''}`, file: flags.config },
    { label: `--accounts ${flags.accounts ?? ''}`, file: accountsFile(flags) },
  ]);
  return target;
}

export async function runCollect(flags: CollectFlags): Promise<number> {
  if ((flags.out === undefined) === (flags.outDir === undefined)) {
    throw new InputError('collect: give --out FILE (one evidence file) or --out-dir DIR (one file per account), not both or neither');
  }
  const scope = resolveScope(flags, loadOptionalConfig(flags, (line) => {
    if (!flags.quiet) process.stderr.write(`warning: ${line}\n`);
  }));
  const accounts = resolveAccountScope(flags, undefined);
  liveTuning(flags);
  const outTarget = collectTargets(flags);
  const signal = startRun(flags);
  const evidence = await collectLive(flags, scope, accounts, signal);
  const document: EvidenceDocument = { ...evidence, tool: { name: TOOL_NAME, version: TOOL_VERSION } };
  // `--out FILE`: one document for every account; `--out-dir DIR`: `DIR/<accountId>.json` per account.
  const files: [target: () => OutputTarget, content: EvidenceDocument][] =
    outTarget !== undefined
      ? [[() => outTarget, document]]
      : document.accounts.map((account) => {
          const file = join(flags.outDir ?? '', `${account.accountId}.json`);
          return [() => resolveOutputTarget(file, `--out-dir ${flags.outDir ?? ''}: ${file}`), { ...document, accounts: [account] }];
        });
  // After a live collection, a file that cannot be written is an incomplete run (exit 3), said per file.
  const failures: string[] = [];
  for (const [target, content] of files) {
    try {
      await writeFileAtomic(target(), `${JSON.stringify(content, null, 2)}\n`, signal);
    } catch (error) {
      if (error instanceof Error && error.name === 'AbortError') throw error;
      const line = error instanceof InputError ? error.message : `${flags.out ?? flags.outDir ?? ''}: cannot write: ${ioReason(error)}`;
      failures.push(`${line} (the evidence collected for it is lost: run collect again with a writable path)`);
    }
  }
  if (failures.length > 0) throw new ExitError(failures.join('\n'), EXIT.incomplete);
  const unread = document.accounts.filter((account) => account.error);
  if (!flags.quiet) {
    for (const { accountId, error } of unread) {
      if (error) process.stderr.write(`warning: account ${accountId} could not be read (${oneLine(`${error.operation}: ${error.code}`)}); its evidence records the error\n`);
    }
    const where = outTarget !== undefined ? flags.out : `${files.length} file${files.length === 1 ? '' : 's'} in ${flags.outDir} (one per account)`;
    process.stderr.write(`evidence written to ${where}\n`);
  }
  if (unread.length === document.accounts.length) {
    throw new ExitError(`no account could be read (${document.accounts.length === 0 ? 'none was found' : document.accounts.map((a) => a.accountId).join(', ')}): the evidence holds nothing to audit`, EXIT.incomplete);
  }
  return EXIT.ok;
}
