/**
 * IAM wildcard and waiver-glob matching stays exact and bounded on hostile input (issue 9, item 3):
 * the exact answers are checked against brute force on every small pattern, and the largest hostile
 * policies S3 accepts are judged within a generous bound (the benchmark holds the 50 ms target).
 */
import { describe, expect, it } from 'vitest';
import {
  HOSTILE_BUCKET,
  HOSTILE_EXPECTED,
  HOSTILE_SHAPES,
  hostilePolicy,
  hostileWaiverGlob,
  longArns,
  BUCKET_POLICY_LIMIT_BYTES,
} from '../../../bench/lib/hostile.js';
import { applyWaivers } from '../../../src/findings/waivers.js';
import type { Finding } from '../../../src/report/schema.js';
import { evaluateSecureTransportDeny, evaluateTlsVersionDeny } from '../../../src/rules/lib/bucket-policy.js';
import { concatGlobs, globMatches, globsCover, globsOverlap, literalGlob, patternGlob, patternMatches, starGlob } from '../../../src/rules/lib/wildcards.js';

const GENEROUS_MS = 1000;

function timed<T>(run: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = run();
  return { value, ms: performance.now() - started };
}

/** Every word over `alphabet` of length up to `maxLength`. */
function* words(alphabet: readonly string[], maxLength: number): Generator<string> {
  yield '';
  let level = [''];
  for (let length = 1; length <= maxLength; length++) {
    const next: string[] = [];
    for (const word of level) for (const char of alphabet) next.push(word + char);
    yield* next;
    level = next;
  }
}

/** Every pattern over `a`, `b`, `?`, `*` of length up to `maxLength` (without `**`, which means `*`). */
const SMALL_PATTERNS = [...words(['a', 'b', '?', '*'], 4)].filter((pattern) => !pattern.includes('**'));
/** `a`, `b` and one character no pattern names: every behaviour a character can have. */
const ALPHABET = ['a', 'b', 'c'];
const glob = (pattern: string) => patternGlob(pattern, 'resource');

/** `matches(pattern)[k]`: does the pattern match the k-th word of `wordList`? Computed once per pattern. */
function matchTable(wordList: readonly string[]): (pattern: string) => boolean[] {
  const table = new Map<string, boolean[]>();
  return (pattern) => {
    let row = table.get(pattern);
    if (!row) table.set(pattern, (row = wordList.map((word) => globMatches(glob(pattern), word))));
    return row;
  };
}

describe('the two-pointer matcher', () => {
  it.each<[string, string, boolean]>([
    ['*', '', true],
    ['?', '', false],
    ['a*b?c', 'axxbyc', true],
    ['*a*b*c', 'xxaxxbxxbxxc', true],
    ['*a*b*c', 'xxaxxbxxbxxcd', false],
    ['*?*?*?', 'ab', false],
    ['*?*?*?', 'abc', true],
    ['a?', 'a😀', true],
  ])('%s vs %j → %s', (pattern, value, expected) => {
    expect(patternMatches(pattern, value, 'resource')).toBe(expected);
  });

  it('agrees with a regex on every small pattern and word', () => {
    const toRegex = (pattern: string) => new RegExp(`^${pattern.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
    for (const pattern of SMALL_PATTERNS) {
      const regex = toRegex(pattern);
      for (const word of words(ALPHABET, 5)) expect(patternMatches(pattern, word, 'resource'), `${pattern} vs ${word}`).toBe(regex.test(word));
    }
  });

  it('waiver globs: `*` is any run, `?` and `${…}` are plain characters', () => {
    expect(globMatches(starGlob('arn:aws:s3:::b*'), 'arn:aws:s3:::bucket')).toBe(true);
    expect(globMatches(starGlob('arn:aws:s3:::b?'), 'arn:aws:s3:::bx')).toBe(false);
    expect(globMatches(starGlob('arn:aws:s3:::b?'), 'arn:aws:s3:::b?')).toBe(true);
    expect(globMatches(starGlob('arn:${x}'), 'arn:${x}')).toBe(true);
    expect(globMatches(starGlob('*.example'), 'aXexample')).toBe(false);
  });
});

describe('language questions are exact where the rules ask them', () => {
  // The targets the rules use: plain characters, then wildcards.
  const targets = ['?*', '*', 'a?*', 'ab', 'a??', 'a*'];

  it('coverage matches brute force for pairs of small patterns against each target', () => {
    // An escaping word exists iff one of length ≤ the longest pattern + 2 exists (the stand-in argument).
    const wordList = [...words(ALPHABET, 6)];
    const matches = matchTable(wordList);
    for (const targetText of targets) {
      const target = glob(targetText);
      const inTarget = matches(targetText);
      for (let i = 0; i < SMALL_PATTERNS.length; i += 1) {
        for (let j = i; j < SMALL_PATTERNS.length; j += 5) {
          const patterns = [SMALL_PATTERNS[i] as string, SMALL_PATTERNS[j] as string];
          const check = globsCover(patterns.map(glob), target);
          const [first, second] = patterns.map(matches) as [boolean[], boolean[]];
          const escape = wordList.find((_, k) => inTarget[k] && !first[k] && !second[k]);
          expect(check.covered, `${patterns.join(' ∪ ')} ⊇ ${targetText}`).toBe(escape === undefined);
          if (!check.covered) {
            expect(globMatches(target, check.example ?? '')).toBe(true);
            expect(patterns.some((p) => globMatches(glob(p), check.example ?? ''))).toBe(false);
          }
        }
      }
    }
  });

  it('overlap matches brute force for every pair of small patterns', () => {
    // A shared word, if any, is no longer than both patterns together.
    const patterns = SMALL_PATTERNS.filter((pattern) => pattern.length <= 3);
    const matches = matchTable([...words(ALPHABET, 6)]);
    for (const a of patterns) {
      for (const b of patterns) {
        const inB = matches(b);
        const shared = matches(a).some((matched, k) => matched && inB[k]);
        expect(globsOverlap(glob(a), glob(b)), `${a} ∩ ${b}`).toBe(shared);
      }
    }
  });

  it('a target the fast path does not handle goes to the bounded search, which stays exact on small input', () => {
    const target = glob('?*a');
    expect(globsCover([glob('*a')], target)).toEqual({ covered: true });
    const check = globsCover([glob('?a'), glob('??*ba')], target);
    expect(check.covered).toBe(false);
    expect(check.covered === false && check.example).toBeTruthy();
  });

  it('the search gives up cautiously ("not covered") when the work bound is hit', () => {
    // `?*…a` as target and subset-construction bombs as patterns: no cheap answer exists.
    const target = concatGlobs(literalGlob('arn:aws:s3:::b/', 'resource'), glob(`${'?*'.repeat(2000)}a`));
    const patterns = Array.from({ length: 20 }, (_, i) => glob(`arn:aws:s3:::b/*a${'?'.repeat(20 + i)}`));
    const { value, ms } = timed(() => globsCover(patterns, target));
    expect(value.covered).toBe(false);
    expect(ms).toBeLessThan(GENEROUS_MS);
  });

  it('overlap of two huge patterns answers "overlaps" (the cautious answer for an exemption) without the full table', () => {
    const huge = glob(`${'?*'.repeat(5000)}a`);
    const other = glob(`${'*b'.repeat(5000)}`);
    const { value, ms } = timed(() => globsOverlap(huge, other));
    expect(value).toBe(true);
    expect(ms).toBeLessThan(GENEROUS_MS);
  });
});

describe('hostile policies S3 accepts are judged in bounded time', () => {
  it.each(HOSTILE_SHAPES)('%s', (shape) => {
    // A fresh bucket name per run, so no verdict is remembered from another test.
    const bucket = `${HOSTILE_BUCKET}-${shape}`;
    const policy = hostilePolicy(shape, bucket);
    expect(Buffer.byteLength(policy)).toBeLessThanOrEqual(BUCKET_POLICY_LIMIT_BYTES);
    expect(Buffer.byteLength(policy)).toBeGreaterThan(BUCKET_POLICY_LIMIT_BYTES * 0.98);
    const { value, ms } = timed(() => [evaluateSecureTransportDeny(policy, bucket), evaluateTlsVersionDeny(policy, bucket)]);
    expect(value[0]?.kind).toBe(HOSTILE_EXPECTED[shape]);
    // The hostile policies condition on aws:SecureTransport only: nothing denies old TLS.
    expect(value[1]?.kind).toBe('not-covered');
    expect(ms).toBeLessThan(GENEROUS_MS);
  });

  it('a 32 KB key-policy-sized pattern list is still bounded', () => {
    const bucket = `${HOSTILE_BUCKET}-32k`;
    const policy = hostilePolicy('mixed', bucket, 32 * 1024);
    const { value, ms } = timed(() => evaluateSecureTransportDeny(policy, bucket));
    expect(value.kind).toBe('not-covered');
    expect(ms).toBeLessThan(GENEROUS_MS);
  });
});

describe('waiver globs are matched in linear time', () => {
  it('a 10,000-character `*a*a…*Z` glob against 2 KB ARNs of `a`s', () => {
    const glob = hostileWaiverGlob();
    expect(glob).toHaveLength(10_000);
    const findings = longArns().map(
      (arn) => ({ ruleId: 'kms-key-enabled', status: 'FAIL', resource: { arn }, instanceArn: arn }) as unknown as Finding,
    );
    const waiver = { rule: 'kms-key-enabled', resource: glob, reason: 'hostile', expires: '2099-01-01' };
    const { value, ms } = timed(() => applyWaivers(findings, [waiver], new Date('2026-12-01T00:00:00Z')));
    expect(value.findings.map((finding) => finding.status)).toEqual(findings.map(() => 'FAIL'));
    expect(ms).toBeLessThan(GENEROUS_MS);
  });

  it('the same glob still waives what it matches', () => {
    const glob = hostileWaiverGlob(20);
    const arn = `arn:${'a'.repeat(12)}Z`;
    const finding = { ruleId: 'r', status: 'ERROR', resource: { arn }, instanceArn: 'arn:other' } as unknown as Finding;
    const { findings } = applyWaivers([finding], [{ rule: 'r', resource: glob, reason: 'x', expires: '2099-01-01' }], new Date('2026-12-01T00:00:00Z'));
    expect(findings[0]?.status).toBe('WAIVED');
  });
});
