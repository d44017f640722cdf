import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseAccountsOption, resolveAccountScope } from '../../src/scope/accounts.js';

const A = '111122223333';
const B = '444455556666';
const ROLE = 'arn:aws:iam::{accountId}:role/Auditor';

describe('--accounts', () => {
  it('takes comma-separated ids (deduplicated) or a file', () => {
    expect(parseAccountsOption(` ${A}, ${B},${A} `)).toEqual([A, B]);
    const dir = mkdtempSync(join(tmpdir(), 'cna-scope-'));
    const lines = join(dir, 'ids');
    writeFileSync(lines, `${A}\r\n# comment\n\n${B} # prod\n`);
    expect(parseAccountsOption(lines)).toEqual([A, B]);
    const json = join(dir, 'ids.json');
    writeFileSync(json, ` [ "${B}", "${A}" ]`);
    expect(parseAccountsOption(json)).toEqual([B, A]);
  });

  it.each([
    ['12', '"12" is not a 12-digit AWS account id'],
    ['/nonexistent/accounts.txt', 'neither comma-separated 12-digit account ids nor an existing file'],
    [',', 'no account ids'],
  ])('refuses %s', (value, message) => {
    expect(() => parseAccountsOption(value)).toThrow(message);
  });

  it('refuses a JSON array of numbers (account ids lose their leading zeros as numbers)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cna-scope-')), 'ids.json');
    writeFileSync(file, '[11122223333]');
    expect(() => parseAccountsOption(file)).toThrow('expected a JSON array of account id strings');
  });
});

describe('resolveAccountScope', () => {
  it('is undefined for a single-account run', () => {
    expect(resolveAccountScope({}, undefined)).toBeUndefined();
  });

  it('accepts a role per account, or a literal role ARN only for that one account', () => {
    expect(resolveAccountScope({ org: true, roleArn: ROLE, externalId: 'ext-1' }, undefined)).toEqual({ accounts: 'organization', roleArn: ROLE, externalId: 'ext-1' });
    expect(resolveAccountScope({ accounts: A }, undefined)).toEqual({ accounts: [A] });
    expect(resolveAccountScope({ accounts: B, roleArn: `arn:aws:iam::${B}:role/Auditor` }, undefined)).toEqual({ accounts: [B], roleArn: `arn:aws:iam::${B}:role/Auditor` });
    expect(() => resolveAccountScope({ accounts: B, roleArn: `arn:aws:iam::${A}:role/Auditor` }, undefined)).toThrow(InputError);
    expect(() => resolveAccountScope({ org: true, roleArn: `arn:aws:iam::${A}:role/Auditor` }, undefined)).toThrow('use {accountId}');
    expect(() => resolveAccountScope({ accounts: A, roleArn: 'arn:aws:iam::{accountId}:user/Auditor' }, undefined)).toThrow('expected an IAM role ARN');
    expect(() => resolveAccountScope({ accounts: A, roleArn: ROLE, externalId: 'x' }, undefined)).toThrow('--external-id');
  });

  it('accepts instance ARNs but not bare ids in a multi-account run', () => {
    const arn = `arn:aws:connect:eu-central-1:${A}:instance/a1b2c3d4-0000-4000-8000-000000000001`;
    expect(resolveAccountScope({ accounts: A, roleArn: ROLE, instanceId: [arn] }, undefined)).toEqual({ accounts: [A], roleArn: ROLE });
    expect(() => resolveAccountScope({ accounts: A, roleArn: ROLE, instanceId: ['a1b2c3d4-0000-4000-8000-000000000001'] }, undefined)).toThrow('name instances by ARN');
  });
});
