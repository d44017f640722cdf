/**
 * Read-only views of the evidence document the emulator answers from.
 */
import { createHash } from 'node:crypto';
import type {
  AccountEvidence,
  BucketEvidence,
  EvidenceDocument,
  KeyEvidence,
  RegionEvidence,
} from '../../src/evidence/model.js';

/** Owner given to a bucket seen only as foreign-owned in the evidence (no account in the state owns it). */
export const UNKNOWN_FOREIGN_OWNER = '999999999999';

const ACCESS_DENIED_CODES = /^(AccessDenied|AccessDeniedException|Forbidden)$/;

export interface BucketView {
  name: string;
  /** The account that owns the bucket: `x-amz-expected-bucket-owner` must equal it. */
  owner: string;
  /** The record the answers come from. */
  record: BucketEvidence;
  /** The account whose `buckets` holds `record`. */
  recordAccount: string;
}

export interface KeyMatch {
  accountId: string;
  key: KeyEvidence;
  /** True when the request named the key exactly as the evidence's `reference`. */
  exactReference: boolean;
}

/**
 * A record shows a bucket owned by someone else: refused with the expected owner, and readable
 * without it or missing from the recording account's own ListBuckets.
 */
function isForeignOwnedRecord(name: string, bucket: BucketEvidence, account: AccountEvidence): boolean {
  if (bucket.location.status !== 'error' || !ACCESS_DENIED_CODES.test(bucket.location.error.code)) return false;
  if (bucket.ownerProbe?.status === 'ok') return true;
  return account.listBuckets?.status === 'ok' && !account.listBuckets.response.some((b) => b.Name === name);
}

/** A stand-in canonical user id (64 hex digits, as S3 shows owners in ACLs) for an account. */
export function canonicalUserId(accountId: string): string {
  return createHash('sha256').update(`canonical-user:${accountId}`).digest('hex');
}

function arnRegion(reference: string): string | undefined {
  return /^arn:[^:]+:[^:]+:([^:]+):/.exec(reference)?.[1];
}

export class EmulatorState {
  constructor(
    readonly doc: EvidenceDocument,
    private readonly bucketOwners: Record<string, string> = {},
  ) {}

  accountIds(): string[] {
    return this.doc.accounts.map((a) => a.accountId);
  }

  /** The account used for access keys that do not name one. */
  defaultAccount(): string {
    return this.doc.accounts[0]?.accountId ?? '000000000000';
  }

  /** The region used for unsigned requests. */
  defaultRegion(): string {
    return this.doc.accounts[0]?.regions[0]?.region ?? 'us-east-1';
  }

  account(accountId: string): AccountEvidence | undefined {
    return this.doc.accounts.find((a) => a.accountId === accountId);
  }

  region(accountId: string, region: string): RegionEvidence | undefined {
    return this.account(accountId)?.regions.find((r) => r.region === region);
  }

  bucket(name: string): BucketView | undefined {
    const records: Array<{ accountId: string; bucket: BucketEvidence; foreign: boolean }> = [];
    for (const account of this.doc.accounts) {
      const bucket = Object.prototype.hasOwnProperty.call(account.buckets, name) ? account.buckets[name] : undefined;
      if (bucket) records.push({ accountId: account.accountId, bucket, foreign: isForeignOwnedRecord(name, bucket, account) });
    }
    const owned = records.find((r) => !r.foreign);
    const chosen = owned ?? records[0];
    if (!chosen) return undefined;
    const override = this.bucketOwners[name];
    const owner = override ?? (owned ? owned.bucket.expectedBucketOwner : UNKNOWN_FOREIGN_OWNER);
    return { name, owner, record: chosen.bucket, recordAccount: chosen.accountId };
  }

  /** The existing buckets an account owns, by name (what ListBuckets shows when the document has no listing). */
  ownedBuckets(accountId: string): BucketView[] {
    const names = new Set(this.doc.accounts.flatMap((a) => Object.keys(a.buckets)));
    return [...names]
      .sort()
      .map((name) => this.bucket(name))
      .filter((view): view is BucketView => view !== undefined && view.owner === accountId && view.record.location.status !== 'absent');
  }

  /**
   * Key records answering for `keyId` in `region`: the caller's account first; another account's
   * records only when the request names the key by ARN (as KMS requires across accounts).
   */
  keys(callerAccount: string, region: string, keyId: string): KeyMatch[] {
    const effectiveRegion = arnRegion(keyId) ?? region;
    const matchesIn = (account: AccountEvidence): KeyMatch[] => {
      const out: KeyMatch[] = [];
      for (const key of Object.values(account.keys)) {
        if (key.region !== effectiveRegion) continue;
        const exactReference = key.reference === keyId;
        if (exactReference || keyNamedBy(key, keyId)) out.push({ accountId: account.accountId, key, exactReference });
      }
      return out.sort((a, b) => Number(b.exactReference) - Number(a.exactReference));
    };
    const own = this.account(callerAccount);
    const ownMatches = own ? matchesIn(own) : [];
    if (ownMatches.length > 0 || !keyId.startsWith('arn:')) return ownMatches;
    return this.doc.accounts.filter((a) => a.accountId !== callerAccount).flatMap(matchesIn);
  }

  /** Every key record of an account in a region. */
  keysIn(accountId: string, region: string): KeyEvidence[] {
    const account = this.account(accountId);
    return account ? Object.values(account.keys).filter((k) => k.region === region) : [];
  }
}

/** Whether a key record describes the key named by a key id, key ARN, alias name or alias ARN. */
function keyNamedBy(key: KeyEvidence, keyId: string): boolean {
  if (key.describeKey.status === 'ok') {
    const meta = key.describeKey.response.KeyMetadata;
    if (meta.KeyId === keyId || meta.Arn === keyId) return true;
  }
  if (key.aliases?.status === 'ok') {
    return key.aliases.response.some((alias) => alias.AliasName === keyId || alias.AliasArn === keyId);
  }
  return false;
}
