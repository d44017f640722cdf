/**
 * Which block of the code each finding comes from: the resource whose value decided it, on the line of
 * the argument or property that decided it when the block writes one (a pull request annotates the
 * lines it changes, not an unchanged block header).
 */
import { relative, sep } from 'node:path';
import { STORAGE_RESOURCE_TYPES, storageHopId } from '../../paths/hops.js';
import { arnPartition } from '../aws-names.js';
import type { Finding } from '../../report/schema.js';
import type { Rule } from '../../rules/types.js';
import type { SourceRef } from './model.js';
import type { SourceIndex } from './to-evidence.js';

const STORAGE_TYPE_OF_HOP = new Map(STORAGE_RESOURCE_TYPES.flatMap((type) => [storageHopId(type, 'transfer'), storageHopId(type, 'at-rest')].map((hop) => [hop, type] as const)));

/** Paths in reports are relative to the source root with forward slashes, as SARIF and GitHub want them. */
function relativeTo(root: string, file: string): string {
  const path = relative(root, file);
  return sep === '/' ? path : path.split(sep).join('/');
}

/** The line of the first of `decidedBy` the block writes: where a reviewer sees the value; else the block's. */
export function sourceOf(ref: SourceRef, root: string, decidedBy: readonly string[] = []): NonNullable<Finding['source']> {
  const attribute = decidedBy.find((name) => ref.attributes?.[name] !== undefined);
  return {
    file: relativeTo(root, ref.file),
    line: attribute !== undefined ? (ref.attributes?.[attribute] ?? ref.line) : ref.line,
    ...(ref.address !== undefined ? { address: ref.address } : {}),
    ...(ref.logicalId !== undefined ? { logicalId: ref.logicalId } : {}),
  };
}

/**
 * The call that decided a finding is the failed one for an ERROR, else the calls its rule reads (in
 * the rule's order); the first of them that a block of the code answers places the finding. A finding
 * about the instance on a storage hop belongs to that storage config; anything else to its resource,
 * then to its instance.
 */
export function locator(sources: SourceIndex, rules: readonly Rule[], root: string): (finding: Finding) => Finding['source'] {
  const used = new Map(rules.map((rule) => [rule.meta.id, rule.meta.evidenceUsed as readonly string[]]));
  const decidedBy = new Map(rules.map((rule) => [rule.meta.id, rule.meta.decidedBy ?? []]));
  return (finding) => {
    const failed = typeof finding.evidence.operation === 'string' ? [finding.evidence.operation] : [];
    const operations = [...failed, ...(used.get(finding.ruleId) ?? [])];
    const arn = finding.resource.arn;
    const type = STORAGE_TYPE_OF_HOP.get(finding.hop);
    // A key finding about a bucket's default encryption names the bucket in its evidence: its
    // encryption block decided which key is judged.
    const bucket = typeof finding.evidence.bucket === 'string' ? `arn:${arnPartition(finding.instanceArn) ?? 'aws'}:s3:::${finding.evidence.bucket}` : undefined;
    const decided = [arn, ...(bucket ? [bucket] : [])].flatMap((resource) => operations.map((op) => sources.byOperation.get(`${resource}|${op}`)));
    const found =
      (arn === finding.instanceArn && type ? sources.storageConfigs.get(`${arn}|${type}`) : undefined) ??
      decided.find((ref) => ref !== undefined) ??
      sources.byArn.get(arn) ??
      sources.byArn.get(finding.instanceArn);
    return found ? sourceOf(found, root, decidedBy.get(finding.ruleId)) : undefined;
  };
}
