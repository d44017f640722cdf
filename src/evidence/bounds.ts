/**
 * Values from the account are bounded before they travel: a hostile or broken answer (an array nested
 * 20,000 levels deep in an unknown field, a policy with 10,000 statements) must not overflow the stack
 * when a report is serialised, nor turn a finding into megabytes.
 */

export interface Bounds {
  /** Levels of arrays and objects kept; a deeper value becomes a marker string. */
  maxDepth: number;
  /** Items kept of an array; the rest are counted in a final "… and N more" item. */
  maxItems: number;
  /** Characters kept of a string; the rest are counted in a "… and N more characters" tail. */
  maxString: number;
}

/** For evidence files as loaded: far beyond any real AWS answer, so only pathological input is touched. */
export const LOAD_BOUNDS: Bounds = { maxDepth: 64, maxItems: Number.POSITIVE_INFINITY, maxString: Number.POSITIVE_INFINITY };

/** For what a finding carries: readable by a person and a SIEM. */
export const FINDING_BOUNDS: Bounds = { maxDepth: 12, maxItems: 50, maxString: 2_000 };

export function boundedString(text: string, maxString: number): string {
  if (text.length <= maxString) return text;
  return `${text.slice(0, maxString)}… and ${text.length - maxString} more characters`;
}

/**
 * A copy of `value` within `bounds`; values already within them come back as they are (same object).
 * Recursion stops at `maxDepth`, so the walk itself cannot overflow the stack.
 */
export function bounded(value: unknown, bounds: Bounds, depth = 0): unknown {
  if (typeof value === 'string') return boundedString(value, bounds.maxString);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= bounds.maxDepth) return `[nested deeper than ${bounds.maxDepth} levels: not kept]`;
  if (Array.isArray(value)) {
    const limit = Math.min(value.length, bounds.maxItems);
    let copy: unknown[] | undefined;
    for (let i = 0; i < limit; i++) {
      const item: unknown = value[i];
      const next = bounded(item, bounds, depth + 1);
      if (next !== item && !copy) copy = value.slice(0, i);
      copy?.push(next);
    }
    if (value.length > limit) (copy ??= value.slice(0, limit)).push(`… and ${value.length - limit} more`);
    return copy ?? value;
  }
  // Copies only what changes: most values are within bounds, and a copy of each would be garbage.
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    const next = bounded(item, bounds, depth + 1);
    if (next !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = next;
  }
  return copy ?? value;
}
