/**
 * Multi-account collection (`--accounts`, `--org`): one evidence document for many accounts.
 *
 * The caller is identified once (GetCallerIdentity); `--org` lists the organization's ACTIVE accounts
 * (Organizations ListAccounts, every page). The caller's own account is read with its own
 * credentials; every other account through the role `roleArn` (`{accountId}` replaced), assumed once
 * and re-assumed before the session expires. Accounts are read concurrently through ONE scheduler, so
 * `concurrency` caps the whole run while each (account, region, Connect API) keeps its own pacing:
 * each account's instances are listed first, then the accounts are read largest first, a few at a
 * time and more whenever a request slot is left idle (account-queue.ts), so that memory follows what
 * the run reads at once, not the size of the organisation.
 *
 * An account that cannot be reached (AssumeRole refused, not in the organization, no role to read it
 * through) becomes an account entry with `error`, which the audit reports as ERROR findings; the
 * other accounts are read as usual. Only an abort rejects.
 */
import { byCodeUnit } from '../../report/order.js';
import { selectShard, type ShardSpec } from '../../scope/shard.js';
import { setMaxListeners } from 'node:events';
import type { AccountEvidence, EvidenceDocument, RegionEvidence } from '../model.js';
import { assumeRoleCredentials, roleSessionName } from './assume-role.js';
import { ClientFactory, Transport, type AwsCredentialIdentityProvider } from './clients.js';
import { readAccounts, watchSlots } from './account-queue.js';
import { listInstances } from './connect.js';
import { request, type CollectContext } from './context.js';
import { clientSettings, collectEvidence, evidenceDocumentOf, parseInstancePin, redactedLog, runScheduler, UNKNOWN_ACCOUNT_ID, type CollectOptions } from './index.js';
import { isActive, listAccounts } from './organizations.js';
import { ProgressTracker } from './progress.js';
import { callErrorOf } from './record.js';
import { createAbortError, isAbortError } from './scheduler.js';
import { assumeRoleCall, getCallerIdentity, type CallerIdentity } from './sts.js';

/** Stands for the account id in a role ARN template. */
export const ACCOUNT_ID_PLACEHOLDER = '{accountId}';

/** `credentials`, when given, are the caller's: used for its own account, GetCallerIdentity, ListAccounts and AssumeRole. */
export interface AccountsOptions extends Omit<CollectOptions, 'accountId' | 'scheduler' | 'progress'> {
  /** Account ids to read, or every ACTIVE account of the organization. */
  accounts: readonly string[] | 'organization';
  /** Role to assume in every account but the caller's own, with `{accountId}` for the account id. */
  roleArn?: string | undefined;
  externalId?: string | undefined;
  /** `--shard K/N`: only the accounts of shard K, chosen after the organization is listed; recorded in the document. */
  shard?: ShardSpec | undefined;
  /**
   * Receives each account's evidence, as a one-account document, as soon as that account is read (or
   * known to be unreadable); the account is then not kept and the result's `accounts` is empty. The
   * collection waits for what it returns; a rejection other than an abort is the caller's to avoid.
   */
  onAccount?: ((document: EvidenceDocument) => Promise<void>) | undefined;
  /** Accounts discovered and read at once (default: `concurrency`); more whenever a request slot is left idle (account-queue.ts). */
  accountsInFlight?: number | undefined;
}

type AccountError = NonNullable<AccountEvidence['error']>;

/** An account's credentials (undefined: the standard chain), or why it cannot be read. */
type Session = { credentials: AwsCredentialIdentityProvider | undefined } | { error: AccountError };

/** What discovering an account found: its session and, unless instances are pinned, its instance listings. */
interface Found {
  session: Session;
  listed?: Map<string, RegionEvidence['listInstances']>;
}

function unreachable(accountId: string, error: AccountError): AccountEvidence {
  return { accountId, error, regions: [], buckets: {}, keys: {} };
}

function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

export function roleArnFor(template: string, accountId: string): string {
  return template.split(ACCOUNT_ID_PLACEHOLDER).join(accountId);
}

interface Plan {
  /** Accounts to read. */
  targets: string[];
  /** Accounts already known to be unreadable. */
  failed: AccountEvidence[];
  collection?: EvidenceDocument['collection'];
  /** Organizations ListAccounts failed or found no ACTIVE account: `failed` says so. */
  listingFailed?: boolean;
}

export async function collectAccounts(options: AccountsOptions): Promise<EvidenceDocument> {
  const region = options.regions[0];
  if (region === undefined) throw new TypeError('collectAccounts needs at least one region');
  if (options.signal.aborted) throw createAbortError(options.signal);
  // Every account's collection and every request listens to the run's signal: one listener on the
  // caller's, as many as needed on ours.
  const controller = new AbortController();
  const signal = controller.signal;
  setMaxListeners(0, signal);
  const forward = () => controller.abort(options.signal.reason);
  options.signal.addEventListener('abort', forward, { once: true });
  const startedAt = options.now?.() ?? new Date();
  const log = redactedLog(options.log);
  const progress = new ProgressTracker(options.onProgress);
  const scheduler = runScheduler(options, signal, log, progress);
  const { watched, onIdle } = watchSlots(scheduler, options.concurrency);
  // The caller's own credentials: GetCallerIdentity, ListAccounts and AssumeRole.
  const transport = new Transport();
  const clients = new ClientFactory(clientSettings(options, transport, options.credentials));
  const ctx: CollectContext = { accountId: 'caller', scheduler: watched, clients, connectRate: options.connectRate, log };
  try {
    const identity = await getCallerIdentity(ctx, region);
    const collectedBy: CallerIdentity | undefined = identity.status === 'ok' ? identity.response : undefined;
    const callerAccount = collectedBy?.Account;
    const identityError: AccountError | undefined =
      identity.status === 'error' ? { operation: 'sts:GetCallerIdentity', ...identity.error } : undefined;

    const { targets, failed, collection } = await plan(options, ctx, region, callerAccount ?? UNKNOWN_ACCOUNT_ID);
    progress.addAccounts(targets.length + failed.length);
    failed.forEach(() => progress.accountDone());

    const sessionName = roleSessionName(startedAt);
    // One session per account, shared by its own collection and by the other accounts' collections
    // that read a stream it owns (credentialsFor).
    const sessions = new Map<string, Promise<Session>>();
    const sessionOf = (accountId: string): Promise<Session> => {
      let session = sessions.get(accountId);
      if (!session) {
        session = openSession(accountId);
        session.catch(() => undefined);
        sessions.set(accountId, session);
      }
      return session;
    };
    const openSession = async (accountId: string): Promise<Session> => {
      if (accountId === callerAccount) return { credentials: options.credentials };
      if (options.roleArn === undefined) {
        return {
          error: identityError ?? {
            operation: 'sts:AssumeRole',
            code: 'RoleArnRequired',
            message: `Account ${accountId} is not the caller's account (${callerAccount ?? 'unknown'}): give a role to read it through (--role-arn).`,
          },
        };
      }
      const roleArn = roleArnFor(options.roleArn, accountId);
      const credentials = assumeRoleCredentials(assumeRoleCall(ctx, region, signal), {
        roleArn,
        roleSessionName: sessionName,
        externalId: options.externalId,
        accountId,
      });
      try {
        // The first session, paced and retried by the scheduler; refreshes happen inside the SDK.
        await request(ctx, { operation: 'sts:AssumeRole', region, resource: roleArn }, async () => undefined, () => credentials());
      } catch (err) {
        if (isAbortError(err)) throw err;
        return { error: { operation: 'sts:AssumeRole', ...callErrorOf(err) } };
      }
      return { credentials };
    };
    // Only the accounts this run reads: their sessions are opened anyway, and kept after an account
    // is finished, for the accounts that still read a stream it owns.
    const readHere = new Set(targets);
    const credentialsFor = async (accountId: string) => {
      if (!readHere.has(accountId)) return undefined;
      const session = await sessionOf(accountId);
      return 'error' in session ? undefined : session;
    };
    const pinned = (options.instanceIds ?? []).length > 0;
    const regions = unique(options.regions);
    // An account's instances, listed as its collection would list them (with pins, it lists none).
    const discover = async (accountId: string): Promise<{ size: number; found: Found }> => {
      const session = await sessionOf(accountId);
      if ('error' in session) return { size: 0, found: { session } };
      if (pinned) return { size: 1, found: { session } };
      const lister = new ClientFactory(clientSettings(options, transport, session.credentials));
      try {
        const listerCtx: CollectContext = { accountId, scheduler: watched, clients: lister, connectRate: options.connectRate, log };
        const records = await Promise.all(regions.map((r) => listInstances(listerCtx, r)));
        const listed = new Map(regions.map((r, index) => [r, records[index]]));
        return { size: Math.max(0, ...records.map((record) => (record?.status === 'ok' ? record.response.length : 0))), found: { session, listed } };
      } finally {
        lister.destroy();
      }
    };
    const readOne = async (accountId: string, { session, listed }: Found): Promise<AccountEvidence> => {
      if ('error' in session) {
        log(`account ${accountId} cannot be read: ${session.error.operation} ${session.error.code}`);
        progress.accountDone();
        return unreachable(accountId, session.error);
      }
      const doc = await collectEvidence({ ...options, signal, accountId, credentials: session.credentials, credentialsFor, scheduler: watched, transport, progress, listed });
      const account = doc.accounts[0];
      if (!account) throw new Error(`the collection of ${accountId} returned no account`);
      return account;
    };
    const documentOf = (accounts: AccountEvidence[]) => evidenceDocumentOf({ ...options, collection }, startedAt.toISOString(), collectedBy, accounts);
    const kept: AccountEvidence[] = [];
    const onAccount = options.onAccount;
    const finish = async (account: AccountEvidence): Promise<void> => {
      if (onAccount) await onAccount(documentOf([account]));
      else kept.push(account);
    };
    const base = Math.max(1, options.accountsInFlight ?? options.concurrency);
    await Promise.all([...failed.map(finish), readAccounts(targets, base, onIdle, { discover, read: (accountId, found) => readOne(accountId, found).then(finish) })]);
    return documentOf(kept.sort((a, b) => byCodeUnit(a.accountId, b.accountId)));
  } finally {
    options.signal.removeEventListener('abort', forward);
    clients.destroy();
    transport.close();
  }
}

/**
 * Which accounts to read. With instance ARNs, only their accounts (an ARN names its account); with
 * `--org`, an ARN of an account that is not an ACTIVE member is reported, not skipped silently.
 */
async function plan(options: AccountsOptions, ctx: CollectContext, region: string, callerAccount: string): Promise<Plan> {
  const all = await planAll(options, ctx, region, callerAccount);
  if (!options.shard) return all;
  // Every job lists the organization itself and keeps its own shard of what it found. When the
  // listing failed there is nothing to share out: every shard reports the failure.
  if (all.listingFailed) return { ...all, collection: { shard: selectShard([], options.shard, 'account') } };
  const shard = selectShard([...all.targets, ...all.failed.map((a) => a.accountId)], options.shard, 'account');
  const selected = new Set(shard.selected);
  const mine = (accountId: string) => selected.has(accountId);
  ctx.log(`shard ${shard.index}/${shard.count}: ${shard.selected.length} of ${shard.chosenFrom.size} accounts`);
  return { targets: all.targets.filter(mine), failed: all.failed.filter((a) => mine(a.accountId)), collection: { shard } };
}

async function planAll(options: AccountsOptions, ctx: CollectContext, region: string, callerAccount: string): Promise<Plan> {
  const pins = (options.instanceIds ?? []).map(parseInstancePin);
  const pinned = pins.length > 0 && pins.every((p) => p.arn) ? unique(pins.flatMap((p) => (p.arn ? [p.arn.account] : []))) : undefined;
  if (options.accounts !== 'organization') {
    const listed = unique(options.accounts);
    return { targets: pinned ?? listed, failed: [] };
  }
  const listing = await listAccounts(ctx, region);
  if (listing.status !== 'ok') {
    const error = listing.status === 'error' ? listing.error : { code: listing.code, message: listing.message ?? 'no accounts' };
    ctx.log(`organizations:ListAccounts failed (${error.code}): no account of the organization can be read`);
    return { targets: [], failed: [unreachable(callerAccount, { operation: 'organizations:ListAccounts', ...error })], listingFailed: true };
  }
  const active = unique(listing.response.filter(isActive).map((a) => a.Id));
  for (const account of listing.response.filter((a) => !isActive(a))) ctx.log(`skipping account ${account.Id}: it is ${account.State ?? account.Status ?? 'not ACTIVE'}`);
  if (active.length === 0) {
    const error = { code: 'NoActiveAccounts', message: 'Organizations ListAccounts returned no ACTIVE account: nothing could be audited.' };
    return { targets: [], failed: [unreachable(callerAccount, { operation: 'organizations:ListAccounts', ...error })], listingFailed: true };
  }
  if (!pinned) return { targets: active, failed: [] };
  const outside = pinned.filter((account) => !active.includes(account));
  return {
    targets: active.filter((account) => pinned.includes(account)),
    failed: outside.map((account) =>
      unreachable(account, {
        operation: 'organizations:ListAccounts',
        code: 'AccountNotInOrganization',
        message: `An instance ARN names account ${account}, which is not an ACTIVE account of the organization.`,
      }),
    ),
  };
}
