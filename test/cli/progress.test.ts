import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CollectProgress } from '../../src/evidence/collect/progress.js';
import { clearProgressLines, createProgressLine, progressText } from '../../src/cli/progress.js';

const progress = (extra: Partial<CollectProgress> = {}): CollectProgress => ({
  accounts: { done: 1, total: 3 },
  instances: { done: 4, total: 10 },
  requests: 120,
  retries: 2,
  throttled: 2,
  ...extra,
});

function fakeStream(columns?: number) {
  const writes: string[] = [];
  return { writes, stream: { columns, write: (text: string) => writes.push(text) } };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('progressText', () => {
  it('says accounts and instances done, requests, throttles, elapsed and a rough time left', () => {
    expect(progressText(progress(), 20_000)).toBe('accounts 1/3, instances 4/10, 120 requests, 2 throttled, 20s elapsed, ~30s left');
  });

  it('leaves out the accounts of a single-account run, and the estimate until there is a pace to go by', () => {
    expect(progressText(progress({ accounts: { done: 0, total: 1 }, instances: { done: 0, total: 0 } }), 1500)).toBe('instances 0/0, 120 requests, 2 throttled, 2s elapsed');
    expect(progressText(progress({ instances: { done: 10, total: 10 } }), 125_000)).toContain('2m05s elapsed');
  });
});

describe('createProgressLine', () => {
  it('redraws one line in place, at most every 100 ms, fits the terminal, and clears it at the end', () => {
    vi.useFakeTimers();
    let now = 0;
    const { writes, stream } = fakeStream(30);
    const line = createProgressLine(stream, () => now);
    line.update(progress());
    line.update(progress({ requests: 121 }));
    expect(writes).toHaveLength(1);
    now = 150;
    line.update(progress({ requests: 122 }));
    expect(writes).toHaveLength(2);
    for (const text of writes) {
      expect(text.startsWith('\r\u001b[K')).toBe(true);
      expect(text).not.toContain('\n');
      expect(text.length - 4).toBeLessThanOrEqual(29);
    }
    line.log('a log line');
    expect(writes.at(-2)).toBe('\r\u001b[Ka log line\n');
    line.clear();
    expect(writes.at(-1)).toBe('\r\u001b[K');
    const count = writes.length;
    line.update(progress());
    vi.advanceTimersByTime(5000);
    expect(writes).toHaveLength(count);
  });

  it('keeps the elapsed time moving while nothing happens, and is cleared on SIGINT', () => {
    vi.useFakeTimers();
    let now = 0;
    const { writes, stream } = fakeStream();
    createProgressLine(stream, () => now);
    vi.advanceTimersByTime(3000);
    expect(writes).toEqual([]); // nothing known yet: nothing drawn
    const line = createProgressLine(stream, () => now);
    line.update(progress());
    now = 2000;
    vi.advanceTimersByTime(1000);
    expect(writes.at(-1)).toContain('2s elapsed');
    clearProgressLines();
    expect(writes.at(-1)).toBe('\r\u001b[K');
  });
});
