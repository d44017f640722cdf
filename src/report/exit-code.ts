/** The exit code of SPEC §3, derived from findings alone. */
import type { Finding } from './schema.js';
import { atOrAbove, type Severity } from '../findings/status.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, incomplete: 3, interrupted: 130 } as const;

/** `nothingAudited`: no instance was judged and the user did not allow that (`--allow-empty`): never a pass. */
export function resultOf(findings: readonly Finding[], failOn: Severity, nothingAudited = false): { result: 'PASS' | 'FAIL' | 'INCOMPLETE'; exitCode: number } {
  const gating = findings.filter((f) => atOrAbove(f.severity, failOn));
  if (gating.some((f) => f.status === 'FAIL')) return { result: 'FAIL', exitCode: EXIT.failed };
  if (nothingAudited || gating.some((f) => f.status === 'ERROR')) return { result: 'INCOMPLETE', exitCode: EXIT.incomplete };
  return { result: 'PASS', exitCode: EXIT.ok };
}
