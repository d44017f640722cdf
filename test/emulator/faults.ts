/**
 * Injected faults and random throttling. Faults are matched in order; `Slow` faults add their delay and
 * let the request go on, the first other matching fault decides the answer.
 */
import type { Fault } from './types.js';

export interface FaultTarget {
  service: string;
  operation: string;
  resource?: string | undefined;
}

export interface FaultDecision {
  /** Total delay from matching `Slow` faults, in milliseconds. */
  delayMs: number;
  /** The fault that answers the request instead of the state, if any. */
  answer?: Fault;
}

const DEFAULT_SLOW_MS = 1000;

export class FaultInjector {
  private readonly used: number[];

  constructor(private readonly faults: readonly Fault[]) {
    this.used = faults.map(() => 0);
  }

  private matches(fault: Fault, target: FaultTarget): boolean {
    if (fault.service !== target.service) return false;
    if (fault.operation !== '*' && fault.operation !== target.operation) return false;
    if (fault.resource !== undefined && (target.resource === undefined || !target.resource.includes(fault.resource))) return false;
    return true;
  }

  /** Finds the faults that apply to a request and counts them as applied. */
  decide(target: FaultTarget): FaultDecision {
    const decision: FaultDecision = { delayMs: 0 };
    this.faults.forEach((fault, index) => {
      if (decision.answer || !this.matches(fault, target)) return;
      const used = this.used[index] ?? 0;
      if (fault.times !== undefined && used >= fault.times) return;
      this.used[index] = used + 1;
      if (fault.kind === 'Slow') decision.delayMs += fault.delayMs ?? DEFAULT_SLOW_MS;
      else decision.answer = fault;
    });
    return decision;
  }

  reset(): void {
    this.used.fill(0);
  }
}

/** Deterministic PRNG (mulberry32) deciding which requests the `throttle.fraction` option throttles. */
export class RandomThrottle {
  private state: number;

  constructor(
    private readonly fraction: number,
    private readonly seed = 1,
  ) {
    this.state = seed >>> 0;
  }

  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  shouldThrottle(): boolean {
    return this.fraction > 0 && this.next() < this.fraction;
  }

  reset(): void {
    this.state = this.seed >>> 0;
  }
}
