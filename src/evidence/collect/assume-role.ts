/**
 * Credentials of another account through STS AssumeRole, for multi-account runs.
 *
 * The provider re-assumes the role shortly before the session expires (memoizeCredentials), so a run
 * longer than the session keeps going, and concurrent callers share one AssumeRole request. It checks
 * that the session really is in the account it was asked for: evidence read with one account's
 * credentials must never be recorded as another account's.
 */
import { memoizeCredentials, type AwsCredentialIdentityProvider } from './clients.js';

/** RoleSessionName, visible in the audited account's CloudTrail: the tool and when this run started. */
export function roleSessionName(startedAt: Date): string {
  return `connect-netpath-audit-${startedAt.getTime()}`;
}

export interface AssumeRoleInput {
  RoleArn: string;
  RoleSessionName: string;
  ExternalId?: string;
}

/** The part of an AssumeRole answer read here (the SDK's AssumeRoleCommandOutput fits it). */
export interface AssumeRoleOutput {
  Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined;
  AssumedRoleUser?: { Arn?: string } | undefined;
}

/** Sends one AssumeRole request (with the caller's own credentials). */
export type AssumeRoleCall = (input: AssumeRoleInput) => Promise<AssumeRoleOutput>;

export interface AssumeRoleSettings {
  /** The role's ARN, already for this account. */
  roleArn: string;
  roleSessionName: string;
  externalId?: string | undefined;
  /** The account the session must belong to. */
  accountId: string;
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** `arn:aws:sts::123456789012:assumed-role/Role/session` → `123456789012`. */
function accountOfArn(arn: string | undefined): string | undefined {
  return /^arn:[^:]+:[^:]+::(\d{12}):/.exec(arn ?? '')?.[1];
}

export function assumeRoleCredentials(call: AssumeRoleCall, settings: AssumeRoleSettings, now: () => number = Date.now): AwsCredentialIdentityProvider {
  const input: AssumeRoleInput = {
    RoleArn: settings.roleArn,
    RoleSessionName: settings.roleSessionName,
    ...(settings.externalId !== undefined ? { ExternalId: settings.externalId } : {}),
  };
  const assume = async () => {
    const output = await call(input);
    const credentials = output.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
      throw namedError('MalformedResponse', `AssumeRole ${settings.roleArn} returned no credentials.`);
    }
    const sessionAccount = accountOfArn(output.AssumedRoleUser?.Arn);
    if (sessionAccount !== settings.accountId) {
      throw namedError(
        'AssumedRoleAccountMismatch',
        `AssumeRole ${settings.roleArn} gave a session in account ${sessionAccount ?? 'unknown'}, not ${settings.accountId}; nothing was read with it.`,
      );
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
      ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
    };
  };
  return memoizeCredentials(assume as AwsCredentialIdentityProvider, now);
}
