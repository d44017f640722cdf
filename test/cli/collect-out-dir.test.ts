/**
 * `collect --out-dir` through the built CLI against the emulator: each account's file is written as
 * soon as that account is read (atomically, byte for byte what one document split per account gives),
 * and a run cut short by --timeout or a signal keeps the accounts it finished and says which.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EvidenceDocument } from '../../src/evidence/model.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';
import type { Fault } from '../emulator/types.js';
import { A, B, C, emulatorEnv, EXTERNAL_ID, MANAGEMENT, organizationState, ROLE_TEMPLATE } from '../helpers/accounts.js';
import { runCli, type CliOptions, type CliResult } from '../helpers/cli.js';

const SCOPE = ['--region', 'eu-central-1', '--region', 'us-east-1', '--resource-types', 'CALL_RECORDINGS,CONTACT_TRACE_RECORDS'];
const ACCOUNTS = ['--accounts', `${A},${B},${C}`, '--role-arn', ROLE_TEMPLATE, '--external-id', EXTERNAL_ID];
/** C's buckets (named charlie-…) answer after a minute: A and B are finished long before C. */
const SLOW_C: Fault = { service: 's3', operation: '*', resource: 'charlie', kind: 'Slow', delayMs: 60_000 };

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  emulator = await startEmulator({ state: organizationState(), requireExternalId: EXTERNAL_ID, ...options });
  return emulator;
}

function collect(emu: Emulator, args: string[], options: CliOptions = {}, caller = MANAGEMENT): Promise<CliResult> {
  return runCli(['collect', ...args, ...SCOPE], { env: emulatorEnv(emu.url, caller), timeoutMs: 120_000, ...options });
}

const withoutTimestamps = (text: string) => text.replace(/"collectedAt": "[^"]+"/, '"collectedAt": "…"');
const files = (dir: string) => readdirSync(dir).sort();

/** What `collect --out-dir` wrote before it streamed: the `--out` document, split per account, pretty-printed. */
function splitPerAccount(document: EvidenceDocument): Map<string, string> {
  return new Map(document.accounts.map((account) => [`${account.accountId}.json`, withoutTimestamps(`${JSON.stringify({ ...document, accounts: [account] }, null, 2)}\n`)]));
}

describe('collect --out-dir', () => {
  it('writes each account’s file byte for byte as the one document split per account (apart from collectedAt)', async () => {
    const emu = await start({ denyAssumeRole: [C] });
    const dir = mkdtempSync(join(tmpdir(), 'cna-outdir-'));
    const one = join(mkdtempSync(join(tmpdir(), 'cna-out-')), 'all.json');
    const streamed = await collect(emu, [...ACCOUNTS, '--out-dir', dir]);
    expect(streamed.code, streamed.stderr).toBe(0);
    expect(streamed.stderr).toContain(`warning: account ${C} could not be read (sts:AssumeRole: AccessDenied)`);
    expect(streamed.stderr).toContain(`evidence written to 3 files in ${dir} (one per account)`);
    emu.reset();
    expect((await collect(emu, [...ACCOUNTS, '--out', one])).code).toBe(0);
    const expected = splitPerAccount(JSON.parse(readFileSync(one, 'utf8')) as EvidenceDocument);
    expect(files(dir)).toEqual([...expected.keys()].sort());
    for (const [name, text] of expected) expect(withoutTimestamps(readFileSync(join(dir, name), 'utf8'))).toBe(text);

    // One account (no --accounts): the same file as its --out document.
    const single = mkdtempSync(join(tmpdir(), 'cna-outdir-'));
    emu.reset();
    expect((await collect(emu, ['--out-dir', single], {}, A)).code).toBe(0);
    emu.reset();
    expect((await collect(emu, ['--out', one], {}, A)).code).toBe(0);
    expect(withoutTimestamps(readFileSync(join(single, `${A}.json`), 'utf8'))).toBe(withoutTimestamps(readFileSync(one, 'utf8')));
  }, 180_000);

  it('cut short by --timeout: the finished accounts’ files are complete and named, nothing else is written, exit 3', async () => {
    const emu = await start({ faults: [SLOW_C] });
    const dir = mkdtempSync(join(tmpdir(), 'cna-outdir-'));
    const result = await collect(emu, [...ACCOUNTS, '--out-dir', dir, '--timeout', '6']);
    expect(result.code, result.stderr).toBe(3);
    expect(files(dir)).toEqual([`${A}.json`, `${B}.json`]);
    expect(result.stderr.trim().split('\n')).toEqual([
      `connect-netpath-audit: the run did not finish within --timeout (raise it for large scopes); 2 accounts complete in ${dir} (each file whole; no other account was written): ${A}, ${B}`,
    ]);
    for (const account of [A, B]) expect((JSON.parse(readFileSync(join(dir, `${account}.json`), 'utf8')) as EvidenceDocument).accounts[0]?.accountId).toBe(account);
  }, 120_000);

  it('interrupted: SIGINT once A and B are written exits 130 naming them, with no temporary file left', async () => {
    const emu = await start({ faults: [SLOW_C] });
    const dir = mkdtempSync(join(tmpdir(), 'cna-outdir-'));
    const result = await collect(emu, [...ACCOUNTS, '--out-dir', dir], {
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (files(dir).filter((f) => f.endsWith('.json')).length < 2) return;
          clearInterval(poll);
          child.kill('SIGINT');
        }, 50);
        child.on('close', () => clearInterval(poll));
      },
    });
    expect(result.code).toBe(130);
    expect(files(dir)).toEqual([`${A}.json`, `${B}.json`]);
    expect(result.stderr.trim().split('\n').at(-1)).toBe(`interrupted (SIGINT): 2 accounts complete in ${dir} (each file whole; no other account was written): ${A}, ${B}`);
  }, 120_000);
});
