/** Statuses, severities and their orders (SPEC §3). */

export const STATUSES = ['FAIL', 'ERROR', 'WAIVED', 'PASS', 'MANAGED', 'NOT_APPLICABLE'] as const;
export type Status = (typeof STATUSES)[number];

/** Statuses a rule can give; WAIVED is only ever applied afterwards, by a waiver. */
export type RuleStatus = Exclude<Status, 'WAIVED'>;

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Lower is worse: FAIL > ERROR > WAIVED > PASS > MANAGED > NOT_APPLICABLE. */
export function statusRank(status: Status): number {
  return STATUSES.indexOf(status);
}

export function worstStatus(statuses: readonly Status[]): Status {
  return statuses.reduce<Status>((worst, s) => (statusRank(s) < statusRank(worst) ? s : worst), 'NOT_APPLICABLE');
}

/** Lower is more severe. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) <= severityRank(threshold);
}
