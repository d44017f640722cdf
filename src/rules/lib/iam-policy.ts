/**
 * IAM resource-policy parsing, normalisation and matching, shared by the bucket- and key-policy rules.
 * Pure functions: no I/O, no throws on bad input.
 *
 * Everything here is built so that an answer it cannot settle leans the cautious way; each helper says
 * which way that is.
 */
import { compiledPattern, globsCover, globsOverlap, patternMatches, type Glob, type MatchKind } from './wildcards.js';

// ---------------------------------------------------------------------------------------------------
// Policy model
// ---------------------------------------------------------------------------------------------------

export type ConditionScalar = string | number | boolean;

/** A principal other than everyone, e.g. `{ type: 'AWS', id: 'arn:aws:iam::111122223333:root' }`. */
export interface NamedPrincipal {
  type: string;
  id: string;
}

export interface PrincipalElement {
  /** Written as `NotPrincipal`: the statement applies to everyone except the listed principals. */
  negated: boolean;
  /** `"*"`, `{"AWS": "*"}` or `{"AWS": [..., "*", ...]}`. */
  everyone: boolean;
  named: NamedPrincipal[];
}

/** `Action`/`NotAction` or `Resource`/`NotResource`. */
export interface MatchElement {
  negated: boolean;
  patterns: string[];
}

export type SetQualifier = 'ForAnyValue' | 'ForAllValues';

export interface ConditionOperator {
  /** As written in the policy, e.g. `ForAnyValue:StringLikeIfExists`. */
  raw: string;
  /** Without qualifier and `IfExists`, e.g. `StringLike`. */
  base: string;
  ifExists: boolean;
  setQualifier?: SetQualifier;
  /** False for operators IAM does not know; operator names are case-sensitive (`bool` is not `Bool`). */
  recognised: boolean;
}

/** One `operator → key → values` test; all entries of a statement must hold (AND), values are ORed. */
export interface ConditionEntry {
  operator: ConditionOperator;
  key: string;
  values: ConditionScalar[];
}

export interface PolicyStatement {
  index: number;
  /** The `Sid`, or `#<zero-based index in Statement>` when the statement has none. */
  label: string;
  effect: 'Allow' | 'Deny';
  principal: PrincipalElement;
  action: MatchElement;
  resource: MatchElement;
  conditions: ConditionEntry[];
}

export interface PolicyDocument {
  statements: PolicyStatement[];
}

export type PolicyParseResult = { kind: 'invalid'; message: string } | { kind: 'policy'; document: PolicyDocument };

// ---------------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------------

type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const parsed = <T>(value: T): Parsed<T> => ({ ok: true, value });
const problem = <T>(text: string): Parsed<T> => ({ ok: false, problem: text });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function has(record: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/** Every finding about a policy IAM would refuse starts with this, whatever the rule. */
export const INVALID_POLICY_PREFIX = 'not a valid policy: ';

/** Elements of the IAM JSON policy grammar; names are case-sensitive (`statement` is not `Statement`). */
const POLICY_ELEMENTS: readonly string[] = ['Version', 'Id', 'Statement'];
const STATEMENT_ELEMENTS: readonly string[] = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];
/** A missing Version is valid: IAM then applies 2008-10-17. */
const POLICY_VERSIONS: readonly string[] = ['2012-10-17', '2008-10-17'];

/** `*`, or a service prefix, a colon and an action name that may hold wildcards (`s3:Get*`). */
const ACTION_SHAPE = /^(\*|[A-Za-z0-9*?-]+:.+)$/;

/**
 * Parses a resource-based policy (bucket policy, key policy). A document IAM would refuse — bad JSON,
 * an element IAM does not know, an unknown Version, no `Statement`, a statement without `Effect` or
 * with one other than `Allow`/`Deny`, without a principal, action or resource, an action without a
 * service prefix, ill-typed values — is `invalid` with a message that starts with
 * {@link INVALID_POLICY_PREFIX} and names the statement, never a throw.
 */
export function parsePolicy(text: string): PolicyParseResult {
  const result = parseDocument(text);
  return result.ok ? { kind: 'policy', document: result.value } : { kind: 'invalid', message: INVALID_POLICY_PREFIX + result.problem };
}

function parseDocument(text: string): Parsed<PolicyDocument> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return problem(`the policy is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isRecord(json)) return problem('the policy is not a JSON object');
  const unknown = unknownElement(json, POLICY_ELEMENTS);
  if (unknown !== undefined) return problem(`the policy has the element ${JSON.stringify(unknown)}, which IAM does not know (${knownElements(POLICY_ELEMENTS)})`);
  if (has(json, 'Version') && !POLICY_VERSIONS.includes(json.Version as string)) {
    return problem(`the policy has Version ${JSON.stringify(json.Version)}; IAM knows only ${POLICY_VERSIONS.map((v) => `"${v}"`).join(' and ')}`);
  }
  if (has(json, 'Id') && typeof json.Id !== 'string') return problem('the policy has an Id that is not a string');
  if (!has(json, 'Statement')) return problem('the policy has no Statement element');
  const rawStatements = Array.isArray(json.Statement) ? json.Statement : [json.Statement];
  const statements: PolicyStatement[] = [];
  for (const [index, raw] of rawStatements.entries()) {
    const statement = parseStatement(raw, index);
    if (!statement.ok) return problem(`statement ${statementLabel(raw, index)} ${statement.problem}`);
    statements.push(statement.value);
  }
  return parsed({ statements });
}

function unknownElement(record: Record<string, unknown>, known: readonly string[]): string | undefined {
  return Object.keys(record).find((name) => !known.includes(name));
}

function knownElements(known: readonly string[]): string {
  return `it knows ${known.join(', ')}; element names are case-sensitive`;
}

function statementLabel(raw: unknown, index: number): string {
  return isRecord(raw) && typeof raw.Sid === 'string' && raw.Sid !== '' ? raw.Sid : `#${index}`;
}

function parseStatement(raw: unknown, index: number): Parsed<PolicyStatement> {
  if (!isRecord(raw)) return problem('is not a JSON object');
  const unknown = unknownElement(raw, STATEMENT_ELEMENTS);
  if (unknown !== undefined) return problem(`has the element ${JSON.stringify(unknown)}, which IAM does not know in a statement (${knownElements(STATEMENT_ELEMENTS)})`);
  if (has(raw, 'Sid') && typeof raw.Sid !== 'string') return problem('has a Sid that is not a string');
  if (!has(raw, 'Effect')) return problem('has no Effect; IAM requires "Allow" or "Deny"');
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') {
    return problem(`has Effect ${JSON.stringify(raw.Effect)}; IAM accepts only "Allow" or "Deny" (case-sensitive)`);
  }
  const principal = parsePrincipalElement(raw);
  if (!principal.ok) return principal;
  const action = parseMatchElement(raw, 'Action', 'NotAction');
  if (!action.ok) return action;
  const unprefixed = action.value.patterns.find((pattern) => !ACTION_SHAPE.test(pattern));
  if (unprefixed !== undefined) {
    return problem(`has ${action.value.negated ? 'NotAction' : 'Action'} ${JSON.stringify(unprefixed)} without a service prefix; IAM expects "*" or "service:action"`);
  }
  const resource = parseMatchElement(raw, 'Resource', 'NotResource');
  if (!resource.ok) return resource;
  const conditions = parseConditionBlock(raw.Condition);
  if (!conditions.ok) return conditions;
  return parsed({
    index,
    label: statementLabel(raw, index),
    effect: raw.Effect,
    principal: principal.value,
    action: action.value,
    resource: resource.value,
    conditions: conditions.value,
  });
}

/** Exactly one of `positiveName` / `negatedName` must be present. */
function pickOneOf(
  raw: Record<string, unknown>,
  positiveName: string,
  negatedName: string,
): Parsed<{ negated: boolean; name: string; value: unknown }> {
  const hasPositive = has(raw, positiveName);
  const hasNegated = has(raw, negatedName);
  if (hasPositive === hasNegated) {
    return problem(hasPositive ? `has both ${positiveName} and ${negatedName}` : `has neither ${positiveName} nor ${negatedName}`);
  }
  const name = hasPositive ? positiveName : negatedName;
  return parsed({ negated: hasNegated, name, value: raw[name] });
}

function parseStringList(value: unknown, elementName: string): Parsed<string[]> {
  if (typeof value === 'string') return parsed([value]);
  if (Array.isArray(value) && value.every((item): item is string => typeof item === 'string')) return parsed(value);
  return problem(`has a ${elementName} that is neither a string nor a list of strings`);
}

function parseMatchElement(raw: Record<string, unknown>, positiveName: string, negatedName: string): Parsed<MatchElement> {
  const picked = pickOneOf(raw, positiveName, negatedName);
  if (!picked.ok) return picked;
  const patterns = parseStringList(picked.value.value, picked.value.name);
  if (!patterns.ok) return patterns;
  return parsed({ negated: picked.value.negated, patterns: patterns.value });
}

function parsePrincipalElement(raw: Record<string, unknown>): Parsed<PrincipalElement> {
  const picked = pickOneOf(raw, 'Principal', 'NotPrincipal');
  if (!picked.ok) return picked;
  const { negated, name, value } = picked.value;
  if (value === '*') return parsed({ negated, everyone: true, named: [] });
  if (!isRecord(value)) return problem(`has a ${name} that is neither "*" nor an object such as {"AWS": ...}`);
  const principal: PrincipalElement = { negated, everyone: false, named: [] };
  for (const [type, ids] of Object.entries(value)) {
    const list = parseStringList(ids, `${name}.${type}`);
    if (!list.ok) return list;
    for (const id of list.value) {
      if (type === 'AWS' && id === '*') principal.everyone = true;
      else principal.named.push({ type, id });
    }
  }
  return parsed(principal);
}

function isConditionScalar(value: unknown): value is ConditionScalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function parseConditionBlock(block: unknown): Parsed<ConditionEntry[]> {
  if (block === undefined) return parsed([]);
  if (!isRecord(block)) return problem('has a Condition that is not an object');
  const entries: ConditionEntry[] = [];
  for (const [operatorText, tests] of Object.entries(block)) {
    if (!isRecord(tests)) return problem(`has a Condition operator ${operatorText} whose value is not an object`);
    const operator = parseConditionOperator(operatorText);
    for (const [key, value] of Object.entries(tests)) {
      const values = Array.isArray(value) ? value : [value];
      if (!values.every(isConditionScalar)) {
        return problem(`has a Condition value for ${key} that is not a string, number, boolean or a list of them`);
      }
      entries.push({ operator, key, values });
    }
  }
  return parsed(entries);
}

const KNOWN_BASE_OPERATORS: ReadonlySet<string> = new Set([
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
  'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
]);

const SET_QUALIFIERS: readonly SetQualifier[] = ['ForAnyValue', 'ForAllValues'];
const IF_EXISTS = 'IfExists';

/** Splits `ForAnyValue:StringLikeIfExists` into qualifier, base operator and `IfExists`. Case-sensitive, as IAM is. */
export function parseConditionOperator(raw: string): ConditionOperator {
  let rest = raw;
  const setQualifier = SET_QUALIFIERS.find((qualifier) => rest.startsWith(`${qualifier}:`));
  if (setQualifier) rest = rest.slice(setQualifier.length + 1);
  const ifExists = rest.endsWith(IF_EXISTS) && rest.length > IF_EXISTS.length;
  if (ifExists) rest = rest.slice(0, -IF_EXISTS.length);
  // IAM has no NullIfExists.
  const recognised = KNOWN_BASE_OPERATORS.has(rest) && !(ifExists && rest === 'Null');
  return { raw, base: rest, ifExists, ...(setQualifier ? { setQualifier } : {}), recognised };
}

// ---------------------------------------------------------------------------------------------------
// Principals and conditions
// ---------------------------------------------------------------------------------------------------

/** True only for a `Principal` (never a `NotPrincipal`) that names everyone. */
export function principalIsEveryone(principal: PrincipalElement): boolean {
  return !principal.negated && principal.everyone;
}

export function describeNamedPrincipals(principal: PrincipalElement): string {
  const names = principal.named.map((named) => `${named.type}:${named.id}`);
  if (principal.everyone) names.unshift('*');
  return names.join(', ');
}

/** `*`, `AWS:arn:..., Service:...`, or `NotPrincipal AWS:arn:...`. */
export function describePrincipal(principal: PrincipalElement): string {
  const names = describeNamedPrincipals(principal) || '(none)';
  return principal.negated ? `NotPrincipal ${names}` : names;
}

/** Condition keys are case-insensitive in IAM. */
export function conditionKeyIs(entry: ConditionEntry, key: string): boolean {
  return entry.key.toLowerCase() === key.toLowerCase();
}

export function describeCondition(entry: ConditionEntry): string {
  const values = entry.values.length === 1 ? JSON.stringify(entry.values[0]) : JSON.stringify(entry.values);
  return `${entry.operator.raw} ${entry.key} ${values}`;
}

export function describeConditions(entries: readonly ConditionEntry[]): string {
  return entries.length === 0 ? 'none' : entries.map(describeCondition).join(' AND ');
}

/** The element as evidence: a pattern list, or `{ not: [...] }` for `NotAction`/`NotResource`. */
export function matchElementEvidence(element: MatchElement): string[] | { not: string[] } {
  return element.negated ? { not: [...element.patterns] } : [...element.patterns];
}

// ---------------------------------------------------------------------------------------------------
// Action / Resource elements
// ---------------------------------------------------------------------------------------------------

/** Does the statement's `Action`/`Resource` (or `Not...`) element apply to this concrete value? */
export function elementAppliesTo(element: MatchElement, value: string, kind: MatchKind): boolean {
  if (!element.negated) return element.patterns.some((pattern) => patternMatches(pattern, value, kind, 'literal'));
  return !element.patterns.some((pattern) => patternMatches(pattern, value, kind, 'wildcard'));
}

/**
 * Does the element apply to every value `target` describes (e.g. every `s3:` action, every object of a
 * bucket)? Build `target` with the same `kind`. Undecidable cases answer no.
 */
export function elementAppliesToEvery(element: MatchElement, target: Glob, kind: MatchKind): boolean {
  // Policies repeat the same few Action lists against the same targets: decide each pair once.
  let decided = coverageDecisions.get(target);
  if (!decided) coverageDecisions.set(target, (decided = new Map()));
  const key = `${kind}|${element.negated}|${element.patterns.join('\n')}`;
  let answer = decided.get(key);
  if (answer === undefined) {
    answer = element.negated
      ? !element.patterns.some((pattern) => globsOverlap(compiledPattern(pattern, kind, 'wildcard'), target))
      : globsCover(element.patterns.map((pattern) => compiledPattern(pattern, kind, 'literal')), target).covered;
    decided.set(key, answer);
  }
  return answer;
}

const coverageDecisions = new WeakMap<Glob, Map<string, boolean>>();
