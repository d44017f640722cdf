import { describe, expect, it } from 'vitest';
import { searchedScope } from '../../src/findings/evaluate.js';

describe('what a run searched, in one line', () => {
  it('names up to ten accounts and regions, then counts the rest', () => {
    const accounts = Array.from({ length: 1000 }, (_, i) => String(200000000000 + i));
    const line = searchedScope({ accounts, regions: ['eu-central-1', 'us-east-1'] });
    expect(line).toBe(`accounts ${accounts.slice(0, 10).join(', ')} and 990 more in regions eu-central-1, us-east-1`);
  });

  it('says so when there was nothing to search', () => {
    expect(searchedScope({ accounts: [], regions: [] })).toBe('no account in no region');
    expect(searchedScope({ accounts: ['111122223333'], regions: ['eu-central-1'] })).toBe('account 111122223333 in region eu-central-1');
  });
});
