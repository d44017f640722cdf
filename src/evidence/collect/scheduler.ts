/**
 * The request scheduler every AWS call of a collection goes through.
 *
 * - A global cap on requests in flight (`concurrency`).
 * - A token bucket per key (account | region | operation). Keys given a rate (Connect's APIs) are
 *   paced under AWS's documented limit; the others run unpaced until they are throttled.
 * - Retries with exponential backoff and full jitter for throttling, 5xx, timeouts and network
 *   errors, up to `maxAttempts` attempts per call. The budget adapts to throttling: a throttled
 *   attempt is not charged to it when other requests succeeded meanwhile (the service is answering,
 *   we are only being rate limited) — up to ADAPTIVE_ATTEMPTS_FACTOR × maxAttempts attempts. Under
 *   sustained throttling of a third of all requests, 8 charged attempts would still fail one call in
 *   6,500; uncharged ones make that about one in 3·10^11.
 * - Adaptive: a throttled key lowers its rate (multiplicatively, at most once a second) and climbs
 *   back to its base rate linearly over the next seconds without throttling.
 * - Abort: the run's signal rejects waiting and in-flight work promptly with an `AbortError`.
 *
 * Waiting is done in one queue per key, so a Connect call waiting for its token never holds a slot
 * that an S3 or KMS call could use; among the keys that may send now, the oldest request goes first.
 */

import { isThrottlingError, isTransientError } from '@smithy/core/retry';
import { abortError } from '../../errors.js';
import { setMaxListeners } from 'node:events';

/** The error shape the SDK's classification functions take. */
type SdkErrorLike = Parameters<typeof isThrottlingError>[0];

export interface RateLimit {
  /** Sustained requests per second. */
  ratePerSecond: number;
  /** Requests that may go at once after a quiet period. */
  burst: number;
}

export type ErrorClass = 'throttle' | 'transient' | 'fatal';

export interface SchedulerOptions {
  /** Requests in flight at most, over all keys. */
  concurrency: number;
  /** Attempts per call, the first one included. */
  maxAttempts: number;
  /** Per-attempt timeout; a timed-out attempt counts as a transient error. */
  requestTimeoutMs?: number | undefined;
  /** Aborts everything: waiting, sleeping and in-flight calls reject with an AbortError. */
  signal?: AbortSignal | undefined;
  /** First backoff ceiling for throttling (doubles each attempt). Default 300 ms. */
  throttleBaseDelayMs?: number;
  /** First backoff ceiling for 5xx, timeouts and network errors. Default 100 ms. */
  transientBaseDelayMs?: number;
  /** Backoff ceiling. Default 20 s. */
  maxDelayMs?: number;
  /** Time for a throttled key to climb back to its base rate. Default 5 s. */
  recoveryMs?: number;
  /** Injected for tests. */
  random?: () => number;
  now?: () => number;
  log?: ((line: string) => void) | undefined;
  /** Called whenever `requests`, `retries` or `throttled` change (for a progress display). */
  onStats?: ((stats: Readonly<SchedulerStats>) => void) | undefined;
}

export interface TaskOptions {
  /** Pacing key: `account|region|service:Operation`. */
  key: string;
  /** Base rate for the key, fixed by its first task. Undefined: unpaced until throttled. */
  rate?: RateLimit | undefined;
  /** For log lines: what is being asked (never credentials). */
  label?: string;
}

export interface SchedulerStats {
  /** Attempts sent. */
  requests: number;
  /** Attempts that were retried later. */
  retries: number;
  /** Attempts answered with throttling. */
  throttled: number;
  /** Highest number of requests in flight at once. */
  maxInFlight: number;
}

/**
 * Throttling the SDK's own classification (`isThrottlingError`: HTTP 429, its
 * `THROTTLING_ERROR_CODES`, the `@retryable(throttling)` trait) does not recognise. Every other
 * throttling name (Connect's and Kinesis' `LimitExceededException`, S3's `SlowDown`, KMS' and
 * Firehose's `ThrottlingException`…) is in the SDK's list.
 */
const EXTRA_THROTTLING_NAMES = new Set([
  // Kinesis Video Streams answers its request limits with HTTP 400 and this name, which the SDK's
  // list lacks (limits.html: "When an account-level or resource-level request limit is reached, a
  // ClientLimitExceededException is thrown.").
  'ClientLimitExceededException',
]);

/**
 * Network failures the SDK's `isTransientError` lacks (it knows ECONNRESET, ECONNREFUSED, EPIPE,
 * ETIMEDOUT, EHOSTUNREACH, ENETUNREACH, ENOTFOUND, EAI_AGAIN).
 */
const EXTRA_NETWORK_CODES = new Set([
  // libuv's "software caused connection abort": how Windows (WSAECONNABORTED) reports a connection
  // its own stack dropped mid-request. The request never got an answer, so trying again is safe.
  'ECONNABORTED',
]);
/** With progress elsewhere, a throttled call may use up to this many times `maxAttempts` attempts. */
export const ADAPTIVE_ATTEMPTS_FACTOR = 3;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function asErrorLike(err: unknown): ErrorLike {
  return typeof err === 'object' && err !== null ? (err as ErrorLike) : {};
}

/** HTTP status of an SDK error, when it got that far. */
export function httpStatusOf(err: unknown): number | undefined {
  const status = asErrorLike(err).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Directory Service throttles with its generic `ClientException` and the message "Rate exceeded" (HTTP 400), which no name list can tell from a bad request. */
function isDirectoryServiceRateExceeded(name: string, message: string): boolean {
  return name === 'ClientException' && /rate exceeded/i.test(message);
}

/**
 * What kind of failure an error is, as the SDK's own retry strategy classifies it
 * (`@smithy/core/retry`, which `@smithy/service-error-classification` now re-exports), plus the
 * few cases its lists lack: `throttle` (`isThrottlingError`, KVS' `ClientLimitExceededException`,
 * Directory Service's `ClientException: Rate exceeded`), `transient` (`isTransientError`: HTTP 500,
 * 502, 503, 504, timeouts, network errors, the `@retryable` trait, a corrected clock skew, a cause
 * that is transient; and ECONNABORTED) or `fatal` (everything else: access denied, not found,
 * validation…). Other 5xx answers (`isServerError`: 501, 505…) stay fatal, as the SDK's
 * StandardRetryStrategy does not retry them either.
 */
export function classifyError(err: unknown): ErrorClass {
  if (typeof err !== 'object' || err === null) return 'fatal';
  const e = err as ErrorLike;
  const error = err as SdkErrorLike;
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (isThrottlingError(error) || EXTRA_THROTTLING_NAMES.has(name) || isDirectoryServiceRateExceeded(name, message)) return 'throttle';
  if (isTransientError(error)) return 'transient';
  if (typeof e.code === 'string' && EXTRA_NETWORK_CODES.has(e.code)) return 'transient';
  return 'fatal';
}

/** The error a collection rejects with when its signal aborts. */
export function createAbortError(signal?: AbortSignal): Error {
  return abortError(signal, 'The collection');
}

export function isAbortError(err: unknown): boolean {
  return asErrorLike(err).name === 'AbortError';
}

function timeoutError(ms: number): Error {
  const error = new Error(`The request got no answer within ${ms} ms.`);
  error.name = 'TimeoutError';
  return error;
}

/** A token bucket whose rate drops when throttled and recovers over time. */
class Limiter {
  private tokens: number;
  private last: number;
  /** Rate right after the last throttle; the current rate climbs from it back to `base`. */
  private reducedRate: number | undefined;
  private throttledAt = -Infinity;
  private burst: number;

  constructor(
    private readonly base: number,
    burst: number,
    now: number,
    private readonly recoveryMs: number,
  ) {
    this.burst = Math.max(1, burst);
    this.tokens = this.burst;
    this.last = now;
  }

  rate(now: number): number {
    if (this.reducedRate === undefined) return this.base;
    const elapsed = now - this.throttledAt;
    if (elapsed >= this.recoveryMs) {
      this.reducedRate = undefined;
      return this.base;
    }
    if (!Number.isFinite(this.base)) return this.reducedRate;
    return this.reducedRate + ((this.base - this.reducedRate) * elapsed) / this.recoveryMs;
  }

  private refill(now: number): void {
    const rate = this.rate(now);
    if (Number.isFinite(rate)) this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * rate) / 1000);
    else this.tokens = this.burst;
    this.last = now;
  }

  /** Milliseconds until a token is available (0: now). */
  waitMs(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) return 0;
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.rate(now)));
  }

  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  onThrottle(now: number): void {
    this.refill(now);
    // Requests sent together are throttled together: one decrease per second is enough.
    if (now - this.throttledAt < 1000) {
      this.throttledAt = now;
      return;
    }
    const current = this.rate(now);
    if (Number.isFinite(this.base)) {
      this.reducedRate = Math.max(this.base * 0.5, current * 0.7);
    } else {
      // An unpaced key that is throttled gets a modest rate until it has been quiet for a while.
      this.reducedRate = Math.max(1, Number.isFinite(current) ? current * 0.5 : 10);
      this.burst = 1;
    }
    this.throttledAt = now;
    this.tokens = Math.min(this.tokens, 0);
  }
}

interface Waiter {
  seq: number;
  grant: () => void;
  fail: (err: unknown) => void;
}

export class Scheduler {
  readonly stats: SchedulerStats = { requests: 0, retries: 0, throttled: 0, maxInFlight: 0 };
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly limiters = new Map<string, Limiter>();
  private readonly queues = new Map<string, Waiter[]>();
  private inFlight = 0;
  /** Requests answered successfully so far: the sign that throttling is rate limiting, not an outage. */
  private successes = 0;
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly abortController = new AbortController();
  private readonly runSignal: AbortSignal;

  constructor(private readonly options: SchedulerOptions) {
    if (!(options.concurrency >= 1)) throw new RangeError('concurrency must be at least 1');
    if (!(options.maxAttempts >= 1)) throw new RangeError('maxAttempts must be at least 1');
    this.concurrency = Math.floor(options.concurrency);
    this.maxAttempts = Math.floor(options.maxAttempts);
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    // One listener on the caller's signal; every attempt and sleep listens to our own, which may have
    // many listeners (one per request in flight or backing off).
    this.runSignal = this.abortController.signal;
    setMaxListeners(0, this.runSignal);
    const outer = options.signal;
    if (outer?.aborted) this.abortController.abort(outer.reason);
    outer?.addEventListener('abort', () => this.abortController.abort(outer.reason), { once: true });
    this.runSignal.addEventListener('abort', () => this.abortAll(), { once: true });
  }

  /** The current rate of a key, in requests per second (Infinity: unpaced). For tests and logs. */
  currentRate(key: string): number | undefined {
    return this.limiters.get(key)?.rate(this.now());
  }

  /**
   * Runs `fn` under the key's pacing and the global concurrency cap, retrying retryable failures.
   * `fn` gets a signal that aborts on the run's abort or on the per-attempt timeout. Rejects with
   * the last error when it is not retryable or the attempts are used up, or with an AbortError.
   */
  async run<T>(task: TaskOptions, fn: (signal: AbortSignal, attempt: number) => Promise<T>): Promise<T> {
    const limiter = this.limiterFor(task);
    // Attempts charged to the budget. A throttled attempt is not charged while other requests keep
    // succeeding (the service is up, we are only being rate limited), up to a hard cap.
    let charged = 0;
    const hardCap = this.maxAttempts === 1 ? 1 : this.maxAttempts * ADAPTIVE_ATTEMPTS_FACTOR;
    let successesBefore = this.successes;
    for (let attempt = 1; ; attempt++) {
      this.throwIfAborted();
      await this.acquire(task.key);
      let error: unknown;
      try {
        const value = await this.attempt(fn, attempt);
        this.successes += 1;
        return value;
      } catch (err) {
        error = err;
      } finally {
        this.release();
      }
      if (this.runSignal.aborted) throw createAbortError(this.runSignal);
      const kind = classifyError(error);
      const progressed = this.successes > successesBefore;
      successesBefore = this.successes;
      if (kind === 'throttle') {
        this.stats.throttled += 1;
        this.options.onStats?.(this.stats);
        limiter.onThrottle(this.now());
      }
      if (!(kind === 'throttle' && progressed)) charged += 1;
      if (kind === 'fatal' || charged >= this.maxAttempts || attempt >= hardCap) throw error;
      const base = kind === 'throttle' ? (this.options.throttleBaseDelayMs ?? 300) : (this.options.transientBaseDelayMs ?? 100);
      const ceiling = Math.min(this.options.maxDelayMs ?? 20_000, base * 2 ** Math.min(attempt - 1, 30));
      const delay = Math.floor(this.random() * ceiling);
      this.stats.retries += 1;
      this.options.onStats?.(this.stats);
      this.options.log?.(
        `retry ${task.label ?? task.key}: attempt ${attempt} failed (${errorName(error)}; ${charged}/${this.maxAttempts} of the budget used), next in ${delay} ms`,
      );
      await this.sleep(delay);
    }
  }

  private limiterFor(task: TaskOptions): Limiter {
    let limiter = this.limiters.get(task.key);
    if (!limiter) {
      const rate = task.rate && task.rate.ratePerSecond > 0 ? task.rate : undefined;
      limiter = new Limiter(rate?.ratePerSecond ?? Infinity, rate?.burst ?? 1, this.now(), this.options.recoveryMs ?? 5000);
      this.limiters.set(task.key, limiter);
    }
    return limiter;
  }

  private async attempt<T>(fn: (signal: AbortSignal, attempt: number) => Promise<T>, attempt: number): Promise<T> {
    this.throwIfAborted();
    const controller = new AbortController();
    const runSignal = this.runSignal;
    const timeoutMs = this.options.requestTimeoutMs;
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    // Settles when the attempt must stop whatever `fn` does with its signal.
    const stopped = new Promise<never>((_, reject) => {
      onAbort = () => {
        controller.abort(runSignal.reason);
        reject(createAbortError(runSignal));
      };
      if (runSignal.aborted) onAbort();
      else runSignal.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined && timeoutMs > 0 && Number.isFinite(timeoutMs)) {
        timer = setTimeout(() => {
          timedOut = true;
          const error = timeoutError(timeoutMs);
          controller.abort(error);
          reject(error);
        }, timeoutMs);
      }
    });
    stopped.catch(() => undefined);
    this.stats.requests += 1;
    this.options.onStats?.(this.stats);
    try {
      return await Promise.race([fn(controller.signal, attempt), stopped]);
    } catch (err) {
      if (runSignal.aborted) throw createAbortError(runSignal);
      if (timedOut) throw timeoutError(timeoutMs ?? 0);
      throw err;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      if (onAbort) runSignal.removeEventListener('abort', onAbort);
    }
  }

  private throwIfAborted(): void {
    if (this.runSignal.aborted) throw createAbortError(this.runSignal);
  }

  private acquire(key: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const queue = this.queues.get(key) ?? [];
      this.queues.set(key, queue);
      queue.push({ seq: this.seq++, grant: resolve, fail: reject });
      this.pump();
    });
  }

  private release(): void {
    this.inFlight -= 1;
    this.pump();
  }

  /** Hands slots to the oldest waiters whose key has a token; sets a timer for the next token. */
  private pump(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.runSignal.aborted) return;
    while (this.inFlight < this.concurrency) {
      const now = this.now();
      let best: { key: string; waiter: Waiter } | undefined;
      let soonest = Infinity;
      for (const [key, queue] of this.queues) {
        const head = queue[0];
        if (!head) continue;
        const wait = this.limiters.get(key)?.waitMs(now) ?? 0;
        if (wait > 0) soonest = Math.min(soonest, wait);
        else if (!best || head.seq < best.waiter.seq) best = { key, waiter: head };
      }
      if (!best) {
        if (Number.isFinite(soonest)) this.timer = setTimeout(() => this.pump(), soonest);
        return;
      }
      const queue = this.queues.get(best.key);
      queue?.shift();
      if (queue && queue.length === 0) this.queues.delete(best.key);
      this.limiters.get(best.key)?.take(now);
      this.inFlight += 1;
      this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.inFlight);
      best.waiter.grant();
    }
  }

  private abortAll(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const error = createAbortError(this.runSignal);
    for (const queue of this.queues.values()) for (const waiter of queue) waiter.fail(error);
    this.queues.clear();
  }

  private sleep(ms: number): Promise<void> {
    const signal = this.runSignal;
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(createAbortError(signal));
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(createAbortError(signal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function errorName(err: unknown): string {
  const e = asErrorLike(err);
  if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
  if (typeof e.code === 'string') return e.code;
  return 'Error';
}
