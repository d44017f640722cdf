/**
 * `--shard K/N`: the accounts (or, in a single-account run, the regions) of shard K of N, chosen by a
 * hash that never changes between versions, so N CI jobs cover an organisation exactly once without a
 * hand-made list. docs/scale.md states the formula; test/scope/shard.test.ts pins known assignments.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { parseInstanceArn } from '../evidence/aws-names.js';
import type { EvidenceDocument } from '../evidence/model.js';

/** More jobs than any CI matrix runs (GitHub Actions: 256 jobs per matrix). */
export const MAX_SHARDS = 1000;

export interface ShardSpec {
  /** K, 1-based. */
  index: number;
  /** N. */
  count: number;
}

export type ShardBy = 'account' | 'region';

/**
 * What a sharded run selected, recorded in its evidence (`collection.shard`) and report (`run.shard`).
 * `chosenFrom` identifies the list the shard was chosen from, so `merge` can tell when the jobs saw
 * different lists (an account joined the organisation between two jobs) and coverage cannot be proved.
 */
export const shardRecordSchema = z.object({
  index: z.number().int().min(1).max(MAX_SHARDS),
  count: z.number().int().min(1).max(MAX_SHARDS),
  by: z.enum(['account', 'region']),
  selected: z.array(z.string()).describe('the accounts (or regions) of this shard, sorted'),
  chosenFrom: z
    .object({ size: z.number().int().min(0), sha256: z.string() })
    .describe('the list the shard was chosen from: how many ids, and SHA-256 of the sorted ids joined by newlines'),
});
export type ShardRecord = z.infer<typeof shardRecordSchema>;

const SHARD = /^([0-9]{1,4})\/([0-9]{1,4})$/;

/** `3/8` → { index: 3, count: 8 }; anything else is a usage error (exit 2). */
export function parseShard(text: string): ShardSpec {
  const match = SHARD.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || !(count >= 1 && count <= MAX_SHARDS && index >= 1 && index <= count)) {
    throw new InputError(`--shard ${JSON.stringify(text)}: expected K/N, whole numbers with 1 <= K <= N <= ${MAX_SHARDS}, e.g. 3/8`);
  }
  return { index, count };
}

/**
 * The shard (1-based) an account id or region name belongs to: the first 4 bytes of the SHA-256 of its
 * UTF-8 text, read as an unsigned big-endian integer, modulo N, plus 1. Part of the CLI's contract.
 */
export function shardOf(id: string, count: number): number {
  return (createHash('sha256').update(id, 'utf8').digest().readUInt32BE(0) % count) + 1;
}

export const shardLabel = (spec: ShardSpec) => `shard ${spec.index}/${spec.count}`;

export function selectShard(ids: readonly string[], spec: ShardSpec, by: ShardBy): ShardRecord {
  // The default sort compares UTF-16 code units: the same order on every machine.
  const all = [...new Set(ids)].sort();
  return {
    index: spec.index,
    count: spec.count,
    by,
    selected: all.filter((id) => shardOf(id, spec.count) === spec.index),
    chosenFrom: { size: all.length, sha256: createHash('sha256').update(all.join('\n'), 'utf8').digest('hex') },
  };
}

/**
 * The shard of a document that selected nothing and holds nothing: a normal, empty run. (A failed
 * organization listing, which every shard reports, or an unreadable account kept in every region
 * shard, is not empty.)
 */
export function emptyShardOf(doc: EvidenceDocument): ShardRecord | undefined {
  const shard = doc.collection?.shard;
  return shard && shard.selected.length === 0 && !doc.accounts.some((a) => a.error) ? shard : undefined;
}

/** The warning of a shard that selected nothing: a normal, empty run. */
export function emptyShardNotice(record: ShardRecord): string {
  const noun = `${record.by}${record.chosenFrom.size === 1 ? '' : 's'}`;
  return `${shardLabel(record)} selected none of the ${record.chosenFrom.size} ${noun} listed: nothing to audit in this shard (merge its report with the other shards')`;
}

/**
 * What the instance pins (`--instance-id` ARNs) name, by which the shard is chosen: a pinned run audits
 * only those accounts (regions), so only they are shared out. Undefined without pins. A bare id names
 * no account or region, so no shard could own it.
 */
export function pinnedKeys(pins: readonly string[], by: ShardBy): string[] | undefined {
  if (pins.length === 0) return undefined;
  return pins.map((pin) => {
    const arn = parseInstanceArn(pin.trim());
    if (!arn) throw new InputError(`--instance-id ${pin}: with --shard, name instances by ARN (it says which ${by} the instance is in, and so which shard audits it)`);
    return by === 'account' ? arn.account : arn.region;
  });
}

/** The pins of the shard's own accounts (regions): the others are audited by other shards. */
export function pinsOfShard(pins: readonly string[], record: ShardRecord): string[] {
  const keys = pinnedKeys(pins, record.by) ?? [];
  const selected = new Set(record.selected);
  return pins.filter((_, i) => selected.has(keys[i] ?? ''));
}

/**
 * `audit --snapshot FILE --shard K/N`: the accounts of shard K of the document; in a one-account
 * document, that account with the regions of shard K (its buckets and keys, read once for every
 * region, stay whole). An account that could not be read at all stays in every region shard: its
 * ERROR is the same finding in each, and merge keeps one.
 */
export function shardDocument(doc: EvidenceDocument, spec: ShardSpec, pins: readonly string[], file: string): EvidenceDocument {
  const recorded = doc.collection?.shard;
  if (recorded) throw new InputError(`--shard ${spec.index}/${spec.count}: ${file} was collected as ${shardLabel(recorded)}; audit it without --shard`);
  const [only] = doc.accounts;
  if (only && doc.accounts.length === 1) {
    const record = selectShard(pinnedKeys(pins, 'region') ?? only.regions.map((r) => r.region), spec, 'region');
    const selected = new Set(record.selected);
    const account = { ...only, regions: only.regions.filter((r) => selected.has(r.region)) };
    return { ...doc, collection: { ...doc.collection, shard: record }, accounts: [account] };
  }
  const record = selectShard(pinnedKeys(pins, 'account') ?? doc.accounts.map((a) => a.accountId), spec, 'account');
  const selected = new Set(record.selected);
  return { ...doc, collection: { ...doc.collection, shard: record }, accounts: doc.accounts.filter((a) => selected.has(a.accountId)) };
}
