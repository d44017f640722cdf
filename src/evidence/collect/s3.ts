/**
 * Amazon S3: one bucket, read once per account and run. Every call sends ExpectedBucketOwner.
 *
 * GetBucketLocation comes first (through a client in the region of the instance that named the
 * bucket): NoSuchBucket ends the reading (the bucket is missing); 403 is probed once more without
 * ExpectedBucketOwner — an answer there means another account owns the bucket, and the reading ends.
 * The configuration calls then go to a client for the bucket's own region.
 */
import { bucketRegion } from '../aws-names.js';
import type { BucketEvidence, CallError } from '../model.js';
import { bucketEvidence } from '../model.js';
import type { OperationKey } from '../operations.js';
import { recordCall, type CollectContext } from './context.js';

const slots = {
  location: bucketEvidence.shape.location,
  ownerProbe: bucketEvidence.shape.ownerProbe.unwrap(),
  encryption: bucketEvidence.shape.encryption.unwrap(),
  policy: bucketEvidence.shape.policy.unwrap(),
  policyStatus: bucketEvidence.shape.policyStatus.unwrap(),
  publicAccessBlock: bucketEvidence.shape.publicAccessBlock.unwrap(),
  ownershipControls: bucketEvidence.shape.ownershipControls.unwrap(),
};


function refused(error: CallError): boolean {
  return error.httpStatus === 403 || /^AccessDenied/.test(error.code);
}

export interface BucketResult {
  evidence: BucketEvidence;
  /** The region the bucket's configuration was read in, when it was read. */
  region: string | undefined;
}

function target(operation: OperationKey, region: string, bucket: string) {
  return { operation, region, resource: bucket };
}

export async function collectBucket(ctx: CollectContext, bucket: string, contextRegion: string): Promise<BucketResult> {
  const owner = ctx.accountId;
  const location = await recordCall(
    ctx,
    slots.location,
    target('s3:GetBucketLocation', contextRegion, bucket),
    () => ctx.clients.s3(contextRegion),
    ({ client, sdk }, abortSignal) =>
      client.send(new sdk.GetBucketLocationCommand({ Bucket: bucket, ExpectedBucketOwner: owner }), { abortSignal }),
  );
  const evidence: BucketEvidence = { expectedBucketOwner: owner, location };
  let region: string;
  if (location.status === 'ok') {
    region = bucketRegion(location.response.LocationConstraint);
  } else if (location.status === 'error' && refused(location.error)) {
    const probe = await recordCall(
      ctx,
      slots.ownerProbe,
      target('s3:GetBucketLocation', contextRegion, `${bucket} (owner probe)`),
      () => ctx.clients.s3(contextRegion),
      ({ client, sdk }, abortSignal) => client.send(new sdk.GetBucketLocationCommand({ Bucket: bucket }), { abortSignal }),
    );
    evidence.ownerProbe = probe;
    // Answers without the expected owner but not with it: another account's bucket.
    if (probe.status === 'ok') return { evidence, region: undefined };
    region = contextRegion;
  } else {
    // Missing bucket, or no answer at all: nothing more can be learnt about it.
    return { evidence, region: undefined };
  }

  const load = () => ctx.clients.s3(region);
  const input = { Bucket: bucket, ExpectedBucketOwner: owner };
  const [encryption, policy, policyStatus, publicAccessBlock, ownershipControls] = await Promise.all([
    recordCall(ctx, slots.encryption, target('s3:GetBucketEncryption', region, bucket), load, ({ client, sdk }, abortSignal) =>
      client.send(new sdk.GetBucketEncryptionCommand(input), { abortSignal }),
    ),
    recordCall(ctx, slots.policy, target('s3:GetBucketPolicy', region, bucket), load, ({ client, sdk }, abortSignal) =>
      client.send(new sdk.GetBucketPolicyCommand(input), { abortSignal }),
    ),
    recordCall(ctx, slots.policyStatus, target('s3:GetBucketPolicyStatus', region, bucket), load, ({ client, sdk }, abortSignal) =>
      client.send(new sdk.GetBucketPolicyStatusCommand(input), { abortSignal }),
    ),
    recordCall(ctx, slots.publicAccessBlock, target('s3:GetPublicAccessBlock', region, bucket), load, ({ client, sdk }, abortSignal) =>
      client.send(new sdk.GetPublicAccessBlockCommand(input), { abortSignal }),
    ),
    recordCall(ctx, slots.ownershipControls, target('s3:GetBucketOwnershipControls', region, bucket), load, ({ client, sdk }, abortSignal) =>
      client.send(new sdk.GetBucketOwnershipControlsCommand(input), { abortSignal }),
    ),
  ]);
  Object.assign(evidence, { encryption, policy, policyStatus, publicAccessBlock, ownershipControls });
  return { evidence, region };
}

/**
 * The KMS keys a bucket's default encryption names. `aws:kms` without a key id means the AWS
 * managed key aws/s3: there is no reference to read.
 */
export function bucketKeyReferences(evidence: BucketEvidence): string[] {
  if (evidence.encryption?.status !== 'ok') return [];
  const references: string[] = [];
  for (const rule of evidence.encryption.response.ServerSideEncryptionConfiguration?.Rules ?? []) {
    const byDefault = rule.ApplyServerSideEncryptionByDefault;
    if (!byDefault?.KMSMasterKeyID || !byDefault.SSEAlgorithm.startsWith('aws:kms')) continue;
    if (!references.includes(byDefault.KMSMasterKeyID)) references.push(byDefault.KMSMasterKeyID);
  }
  return references;
}
