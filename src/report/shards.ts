/**
 * Whether the reports given to `merge` cover every shard of one sharded run (`--shard K/N`) exactly
 * once. A shard missing, or only part of it (one account file of `collect --out-dir` lost), means the
 * merged report does not cover the organisation: it is INCOMPLETE (exit 3 unless a FAIL decides).
 * Shards of different N or kinds cannot be checked at all: an input error (exit 2), nothing merged.
 */
import { InputError } from '../errors.js';
import { shardLabel } from '../scope/shard.js';
import type { Report } from './schema.js';

type ReportShard = NonNullable<Report['run']['shard']>;
export type MergedShards = NonNullable<Report['run']['shards']>;

export interface ShardCoverage {
  shards: MergedShards;
  warnings: string[];
  /** Some part of the sharded scope is in no report, or cannot be shown to be in one. */
  incomplete: boolean;
}

const kind = (shard: ReportShard) => `${shardLabel(shard)} by ${shard.by}`;
const names = (list: readonly string[]) => list.join(', ');

/** Undefined when no input is a shard. `labels` name the inputs (their files) in the warnings. */
export function shardCoverage(reports: readonly Report[], labels: readonly string[]): ShardCoverage | undefined {
  const inputs = reports.map((report, i) => ({ shard: report.run.shard, label: labels[i] ?? `report ${i + 1}` }));
  const sharded = inputs.flatMap(({ shard, label }) => (shard ? [{ shard, label }] : []));
  const [first] = sharded;
  if (!first) return undefined;
  const { count, by } = first.shard;
  const odd = sharded.find(({ shard }) => shard.count !== count || shard.by !== by);
  if (odd) {
    throw new InputError(
      `${first.label} is ${kind(first.shard)} but ${odd.label} is ${kind(odd.shard)}: merge the reports of one sharded run (the same N, all multi-account or all single-account)`,
    );
  }
  const warnings: string[] = [];
  const unsharded = inputs.filter(({ shard }) => !shard).map(({ label }) => label);
  if (unsharded.length > 0) {
    warnings.push(`${names(unsharded)} ${unsharded.length === 1 ? 'is not a shard' : 'are not shards'} (no run.shard) but ${unsharded.length === 1 ? 'was' : 'were'} merged with shards of ${count}: the shard check below covers only the shards`);
  }
  const merged: number[] = [];
  const missing: number[] = [];
  const duplicated: number[] = [];
  for (let index = 1; index <= count; index += 1) {
    const parts = sharded.filter(({ shard }) => shard.index === index);
    const label = shardLabel({ index, count });
    if (parts.length === 0) {
      missing.push(index);
      warnings.push(`${label} is missing: no report of it was merged, so the ${by}s it selects are in no report`);
      continue;
    }
    merged.push(index);
    const seen = new Map<string, number>();
    for (const { shard } of parts) for (const id of shard.audited) seen.set(id, (seen.get(id) ?? 0) + 1);
    const twice = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
    if (twice.length > 0 || (parts.length > 1 && parts.some(({ shard }) => shard.audited.length === 0))) {
      duplicated.push(index);
      warnings.push(`${label} was given more than once (${names(parts.map((p) => p.label))}): each finding keeps its worse verdict`);
    }
    const selected = [...new Set(parts.flatMap(({ shard }) => shard.selected))].sort();
    const uncovered = selected.filter((id) => !seen.has(id));
    if (uncovered.length > 0) {
      missing.push(index);
      warnings.push(`${label} is incomplete: ${by} ${names(uncovered)}, selected by it, ${uncovered.length === 1 ? 'is' : 'are'} in none of its reports`);
    }
  }
  const lists = new Set(sharded.map(({ shard }) => `${shard.chosenFrom.size} ${shard.chosenFrom.sha256}`));
  if (lists.size > 1) {
    const sizes = [...new Set(sharded.map(({ shard }) => shard.chosenFrom.size))].sort((a, b) => a - b);
    warnings.push(
      `the shards were chosen from different lists of ${by}s (${sizes.join(' or ')} ${by}s; the organisation changed between the jobs?): a ${by} added or removed meanwhile may be in no shard`,
    );
  }
  return { shards: { count, by, merged, missing, duplicated }, warnings, incomplete: missing.length > 0 || lists.size > 1 };
}
