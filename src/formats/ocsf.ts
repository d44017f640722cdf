/**
 * OCSF Compliance Finding (class_uid 2003), one event a line, with the `cloud` and `datetime` profiles,
 * for Amazon Security Lake custom sources and SIEMs.
 *
 * - Version: `1.1.0` (default; Security Lake validates custom sources against OCSF 1.1) or `1.6.0` (the
 *   version the OCSF-based AWS Security Hub documents). 1.1.0 has only the singular `resource`; 1.6.0
 *   gets `resources[]` (the finding's resource as Target, plus the Connect instance as Related).
 * - Every event is `activity_id` 1 Create (`type_uid` 200301). `time` and `*_time` are epoch
 *   MILLISECONDS (OCSF `timestamp_t`) of the run's start; `*_dt` carry the same instants as RFC 3339.
 * - `compliance.status_id`: PASS and MANAGED → 1 Pass, FAIL → 3 Fail, ERROR → 2 Warning (the OCSF
 *   caption's description: "The check did not yield a result due to missing information", as ASFF's
 *   WARNING), NOT_APPLICABLE → 99 Other ("Not Applicable"); a WAIVED finding keeps its original verdict.
 *   The event `status_id` is the workflow state: FAIL and ERROR → 1 New, WAIVED → 3 Suppressed,
 *   everything else → 4 Resolved. `status_code` carries the tool's own status.
 * - Fields 1.1.0 requires and later versions only recommend (`compliance.standards`,
 *   `finding_info.title`, `product.vendor_name`) are always present.
 * - `metadata.uid` is unique per event (the run's start + the finding id), `finding_info.uid` is the
 *   finding's stable id across runs.
 * - Recommended attributes the tool knows: `confidence_id` 3 High for a verdict read from the evidence,
 *   0 Unknown for an ERROR (no verdict); `metadata.log_name` / `log_provider`; `resource.owner` is the
 *   account an ARN names (an S3 bucket ARN names none: no owner). `cloud.account.name` is left out: a
 *   report holds no account names.
 * - The tool's evidence, hop and waiver go in `unmapped`.
 * - Plan mode: the file, line and address (or logical id) that define the finding's resource are the
 *   target resource's `data.source` (`resource_details.data`, "additional data describing the
 *   resource", in every supported version); OCSF has no attribute for a source-code location.
 */
import { InputError } from '../errors.js';
import type { Severity, Status } from '../findings/status.js';
import type { Finding, InstanceInfo, Report } from '../report/schema.js';
import { arnRegionAndAccount } from '../evidence/aws-names.js';
import { oneLine } from './escape.js';
import { firstByArn, streamingFormatter } from './stream.js';

export const OCSF_VERSIONS = ['1.1.0', '1.6.0'] as const;
export type OcsfVersion = (typeof OCSF_VERSIONS)[number];
export const DEFAULT_OCSF_VERSION: OcsfVersion = '1.1.0';

/** `--ocsf-version`: absent means the default; anything but a supported version is an input error (exit 2). */
export function parseOcsfVersion(value: string | undefined): OcsfVersion {
  if (value === undefined) return DEFAULT_OCSF_VERSION;
  const version = OCSF_VERSIONS.find((v) => v === value.trim());
  if (!version) throw new InputError(`--ocsf-version ${oneLine(value)}: expected one of ${OCSF_VERSIONS.join(', ')}`);
  return version;
}

const SEVERITY: Record<Severity, { id: number; caption: string }> = {
  info: { id: 1, caption: 'Informational' },
  low: { id: 2, caption: 'Low' },
  medium: { id: 3, caption: 'Medium' },
  high: { id: 4, caption: 'High' },
  critical: { id: 5, caption: 'Critical' },
};

type Verdict = Exclude<Status, 'WAIVED'>;
const COMPLIANCE_STATUS: Record<Verdict, { id: number; caption: string }> = {
  PASS: { id: 1, caption: 'Pass' },
  MANAGED: { id: 1, caption: 'Pass' },
  FAIL: { id: 3, caption: 'Fail' },
  ERROR: { id: 2, caption: 'Warning' },
  NOT_APPLICABLE: { id: 99, caption: 'Not Applicable' },
};

function workflowStatus(status: Status): { id: number; caption: string } {
  if (status === 'FAIL' || status === 'ERROR') return { id: 1, caption: 'New' };
  if (status === 'WAIVED') return { id: 3, caption: 'Suppressed' };
  return { id: 4, caption: 'Resolved' };
}

/** OCSF strings are capped at 65,535 characters in 1.1.0. */
function capped(text: string, max = 65_535): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).replace(/[\ud800-\udbff]$/, '')}…`;
}

function partitionOf(arn: string): string {
  return /^arn:([a-z-]+):/.exec(arn)?.[1] ?? 'aws';
}

function lastSegment(arn: string): string {
  return arn.split(/[:/]/).pop() || arn;
}

const AWS_ACCOUNT = { type_id: 10, type: 'AWS Account' } as const;

/** The account an ARN names owns the resource; an ARN without one (S3 buckets) says nothing about its owner. */
function ownerOf(arn: string) {
  const account = arnRegionAndAccount(arn)?.account;
  return account ? { owner: { account: { uid: account, ...AWS_ACCOUNT } } } : {};
}

function resourceDetails(arn: string, type: string, region: string, version: OcsfVersion, role?: { id: number; caption: string }, source?: Finding['source']) {
  return {
    uid: arn,
    name: lastSegment(arn),
    type,
    region,
    cloud_partition: partitionOf(arn),
    ...ownerOf(arn),
    ...(role && version !== '1.1.0' ? { role_id: role.id, role: role.caption } : {}),
    ...(source ? { data: { source: { ...source } } } : {}),
  };
}

function event(report: Report, instances: ReadonlyMap<string, InstanceInfo>, finding: Finding, version: OcsfVersion, time: number) {
  const severity = SEVERITY[finding.severity];
  const verdict: Verdict = finding.status === 'WAIVED' ? (finding.waiver?.originalStatus ?? 'FAIL') : finding.status;
  const compliance = COMPLIANCE_STATUS[verdict];
  const workflow = workflowStatus(finding.status);
  const timeDt = new Date(time).toISOString();
  const message = capped(oneLine(finding.message).trim() || finding.title);
  const instance = instances.get(finding.instanceArn);
  const target = resourceDetails(finding.resource.arn, finding.resource.type, finding.resource.region, version, { id: 1, caption: 'Target' }, finding.source);
  const related =
    finding.instanceArn !== finding.resource.arn
      ? [resourceDetails(finding.instanceArn, 'AwsConnectInstance', instance?.region ?? finding.resource.region, version, { id: 4, caption: 'Related' })]
      : [];
  return {
    activity_id: 1,
    activity_name: 'Create',
    category_uid: 2,
    category_name: 'Findings',
    class_uid: 2003,
    class_name: 'Compliance Finding',
    type_uid: 200301,
    type_name: 'Compliance Finding: Create',
    severity_id: severity.id,
    severity: severity.caption,
    // The rules judge recorded configuration, not heuristics: a verdict is certain; an ERROR has none.
    ...(verdict === 'ERROR' ? { confidence_id: 0, confidence: 'Unknown' } : { confidence_id: 3, confidence: 'High' }),
    status_id: workflow.id,
    status: workflow.caption,
    status_code: finding.status,
    status_detail: message,
    time,
    time_dt: timeDt,
    message,
    metadata: {
      version,
      profiles: ['cloud', 'datetime'],
      event_code: finding.ruleId,
      uid: `${report.run.startedAt}/${finding.id}`,
      log_name: 'findings',
      log_provider: report.tool.name,
      product: { name: report.tool.name, uid: report.tool.name, vendor_name: report.tool.name, version: report.tool.version },
    },
    finding_info: {
      uid: finding.id,
      title: capped(oneLine(finding.title)),
      desc: message,
      types: [finding.hop],
      created_time: time,
      created_time_dt: timeDt,
      ...(finding.references[0] ? { src_url: finding.references[0] } : {}),
    },
    compliance: {
      standards: finding.compliance.map((c) => c.framework),
      requirements: finding.compliance.flatMap((c) => c.controls.map((control) => `${c.framework} ${control}`)),
      control: finding.ruleId,
      status_id: compliance.id,
      status: compliance.caption,
      status_code: verdict,
    },
    cloud: {
      provider: 'AWS',
      region: finding.resource.region,
      account: { uid: finding.resource.accountId, ...AWS_ACCOUNT },
    },
    ...(version === '1.1.0' ? { resource: target } : { resources: [target, ...related] }),
    remediation: { desc: capped(oneLine(finding.remediation).trim() || finding.title), references: [...finding.references] },
    unmapped: {
      hop: finding.hop,
      instance_arn: finding.instanceArn,
      evidence: finding.evidence,
      ...(finding.waiver ? { waiver: finding.waiver } : {}),
    },
  };
}

function* ocsfChunks(report: Report, version: OcsfVersion): Iterable<string> {
  const time = Date.parse(report.run.startedAt);
  const instances = firstByArn(report.instances);
  for (const finding of report.findings) yield `${JSON.stringify(event(report, instances, finding, version, time))}\n`;
}

export const ocsf = streamingFormatter(
  { id: 'ocsf', description: 'OCSF Compliance Finding (2003) events, one a line (--ocsf-version 1.1.0 or 1.6.0)', extension: '.ocsf.jsonl' },
  (report, options) => ocsfChunks(report, parseOcsfVersion(options.ocsfVersion)),
);
