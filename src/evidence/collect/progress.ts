/**
 * How far a collection has got, for a progress display: accounts and instances done out of those
 * known so far, and the scheduler's request counters. One tracker serves a whole run, however many
 * accounts it reads (like the scheduler, it is shared by every per-account collection).
 */
import type { SchedulerStats } from './scheduler.js';

export interface CollectProgress {
  accounts: { done: number; total: number };
  /** `total` grows as instances are found (ListInstances answers come in while others are read). */
  instances: { done: number; total: number };
  /** Attempts sent, retried, and answered with throttling (SchedulerStats). */
  requests: number;
  retries: number;
  throttled: number;
}

export type ProgressListener = (progress: CollectProgress) => void;

export class ProgressTracker {
  private readonly accounts = { done: 0, total: 0 };
  private readonly instances = { done: 0, total: 0 };
  private stats: Pick<SchedulerStats, 'requests' | 'retries' | 'throttled'> = { requests: 0, retries: 0, throttled: 0 };

  constructor(private readonly listener?: ProgressListener) {}

  addAccounts(count: number): void {
    this.accounts.total += count;
    this.emit();
  }

  accountDone(): void {
    this.accounts.done += 1;
    this.emit();
  }

  addInstances(count: number): void {
    if (count === 0) return;
    this.instances.total += count;
    this.emit();
  }

  instanceDone(): void {
    this.instances.done += 1;
    this.emit();
  }

  /** Pass as the scheduler's `onStats`. */
  readonly onStats = (stats: Readonly<SchedulerStats>): void => {
    this.stats = { requests: stats.requests, retries: stats.retries, throttled: stats.throttled };
    this.emit();
  };

  snapshot(): CollectProgress {
    return { accounts: { ...this.accounts }, instances: { ...this.instances }, ...this.stats };
  }

  private emit(): void {
    this.listener?.(this.snapshot());
  }
}
