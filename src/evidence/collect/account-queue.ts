/**
 * The order and pace at which a multi-account run reads its accounts.
 *
 * Starting every account of an organisation at once makes memory grow with the organisation: each
 * account being read holds its SDK clients, its session and its partial evidence. Starting them a few
 * at a time in the order given makes the run last longer instead, because an account's reading lasts
 * about as long as its busiest region's Connect pacing, and a large account started late ends late.
 * So each account is first discovered (its instances listed: a few requests), and the accounts found
 * to hold instances are read largest first (longest processing time first), a few at a time, more
 * whenever a request slot is left idle.
 */
import type { Scheduler } from './scheduler.js';

/**
 * The scheduler as the accounts' collections see it, and a hook called whenever one of its
 * `concurrency` request slots is left idle after a request: no account being read had a request
 * ready for it.
 */
export function watchSlots(scheduler: Scheduler, concurrency: number): { watched: Scheduler; onIdle: (listener: () => void) => void } {
  let sending = 0;
  let listener: (() => void) | undefined;
  const check = () => {
    if (sending < concurrency) listener?.();
  };
  const run: Scheduler['run'] = (task, fn) =>
    scheduler.run(task, async (signal, attempt) => {
      sending++;
      try {
        return await fn(signal, attempt);
      } finally {
        sending--;
        // After the scheduler has handed the slot to whatever was ready.
        setImmediate(check);
      }
    });
  const watched = new Proxy(scheduler, { get: (target, property, receiver) => (property === 'run' ? run : Reflect.get(target, property, receiver)) });
  return { watched, onIdle: (l) => (listener = l) };
}

export interface AccountWork<D> {
  /** What an account holds, found with a few requests: `size` orders the reading (0: it sends nothing more). */
  discover(accountId: string): Promise<{ size: number; found: D }>;
  read(accountId: string, found: D): Promise<void>;
}

interface Discovered<D> {
  accountId: string;
  size: number;
  found: D;
}

/**
 * Discovers and reads every target: at most `base` accounts discovered and `base` read at once, and
 * one more discovered (or, once all are, read) whenever `onIdle` says a request slot went unused; the
 * largest discovered is read first, an account with nothing more to read at once. Rejects with the
 * first rejection (an abort).
 */
export function readAccounts<D>(targets: readonly string[], base: number, onIdle: (listener: () => void) => void, work: AccountWork<D>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let next = 0;
    let discovering = 0;
    let reading = 0;
    /** Discovered, not yet read: largest first. */
    const waiting: Discovered<D>[] = [];
    const settle = () => {
      if (next >= targets.length && discovering === 0 && reading === 0 && waiting.length === 0) resolve();
    };
    const read = (item: Discovered<D>) => {
      reading++;
      work.read(item.accountId, item.found).then(() => {
        reading--;
        pump();
        settle();
      }, reject);
    };
    const discover = () => {
      const accountId = targets[next++];
      if (accountId === undefined) return;
      discovering++;
      work.discover(accountId).then(({ size, found }) => {
        discovering--;
        const item = { accountId, size, found };
        if (size === 0) read(item);
        else waiting.splice(insertionPoint(waiting, size), 0, item);
        pump();
        settle();
      }, reject);
    };
    const pump = () => {
      while (discovering < base && next < targets.length) discover();
      for (let item = waiting[0]; reading < base && item; item = waiting[0]) read(waiting.shift() as Discovered<D>);
    };
    // Discovery first: the largest account can only be read first once every account is known.
    onIdle(() => {
      if (next < targets.length) discover();
      else {
        const item = waiting.shift();
        if (item) read(item);
      }
    });
    pump();
    settle();
  });
}

/** Where an item of `size` goes in a list ordered largest first, after the items of the same size. */
function insertionPoint(items: readonly { size: number }[], size: number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((items[middle]?.size ?? 0) >= size) low = middle + 1;
    else high = middle;
  }
  return low;
}
