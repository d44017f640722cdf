/**
 * ASFF (AWS Security Finding Format, SchemaVersion 2018-10-08) for AWS Security Hub CSPM.
 *
 * Output: a JSON array of `AwsSecurityFinding` objects, one per finding, in report order. This is the
 * value `aws securityhub batch-import-findings --findings file://findings.asff.json` takes directly.
 * `BatchImportFindings` accepts 1 to 100 findings per call (each at most 240 KB); a report with more
 * findings is split into batches of 100 with `jq` before importing (recipe in the README):
 *
 *     jq -c '. as $f | range(0; length; 100) as $i | $f[$i:$i+100]' findings.asff.json | split -l 1 - asff-batch-
 *     for batch in asff-batch-*; do
 *       [ -e "$batch" ] || continue
 *       aws securityhub batch-import-findings --findings "file://$batch" --query '{failed: FailedCount, imported: SuccessCount}'
 *     done
 *
 * (Each batch goes through a file: 100 findings can exceed the 128 KB a single command-line argument
 * may hold.) Partial failures come back in the response (`FailedCount`, `FailedFindings`), not as an
 * error.
 *
 * Mapping:
 * - `ProductArn` is the account's default custom-integration product,
 *   `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`; the importing caller
 *   must be that account.
 * - `Id` is `connect-netpath-audit/<ruleId>/<finding id>`: stable per rule, hop, resource and instance,
 *   so a later import updates the same finding. `GeneratorId` is the rule id.
 * - `Compliance.Status`: PASS and MANAGED → PASSED, FAIL → FAILED, ERROR → WARNING (fail closed: it
 *   stays visible), NOT_APPLICABLE → NOT_AVAILABLE; a WAIVED finding keeps its original verdict and
 *   gets `Workflow.Status` SUPPRESSED. FAIL and ERROR are NEW, the rest RESOLVED. Security Hub applies
 *   `Workflow` only when it creates a finding; for an existing one it derives the workflow from
 *   `Compliance.Status` (PASSED resolves, a later failure reopens), and suppressing an existing
 *   finding takes `BatchUpdateFindings`.
 * - `Types` and `Compliance.RelatedRequirements` come from the rule's compliance mappings.
 * - Resources: S3 buckets, KMS keys and Kinesis data streams keep their ASFF type; Amazon Connect
 *   instances, directories and Kinesis video streams (no ASFF type) are `Other`, with the tool's
 *   resource type in `Details.Other`.
 * - Title (256), Description (1,024), remediation text (512) and requirement lists (32) are truncated
 *   to Security Hub's limits; account-supplied text is flattened to one line without control characters.
 */
import type { Severity, Status } from '../findings/status.js';
import type { Finding, Report } from '../report/schema.js';
import { oneLine } from './escape.js';
import { jsonChunks, mapped, streamingFormatter } from './stream.js';

export const ASFF_BATCH_LIMIT = 100;

const SEVERITY_LABEL: Record<Severity, string> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW', info: 'INFORMATIONAL' };

type Verdict = Exclude<Status, 'WAIVED'>;
const COMPLIANCE_STATUS: Record<Verdict, string> = {
  PASS: 'PASSED',
  MANAGED: 'PASSED',
  FAIL: 'FAILED',
  ERROR: 'WARNING',
  NOT_APPLICABLE: 'NOT_AVAILABLE',
};

/** Security Hub's "Industry and Regulatory Standards" classifiers (ASFF types taxonomy). */
const STANDARD_TYPES: Record<string, string> = {
  'PCI DSS 4.0': 'PCI-DSS Controls',
  'HIPAA Security Rule': 'HIPAA Controls (USA)',
  'NIST SP 800-53 rev. 5': 'NIST 800-53 Controls (USA)',
  'ISO/IEC 27001:2022': 'ISO 27001 Controls',
  'SOC 2': 'SOC 2',
};
const TYPE_PREFIX = 'Software and Configuration Checks/Industry and Regulatory Standards';
const FALLBACK_TYPE = 'Software and Configuration Checks/AWS Security Best Practices';

/** Resource types ASFF has a name for; everything else is `Other`. */
const ASFF_RESOURCE_TYPES = new Set(['AwsS3Bucket', 'AwsKmsKey', 'AwsKinesisStream']);

const LIMITS = { title: 256, description: 1024, remediation: 512, requirements: 32, types: 50 } as const;

/** At most `max` UTF-16 code units (so at most `max` characters however they are counted), ending in `…` when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).replace(/[\ud800-\udbff]$/, '')}…`;
}

/** One line, no control characters, not blank: ASFF strings must match `.*\S.*`. */
function asffText(value: string, fallback: string, max: number): string {
  const text = oneLine(value).trim();
  return truncate(text === '' ? fallback : text, max);
}

function partitionOf(arn: string): string {
  const partition = /^arn:([a-z-]+):/.exec(arn)?.[1];
  return partition && ['aws', 'aws-cn', 'aws-us-gov', 'aws-us-iso', 'aws-us-iso-b'].includes(partition) ? partition : 'aws';
}

function types(finding: Finding): string[] {
  const mapped = finding.compliance.map((c) => STANDARD_TYPES[c.framework]).filter((t): t is string => t !== undefined);
  const list = [...new Set(mapped)].map((classifier) => `${TYPE_PREFIX}/${classifier}`);
  return (list.length > 0 ? list : [FALLBACK_TYPE]).slice(0, LIMITS.types);
}

function workflowStatus(status: Status): string {
  if (status === 'FAIL' || status === 'ERROR') return 'NEW';
  if (status === 'WAIVED') return 'SUPPRESSED';
  return 'RESOLVED';
}

function resource(finding: Finding) {
  const { arn, type, region } = finding.resource;
  const asffType = ASFF_RESOURCE_TYPES.has(type) ? type : 'Other';
  const details: Record<string, string> = { ResourceType: type };
  if (finding.instanceArn !== arn) details.ConnectInstanceArn = finding.instanceArn;
  return {
    Type: asffType,
    Id: arn,
    Partition: partitionOf(arn),
    Region: region,
    ...(asffType === 'Other' ? { Details: { Other: details } } : {}),
  };
}

function productFields(report: Report, finding: Finding): Record<string, string> {
  const fields: Record<string, string> = {
    ProviderName: report.tool.name,
    ProviderVersion: report.tool.version,
    'connect-netpath-audit/FindingId': finding.id,
    'connect-netpath-audit/Hop': finding.hop,
    'connect-netpath-audit/InstanceArn': finding.instanceArn,
    'connect-netpath-audit/Status': finding.status,
  };
  if (finding.waiver) {
    fields['connect-netpath-audit/WaiverReason'] = asffText(finding.waiver.reason, 'waived', 2048);
    fields['connect-netpath-audit/WaiverExpires'] = finding.waiver.expires;
    fields['connect-netpath-audit/OriginalStatus'] = finding.waiver.originalStatus;
  }
  return fields;
}

export function asffFinding(report: Report, finding: Finding) {
  const { accountId, region } = finding.resource;
  const partition = partitionOf(finding.resource.arn);
  const severity = { Label: SEVERITY_LABEL[finding.severity], Original: finding.severity };
  const verdict: Verdict = finding.status === 'WAIVED' ? (finding.waiver?.originalStatus ?? 'FAIL') : finding.status;
  const findingTypes = types(finding);
  const requirements = finding.compliance.flatMap((c) => c.controls.map((control) => `${c.framework} ${control}`)).slice(0, LIMITS.requirements);
  const url = finding.references[0];
  return {
    SchemaVersion: '2018-10-08',
    Id: `connect-netpath-audit/${finding.ruleId}/${finding.id}`,
    ProductArn: `arn:${partition}:securityhub:${region}:${accountId}:product/${accountId}/default`,
    ProductName: report.tool.name,
    GeneratorId: finding.ruleId,
    AwsAccountId: accountId,
    Types: findingTypes,
    CreatedAt: report.run.startedAt,
    UpdatedAt: report.run.startedAt,
    Severity: severity,
    Title: asffText(finding.title, finding.ruleId, LIMITS.title),
    Description: asffText(finding.message, finding.title, LIMITS.description),
    Remediation: {
      Recommendation: {
        Text: asffText(finding.remediation, finding.title, LIMITS.remediation),
        ...(url ? { Url: url } : {}),
      },
    },
    ProductFields: productFields(report, finding),
    Resources: [resource(finding)],
    Compliance: {
      Status: COMPLIANCE_STATUS[verdict],
      ...(requirements.length > 0 ? { RelatedRequirements: requirements } : {}),
    },
    FindingProviderFields: { Severity: severity, Types: findingTypes },
    Workflow: { Status: workflowStatus(finding.status) },
    RecordState: 'ACTIVE',
  };
}

function* asffChunks(report: Report): Iterable<string> {
  yield* jsonChunks((lazy) => lazy(mapped(report.findings, (finding) => asffFinding(report, finding))), 2);
  yield '\n';
}

export const asff = streamingFormatter(
  { id: 'asff', description: 'AWS Security Finding Format: a JSON array for securityhub batch-import-findings (100 a call)', extension: '.asff.json' },
  asffChunks,
);
