/** `audit` and `collect`: scope → evidence (file or live, one account or many) → report → every requested format. */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { InputError } from '../../errors.js';
import type { CollectProgress } from '../../evidence/collect/progress.js';
import type { EvidenceDocument } from '../../evidence/model.js';
import { loadEvidence } from '../../evidence/snapshot.js';
import { oneLine } from '../../formats/escape.js';
import { auditAsync } from '../../index.js';
import { resolveAccountScope, type AccountFlags, type AccountScope } from '../../scope/accounts.js';
import { resolveScope, type Scope, type ScopeFlags } from '../../scope/resolve.js';
import { TOOL_NAME, TOOL_VERSION } from '../../version.js';
import { checkWritable, writeFileAtomic } from '../output.js';
import { createProgressLine, type ProgressLine } from '../progress.js';
import { emitReport, prepareReportOutputs, type ReportOutputFlags } from '../report-output.js';

export interface AuditFlags extends ScopeFlags, AccountFlags, ReportOutputFlags {
  snapshot?: string;
  config?: string;
  profile?: string;
  endpointUrl?: string;
  concurrency?: string;
  timeout?: string;
  maxAttempts?: string;
  connectRate?: string;
  connectBurst?: string;
  verbose?: boolean;
  quiet?: boolean;
}

export interface CollectFlags extends AuditFlags {
  out?: string;
  outDir?: string;
}

function positiveInteger(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InputError(`${flag} ${text}: expected a whole number of at least 1`);
  return value;
}

function positiveNumber(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new InputError(`${flag} ${text}: expected a positive number`);
  return value;
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

/** Tuning flags, checked before anything is loaded or sent. */
function liveTuning(flags: AuditFlags) {
  return {
    concurrency: positiveInteger(flags.concurrency, '--concurrency', 8),
    maxAttempts: positiveInteger(flags.maxAttempts, '--max-attempts', 8),
    requestTimeoutMs: 30_000,
    connectRate: { ratePerSecond: positiveNumber(flags.connectRate, '--connect-rate', 1.8), burst: positiveInteger(flags.connectBurst, '--connect-burst', 5) },
  };
}

async function collectLive(flags: AuditFlags, scope: Scope, accounts: AccountScope | undefined, signal: AbortSignal): Promise<EvidenceDocument> {
  const tuning = liveTuning(flags);
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

function runSignal(flags: AuditFlags): AbortSignal {
  const seconds = positiveInteger(flags.timeout, '--timeout', 3600);
  return AbortSignal.timeout(seconds * 1000);
}

function loadOptionalConfig(flags: AuditFlags, warn: (line: string) => void): Config | undefined {
  return flags.config ? loadConfig(flags.config, warn) : undefined;
}

export async function runAudit(flags: AuditFlags): Promise<number> {
  const startedAt = new Date();
  const configWarnings: string[] = [];
  const config = loadOptionalConfig(flags, (line) => configWarnings.push(line));
  const scope = resolveScope(flags, config);
  const accounts = resolveAccountScope(flags, flags.snapshot);
  const outputs = prepareReportOutputs(flags, flags.snapshot ?? flags.config);
  const signal = runSignal(flags);
  const evidence = flags.snapshot ? loadEvidence(flags.snapshot) : await collectLive(flags, scope, accounts, signal);
  const report = await auditAsync({
    evidence,
    mode: flags.snapshot ? 'snapshot' : 'live',
    source: flags.snapshot,
    startedAt,
    now: new Date(),
    failOn: scope.failOn,
    rules: scope.rules,
    resourceTypes: scope.resourceTypes,
    instanceIds: scope.instanceIds,
    directoryPins: scope.directoryPins,
    severityOverrides: scope.severityOverrides,
    waivers: scope.waivers,
    settings: scope.settings,
    warnings: configWarnings,
  }, signal);
  return emitReport(report, outputs, flags.quiet);
}

function ensureDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new InputError(`--out-dir ${dir}: cannot create the directory: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!statSync(dir).isDirectory()) throw new InputError(`--out-dir ${dir}: not a directory`);
}

/** `--out FILE`: one document for every account; `--out-dir DIR`: `DIR/<accountId>.json` per account. */
function evidenceFiles(flags: CollectFlags, document: EvidenceDocument): [file: string, content: EvidenceDocument][] {
  if (flags.outDir === undefined) return [[flags.out ?? '', document]];
  const dir = flags.outDir;
  return document.accounts.map((account) => [join(dir, `${account.accountId}.json`), { ...document, accounts: [account] }]);
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
  const signal = runSignal(flags);
  if (flags.out !== undefined) checkWritable(flags.out);
  if (flags.outDir !== undefined) ensureDirectory(flags.outDir);
  const evidence = await collectLive(flags, scope, accounts, signal);
  const document: EvidenceDocument = { ...evidence, tool: { name: TOOL_NAME, version: TOOL_VERSION } };
  const files = evidenceFiles(flags, document);
  for (const [file, content] of files) writeFileAtomic(file, `${JSON.stringify(content, null, 2)}\n`);
  if (!flags.quiet) {
    for (const { accountId, error } of document.accounts) {
      if (error) process.stderr.write(`warning: account ${accountId} could not be read (${oneLine(`${error.operation}: ${error.code}`)}); its evidence records the error\n`);
    }
    const where = flags.outDir === undefined ? flags.out : `${files.length} file${files.length === 1 ? '' : 's'} in ${flags.outDir} (one per account)`;
    process.stderr.write(`evidence written to ${where}\n`);
  }
  return 0;
}
