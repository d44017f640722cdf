/** Waivers: a FAIL or ERROR accepted for a time, with a reason. An expired waiver stops applying. */
import type { Finding } from '../report/schema.js';
import { globMatches, starGlob, type Glob } from '../rules/lib/wildcards.js';

export interface Waiver {
  rule: string;
  /** A resource ARN, an instance ARN, or a glob over either (`*` any run of characters). */
  resource: string;
  reason: string;
  /** YYYY-MM-DD; the waiver applies through the end of that day (UTC). */
  expires: string;
  ticket?: string | undefined;
}

export function isExpired(waiver: Waiver, now: Date): boolean {
  return Date.parse(`${waiver.expires}T23:59:59.999Z`) < now.getTime();
}

interface CompiledWaiver {
  waiver: Waiver;
  glob: Glob;
}

function covers({ waiver, glob }: CompiledWaiver, finding: Finding): boolean {
  return waiver.rule === finding.ruleId && (globMatches(glob, finding.resource.arn) || globMatches(glob, finding.instanceArn));
}

/** Returns the findings with waivers applied, and a warning for each expired waiver that would have applied. */
export function applyWaivers(findings: readonly Finding[], waivers: readonly Waiver[], now: Date): { findings: Finding[]; warnings: string[] } {
  // The shared two-pointer matcher, linear in glob and ARN: a regex built from `*a*a*a…` backtracks for minutes.
  const compiled = waivers.map((waiver) => ({ waiver, glob: starGlob(waiver.resource) }));
  const warnings = new Set<string>();
  const result = findings.map((finding) => {
    if (finding.status !== 'FAIL' && finding.status !== 'ERROR') return finding;
    const matching = compiled.filter((c) => covers(c, finding)).map((c) => c.waiver);
    const active = matching.find((w) => !isExpired(w, now));
    for (const w of matching.filter((m) => isExpired(m, now))) {
      warnings.add(`waiver for ${w.rule} on ${w.resource} expired on ${w.expires}; its findings count again`);
    }
    if (!active) return finding;
    return {
      ...finding,
      status: 'WAIVED' as const,
      waiver: { reason: active.reason, expires: active.expires, originalStatus: finding.status, ...(active.ticket ? { ticket: active.ticket } : {}) },
    };
  });
  return { findings: result, warnings: [...warnings].sort() };
}
