/**
 * Orders that make reports byte-for-byte reproducible: plain code-unit comparison, never the
 * locale's collation, which differs between machines.
 */
import { hopOrder } from '../paths/hops.js';

export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const hopKeys = new Map<string, [number, string]>();

/** Documented hops in path order, then storage hops by type, transfer before at-rest. */
export function compareHops(a: string, b: string): number {
  const key = (hop: string) => {
    let k = hopKeys.get(hop);
    if (!k) hopKeys.set(hop, (k = hopOrder(hop)));
    return k;
  };
  const [ia, na] = key(a);
  const [ib, nb] = key(b);
  return ia - ib || byCodeUnit(na, nb);
}
