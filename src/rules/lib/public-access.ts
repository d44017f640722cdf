/**
 * Who can reach a bucket from outside the account: the effective Block Public Access settings, the
 * bucket ACL and the policy status. S3 applies the most restrictive combination of a bucket's own
 * Block Public Access settings and its account's, flag by flag.
 */
import type { BucketEvidence, Call, PublicAccessBlockConfiguration } from '../../evidence/model.js';
import type { OperationKey } from '../../evidence/operations.js';
import type { InstanceContext } from '../types.js';

export const BLOCK_FLAGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;
export type BlockFlag = (typeof BLOCK_FLAGS)[number];

type BlockCall = Call<{ PublicAccessBlockConfiguration?: PublicAccessBlockConfiguration | undefined }> | undefined;

/** One level's reading: its flags, or why it could not be read. */
type LevelReading =
  | { known: true; config: PublicAccessBlockConfiguration | undefined }
  | { known: false; operation: OperationKey; error: { code: string; message: string } };

function readLevel(call: BlockCall, operation: OperationKey): LevelReading {
  if (!call) return { known: false, operation, error: { code: 'NotCollected', message: 'the evidence holds no answer for this call' } };
  if (call.status === 'ok') return { known: true, config: call.response.PublicAccessBlockConfiguration };
  // NoSuchPublicAccessBlockConfiguration: nothing is blocked at this level.
  if (call.status === 'absent') return { known: true, config: undefined };
  return { known: false, operation, error: call.error };
}

export interface FlagState {
  bucket: boolean | null;
  account: boolean | null;
  /** `true` as soon as either level sets it; `null` when one level is off and the other unknown. */
  effective: boolean | null;
  providedBy: 'bucket' | 'account' | 'bucket and account' | null;
}

export interface EffectiveBlock {
  flags: Record<BlockFlag, FlagState>;
  /** The unreadable levels, for flags that are not on at the other level. */
  unknown: Array<{ operation: OperationKey; error: { code: string; message: string } }>;
}

function levelValue(level: LevelReading, flag: BlockFlag): boolean | null {
  if (!level.known) return null;
  return level.config?.[flag] === true;
}

export function effectiveBlockPublicAccess(ctx: InstanceContext, bucket: BucketEvidence): EffectiveBlock {
  const bucketLevel = readLevel(bucket.publicAccessBlock, 's3:GetPublicAccessBlock');
  const accountLevel = readLevel(ctx.account.publicAccessBlock, 's3control:GetPublicAccessBlock');
  const flags = {} as Record<BlockFlag, FlagState>;
  const unknown = new Map<OperationKey, { operation: OperationKey; error: { code: string; message: string } }>();
  for (const flag of BLOCK_FLAGS) {
    const atBucket = levelValue(bucketLevel, flag);
    const atAccount = levelValue(accountLevel, flag);
    const on = atBucket === true || atAccount === true;
    const effective = on ? true : atBucket === null || atAccount === null ? null : false;
    const providedBy = atBucket === true && atAccount === true ? 'bucket and account' : atBucket === true ? 'bucket' : atAccount === true ? 'account' : null;
    flags[flag] = { bucket: atBucket, account: atAccount, effective, providedBy };
    if (effective === null) {
      for (const level of [bucketLevel, accountLevel]) if (!level.known) unknown.set(level.operation, { operation: level.operation, error: level.error });
    }
  }
  return { flags, unknown: [...unknown.values()] };
}

/** Grantee group URIs S3 treats as public in an ACL. */
const PUBLIC_GROUPS: ReadonlyMap<string, string> = new Map([
  ['http://acs.amazonaws.com/groups/global/AllUsers', 'AllUsers'],
  ['http://acs.amazonaws.com/groups/global/AuthenticatedUsers', 'AuthenticatedUsers'],
]);

export interface PublicGrant {
  grantee: string;
  permission: string | null;
}

/** The grants of a bucket ACL to everyone or to every authenticated AWS user. */
export function publicGrants(acl: NonNullable<BucketEvidence['acl']> & { status: 'ok' }): PublicGrant[] {
  return (acl.response.Grants ?? []).flatMap((grant) => {
    const group = grant.Grantee?.URI ? PUBLIC_GROUPS.get(grant.Grantee.URI) : undefined;
    return group ? [{ grantee: group, permission: grant.Permission ?? null }] : [];
  });
}

/** `BucketOwnerEnforced` turns ACLs off: they no longer affect access to the bucket or its objects. */
export function aclsDisabled(bucket: BucketEvidence): boolean | null {
  const call = bucket.ownershipControls;
  if (!call || call.status === 'error') return null;
  if (call.status === 'absent') return false;
  return call.response.OwnershipControls?.Rules?.some((rule) => rule.ObjectOwnership === 'BucketOwnerEnforced') === true;
}
