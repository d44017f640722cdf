/**
 * KMS resolves a bare key id or alias in the caller's account and region; an ARN carries its own.
 * Collector and rules both find a key's record through this id.
 */
export function keyLookupId(region: string, reference: string): string {
  const arnRegion = /^arn:[^:]+:kms:([^:]+):/.exec(reference)?.[1];
  return `${arnRegion ?? region}|${reference}`;
}
