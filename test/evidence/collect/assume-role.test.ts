import { describe, expect, it, vi } from 'vitest';
import { assumeRoleCredentials, roleSessionName, type AssumeRoleCall, type AssumeRoleInput } from '../../../src/evidence/collect/assume-role.js';
import { roleArnFor } from '../../../src/evidence/collect/accounts.js';

const ACCOUNT = '444455556666';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/Auditor`;
const HOUR = 60 * 60_000;

/** A fake STS: each AssumeRole hands out the next key, valid for an hour from the fake clock. */
function fakeSts(clock: { now: number }, account = ACCOUNT) {
  const inputs: AssumeRoleInput[] = [];
  const call: AssumeRoleCall = vi.fn(async (input: AssumeRoleInput) => {
    inputs.push(input);
    return {
      Credentials: {
        AccessKeyId: `ASIAFAKE${inputs.length}`,
        SecretAccessKey: 'secret',
        SessionToken: `token-${inputs.length}`,
        Expiration: new Date(clock.now + HOUR),
      },
      AssumedRoleUser: { Arn: `arn:aws:sts::${account}:assumed-role/Auditor/${input.RoleSessionName}` },
    };
  });
  return { call, inputs };
}

describe('assumeRoleCredentials', () => {
  const settings = { roleArn: ROLE, roleSessionName: 'connect-netpath-audit-1', externalId: 'ext-1', accountId: ACCOUNT };

  it('assumes once, shares the session, and re-assumes shortly before it expires', async () => {
    const clock = { now: 1_000_000 };
    const sts = fakeSts(clock);
    const provider = assumeRoleCredentials(sts.call, settings, () => clock.now);
    const [first, concurrent] = await Promise.all([provider(), provider()]);
    expect(first).toEqual({ accessKeyId: 'ASIAFAKE1', secretAccessKey: 'secret', sessionToken: 'token-1', expiration: new Date(1_000_000 + HOUR) });
    expect(concurrent).toBe(first);
    clock.now += 50 * 60_000;
    expect((await provider()).accessKeyId).toBe('ASIAFAKE1');
    expect(sts.inputs).toHaveLength(1);
    clock.now += 6 * 60_000; // 4 minutes left: refresh
    const refreshed = await provider();
    expect(refreshed.accessKeyId).toBe('ASIAFAKE2');
    expect(refreshed.expiration!.getTime()).toBe(clock.now + HOUR);
    expect(sts.inputs).toEqual([
      { RoleArn: ROLE, RoleSessionName: 'connect-netpath-audit-1', ExternalId: 'ext-1' },
      { RoleArn: ROLE, RoleSessionName: 'connect-netpath-audit-1', ExternalId: 'ext-1' },
    ]);
  });

  it('tries again after a refused attempt instead of keeping the failure', async () => {
    const clock = { now: 0 };
    const sts = fakeSts(clock);
    const refusal = Object.assign(new Error('not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' });
    vi.mocked(sts.call).mockRejectedValueOnce(refusal);
    const provider = assumeRoleCredentials(sts.call, { ...settings, externalId: undefined }, () => clock.now);
    await expect(provider()).rejects.toThrow('sts:AssumeRole');
    expect((await provider()).accessKeyId).toBe('ASIAFAKE1');
    expect(sts.inputs[0]).toEqual({ RoleArn: ROLE, RoleSessionName: 'connect-netpath-audit-1' });
  });

  it('refuses a session in another account than the one asked for, and an answer without credentials', async () => {
    const clock = { now: 0 };
    const elsewhere = assumeRoleCredentials(fakeSts(clock, '111122223333').call, settings, () => clock.now);
    await expect(elsewhere()).rejects.toMatchObject({ name: 'AssumedRoleAccountMismatch' });
    const empty = assumeRoleCredentials(async () => ({ AssumedRoleUser: { Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Auditor/s` } }), settings, () => clock.now);
    await expect(empty()).rejects.toMatchObject({ name: 'MalformedResponse' });
  });

  it('names the session after the tool and the run, within what STS allows', () => {
    const name = roleSessionName(new Date('2026-11-28T12:00:00Z'));
    expect(name).toBe(`connect-netpath-audit-${Date.parse('2026-11-28T12:00:00Z')}`);
    expect(name).toMatch(/^[\w+=,.@-]{2,64}$/);
  });

  it('puts each account in the role ARN template', () => {
    expect(roleArnFor('arn:aws:iam::{accountId}:role/path/{accountId}-Auditor', ACCOUNT)).toBe(`arn:aws:iam::${ACCOUNT}:role/path/${ACCOUNT}-Auditor`);
  });
});
