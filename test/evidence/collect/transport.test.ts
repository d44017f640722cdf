/**
 * One connection pool for the whole run: every client of every account sends over the run's
 * keep-alive connections (each request is signed on its own), and a client closed when its account is
 * done does not close the sockets other accounts are using.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { collectAccounts } from '../../../src/evidence/collect/accounts.js';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { A, B, C, collectAccountsOptions, EXTERNAL_ID, organizationState } from '../../helpers/accounts.js';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('the run’s connection pool', () => {
  it('reads three accounts × two regions over at most --concurrency connections, with the same evidence as before', async () => {
    emulator = await startEmulator({ state: organizationState(), requireExternalId: EXTERNAL_ID });
    const concurrency = 4;
    const document = await collectAccounts(collectAccountsOptions(emulator, { concurrency, now: () => new Date('2026-12-01T10:00:00Z') }));
    expect(document.accounts.map((a) => a.accountId).sort()).toEqual([A, B, C].sort());
    for (const account of document.accounts) expect(account.error).toBeUndefined();
    const requests = emulator.requests.length;
    const clients = new Set(emulator.requests.map((r) => `${r.account}|${r.region}|${r.service}`)).size;
    // One pool per client would open at least one connection per account, region and service.
    expect(clients).toBeGreaterThan(concurrency * 2);
    expect(requests).toBeGreaterThan(clients);
    expect(emulator.connections).toBeLessThanOrEqual(concurrency);
  });
});
