/**
 * collectAccounts against the emulator, in-process: one scheduler for every account (the concurrency
 * cap holds across accounts while they are read at the same time), progress, and accounts that
 * cannot be read.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { collectAccounts } from '../../../src/evidence/collect/accounts.js';
import type { CollectProgress } from '../../../src/evidence/collect/progress.js';
import { isActive } from '../../../src/evidence/collect/organizations.js';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { A, B, C, collectAccountsOptions, EXTERNAL_ID, MANAGEMENT, organizationState } from '../../helpers/accounts.js';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const options = collectAccountsOptions;

/** Most requests that arrived within any `windowMs` (less than the emulator's latency): at most the requests in flight at once. */
function maxArrivals(emu: Emulator, windowMs: number): number {
  const times = emu.requests.map((r) => r.at).sort((a, b) => a - b);
  return Math.max(...times.map((t, i) => times.filter((u, j) => j >= i && u < t + windowMs).length));
}

describe('collectAccounts', () => {
  it('keeps the whole run under --concurrency while accounts are read at the same time', async () => {
    emulator = await startEmulator({ state: organizationState(), denyAssumeRole: [C], requireExternalId: EXTERNAL_ID, latencyMs: 80, connectRate: false });
    const progress: CollectProgress[] = [];
    const doc = await collectAccounts(options(emulator, { concurrency: 2, onProgress: (p) => progress.push(p) }));
    expect(doc.accounts.map((a) => a.accountId)).toEqual([A, B, C]);
    expect(doc.accounts[2]?.error).toMatchObject({ operation: 'sts:AssumeRole', code: 'AccessDenied' });
    expect(doc.collectedBy?.Account).toBe(MANAGEMENT);
    expect(maxArrivals(emulator, 60)).toBeLessThanOrEqual(2);

    // A and B were read side by side, not one after the other.
    const connect = emulator.requests.filter((r) => r.service === 'connect');
    const span = (account: string) => {
      const times = connect.filter((r) => r.account === account).map((r) => r.at);
      return [Math.min(...times), Math.max(...times)] as const;
    };
    const [aStart, aEnd] = span(A);
    const [bStart, bEnd] = span(B);
    expect(bStart).toBeLessThan(aEnd);
    expect(aStart).toBeLessThan(bEnd);

    const last = progress.at(-1);
    expect(last).toMatchObject({ accounts: { done: 3, total: 3 }, instances: { done: 6, total: 6 }, throttled: 0 });
    expect(last?.requests).toBe(emulator.requests.length);
    expect(progress.every((p, i) => i === 0 || p.requests >= progress[i - 1]!.requests)).toBe(true);
  }, 60_000);

  it('paces each account’s Connect APIs on their own: no throttling from the per-account limits', async () => {
    emulator = await startEmulator({ state: organizationState(), requireExternalId: EXTERNAL_ID });
    const doc = await collectAccounts(options(emulator, { accounts: [A, B, C] }));
    expect(doc.accounts.every((a) => a.error === undefined)).toBe(true);
    expect(emulator.requests.filter((r) => r.throttled)).toEqual([]);
  }, 60_000);

  it('with instance ARNs, reads only their accounts; with --org, reports an ARN outside the organization', async () => {
    emulator = await startEmulator({ state: organizationState(), requireExternalId: EXTERNAL_ID });
    const arn = (account: string) => `arn:aws:connect:eu-central-1:${account}:instance/a1b2c3d4-0000-4000-8000-000000000001`;
    const listed = await collectAccounts(options(emulator, { instanceIds: [arn(B)] }));
    expect(listed.accounts.map((a) => a.accountId)).toEqual([B]);
    expect(Object.keys(listed.accounts[0]!.regions[0]!.instances)).toEqual(['a1b2c3d4-0000-4000-8000-000000000001']);

    const org = await collectAccounts(options(emulator, { accounts: 'organization', instanceIds: [arn(B), arn('121212121212')] }));
    expect(org.accounts.map((a) => [a.accountId, a.error?.code])).toEqual([
      ['121212121212', 'AccountNotInOrganization'],
      [B, undefined],
    ]);
  }, 60_000);

  it('without a role, reads only the caller’s own account and reports the others', async () => {
    emulator = await startEmulator({ state: organizationState() });
    const doc = await collectAccounts(
      options(emulator, { accounts: [A, B], roleArn: undefined, externalId: undefined, credentials: async () => ({ accessKeyId: `AKID${A}`, secretAccessKey: 's' }) }),
    );
    expect(doc.accounts[0]?.error).toBeUndefined();
    expect(Object.keys(doc.accounts[0]?.regions[0]?.instances ?? {})).toHaveLength(2);
    expect(doc.accounts[1]?.error).toMatchObject({ operation: 'sts:AssumeRole', code: 'RoleArnRequired' });
    expect(emulator.requests.filter((r) => r.operation === 'AssumeRole')).toEqual([]);
  }, 60_000);
});

describe('isActive', () => {
  it('keeps ACTIVE accounts only, by State or the older Status', () => {
    expect(isActive({ Id: A, State: 'ACTIVE' })).toBe(true);
    expect(isActive({ Id: A, Status: 'ACTIVE' })).toBe(true);
    expect(isActive({ Id: A, State: 'SUSPENDED', Status: 'ACTIVE' })).toBe(false);
    for (const state of ['SUSPENDED', 'PENDING_CLOSURE', 'CLOSED', 'PENDING_ACTIVATION']) expect(isActive({ Id: A, State: state })).toBe(false);
    expect(isActive({ Id: A })).toBe(false);
  });
});
