/**
 * `merge`: reports of sharded runs (a CI matrix by account or region) joined into one report, as if
 * one run had audited everything. Instances, findings, errors and warnings are unioned; the hops,
 * counts, result and exit code are computed again by `buildReport`, for the merge's `failOn`.
 *
 * The same finding (same id) in overlapping shards keeps its worse status (then its higher
 * severity): a FAIL in one shard is never hidden by a PASS, or by a waiver, in another. Reports of
 * `--shard K/N` runs are checked for a missing, partial or duplicated shard (shards.ts).
 */
import { byCodeUnit } from './order.js';
import { compareErrors } from '../evidence/errors.js';
import { severityRank, statusRank, type Severity } from '../findings/status.js';
import { emptyShardNotice } from '../scope/shard.js';
import { buildReport, NOTHING_AUDITED } from './build.js';
import type { ErrorEntry, Finding, InstanceInfo, Report } from './schema.js';
import { shardCoverage, type MergedShards } from './shards.js';

function worse(a: Finding, b: Finding): boolean {
  return statusRank(a.status) < statusRank(b.status) || (a.status === b.status && severityRank(a.severity) < severityRank(b.severity));
}

/** startedAt the earliest, finishedAt the latest; `live` only when every shard was; a source only when all share it. */
function mergedRun(reports: readonly Report[], shards: MergedShards | undefined): Report['run'] {
  const times = (pick: (r: Report) => string) => reports.map(pick).sort((a, b) => Date.parse(a) - Date.parse(b) || byCodeUnit(a, b));
  const starts = times((r) => r.run.startedAt);
  const ends = times((r) => r.run.finishedAt);
  const sources = new Set(reports.map((r) => r.run.source));
  const [source] = sources;
  return {
    startedAt: starts[0] ?? '',
    finishedAt: ends[ends.length - 1] ?? '',
    mode: reports.every((r) => r.run.mode === reports[0]?.run.mode) ? (reports[0]?.run.mode ?? 'snapshot') : 'snapshot',
    ...(sources.size === 1 && source !== undefined ? { source } : {}),
    ...(shards ? { shards } : {}),
  };
}

/** `labels` (the files read) name the inputs in the warnings about shards. */
export function mergeReports(reports: readonly Report[], failOn: Severity, labels: readonly string[] = []): Report {
  if (reports.length === 0) throw new TypeError('mergeReports needs at least one report');
  const coverage = shardCoverage(reports, labels);
  const instances = new Map<string, InstanceInfo>();
  const findings = new Map<string, Finding>();
  // An error a shard lists n times is listed n times (a multiset union: the same call failing in two
  // shards that overlap is one failure, not two).
  const errors = new Map<string, ErrorEntry[]>();
  const warnings = new Set<string>();
  for (const report of reports) {
    for (const instance of report.instances) if (!instances.has(instance.instanceArn)) instances.set(instance.instanceArn, instance);
    for (const finding of report.findings) {
      const existing = findings.get(finding.id);
      if (!existing || worse(finding, existing)) findings.set(finding.id, finding);
    }
    const own = new Map<string, ErrorEntry[]>();
    for (const error of report.errors) {
      const key = JSON.stringify([error.service, error.operation, error.resource, error.code, error.message, error.iamAction ?? null]);
      own.set(key, [...(own.get(key) ?? []), error]);
    }
    for (const [key, list] of own) if (list.length > (errors.get(key)?.length ?? 0)) errors.set(key, list);
    // An empty shard's notice is about that job alone; the coverage check speaks for the merge.
    const notice = report.run.shard ? emptyShardNotice(report.run.shard) : undefined;
    for (const warning of report.warnings ?? []) if (warning !== notice) warnings.add(warning);
  }
  // A shard that audited nothing says so; once the merged report has instances, that is no news.
  const merged = [...warnings].filter((warning) => instances.size === 0 || !warning.startsWith(NOTHING_AUDITED));
  return buildReport({
    instances: [...instances.values()],
    findings: [...findings.values()],
    errors: [...errors.values()].flat().sort(compareErrors),
    warnings: [...(coverage?.warnings ?? []), ...merged],
    failOn,
    run: mergedRun(reports, coverage?.shards),
    incomplete: coverage?.incomplete === true,
    // Shards that audited nothing passed only if they were allowed to (--allow-empty).
    nothingAudited: instances.size === 0 && reports.some((report) => report.summary.exitCode !== 0),
  });
}
