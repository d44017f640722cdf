/** Waivers: a FAIL or ERROR accepted for a time, with a reason. An expired waiver stops applying. */
import type { Finding } from '../report/schema.js';

export interface Waiver {
  rule: string;
  /** A resource ARN, an instance ARN, or a glob over either (`*` any run of characters). */
  resource: string;
  reason: string;
  /** YYYY-MM-DD; the waiver applies through the end of that day (UTC). */
  expires: string;
  ticket?: string | undefined;
}

function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(value);
}

export function isExpired(waiver: Waiver, now: Date): boolean {
  return Date.parse(`${waiver.expires}T23:59:59.999Z`) < now.getTime();
}

function covers(waiver: Waiver, finding: Finding): boolean {
  return waiver.rule === finding.ruleId && (globMatches(waiver.resource, finding.resource.arn) || globMatches(waiver.resource, finding.instanceArn));
}

/** Returns the findings with waivers applied, and a warning for each expired waiver that would have applied. */
export function applyWaivers(findings: readonly Finding[], waivers: readonly Waiver[], now: Date): { findings: Finding[]; warnings: string[] } {
  const warnings = new Set<string>();
  const result = findings.map((finding) => {
    if (finding.status !== 'FAIL' && finding.status !== 'ERROR') return finding;
    const matching = waivers.filter((w) => covers(w, finding));
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
