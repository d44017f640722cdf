/**
 * IAM wildcards (`*` any run, `?` one character): matching a concrete action or resource, and the
 * language questions the policy rules ask (does a set of patterns cover every S3 action or every
 * object of a bucket; do two patterns overlap). Every answer is bounded in time and memory on any
 * input AWS accepts; where a bound is reached the answer leans the cautious way, as each helper says.
 * Waiver resource globs use the same matcher.
 */

type GlobToken = { kind: 'char'; char: string } | { kind: 'one' } | { kind: 'run' };

/** A parsed wildcard pattern. Build with `patternGlob`, `literalGlob` and `concatGlobs`. */
export interface Glob {
  readonly tokens: readonly GlobToken[];
}

/** Actions match case-insensitively, resources case-sensitively. */
export type MatchKind = 'action' | 'resource';

/**
 * What a policy variable such as `${aws:username}` stands for. `literal` keeps its text, which can only
 * shrink what a pattern matches; `wildcard` lets it match anything, which can only grow it. Callers pick
 * the cautious one: `literal` when a match grants coverage, `wildcard` when a match exempts (`Not...`).
 */
export type PolicyVariableReading = 'literal' | 'wildcard';

const ESCAPED_VARIABLES: Readonly<Record<string, string>> = { '*': '*', '?': '?', $: '$' };

function normalise(text: string, kind: MatchKind): string {
  return kind === 'action' ? text.toLowerCase() : text;
}

// Tokens are shared, so a 20 KB pattern costs an array of references, not 20,000 objects.
const RUN: GlobToken = { kind: 'run' };
const ONE: GlobToken = { kind: 'one' };
const charTokenCache = new Map<string, GlobToken>();

function charToken(char: string): GlobToken {
  let token = charTokenCache.get(char);
  if (!token) charTokenCache.set(char, (token = { kind: 'char', char }));
  return token;
}

function charTokens(text: string): GlobToken[] {
  return Array.from(text, charToken);
}

export function patternGlob(pattern: string, kind: MatchKind, variables: PolicyVariableReading = 'literal'): Glob {
  const chars = Array.from(normalise(pattern, kind));
  const tokens: GlobToken[] = [];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] as string;
    if (char === '$' && chars[i + 1] === '{') {
      const close = chars.indexOf('}', i + 2);
      if (close > 0) {
        tokens.push(...variableTokens(chars.slice(i + 2, close).join(''), variables));
        i = close;
        continue;
      }
    }
    if (char === '*') tokens.push(RUN);
    else if (char === '?') tokens.push(ONE);
    else tokens.push(charToken(char));
  }
  return { tokens: withoutRepeatedRuns(tokens) };
}

/** `**` matches what `*` matches; collapsing keeps the automata small. */
function withoutRepeatedRuns(tokens: readonly GlobToken[]): GlobToken[] {
  return tokens.filter((token, i) => !(token.kind === 'run' && tokens[i - 1]?.kind === 'run'));
}

function variableTokens(name: string, variables: PolicyVariableReading): GlobToken[] {
  const escaped = ESCAPED_VARIABLES[name];
  if (escaped !== undefined) return [charToken(escaped)];
  return variables === 'wildcard' ? [RUN] : charTokens(`\${${name}}`);
}

/** A glob that matches exactly `text` (its `*` and `?` are plain characters). */
export function literalGlob(text: string, kind: MatchKind): Glob {
  return { tokens: charTokens(normalise(text, kind)) };
}

export function concatGlobs(...globs: Glob[]): Glob {
  return { tokens: globs.flatMap((glob) => glob.tokens) };
}

/** A glob whose only wildcard is `*` (waiver resources): `?` and `${…}` are plain characters. */
export function starGlob(text: string): Glob {
  return { tokens: withoutRepeatedRuns(Array.from(text, (char) => (char === '*' ? RUN : charToken(char)))) };
}

const minimumLengths = new WeakMap<readonly GlobToken[], number>();

/** Characters (code points) every word of the glob has at least. */
function minimumLength(tokens: readonly GlobToken[]): number {
  let length = minimumLengths.get(tokens);
  if (length === undefined) minimumLengths.set(tokens, (length = tokens.reduce((count, token) => (token.kind === 'run' ? count : count + 1), 0)));
  return length;
}

/**
 * The classic two-pointer matcher. On a mismatch only the most recent `*` is retried, one character
 * further: whatever an earlier `*` could swallow the later one can too, so nothing before it needs
 * revisiting. Each retry rescans at most the star-free segment after that `*`, so the time is
 * O(|tokens| + |chars| × that segment's length) and the memory constant; no regex, no set of states.
 */
function tokensMatch(tokens: readonly GlobToken[], chars: readonly string[]): boolean {
  if (minimumLength(tokens) > chars.length) return false;
  let t = 0;
  let c = 0;
  let lastRun = -1;
  let resumeAt = 0;
  while (c < chars.length) {
    const token = tokens[t];
    if (token && (token.kind === 'one' || (token.kind === 'char' && token.char === chars[c]))) {
      t++;
      c++;
    } else if (token?.kind === 'run') {
      lastRun = t++;
      resumeAt = c;
    } else if (lastRun >= 0) {
      // Let the last `*` swallow one more character and retry from there.
      t = lastRun + 1;
      c = ++resumeAt;
    } else {
      return false;
    }
  }
  while (tokens[t]?.kind === 'run') t++;
  return t === tokens.length;
}

/** Does the glob match this concrete text (compared as it is: normalise actions first)? */
export function globMatches(glob: Glob, text: string): boolean {
  return tokensMatch(glob.tokens, Array.from(text));
}

/**
 * Patterns parsed once per run: a policy's patterns are matched against many values. Cleared when it
 * holds more than {@link MAX_COMPILED_CHARACTERS}, so hostile evidence cannot make it grow without end.
 */
const compiledPatterns = new Map<string, Glob>();
const MAX_COMPILED_CHARACTERS = 4_000_000;
let compiledCharacters = 0;

export function compiledPattern(pattern: string, kind: MatchKind, variables: PolicyVariableReading): Glob {
  const key = `${kind}|${variables}|${pattern}`;
  let glob = compiledPatterns.get(key);
  if (!glob) {
    if (compiledCharacters + key.length > MAX_COMPILED_CHARACTERS) {
      compiledPatterns.clear();
      compiledCharacters = 0;
    }
    compiledPatterns.set(key, (glob = patternGlob(pattern, kind, variables)));
    compiledCharacters += key.length;
  }
  return glob;
}

/** Does the IAM pattern match this concrete action or resource? */
export function patternMatches(pattern: string, value: string, kind: MatchKind, variables: PolicyVariableReading = 'literal'): boolean {
  return globMatches(compiledPattern(pattern, kind, variables), normalise(value, kind));
}

// ---------------------------------------------------------------------------------------------------
// Language questions: does every word of a target match one of several patterns; do two patterns
// share a word? Each is answered in time and memory bounded by the patterns' sizes, whatever they hold.
// ---------------------------------------------------------------------------------------------------

/** Pattern positions reachable before `tokens[from]`: `from` and every position a run of `*`s lets it skip to. */
function pushClosure(tokens: readonly GlobToken[], from: number, into: number[]): void {
  let position = from;
  for (;;) {
    if (into.length === 0 || (into[into.length - 1] as number) < position) into.push(position);
    if (tokens[position]?.kind !== 'run') return;
    position++;
  }
}

type StateSet = readonly number[];

function startStates(tokens: readonly GlobToken[]): StateSet {
  const states: number[] = [];
  pushClosure(tokens, 0, states);
  return states;
}

/**
 * The positions after reading `char`, from sorted positions. Each position yields a contiguous,
 * non-decreasing range, so the result comes out sorted and deduplicated in one pass: O(|states|).
 */
function advance(tokens: readonly GlobToken[], states: StateSet, char: string): StateSet {
  const next: number[] = [];
  for (const position of states) {
    const token = tokens[position];
    if (!token) continue;
    if (token.kind === 'run') pushClosure(tokens, position, next);
    else if (token.kind === 'one' || token.char === char) pushClosure(tokens, position + 1, next);
  }
  return next;
}

function namedCharacters(globs: readonly Glob[]): Set<string> {
  const named = new Set<string>();
  for (const glob of globs) for (const token of glob.tokens) if (token.kind === 'char') named.add(token.char);
  return named;
}

/** A character no glob names (a readable letter when one is free): it matches only `?` and `*`. */
function standInFor(named: ReadonlySet<string>): string {
  let standIn = 0x61;
  while (named.has(String.fromCodePoint(standIn))) standIn++;
  return String.fromCodePoint(standIn);
}

/** The named characters and one stand-in for all the others, which behave alike. */
function alphabetOf(globs: readonly Glob[]): string[] {
  const named = namedCharacters(globs);
  return [...named, standInFor(named)];
}

/** Word lengths a set of wildcard-only tails accepts: exact lengths, and every length from `from` on. */
interface Lengths {
  exact: Set<number>;
  from: number;
}

/**
 * `prefix` then only wildcards, e.g. `s3:?*` (plain `s3:`, then one or more characters) or
 * `arn:aws:s3:::b/?*`: the shape of every target the rules ask about.
 */
interface PrefixedTarget {
  prefix: string[];
  tailLengths: { min: number; unbounded: boolean };
}

function prefixedTarget(target: Glob): PrefixedTarget | undefined {
  const tokens = target.tokens;
  const tailStart = tokens.findIndex((token) => token.kind !== 'char');
  const split = tailStart < 0 ? tokens.length : tailStart;
  const tail = tokens.slice(split);
  if (tail.some((token) => token.kind === 'char')) return undefined;
  return {
    prefix: tokens.slice(0, split).map((token) => (token.kind === 'char' ? token.char : '')),
    tailLengths: { min: minimumLength(tail), unbounded: tail.some((token) => token.kind === 'run') },
  };
}

/**
 * After `prefix`, which tail lengths does the pattern accept for every tail of that length? A tail of
 * a character no pattern names matches only through a wildcard-only rest of the pattern, and a
 * wildcard-only rest matches every tail of a length it accepts: so the pattern covers exactly the
 * tails of these lengths. O(|pattern| × |prefix|).
 */
function lengthsAfterPrefix(pattern: Glob, prefix: readonly string[], into: Lengths): void {
  const tokens = pattern.tokens;
  let states = startStates(tokens);
  for (const char of prefix) {
    if (states.length === 0) return;
    states = advance(tokens, states, char);
  }
  // From the end: where the wildcard-only rest starts, and its `?` count and `*` presence per position.
  let wildcardOnlyFrom = tokens.length;
  while (wildcardOnlyFrom > 0 && tokens[wildcardOnlyFrom - 1]?.kind !== 'char') wildcardOnlyFrom--;
  const ones: number[] = new Array<number>(tokens.length + 1).fill(0);
  const runs: boolean[] = new Array<boolean>(tokens.length + 1).fill(false);
  for (let i = tokens.length - 1; i >= wildcardOnlyFrom; i--) {
    ones[i] = (ones[i + 1] as number) + (tokens[i]?.kind === 'one' ? 1 : 0);
    runs[i] = (runs[i + 1] as boolean) || tokens[i]?.kind === 'run';
  }
  for (const position of states) {
    if (position < wildcardOnlyFrom) continue;
    const count = ones[position] as number;
    if (runs[position]) into.from = Math.min(into.from, count);
    else into.exact.add(count);
  }
}

/** Exact coverage of a prefixed target, in time linear in the patterns (times the prefix length). */
function coverPrefixedTarget(patterns: readonly Glob[], target: Glob, shape: PrefixedTarget): CoverageCheck {
  const accepted: Lengths = { exact: new Set(), from: Number.POSITIVE_INFINITY };
  for (const pattern of patterns) lengthsAfterPrefix(pattern, shape.prefix, accepted);
  const { min, unbounded } = shape.tailLengths;
  const isAccepted = (length: number) => length >= accepted.from || accepted.exact.has(length);
  // Only lengths below `from` can escape, and past the exact lengths one of them surely does.
  const last = unbounded ? Math.min(accepted.from, min + accepted.exact.size + 1) : min + 1;
  for (let length = min; length < last; length++) {
    if (!isAccepted(length)) return { covered: false, example: shape.prefix.join('') + standInFor(namedCharacters([...patterns, target])).repeat(length) };
  }
  return { covered: true };
}

/**
 * Work (state positions advanced, keys built) a coverage search for any other target may spend
 * before it answers "not covered"; counting work rather than states bounds time and memory alike.
 */
const MAX_SEARCH_WORK = 2_000_000;

type SearchResult = { found: true; witness: string } | { found: false; exhaustive: boolean };

/**
 * Breadth-first search over the product of the automata for a word of `target` no pattern matches.
 * Characters that no glob names behave alike, so one stand-in covers them all. Each automaton's
 * state sets are interned to small numbers, so a product key grows with the number of globs only.
 */
function searchEscapingWord(patterns: readonly Glob[], target: Glob): SearchResult {
  const globs = [target, ...patterns];
  const alphabet = alphabetOf(globs);
  let work = 0;
  const interned = globs.map(() => new Map<string, number>());
  const idOf = (glob: number, states: StateSet): number => {
    const key = states.join(',');
    work += key.length;
    const ids = interned[glob] as Map<string, number>;
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return id;
  };
  const keyOf = (states: readonly StateSet[]) => states.map((set, i) => idOf(i, set)).join('|');
  const start = globs.map((glob) => startStates(glob.tokens));
  const queue: Array<{ states: StateSet[]; word: string }> = [{ states: start, word: '' }];
  const seen = new Set<string>([keyOf(start)]);
  for (let head = 0; head < queue.length; head++) {
    const { states, word } = queue[head] as { states: StateSet[]; word: string };
    const [targetStates, ...patternStates] = states as [StateSet, ...StateSet[]];
    if (targetStates.length === 0) continue;
    if (patterns.some((pattern, i) => everyContinuationMatches(pattern.tokens, patternStates[i] as StateSet))) continue;
    const accepts = (i: number) => (states[i] as StateSet).includes((globs[i] as Glob).tokens.length);
    if (accepts(0) && !patterns.some((_, i) => accepts(i + 1))) return { found: true, witness: word };
    for (const char of alphabet) {
      const next = globs.map((glob, i) => {
        const from = states[i] as StateSet;
        work += from.length + 1;
        return advance(glob.tokens, from, char);
      });
      const key = keyOf(next);
      if (work > MAX_SEARCH_WORK) return { found: false, exhaustive: false };
      if (seen.has(key)) continue;
      seen.add(key);
      queue.push({ states: next, word: word + char });
    }
  }
  return { found: false, exhaustive: true };
}

/** From a position inside a trailing run of `*`s, every continuation matches. */
function everyContinuationMatches(tokens: readonly GlobToken[], states: StateSet): boolean {
  const last = tokens.length - 1;
  return tokens[last]?.kind === 'run' && states.includes(last);
}

/**
 * A pattern made of plain characters L followed by one trailing `*` matches exactly the words that
 * start with L; a target whose first tokens are those same plain characters only has such words.
 * A sufficient condition for coverage (never a wrong "covered").
 */
function prefixPatternCovers(pattern: Glob, target: Glob): boolean {
  const last = pattern.tokens.length - 1;
  if (pattern.tokens[last]?.kind !== 'run') return false;
  for (let i = 0; i < last; i++) {
    const p = pattern.tokens[i];
    const t = target.tokens[i];
    if (p?.kind !== 'char' || t?.kind !== 'char' || p.char !== t.char) return false;
  }
  return true;
}

/** A pattern covers every word of an identical pattern (an exact ARN listed as it is asked for). */
function sameTokens(pattern: Glob, target: Glob): boolean {
  if (pattern.tokens.length !== target.tokens.length) return false;
  return pattern.tokens.every((token, i) => {
    const other = target.tokens[i];
    return token.kind === other?.kind && (token.kind !== 'char' || (other.kind === 'char' && token.char === other.char));
  });
}

export type CoverageCheck = { covered: true } | { covered: false; example?: string };

/**
 * Does every word of `target` match at least one of `patterns`? When it does not, `example` is a word
 * that escapes. Exact for targets of plain characters followed by wildcards (every target the rules
 * use); for any other target a search bounded by {@link MAX_SEARCH_WORK} answers "not covered",
 * without an example, when it cannot settle the question.
 */
export function globsCover(patterns: readonly Glob[], target: Glob): CoverageCheck {
  // The common cases, settled at a glance: `s3:*`, `*`, `arn:aws:s3:::bucket/*`, the target itself.
  if (patterns.some((pattern) => prefixPatternCovers(pattern, target) || sameTokens(pattern, target))) return { covered: true };
  const shape = prefixedTarget(target);
  if (shape) return coverPrefixedTarget(patterns, target, shape);
  const search = searchEscapingWord(patterns, target);
  if (search.found) return { covered: false, example: search.witness };
  return search.exhaustive ? { covered: true } : { covered: false };
}

/** Cells of the overlap table beyond which the answer is "they overlap" (about 16 KB × 256 characters). */
const MAX_OVERLAP_CELLS = 1 << 22;

/**
 * Is there a word both globs match? `shares[j]` says whether the rests `a[i:]` and `b[j:]` share a
 * word, computed from the end. When two `*`s meet, the shorter of their runs may as well be empty,
 * so every step moves past one token: O(|a| × |b|) time, O(|b|) memory. Beyond
 * {@link MAX_OVERLAP_CELLS} the answer is yes, the cautious one for an exemption.
 */
export function globsOverlap(a: Glob, b: Glob): boolean {
  const [x, y] = a.tokens.length >= b.tokens.length ? [a.tokens, b.tokens] : [b.tokens, a.tokens];
  if ((x.length + 1) * (y.length + 1) > MAX_OVERLAP_CELLS) return true;
  // Row i = x.length: the empty rest of x shares a word only with a rest of y made of `*`s.
  let below = new Uint8Array(y.length + 1);
  let row = new Uint8Array(y.length + 1);
  below[y.length] = 1;
  for (let j = y.length - 1; j >= 0; j--) below[j] = y[j]?.kind === 'run' ? (below[j + 1] as number) : 0;
  for (let i = x.length - 1; i >= 0; i--) {
    row.fill(0);
    const p = x[i] as GlobToken;
    row[y.length] = p.kind === 'run' ? (below[y.length] as number) : 0;
    for (let j = y.length - 1; j >= 0; j--) {
      const q = y[j] as GlobToken;
      if (p.kind === 'run') row[j] = (below[j] as number) | (row[j + 1] as number);
      else if (q.kind === 'run') row[j] = (row[j + 1] as number) | (below[j] as number);
      else if (p.kind === 'one' || q.kind === 'one' || p.char === q.char) row[j] = below[j + 1] as number;
    }
    [below, row] = [row, below];
  }
  return below[0] === 1;
}
