/**
 * How AWS names things, read the same way by the collectors and the rules: where a bucket or a key
 * lives, and which key references name AWS managed keys.
 */

/** Region named by a KMS ARN (key or alias), if the reference is one. */
export function kmsArnRegion(reference: string): string | undefined {
  return /^arn:[^:]+:kms:([^:]+):/.exec(reference)?.[1];
}

/**
 * KMS resolves a bare key id or alias in the caller's account and region; an ARN carries its own.
 * Collector and rules both find a key's record through this id.
 */
export function keyLookupId(region: string, reference: string): string {
  return `${kmsArnRegion(reference) ?? region}|${reference}`;
}

/** `alias/aws/s3`, `arn:aws:kms:…:alias/aws/connect`: predefined aliases of AWS managed keys. */
export function isAwsManagedAlias(reference: string): boolean {
  return /^(?:arn:[^:]+:kms:[^:]*:[^:]*:)?alias\/aws\//.test(reference);
}

/** S3 reports us-east-1 as an empty location constraint and eu-west-1 as `EU`. */
export function bucketRegion(locationConstraint: string | undefined): string {
  if (!locationConstraint) return 'us-east-1';
  if (locationConstraint === 'EU') return 'eu-west-1';
  return locationConstraint;
}

/** The partition of an ARN: `aws`, `aws-us-gov`, `aws-cn`, ... */
export function arnPartition(arn: string): string | undefined {
  return /^arn:(aws[a-z-]*):/.exec(arn)?.[1];
}

/** The partition a region belongs to, for ARNs built where no ARN says it. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}

/** Rewrites the `arn:aws:` ARNs of a text written for the commercial partition into `partition`. */
export function inPartition(text: string, partition: string): string {
  return partition === 'aws' ? text : text.replace(/\barn:aws:/g, `arn:${partition}:`);
}

const INSTANCE_ARN = /^arn:[^:]+:connect:([^:]+):(\d{12}):instance\/([^/]+)$/;

/** The region, account and id an instance ARN names; undefined for anything else (e.g. a bare id). */
export function parseInstanceArn(text: string): { region: string; account: string; id: string } | undefined {
  const match = INSTANCE_ARN.exec(text);
  return match?.[1] && match[2] && match[3] ? { region: match[1], account: match[2], id: match[3] } : undefined;
}

/**
 * A key reference read from a resource of another account (a Kinesis stream's KeyId): a bare key id
 * or alias name resolves in the resource owner's account, so from the instance's account it is named
 * by ARN. References of the reader's own account, and ARNs, stay as they are.
 */
export function keyReferenceOf(reference: string, owner: { partition: string; region: string; account: string }, readerAccount: string): string {
  if (reference.startsWith('arn:') || owner.account === readerAccount) return reference;
  const resource = reference.startsWith('alias/') ? reference : `key/${reference}`;
  return `arn:${owner.partition}:kms:${owner.region}:${owner.account}:${resource}`;
}

/** Region and account of an ARN (`arn:partition:service:region:account:…`). */
export function arnRegionAndAccount(arn: string): { partition: string; region: string; account: string } | undefined {
  const match = /^arn:(aws[a-z-]*):[^:]+:([^:]*):(\d{12}):/.exec(arn);
  return match?.[1] && match[2] !== undefined && match[3] ? { partition: match[1], region: match[2], account: match[3] } : undefined;
}

/** The bucket a Firehose S3 destination names: `arn:aws:s3:::name` → `name`. */
export function bucketNameOfArn(arn: string): string | undefined {
  return /^arn:[^:]+:s3:::([^/]+)$/.exec(arn)?.[1];
}

/** Whether the instance attribute CONTACTFLOW_LOGS turns flow logs on (its value `true`, in any case). */
export function contactFlowLogsOn(attributes: ReadonlyArray<{ AttributeType?: string | undefined; Value?: string | undefined }>): boolean {
  return attributes.find((a) => a.AttributeType === 'CONTACTFLOW_LOGS')?.Value?.toLowerCase() === 'true';
}

/**
 * The ARN a key reference stands for: an ARN as it is; a bare key id or alias in the account and
 * region KMS would resolve it in.
 */
export function kmsReferenceArn(reference: string, owner: { partition: string; region: string; account: string }): string {
  if (reference.startsWith('arn:')) return reference;
  return `arn:${owner.partition}:kms:${owner.region}:${owner.account}:${reference.startsWith('alias/') ? reference : `key/${reference}`}`;
}

/** The key id of a key ARN (`…:key/<id>`), if it is one. */
export function keyIdOfArn(arn: string): string | undefined {
  return /:key\/(.+)$/.exec(arn)?.[1];
}

/** A KMS key ARN (`arn:…:kms:region:account:key/id`), the one canonical name of a key: not an alias, not a bare id. */
export function isKeyArn(reference: string): boolean {
  return /^arn:[^:]+:kms:[^:]+:\d{12}:key\/[^/]+$/.test(reference);
}

/** The log group Connect writes flow logs to: `/aws/connect/<instance alias>`. */
export function contactFlowLogGroupName(instanceAlias: string): string {
  return `/aws/connect/${instanceAlias}`;
}
