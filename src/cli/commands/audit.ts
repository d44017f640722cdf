/** `audit` and `collect`: scope → evidence (file or live, one account or many) → report → every requested format. */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { abortError, InputError, isAbortError } from '../../errors.js';
import type { CollectOptions } from '../../evidence/collect/index.js';
import type { CollectProgress } from '../../evidence/collect/progress.js';
import type { AccountEvidence, EvidenceDocument } from '../../evidence/model.js';
import { isPlanMode, type LiveReader, type PlanInputFlags } from '../../evidence/iac/index.js';
import { loadEvidenceAsync } from '../../evidence/snapshot.js';
import { oneLine } from '../../formats/escape.js';
import { auditAsync, type AuditInput, type Report } from '../../index.js';
import { EXIT } from '../../report/exit-code.js';
import { byCodeUnit } from '../../report/order.js';
import { isAccountId, resolveAccountScope, type AccountFlags, type AccountScope } from '../../scope/accounts.js';
import { resolveScope, snapshotResourceTypes, type Scope, type ScopeFlags } from '../../scope/resolve.js';
import { emptyShardNotice, emptyShardOf, parseShard, pinnedKeys, pinsOfShard, selectShard, shardDocument, type ShardSpec } from '../../scope/shard.js';
import { liveTuning, rejectLiveOnlyFlags, timeoutSeconds, type TuningFlags } from '../../scope/tuning.js';
import { TOOL_NAME, TOOL_VERSION } from '../../version.js';
import { checkDistinctOutputs, commitFile, discardFile, resolveOutputTarget, stageFile, writeFileAtomic, type OutputTarget } from '../output.js';
import { createProgressLine, type ProgressLine } from '../progress.js';
import { emitReport, prepareReportOutputs, type ReportOutputFlags } from '../report-output.js';
import { ExitError, ioReason, runSignal, setInterruptedNote, startRunTimeout } from '../run.js';

export interface AuditFlags extends ScopeFlags, AccountFlags, ReportOutputFlags, TuningFlags, PlanInputFlags {
  snapshot?: string;
  config?: string;
  profile?: string;
  endpointUrl?: string;
  allowEmpty?: boolean;
  /** Import the findings into Security Hub once the report is written (`export security-hub`). */
  toSecurityHub?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  /** `K/N`: only the accounts (single account: regions) of shard K of N. */
  shard?: string;
  /** Plan mode: read what the code names but does not manage live. */
  liveReferences?: boolean;
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

/** `--shard K/N`, checked before anything is read or sent: a sharded run names its instances by ARN. */
function shardFlag(flags: AuditFlags, scope: Scope): ShardSpec | undefined {
  if (flags.shard === undefined) return undefined;
  const spec = parseShard(flags.shard);
  pinnedKeys(scope.instanceIds, flags.accounts !== undefined || flags.org ? 'account' : 'region');
  return spec;
}

/** One account; with `--shard`, only the regions of shard K (and when it has none, nothing is sent). */
async function collectOneAccount(options: CollectOptions, shard: ShardSpec | undefined): Promise<EvidenceDocument> {
  const { collectEvidence, evidenceDocumentOf } = await import('../../evidence/collect/index.js');
  if (!shard) return collectEvidence(options);
  const pins = options.instanceIds ?? [];
  const collection = { shard: selectShard(pinnedKeys(pins, 'region') ?? options.regions, shard, 'region') };
  const regions = collection.shard.selected;
  if (regions.length === 0) return evidenceDocumentOf({ ...options, collection }, new Date().toISOString(), undefined, []);
  return collectEvidence({ ...options, regions, instanceIds: pinsOfShard(pins, collection.shard), collection });
}

/**
 * With `onAccount`, each account's evidence goes to it as soon as that account is read, and the
 * document returned holds no account.
 */
function collectOptions(flags: AuditFlags, scope: Scope, regions: string[], signal: AbortSignal, progress: ProgressLine | undefined): CollectOptions {
  return {
    ...liveTuning(flags),
    requestTimeoutMs: 30_000,
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
}

async function collectLive(
  flags: AuditFlags,
  scope: Scope,
  accounts: AccountScope | undefined,
  shard: ShardSpec | undefined,
  signal: AbortSignal,
  onAccount?: (document: EvidenceDocument) => Promise<void>,
): Promise<EvidenceDocument> {
  const regions = scope.regions.length > 0 ? scope.regions : [await defaultRegion(flags.profile)];
  const progress = progressLine(flags);
  const options = collectOptions(flags, scope, regions, signal, progress);
  try {
    if (accounts) {
      const { collectAccounts } = await import('../../evidence/collect/accounts.js');
      return await collectAccounts({ ...options, ...accounts, onAccount, shard });
    }
    const evidence = await collectOneAccount(options, shard);
    if (!onAccount) return evidence;
    await onAccount(evidence);
    return { ...evidence, accounts: [] };
  } finally {
    progress?.clear();
  }
}

/** `--live-references`: the caller's account first (the plan's ARNs are built in it), then what the plan names but does not manage. */
function liveReader(flags: AuditFlags, scope: Scope, signal: AbortSignal): LiveReader {
  const none = { buckets: [], keys: [], streams: [], deliveryStreams: [] };
  const read = async (regions: string[], extra: Partial<CollectOptions>) => {
    const { collectEvidence } = await import('../../evidence/collect/index.js');
    const progress = progressLine(flags);
    try {
      return await collectEvidence({ ...collectOptions(flags, scope, regions, signal, progress), instanceIds: [], ...extra });
    } finally {
      progress?.clear();
    }
  };
  return {
    async callerAccount(region) {
      const document = await read([region ?? (await defaultRegion(flags.profile))], { named: none });
      const account = document.accounts[0];
      if (!account || account.error) {
        throw new ExitError(`--live-references: the caller's account could not be identified (${oneLine(account?.error ? `${account.error.operation} failed with ${account.error.code}` : 'no answer')}); give AWS credentials or leave --live-references out`, EXIT.incomplete);
      }
      return account.accountId;
    },
    read: (request, accountId) => read(request.regions, { named: request.named, instanceIds: request.instanceArns, accountId }),
  };
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

async function loadSnapshot(file: string, shard: ShardSpec | undefined, scope: Scope, signal: AbortSignal): Promise<EvidenceDocument> {
  const evidence = await loadEvidenceAsync(file, signal);
  return shard ? shardDocument(evidence, shard, scope.instanceIds, file) : evidence;
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
  shard: ShardSpec | undefined,
  signal: AbortSignal,
  startedAt: Date,
  configWarnings: string[],
  say: (line: string) => void,
): Promise<Report> {
  if (isPlanMode(flags)) return judgePlan(flags, scope, signal, startedAt, configWarnings);
  const evidence = flags.snapshot ? await loadSnapshot(flags.snapshot, shard, scope, signal) : await collectLive(flags, scope, accounts, shard, signal);
  const collected = evidence.collection?.shard;
  const resourceTypes = flags.snapshot ? snapshotResourceTypes(scope, evidence.resourceTypes, flags.snapshot) : scope.resourceTypes;
  say(`judging the evidence (${evidence.accounts.length} account${evidence.accounts.length === 1 ? '' : 's'})`);
  const input: AuditInput = {
    ...judgement(scope),
    evidence,
    mode: flags.snapshot ? 'snapshot' : 'live',
    source: flags.snapshot,
    startedAt,
    now: new Date(),
    resourceTypes,
    instanceIds: collected ? pinsOfShard(scope.instanceIds, collected) : scope.instanceIds,
    allowEmpty: flags.allowEmpty === true,
    warnings: configWarnings,
  };
  return auditAsync(input, signal);
}

/** How the scope judges, whatever the evidence came from. */
function judgement(scope: Scope): Pick<AuditInput, 'failOn' | 'rules' | 'directoryPins' | 'severityOverrides' | 'waivers' | 'settings'> {
  return { failOn: scope.failOn, rules: scope.rules, directoryPins: scope.directoryPins, severityOverrides: scope.severityOverrides, waivers: scope.waivers, settings: scope.settings };
}

/** Plan mode: the evidence is what the code will make; a plan without Connect has nothing to audit and passes. */
async function judgePlan(flags: AuditFlags, scope: Scope, signal: AbortSignal, startedAt: Date, configWarnings: string[]): Promise<Report> {
  const { loadPlanInput } = await import('../../evidence/iac/index.js');
  const now = new Date();
  const live = flags.liveReferences ? liveReader(flags, scope, signal) : undefined;
  const plan = await loadPlanInput(flags, scope.rules, scope.regions[0], now, live);
  const input: AuditInput = {
    ...judgement(scope),
    evidence: plan.evidence,
    mode: 'plan',
    source: plan.source,
    sourceRoot: plan.sourceRoot,
    locate: plan.locate,
    startedAt,
    now,
    resourceTypes: scope.resourceTypes,
    instanceIds: scope.instanceIds,
    allowEmpty: flags.allowEmpty === true || plan.evidence.accounts.length === 0,
    warnings: [...configWarnings, ...plan.warnings],
  };
  return auditAsync(input, signal);
}

/** The plan-mode flags go together, and not with another source of evidence. */
function checkPlanFlags(flags: AuditFlags): void {
  const plan = isPlanMode(flags);
  if (flags.terraformPlan !== undefined && (flags.cloudformation?.length ?? 0) > 0) throw new InputError('--terraform-plan and --cloudformation: audit one kind of infrastructure code per run');
  if (plan && flags.snapshot !== undefined) throw new InputError('--snapshot cannot be combined with --terraform-plan or --cloudformation: audit either the evidence file or the code');
  if (!plan) {
    if (flags.liveReferences) throw new InputError('--live-references applies with --terraform-plan or --cloudformation');
    const given = (
      [
        ['terraformDir', '--terraform-dir'],
        ['parameters', '--parameters'],
        ['accountId', '--account-id'],
      ] as const
    ).filter(([key]) => flags[key] !== undefined);
    if (given.length > 0) throw new InputError(`${given.map(([, flag]) => flag).join(', ')} only ${given.length === 1 ? 'applies' : 'apply'} with --terraform-plan or --cloudformation`);
    return;
  }
  if (flags.terraformDir !== undefined && flags.terraformPlan === undefined) throw new InputError('--terraform-dir applies to --terraform-plan only');
  if (flags.parameters !== undefined && flags.cloudformation === undefined) throw new InputError('--parameters applies to --cloudformation only');
  if (flags.accountId !== undefined && !isAccountId(flags.accountId)) throw new InputError(`--account-id ${flags.accountId}: an AWS account id has 12 digits`);
  // Live collection flags steer --live-references; without it nothing is sent to AWS.
  if (!flags.liveReferences) rejectLiveOnlyFlags({ ...flags, region: undefined }, 'in plan mode without --live-references (nothing is read from AWS)');
  else if (flags.accounts !== undefined || flags.org) throw new InputError('--accounts and --org cannot be used in plan mode: the plan says which account it deploys to');
  if (flags.shard !== undefined) throw new InputError('--shard splits accounts or regions of a live run or evidence file, not infrastructure code');
}

export async function runAudit(flags: AuditFlags): Promise<number> {
  const startedAt = new Date();
  checkPlanFlags(flags);
  const plan = isPlanMode(flags);
  if (flags.snapshot !== undefined) rejectLiveOnlyFlags(flags);
  const configWarnings: string[] = [];
  const config = loadOptionalConfig(flags, (line) => configWarnings.push(line));
  const scope = resolveScope(flags, config);
  const accounts = resolveAccountScope(flags, flags.snapshot);
  const shard = shardFlag(flags, scope);
  if (flags.snapshot === undefined && !plan) liveTuning(flags);
  const outputs = prepareReportOutputs(flags, flags.snapshot ?? flags.terraformPlan ?? flags.cloudformation?.[0] ?? flags.config, [
    { label: `--snapshot ${flags.snapshot ?? ''}`, file: flags.snapshot },
    { label: `--terraform-plan ${flags.terraformPlan ?? ''}`, file: flags.terraformPlan },
    ...(flags.cloudformation ?? []).map((file) => ({ label: `--cloudformation ${file}`, file })),
    { label: `--parameters ${flags.parameters ?? ''}`, file: flags.parameters },
    { label: `--config ${flags.config ?? ''}`, file: flags.config },
    { label: `--accounts ${flags.accounts ?? ''}`, file: accountsFile(flags) },
  ]);
  const signal = startRun(flags);
  const say = log(flags, undefined);
  const report = await judge(flags, scope, accounts, shard, signal, startedAt, configWarnings, say);
  say(`writing the report (${report.findings.length} findings)`);
  const code = await emitReport(report, outputs, { quiet: flags.quiet, signal, failureExit: flags.snapshot || plan ? EXIT.usage : EXIT.incomplete });
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

/** The evidence as `collect` writes it: the tool last, as every evidence file has it. */
function evidenceText(evidence: EvidenceDocument): string {
  return `${JSON.stringify({ ...evidence, tool: { name: TOOL_NAME, version: TOOL_VERSION } }, null, 2)}\n`;
}

/** After a live collection, a file that cannot be written is an incomplete run (exit 3), said per file. */
function unwritten(flags: CollectFlags, error: unknown): string {
  const line = error instanceof InputError ? error.message : `${flags.out ?? flags.outDir ?? ''}: cannot write: ${ioReason(error)}`;
  return `${line} (the evidence collected for it is lost: run collect again with a writable path)`;
}

/**
 * `collect --out-dir`: `DIR/<accountId>.json` is written as soon as its account is read, so the run
 * holds the accounts still being read, not the organisation, and a run cut short keeps the accounts it
 * finished. Each file is renamed into place whole, never after the run was aborted.
 */
class AccountFiles {
  readonly complete: string[] = [];
  private readonly unreadAccounts: Pick<AccountEvidence, 'accountId' | 'error'>[] = [];
  readonly failures: string[] = [];
  constructor(
    private readonly flags: CollectFlags & { outDir: string },
    private readonly signal: AbortSignal,
  ) {}

  readonly write = async (evidence: EvidenceDocument): Promise<void> => {
    for (const account of evidence.accounts) {
      if (account.error) this.unreadAccounts.push({ accountId: account.accountId, error: account.error });
      const file = join(this.flags.outDir, `${account.accountId}.json`);
      try {
        const staged = await stageFile(resolveOutputTarget(file, `--out-dir ${this.flags.outDir}: ${file}`), evidenceText({ ...evidence, accounts: [account] }), this.signal);
        if (this.signal.aborted) {
          discardFile(staged);
          throw abortError(this.signal, 'Writing the evidence');
        }
        commitFile(staged);
        this.complete.push(account.accountId);
      } catch (error) {
        if (isAbortError(error)) throw error;
        this.failures.push(unwritten(this.flags, error));
      }
    }
  };

  /** The accounts that could not be read, in account order (as one document lists them). */
  get unread(): Pick<AccountEvidence, 'accountId' | 'error'>[] {
    return [...this.unreadAccounts].sort((a, b) => byCodeUnit(a.accountId, b.accountId));
  }

  /** For a run cut short: which accounts are complete on disk. */
  cutShort(): string | undefined {
    const n = this.complete.length;
    if (n === 0) return undefined;
    const ids = [...this.complete].sort(byCodeUnit);
    return `${n} account${n === 1 ? '' : 's'} complete in ${this.flags.outDir} (each file whole; no other account was written): ${ids.join(', ')}`;
  }
}

export async function runCollect(flags: CollectFlags): Promise<number> {
  if ((flags.out === undefined) === (flags.outDir === undefined)) {
    throw new InputError('collect: give --out FILE (one evidence file) or --out-dir DIR (one file per account), not both or neither');
  }
  const scope = resolveScope(flags, loadOptionalConfig(flags, (line) => {
    if (!flags.quiet) process.stderr.write(`warning: ${line}\n`);
  }));
  const accounts = resolveAccountScope(flags, undefined);
  const shard = shardFlag(flags, scope);
  liveTuning(flags);
  const outTarget = collectTargets(flags);
  const signal = startRun(flags);
  const files = flags.outDir !== undefined ? new AccountFiles({ ...flags, outDir: flags.outDir }, signal) : undefined;
  if (files) setInterruptedNote(() => files.cutShort());
  let evidence: EvidenceDocument;
  try {
    evidence = await collectLive(flags, scope, accounts, shard, signal, files?.write);
  } catch (error) {
    const kept = isAbortError(error) ? files?.cutShort() : undefined;
    if (kept) throw new ExitError(`the run did not finish within --timeout (raise it for large scopes); ${kept}`, EXIT.incomplete);
    throw error;
  } finally {
    setInterruptedNote(undefined);
  }
  // `--out FILE`: one document, every account in memory until it is written. A shard that selected
  // no account writes `DIR/shard-K-of-N.json` with none, so that its audit records the shard for merge.
  const failures = files?.failures ?? [];
  const holdsNone = files ? files.complete.length === 0 && files.failures.length === 0 : evidence.accounts.length === 0;
  const emptyShard = holdsNone ? emptyShardOf(evidence) : undefined;
  const emptyShardFile = emptyShard && flags.outDir !== undefined ? join(flags.outDir, `shard-${emptyShard.index}-of-${emptyShard.count}.json`) : undefined;
  const wholeTarget = outTarget ?? (emptyShardFile !== undefined ? resolveOutputTarget(emptyShardFile, `--out-dir ${flags.outDir ?? ''}: ${emptyShardFile}`) : undefined);
  if (wholeTarget !== undefined) {
    try {
      await writeFileAtomic(wholeTarget, evidenceText(evidence), signal);
    } catch (error) {
      if (isAbortError(error)) throw error;
      failures.push(unwritten(flags, error));
    }
  }
  if (failures.length > 0) throw new ExitError(failures.join('\n'), EXIT.incomplete);
  const unread = files?.unread ?? evidence.accounts.filter((account) => account.error);
  const total = files?.complete.length ?? evidence.accounts.length;
  if (!flags.quiet) {
    for (const { accountId, error } of unread) {
      if (error) process.stderr.write(`warning: account ${accountId} could not be read (${oneLine(`${error.operation}: ${error.code}`)}); its evidence records the error\n`);
    }
    const where = outTarget !== undefined ? flags.out : (emptyShardFile ?? `${total} file${total === 1 ? '' : 's'} in ${flags.outDir} (one per account)`);
    process.stderr.write(`evidence written to ${where}\n`);
    if (emptyShard) process.stderr.write(`warning: ${emptyShardNotice(emptyShard)}\n`);
  }
  // Like an account without Connect: collected, nothing to audit; its audit exits 3 unless --allow-empty.
  if (emptyShard) return EXIT.ok;
  if (unread.length === total) {
    throw new ExitError(`no account could be read (${total === 0 ? 'none was found' : unread.map((a) => a.accountId).join(', ')}): the evidence holds nothing to audit`, EXIT.incomplete);
  }
  return EXIT.ok;
}
