/** Every failed call recorded in an evidence document, for the report's `errors` list. */
import type { Call, EvidenceDocument } from './model.js';
import { byCodeUnit } from '../report/order.js';
import { OPERATIONS, isAccessDenied, type OperationKey } from './operations.js';
import { partitionOfRegion } from './aws-names.js';

export interface RecordedError {
  service: string;
  operation: string;
  resource: string;
  code: string;
  message: string;
  iamAction?: string;
}

export function recordedErrors(doc: EvidenceDocument): RecordedError[] {
  const errors: RecordedError[] = [];
  const note = (call: Call<unknown> | undefined, key: OperationKey, resource: string) => {
    if (call?.status !== 'error') return;
    const op = OPERATIONS[key];
    errors.push({
      service: op.service,
      operation: op.operation,
      resource,
      code: call.error.code,
      message: call.error.message,
      ...(isAccessDenied(call.error.code) && op.iamAction ? { iamAction: op.iamAction } : {}),
    });
  };
  for (const account of doc.accounts) {
    const { accountId } = account;
    if (account.error) {
      errors.push({ service: account.error.operation.split(':')[0] ?? 'sts', operation: account.error.operation.split(':')[1] ?? account.error.operation, resource: `account ${accountId}`, code: account.error.code, message: account.error.message });
    }
    note(account.publicAccessBlock, 's3control:GetPublicAccessBlock', `account ${accountId}`);
    note(account.listBuckets, 's3:ListBuckets', `account ${accountId}`);
    for (const region of account.regions) {
      const where = `${accountId}/${region.region}`;
      const partition = partitionOfRegion(region.region);
      note(region.listInstances, 'connect:ListInstances', where);
      note(region.describeDirectories, 'ds:DescribeDirectories', where);
      for (const [id, instance] of Object.entries(region.instances)) {
        const arn = `arn:${partition}:connect:${region.region}:${accountId}:instance/${id}`;
        note(instance.describeInstance, 'connect:DescribeInstance', arn);
        note(instance.approvedOrigins, 'connect:ListApprovedOrigins', arn);
        note(instance.attributes, 'connect:ListInstanceAttributes', arn);
        for (const [type, call] of Object.entries(instance.storageConfigs)) note(call, 'connect:ListInstanceStorageConfigs', `${arn} ${type}`);
      }
      for (const [id, directory] of Object.entries(region.directories)) {
        const arn = `arn:${partition}:ds:${region.region}:${accountId}:directory/${id}`;
        note(directory.ldapsSettings, 'ds:DescribeLDAPSSettings', arn);
        note(directory.certificates, 'ds:ListCertificates', arn);
        note(directory.settings, 'ds:DescribeSettings', arn);
        note(directory.trusts, 'ds:DescribeTrusts', arn);
      }
    }
    const bucketPartition = partitionOfRegion(account.regions[0]?.region ?? '');
    for (const [name, bucket] of Object.entries(account.buckets)) {
      const arn = `arn:${bucketPartition}:s3:::${name}`;
      // A 403 answered by the owner probe is the foreign-owner verdict, not a missing permission.
      if (!(bucket.location.status === 'error' && bucket.ownerProbe?.status === 'ok')) note(bucket.location, 's3:GetBucketLocation', arn);
      note(bucket.encryption, 's3:GetBucketEncryption', arn);
      note(bucket.policy, 's3:GetBucketPolicy', arn);
      note(bucket.policyStatus, 's3:GetBucketPolicyStatus', arn);
      note(bucket.publicAccessBlock, 's3:GetPublicAccessBlock', arn);
      note(bucket.ownershipControls, 's3:GetBucketOwnershipControls', arn);
      note(bucket.acl, 's3:GetBucketAcl', arn);
      // HeadBucket answers 403 for a bucket that exists but is not readable: that is its answer, not a failure.
      if (bucket.headBucket?.status === 'error' && bucket.headBucket.error.httpStatus !== 403) note(bucket.headBucket, 's3:HeadBucket', arn);
    }
    for (const key of Object.values(account.keys)) {
      const resource = key.describeKey.status === 'ok' ? (key.describeKey.response.KeyMetadata.Arn ?? key.reference) : key.reference;
      if (!(key.describeKey.status === 'error' && key.describeKey.error.code === 'NotFoundException')) note(key.describeKey, 'kms:DescribeKey', resource);
      note(key.rotation, 'kms:GetKeyRotationStatus', resource);
      note(key.keyPolicy, 'kms:GetKeyPolicy', resource);
      note(key.aliases, 'kms:ListAliases', resource);
      note(key.rotations, 'kms:ListKeyRotations', resource);
    }
  }
  return errors.sort(compareErrors);
}

/** The order of a report's `errors`. */
export function compareErrors(a: RecordedError, b: RecordedError): number {
  return byCodeUnit(`${a.service}\n${a.operation}\n${a.resource}\n${a.code}`, `${b.service}\n${b.operation}\n${b.resource}\n${b.code}`);
}
