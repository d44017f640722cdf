/**
 * Is a KMS key policy public? (SPEC §6, "Customer-owned key".)
 *
 * Public: an `Allow` to everyone without a condition that pins the caller to an account or organization.
 * When a condition cannot be shown to pin the caller, it does not count as pinning: a wrong PASS is the
 * worst outcome this product can produce.
 */
import { describeCondition, matchElementEvidence, parsePolicy } from './iam-policy.js';
import type { ConditionEntry, ConditionScalar, PolicyStatement, PrincipalElement } from './iam-policy.js';

export type KeyPolicyVerdict =
  | { kind: 'invalid'; message: string }
  | { kind: 'not-public'; evidence: { publicStatements: []; restrictedStatements: RestrictedStatement[] } }
  | { kind: 'public'; evidence: { publicStatements: PublicStatement[]; restrictedStatements: RestrictedStatement[] } };

export interface PublicStatement {
  sid: string;
  actions: string[] | { not: string[] };
}

/** An `Allow` to everyone that a condition limits to an account, organization, service or network. */
export interface RestrictedStatement {
  sid: string;
  /** The conditions that restrict it, e.g. `StringEquals kms:CallerAccount "111122223333"`. */
  restrictedBy: string[];
}

/** `undefined` (no key policy was read) is `invalid` with message `no key policy`: there is nothing to judge. */
export function evaluateKeyPolicyPublic(policy: string | undefined): KeyPolicyVerdict {
  if (policy === undefined) return { kind: 'invalid', message: 'no key policy' };
  // A key shared by many instances and hops is judged once per run; callers only read verdicts.
  let verdict = verdicts.get(policy);
  if (!verdict) verdicts.set(policy, (verdict = judgeKeyPolicy(policy)));
  return verdict;
}

const verdicts = new Map<string, KeyPolicyVerdict>();

function judgeKeyPolicy(policy: string): KeyPolicyVerdict {
  const parsed = parsePolicy(policy);
  if (parsed.kind === 'invalid') return { kind: 'invalid', message: parsed.message };

  const publicStatements: PublicStatement[] = [];
  const restrictedStatements: RestrictedStatement[] = [];
  for (const statement of parsed.document.statements.filter(allowsEveryone)) {
    const restrictedBy = statement.conditions.filter(restrictsCaller).map(describeCondition);
    if (restrictedBy.length > 0) restrictedStatements.push({ sid: statement.label, restrictedBy });
    else publicStatements.push({ sid: statement.label, actions: matchElementEvidence(statement.action) });
  }
  if (publicStatements.length === 0) return { kind: 'not-public', evidence: { publicStatements: [], restrictedStatements } };
  return { kind: 'public', evidence: { publicStatements, restrictedStatements } };
}

/** An `Allow` with `NotPrincipal` grants everyone but the listed principals, so it counts as everyone. */
function allowsEveryone(statement: PolicyStatement): boolean {
  return statement.effect === 'Allow' && grantsEveryone(statement.principal);
}

function grantsEveryone(principal: PrincipalElement): boolean {
  return principal.negated || principal.everyone;
}

// ---------------------------------------------------------------------------------------------------
// Restricting conditions
// ---------------------------------------------------------------------------------------------------

/** How a key's value identifies the caller, which decides what a wildcard in it gives away. */
type KeyShape = 'identifier' | 'org-path' | 'arn' | 'service';

/** Condition keys (lower case; keys are case-insensitive) that can pin the caller. */
const RESTRICTING_KEYS: ReadonlyMap<string, KeyShape> = new Map<string, KeyShape>([
  ['aws:principalaccount', 'identifier'],
  ['kms:calleraccount', 'identifier'],
  ['aws:sourceaccount', 'identifier'],
  ['aws:sourceowner', 'identifier'],
  ['aws:principalorgid', 'identifier'],
  ['aws:sourcevpc', 'identifier'],
  ['aws:sourcevpce', 'identifier'],
  ['aws:principalorgpaths', 'org-path'],
  ['aws:principalarn', 'arn'],
  ['aws:sourcearn', 'arn'],
  ['kms:viaservice', 'service'],
]);

const EXACT_OPERATORS: ReadonlySet<string> = new Set(['StringEquals', 'StringEqualsIgnoreCase']);
/** ArnEquals takes wildcards too: IAM matches both Arn operators component by component with `*` and `?`. */
const WILDCARD_OPERATORS: ReadonlySet<string> = new Set(['StringLike', 'ArnEquals', 'ArnLike']);

/**
 * An entry restricts the caller when it must match (no `IfExists`: an absent key would pass; no
 * `ForAllValues:`: an empty or absent set passes) and every one of its values (values are ORed) pins
 * something.
 */
function restrictsCaller(entry: ConditionEntry): boolean {
  const shape = RESTRICTING_KEYS.get(entry.key.toLowerCase());
  const { operator } = entry;
  if (!shape || !operator.recognised || operator.ifExists || operator.setQualifier === 'ForAllValues') return false;
  const takesWildcards = WILDCARD_OPERATORS.has(operator.base);
  if (!takesWildcards && !EXACT_OPERATORS.has(operator.base)) return false;
  return entry.values.length > 0 && entry.values.every((value) => valuePins(value, shape, takesWildcards));
}

const WILDCARD = /[*?]/;
const hasWildcard = (text: string): boolean => WILDCARD.test(text);
const isWildcardOnly = (text: string): boolean => /^[*?]*$/.test(text);

function valuePins(value: ConditionScalar, shape: KeyShape, takesWildcards: boolean): boolean {
  if (typeof value === 'boolean') return false;
  const text = String(value);
  // A policy variable can make the test compare the caller with itself (e.g. "${aws:PrincipalAccount}").
  if (text.includes('${')) return false;
  // "*" is read as restricting nothing even under an exact operator, where it would match no caller.
  if (isWildcardOnly(text)) return false;
  return takesWildcards ? wildcardValuePins(text, shape) : true;
}

/**
 * A wildcard that leaves the account, organization or network open admits callers the key owner does
 * not control, so only wildcards after the identifying part keep a value restrictive.
 */
function wildcardValuePins(text: string, shape: KeyShape): boolean {
  switch (shape) {
    case 'identifier':
      return !hasWildcard(text);
    case 'org-path': {
      const organization = text.split('/')[0] ?? '';
      return organization !== '' && !hasWildcard(organization);
    }
    case 'arn':
      return arnPinsOwner(text);
    case 'service':
      return true;
  }
}

/** `arn:partition:service:region:account:resource`: the account must be exact; ARNs without one (S3) must be exact throughout. */
function arnPinsOwner(text: string): boolean {
  const parts = text.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return false;
  const account = parts[4] ?? '';
  return account === '' ? !hasWildcard(text) : !hasWildcard(account);
}
