/** Largest number of sends (or arrivals) in any window of `windowMs`: a token bucket of burst b and rate r allows b + r·windowMs/1000. */
export function busiestWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] ?? 0) - (sorted[j] ?? 0) >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/** How many of these arrivals a service's token bucket (full at the first one) would throttle. */
export function throttledBy(arrivals: readonly number[], rate: { ratePerSecond: number; burst: number }): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let tokens = rate.burst;
  let last = sorted[0] ?? 0;
  let throttled = 0;
  for (const at of sorted) {
    tokens = Math.min(rate.burst, tokens + ((at - last) * rate.ratePerSecond) / 1000);
    last = at;
    if (tokens >= 1) tokens -= 1;
    else throttled += 1;
  }
  return throttled;
}
