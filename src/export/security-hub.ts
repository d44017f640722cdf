/**
 * What a report becomes in AWS Security Hub (pure: no I/O; src/evidence/collect/securityhub.ts sends it).
 *
 * - Grouped by (account, region) of each finding's ProductArn: the account's default custom-integration
 *   product in that region, which only that account may import into ("You must call BatchImportFindings
 *   using the account that is associated with the findings",
 *   https://docs.aws.amazon.com/securityhub/latest/partnerguide/guidelines-batchimportfindings.html).
 * - Batches of at most 100 findings and 6 MB ("Security Hub CSPM accepts up to 100 findings per batch,
 *   up to 240 KB per finding, and up to 6 MB per batch", same page); each finding is already within
 *   240 KB (src/formats/asff.ts).
 * - Archiving: a finding this tool imported earlier that is still ACTIVE in Security Hub and absent from
 *   the report is sent again with `RecordState: ARCHIVED`, so the Security Hub view matches the audit.
 *   Archiving hides a finding, so it is done only where the report settles the question: the Security
 *   Hub finding names an instance of this report, and the report judged the same rule on the same hop
 *   of that instance without an ERROR (a narrowed run, `--resource-types` or `--framework`, or a read
 *   error leaves older findings as they are). A finding Security Hub holds from a newer run (UpdatedAt
 *   not before this report's start) is left alone too.
 */
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { ASFF_LIMITS, asffBytes, asffFinding, partitionOf } from '../formats/asff.js';
import type { Finding, Report } from '../report/schema.js';

/** Where a group of findings goes: one account's default product in one region. */
export interface ImportGroup {
  accountId: string;
  region: string;
  partition: string;
  productArn: string;
  /** The report's findings of this account and region, as ASFF, in report order. */
  findings: AwsSecurityFinding[];
  /** Rule ids of those findings: the GeneratorIds to look for in Security Hub. */
  generatorIds: string[];
}

const ACCOUNT_ID = /^\d{12}$/;

/** The report's findings grouped by the (account, region) of their ProductArn, in first-seen order. */
export function importGroups(report: Report): ImportGroup[] {
  const groups = new Map<string, ImportGroup>();
  for (const finding of report.findings) {
    const asff = asffFinding(report, finding);
    const accountId = asff.AwsAccountId ?? '';
    const region = finding.resource.region;
    const key = `${accountId}|${region}`;
    let group = groups.get(key);
    if (!group) {
      group = { accountId, region, partition: partitionOf(finding.resource.arn), productArn: asff.ProductArn ?? '', findings: [], generatorIds: [] };
      groups.set(key, group);
    }
    group.findings.push(asff);
    if (asff.GeneratorId && !group.generatorIds.includes(asff.GeneratorId)) group.generatorIds.push(asff.GeneratorId);
  }
  return [...groups.values()];
}

/** Why a group cannot be imported at all (no account or region to import into), or undefined. */
export function unimportable(group: Pick<ImportGroup, 'accountId' | 'region'>): string | undefined {
  if (!ACCOUNT_ID.test(group.accountId)) return `no AWS account id (${JSON.stringify(group.accountId)}) to import into`;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(group.region)) return `no AWS region (${JSON.stringify(group.region)}) to import into`;
  return undefined;
}

/** Splits findings into BatchImportFindings requests: at most 100 findings and 6 MB each. */
export function importBatches(findings: readonly AwsSecurityFinding[]): AwsSecurityFinding[][] {
  // The request's own JSON (`{"Findings":[...]}` and the commas) stays under this margin.
  const maxBytes = ASFF_LIMITS.batchBytes - 1024;
  const batches: AwsSecurityFinding[][] = [];
  let current: AwsSecurityFinding[] = [];
  let bytes = 0;
  for (const finding of findings) {
    const size = asffBytes(finding) + 1;
    if (current.length > 0 && (current.length >= ASFF_LIMITS.batchFindings || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(finding);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

const FIELD = {
  instanceArn: 'connect-netpath-audit/InstanceArn',
  hop: 'connect-netpath-audit/Hop',
} as const;

function settledKey(instanceArn: string, ruleId: string, hop: string): string {
  return `${instanceArn}\n${ruleId}\n${hop}`;
}

/** (instance, rule, hop) the report judged, each with whether any of its findings is an ERROR. */
function judged(findings: readonly Finding[]): Map<string, boolean> {
  const map = new Map<string, boolean>();
  for (const f of findings) {
    const key = settledKey(f.instanceArn, f.ruleId, f.hop);
    const error = f.status === 'ERROR' || f.waiver?.originalStatus === 'ERROR';
    map.set(key, (map.get(key) ?? false) || error);
  }
  return map;
}

/** Security Hub's ACTIVE findings of this tool for the group that the report shows resolved: to archive. */
export function findingsToArchive(report: Report, group: ImportGroup, active: readonly AwsSecurityFinding[]): AwsSecurityFinding[] {
  const current = new Set(group.findings.map((f) => f.Id));
  const instances = new Set(report.instances.map((i) => i.instanceArn));
  const verdicts = judged(report.findings);
  const startedAt = Date.parse(report.run.startedAt);
  return active.filter((f) => {
    if (f.Id === undefined || current.has(f.Id) || !f.Id.startsWith('connect-netpath-audit/')) return false;
    if (f.ProductArn !== group.productArn || f.AwsAccountId !== group.accountId || f.RecordState === 'ARCHIVED') return false;
    const instanceArn = f.ProductFields?.[FIELD.instanceArn];
    const hop = f.ProductFields?.[FIELD.hop];
    if (instanceArn === undefined || hop === undefined || f.GeneratorId === undefined || !instances.has(instanceArn)) return false;
    if (verdicts.get(settledKey(instanceArn, f.GeneratorId, hop)) !== false) return false;
    const updated = Date.parse(f.UpdatedAt ?? '');
    return Number.isFinite(updated) && updated < startedAt;
  });
}

/**
 * The archived copy of a finding Security Hub returned: the attributes this tool sets, updated at this
 * report's start, `RecordState: ARCHIVED`. What Security Hub manages itself (workflow, notes,
 * `aws/` product fields, processing times) is not sent back.
 */
export function archivedCopy(finding: AwsSecurityFinding, at: string): AwsSecurityFinding {
  const productFields = Object.fromEntries(Object.entries(finding.ProductFields ?? {}).filter(([key]) => !key.startsWith('aws/')));
  return {
    SchemaVersion: finding.SchemaVersion,
    Id: finding.Id,
    ProductArn: finding.ProductArn,
    GeneratorId: finding.GeneratorId,
    AwsAccountId: finding.AwsAccountId,
    CreatedAt: finding.CreatedAt,
    UpdatedAt: at,
    Title: finding.Title,
    Description: finding.Description,
    Resources: finding.Resources,
    ...(finding.Types ? { Types: finding.Types } : {}),
    ...(finding.Severity ? { Severity: finding.Severity } : {}),
    ...(finding.Compliance ? { Compliance: finding.Compliance } : {}),
    ...(finding.Remediation ? { Remediation: finding.Remediation } : {}),
    ...(finding.FindingProviderFields ? { FindingProviderFields: finding.FindingProviderFields } : {}),
    ProductFields: productFields,
    RecordState: 'ARCHIVED',
  };
}
