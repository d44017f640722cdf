/**
 * An organization for multi-account tests: the demo account (A) cloned as B and C, each clone with its
 * own account id in every ARN and its own bucket and alias names (bucket names are global). A
 * management account (M) that holds no Connect instance is the caller.
 */
import { readFileSync } from 'node:fs';
import { evidenceDocument, type AccountEvidence, type EvidenceDocument } from '../../src/evidence/model.js';
import type { AccountsOptions } from '../../src/evidence/collect/accounts.js';
import type { Emulator } from '../emulator/index.js';
import { DEMO } from './cli.js';

export const DEMO_ACCOUNT = '111122223333';
export const A = DEMO_ACCOUNT;
export const B = '444455556666';
export const C = '777788889999';
/** The caller of most tests: not one of the audited accounts, so every account is read through its role. */
export const MANAGEMENT = '999900001111';
export const ROLE_TEMPLATE = 'arn:aws:iam::{accountId}:role/Auditor';
export const EXTERNAL_ID = 'netpath-audit-ext-1';

export function demoEvidence(): EvidenceDocument {
  return evidenceDocument.parse(JSON.parse(readFileSync(DEMO, 'utf8')));
}

/** The demo account as `accountId`, names prefixed with `prefix` instead of `acme`. */
export function cloneAccount(account: AccountEvidence, accountId: string, prefix: string): AccountEvidence {
  const text = JSON.stringify(account).split(account.accountId).join(accountId).split('acme').join(prefix);
  return JSON.parse(text) as AccountEvidence;
}

/** A, B and C in one document (the emulator's state). */
export function organizationState(): EvidenceDocument {
  const demo = demoEvidence();
  const a = demo.accounts[0];
  if (!a) throw new Error('the demo evidence has no account');
  return evidenceDocument.parse({ ...demo, accounts: [a, cloneAccount(a, B, 'bravo'), cloneAccount(a, C, 'charlie')] });
}

/** Environment for the CLI as a child process: every AWS call to the emulator, as `caller`. */
export function emulatorEnv(url: string, caller: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: `AKID${caller}`,
    AWS_SECRET_ACCESS_KEY: 'test-secret-not-real',
    AWS_REGION: 'eu-central-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
  };
}

/** collectAccounts in-process against the emulator: A, B and C through their roles, called by M. */
export function collectAccountsOptions(emu: Emulator, extra: Partial<AccountsOptions> = {}): AccountsOptions {
  return {
    accounts: [A, B, C],
    roleArn: ROLE_TEMPLATE,
    externalId: EXTERNAL_ID,
    regions: ['eu-central-1', 'us-east-1'],
    resourceTypes: ['CALL_RECORDINGS', 'CHAT_TRANSCRIPTS', 'MEDIA_STREAMS', 'CONTACT_TRACE_RECORDS'],
    endpointUrl: emu.url,
    credentials: async () => ({ accessKeyId: `AKID${MANAGEMENT}`, secretAccessKey: 'test-secret' }),
    env: {},
    concurrency: 8,
    maxAttempts: 8,
    requestTimeoutMs: 10_000,
    connectRate: { ratePerSecond: 1.8, burst: 5 },
    signal: AbortSignal.timeout(60_000),
    ...extra,
  };
}
