/**
 * Every format streams (issue 9, item 5): `chunks` yields bounded pieces as it is iterated, and
 * `render` is those pieces joined. The CLI writes `chunks`, awaiting between them.
 */
import { describe, expect, it } from 'vitest';
import { generateEvidence, offlineOptions } from '../../bench/lib/generate.js';
import { scriptJson } from '../../src/formats/escape.js';
import { FORMATTERS } from '../../src/formats/index.js';
import { asffFinding } from '../../src/formats/asff.js';
import { batched, CHUNK_CHARS, jsonChunks, trimmedEnd } from '../../src/formats/stream.js';
import type { FormatOptions } from '../../src/formats/types.js';
import { reportForEvidence } from '../helpers/report.js';
import { cases } from './cases.js';

const OPTIONS: FormatOptions = { color: false, unicode: true };
/** The largest piece a formatter yields: the SARIF rule catalogue (about 110 kB) is one. */
const MAX_CHUNK = 256 * 1024;

const large = reportForEvidence(generateEvidence(offlineOptions(100)));

describe.each(FORMATTERS.map((f) => ({ id: f.id, formatter: f })))('$id streams', ({ formatter }) => {
  it('renders exactly its chunks joined, for every test report', () => {
    for (const { report } of [...cases(), { report: large }]) {
      expect([...formatter.chunks(report, OPTIONS)].join('')).toBe(formatter.render(report, OPTIONS));
    }
  });

  it('writes a large report in bounded pieces, produced as they are asked for', () => {
    const iterator = formatter.chunks(large, OPTIONS)[Symbol.iterator]();
    const first = iterator.next();
    expect(first.done).toBe(false);
    expect((first.value as string).length).toBeLessThan(MAX_CHUNK);
    let total = (first.value as string).length;
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      expect(next.value.length).toBeLessThan(MAX_CHUNK);
      total += next.value.length;
    }
    // Several times the largest piece: the document was never one string.
    expect(total).toBeGreaterThan(2 * MAX_CHUNK);
  });
});

describe('stream building blocks', () => {
  const report = large;

  it('jsonChunks is JSON.stringify, at any indentation and nesting, for arrays given lazily', () => {
    const value = { a: 1, nested: { list: [1, { b: [2, 3] }, 'x\ny'], empty: [] }, top: ['z'] };
    for (const indent of [0, 2, 4]) {
      const streamed = [...jsonChunks((lazy) => ({ ...value, nested: { list: lazy(value.nested.list), empty: lazy([]) }, top: lazy(value.top) }), indent)].join('');
      expect(streamed).toBe(JSON.stringify(value, null, indent));
    }
    expect([...jsonChunks((lazy) => lazy([{ a: [1] }, null]), 2)].join('')).toBe(JSON.stringify([{ a: [1] }, null], null, 2));
    expect([...jsonChunks((lazy) => lazy([]), 2)].join('')).toBe('[]');
  });

  it('the JSON, ASFF and embedded HTML data are what one JSON.stringify would give', () => {
    const byId = (id: string) => FORMATTERS.find((f) => f.id === id);
    expect(byId('json')?.render(report, OPTIONS)).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect(byId('asff')?.render(report, OPTIONS)).toBe(`${JSON.stringify(report.findings.map((f) => asffFinding(report, f)), null, 2)}\n`);
    expect(byId('html')?.render(report, OPTIONS)).toContain(`<script type="application/json" id="report-data">${scriptJson(report)}</script>`);
  });

  it('batched joins pieces into chunks of at least the given size without splitting a piece', () => {
    const pieces = Array.from({ length: 100 }, (_, i) => 'x'.repeat(i + 1));
    const chunks = [...batched(pieces, 500)];
    expect(chunks.join('')).toBe(pieces.join(''));
    expect(chunks.slice(0, -1).every((c) => c.length >= 500)).toBe(true);
    expect([...batched([])]).toEqual([]);
    expect(CHUNK_CHARS).toBeGreaterThan(1000);
  });

  it('batched passes an empty piece through as a turn for the writer, after what it gathered', () => {
    expect([...batched(['a', 'b', '', 'c'], 500)]).toEqual(['ab', 'c']);
    expect([...batched(['', 'a'], 500)]).toEqual(['', 'a']);
  });

  it('trimmedEnd removes the trailing whitespace of the whole text', () => {
    for (const pieces of [['a ', ' ', '\n'], ['a', ' b  '], ['  ', ''], ['x\n', '\n', 'y\n\n']]) {
      expect([...trimmedEnd(pieces)].join('')).toBe(pieces.join('').trimEnd());
    }
  });
});
