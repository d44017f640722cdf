/**
 * Every format streams (issue 9, item 5), through the built CLI: a generated snapshot of 3,000
 * instances (about 175,000 findings) written in every format at once, `--format asff` on stdout and
 * `--output` for the nine others. Before formats streamed, OCSF and ASFF at this size passed V8's
 * longest string (about 2^29 characters) and the run ended without a report; text and JUnit took
 * minutes (every finding filtered once per instance). A second run writes each format on stdout for a
 * smaller snapshot and parses it whole.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEvidence, offlineOptions } from '../../bench/lib/generate.js';
import { FORMATTERS } from '../../src/formats/index.js';
import { BIN, ROOT } from '../helpers/cli.js';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** The built CLI with stdout going to a file: reports this size do not fit in one string. */
function runToFile(args: string[], stdoutFile: string, timeoutMs: number): Promise<Run> {
  const fd = openSync(stdoutFile, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', NO_COLOR: '1' },
      stdio: ['ignore', fd, 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      closeSync(fd);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      closeSync(fd);
      resolve({ code, signal, stderr });
    });
  });
}

/** Reads a file in pieces, calling `each` with every piece (files here can be larger than a string may be). */
function eachPiece(file: string, each: (piece: string) => void): void {
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(1 << 20);
  let carry = Buffer.alloc(0);
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) {
      const bytes = Buffer.concat([carry, buffer.subarray(0, read)]);
      // Cut at the last line break, so no piece ends inside a UTF-8 sequence or a line (a line is
      // checked whole only in files of short lines: see countLiteral for the others).
      const cut = bytes.lastIndexOf(0x0a) + 1 || (bytes.length > 1 << 22 ? lastCharBoundary(bytes) : 0);
      carry = Buffer.from(bytes.subarray(cut));
      if (cut > 0) each(bytes.subarray(0, cut).toString('utf8'));
    }
    if (carry.length > 0) each(carry.toString('utf8'));
  } finally {
    closeSync(fd);
  }
}

/** Where the last UTF-8 sequence of `bytes` starts (continuation bytes are 10xxxxxx). */
function lastCharBoundary(bytes: Buffer): number {
  let i = bytes.length - 1;
  while (i > 0 && ((bytes[i] ?? 0) & 0xc0) === 0x80) i -= 1;
  return i;
}

/** Occurrences of a literal string in a file of any line length. */
function countLiteral(file: string, literal: string): number {
  const needle = Buffer.from(literal);
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(1 << 20);
  let n = 0;
  let carry = Buffer.alloc(0);
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) {
      const bytes = Buffer.concat([carry, buffer.subarray(0, read)]);
      let at = bytes.indexOf(needle);
      let next = 0;
      while (at !== -1) {
        n += 1;
        next = at + needle.length;
        at = bytes.indexOf(needle, next);
      }
      carry = Buffer.from(bytes.subarray(Math.max(next, bytes.length - needle.length + 1)));
    }
  } finally {
    closeSync(fd);
  }
  return n;
}

/** Matches of a line-anchored pattern (`m` and `g` flags) in a file. */
function count(file: string, pattern: RegExp): number {
  let n = 0;
  eachPiece(file, (piece) => (n += piece.match(pattern)?.length ?? 0));
  return n;
}

function head(file: string, bytes = 1 << 16): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function tail(file: string, bytes = 1 << 16): string {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(bytes, size));
    readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The first element of a JSON array written with `JSON.stringify(…, null, 2)` whose elements open with `indent{`. */
function firstElement(text: string, indent: string): unknown {
  const start = text.indexOf(`\n${indent}{\n`);
  const end = text.indexOf(`\n${indent}}`, start);
  return JSON.parse(text.slice(start + 1, end + indent.length + 2)) as unknown;
}

const NO_STACK = /^\s+at /m;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cna-formats-scale-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('every format at scale, through the built CLI', () => {
  it('writes 3,000 instances in every format (--format asff on stdout, --output for the rest), each complete and well-formed', async () => {
    const instances = 3000;
    const snapshot = join(dir, 'snapshot-3000.json');
    writeFileSync(snapshot, JSON.stringify(generateEvidence(offlineOptions(instances))));
    const file = (format: string) => join(dir, `report-3000.${format}`);
    const outputs = FORMATTERS.filter((f) => f.id !== 'asff').flatMap((f) => ['--output', `${f.id}=${file(f.id)}`]);
    const run = await runToFile(['audit', '--snapshot', snapshot, '--format', 'asff', ...outputs], file('asff'), 280_000);
    expect(run.stderr).not.toMatch(NO_STACK);
    expect(run.stderr).not.toMatch(/Invalid string length|RangeError/);
    expect({ code: run.code, signal: run.signal }).toEqual({ code: 1, signal: null });

    // NDJSON: one finding a line, each parsed; the count every other format is checked against.
    let findings = 0;
    eachPiece(file('ndjson'), (piece) => {
      for (const line of piece.split('\n')) {
        if (line === '') continue;
        expect((JSON.parse(line) as { id?: unknown }).id).toBeTypeOf('string');
        findings += 1;
      }
    });
    expect(findings).toBeGreaterThan(100_000);

    expect(count(file('ocsf'), /^\{"activity_id":1,.*\}$/gm)).toBe(findings);
    expect((JSON.parse(tail(file('ocsf')).trimEnd().split('\n').pop() ?? '') as { class_uid?: unknown }).class_uid).toBe(2003);

    expect(count(file('asff'), /^ {2}\{$/gm)).toBe(findings);
    expect((firstElement(head(file('asff')), '  ') as { SchemaVersion?: unknown }).SchemaVersion).toBe('2018-10-08');
    expect(tail(file('asff'))).toMatch(/\n {2}}\n]\n$/);

    // The JSON report: every finding (the only objects with a ruleId at that depth), and it closes.
    expect(count(file('json'), /^ {6}"ruleId": /gm)).toBe(findings);
    expect(head(file('json'))).toMatch(/^\{\n {2}"schemaVersion": /);
    expect(tail(file('json'))).toMatch(/\n {2}"errors": \[[^]*\n}\n$/);

    const sarif = JSON.parse(readFileSync(file('sarif'), 'utf8')) as { runs: Array<{ results: unknown[] }> };
    expect(sarif.runs[0]?.results.length).toBeGreaterThan(0);

    expect(count(file('junit'), /^ {4}<testcase /gm)).toBe(findings);
    expect(count(file('junit'), /^ {2}<testsuite /gm)).toBe(instances);
    expect(tail(file('junit'))).toMatch(/<\/testsuites>\n$/);

    expect(count(file('csv'), /\r$/gm)).toBe(findings + 1);
    expect(countLiteral(file('html'), '"ruleId":')).toBe(findings); // rows are drawn from the embedded report
    expect(countLiteral(file('html'), '<details class="instance"')).toBe(instances);
    expect(tail(file('html'))).toMatch(/<\/html>\n$/);
    expect(tail(file('text'), 2000)).toMatch(/Summary: FAIL .* 3000 instance\(s\)/);
    const markdown = readFileSync(file('markdown'), 'utf8');
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(1_048_576);
    expect(markdown).toMatch(/^## .* Amazon Connect network paths: FAIL/);
    // Failures first: at this size they fill the summary, and the last line counts the diagrams left out.
    expect(markdown).toMatch(/\n_Left out to stay within 1,048,576 bytes \(--max-bytes\): [\d,]+ FAIL\/ERROR finding\(s\), 3,000 instance diagram\(s\)/);
  }, 300_000);

  it('writes each format on stdout (--format X) for 200 instances, and each parses whole', async () => {
    const snapshot = join(dir, 'snapshot-200.json');
    writeFileSync(snapshot, JSON.stringify(generateEvidence(offlineOptions(200))));
    for (const { id } of FORMATTERS) {
      const out = join(dir, `stdout-200.${id}`);
      const run = await runToFile(['audit', '--snapshot', snapshot, '--format', id], out, 60_000);
      expect(run.stderr, id).not.toMatch(NO_STACK);
      expect({ id, code: run.code }).toEqual({ id, code: 1 });
      const text = readFileSync(out, 'utf8');
      if (id === 'json' || id === 'asff' || id === 'sarif') expect(() => JSON.parse(text) as unknown, id).not.toThrow();
      if (id === 'ndjson' || id === 'ocsf') for (const line of text.trimEnd().split('\n')) JSON.parse(line);
      if (id === 'html') expect(text.endsWith('</html>\n')).toBe(true);
      if (id === 'junit') expect(text.endsWith('</testsuites>\n')).toBe(true);
      if (id === 'text') expect(text).toMatch(/Summary: FAIL .* 200 instance\(s\)/);
    }
  }, 300_000);
});
