/**
 * What the service modules share: the account being read, the scheduler, the clients, and the two
 * ways to make a call — one request, or every page of a list — each ending as a `Call<T>` record.
 * Every AWS request names its entry of OPERATIONS; its pacing key is account | region | operation.
 */
import type { z } from 'zod';
import type { Call } from '../model.js';
import { OPERATIONS, type OperationKey } from '../operations.js';
import type { ClientFactory } from './clients.js';
import { rateOf } from './rates.js';
import { errorCode, failedCall, fitRecord, okCall, redact, toEvidence } from './record.js';
import { httpStatusOf, isAbortError, type RateLimit, type Scheduler } from './scheduler.js';

export interface CollectContext {
  /** The account every bucket is expected to belong to (ExpectedBucketOwner). */
  accountId: string;
  scheduler: Scheduler;
  clients: ClientFactory;
  /** Pacing of each Connect API per account and region. */
  connectRate: RateLimit;
  log: (line: string) => void;
}

/** Where a call goes and what it is about (for pacing and the verbose log). */
export interface CallTarget {
  operation: OperationKey;
  region: string;
  /** What the call is about: an instance id, bucket name, key reference... */
  resource: string;
}

/** One request through the scheduler. Resolves with the SDK's answer or rejects with its error. */
export async function request<L, T>(
  ctx: CollectContext,
  target: CallTarget,
  load: () => Promise<L>,
  send: (loaded: L, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { operation, region, resource } = target;
  const spec = OPERATIONS[operation];
  const label = `${operation} ${region} ${resource}`;
  const loaded = await load();
  const started = Date.now();
  try {
    const answer = await ctx.scheduler.run(
      {
        key: `${ctx.accountId}|${region}|${operation}`,
        rate: rateOf(operation, spec.service, ctx.connectRate),
        label,
      },
      (signal) => send(loaded, signal),
    );
    ctx.log(`${label}: ok (${Date.now() - started} ms)`);
    return answer;
  } catch (err) {
    if (!isAbortError(err)) {
      const status = httpStatusOf(err);
      ctx.log(redact(`${label}: ${errorCode(err)}${status ? ` (HTTP ${status})` : ''} (${Date.now() - started} ms)`));
    }
    throw err;
  }
}

/** One call recorded into its evidence slot. Only an abort escapes as an exception. */
export async function recordCall<S extends z.ZodType, L, T>(
  ctx: CollectContext,
  slot: S,
  target: CallTarget,
  load: () => Promise<L>,
  send: (loaded: L, signal: AbortSignal) => Promise<T>,
): Promise<z.output<S>> {
  let record: Call<unknown>;
  try {
    record = okCall(toEvidence(await request(ctx, target, load, send)));
  } catch (err) {
    if (isAbortError(err)) throw err;
    record = failedCall(target.operation, err);
  }
  return fitRecord(slot, record);
}

export interface Page {
  items: readonly unknown[] | undefined;
  next: string | undefined;
}

/** Safety net against a service that keeps returning tokens. */
const MAX_PAGES = 10_000;

/**
 * Every page of a list, one request at a time, recorded as one call whose answer is all the items.
 * A page that fails makes the whole list an error: a partial list would read as a complete one.
 */
export async function recordList<S extends z.ZodType, L>(
  ctx: CollectContext,
  slot: S,
  target: CallTarget,
  load: () => Promise<L>,
  sendPage: (loaded: L, token: string | undefined, signal: AbortSignal) => Promise<Page>,
): Promise<z.output<S>> {
  const items: unknown[] = [];
  const seen = new Set<string>();
  let record: Call<unknown> | undefined;
  try {
    let token: string | undefined;
    for (let page = 0; ; page++) {
      const answer = await request(ctx, target, load, (loaded, signal) => sendPage(loaded, token, signal));
      items.push(...(answer.items ?? []));
      const next = answer.next;
      if (next === undefined || next === '') break;
      if (seen.has(next) || page + 1 >= MAX_PAGES) {
        record = {
          status: 'error',
          error: { code: 'PaginationLoop', message: `The service kept returning pagination tokens (page ${page + 1}); the list is incomplete.` },
        };
        break;
      }
      seen.add(next);
      token = next;
    }
    record ??= okCall(toEvidence(items));
  } catch (err) {
    if (isAbortError(err)) throw err;
    record = failedCall(target.operation, err);
  }
  return fitRecord(slot, record);
}
