import { describe, expect, it } from 'vitest';
import { bounded, FINDING_BOUNDS, LOAD_BOUNDS } from '../../src/evidence/bounds.js';

describe('bounded values', () => {
  it('returns values within bounds unchanged (the same object)', () => {
    const value = { a: [1, 2, { b: 'c' }], d: 'text' };
    expect(bounded(value, FINDING_BOUNDS)).toBe(value);
  });

  it('cuts nesting deeper than the bound without recursing into it', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const cut = bounded({ field: deep }, LOAD_BOUNDS);
    expect(() => JSON.stringify(cut)).not.toThrow();
    expect(JSON.stringify(cut)).toContain('nested deeper than 64 levels');
  });

  it('caps long arrays and strings with "… and N more"', () => {
    const cut = bounded({ list: Array.from({ length: 120 }, (_, i) => i), text: 'x'.repeat(2_500) }, FINDING_BOUNDS) as { list: unknown[]; text: string };
    expect(cut.list).toHaveLength(51);
    expect(cut.list.at(-1)).toBe('… and 70 more');
    expect(cut.text.endsWith('… and 500 more characters')).toBe(true);
  });
});
