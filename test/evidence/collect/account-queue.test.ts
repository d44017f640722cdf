/** readAccounts: every account discovered, then read largest first, `base` at a time plus one per idle slot. */
import { describe, expect, it } from 'vitest';
import { readAccounts } from '../../../src/evidence/collect/account-queue.js';

const SIZES: Record<string, number> = { a: 1, b: 3, c: 0, d: 5, e: 2 };

function harness() {
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  let idle: (() => void) | undefined;
  const done = readAccounts(Object.keys(SIZES), 1, (listener) => (idle = listener), {
    discover: async (accountId) => ({ size: SIZES[accountId] ?? 0, found: accountId }),
    read: (accountId) => {
      started.push(accountId);
      return new Promise<void>((resolve) => finishers.set(accountId, resolve));
    },
  });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const finish = async (accountId: string) => {
    finishers.get(accountId)?.();
    await settle();
  };
  return { started, done, settle, finish, idle: () => idle?.() };
}

describe('readAccounts', () => {
  it('reads the first account found, one with nothing to read at once, then the rest largest first, one at a time', async () => {
    const run = harness();
    await run.settle();
    expect(run.started).toEqual(['a', 'c']);
    await run.finish('c');
    expect(run.started).toEqual(['a', 'c']);
    await run.finish('a');
    expect(run.started).toEqual(['a', 'c', 'd']);
    await run.finish('d');
    await run.finish('b');
    expect(run.started).toEqual(['a', 'c', 'd', 'b', 'e']);
    await run.finish('e');
    await expect(run.done).resolves.toBeUndefined();
  });

  it('once every account is discovered, starts the largest waiting one whenever a request slot is left idle', async () => {
    const run = harness();
    await run.settle();
    run.idle();
    run.idle();
    expect(run.started).toEqual(['a', 'c', 'd', 'b']);
    for (const accountId of ['a', 'c', 'd', 'b']) await run.finish(accountId);
    expect(run.started.at(-1)).toBe('e');
    await run.finish('e');
    await expect(run.done).resolves.toBeUndefined();
  });

  it('spends an idle slot on discovering the next account while some are not yet discovered', async () => {
    const discovered: string[] = [];
    const read: string[] = [];
    let idle: (() => void) | undefined;
    void readAccounts(['p', 'q', 'r', 's'], 1, (listener) => (idle = listener), {
      discover: (accountId) => {
        discovered.push(accountId);
        return accountId === 'p' || accountId === 'q' ? Promise.resolve({ size: 1, found: accountId }) : new Promise(() => undefined);
      },
      read: (accountId) => {
        read.push(accountId);
        return new Promise(() => undefined);
      },
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect([discovered, read]).toEqual([['p', 'q', 'r'], ['p']]);
    idle?.();
    expect([discovered, read]).toEqual([['p', 'q', 'r', 's'], ['p']]);
  });

  it('resolves at once for no account, and rejects with the first failure', async () => {
    await expect(readAccounts([], 4, () => undefined, { discover: async () => ({ size: 0, found: 0 }), read: async () => undefined })).resolves.toBeUndefined();
    const failing = readAccounts(['x', 'y'], 2, () => undefined, { discover: async () => ({ size: 1, found: 0 }), read: async () => Promise.reject(new Error('aborted')) });
    await expect(failing).rejects.toThrow('aborted');
  });
});
