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
  concatGlobs,
  conditionKeyIs,
  describeCondition,
  describeConditions,
  describeNamedPrincipals,
  describePrincipal,
  elementAppliesTo,
  elementAppliesToEvery,
  literalGlob,
  matchElementEvidence,
  parsePolicy,
  patternGlob,
  principalIsEveryone,
} from './iam-policy.js';
import type { ConditionEntry, ConditionScalar, Glob, PolicyStatement } from './iam-policy.js';

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

/** Operators must be exactly as IAM spells them; set qualifiers on these single-valued keys are not accepted. */
function operatorProblem(entry: ConditionEntry, accepted: readonly string[]): string | undefined {
  const { operator } = entry;
  const expected = accepted.map((name) => `${name} or ${name}IfExists`).join(', or ');
  if (!operator.recognised) return `condition operator "${operator.raw}" is not an IAM operator (operator names are case-sensitive); expected ${expected}`;
  if (operator.setQualifier) return `condition ${operator.raw} puts a set operator on the single-valued key ${entry.key}; expected ${expected}`;
  if (!accepted.includes(operator.base)) return `condition ${describeCondition(entry)} is not a test the rule accepts; expected ${expected}`;
  return undefined;
}

const isFalse = (value: ConditionScalar): boolean => value === false || value === 'false';
const isTrue = (value: ConditionScalar): boolean => value === true || value === 'true';

function secureTransportProblem(entry: ConditionEntry): string | undefined {
  if (!conditionKeyIs(entry, SECURE_TRANSPORT_KEY)) return narrowingProblem(entry);
  const operatorIssue = operatorProblem(entry, ['Bool']);
  if (operatorIssue) return operatorIssue;
  // Values are ORed: a list holds for insecure requests as soon as it contains false.
  if (!entry.values.some(isFalse)) return `condition ${describeCondition(entry)} never holds for requests sent without TLS`;
  return undefined;
}

function secureTransportNote(entries: readonly ConditionEntry[]): string | undefined {
  const alsoMatchesTls = entries.every((entry) => entry.values.some(isTrue));
  return alsoMatchesTls ? 'also holds for requests sent over TLS: the Deny applies to every request' : undefined;
}

function numericValue(value: ConditionScalar): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

/**
 * `NumericLessThan[IfExists]` (or `...Equals`) with a threshold at or above the minimum denies every
 * version below the minimum. Values are ORed, so the largest threshold decides.
 */
function tlsVersionProblem(entry: ConditionEntry, minimumVersion: number): string | undefined {
  if (!conditionKeyIs(entry, TLS_VERSION_KEY)) return narrowingProblem(entry);
  const operatorIssue = operatorProblem(entry, ['NumericLessThan', 'NumericLessThanEquals']);
  if (operatorIssue) return operatorIssue;
  const thresholds = entry.values.map(numericValue).filter((value): value is number => value !== undefined);
  if (thresholds.length === 0) return `condition ${describeCondition(entry)} has no numeric TLS version`;
  // Written as a negation so that a NaN minimum never counts as met.
  if (!(Math.max(...thresholds) >= minimumVersion)) {
    return `condition ${describeCondition(entry)} does not hold for every TLS version below ${minimumVersion}`;
  }
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
}

function assessStatement(statement: PolicyStatement, target: BucketTarget, requirement: DenyRequirement): StatementAssessment {
  const isDeny = statement.effect === 'Deny';
  const judgement = requirement.judge(statement.conditions);
  const appliesToEveryPrincipal = principalIsEveryone(statement.principal);
  const appliesToEveryAction = elementAppliesToEvery(statement.action, EVERY_S3_ACTION, 'action');
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
  };
}

function principalShortfall({ principal }: PolicyStatement): string {
  if (principal.negated) return `NotPrincipal exempts ${describeNamedPrincipals(principal) || 'some principals'}`;
  return `it applies only to ${describeNamedPrincipals(principal) || 'no principal'}, not to every principal`;
}

function actionShortfall({ action }: PolicyStatement): string {
  if (action.negated) return `NotAction exempts ${action.patterns.join(', ')}`;
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
