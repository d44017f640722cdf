/**
 * Tuning flags (`--concurrency`, `--timeout`, `--max-attempts`, `--connect-rate`, `--connect-burst`)
 * and the flags that only mean something for a live run. Checked before anything is read or sent;
 * any problem is an InputError (exit 2).
 */
import { InputError } from '../errors.js';

export interface TuningFlags {
  concurrency?: string | undefined;
  timeout?: string | undefined;
  maxAttempts?: string | undefined;
  connectRate?: string | undefined;
  connectBurst?: string | undefined;
}

interface Range {
  flag: string;
  min: number;
  max: number;
  fallback: number;
}

/** The documented ranges (`--help`, README); the fallback is the default when the flag is not given. */
export const TUNING = {
  // Measured (bench section org, 1,000 accounts × 3 regions): 8 is 1.16× of the rate bound, 16 1.11×,
  // 32 1.08× with 0 throttles; the run's requests share one connection pool, so more in flight costs
  // little beyond memory.
  concurrency: { flag: '--concurrency', min: 1, max: 256, fallback: 32 },
  timeout: { flag: '--timeout', min: 1, max: 86_400, fallback: 3600 },
  maxAttempts: { flag: '--max-attempts', min: 1, max: 20, fallback: 8 },
  // AWS's documented Connect quota (2/s, burst 5 per API, account and region) with one burst token
  // kept in reserve: pacing is charged when a request leaves, and the spare token absorbs requests that
  // reach AWS closer together than they left (a new connection's TLS handshake delays the first ones).
  connectRate: { flag: '--connect-rate', min: 0, max: 100, fallback: 2 },
  connectBurst: { flag: '--connect-burst', min: 1, max: 100, fallback: 4 },
} as const satisfies Record<keyof TuningFlags, Range>;

/** Plain decimal digits only: `0x10`, ` 8 `, `1e3`, `8.0` and `+8` are refused, not reinterpreted. */
function integerIn(text: string | undefined, { flag, min, max, fallback }: Range): number {
  if (text === undefined) return fallback;
  const value = /^[0-9]{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) throw new InputError(`${flag} ${JSON.stringify(text)}: expected a whole number from ${min} to ${max}`);
  return value;
}

/** A decimal number above `min` (exclusive) and at most `max`: `1.8`, `2`, `0.5`. */
function rateIn(text: string | undefined, { flag, min, max, fallback }: Range): number {
  if (text === undefined) return fallback;
  const value = /^[0-9]{1,6}(\.[0-9]{1,6})?$/.test(text) ? Number(text) : Number.NaN;
  if (!(value > min && value <= max)) throw new InputError(`${flag} ${JSON.stringify(text)}: expected a decimal number above ${min} and at most ${max}`);
  return value;
}

export function timeoutSeconds(flags: TuningFlags): number {
  return integerIn(flags.timeout, TUNING.timeout);
}

export interface LiveTuning {
  concurrency: number;
  maxAttempts: number;
  connectRate: { ratePerSecond: number; burst: number };
}

export function liveTuning(flags: TuningFlags): LiveTuning {
  return {
    concurrency: integerIn(flags.concurrency, TUNING.concurrency),
    maxAttempts: integerIn(flags.maxAttempts, TUNING.maxAttempts),
    connectRate: { ratePerSecond: rateIn(flags.connectRate, TUNING.connectRate), burst: integerIn(flags.connectBurst, TUNING.connectBurst) },
  };
}

export interface LiveOnlyFlags extends TuningFlags {
  region?: string[] | undefined;
  profile?: string | undefined;
  endpointUrl?: string | undefined;
  accounts?: string | undefined;
  org?: boolean | undefined;
  roleArn?: string | undefined;
  externalId?: string | undefined;
}

const LIVE_ONLY: readonly [keyof LiveOnlyFlags, string][] = [
  ['region', '--region'],
  ['profile', '--profile'],
  ['endpointUrl', '--endpoint-url'],
  ['accounts', '--accounts'],
  ['org', '--org'],
  ['roleArn', '--role-arn'],
  ['externalId', '--external-id'],
  ['concurrency', '--concurrency'],
  ['maxAttempts', '--max-attempts'],
  ['connectRate', '--connect-rate'],
  ['connectBurst', '--connect-burst'],
];

/**
 * A flag that only steers live collection, given with `--snapshot`, is an error rather than
 * ignored: the user meant something by it (a region, an account) that the evidence file cannot honour.
 */
export function rejectLiveOnlyFlags(flags: LiveOnlyFlags, where = 'with --snapshot (the evidence file already says which accounts and regions it holds)'): void {
  const given = LIVE_ONLY.filter(([key]) => flags[key] !== undefined && flags[key] !== false).map(([, flag]) => flag);
  if (given.length > 0) {
    throw new InputError(`${given.join(', ')} ${given.length === 1 ? 'steers' : 'steer'} live collection and cannot be used ${where}`);
  }
}
