/**
 * Amazon S3: one bucket, read once per account and run. Every call sends ExpectedBucketOwner except
 * the ownership probes.
 *
 * GetBucketLocation comes first (through a client in the region of the instance that named the
 * bucket): NoSuchBucket ends the reading (the bucket is missing); 403 is probed once more without
 * ExpectedBucketOwner — an answer there means another account owns the bucket, and the reading ends.
 * When the probe is refused as well, HeadBucket (without ExpectedBucketOwner) shows whether the bucket
 * exists, and the account's own ListBuckets (asked for through `onOwnershipUnknown`) whether it is
 * ours. The configuration calls then go to a client for the bucket's own region.
 *
 * Account level, once per account: S3 Control GetPublicAccessBlock (S3 applies the most restrictive
 * combination of the account's and the bucket's settings) and ListBuckets.
 */
import { bucketRegion } from '../aws-names.js';
import type { BucketEvidence } from '../model.js';
import { accountEvidence, bucketEvidence } from '../model.js';
import { isS3Refusal, type OperationKey } from '../operations.js';
import { recordCall, recordList, type CollectContext } from './context.js';

const slots = {
  location: bucketEvidence.shape.location,
  ownerProbe: bucketEvidence.shape.ownerProbe.unwrap(),
  encryption: bucketEvidence.shape.encryption.unwrap(),
  policy: bucketEvidence.shape.policy.unwrap(),
  policyStatus: bucketEvidence.shape.policyStatus.unwrap(),
  publicAccessBlock: bucketEvidence.shape.publicAccessBlock.unwrap(),
  ownershipControls: bucketEvidence.shape.ownershipControls.unwrap(),
  acl: bucketEvidence.shape.acl.unwrap(),
  headBucket: bucketEvidence.shape.headBucket.unwrap(),
  accountPublicAccessBlock: accountEvidence.shape.publicAccessBlock.unwrap(),
  listBuckets: accountEvidence.shape.listBuckets.unwrap(),
};

export interface BucketResult {
  evidence: BucketEvidence;
  /** The region the bucket's configuration was read in, when it was read. */
  region: string | undefined;
}

function target(operation: OperationKey, region: string, bucket: string) {
  return { operation, region, resource: bucket };
}

/**
 * One bucket. `onOwnershipUnknown` is called (with the region asked) when GetBucketLocation was
 * refused both with and without ExpectedBucketOwner: only the account's own bucket list can then
 * tell a foreign bucket from one of ours we may not read.
 */
export async function collectBucket(
  ctx: CollectContext,
  bucket: string,
  contextRegion: string,
  onOwnershipUnknown: (region: string) => void = () => undefined,
): Promise<BucketResult> {
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
  let headBucket: Promise<BucketEvidence['headBucket']> = Promise.resolve(undefined);
  if (location.status === 'ok') {
    region = bucketRegion(location.response.LocationConstraint);
  } else if (location.status === 'error' && isS3Refusal(location.error)) {
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
    if (probe.status === 'error') {
      onOwnershipUnknown(contextRegion);
      headBucket = recordCall(
        ctx,
        slots.headBucket,
        target('s3:HeadBucket', contextRegion, bucket),
        () => ctx.clients.s3(contextRegion),
        ({ client, sdk }, abortSignal) => client.send(new sdk.HeadBucketCommand({ Bucket: bucket }), { abortSignal }),
      );
    }
  } else {
    // Missing bucket, or no answer at all: nothing more can be learnt about it.
    return { evidence, region: undefined };
  }

  const load = () => ctx.clients.s3(region);
  const input = { Bucket: bucket, ExpectedBucketOwner: owner };
  const [encryption, policy, policyStatus, publicAccessBlock, ownershipControls, acl, head] = await Promise.all([
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
    recordCall(ctx, slots.acl, target('s3:GetBucketAcl', region, bucket), load, ({ client, sdk }, abortSignal) =>
      client.send(new sdk.GetBucketAclCommand(input), { abortSignal }),
    ),
    headBucket,
  ]);
  Object.assign(evidence, { encryption, policy, policyStatus, publicAccessBlock, ownershipControls, acl });
  if (head) evidence.headBucket = head;
  return { evidence, region };
}

/** S3 Control GetPublicAccessBlock for the account being read (the setting is the account's, whatever the region). */
export function accountPublicAccessBlock(ctx: CollectContext, region: string) {
  const AccountId = ctx.accountId;
  return recordCall(
    ctx,
    slots.accountPublicAccessBlock,
    { operation: 's3control:GetPublicAccessBlock', region, resource: `account ${AccountId}` },
    () => ctx.clients.s3control(region),
    ({ client, sdk }, abortSignal) => client.send(new sdk.GetPublicAccessBlockCommand({ AccountId }), { abortSignal }),
  );
}

/** Buckets asked for per ListBuckets page (its API reference: a paginated request is the one to send). */
const LIST_BUCKETS_PAGE = 1000;

/** ListBuckets, every page: "a list of all buckets owned by the authenticated sender of the request". */
export function listOwnedBuckets(ctx: CollectContext, region: string) {
  return recordList(
    ctx,
    slots.listBuckets,
    { operation: 's3:ListBuckets', region, resource: `account ${ctx.accountId}` },
    () => ctx.clients.s3(region),
    async ({ client, sdk }, ContinuationToken, abortSignal) => {
      const page = await client.send(new sdk.ListBucketsCommand({ MaxBuckets: LIST_BUCKETS_PAGE, ContinuationToken }), { abortSignal });
      return { items: page.Buckets, next: page.ContinuationToken };
    },
  );
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
