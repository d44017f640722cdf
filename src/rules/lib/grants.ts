/** KMS grants: who a grant lets use a key, as the rules about grants read ListGrants answers. */
import type { GrantListEntry } from '../../evidence/model.js';

export type Grantee =
  | { kind: 'service'; principal: string }
  | { kind: 'account'; principal: string; account: string }
  | { kind: 'unknown'; principal: string };

const SERVICE_PRINCIPAL = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/;
const ACCOUNT_OF_ARN = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/;

/**
 * The grantee of a grant. An AWS service principal (`acm.us-east-2.amazonaws.com`, or any grant
 * listed with GranteeServicePrincipal) stands for the service acting for the key's account; an IAM
 * ARN or a bare account id names an account; anything else is not guessed at.
 */
export function granteeOf(grant: GrantListEntry): Grantee {
  const servicePrincipal = (grant as { GranteeServicePrincipal?: unknown }).GranteeServicePrincipal;
  if (typeof servicePrincipal === 'string' && servicePrincipal) return { kind: 'service', principal: servicePrincipal };
  const principal = grant.GranteePrincipal ?? '';
  if (SERVICE_PRINCIPAL.test(principal)) return { kind: 'service', principal };
  const account = /^\d{12}$/.test(principal) ? principal : ACCOUNT_OF_ARN.exec(principal)?.[1];
  return account ? { kind: 'account', principal, account } : { kind: 'unknown', principal };
}

/** Operations that turn ciphertext back into plaintext (ReEncryptFrom decrypts on the way). */
export const DECRYPTING_OPERATIONS = ['Decrypt', 'ReEncryptFrom'];

/** Account and role name of an IAM role ARN, ignoring its path: a role's name is unique in its account. */
export function roleIdentity(arn: string): string | undefined {
  const match = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
  return match ? `${match[1]}|${match[2]}` : undefined;
}

export function grantSummary(grant: GrantListEntry): Record<string, unknown> {
  return {
    grantId: grant.GrantId ?? null,
    name: grant.Name || null,
    granteePrincipal: grant.GranteePrincipal ?? null,
    operations: grant.Operations ?? [],
    ...(grant.Constraints ? { constraints: grant.Constraints } : {}),
  };
}
