/**
 * Building blocks for formats that stream: a report of thousands of instances is written piece by
 * piece (a finding or an instance at a time), never held as one string.
 */
import { randomUUID } from 'node:crypto';
import type { Finding, HopResult, InstanceInfo, Report } from '../report/schema.js';
import type { FormatOptions, Formatter } from './types.js';
import { groupBy } from '../collections.js';

/** Pieces are gathered into chunks of about this many UTF-16 code units before they are handed on. */
export const CHUNK_CHARS = 1 << 16;

/**
 * Joins small pieces into chunks of at least `size` characters (the last may be shorter); a piece is
 * never split. An empty piece is a formatter's "give the writer a turn" during long work that writes
 * nothing yet: it passes through (after what was gathered), so signals are answered meanwhile.
 */
export function* batched(pieces: Iterable<string>, size = CHUNK_CHARS): Iterable<string> {
  let batch = '';
  for (const piece of pieces) {
    if (piece === '') {
      yield batch;
      batch = '';
      continue;
    }
    batch += piece;
    if (batch.length >= size) {
      yield batch;
      batch = '';
    }
  }
  if (batch !== '') yield batch;
}

/** The pieces with the trailing whitespace of the whole text removed, exactly as `text.trimEnd()` would. */
export function* trimmedEnd(pieces: Iterable<string>): Iterable<string> {
  let pending = '';
  for (const piece of pieces) {
    const kept = piece.trimEnd();
    if (kept === '') {
      pending += piece;
      continue;
    }
    yield pending + kept;
    pending = piece.slice(kept.length);
  }
}

/** A formatter whose `render` is its pieces joined. */
export function streamingFormatter(
  meta: Pick<Formatter, 'id' | 'description' | 'extension'>,
  chunks: (report: Report, options: FormatOptions) => Iterable<string>,
): Formatter {
  return { ...meta, chunks: (report, options) => batched(chunks(report, options)), pieces: chunks, render: (report, options) => [...chunks(report, options)].join('') };
}


/** Instances by ARN; the first one wins, as `Array.find` would. */
export function firstByArn(instances: readonly InstanceInfo[]): Map<string, InstanceInfo> {
  const byArn = new Map<string, InstanceInfo>();
  for (const instance of instances) if (!byArn.has(instance.instanceArn)) byArn.set(instance.instanceArn, instance);
  return byArn;
}

/** A report's findings and hops indexed by instance ARN, built once per rendering. */
export interface ReportIndex {
  findings: ReadonlyMap<string, Finding[]>;
  hops: ReadonlyMap<string, HopResult[]>;
}

export function indexReport(report: Report): ReportIndex {
  return { findings: groupBy(report.findings, (f) => f.instanceArn), hops: groupBy(report.hops, (h) => h.instanceArn) };
}

const NONE: readonly never[] = [];

export function findingsOf(index: ReportIndex, instanceArn: string): readonly Finding[] {
  return index.findings.get(instanceArn) ?? NONE;
}

export function hopsOf(index: ReportIndex, instanceArn: string): readonly HopResult[] {
  return index.hops.get(instanceArn) ?? NONE;
}

/** `items.map(f)`, computed as it is iterated. */
export function* mapped<T, U>(items: Iterable<T>, f: (item: T) => U): Iterable<U> {
  for (const item of items) yield f(item);
}

/** The items that pass `keep`, found as they are iterated. */
export function* kept<T>(items: Iterable<T>, keep: (item: T) => boolean): Iterable<T> {
  for (const item of items) if (keep(item)) yield item;
}

/** Marks where a streamed array goes inside a value given to {@link jsonChunks}. */
export type LazyArray = (items: Iterable<unknown>) => string;

/**
 * Exactly `JSON.stringify(value, null, indent)` for the value `build` returns, in pieces: each array
 * `build` wraps in `lazy(items)` is serialised one element at a time, as it is iterated, so neither
 * the document nor those arrays ever exist as one string (or, for a generator, at all).
 *
 * `JSON.stringify` indents purely by depth, so an element serialised on its own comes out the same
 * as inside the document once each of its line breaks is followed by the indentation of its depth.
 */
export function* jsonChunks(build: (lazy: LazyArray) => unknown, indent = 0): Iterable<string> {
  // Nonces no account string can contain mark where the arrays go.
  const nonce = randomUUID();
  const arrays = new Map<string, Iterable<unknown>>();
  const lazy: LazyArray = (items) => {
    const marker = `\u0000array-${nonce}-${arrays.size}\u0000`;
    arrays.set(JSON.stringify(marker), items);
    return marker;
  };
  const skeleton = JSON.stringify(build(lazy), null, indent);
  const places = [...arrays.keys()].map((marker) => ({ marker, at: skeleton.indexOf(marker) })).filter((p) => p.at >= 0);
  places.sort((a, b) => a.at - b.at);
  let from = 0;
  for (const { marker, at } of places) {
    yield skeleton.slice(from, at);
    const lineStart = skeleton.lastIndexOf('\n', at) + 1;
    const base = /^ */.exec(skeleton.slice(lineStart, at))?.[0] ?? '';
    yield* arrayChunks(arrays.get(marker) ?? NONE, indent, base);
    from = at + marker.length;
  }
  yield skeleton.slice(from);
}

/** A JSON array whose opening bracket sits at indentation `base`, one element a piece. */
function* arrayChunks(items: Iterable<unknown>, indent: number, base: string): Iterable<string> {
  const depth = indent > 0 ? base.length / indent + 1 : 0;
  const open = indent > 0 ? `\n${base}${' '.repeat(indent)}` : '';
  let first = true;
  for (const item of items) {
    yield `${first ? '[' : ','}${open}${nested(item, indent, depth)}`;
    first = false;
  }
  yield first ? '[]' : `${indent > 0 ? `\n${base}` : ''}]`;
}

/**
 * `item` as `JSON.stringify` writes it `depth` levels deep: serialised inside that many arrays, which
 * are cut off again (one native pass, faster than re-indenting the text). Inside an array, undefined,
 * functions and symbols become null.
 */
function nested(item: unknown, indent: number, depth: number): string {
  let wrapped: unknown = item;
  for (let i = 0; i < depth; i++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, indent) ?? 'null';
  // Each level opens with `[`, a line break and its indentation, and closes with a line break, the indentation of the level above and `]`.
  let prefix = 0;
  let suffix = 0;
  for (let i = 0; i < depth; i++) {
    prefix += 2 + (i + 1) * indent;
    suffix += 2 + i * indent;
  }
  return text.slice(prefix, text.length - suffix);
}

/** The report as `JSON.stringify(report, null, indent)`, its arrays streamed element by element. */
export function reportJsonChunks(report: Report, indent = 0): Iterable<string> {
  return jsonChunks(
    (lazy) => ({ ...report, instances: lazy(report.instances), hops: lazy(report.hops), findings: lazy(report.findings), errors: lazy(report.errors) }),
    indent,
  );
}
