import { afterEach, describe, expect, it, vi } from 'vitest';
import { ADAPTIVE_ATTEMPTS_FACTOR, classifyError, createAbortError, isAbortError, Scheduler } from '../../../src/evidence/collect/scheduler.js';

function sdkError(name: string, httpStatusCode?: number, message = name): Error {
  const error = new Error(message);
  error.name = name;
  return Object.assign(error, { $metadata: { httpStatusCode } });
}

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('classifyError', () => {
  it.each([
    ['ThrottlingException at 400', sdkError('ThrottlingException', 400), 'throttle'],
    ['TooManyRequestsException', sdkError('TooManyRequestsException', 429), 'throttle'],
    ['any 429', sdkError('SomethingNew', 429), 'throttle'],
    ['Connect LimitExceededException', sdkError('LimitExceededException', 429), 'throttle'],
    ['S3 SlowDown (503)', sdkError('SlowDown', 503), 'throttle'],
    ['DS ClientException "Rate exceeded"', sdkError('ClientException', 400, 'Rate exceeded'), 'throttle'],
    ['DS ClientException, other message', sdkError('ClientException', 400, 'Invalid directory'), 'fatal'],
    ['500 InternalServiceException', sdkError('InternalServiceException', 500), 'transient'],
    ['502 without a name', sdkError('Error', 502), 'transient'],
    ['503 ServiceUnavailable', sdkError('ServiceUnavailable', 503), 'transient'],
    ['KMSInternalException', sdkError('KMSInternalException', 500), 'transient'],
    ['TimeoutError', sdkError('TimeoutError'), 'transient'],
    ['ECONNRESET', networkError('ECONNRESET'), 'transient'],
    ['ECONNREFUSED', networkError('ECONNREFUSED'), 'transient'],
    ['ENOTFOUND', networkError('ENOTFOUND'), 'transient'],
    ['AccessDeniedException', sdkError('AccessDeniedException', 403), 'fatal'],
    ['S3 AccessDenied', sdkError('AccessDenied', 403), 'fatal'],
    ['ResourceNotFoundException', sdkError('ResourceNotFoundException', 404), 'fatal'],
    ['NoSuchBucketPolicy', sdkError('NoSuchBucketPolicy', 404), 'fatal'],
    ['a plain Error', new Error('bug'), 'fatal'],
    ['a string', 'oops', 'fatal'],
  ])('%s → %s', (_label, error, expected) => {
    expect(classifyError(error)).toBe(expected);
  });

  // Cases the hand-written lists this classification replaced did not know: the SDK's own
  // (`@smithy/core/retry`) classifies them, so the scheduler retries them as the SDK would.
  it.each([
    ['an error with the @retryable trait', Object.assign(sdkError('ConcurrentModificationException', 400), { $retryable: {} }), 'transient'],
    ['@retryable(throttling)', Object.assign(sdkError('SomethingNew', 400), { $retryable: { throttling: true } }), 'throttle'],
    ['a signature the SDK corrected for clock skew', Object.assign(sdkError('InvalidSignatureException', 403), { $metadata: { httpStatusCode: 403, clockSkewCorrected: true } }), 'transient'],
    ['InvalidSignatureException "Signature expired"', sdkError('InvalidSignatureException', 403, 'Signature expired: 20260101T000000Z is now earlier than …'), 'transient'],
    ['an HTTP/2 stream the server refused', Object.assign(new Error('Stream closed with error code NGHTTP2_REFUSED_STREAM'), { code: 'ERR_HTTP2_STREAM_ERROR' }), 'transient'],
    ['a wrapped network error (cause ECONNRESET)', new Error('request failed', { cause: networkError('ECONNRESET') }), 'transient'],
  ])('SDK-classified: %s → %s', (_label, error, expected) => {
    expect(classifyError(error)).toBe(expected);
  });

  it.each([
    // Kept beside the SDK's classification: cases its lists lack.
    ['KVS ClientLimitExceededException (400)', sdkError('ClientLimitExceededException', 400), 'throttle'],
    ['Kinesis LimitExceededException (400, in the SDK list)', sdkError('LimitExceededException', 400), 'throttle'],
    ['ECONNABORTED', networkError('ECONNABORTED'), 'transient'],
    // As in the SDK's StandardRetryStrategy: a 5xx other than 500/502/503/504 is not retried,
    // and neither is an AbortError, even with a transient cause.
    ['501 NotImplemented', sdkError('NotImplemented', 501), 'fatal'],
    ['an AbortError', Object.assign(createAbortError(), { cause: networkError('ECONNRESET') }), 'fatal'],
    ['null', null, 'fatal'],
  ])('%s → %s', (_label, error, expected) => {
    expect(classifyError(error)).toBe(expected);
  });

  it('recognises AbortErrors', () => {
    expect(isAbortError(createAbortError())).toBe(true);
    expect(isAbortError(new Error('x'))).toBe(false);
  });
});

describe('Scheduler: concurrency', () => {
  it('never runs more than `concurrency` requests at once, and runs them all', async () => {
    const scheduler = new Scheduler({ concurrency: 3, maxAttempts: 1 });
    let inFlight = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        scheduler.run({ key: `k${i % 4}` }, async () => {
          inFlight += 1;
          peak = Math.max(peak, inFlight);
          await new Promise((r) => setTimeout(r, 2 + (i % 3)));
          inFlight -= 1;
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBe(3);
    expect(scheduler.stats.maxInFlight).toBe(3);
    expect(scheduler.stats.requests).toBe(20);
  });

  it('frees the slot when a request fails', async () => {
    const scheduler = new Scheduler({ concurrency: 1, maxAttempts: 1 });
    await expect(scheduler.run({ key: 'a' }, () => Promise.reject(sdkError('AccessDeniedException', 403)))).rejects.toThrow();
    await expect(scheduler.run({ key: 'a' }, () => Promise.resolve('ok'))).resolves.toBe('ok');
  });
});

describe('Scheduler: pacing', () => {
  it('sends a burst, then one request per 1/rate seconds', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({ concurrency: 8, maxAttempts: 1 });
    const sentAt: number[] = [];
    const all = Promise.all(
      Array.from({ length: 7 }, () =>
        scheduler.run({ key: 'acct|us-east-1|connect:ListInstanceStorageConfigs', rate: { ratePerSecond: 2, burst: 3 } }, async () => {
          sentAt.push(Date.now());
        }),
      ),
    );
    await vi.advanceTimersByTimeAsync(5000);
    await all;
    expect(sentAt).toEqual([0, 0, 0, 500, 1000, 1500, 2000]);
  });

  it('paces each key on its own', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({ concurrency: 8, maxAttempts: 1 });
    const sent: Record<string, number[]> = { a: [], b: [] };
    const rate = { ratePerSecond: 1, burst: 1 };
    const all = Promise.all(
      ['a', 'b', 'a', 'b', 'a', 'b'].map((key) =>
        scheduler.run({ key, rate }, async () => {
          sent[key]?.push(Date.now());
        }),
      ),
    );
    await vi.advanceTimersByTimeAsync(3000);
    await all;
    expect(sent).toEqual({ a: [0, 1000, 2000], b: [0, 1000, 2000] });
  });

  it('does not let a paced key waiting for its token hold a slot other keys could use', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({ concurrency: 1, maxAttempts: 1 });
    const order: string[] = [];
    const paced = { ratePerSecond: 1, burst: 1 };
    const jobs = [
      scheduler.run({ key: 'connect', rate: paced }, async () => void order.push(`connect@${Date.now()}`)),
      scheduler.run({ key: 'connect', rate: paced }, async () => void order.push(`connect@${Date.now()}`)),
      scheduler.run({ key: 's3' }, async () => void order.push(`s3@${Date.now()}`)),
      scheduler.run({ key: 's3' }, async () => void order.push(`s3@${Date.now()}`)),
    ];
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all(jobs);
    expect(order).toEqual(['connect@0', 's3@0', 's3@0', 'connect@1000']);
  });

  it('keeps first-come order among keys that may send', async () => {
    const scheduler = new Scheduler({ concurrency: 1, maxAttempts: 1 });
    const order: number[] = [];
    await Promise.all([3, 1, 4, 1, 5, 9, 2, 6].map((n, i) => scheduler.run({ key: `k${n}` }, async () => void order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('Scheduler: retries', () => {
  it('retries throttling with exponential backoff and full jitter, then succeeds', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({ concurrency: 4, maxAttempts: 8, random: () => 1, throttleBaseDelayMs: 100 });
    const attempts: number[] = [];
    const result = scheduler.run({ key: 'k' }, async (_signal, attempt) => {
      attempts.push(Date.now());
      if (attempt <= 3) throw sdkError('ThrottlingException', 429);
      return 'done';
    });
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(result).resolves.toBe('done');
    // Ceilings 100, 200, 400 ms with random() = 1: the jitter's upper bound.
    expect(attempts).toEqual([0, 100, 300, 700]);
    expect(scheduler.stats).toMatchObject({ requests: 4, retries: 3, throttled: 3 });
  });

  it('draws each delay uniformly below the ceiling (full jitter)', async () => {
    vi.useFakeTimers({ now: 0 });
    const draws = [0.5, 0.25];
    const scheduler = new Scheduler({ concurrency: 1, maxAttempts: 3, random: () => draws.shift() ?? 0, transientBaseDelayMs: 1000 });
    const attempts: number[] = [];
    const result = scheduler.run({ key: 'k' }, async () => {
      attempts.push(Date.now());
      throw sdkError('InternalServiceException', 500);
    });
    result.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(result).rejects.toMatchObject({ name: 'InternalServiceException' });
    expect(attempts).toEqual([0, 500, 1000]);
  });

  it('caps the backoff at maxDelayMs', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({ concurrency: 1, maxAttempts: 5, random: () => 1, throttleBaseDelayMs: 1000, maxDelayMs: 1500 });
    const attempts: number[] = [];
    const result = scheduler.run({ key: 'k' }, async (_s, attempt) => {
      attempts.push(Date.now());
      if (attempt < 5) throw sdkError('SlowDown', 503);
    });
    await vi.advanceTimersByTimeAsync(20_000);
    await result;
    expect(attempts).toEqual([0, 1000, 2500, 4000, 5500]);
  });

  it('retries DS "Rate exceeded", network errors and 5xx, but not access denied', async () => {
    const scheduler = new Scheduler({ concurrency: 2, maxAttempts: 3, random: () => 0 });
    const errors = [sdkError('ClientException', 400, 'Rate exceeded'), networkError('ECONNRESET'), sdkError('InternalServiceException', 500)];
    for (const error of errors) {
      let calls = 0;
      await expect(
        scheduler.run({ key: 'k' }, async () => {
          calls += 1;
          if (calls === 1) throw error;
          return calls;
        }),
      ).resolves.toBe(2);
    }
    let denied = 0;
    await expect(
      scheduler.run({ key: 'k' }, async () => {
        denied += 1;
        throw sdkError('AccessDeniedException', 403);
      }),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(denied).toBe(1);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const scheduler = new Scheduler({ concurrency: 2, maxAttempts: 4, random: () => 0 });
    let calls = 0;
    await expect(
      scheduler.run({ key: 'k' }, async () => {
        calls += 1;
        throw sdkError('ThrottlingException', 429, `throttled ${calls}`);
      }),
    ).rejects.toMatchObject({ name: 'ThrottlingException', message: 'throttled 4' });
    expect(calls).toBe(4);
  });

  it('does not charge throttling to the budget while other requests succeed, up to a hard cap', async () => {
    const scheduler = new Scheduler({ concurrency: 4, maxAttempts: 2, random: () => 0 });
    let calls = 0;
    const progressThenThrottle = (limit: number) => async () => {
      calls += 1;
      await scheduler.run({ key: 'other' }, async () => 'fine');
      if (calls < limit) throw sdkError('ThrottlingException', 429);
      return calls;
    };
    await expect(scheduler.run({ key: 'a' }, progressThenThrottle(5))).resolves.toBe(5);
    calls = 0;
    await expect(scheduler.run({ key: 'b' }, progressThenThrottle(Infinity))).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(calls).toBe(2 * ADAPTIVE_ATTEMPTS_FACTOR);
    // Server errors are always charged, progress or not.
    calls = 0;
    await expect(
      scheduler.run({ key: 'c' }, async () => {
        calls += 1;
        await scheduler.run({ key: 'other' }, async () => 'fine');
        throw sdkError('InternalServiceException', 500);
      }),
    ).rejects.toMatchObject({ name: 'InternalServiceException' });
    expect(calls).toBe(2);
  });

  it('makes exactly one attempt when maxAttempts is 1', async () => {
    const scheduler = new Scheduler({ concurrency: 2, maxAttempts: 1 });
    let calls = 0;
    await scheduler.run({ key: 'x' }, async () => 'ok');
    await expect(
      scheduler.run({ key: 'k' }, async () => {
        calls += 1;
        throw sdkError('ThrottlingException', 429);
      }),
    ).rejects.toThrow();
    expect(calls).toBe(1);
  });

  it('times out an attempt, aborts its signal, and retries it', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({ concurrency: 1, maxAttempts: 2, requestTimeoutMs: 50, random: () => 0 });
    const signals: AbortSignal[] = [];
    const result = scheduler.run({ key: 'k' }, (signal) => {
      signals.push(signal);
      return new Promise<never>(() => undefined);
    });
    result.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(200);
    await expect(result).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
  });
});

describe('Scheduler: adaptive rate', () => {
  it('lowers a throttled key’s rate and restores it after a quiet period', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({ concurrency: 4, maxAttempts: 3, random: () => 0, recoveryMs: 4000 });
    const key = 'acct|us-east-1|connect:DescribeInstance';
    let calls = 0;
    const run = scheduler.run({ key, rate: { ratePerSecond: 2, burst: 5 } }, async () => {
      calls += 1;
      if (calls === 1) throw sdkError('TooManyRequestsException', 429);
    });
    await vi.advanceTimersByTimeAsync(1000);
    await run;
    const lowered = scheduler.currentRate(key) ?? NaN;
    expect(lowered).toBeLessThan(2);
    expect(lowered).toBeGreaterThanOrEqual(1);
    await vi.advanceTimersByTimeAsync(4000);
    expect(scheduler.currentRate(key)).toBe(2);
  });

  it('paces an unpaced key once it is throttled, then lifts the pacing', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({ concurrency: 4, maxAttempts: 3, random: () => 0, recoveryMs: 3000 });
    let calls = 0;
    const run = scheduler.run({ key: 'ds' }, async () => {
      calls += 1;
      if (calls === 1) throw sdkError('ClientException', 400, 'Rate exceeded');
    });
    await vi.advanceTimersByTimeAsync(500);
    await run;
    expect(scheduler.currentRate('ds')).toBeLessThan(Infinity);
    await vi.advanceTimersByTimeAsync(3000);
    expect(scheduler.currentRate('ds')).toBe(Infinity);
  });

  it('lowers the rate once for throttles that arrive together', async () => {
    vi.useFakeTimers({ now: 0 });
    const scheduler = new Scheduler({ concurrency: 8, maxAttempts: 2, random: () => 0 });
    const rate = { ratePerSecond: 2, burst: 5 };
    const seen = new Set<number>();
    const runs = Array.from({ length: 5 }, (_, i) =>
      scheduler.run({ key: 'k', rate }, async () => {
        if (!seen.has(i)) {
          seen.add(i);
          throw sdkError('ThrottlingException', 429);
        }
      }),
    );
    await vi.advanceTimersByTimeAsync(10);
    expect(scheduler.currentRate('k')).toBeCloseTo(1.4, 1);
    await vi.advanceTimersByTimeAsync(20_000);
    await Promise.all(runs);
  });
});

describe('Scheduler: abort', () => {
  it('rejects in-flight, queued and sleeping work with an AbortError, promptly', async () => {
    const controller = new AbortController();
    const scheduler = new Scheduler({ concurrency: 1, maxAttempts: 5, signal: controller.signal, throttleBaseDelayMs: 60_000, random: () => 1 });
    const sendSignals: AbortSignal[] = [];
    const inFlight = scheduler.run({ key: 'a' }, (signal) => {
      sendSignals.push(signal);
      return new Promise<never>(() => undefined);
    });
    const queued = scheduler.run({ key: 'b' }, async () => 'never');
    const other = new Scheduler({ concurrency: 1, maxAttempts: 5, signal: controller.signal, throttleBaseDelayMs: 60_000, random: () => 1 });
    const sleeping = other.run({ key: 'c' }, async () => {
      throw sdkError('ThrottlingException', 429);
    });
    for (const p of [inFlight, queued, sleeping]) p.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    controller.abort();
    const outcomes = await Promise.allSettled([inFlight, queued, sleeping]);
    expect(Date.now() - started).toBeLessThan(100);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect(isAbortError((outcome as PromiseRejectedResult).reason)).toBe(true);
    }
    expect(sendSignals[0]?.aborted).toBe(true);
  });

  it('refuses new work once aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const scheduler = new Scheduler({ concurrency: 1, maxAttempts: 1, signal: controller.signal });
    const fn = vi.fn(async () => 1);
    await expect(scheduler.run({ key: 'a' }, fn)).rejects.toMatchObject({ name: 'AbortError' });
    expect(fn).not.toHaveBeenCalled();
  });

  it('validates its options', () => {
    expect(() => new Scheduler({ concurrency: 0, maxAttempts: 1 })).toThrow(RangeError);
    expect(() => new Scheduler({ concurrency: 1, maxAttempts: 0 })).toThrow(RangeError);
  });
});
