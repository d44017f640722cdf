/**
 * The scheduler's priority queues (O(log n) per grant, oldest request first) and its send-time
 * pacing, driven the way the SDK drives it: `sendPacingMiddleware` is called with the attempt's
 * signal in `context.__smithy_context.abortSignal` (scheduler-sdk.test.ts does it through real clients).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MinHeap } from '../../../src/evidence/collect/heap.js';
import { retryAfterMs, sendPacingMiddleware } from '../../../src/evidence/collect/pacing.js';
import { Scheduler } from '../../../src/evidence/collect/scheduler.js';
import { busiestWindow, throttledBy } from './send-windows.js';

afterEach(() => {
  vi.useRealTimers();
});

/** What the SDK does between the grant and the send: `delayMs` of work, then the send middleware, then the handler. */
function sdkLikeCall(signal: AbortSignal, delayMs: number, sentAt: number[]): Promise<void> {
  const handler = async () => {
    sentAt.push(Date.now());
  };
  const send = sendPacingMiddleware(handler, { __smithy_context: { abortSignal: signal } });
  return new Promise<void>((resolve) => setTimeout(resolve, delayMs)).then(() => send(undefined));
}

describe('MinHeap', () => {
  it('pops in order', () => {
    const heap = new MinHeap<number>((a, b) => a < b);
    const values = Array.from({ length: 500 }, (_, i) => (i * 7919) % 503);
    for (const value of values) heap.push(value);
    const out: number[] = [];
    for (let v = heap.pop(); v !== undefined; v = heap.pop()) out.push(v);
    expect(out).toEqual([...values].sort((a, b) => a - b));
  });
});

describe('Scheduler: O(log n) scheduling', () => {
  /** `keys` keys with one waiter each, every grant from a queue of all of them. */
  async function workFor(keys: number): Promise<{ work: number; ms: number }> {
    const scheduler = new Scheduler({ concurrency: 1, maxAttempts: 1 });
    const started = performance.now();
    await Promise.all(Array.from({ length: keys }, (_, i) => scheduler.run({ key: `a${i}|us-east-1|s3:GetBucketPolicy` }, async () => i)));
    return { work: scheduler.schedulingWork, ms: performance.now() - started };
  }

  it('grants 20,000 waiting keys with ~n log n work (a scan of every key per grant is n²/2 = 2·10⁸)', async () => {
    const small = await workFor(2_000);
    const large = await workFor(20_000);
    const nLogN = 20_000 * Math.log2(20_000);
    expect(large.work).toBeLessThan(4 * nLogN);
    // ×10 keys: n log n grows ×13, n² ×100.
    expect(large.work / small.work).toBeLessThan(20);
    // The scan took seconds here; the queues take tens of milliseconds (bound generous for a loaded CI).
    expect(large.ms).toBeLessThan(2_000);
  });

  it('keys waiting for tokens cost a timer, not a scan: 5,000 paced keys, one timer each second', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({ concurrency: 8, maxAttempts: 1 });
    const rate = { ratePerSecond: 1, burst: 1 };
    const sent = new Map<number, number>();
    const keys = 5_000;
    const all = Promise.all(
      Array.from({ length: keys * 3 }, (_, i) =>
        scheduler.run({ key: `k${i % keys}`, rate }, async () => {
          const second = Math.floor(Date.now() / 1000);
          sent.set(second, (sent.get(second) ?? 0) + 1);
        }),
      ),
    );
    await vi.advanceTimersByTimeAsync(3_000);
    await all;
    // Each key sends at 0, 1 s and 2 s (its bucket), whatever the other 4,999 keys do.
    expect([...sent.entries()].sort(([a], [b]) => a - b)).toEqual([
      [0, keys],
      [1, keys],
      [2, keys],
    ]);
    expect(scheduler.schedulingWork).toBeLessThan(4 * 3 * keys * Math.log2(keys));
  });
});

describe('Scheduler: order and fairness', () => {
  it('grants the oldest request among keys whose token is there, whenever their tokens come', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({ concurrency: 1, maxAttempts: 1 });
    const order: string[] = [];
    const slow = { ratePerSecond: 1, burst: 1 };
    const fast = { ratePerSecond: 4, burst: 1 };
    const jobs: Promise<void>[] = [];
    const add = (name: string, key: string, rate: typeof slow | undefined) =>
      jobs.push(scheduler.run({ key, rate }, async () => void order.push(`${name}@${Date.now()}`)));
    add('s1', 'slow', slow);
    add('s2', 'slow', slow); // token at 1000
    add('f1', 'fast', fast);
    add('f2', 'fast', fast); // token at 250
    add('u1', 'free', undefined);
    add('f3', 'fast', fast); // token at 500
    add('u2', 'free', undefined);
    await vi.advanceTimersByTimeAsync(2_000);
    await Promise.all(jobs);
    expect(order).toEqual(['s1@0', 'f1@0', 'u1@0', 'u2@0', 'f2@250', 'f3@500', 's2@1000']);
  });

  it('serves a key with many waiters and a late key first-come, first-served', async () => {
    const scheduler = new Scheduler({ concurrency: 2, maxAttempts: 1 });
    const order: string[] = [];
    const jobs = [
      ...Array.from({ length: 5 }, (_, i) => scheduler.run({ key: 'busy' }, async () => void order.push(`busy${i}`))),
      scheduler.run({ key: 'late' }, async () => void order.push('late')),
      scheduler.run({ key: 'busy' }, async () => void order.push('busy5')),
    ];
    await Promise.all(jobs);
    expect(order).toEqual(['busy0', 'busy1', 'busy2', 'busy3', 'busy4', 'late', 'busy5']);
  });

  it('re-checks a queued key when it comes out: a throttle since it was queued sends it to wait', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({ concurrency: 1, maxAttempts: 2, random: () => 0, throttleBaseDelayMs: 1 });
    const order: string[] = [];
    const rate = { ratePerSecond: 2, burst: 5 };
    let first = true;
    const jobs = [
      // Throttled once: the key's bucket is emptied while its other two calls are queued as ready.
      scheduler.run({ key: 'connect', rate }, async () => {
        order.push(`c0@${Date.now()}`);
        if (first) {
          first = false;
          throw Object.assign(new Error('slow down'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
        }
      }),
      scheduler.run({ key: 'connect', rate }, async () => void order.push(`c1@${Date.now()}`)),
      scheduler.run({ key: 'connect', rate }, async () => void order.push(`c2@${Date.now()}`)),
      scheduler.run({ key: 's3' }, async () => void order.push(`s3@${Date.now()}`)),
    ];
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all(jobs);
    expect(order[0]).toBe('c0@0');
    // The S3 call does not wait behind the throttled key; Connect's calls come back at the lowered rate.
    expect(order[1]).toBe('s3@0');
    const connectTimes = order.filter((o) => o.startsWith('c') && o !== 'c0@0').map((o) => Number(o.split('@')[1]));
    expect(connectTimes).toHaveLength(3);
    expect(Math.min(...connectTimes)).toBeGreaterThan(0);
    expect(busiestWindow(connectTimes, 450)).toBe(1);
  });

  it('keeps the cap and never lets a key waiting for a token hold a slot, at scale', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({ concurrency: 4, maxAttempts: 1 });
    let inFlight = 0;
    let peak = 0;
    const done: string[] = [];
    const call = (key: string, rate?: { ratePerSecond: number; burst: number }) =>
      scheduler.run({ key, rate }, async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 10));
        inFlight -= 1;
        done.push(key);
      });
    const jobs = [
      ...Array.from({ length: 40 }, () => call('connect', { ratePerSecond: 1, burst: 1 })),
      ...Array.from({ length: 40 }, (_, i) => call(`s3-${i}`)),
    ];
    await vi.advanceTimersByTimeAsync(200);
    // 40 S3 calls in 10 rounds of 4 while Connect's 39 others wait for tokens without a slot.
    expect(done.filter((k) => k.startsWith('s3')).length).toBe(40);
    await vi.advanceTimersByTimeAsync(40_000);
    await Promise.all(jobs);
    expect(peak).toBe(4);
    expect(scheduler.stats.maxInFlight).toBe(4);
  });
});

describe('Scheduler: send-time pacing', () => {
  it('takes the token when the request leaves: delays between grant and send do not bunch sends', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({ concurrency: 16, maxAttempts: 1 });
    const rate = { ratePerSecond: 2, burst: 2 };
    const sentAt: number[] = [];
    // Every other call spends 1.7 s between its grant and its send (a credential refresh, a busy CPU).
    const jobs = Array.from({ length: 16 }, (_, i) => scheduler.run({ key: 'connect', rate }, (signal) => sdkLikeCall(signal, i % 2 === 0 ? 0 : 1_700, sentAt)));
    await vi.advanceTimersByTimeAsync(20_000);
    await Promise.all(jobs);
    expect(sentAt).toHaveLength(16);
    // A bucket of 2 at 2/s: at most 2 + 2·w sends in any window of w seconds.
    expect(busiestWindow(sentAt, 1000)).toBeLessThanOrEqual(4);
    expect(busiestWindow(sentAt, 500)).toBeLessThanOrEqual(3);
    expect(busiestWindow(sentAt, 1)).toBeLessThanOrEqual(2);
    expect(scheduler.stats.paced).toBe(16);
  });

  it('a request that left but arrives late (a new connection, a stalled loop) does not let later ones crowd it at the service', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({ concurrency: 16, maxAttempts: 1 });
    const rate = { ratePerSecond: 2, burst: 5 };
    const arrivals: number[] = [];
    let sends = 0;
    const jobs = Array.from({ length: 15 }, () =>
      scheduler.run({ key: 'connect', rate }, (signal) => {
        const handler = async () => {
          // The first five open connections: 300 ms on the way; later ones reuse them. Answers take 25 ms.
          await new Promise((r) => setTimeout(r, ++sends <= 5 ? 300 : 0));
          arrivals.push(Date.now());
          await new Promise((r) => setTimeout(r, 25));
        };
        return sendPacingMiddleware(handler, { __smithy_context: { abortSignal: signal } })(undefined);
      }),
    );
    await vi.advanceTimersByTimeAsync(20_000);
    await Promise.all(jobs);
    expect(arrivals).toHaveLength(15);
    // The service's bucket is the one paced here (2/s, burst 5), and yet it throttles none.
    expect(throttledBy(arrivals, rate)).toBe(0);
  });

  it('has at most `burst` requests of a paced key out at once, however high its rate', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({ concurrency: 16, maxAttempts: 1 });
    let out = 0;
    let peak = 0;
    const jobs = Array.from({ length: 10 }, () =>
      scheduler.run({ key: 'kms', rate: { ratePerSecond: 100, burst: 2 } }, (signal) => {
        const handler = async () => {
          peak = Math.max(peak, ++out);
          await new Promise((r) => setTimeout(r, 500));
          out -= 1;
        };
        return sendPacingMiddleware(handler, { __smithy_context: { abortSignal: signal } })(undefined);
      }),
    );
    await vi.advanceTimersByTimeAsync(5_000);
    await Promise.all(jobs);
    expect(peak).toBe(2);
  });

  it('charges an attempt that never reached the middleware when it ends', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({ concurrency: 4, maxAttempts: 1 });
    const rate = { ratePerSecond: 1, burst: 1 };
    const startedAt: number[] = [];
    const jobs = Array.from({ length: 3 }, () =>
      scheduler.run({ key: 'sts', rate }, async () => {
        startedAt.push(Date.now());
      }),
    );
    await vi.advanceTimersByTimeAsync(5_000);
    await Promise.all(jobs);
    expect(startedAt).toEqual([0, 1000, 2000]);
    expect(scheduler.stats.paced).toBe(0);
  });

  it('waits at the gate when a throttle emptied the bucket after the grant, and aborts the wait with the attempt', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({ concurrency: 4, maxAttempts: 1, requestTimeoutMs: 300 });
    const rate = { ratePerSecond: 2, burst: 5 };
    const sentAt: number[] = [];
    const throttled = scheduler.run({ key: 'k', rate }, async (signal) => {
      await sdkLikeCall(signal, 0, sentAt);
      throw Object.assign(new Error('rate'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
    });
    throttled.catch(() => undefined);
    // Granted now, sends after the throttle: its token is gone, so it waits ~700 ms (rate 1.4/s) — beyond its 300 ms timeout.
    const late = scheduler.run({ key: 'k', rate }, (signal) => sdkLikeCall(signal, 50, sentAt));
    late.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(throttled).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    await expect(late).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(sentAt).toEqual([0]);
  });
});

describe('Retry-After', () => {
  const at = Date.UTC(2026, 11, 1, 15, 0, 0);
  const withHeaders = (headers: Record<string, string>) => Object.assign(new Error('x'), { $response: { statusCode: 429, headers } });

  it.each([
    ['delta-seconds', { 'retry-after': '3' }, 3000],
    ['delta-seconds, any case', { 'Retry-After': '0' }, 0],
    ['decimal seconds (as the SDK reads them)', { 'retry-after': '2.5' }, 2500],
    ['IMF-fixdate', { 'retry-after': 'Tue, 01 Dec 2026 15:00:04 GMT' }, 4000],
    ['obsolete RFC 850 date', { 'retry-after': 'Tuesday, 01-Dec-26 15:00:05 GMT' }, 5000],
    ['asctime date (UTC)', { 'retry-after': 'Tue Dec  1 15:00:06 2026' }, 6000],
    ['a date in the past', { 'retry-after': 'Tue, 01 Dec 2026 14:59:00 GMT' }, undefined],
    ['garbage', { 'retry-after': 'soon' }, undefined],
    ['x-amz-retry-after (milliseconds)', { 'x-amz-retry-after': '1500' }, 1500],
    ['none', {}, undefined],
  ])('%s', (_label, headers, expected) => {
    expect(retryAfterMs(withHeaders(headers), at)).toBe(expected);
  });

  it('holds the retry and the key’s bucket back for Retry-After, at most maxDelayMs', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({ concurrency: 4, maxAttempts: 3, random: () => 0, maxDelayMs: 5_000 });
    const rate = { ratePerSecond: 10, burst: 10 };
    const attempts: number[] = [];
    const others: number[] = [];
    let calls = 0;
    const retried = scheduler.run({ key: 'k', rate }, async () => {
      attempts.push(Date.now());
      calls += 1;
      if (calls === 1) throw Object.assign(withHeaders({ 'retry-after': '2' }), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
      if (calls === 2) throw Object.assign(withHeaders({ 'retry-after': '60' }), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } });
    });
    await vi.advanceTimersByTimeAsync(10);
    const other = scheduler.run({ key: 'k', rate }, async () => void others.push(Date.now()));
    const elsewhere = scheduler.run({ key: 'other', rate }, async () => void others.push(Date.now()));
    await vi.advanceTimersByTimeAsync(20_000);
    await Promise.all([retried, other, elsewhere]);
    // Jitter 0, but 2 s asked; then 60 s asked, capped at 5 s.
    expect(attempts).toEqual([0, 2000, 7000]);
    // The other call of the key waited for the hold; another key did not.
    expect(others).toEqual([10, 2000]);
  });
});
