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
 * - Retry-After: a throttling or 503 answer carrying one holds its key's bucket and the retry back
 *   that long (at most `maxDelayMs`).
 * - Abort: the run's signal rejects waiting and in-flight work promptly with an `AbortError`.
 *
 * Waiting is done in one queue per key, so a Connect call waiting for its token never holds a slot
 * that an S3 or KMS call could use; among the keys that may send now, the oldest request goes first.
 * Keys are kept in two priority queues (keys with a token, by their oldest waiter; keys waiting for
 * one, by when their bucket has it) with one timer, so a grant costs O(log n) in the keys waiting.
 * A grant only reserves the key's token: it is taken when the request leaves (pacing.ts), and a
 * paced key has at most `burst` requests granted or unanswered at once.
 */

import { isThrottlingError, isTransientError } from '@smithy/core/retry';
import { abortError } from '../../errors.js';

export { isAbortError } from '../../errors.js';
import { setMaxListeners } from 'node:events';
import { MinHeap } from './heap.js';
import { registerSendGate, retryAfterMs, type SendGate } from './pacing.js';

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
  /** Attempts whose token was taken as their request left (the SDK's send middleware found them). */
  paced: number;
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

function timeoutError(ms: number): Error {
  const error = new Error(`The request got no answer within ${ms} ms.`);
  error.name = 'TimeoutError';
  return error;
}

/**
 * A token bucket whose rate drops when throttled and recovers over time. A granted attempt reserves
 * a token and spends it when its request leaves (pacing.ts), or when the attempt ends without one.
 *
 * A request that left may reach the service later than it left (a new connection, a stalled event
 * loop), when the service's bucket has refilled up to its burst without it: until it is answered,
 * the bucket here holds at most `burst - unanswered` tokens, so late arrivals never exceed the
 * service's bucket. (Connect's burst is "the target maximum number of concurrent request submissions".)
 */
class Limiter {
  private tokens: number;
  private last: number;
  /** Rate right after the last throttle; the current rate climbs from it back to `base`. */
  private reducedRate: number | undefined;
  private throttledAt = -Infinity;
  private burst: number;
  /** Granted attempts whose request has not left yet: each holds one of the tokens. */
  private reserved = 0;
  /** Requests that left and are not answered yet. */
  private unanswered = 0;
  /** Set by a Retry-After: nothing leaves before this time. */
  private notBefore = -Infinity;

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
    if (Number.isFinite(rate)) this.tokens = Math.min(this.burst - this.unanswered, this.tokens + ((now - this.last) * rate) / 1000);
    else this.tokens = this.burst;
    this.last = now;
  }

  /** Milliseconds until the bucket holds `needed` tokens and no Retry-After holds it back (0: now). */
  private waitFor(now: number, needed: number): number {
    this.refill(now);
    const held = this.notBefore > now ? Math.ceil(this.notBefore - now) : 0;
    if (this.tokens >= needed) return held;
    return Math.max(held, 1, Math.ceil(((needed - this.tokens) * 1000) / this.rate(now)));
  }

  /** Until an attempt may be granted: a token no granted attempt holds. An unpaced key holds none. */
  grantWaitMs(now: number): number {
    return this.waitFor(now, Number.isFinite(this.rate(now)) ? this.reserved + 1 : 1);
  }

  /** Until a granted attempt's request may leave. */
  sendWaitMs(now: number): number {
    return this.waitFor(now, 1);
  }

  reserve(): void {
    this.reserved += 1;
  }

  /** A reserved token is taken: `sent`, by a request that left; otherwise by an attempt that ended without sending. */
  spend(now: number, sent: boolean): void {
    this.refill(now);
    this.tokens -= 1;
    this.reserved -= 1;
    if (sent) this.unanswered += 1;
  }

  answered(now: number): void {
    this.refill(now);
    this.unanswered -= 1;
  }

  holdUntil(time: number): void {
    this.notBefore = Math.max(this.notBefore, time);
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

interface AttemptGate extends SendGate {
  /** The attempt's token is spent: its request left, or it ended. */
  spent: boolean;
  /** Its request left (and is unanswered until the attempt ends). */
  sent: boolean;
}

interface SendWaiter {
  gate: AttemptGate;
  signal: AbortSignal;
  resolve: () => void;
  onAbort: () => void;
}

/** One pacing key: its bucket, its waiting callers (oldest first) and where it is queued. */
interface KeyState {
  readonly limiter: Limiter;
  readonly waiters: (Waiter | undefined)[];
  /** Index of the oldest waiter in `waiters`. */
  head: number;
  /** The queue holding the key while it has waiters. */
  queued: 'ready' | 'timed' | undefined;
  /** In `timed`: when its bucket has a token for the next grant. */
  readyAt: number;
  /** Granted attempts waiting at the send gate (after a throttle or a Retry-After emptied the bucket). */
  readonly sends: SendWaiter[];
  sendTimer: ReturnType<typeof setTimeout> | undefined;
}

function oldestSeq(state: KeyState): number {
  return state.waiters[state.head]?.seq ?? Infinity;
}

export class Scheduler {
  readonly stats: SchedulerStats = { requests: 0, retries: 0, throttled: 0, maxInFlight: 0, paced: 0 };
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly keys = new Map<string, KeyState>();
  /** Keys whose bucket had a token when queued, oldest waiter first (re-checked when they come out). */
  private readonly ready = new MinHeap<KeyState>((a, b) => oldestSeq(a) < oldestSeq(b));
  /** Keys waiting for a token, soonest first. */
  private readonly timed = new MinHeap<KeyState>((a, b) => a.readyAt < b.readyAt || (a.readyAt === b.readyAt && oldestSeq(a) < oldestSeq(b)));
  private inFlight = 0;
  /** Requests answered successfully so far: the sign that throttling is rate limiting, not an outage. */
  private successes = 0;
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
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
    return this.keys.get(key)?.limiter.rate(this.now());
  }

  /** Heap comparisons made so far: the scheduling work, which grows as n log n in the keys waiting. For tests. */
  get schedulingWork(): number {
    return this.ready.comparisons + this.timed.comparisons;
  }

  /**
   * Runs `fn` under the key's pacing and the global concurrency cap, retrying retryable failures.
   * `fn` gets a signal that aborts on the run's abort or on the per-attempt timeout; an SDK call given
   * it as `abortSignal` is paced when its request leaves (pacing.ts), anything else when it ends.
   * Rejects with the last error when it is not retryable or the attempts are used up, or with an
   * AbortError.
   */
  async run<T>(task: TaskOptions, fn: (signal: AbortSignal, attempt: number) => Promise<T>): Promise<T> {
    const state = this.keyStateFor(task);
    // Attempts charged to the budget. A throttled attempt is not charged while other requests keep
    // succeeding (the service is up, we are only being rate limited), up to a hard cap.
    let charged = 0;
    const hardCap = this.maxAttempts === 1 ? 1 : this.maxAttempts * ADAPTIVE_ATTEMPTS_FACTOR;
    let successesBefore = this.successes;
    for (let attempt = 1; ; attempt++) {
      this.throwIfAborted();
      await this.acquire(state);
      let error: unknown;
      try {
        const value = await this.attempt(state, fn, attempt);
        this.successes += 1;
        this.release();
        return value;
      } catch (err) {
        error = err;
      }
      let kind: ErrorClass;
      let retryAfter: number | undefined;
      const maxDelay = this.options.maxDelayMs ?? 20_000;
      // The key's bucket learns of the throttle (or Retry-After) before the slot goes to the next call.
      try {
        if (this.runSignal.aborted) throw createAbortError(this.runSignal);
        kind = classifyError(error);
        if (kind === 'throttle') {
          this.stats.throttled += 1;
          this.options.onStats?.(this.stats);
          state.limiter.onThrottle(this.now());
        }
        const asked = kind === 'throttle' || httpStatusOf(error) === 503 ? retryAfterMs(error) : undefined;
        retryAfter = asked === undefined ? undefined : Math.min(asked, maxDelay);
        if (retryAfter !== undefined) state.limiter.holdUntil(this.now() + retryAfter);
      } finally {
        this.release();
      }
      const progressed = this.successes > successesBefore;
      successesBefore = this.successes;
      if (!(kind === 'throttle' && progressed)) charged += 1;
      if (kind === 'fatal' || charged >= this.maxAttempts || attempt >= hardCap) throw error;
      const base = kind === 'throttle' ? (this.options.throttleBaseDelayMs ?? 300) : (this.options.transientBaseDelayMs ?? 100);
      const ceiling = Math.min(maxDelay, base * 2 ** Math.min(attempt - 1, 30));
      const delay = Math.max(Math.floor(this.random() * ceiling), retryAfter ?? 0);
      this.stats.retries += 1;
      this.options.onStats?.(this.stats);
      this.options.log?.(
        `retry ${task.label ?? task.key}: attempt ${attempt} failed (${errorName(error)}; ${charged}/${this.maxAttempts} of the budget used), next in ${delay} ms${retryAfter === undefined ? '' : ` (Retry-After ${retryAfter} ms)`}`,
      );
      await this.sleep(delay);
    }
  }

  private keyStateFor(task: TaskOptions): KeyState {
    let state = this.keys.get(task.key);
    if (!state) {
      const rate = task.rate && task.rate.ratePerSecond > 0 ? task.rate : undefined;
      const limiter = new Limiter(rate?.ratePerSecond ?? Infinity, rate?.burst ?? 1, this.now(), this.options.recoveryMs ?? 5000);
      state = { limiter, waiters: [], head: 0, queued: undefined, readyAt: 0, sends: [], sendTimer: undefined };
      this.keys.set(task.key, state);
    }
    return state;
  }

  private async attempt<T>(state: KeyState, fn: (signal: AbortSignal, attempt: number) => Promise<T>, attempt: number): Promise<T> {
    const controller = new AbortController();
    const signal = controller.signal;
    const gate: AttemptGate = { spent: false, sent: false, pass: () => this.passGate(state, gate, signal) };
    registerSendGate(signal, gate);
    const runSignal = this.runSignal;
    const timeoutMs = this.options.requestTimeoutMs;
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    try {
      this.throwIfAborted();
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
      return await Promise.race([fn(signal, attempt), stopped]);
    } catch (err) {
      if (runSignal.aborted) throw createAbortError(runSignal);
      if (timedOut) throw timeoutError(timeoutMs ?? 0);
      throw err;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      if (onAbort) runSignal.removeEventListener('abort', onAbort);
      // Not an SDK call, or the SDK failed before sending: charged now, so the key's long-run rate holds.
      if (gate.sent) {
        state.limiter.answered(this.now());
      } else if (!gate.spent) {
        gate.spent = true;
        state.limiter.spend(this.now(), false);
      }
    }
  }

  /** The send middleware's wait: takes the attempt's token now, or once the bucket has one again. */
  private passGate(state: KeyState, gate: AttemptGate, signal: AbortSignal): Promise<void> | undefined {
    if (gate.spent) return undefined;
    const now = this.now();
    if (state.sends.length === 0 && state.limiter.sendWaitMs(now) === 0) {
      this.spendAtSend(state, gate, now);
      return undefined;
    }
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: SendWaiter = {
        gate,
        signal,
        resolve,
        onAbort: () => {
          const index = state.sends.indexOf(waiter);
          if (index >= 0) state.sends.splice(index, 1);
          reject(signal.reason);
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      state.sends.push(waiter);
      this.drainSends(state);
    });
  }

  private drainSends(state: KeyState): void {
    if (state.sendTimer !== undefined) clearTimeout(state.sendTimer);
    state.sendTimer = undefined;
    const now = this.now();
    for (let next = state.sends[0]; next !== undefined; next = state.sends[0]) {
      const wait = state.limiter.sendWaitMs(now);
      if (wait > 0) {
        state.sendTimer = setTimeout(() => this.drainSends(state), wait);
        return;
      }
      state.sends.shift();
      next.signal.removeEventListener('abort', next.onAbort);
      this.spendAtSend(state, next.gate, now);
      next.resolve();
    }
  }

  private spendAtSend(state: KeyState, gate: AttemptGate, now: number): void {
    gate.spent = true;
    gate.sent = true;
    state.limiter.spend(now, true);
    this.stats.paced += 1;
  }

  private throwIfAborted(): void {
    if (this.runSignal.aborted) throw createAbortError(this.runSignal);
  }

  private acquire(state: KeyState): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      state.waiters.push({ seq: this.seq++, grant: resolve, fail: reject });
      if (state.queued === undefined) this.enqueue(state, this.now());
      this.pump();
    });
  }

  private release(): void {
    this.inFlight -= 1;
    this.pump();
  }

  /** Queues a key with waiters as ready (its bucket has a token now) or timed (when it will). */
  private enqueue(state: KeyState, now: number): void {
    const wait = state.limiter.grantWaitMs(now);
    if (wait === 0) {
      state.queued = 'ready';
      this.ready.push(state);
    } else {
      state.queued = 'timed';
      state.readyAt = now + wait;
      this.timed.push(state);
    }
  }

  /**
   * Hands free slots to the oldest waiters whose key has a token. A key's place in a queue is
   * checked again when it comes out (a throttle or a Retry-After may have emptied its bucket since).
   */
  private pump(): void {
    if (this.runSignal.aborted) return;
    const now = this.now();
    for (let due = this.timed.peek(); due !== undefined && due.readyAt <= now; due = this.timed.peek()) {
      this.timed.pop();
      this.enqueue(due, now);
    }
    while (this.inFlight < this.concurrency) {
      const state = this.ready.pop();
      if (!state) break;
      if (state.limiter.grantWaitMs(now) > 0) {
        this.enqueue(state, now);
        continue;
      }
      const waiter = this.takeOldest(state);
      state.limiter.reserve();
      this.inFlight += 1;
      this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.inFlight);
      if (state.head < state.waiters.length) this.enqueue(state, now);
      else state.queued = undefined;
      waiter.grant();
    }
    this.armTimer(now);
  }

  private takeOldest(state: KeyState): Waiter {
    const waiter = state.waiters[state.head] as Waiter;
    state.waiters[state.head] = undefined;
    state.head += 1;
    if (state.head === state.waiters.length) {
      state.waiters.length = 0;
      state.head = 0;
    } else if (state.head >= 1024 && state.head * 2 >= state.waiters.length) {
      state.waiters.splice(0, state.head);
      state.head = 0;
    }
    return waiter;
  }

  /** One timer, for the key whose token comes first, while a slot is free to use it. */
  private armTimer(now: number): void {
    const next = this.timed.peek();
    if (next === undefined || this.inFlight >= this.concurrency) return;
    if (this.timer !== undefined && this.timerAt <= next.readyAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = next.readyAt;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, next.readyAt - now);
  }

  private abortAll(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const error = createAbortError(this.runSignal);
    this.ready.clear();
    this.timed.clear();
    for (const state of this.keys.values()) {
      for (let i = state.head; i < state.waiters.length; i++) state.waiters[i]?.fail(error);
      state.waiters.length = 0;
      state.head = 0;
      state.queued = undefined;
      if (state.sendTimer !== undefined) clearTimeout(state.sendTimer);
      state.sendTimer = undefined;
    }
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
