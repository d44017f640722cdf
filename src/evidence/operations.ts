/**
 * Every AWS API call the tool makes, with the IAM action it needs. The collectors call through this
 * table, rules name it in ERROR findings, and a test keeps docs/iam-policy.json (the read-only audit
 * policy: `iamAction`) in step with it. The Security Hub import writes, so its actions are not in that
 * policy but in docs/iam-policy-security-hub.json (`importAction`, checked by its own test).
 */

export const OPERATIONS = {
  'sts:GetCallerIdentity': { service: 'sts', operation: 'GetCallerIdentity', iamAction: undefined },
  // Granted to the caller (and trusted by the audited account's role), not part of the read-only policy.
  'sts:AssumeRole': { service: 'sts', operation: 'AssumeRole', iamAction: undefined },
  // Needed only in the management or delegated-administrator account, for --org.
  'organizations:ListAccounts': { service: 'organizations', operation: 'ListAccounts', iamAction: 'organizations:ListAccounts' },
  'connect:ListInstances': { service: 'connect', operation: 'ListInstances', iamAction: 'connect:ListInstances' },
  'connect:DescribeInstance': { service: 'connect', operation: 'DescribeInstance', iamAction: 'connect:DescribeInstance' },
  'connect:ListInstanceStorageConfigs': {
    service: 'connect',
    operation: 'ListInstanceStorageConfigs',
    iamAction: 'connect:ListInstanceStorageConfigs',
  },
  'connect:ListApprovedOrigins': { service: 'connect', operation: 'ListApprovedOrigins', iamAction: 'connect:ListApprovedOrigins' },
  'connect:ListInstanceAttributes': {
    service: 'connect',
    operation: 'ListInstanceAttributes',
    iamAction: 'connect:ListInstanceAttributes',
  },
  's3:GetBucketLocation': { service: 's3', operation: 'GetBucketLocation', iamAction: 's3:GetBucketLocation' },
  's3:GetBucketEncryption': { service: 's3', operation: 'GetBucketEncryption', iamAction: 's3:GetEncryptionConfiguration' },
  's3:GetBucketPolicy': { service: 's3', operation: 'GetBucketPolicy', iamAction: 's3:GetBucketPolicy' },
  's3:GetBucketPolicyStatus': { service: 's3', operation: 'GetBucketPolicyStatus', iamAction: 's3:GetBucketPolicyStatus' },
  's3:GetPublicAccessBlock': { service: 's3', operation: 'GetPublicAccessBlock', iamAction: 's3:GetBucketPublicAccessBlock' },
  's3:GetBucketOwnershipControls': {
    service: 's3',
    operation: 'GetBucketOwnershipControls',
    iamAction: 's3:GetBucketOwnershipControls',
  },
  's3:GetBucketAcl': { service: 's3', operation: 'GetBucketAcl', iamAction: 's3:GetBucketAcl' },
  's3:HeadBucket': { service: 's3', operation: 'HeadBucket', iamAction: 's3:ListBucket' },
  's3:ListBuckets': { service: 's3', operation: 'ListBuckets', iamAction: 's3:ListAllMyBuckets' },
  's3control:GetPublicAccessBlock': {
    service: 's3control',
    operation: 'GetPublicAccessBlock',
    iamAction: 's3:GetAccountPublicAccessBlock',
  },
  'kms:DescribeKey': { service: 'kms', operation: 'DescribeKey', iamAction: 'kms:DescribeKey' },
  'kms:GetKeyRotationStatus': { service: 'kms', operation: 'GetKeyRotationStatus', iamAction: 'kms:GetKeyRotationStatus' },
  'kms:GetKeyPolicy': { service: 'kms', operation: 'GetKeyPolicy', iamAction: 'kms:GetKeyPolicy' },
  'kms:ListAliases': { service: 'kms', operation: 'ListAliases', iamAction: 'kms:ListAliases' },
  'kms:ListKeyRotations': { service: 'kms', operation: 'ListKeyRotations', iamAction: 'kms:ListKeyRotations' },
  'kms:ListGrants': { service: 'kms', operation: 'ListGrants', iamAction: 'kms:ListGrants' },
  'kinesis:DescribeStreamSummary': { service: 'kinesis', operation: 'DescribeStreamSummary', iamAction: 'kinesis:DescribeStreamSummary' },
  'firehose:DescribeDeliveryStream': { service: 'firehose', operation: 'DescribeDeliveryStream', iamAction: 'firehose:DescribeDeliveryStream' },
  'kinesisvideo:ListStreams': { service: 'kinesisvideo', operation: 'ListStreams', iamAction: 'kinesisvideo:ListStreams' },
  'logs:DescribeLogGroups': { service: 'logs', operation: 'DescribeLogGroups', iamAction: 'logs:DescribeLogGroups' },
  'ds:DescribeDirectories': { service: 'ds', operation: 'DescribeDirectories', iamAction: 'ds:DescribeDirectories' },
  'ds:DescribeLDAPSSettings': { service: 'ds', operation: 'DescribeLDAPSSettings', iamAction: 'ds:DescribeLDAPSSettings' },
  'ds:ListCertificates': { service: 'ds', operation: 'ListCertificates', iamAction: 'ds:ListCertificates' },
  'ds:DescribeSettings': { service: 'ds', operation: 'DescribeSettings', iamAction: 'ds:DescribeSettings' },
  'ds:DescribeTrusts': { service: 'ds', operation: 'DescribeTrusts', iamAction: 'ds:DescribeTrusts' },
  // `export security-hub` and `audit --to-security-hub` only; granted separately (see above).
  'securityhub:BatchImportFindings': { service: 'securityhub', operation: 'BatchImportFindings', iamAction: undefined, importAction: 'securityhub:BatchImportFindings' },
  'securityhub:GetFindings': { service: 'securityhub', operation: 'GetFindings', iamAction: undefined, importAction: 'securityhub:GetFindings' },
} as const satisfies Record<string, { service: string; operation: string; iamAction: string | undefined; importAction?: string }>;

export type OperationKey = keyof typeof OPERATIONS;
export type Operation = (typeof OPERATIONS)[OperationKey];

/** Error codes that mean the caller lacks a permission (as opposed to throttling, a bug or an outage). */
export function isAccessDenied(code: string): boolean {
  return /^(AccessDenied|AccessDeniedException|UnauthorizedOperation|UnrecognizedClientException|AuthorizationError)$/.test(code);
}

/**
 * S3's refusal: 403 (with any code, HeadBucket's has none) or AccessDenied. It means a missing
 * permission or, with ExpectedBucketOwner, a bucket of another account: callers tell them apart.
 */
export function isS3Refusal(error: { code: string; httpStatus?: number | undefined }): boolean {
  return error.httpStatus === 403 || /^(AccessDenied|Forbidden)/.test(error.code);
}

/**
 * Plan mode's "errors": what infrastructure code cannot say before apply. Not a failed call, so
 * findings say what is unknown instead of naming a call and a permission.
 */
export const UNKNOWN_UNTIL_APPLY = 'UnknownUntilApply';
export const NOT_MANAGED_BY_PLAN = 'NotManagedByPlan';
export function isPlanGap(code: string): boolean {
  return code === UNKNOWN_UNTIL_APPLY || code === NOT_MANAGED_BY_PLAN;
}
