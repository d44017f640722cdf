/** The audit as a library call: evidence in, report out. The CLI is one caller of it. */
import { recordedErrors } from './evidence/errors.js';
import type { EvidenceDocument } from './evidence/model.js';
import { evaluateEvidence, evaluateEvidenceAsync, searchedScope, type Evaluation } from './findings/evaluate.js';
import type { Severity } from './findings/status.js';
import { applyWaivers, type Waiver } from './findings/waivers.js';
import type { StorageResourceType } from './paths/hops.js';
import { buildReport, NOTHING_AUDITED } from './report/build.js';
import type { Finding, Report, RunMode } from './report/schema.js';
import type { Rule, RuleSettings } from './rules/types.js';
import { emptyShardNotice, emptyShardOf, type ShardRecord } from './scope/shard.js';

export interface AuditInput {
  evidence: EvidenceDocument;
  mode: RunMode;
  source?: string | undefined;
  /** Plan mode: the directory finding source files are relative to. */
  sourceRoot?: string | undefined;
  /** Plan mode: the file and line each finding comes from. */
  locate?: (finding: Finding) => Finding['source'];
  startedAt: Date;
  now: Date;
  failOn: Severity;
  rules: readonly Rule[];
  resourceTypes: readonly StorageResourceType[];
  instanceIds: readonly string[];
  directoryPins: Readonly<Record<string, string>>;
  severityOverrides: Readonly<Record<string, Severity>>;
  waivers: readonly Waiver[];
  /** Config-file judgement settings (trusted key accounts, cryptoperiod); defaults when not given. */
  settings?: RuleSettings;
  /** A run that audits no instance is allowed to pass (`--allow-empty`); otherwise it exits 3. */
  allowEmpty?: boolean;
  /** Warnings from reading the inputs (e.g. renamed rule ids in the config file), reported with the run's. */
  warnings?: readonly string[];
  /** Called once the report is built, so finishedAt reflects the whole run. */
  clock?: () => Date;
}

export function audit(input: AuditInput): Report {
  return reportOf(input, evaluateEvidence(input.evidence, input));
}

/** `audit`, yielding to the event loop while it judges; rejects with an AbortError when `signal` aborts. */
export async function auditAsync(input: AuditInput, signal?: AbortSignal): Promise<Report> {
  return reportOf(input, await evaluateEvidenceAsync(input.evidence, input, signal));
}

function nothingAuditedLine({ searched }: Evaluation): string {
  return `${NOTHING_AUDITED}: searched ${searchedScope(searched)}`;
}

/** A shard's report says what it audited: every account (region) it selected, or one account's file of them. */
function reportShard(shard: ShardRecord, evidence: EvidenceDocument): NonNullable<Report['run']['shard']> {
  const audited = shard.by === 'account' ? evidence.accounts.map((a) => a.accountId).sort() : shard.selected;
  return { ...shard, audited };
}

function withSource(finding: Finding, source: Finding['source']): Finding {
  return source ? { ...finding, source } : finding;
}

function reportOf(input: AuditInput, evaluation: Evaluation): Report {
  const { locate } = input;
  const findings = locate ? evaluation.findings.map((finding) => withSource(finding, locate(finding))) : evaluation.findings;
  const waived = applyWaivers(findings, input.waivers, input.now);
  const empty = evaluation.instances.length === 0;
  const finishedAt = (input.clock ?? (() => new Date()))();
  const shard = input.evidence.collection?.shard;
  const emptyShard = emptyShardOf(input.evidence);
  const shardNotice = emptyShard ? [emptyShardNotice(emptyShard)] : [];
  return buildReport({
    instances: evaluation.instances,
    findings: waived.findings,
    errors: recordedErrors(input.evidence),
    warnings: [...(input.warnings ?? []), ...shardNotice, ...(empty ? [nothingAuditedLine(evaluation)] : []), ...waived.warnings],
    nothingAudited: empty && input.allowEmpty !== true,
    failOn: input.failOn,
    run: {
      startedAt: input.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      mode: input.mode,
      ...(input.source ? { source: input.source } : {}),
      ...(input.sourceRoot ? { sourceRoot: input.sourceRoot } : {}),
      ...(shard ? { shard: reportShard(shard, input.evidence) } : {}),
    },
  });
}

export type { Report } from './report/schema.js';
export type { EvidenceDocument } from './evidence/model.js';
