/**
 * Where a plan-mode finding is written (`finding.source`): one wording for every format that shows
 * it, `infra/main.tf:12 (aws_s3_bucket_policy.rec)`. Values are unescaped: each format escapes them
 * for its own syntax.
 */
import type { Finding } from '../report/schema.js';

export type FindingSource = NonNullable<Finding['source']>;

/** `file:line`, the form editors and CI logs turn into a link. */
export function sourceLocation(source: FindingSource): string {
  return `${source.file}:${source.line}`;
}

/** The Terraform address or CloudFormation logical id of the resource, when the source names one. */
export function sourceName(source: FindingSource): string | undefined {
  return source.address ?? source.logicalId;
}

/** `file:line (address)`, or `file:line` when no resource is named; undefined without a source. */
export function sourceLabel(source: FindingSource | undefined): string | undefined {
  if (!source) return undefined;
  const name = sourceName(source);
  return name === undefined || name === '' ? sourceLocation(source) : `${sourceLocation(source)} (${name})`;
}
