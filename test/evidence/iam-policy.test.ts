import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/evidence/operations.js';

interface Statement {
  Effect: string;
  Action: string[];
}

describe('docs/iam-policy.json', () => {
  const policy = JSON.parse(readFileSync(new URL('../../docs/iam-policy.json', import.meta.url), 'utf8')) as { Statement: Statement[] };
  const granted = policy.Statement.flatMap((s) => s.Action).sort();
  const needed = [...new Set(Object.values(OPERATIONS).flatMap((op) => (op.iamAction ? [op.iamAction] : [])))].sort();

  it('grants exactly the actions of the calls the collectors make: nothing missing, nothing extra', () => {
    expect(granted).toEqual(needed);
  });

  it('is read-only and allows only', () => {
    for (const statement of policy.Statement) expect(statement.Effect).toBe('Allow');
    for (const action of granted) expect(action).toMatch(/^[a-z0-9]+:(Get|List|Describe)[A-Za-z]+$/);
  });

  it('lists only calls the collectors really make', () => {
    const dir = new URL('../../src/evidence/collect/', import.meta.url);
    const source = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(new URL(f, dir), 'utf8'))
      .join('\n');
    for (const [key, op] of Object.entries(OPERATIONS)) {
      // Named as the target of a call, and its SDK command sent.
      expect(source, key).toMatch(new RegExp(`(operation: |target\\()'${key}'`));
      expect(source, key).toContain(`new sdk.${op.operation}Command(`);
    }
  });
});
