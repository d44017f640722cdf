/** Findings → the report: hop statuses, summary, exit code, errors; sorted so output is deterministic. */
import type { RecordedError } from '../evidence/errors.js';
import { STATUSES, type Severity, worstStatus } from '../findings/status.js';
import { DOCUMENTED_HOPS, findHop } from '../paths/hops.js';
import { byCodeUnit, compareHops } from './order.js';
import { resultOf } from './exit-code.js';
import { REPORT_SCHEMA_VERSION, type Finding, type HopResult, type InstanceInfo, type Report } from './schema.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';

/** The start of the warning a run that audited no instance carries. */
export const NOTHING_AUDITED = 'no Connect instance was audited';

export interface BuildInput {
  instances: readonly InstanceInfo[];
  findings: readonly Finding[];
  errors: readonly RecordedError[];
  warnings: readonly string[];
  failOn: Severity;
  run: Report['run'];
  /** No instance was audited and that is not allowed: the run is INCOMPLETE (exit 3) whatever the findings. */
  nothingAudited?: boolean;
  /** Part of the scope is in no input (a shard missing from a merge): INCOMPLETE unless a FAIL decides. */
  incomplete?: boolean;
}


function compareFindings(a: Finding, b: Finding): number {
  return byCodeUnit(a.instanceArn, b.instanceArn) || compareHops(a.hop, b.hop) || byCodeUnit(a.ruleId, b.ruleId) || byCodeUnit(a.resource.arn, b.resource.arn) || byCodeUnit(a.id, b.id);
}

/** Every documented hop of every instance, plus each storage hop that has findings. */
function hopResults(instances: readonly InstanceInfo[], findings: readonly Finding[]): HopResult[] {
  const byInstance = new Map<string, Map<string, Finding[]>>();
  for (const finding of findings) {
    let hops = byInstance.get(finding.instanceArn);
    if (!hops) byInstance.set(finding.instanceArn, (hops = new Map<string, Finding[]>()));
    const list = hops.get(finding.hop);
    if (list) list.push(finding);
    else hops.set(finding.hop, [finding]);
  }
  const instanceArns = [...new Set([...instances.map((i) => i.instanceArn), ...byInstance.keys()])].sort();
  return instanceArns.flatMap((instanceArn) => {
    const hops = byInstance.get(instanceArn) ?? new Map<string, Finding[]>();
    const isKnownInstance = instances.some((i) => i.instanceArn === instanceArn);
    const hopIds = new Set([...(isKnownInstance ? DOCUMENTED_HOPS.map((h) => h.id) : []), ...hops.keys()]);
    return [...hopIds]
      .filter((hopId) => (hops.get(hopId) ?? []).length > 0)
      .sort(compareHops)
      .map((hopId): HopResult => {
        const hopFindings = hops.get(hopId) ?? [];
        const hop = findHop(hopId);
        return {
          instanceArn,
          hop: hopId,
          status: worstStatus(hopFindings.map((f) => f.status)),
          protection: hop?.protection ?? '',
          responsibility: hop?.responsibility ?? 'shared',
          findingIds: hopFindings.map((f) => f.id).sort(),
        };
      });
  });
}

export function buildReport(input: BuildInput): Report {
  const findings = [...input.findings].sort(compareFindings);
  const counts = Object.fromEntries(STATUSES.map((s) => [s, findings.filter((f) => f.status === s).length])) as Report['summary']['counts'];
  const { result, exitCode } = resultOf(findings, input.failOn, input.nothingAudited === true || input.incomplete === true);
  const instances = [...input.instances].sort((a, b) => byCodeUnit(a.instanceArn, b.instanceArn));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    run: input.run,
    summary: { result, exitCode, failOn: input.failOn, counts },
    instances,
    hops: hopResults(instances, findings),
    findings,
    errors: [...input.errors],
    ...(input.warnings.length > 0 ? { warnings: [...input.warnings] } : {}),
  };
}
