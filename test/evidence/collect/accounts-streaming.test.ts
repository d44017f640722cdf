/**
 * collectAccounts with `onAccount`: each account is handed over as soon as it is read, as the
 * one-account document the in-memory collection would give for it, and is not kept; an account that
 * is already handed over still lends its session to the accounts that read a stream it owns.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { collectAccounts, type AccountsOptions } from '../../../src/evidence/collect/accounts.js';
import type { EvidenceDocument } from '../../../src/evidence/model.js';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { A, B, C, collectAccountsOptions, EXTERNAL_ID, organizationState } from '../../helpers/accounts.js';

/** An account with nothing in it that owns A's contact trace records stream. */
const D = '121212121212';
const OWN_STREAM = `arn:aws:kinesis:eu-central-1:${A}:stream/acme-ctr`;
const FOREIGN_STREAM = `arn:aws:kinesis:eu-central-1:${D}:stream/acme-ctr`;

function state(): EvidenceDocument {
  const doc = JSON.parse(JSON.stringify(organizationState()).split(OWN_STREAM).join(FOREIGN_STREAM)) as EvidenceDocument;
  const record = doc.accounts[0]?.kinesisStreams?.[FOREIGN_STREAM];
  if (!record) throw new Error('the demo account has no contact trace records stream');
  record.readAs = D;
  doc.accounts.push({ accountId: D, regions: [], buckets: {}, keys: {} });
  return doc;
}

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const options = (emu: Emulator, extra: Partial<AccountsOptions> = {}) =>
  collectAccountsOptions(emu, { accounts: [A, B, C, D], resourceTypes: ['CALL_RECORDINGS', 'CONTACT_TRACE_RECORDS'], now: () => new Date('2026-12-01T10:00:00Z'), ...extra });

describe('collectAccounts with onAccount', () => {
  it('hands over each account as the one-account document of the whole collection, keeps none, and a finished owner still lends its session', async () => {
    emulator = await startEmulator({ state: state(), denyAssumeRole: [C], requireExternalId: EXTERNAL_ID });
    const whole = await collectAccounts(options(emulator));
    expect(whole.accounts.map((a) => a.accountId)).toEqual([A, D, B, C]);

    emulator.reset();
    const handed: { document: EvidenceDocument; at: number }[] = [];
    const streamed = await collectAccounts(
      options(emulator, {
        onAccount: async (document) => {
          handed.push({ document, at: Date.now() });
        },
      }),
    );
    expect(streamed).toEqual({ ...whole, accounts: [] });
    const byAccount = new Map(handed.map(({ document }) => [document.accounts[0]?.accountId, document]));
    expect(handed.every(({ document }) => document.accounts.length === 1)).toBe(true);
    expect(byAccount.size).toBe(4);
    for (const account of whole.accounts) expect(byAccount.get(account.accountId)).toEqual({ ...whole, accounts: [account] });

    // D (empty) was handed over before A read D's stream with D's credentials.
    const dAt = handed.find(({ document }) => document.accounts[0]?.accountId === D)?.at ?? Infinity;
    const kinesis = emulator.requests.filter((r) => r.service === 'kinesis' && r.resource?.includes('acme-ctr'));
    expect(kinesis.map((r) => [r.account, r.status])).toEqual([[D, 200]]);
    expect(kinesis[0]?.at).toBeGreaterThan(dAt);
    expect(byAccount.get(A)?.accounts[0]?.kinesisStreams?.[FOREIGN_STREAM]).toMatchObject({ readAs: D, describeStreamSummary: { status: 'ok' } });
  }, 60_000);

  it('waits for what onAccount returns before it resolves', async () => {
    emulator = await startEmulator({ state: state(), requireExternalId: EXTERNAL_ID, connectRate: false });
    const written: string[] = [];
    await collectAccounts(
      options(emulator, {
        accounts: [B, D],
        onAccount: async (document) => {
          await new Promise((resolve) => setTimeout(resolve, 50));
          written.push(document.accounts[0]?.accountId ?? '');
        },
      }),
    );
    expect(written.sort()).toEqual([D, B].sort());
  }, 60_000);
});
