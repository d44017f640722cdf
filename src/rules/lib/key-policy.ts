/**
 * Is a KMS key policy public? (SPEC §6, "Customer-owned key".)
 *
 * An `Allow` to everyone (`"*"`, `{"AWS": "*"}`, or `NotPrincipal`) is restricted only when a condition
 * pins the caller, with a fixed value, to the key's account, a trusted account or an organization. A
 * condition that pins it to another fixed account grants outside. When a condition cannot be shown to
 * pin the caller, it does not count as pinning: a wrong PASS is the worst outcome this product can produce.
 */
import { describeCondition, describePrincipal, matchElementEvidence, parsePolicy } from './iam-policy.js';
import type { ConditionEntry, ConditionScalar, PolicyStatement, PrincipalElement } from './iam-policy.js';

export interface KeyPolicyOptions {
  /** The account that owns the key (DescribeKey `AWSAccountId`). */
  keyAccount: string;
  /** Other accounts whose callers may use the key. */
  trustedAccounts: readonly string[];
  /** ARN partition of the key: `aws`, `aws-cn`, `aws-us-gov`. */
  partition: string;
}

export type KeyPolicyVerdict =
  | { kind: 'invalid'; message: string }
  /** No Allow to everyone, or each is pinned to the key's account, a trusted account or an organization. */
  | { kind: 'not-public'; evidence: KeyPolicyEvidence }
  /** Some Allow to everyone is pinned only to fixed accounts, at least one of them neither the key's nor trusted. */
  | { kind: 'outside'; evidence: KeyPolicyEvidence }
  /** Some Allow to everyone has no condition that pins the caller. */
  | { kind: 'public'; evidence: KeyPolicyEvidence };

export interface KeyPolicyEvidence {
  keyAccount: string;
  trustedAccounts: string[];
  /** Sids of the statements open to every caller. */
  publicStatements: string[];
  /** Sids of the statements open to callers of accounts that are neither the key's nor trusted. */
  outsideStatements: string[];
  /** Every Allow to everyone, with what each of its conditions does. */
  statements: StatementEvidence[];
}

export type StatementVerdict = 'restricted' | 'outside' | 'public';

export interface StatementEvidence {
  sid: string;
  principals: string;
  actions: string[] | { not: string[] };
  verdict: StatementVerdict;
  why: string;
  /** The accounts outside the key's and the trusted ones that the statement admits. */
  outsideAccounts?: string[];
  conditions: ConditionEvidence[];
}

export interface ConditionEvidence {
  condition: string;
  restricts: boolean;
  why: string;
}

/** `undefined` (no key policy was read) is `invalid` with message `no key policy`: there is nothing to judge. */
export function evaluateKeyPolicyPublic(policy: string | undefined, options: KeyPolicyOptions): KeyPolicyVerdict {
  if (policy === undefined) return { kind: 'invalid', message: 'no key policy' };
  // A key shared by many instances and hops is judged once per run; callers only read verdicts.
  const key = JSON.stringify([policy, options.keyAccount, options.trustedAccounts, options.partition]);
  let verdict = verdicts.get(key);
  if (!verdict) verdicts.set(key, (verdict = judgeKeyPolicy(policy, options)));
  return verdict;
}

const verdicts = new Map<string, KeyPolicyVerdict>();

function judgeKeyPolicy(policy: string, options: KeyPolicyOptions): KeyPolicyVerdict {
  const parsed = parsePolicy(policy);
  if (parsed.kind === 'invalid') return { kind: 'invalid', message: parsed.message };

  const statements = parsed.document.statements.filter(allowsEveryone).map((statement) => judgeStatement(statement, options));
  const sidsOf = (verdict: StatementVerdict): string[] => statements.filter((s) => s.verdict === verdict).map((s) => s.sid);
  const evidence: KeyPolicyEvidence = {
    keyAccount: options.keyAccount,
    trustedAccounts: [...options.trustedAccounts],
    publicStatements: sidsOf('public'),
    outsideStatements: sidsOf('outside'),
    statements,
  };
  if (evidence.publicStatements.length > 0) return { kind: 'public', evidence };
  if (evidence.outsideStatements.length > 0) return { kind: 'outside', evidence };
  return { kind: 'not-public', evidence };
}

/** An `Allow` with `NotPrincipal` grants everyone but the listed principals, so it counts as everyone. */
function allowsEveryone(statement: PolicyStatement): boolean {
  return statement.effect === 'Allow' && grantsEveryone(statement.principal);
}

function grantsEveryone(principal: PrincipalElement): boolean {
  return principal.negated || principal.everyone;
}

/**
 * Conditions are ANDed: one that pins the caller to the key's account, a trusted account or an
 * organization restricts the statement whatever the others say. Otherwise one that pins it to fixed
 * accounts, some of them outside, grants those accounts. Otherwise the statement is open to every caller.
 */
function judgeStatement(statement: PolicyStatement, options: KeyPolicyOptions): StatementEvidence {
  const judged = statement.conditions.map((entry) => ({ entry, judgement: judgeCondition(entry, options) }));
  const conditions = judged.map(({ entry, judgement }) => ({ condition: describeCondition(entry), restricts: judgement.kind === 'pins', why: judgement.why }));
  const base = { sid: statement.label, principals: describePrincipal(statement.principal), actions: matchElementEvidence(statement.action), conditions };

  const pinning = judged.find(({ judgement }) => judgement.kind === 'pins');
  if (pinning) return { ...base, verdict: 'restricted', why: `${describeCondition(pinning.entry)} ${pinning.judgement.why}` };

  const outside = [...new Set(judged.flatMap(({ judgement }) => (judgement.kind === 'outside' ? judgement.accounts : [])))];
  if (outside.length > 0) {
    return { ...base, verdict: 'outside', outsideAccounts: outside, why: `its conditions admit callers of ${outside.join(', ')}, neither the key's account nor a trusted one` };
  }
  const why = judged.length === 0 ? 'it has no condition, so every AWS principal may use the key' : 'no condition pins the caller to the key\'s account, a trusted account or an organization';
  return { ...base, verdict: 'public', why };
}

// ---------------------------------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------------------------------

type ConditionJudgement =
  | { kind: 'pins'; why: string }
  | { kind: 'outside'; accounts: string[]; why: string }
  | { kind: 'open'; why: string };

const open = (why: string): ConditionJudgement => ({ kind: 'open', why });

/** How a key's value identifies the caller, which decides what a value must look like to pin it. */
type KeyShape = 'account' | 'organization' | 'org-path' | 'arn';

/**
 * Keys (lower case; keys are case-insensitive) whose fixed value pins the caller or, for service
 * principals, the resource the service acts for (aws:SourceAccount, aws:SourceArn).
 */
const PINNING_KEYS: ReadonlyMap<string, KeyShape> = new Map<string, KeyShape>([
  ['kms:calleraccount', 'account'],
  ['aws:principalaccount', 'account'],
  ['aws:sourceaccount', 'account'],
  ['aws:principalorgid', 'organization'],
  ['aws:principalorgpaths', 'org-path'],
  ['aws:principalarn', 'arn'],
  ['aws:sourcearn', 'arn'],
]);

/** Keys that look as if they restrict the caller and do not, with the reason given in the evidence. */
const NON_PINNING_KEYS: ReadonlyMap<string, string> = new Map([
  ['kms:viaservice', 'kms:ViaService narrows the AWS service the request comes through, not the caller'],
  ['aws:sourcevpc', 'aws:SourceVpc narrows the network path (the VPC), not the caller\'s account'],
  ['aws:sourcevpce', 'aws:SourceVpce narrows the network path (the VPC endpoint), not the caller\'s account'],
  ['aws:sourceowner', 'aws:SourceOwner is not a global condition key AWS documents for KMS, so it is not read as pinning the caller'],
]);

const EXACT_OPERATORS: readonly string[] = ['StringEquals', 'StringEqualsIgnoreCase', 'StringLike'];
const ARN_OPERATORS: readonly string[] = ['ArnEquals', 'ArnLike'];

/**
 * A condition pins the caller when it must match (no `IfExists`: a request without the key passes; no
 * `ForAllValues:`: a request without the key passes; no negated operator: it admits every other value;
 * `ForAnyValue:` requires a match, so it pins) and every one of its values (values are ORed) pins.
 */
function judgeCondition(entry: ConditionEntry, options: KeyPolicyOptions): ConditionJudgement {
  const key = entry.key.toLowerCase();
  const shape = PINNING_KEYS.get(key);
  if (!shape) return open(NON_PINNING_KEYS.get(key) ?? `${entry.key} does not identify the caller's account or organization`);
  const { operator } = entry;
  if (!operator.recognised) return open(`"${operator.raw}" is not an IAM operator (operator names are case-sensitive)`);
  if (operator.ifExists) return open(`${operator.raw} also holds for a request without ${entry.key}`);
  if (operator.setQualifier === 'ForAllValues') return open(`${operator.raw} also holds for a request without ${entry.key}`);
  // Multivalued: IAM documents only the set operators for it, and only ForAnyValue: requires a match.
  if (shape === 'org-path' && operator.setQualifier !== 'ForAnyValue') return open(`${entry.key} is multivalued, so only ForAnyValue: is read as requiring one of its paths to match`);
  const accepted = shape === 'arn' ? [...EXACT_OPERATORS, ...ARN_OPERATORS] : EXACT_OPERATORS;
  if (!accepted.includes(operator.base)) {
    const negated = operator.base.includes('Not');
    return open(negated ? `${operator.raw} excludes values and admits every other caller` : `${operator.raw} is not a test that pins ${entry.key} to a value (expected ${accepted.join(', ')})`);
  }
  if (entry.values.length === 0) return open('it lists no value');

  const values = entry.values.map((value) => judgeValue(value, shape, operator.base, options));
  const unpinned = values.find((value) => value.kind === 'open');
  if (unpinned) return unpinned;
  const outside = values.flatMap((value) => (value.kind === 'outside' ? value.accounts : []));
  if (outside.length > 0) return { kind: 'outside', accounts: outside, why: `admits account ${outside.join(', ')}, which is neither the key's account nor trusted` };
  return { kind: 'pins', why: `pins the caller to ${values.map((value) => (value.kind === 'pins' ? value.why : '')).join(' or ')}` };
}

const hasWildcard = (text: string): boolean => /[*?]/.test(text);

function judgeValue(value: ConditionScalar, shape: KeyShape, operator: string, options: KeyPolicyOptions): ConditionJudgement {
  if (typeof value === 'boolean') return open(`the value ${String(value)} is not an account, organization or ARN`);
  const text = String(value);
  // A policy variable can make the test compare the caller with itself (e.g. "${aws:PrincipalAccount}").
  if (text.includes('${')) return open(`the value ${JSON.stringify(text)} holds a policy variable, which can match any caller`);
  switch (shape) {
    case 'account':
      return judgeAccount(text, options);
    case 'organization':
      return hasWildcard(text) || text === '' ? open(`the value ${JSON.stringify(text)} leaves the organization open`) : { kind: 'pins', why: `organization ${text}` };
    case 'org-path': {
      const organization = text.split('/')[0] ?? '';
      return organization === '' || hasWildcard(organization) ? open(`the value ${JSON.stringify(text)} leaves the organization open`) : { kind: 'pins', why: `organization ${organization}` };
    }
    case 'arn':
      return judgeArn(text, operator, options);
  }
}

/** A wildcard in an account id (`*`, `1111*`) leaves callers the key owner does not control, whatever the operator. */
function judgeAccount(account: string, options: KeyPolicyOptions): ConditionJudgement {
  if (account === '' || hasWildcard(account)) return open(`the value ${JSON.stringify(account)} leaves the account open`);
  if (account === options.keyAccount) return { kind: 'pins', why: `the key's account ${account}` };
  if (options.trustedAccounts.includes(account)) return { kind: 'pins', why: `trusted account ${account}` };
  return { kind: 'outside', accounts: [account], why: `account ${account} is neither the key's account nor trusted` };
}

/**
 * `arn:partition:service:region:account:resource`. The Arn operators match component by component, so
 * only the account must be fixed; under StringLike a `*` can run across colons, so everything up to the
 * account must be fixed. An ARN without an account (an S3 bucket) does not show whose resource it is.
 */
function judgeArn(text: string, operator: string, options: KeyPolicyOptions): ConditionJudgement {
  const parts = text.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return open(`the value ${JSON.stringify(text)} is not an ARN with an account`);
  const [, partition = '', , , account = ''] = parts;
  const prefix = parts.slice(0, 5).join(':');
  if (account === '') return open(`the ARN ${text} names no account, so it does not show that the caller belongs to the key's account`);
  if (hasWildcard(account) || (operator === 'StringLike' && hasWildcard(prefix))) return open(`the ARN ${text} leaves the account open`);
  if (!hasWildcard(partition) && partition !== options.partition) {
    return { kind: 'pins', why: `ARNs of partition ${partition}, which no caller of a key in ${options.partition} has` };
  }
  const judged = judgeAccount(account, options);
  return judged.kind === 'pins' ? { kind: 'pins', why: `ARNs of ${judged.why}` } : judged;
}
