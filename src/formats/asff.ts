/**
 * ASFF (AWS Security Finding Format, SchemaVersion 2018-10-08) for AWS Security Hub CSPM.
 *
 * Output: a JSON array of `AwsSecurityFinding` objects (the SDK's type), one per finding, in report
 * order: what `connect-netpath-audit export security-hub REPORT.json` imports (BatchImportFindings, 100
 * a call, grouped by account and region; see src/evidence/collect/securityhub.ts), and what
 * `aws securityhub batch-import-findings --findings file://…` takes, 100 at a time.
 *
 * Security Hub's limits are enforced here, not left to the import: `Id` and `GeneratorId` at most 512
 * characters, `Title` 256, `Description` 1,024, remediation text 512, requirement lists 32, and each
 * finding at most 240 KB of JSON (read as 240,000 bytes, the smaller reading of "KB"); see ASFF_LIMITS.
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
 * - Account-supplied text is flattened to one line without control characters.
 * - Plan mode: `ProductFields["connect-netpath-audit/Source"]` is `file:line (address)`, where the
 *   code defines the finding's resource (ASFF has no source-code location; ProductFields holds "up
 *   to 50 key-value pairs", keys up to 128 characters, values up to 2,048).
 */
import { createHash } from 'node:crypto';
import type { AwsSecurityFinding, ComplianceStatus, Partition, SeverityLabel, WorkflowStatus } from '@aws-sdk/client-securityhub';
import type { Severity, Status } from '../findings/status.js';
import type { Finding, Report } from '../report/schema.js';
import { oneLine } from './escape.js';
import { sourceLabel } from './source.js';
import { jsonChunks, mapped, streamingFormatter } from './stream.js';

/**
 * Security Hub's documented limits:
 * - https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsSecurityFinding.html: Id and
 *   GeneratorId "Maximum length of 512", Title "Maximum length of 256", Description "Minimum length of 1.
 *   Maximum length of 1024.";
 * - https://docs.aws.amazon.com/securityhub/latest/partnerguide/guidelines-batchimportfindings.html:
 *   "Security Hub CSPM accepts up to 100 findings per batch, up to 240 KB per finding, and up to 6 MB per batch."
 * - Remediation.Recommendation.Text 512, RelatedRequirements 32, ProductFields values 2,048 (the API
 *   model, asff.schema.json); https://docs.aws.amazon.com/securityhub/latest/userguide/asff-resourcedetails-other.html:
 *   a `Details.Other` value "must contain fewer than 1,024 characters".
 */
export const ASFF_LIMITS = {
  id: 512,
  title: 256,
  description: 1024,
  remediation: 512,
  requirements: 32,
  types: 50,
  productFieldValue: 2048,
  otherDetailValue: 1023,
  findingBytes: 240_000,
  batchFindings: 100,
  batchBytes: 6_000_000,
} as const;

export const ASFF_BATCH_LIMIT = ASFF_LIMITS.batchFindings;

const SEVERITY_LABEL: Record<Severity, SeverityLabel> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW', info: 'INFORMATIONAL' };

type Verdict = Exclude<Status, 'WAIVED'>;
const COMPLIANCE_STATUS: Record<Verdict, ComplianceStatus> = {
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

const LIMITS = ASFF_LIMITS;

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

/** An identifier over `max` characters keeps its start and ends in a hash of the whole: still unique, still stable. */
export function boundedId(id: string, max: number = LIMITS.id): string {
  if (id.length <= max) return id;
  const digest = createHash('sha256').update(id).digest('hex').slice(0, 32);
  return `${id.slice(0, max - digest.length - 1).replace(/[\ud800-\udbff]$/, '')}#${digest}`;
}

const AWS_PARTITIONS: readonly Partition[] = ['aws', 'aws-cn', 'aws-us-gov', 'aws-us-iso', 'aws-us-iso-b'];

export function partitionOf(arn: string): Partition {
  const partition = /^arn:([a-z-]+):/.exec(arn)?.[1];
  return AWS_PARTITIONS.find((p) => p === partition) ?? 'aws';
}

function types(finding: Finding): string[] {
  const mapped = finding.compliance.map((c) => STANDARD_TYPES[c.framework]).filter((t): t is string => t !== undefined);
  const list = [...new Set(mapped)].map((classifier) => `${TYPE_PREFIX}/${classifier}`);
  return (list.length > 0 ? list : [FALLBACK_TYPE]).slice(0, LIMITS.types);
}

function workflowStatus(status: Status): WorkflowStatus {
  if (status === 'FAIL' || status === 'ERROR') return 'NEW';
  if (status === 'WAIVED') return 'SUPPRESSED';
  return 'RESOLVED';
}

function resource(finding: Finding) {
  const { arn, type, region } = finding.resource;
  const asffType = ASFF_RESOURCE_TYPES.has(type) ? type : 'Other';
  const details: Record<string, string> = { ResourceType: truncate(type, LIMITS.otherDetailValue) };
  if (finding.instanceArn !== arn) details.ConnectInstanceArn = truncate(finding.instanceArn, LIMITS.otherDetailValue);
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
  const at = sourceLabel(finding.source);
  if (at !== undefined) fields['connect-netpath-audit/Source'] = asffText(at, 'unknown', LIMITS.productFieldValue);
  if (finding.waiver) {
    fields['connect-netpath-audit/WaiverReason'] = asffText(finding.waiver.reason, 'waived', LIMITS.productFieldValue);
    fields['connect-netpath-audit/WaiverExpires'] = finding.waiver.expires;
    fields['connect-netpath-audit/OriginalStatus'] = finding.waiver.originalStatus;
  }
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, truncate(value, LIMITS.productFieldValue)]));
}

/** The finding's Security Hub Id: stable per rule, hop, resource and instance. */
export function asffId(finding: Pick<Finding, 'ruleId' | 'id'>): string {
  return boundedId(`connect-netpath-audit/${finding.ruleId}/${finding.id}`);
}

/** The default product of an account's custom integration in a region, the only one it may import into. */
export function defaultProductArn(partition: string, region: string, accountId: string): string {
  return `arn:${partition}:securityhub:${region}:${accountId}:product/${accountId}/default`;
}

export function asffFinding(report: Report, finding: Finding): AwsSecurityFinding {
  const { accountId, region } = finding.resource;
  const partition = partitionOf(finding.resource.arn);
  const severity = { Label: SEVERITY_LABEL[finding.severity], Original: finding.severity };
  const verdict: Verdict = finding.status === 'WAIVED' ? (finding.waiver?.originalStatus ?? 'FAIL') : finding.status;
  const findingTypes = types(finding);
  const requirements = finding.compliance.flatMap((c) => c.controls.map((control) => `${c.framework} ${control}`)).slice(0, LIMITS.requirements);
  const url = finding.references[0];
  const out: AwsSecurityFinding = {
    SchemaVersion: '2018-10-08',
    Id: asffId(finding),
    ProductArn: defaultProductArn(partition, region, accountId),
    ProductName: report.tool.name,
    GeneratorId: boundedId(finding.ruleId),
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
  return withinSize(out);
}

/**
 * Whether `value` as JSON surely fits in `limit` UTF-8 bytes, by an upper bound: each UTF-16 unit of a
 * string takes at most 6 bytes (a `\\uXXXX` escape), plus quotes, separators and numbers. Walking the
 * object is much cheaper than serialising every finding once more (which doubled the time and memory of
 * `--format asff` at 10,000 instances); only a finding near the limit is measured exactly.
 */
function jsonBytesAtMost(value: unknown, limit: number): boolean {
  let bound = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') bound += 6 * item.length + 3;
    else if (typeof item === 'number' || typeof item === 'boolean' || item === null || item === undefined) bound += 25;
    else if (Array.isArray(item)) {
      bound += 2 + item.length;
      for (const element of item) stack.push(element);
    } else if (typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        bound += 6 * key.length + 4;
        stack.push(child);
      }
      bound += 2;
    }
    if (bound > limit) return false;
  }
  return true;
}

export function asffBytes(finding: AwsSecurityFinding): number {
  return Buffer.byteLength(JSON.stringify(finding), 'utf8');
}

/**
 * Every field is capped, so a finding stays far below 240 KB; should one still be larger, the parts
 * that only add context (requirements, product fields beyond the finding id) go first. A finding
 * that cannot be made to fit is a bug: it throws rather than hand Security Hub something it refuses.
 */
function withinSize(finding: AwsSecurityFinding): AwsSecurityFinding {
  if (jsonBytesAtMost(finding, LIMITS.findingBytes) || asffBytes(finding) <= LIMITS.findingBytes) return finding;
  const { RelatedRequirements: _dropped, ...compliance } = finding.Compliance ?? {};
  const fields = finding.ProductFields ?? {};
  const slim: AwsSecurityFinding = {
    ...finding,
    Compliance: compliance,
    ProductFields: Object.fromEntries(Object.entries(fields).filter(([key]) => key === 'ProviderName' || key === 'ProviderVersion' || key === 'connect-netpath-audit/FindingId')),
  };
  if (asffBytes(slim) <= LIMITS.findingBytes) return slim;
  throw new Error(`ASFF finding ${finding.Id ?? ''} is ${asffBytes(slim)} bytes, over Security Hub's ${LIMITS.findingBytes}`);
}

function* asffChunks(report: Report): Iterable<string> {
  yield* jsonChunks((lazy) => lazy(mapped(report.findings, (finding) => asffFinding(report, finding))), 2);
  yield '\n';
}

export const asff = streamingFormatter(
  { id: 'asff', description: 'AWS Security Finding Format: a JSON array for securityhub batch-import-findings (100 a call)', extension: '.asff.json' },
  asffChunks,
);
