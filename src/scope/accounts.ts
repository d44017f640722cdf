/**
 * Multi-account scope: `--accounts IDS|FILE`, `--org`, `--role-arn` with `{accountId}`, `--external-id`.
 * Checked before anything is sent; any problem is an InputError (exit 2).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { InputError } from '../errors.js';

export interface AccountFlags {
  accounts?: string;
  org?: boolean;
  roleArn?: string;
  externalId?: string;
  instanceId?: string[];
}

export interface AccountScope {
  /** Account ids, or every ACTIVE account of the organization. */
  accounts: string[] | 'organization';
  roleArn?: string;
  externalId?: string;
}

const ACCOUNT_ID = /^\d{12}$/;

export function isAccountId(text: string): boolean {
  return ACCOUNT_ID.test(text);
}
const PLACEHOLDER = '{accountId}';
/** IAM role ARN whose account is `{accountId}` or a literal id; role names and paths as IAM allows. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\{accountId\}|\d{12}):role\/[\w+=,.@/-]+$/;
/** STS ExternalId: 2 to 1224 characters of `[\w+=,.@:/-]`. */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

function checkIds(ids: string[], where: string): string[] {
  if (ids.length === 0) throw new InputError(`--accounts ${where}: no account ids`);
  for (const id of ids) if (!isAccountId(id)) throw new InputError(`--accounts ${where}: ${JSON.stringify(id)} is not a 12-digit AWS account id`);
  return [...new Set(ids)];
}

/** A file of account ids: a JSON array of strings, or one id a line (blank lines and `#` comments ignored). */
function readAccountsFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`--accounts ${file}: cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (text.trimStart().startsWith('[')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new InputError(`--accounts ${file}: not valid JSON: ${(error as Error).message}`);
    }
    // Numbers would lose an account id's leading zeros: ids must be strings.
    if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
      throw new InputError(`--accounts ${file}: expected a JSON array of account id strings`);
    }
    return checkIds(value.map((v) => v.trim()), file);
  }
  const ids = text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '');
  return checkIds(ids, file);
}

/** `111122223333,444455556666` (spaces allowed), or the path of a file holding the ids. */
export function parseAccountsOption(value: string): string[] {
  const trimmed = value.trim();
  if (/^[\d\s,]+$/.test(trimmed) && !(existsSync(trimmed) && statSync(trimmed).isFile())) {
    return checkIds(trimmed.split(',').map((id) => id.trim()).filter((id) => id !== ''), value);
  }
  if (!existsSync(value)) throw new InputError(`--accounts ${value}: neither comma-separated 12-digit account ids nor an existing file`);
  return readAccountsFile(value);
}

/** Undefined for a single-account run (the caller's own account). */
export function resolveAccountScope(flags: AccountFlags, snapshot: string | undefined): AccountScope | undefined {
  const multi = flags.accounts !== undefined || flags.org === true;
  // With --snapshot every live-only flag has already been refused (scope/tuning.ts).
  if (snapshot !== undefined) return undefined;
  if (flags.accounts !== undefined && flags.org) throw new InputError('--accounts and --org: give one or the other');
  if (!multi) {
    if (flags.roleArn !== undefined) throw new InputError('--role-arn needs --accounts or --org (the accounts whose role to assume)');
    if (flags.externalId !== undefined) throw new InputError('--external-id needs --accounts or --org and --role-arn');
    return undefined;
  }
  if (flags.externalId !== undefined && flags.roleArn === undefined) throw new InputError('--external-id needs --role-arn');
  if (flags.externalId !== undefined && !EXTERNAL_ID.test(flags.externalId)) {
    throw new InputError('--external-id: expected 2 to 1224 letters, digits or any of _+=,.@:/-');
  }
  for (const id of flags.instanceId ?? []) {
    if (!id.startsWith('arn:')) throw new InputError(`--instance-id ${id}: with --accounts or --org, name instances by ARN (it says which account they are in)`);
  }
  const accounts = flags.org ? ('organization' as const) : parseAccountsOption(flags.accounts ?? '');
  if (flags.roleArn === undefined) {
    // Without a role only the caller's own account can be read; more than one account needs a role.
    if (accounts === 'organization' || accounts.length > 1) {
      throw new InputError(`--role-arn is required with ${flags.org ? '--org' : 'several --accounts'}, e.g. 'arn:aws:iam::{accountId}:role/ConnectAuditor'`);
    }
    return { accounts };
  }
  const roleArn = flags.roleArn.trim();
  const literal = ROLE_ARN.exec(roleArn)?.[1];
  if (literal === undefined) throw new InputError(`--role-arn ${flags.roleArn}: expected an IAM role ARN such as 'arn:aws:iam::{accountId}:role/ConnectAuditor'`);
  // A fixed account in the ARN would read one account's configuration as every other's.
  if (literal !== PLACEHOLDER && !(accounts !== 'organization' && accounts.length === 1 && accounts[0] === literal)) {
    throw new InputError(`--role-arn ${flags.roleArn}: use ${PLACEHOLDER} in place of the account id, so each account is read through its own role`);
  }
  return { accounts, roleArn, ...(flags.externalId !== undefined ? { externalId: flags.externalId } : {}) };
}
