/**
 * Does a bucket policy deny every request sent without TLS (or with an old TLS version)?
 *
 * Semantics of the AWS Config rule s3-bucket-ssl-requests-only (SPEC §6): explicit `Deny` statements,
 * for all principals, of all S3 actions, on both `arn:aws:s3:::BUCKET` and `arn:aws:s3:::BUCKET/*`,
 * whose conditions hold for every offending request and for nothing narrower. Evaluated the way IAM
 * evaluates a policy, never by string matching. When in doubt a statement does not count: a wrong PASS
 * is the worst outcome this product can produce.
 */
import {
  conditionKeyIs,
  describeCondition,
  describeConditions,
  describeNamedPrincipals,
  describePrincipal,
  elementAppliesTo,
  elementAppliesToEvery,
  matchElementEvidence,
  parsePolicy,
  principalIsEveryone,
} from './iam-policy.js';
import type { ConditionEntry, ConditionScalar, MatchElement, PolicyStatement } from './iam-policy.js';
import { concatGlobs, literalGlob, patternGlob, type Glob } from './wildcards.js';
import type { RuleMeta } from '../types.js';

export type TransportVerdict =
  | { kind: 'invalid'; message: string }
  | { kind: 'covered'; statements: string[]; evidence: CoverageEvidence }
  | { kind: 'not-covered'; reason: string; evidence: CoverageEvidence };

export interface CandidateStatementEvidence {
  sid: string;
  effect: string;
  principals: string;
  actions: string[] | { not: string[] };
  resources: string[] | { not: string[] };
  conditions: string;
  counted: boolean;
  whyNotCounted?: string;
  /** What the evaluation read into the statement beyond its text, e.g. which NotAction exemptions do not matter. */
  note?: string;
}

export interface CoverageEvidence {
  policyPresent: boolean;
  /** Counted statements deny every offending request on `arn:aws:s3:::BUCKET`. */
  bucketArnCovered: boolean;
  /** Counted statements deny every offending request on every object, `arn:aws:s3:::BUCKET/*`. */
  objectArnCovered: boolean;
  /** Some Deny whose conditions hold for every offending request applies to every principal. */
  allPrincipalsCovered: boolean;
  /** Some Deny whose conditions hold for every offending request applies to every S3 action. */
  allActionsCovered: boolean;
  /** Every Deny statement, and every statement whose conditions test the key the rule is about. */
  candidateStatements: CandidateStatementEvidence[];
  /** What offending requests still get through, e.g. `resource arn:aws:s3:::b`, `action s3:GetObject`. */
  uncovered: string[];
}

export interface BucketPolicyOptions {
  /** ARN partition of the bucket: `aws` (default), `aws-cn`, `aws-us-gov`. */
  partition?: string;
}

/** Requests sent without TLS (`aws:SecureTransport` false) must be denied. */
export function evaluateSecureTransportDeny(policy: string | undefined, bucketName: string, options: BucketPolicyOptions = {}): TransportVerdict {
  return remembered(policy, `transport|${bucketName}|${options.partition ?? 'aws'}`, () => evaluateDenyCoverage(policy, bucketTarget(bucketName, options), SECURE_TRANSPORT_REQUIREMENT));
}

/** Requests using TLS older than `minimumVersion` (`s3:TlsVersion`) must be denied. */
export function evaluateTlsVersionDeny(
  policy: string | undefined,
  bucketName: string,
  minimumVersion = 1.2,
  options: BucketPolicyOptions = {},
): TransportVerdict {
  return remembered(policy, `tls-version ${minimumVersion}|${bucketName}|${options.partition ?? 'aws'}`, () =>
    evaluateDenyCoverage(policy, bucketTarget(bucketName, options), tlsVersionRequirement(minimumVersion)),
  );
}

/**
 * Verdicts are pure functions of their arguments; a bucket shared by many instances and hops is
 * judged once per run. Callers only read verdicts, never change them.
 */
const verdicts = new Map<string | undefined, Map<string, TransportVerdict>>();

function remembered(policy: string | undefined, question: string, evaluate: () => TransportVerdict): TransportVerdict {
  let byTarget = verdicts.get(policy);
  if (!byTarget) verdicts.set(policy, (byTarget = new Map()));
  let verdict = byTarget.get(question);
  if (!verdict) byTarget.set(question, (verdict = evaluate()));
  return verdict;
}

// ---------------------------------------------------------------------------------------------------
// What must be denied
// ---------------------------------------------------------------------------------------------------

type ConditionJudgement = { holds: true; description: string } | { holds: false; reasons: string[] };

interface DenyRequirement {
  /** Plural noun phrase for the requests that must be denied, e.g. `requests sent without TLS`. */
  offendingRequests: string;
  conditionKey: string;
  /** Do these conditions (ANDed) hold for every offending request, and add no other restriction? */
  judge(entries: readonly ConditionEntry[]): ConditionJudgement;
}

const SECURE_TRANSPORT_KEY = 'aws:SecureTransport';
const TLS_VERSION_KEY = 's3:TlsVersion';

const SECURE_TRANSPORT_REQUIREMENT: DenyRequirement = {
  offendingRequests: 'requests sent without TLS',
  conditionKey: SECURE_TRANSPORT_KEY,
  judge: (entries) => judgeEntries(entries, secureTransportProblem, secureTransportNote),
};

function tlsVersionRequirement(minimumVersion: number): DenyRequirement {
  return {
    offendingRequests: `requests using a TLS version below ${minimumVersion}`,
    conditionKey: TLS_VERSION_KEY,
    judge: (entries) => judgeEntries(entries, (entry) => tlsVersionProblem(entry, minimumVersion), () => undefined),
  };
}

/**
 * A statement without conditions denies every request, offending ones included, so it counts; each
 * entry present must be one the requirement accepts, because any other test narrows the Deny.
 */
function judgeEntries(
  entries: readonly ConditionEntry[],
  problemOf: (entry: ConditionEntry) => string | undefined,
  noteOf: (entries: readonly ConditionEntry[]) => string | undefined,
): ConditionJudgement {
  if (entries.length === 0) return { holds: true, description: 'none (the Deny applies to every request)' };
  const reasons = entries.map(problemOf).filter((reason): reason is string => reason !== undefined);
  if (reasons.length > 0) return { holds: false, reasons };
  const note = noteOf(entries);
  return { holds: true, description: describeConditions(entries) + (note ? ` (${note})` : '') };
}

function narrowingProblem(entry: ConditionEntry): string {
  return `condition ${describeCondition(entry)} narrows the Deny to some requests`;
}

/**
 * Operators must be exactly as IAM spells them and among `accepted`; set qualifiers only where
 * `setQualifiers` says they behave like the plain operator.
 */
function operatorProblem(entry: ConditionEntry, accepted: readonly string[], setQualifiers = false): string | undefined {
  const { operator } = entry;
  const expected = accepted.map((name) => (name === 'Null' ? name : `${name} or ${name}IfExists`)).join(', or ');
  if (!operator.recognised) return `condition operator "${operator.raw}" is not an IAM operator (operator names are case-sensitive); expected ${expected}`;
  if (operator.setQualifier && !setQualifiers) return `condition ${operator.raw} puts a set operator on the single-valued key ${entry.key}; expected ${expected}`;
  if (!accepted.includes(operator.base)) return `condition ${describeCondition(entry)} is not a test the rule accepts; expected ${expected}`;
  return undefined;
}

const isFalse = (value: ConditionScalar): boolean => value === false || value === 'false';
const isTrue = (value: ConditionScalar): boolean => value === true || value === 'true';

/**
 * aws:SecureTransport is single-valued and "always included in the request context" (IAM global
 * condition keys). So `ForAnyValue:` and `ForAllValues:` on `Bool` compare the one value as `Bool`
 * does (ForAllValues also holds when a key is absent, which can only widen a Deny), and `Null` false
 * (the key is present) holds for every request while `Null` true holds for none.
 */
function secureTransportProblem(entry: ConditionEntry): string | undefined {
  if (!conditionKeyIs(entry, SECURE_TRANSPORT_KEY)) return narrowingProblem(entry);
  const isNull = entry.operator.base === 'Null';
  const operatorIssue = operatorProblem(entry, ['Bool', 'Null'], !isNull);
  if (operatorIssue) return operatorIssue;
  // Values are ORed: a list holds for insecure requests as soon as it contains the value that matches them.
  if (isNull && !entry.values.some(isFalse)) return `condition ${describeCondition(entry)} never holds: aws:SecureTransport is always in the request context`;
  if (!isNull && !entry.values.some(isFalse)) return `condition ${describeCondition(entry)} never holds for requests sent without TLS`;
  return undefined;
}

function secureTransportNote(entries: readonly ConditionEntry[]): string | undefined {
  const alsoMatchesTls = entries.every((entry) => (entry.operator.base === 'Null' ? entry.values.some(isFalse) : entry.values.some(isTrue)));
  if (!alsoMatchesTls) return undefined;
  const nullTest = entries.some((entry) => entry.operator.base === 'Null');
  return nullTest
    ? 'aws:SecureTransport is always in the request context, so the Deny applies to every request'
    : 'also holds for requests sent over TLS: the Deny applies to every request';
}

/** The TLS versions a request can use; s3:TlsVersion holds one of them. */
const TLS_VERSIONS: readonly number[] = [1.0, 1.1, 1.2, 1.3];

const NUMERIC_TESTS: Readonly<Record<string, (requestValue: number, policyValue: number) => boolean>> = {
  NumericEquals: (request, policy) => request === policy,
  NumericNotEquals: (request, policy) => request !== policy,
  NumericLessThan: (request, policy) => request < policy,
  NumericLessThanEquals: (request, policy) => request <= policy,
  NumericGreaterThan: (request, policy) => request > policy,
  NumericGreaterThanEquals: (request, policy) => request >= policy,
};

/** "If a single negated matching condition operator includes multiple values for a context key, those values are evaluated using a logical NOR." */
const NEGATED_NUMERIC_OPERATORS: ReadonlySet<string> = new Set(['NumericNotEquals']);

function numericValue(value: ConditionScalar): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

/**
 * The condition must hold for every TLS version below the minimum (1.0 and 1.1 for 1.2), each
 * operator evaluated against each discrete version: `NumericLessThanEquals 1.1`, `NumericLessThan 1.3`
 * and `NumericEquals ["1.0","1.1"]` all count, `NumericEquals "1.0"` alone does not.
 */
function tlsVersionProblem(entry: ConditionEntry, minimumVersion: number): string | undefined {
  if (!conditionKeyIs(entry, TLS_VERSION_KEY)) return narrowingProblem(entry);
  const operatorIssue = operatorProblem(entry, Object.keys(NUMERIC_TESTS));
  if (operatorIssue) return operatorIssue;
  const below = TLS_VERSIONS.filter((version) => version < minimumVersion);
  // Written so that a NaN minimum, below which nothing lies, is never met.
  if (below.length === 0) return `no TLS version lies below ${minimumVersion}, so the minimum cannot be enforced`;
  const numbers = entry.values.map(numericValue);
  const thresholds = numbers.filter((value): value is number => value !== undefined);
  if (thresholds.length === 0) return `condition ${describeCondition(entry)} has no numeric TLS version`;
  const negated = NEGATED_NUMERIC_OPERATORS.has(entry.operator.base);
  // Under NOR, a value IAM cannot compare leaves the outcome unknown: it does not count.
  if (negated && thresholds.length < numbers.length) return `condition ${describeCondition(entry)} has a value that is not a TLS version`;
  const test = NUMERIC_TESTS[entry.operator.base] as (requestValue: number, policyValue: number) => boolean;
  const holdsFor = (version: number): boolean => (negated ? thresholds.every((value) => test(version, value)) : thresholds.some((value) => test(version, value)));
  if (!below.every(holdsFor)) return `condition ${describeCondition(entry)} does not hold for every TLS version below ${minimumVersion}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// What must be covered
// ---------------------------------------------------------------------------------------------------

interface BucketTarget {
  bucketArn: string;
  /** `arn:…:s3:::BUCKET/*`, as shown to people. */
  objectArnPattern: string;
  /** Every object ARN: the bucket ARN, `/`, then a non-empty key. */
  everyObject: Glob;
}

function bucketTarget(bucketName: string, { partition = 'aws' }: BucketPolicyOptions): BucketTarget {
  const bucketArn = `arn:${partition}:s3:::${bucketName}`;
  return {
    bucketArn,
    objectArnPattern: `${bucketArn}/*`,
    everyObject: concatGlobs(literalGlob(`${bucketArn}/`, 'resource'), patternGlob('?*', 'resource')),
  };
}

/** Every S3 action: `s3:` followed by a non-empty name, matched case-insensitively. */
const EVERY_S3_ACTION = patternGlob('s3:?*', 'action');

/**
 * The S3 actions whose "Resource types" column is empty in the Service Authorization Reference,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html ("If there is
 * no value for this column, you must specify all resources ("*")"): no request for them names a bucket
 * or an object, so a Deny that exempts them through NotAction still covers every bucket and object
 * action. Lower case, as actions match case-insensitively.
 */
const S3_ACTIONS_WITHOUT_BUCKET_OR_OBJECT: ReadonlySet<string> = new Set(
  [
    'CreateJob', 'CreateStorageLensGroup', 'GetAccessPoint', 'GetAccountPublicAccessBlock', 'ListAccessGrantsInstances',
    'ListAccessPoints', 'ListAccessPointsForObjectLambda', 'ListAllMyBuckets', 'ListJobs', 'ListMultiRegionAccessPoints',
    'ListStorageLensConfigurations', 'ListStorageLensGroups', 'PutAccessPointPublicAccessBlock', 'PutAccountPublicAccessBlock',
    'PutStorageLensConfiguration',
  ].map((name) => `s3:${name}`.toLowerCase()),
);

/** An exact action name (no wildcard, no variable) from the table above; a pattern that could match more keeps counting. */
function takesNoBucketOrObject(pattern: string): boolean {
  return !/[*?$]/.test(pattern) && S3_ACTIONS_WITHOUT_BUCKET_OR_OBJECT.has(pattern.toLowerCase());
}

/** The NotAction patterns that exempt actions on a bucket or its objects. */
function bucketOrObjectExemptions(action: MatchElement): string[] {
  return action.patterns.filter((pattern) => !takesNoBucketOrObject(pattern));
}

/** Does the Action/NotAction element cover every action a request on the bucket or its objects can ask for? */
function coversEveryBucketAndObjectAction(action: MatchElement): boolean {
  const element = action.negated ? { negated: true, patterns: bucketOrObjectExemptions(action) } : action;
  return elementAppliesToEvery(element, EVERY_S3_ACTION, 'action');
}

function actionNote(action: MatchElement): string | undefined {
  const ignored = action.negated ? action.patterns.filter(takesNoBucketOrObject) : [];
  if (ignored.length === 0) return undefined;
  return `NotAction exempts ${ignored.join(', ')}, which take${ignored.length === 1 ? 's' : ''} no bucket or object resource (Service Authorization Reference), so every bucket and object action is still denied`;
}

/** Tried in order to name a concrete action a set of statements fails to deny. */
const EXAMPLE_S3_ACTIONS = [
  's3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:DeleteObject', 's3:GetObjectVersion', 's3:PutObjectAcl',
  's3:GetObjectAcl', 's3:ListBucketVersions', 's3:AbortMultipartUpload', 's3:RestoreObject', 's3:GetBucketPolicy',
  's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:GetBucketAcl', 's3:PutBucketAcl', 's3:GetEncryptionConfiguration',
  's3:PutEncryptionConfiguration', 's3:GetBucketLocation', 's3:DeleteBucket', 's3:ReplicateObject',
];

// ---------------------------------------------------------------------------------------------------
// Statement assessment
// ---------------------------------------------------------------------------------------------------

interface StatementAssessment {
  statement: PolicyStatement;
  candidate: boolean;
  /** `Deny` whose conditions hold for every offending request and add no other restriction. */
  deniesEveryOffendingRequest: boolean;
  appliesToEveryPrincipal: boolean;
  appliesToEveryAction: boolean;
  appliesToBucket: boolean;
  appliesToEveryObject: boolean;
  counted: boolean;
  conditionDescription: string;
  whyNotCounted: string[];
  note: string | undefined;
}

function assessStatement(statement: PolicyStatement, target: BucketTarget, requirement: DenyRequirement): StatementAssessment {
  const isDeny = statement.effect === 'Deny';
  const judgement = requirement.judge(statement.conditions);
  const appliesToEveryPrincipal = principalIsEveryone(statement.principal);
  const appliesToEveryAction = coversEveryBucketAndObjectAction(statement.action);
  const appliesToBucket = elementAppliesTo(statement.resource, target.bucketArn, 'resource');
  const appliesToEveryObject = elementAppliesToEvery(statement.resource, target.everyObject, 'resource');
  const deniesEveryOffendingRequest = isDeny && judgement.holds;

  const whyNotCounted: string[] = [];
  if (!isDeny) whyNotCounted.push('Effect is Allow, and an Allow denies nothing');
  if (!appliesToEveryPrincipal) whyNotCounted.push(principalShortfall(statement));
  if (!judgement.holds) whyNotCounted.push(...judgement.reasons);
  if (!appliesToEveryAction) whyNotCounted.push(actionShortfall(statement));
  if (!appliesToBucket && !appliesToEveryObject) {
    whyNotCounted.push(`its resources cover neither ${target.bucketArn} nor every object ${target.objectArnPattern}`);
  }

  return {
    statement,
    candidate: isDeny || statement.conditions.some((entry) => conditionKeyIs(entry, requirement.conditionKey)),
    deniesEveryOffendingRequest,
    appliesToEveryPrincipal,
    appliesToEveryAction,
    appliesToBucket,
    appliesToEveryObject,
    counted: whyNotCounted.length === 0,
    conditionDescription: judgement.holds ? judgement.description : describeConditions(statement.conditions),
    whyNotCounted,
    note: actionNote(statement.action),
  };
}

function principalShortfall({ principal }: PolicyStatement): string {
  if (principal.negated) return `NotPrincipal exempts ${describeNamedPrincipals(principal) || 'some principals'}`;
  return `it applies only to ${describeNamedPrincipals(principal) || 'no principal'}, not to every principal`;
}

function actionShortfall({ action }: PolicyStatement): string {
  if (action.negated) return `NotAction exempts ${bucketOrObjectExemptions(action).join(', ')}`;
  return `actions ${action.patterns.join(', ')} do not cover every S3 action`;
}

function candidateEvidence(assessment: StatementAssessment): CandidateStatementEvidence {
  const { statement } = assessment;
  return {
    sid: statement.label,
    effect: statement.effect,
    principals: describePrincipal(statement.principal),
    actions: matchElementEvidence(statement.action),
    resources: matchElementEvidence(statement.resource),
    conditions: assessment.conditionDescription,
    counted: assessment.counted,
    ...(assessment.counted ? {} : { whyNotCounted: assessment.whyNotCounted.join('; ') }),
    ...(assessment.note ? { note: assessment.note } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------
// Coverage
// ---------------------------------------------------------------------------------------------------

function evaluateDenyCoverage(policy: string | undefined, target: BucketTarget, requirement: DenyRequirement): TransportVerdict {
  if (policy === undefined) {
    return {
      kind: 'not-covered',
      reason: `The bucket has no bucket policy, so ${requirement.offendingRequests} are not denied.`,
      evidence: {
        policyPresent: false,
        bucketArnCovered: false,
        objectArnCovered: false,
        allPrincipalsCovered: false,
        allActionsCovered: false,
        candidateStatements: [],
        uncovered: [`all ${requirement.offendingRequests}`],
      },
    };
  }
  const parsed = parsePolicy(policy);
  if (parsed.kind === 'invalid') return { kind: 'invalid', message: parsed.message };

  const assessments = parsed.document.statements.map((statement) => assessStatement(statement, target, requirement));
  const counted = assessments.filter((assessment) => assessment.counted);
  const offendingDenies = assessments.filter((assessment) => assessment.deniesEveryOffendingRequest);
  const bucketArnCovered = counted.some((assessment) => assessment.appliesToBucket);
  const objectArnCovered = counted.some((assessment) => assessment.appliesToEveryObject);
  const uncovered = describeGaps(target, requirement, offendingDenies, { bucketArnCovered, objectArnCovered });
  const evidence: CoverageEvidence = {
    policyPresent: true,
    bucketArnCovered,
    objectArnCovered,
    allPrincipalsCovered: offendingDenies.some((assessment) => assessment.appliesToEveryPrincipal),
    allActionsCovered: offendingDenies.some((assessment) => assessment.appliesToEveryAction),
    candidateStatements: assessments.filter((assessment) => assessment.candidate).map(candidateEvidence),
    uncovered,
  };
  if (bucketArnCovered && objectArnCovered) {
    return { kind: 'covered', statements: counted.map((assessment) => assessment.statement.label), evidence };
  }
  return { kind: 'not-covered', reason: notCoveredReason(requirement, offendingDenies, assessments, uncovered), evidence };
}

/**
 * For each resource kind left uncovered, says which dimension let offending requests through: no Deny
 * names the resource; or those that do spare some principals; or, applying to everyone, spare some actions.
 */
function describeGaps(
  target: BucketTarget,
  requirement: DenyRequirement,
  offendingDenies: readonly StatementAssessment[],
  covered: { bucketArnCovered: boolean; objectArnCovered: boolean },
): string[] {
  if (offendingDenies.length === 0) return [`all ${requirement.offendingRequests}`];
  const gaps = new Set<string>();
  const resourceKinds = [
    { covered: covered.bucketArnCovered, arn: target.bucketArn, appliesTo: (a: StatementAssessment) => a.appliesToBucket },
    { covered: covered.objectArnCovered, arn: target.objectArnPattern, appliesTo: (a: StatementAssessment) => a.appliesToEveryObject },
  ];
  for (const kind of resourceKinds.filter((resourceKind) => !resourceKind.covered)) {
    const naming = offendingDenies.filter(kind.appliesTo);
    const forEveryone = naming.filter((assessment) => assessment.appliesToEveryPrincipal);
    if (naming.length === 0) gaps.add(`resource ${kind.arn}`);
    else if (forEveryone.length === 0) naming.forEach((assessment) => gaps.add(principalGap(assessment.statement)));
    else gaps.add(actionGap(forEveryone));
  }
  return [...gaps];
}

function principalGap({ principal }: PolicyStatement): string {
  const names = describeNamedPrincipals(principal) || '(none)';
  return principal.negated ? `principal ${names} (exempted by NotPrincipal)` : `principal other than ${names}`;
}

/**
 * A Deny counts only when it alone covers every S3 action; statements are never combined per action, so
 * a policy that covers the actions only between several statements cannot be confirmed (a cautious FAIL).
 */
const ACTIONS_SPLIT_GAP = 'S3 actions covered only between several statements (each Deny must cover every S3 action on its own to count)';

function actionGap(denies: readonly StatementAssessment[]): string {
  const example = EXAMPLE_S3_ACTIONS.find((action) => !denies.some((deny) => elementAppliesTo(deny.statement.action, action, 'action')));
  return example ? `action ${example}` : ACTIONS_SPLIT_GAP;
}

function notCoveredReason(
  requirement: DenyRequirement,
  offendingDenies: readonly StatementAssessment[],
  assessments: readonly StatementAssessment[],
  uncovered: readonly string[],
): string {
  if (offendingDenies.length > 0) return gapSentences(requirement, uncovered);
  const denies = assessments.filter((assessment) => assessment.statement.effect === 'Deny');
  const details = denies.map((deny) => `${deny.statement.label}: ${deny.whyNotCounted.join('; ')}`);
  if (assessments.some((assessment) => assessment.candidate && assessment.statement.effect === 'Allow')) {
    details.push(`an Allow conditioned on ${requirement.conditionKey} denies nothing`);
  }
  const suffix = details.length > 0 ? ` (${details.join(' | ')})` : '';
  return `No Deny statement in the bucket policy applies to all ${requirement.offendingRequests}${suffix}.`;
}

function gapSentences(requirement: DenyRequirement, uncovered: readonly string[]): string {
  const definite = uncovered.filter((gap) => gap !== ACTIONS_SPLIT_GAP);
  const sentences: string[] = [];
  if (definite.length > 0) sentences.push(`${capitalise(requirement.offendingRequests)} are not denied for ${definite.join('; ')}.`);
  if (definite.length < uncovered.length) {
    sentences.push(
      `No single Deny statement covers every S3 action for ${requirement.offendingRequests}, and statements are not combined per action, so coverage cannot be confirmed.`,
    );
  }
  return sentences.join(' ');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---------------------------------------------------------------------------------------------------
// Remediation: add one Deny statement to the bucket's existing policy
// ---------------------------------------------------------------------------------------------------

/** The Deny statement each bucket-policy rule asks for; each rule adds only its own Sid. */
export interface BucketDenyStatement {
  sid: string;
  /** e.g. `when aws:SecureTransport is false`. */
  when: string;
  condition: { test: string; variable: string; value: string };
  /** Terraform data source that holds the statement. */
  document: string;
  ruleId: string;
}

export const SECURE_TRANSPORT_STATEMENT: BucketDenyStatement = {
  sid: 'DenyInsecureTransport',
  when: `when ${SECURE_TRANSPORT_KEY} is false`,
  condition: { test: 'Bool', variable: SECURE_TRANSPORT_KEY, value: 'false' },
  document: 'deny_insecure_transport',
  ruleId: 's3-bucket-denies-insecure-transport',
};

export const TLS_VERSION_STATEMENT: BucketDenyStatement = {
  sid: 'DenyOldTls',
  when: `when ${TLS_VERSION_KEY} is NumericLessThan 1.2`,
  condition: { test: 'NumericLessThan', variable: TLS_VERSION_KEY, value: '1.2' },
  document: 'deny_old_tls',
  ruleId: 's3-bucket-denies-tls-below-1-2',
};

const BUCKET_DENY_STATEMENTS: readonly BucketDenyStatement[] = [SECURE_TRANSPORT_STATEMENT, TLS_VERSION_STATEMENT];

/** The statement as JSON, for the bucket named `bucket` (`<bucket>` in the remediation text). */
export function bucketDenyStatementJson(statement: BucketDenyStatement, bucket = '<bucket>'): string {
  return JSON.stringify({
    Sid: statement.sid,
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    Condition: { [statement.condition.test]: { [statement.condition.variable]: statement.condition.value } },
  });
}

const EMPTY_POLICY = '{"Version":"2012-10-17","Statement":[]}';

/**
 * get-bucket-policy, then jq replaces a statement with the same Sid or appends the new one (keeping every
 * other statement; `Statement` may be one object), then put-bucket-policy. A bucket without a policy
 * (NoSuchBucketPolicy) starts from an empty one; any other error stops before anything is written.
 */
function mergeCli(statement: BucketDenyStatement): string {
  return [
    'aws s3api get-bucket-policy --bucket <bucket> --query Policy --output text > policy.json 2> get-policy-error.txt \\',
    `  || { grep -q NoSuchBucketPolicy get-policy-error.txt && echo '${EMPTY_POLICY}' > policy.json; } \\`,
    '  || { cat get-policy-error.txt >&2; false; } \\',
    `  && jq --argjson add '${bucketDenyStatementJson(statement)}' \\`,
    `    '.Statement = ([.Statement // [] | if type == "array" then .[] else . end | select(.Sid != $add.Sid)] + [$add])' \\`,
    '    policy.json > merged-policy.json \\',
    '  && aws s3api put-bucket-policy --bucket <bucket> --policy file://merged-policy.json',
  ].join('\n');
}

function statementTerraform(statement: BucketDenyStatement): string {
  return [
    `data "aws_iam_policy_document" "${statement.document}" {`,
    '  statement {',
    `    sid     = "${statement.sid}"`,
    '    effect  = "Deny"',
    '    actions = ["s3:*"]',
    '    principals {',
    '      type        = "*"',
    '      identifiers = ["*"]',
    '    }',
    '    resources = [aws_s3_bucket.recordings.arn, "${aws_s3_bucket.recordings.arn}/*"]',
    '    condition {',
    `      test     = "${statement.condition.test}"`,
    `      variable = "${statement.condition.variable}"`,
    `      values   = ["${statement.condition.value}"]`,
    '    }',
    '  }',
    '}',
  ].join('\n');
}

/** The single bucket policy document, merging the statements it has today with this rule's (and the other rule's, if added). */
function mergedTerraform(statement: BucketDenyStatement): string {
  const others = BUCKET_DENY_STATEMENTS.filter((other) => other !== statement);
  return [
    '# A bucket has one policy: a second aws_s3_bucket_policy for it would replace the first.',
    '# Add the document above to the one your aws_s3_bucket_policy already uses:',
    'data "aws_iam_policy_document" "recordings_bucket" {',
    '  source_policy_documents = [',
    '    data.aws_iam_policy_document.recordings_bucket_current.json, # the statements the policy has today',
    `    data.aws_iam_policy_document.${statement.document}.json,`,
    ...others.map((other) => `    # data.aws_iam_policy_document.${other.document}.json, # keep it if you added it for ${other.ruleId}`),
    '  ]',
    '}',
    '',
    'resource "aws_s3_bucket_policy" "recordings" {',
    '  bucket = aws_s3_bucket.recordings.id',
    '  policy = data.aws_iam_policy_document.recordings_bucket.json',
    '}',
  ].join('\n');
}

/** Console, AWS CLI + jq and Terraform steps that add the statement to the existing bucket policy, never replace it. */
export function bucketDenyRemediation(statement: BucketDenyStatement): RuleMeta['remediation'] {
  return {
    summary: `Add a Deny statement (Sid ${statement.sid}) for all principals and s3:* on the bucket and its objects ${statement.when} to the existing bucket policy, keeping every statement already in it.`,
    console: [
      'Open the S3 console, choose the bucket, then Permissions › Bucket policy › Edit.',
      `Keep every statement already there and add this one to the Statement list (a bucket without a policy starts from ${EMPTY_POLICY}); if a statement with Sid ${statement.sid} exists, replace only that one: ${bucketDenyStatementJson(statement)}`,
      'In the aws-us-gov or aws-cn partition, write the ARNs with arn:aws-us-gov: or arn:aws-cn:. Save changes.',
    ],
    cli: mergeCli(statement),
    terraform: `${statementTerraform(statement)}\n\n${mergedTerraform(statement)}`,
  };
}
