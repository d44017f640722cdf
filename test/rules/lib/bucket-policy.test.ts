import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import {
  bucketDenyRemediation,
  bucketDenyStatementJson,
  evaluateSecureTransportDeny,
  evaluateTlsVersionDeny,
  SECURE_TRANSPORT_STATEMENT,
  TLS_VERSION_STATEMENT,
} from '../../../src/rules/lib/bucket-policy.js';
import type { BucketDenyStatement, TransportVerdict } from '../../../src/rules/lib/bucket-policy.js';
import { parseConditionOperator } from '../../../src/rules/lib/iam-policy.js';
import { globsCover, globsOverlap, patternGlob, patternMatches } from '../../../src/rules/lib/wildcards.js';

const BUCKET = 'recordings-bucket';
const BUCKET_ARN = 'arn:aws:s3:::recordings-bucket';
const OBJECTS_ARN = 'arn:aws:s3:::recordings-bucket/*';
const ACCOUNT_ROOT = 'arn:aws:iam::111122223333:root';

type Json = Record<string, unknown>;

/** Table rows `[name, policy text, expected verdict kind]` reordered so test titles show the name and the verdict in full. */
function cases<Kind extends string>(rows: Array<[string, string, Kind]>): Array<[string, Kind, string]> {
  return rows.map(([name, text, expected]) => [name, expected, text]);
}

const INSECURE = { Bool: { 'aws:SecureTransport': 'false' } };
const OLD_TLS = { NumericLessThan: { 's3:TlsVersion': '1.2' } };

/** The compliant statement of AWS's example; `overrides` replace fields (`undefined` removes one). */
function deny(overrides: Json = {}): Json {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [BUCKET_ARN, OBJECTS_ARN],
    Condition: INSECURE,
    ...overrides,
  };
}

function policy(...statements: Json[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

const transport = (text: string | undefined): TransportVerdict => evaluateSecureTransportDeny(text, BUCKET);
const tls = (text: string | undefined): TransportVerdict => evaluateTlsVersionDeny(text, BUCKET);

function notCovered(verdict: TransportVerdict): Extract<TransportVerdict, { kind: 'not-covered' }> {
  if (verdict.kind !== 'not-covered') throw new Error(`expected not-covered, got ${JSON.stringify(verdict)}`);
  return verdict;
}

function covered(verdict: TransportVerdict): Extract<TransportVerdict, { kind: 'covered' }> {
  if (verdict.kind !== 'covered') throw new Error(`expected covered, got ${JSON.stringify(verdict)}`);
  return verdict;
}

describe('evaluateSecureTransportDeny: verdicts', () => {
  it.each(cases<'covered' | 'not-covered'>([
    // Principals
    ['Deny s3:* for "*" on the bucket and its objects', policy(deny()), 'covered'],
    ['Principal {"AWS":"*"} means everyone', policy(deny({ Principal: { AWS: '*' } })), 'covered'],
    ['Principal {"AWS":["*"]} means everyone', policy(deny({ Principal: { AWS: ['*'] } })), 'covered'],
    ['a Deny for one named principal leaves everyone else', policy(deny({ Principal: { AWS: ACCOUNT_ROOT } })), 'not-covered'],
    ['a Deny for a service principal leaves everyone else', policy(deny({ Principal: { Service: 'connect.amazonaws.com' } })), 'not-covered'],
    ['a Deny with NotPrincipal exempts someone', policy(deny({ Principal: undefined, NotPrincipal: { AWS: ACCOUNT_ROOT } })), 'not-covered'],
    ['a Deny with NotPrincipal "*" applies to no one', policy(deny({ Principal: undefined, NotPrincipal: '*' })), 'not-covered'],
    ['a Deny for "*" and a named principal still applies to everyone', policy(deny({ Principal: { AWS: ['*', ACCOUNT_ROOT] } })), 'covered'],

    // Actions
    ['Action "*" covers every S3 action', policy(deny({ Action: '*' })), 'covered'],
    ['upper-case "S3:*" covers every S3 action (actions are case-insensitive)', policy(deny({ Action: 'S3:*' })), 'covered'],
    ['"s3:?*" covers every S3 action', policy(deny({ Action: 's3:?*' })), 'covered'],
    ['a list with s3:* among others covers every S3 action', policy(deny({ Action: ['s3:GetObject', 's3:*'] })), 'covered'],
    ['Deny s3:PutObject only leaves reads', policy(deny({ Action: 's3:PutObject' })), 'not-covered'],
    ['Deny s3:Get* only leaves writes', policy(deny({ Action: 's3:Get*' })), 'not-covered'],
    ['Deny s3:PutObjectAcl only', policy(deny({ Action: 's3:PutObjectAcl' })), 'not-covered'],
    ['Deny s3:*Object* only leaves bucket actions', policy(deny({ Action: 's3:*Object*' })), 'not-covered'],
    ['NotAction exempting s3:GetObject', policy(deny({ Action: undefined, NotAction: 's3:GetObject' })), 'not-covered'],
    ['NotAction exempting s3:Get* (wildcard)', policy(deny({ Action: undefined, NotAction: 's3:Get*' })), 'not-covered'],
    ['NotAction exempting "*" denies nothing', policy(deny({ Action: undefined, NotAction: '*' })), 'not-covered'],
    ['NotAction exempting only ec2:* still covers every S3 action', policy(deny({ Action: undefined, NotAction: 'ec2:*' })), 'covered'],
    ['NotAction exempting "?3:GetObject" could match s3:GetObject', policy(deny({ Action: undefined, NotAction: '?3:GetObject' })), 'not-covered'],
    ['NotAction exempting only s3:ListAllMyBuckets (no bucket or object resource) still covers every bucket and object action', policy(deny({ Action: undefined, NotAction: 's3:ListAllMyBuckets' })), 'covered'],
    ['NotAction exempting only actions without a bucket or object resource, in any case', policy(deny({ Action: undefined, NotAction: ['S3:listallmybuckets', 's3:GetAccountPublicAccessBlock', 's3:CreateJob'] })), 'covered'],
    ['NotAction exempting s3:ListAllMyBuckets and s3:GetObject leaves s3:GetObject', policy(deny({ Action: undefined, NotAction: ['s3:ListAllMyBuckets', 's3:GetObject'] })), 'not-covered'],
    ['NotAction exempting "s3:ListAllMyBucket*" keeps counting as an exemption (a wildcard could match a bucket action)', policy(deny({ Action: undefined, NotAction: 's3:ListAllMyBucket*' })), 'not-covered'],
    ['NotAction exempting "s3:List*" leaves s3:ListBucket', policy(deny({ Action: undefined, NotAction: 's3:List*' })), 'not-covered'],

    // Resources
    ['"arn:aws:s3:::recordings-bucket*" covers the bucket and its objects', policy(deny({ Resource: 'arn:aws:s3:::recordings-bucket*' })), 'covered'],
    ['Resource "*" covers both', policy(deny({ Resource: '*' })), 'covered'],
    ['"arn:aws:s3:::*" covers both', policy(deny({ Resource: 'arn:aws:s3:::*' })), 'covered'],
    ['"?" wildcards in the bucket name and object pattern', policy(deny({ Resource: ['arn:aws:s3:::recordings-bucke?', 'arn:aws:s3:::recordings-bucke?/*'] })), 'covered'],
    ['objects only leaves bucket-level actions on the bucket ARN', policy(deny({ Resource: OBJECTS_ARN })), 'not-covered'],
    ['bucket ARN only leaves the objects', policy(deny({ Resource: BUCKET_ARN })), 'not-covered'],
    ['a prefix of the objects does not cover every object', policy(deny({ Resource: [BUCKET_ARN, `${BUCKET_ARN}/private/*`] })), 'not-covered'],
    ['another bucket\'s ARN', policy(deny({ Resource: ['arn:aws:s3:::other-bucket', 'arn:aws:s3:::other-bucket/*'] })), 'not-covered'],
    ['a pattern for buckets sharing the name prefix does not match this bucket', policy(deny({ Resource: 'arn:aws:s3:::recordings-bucket-*' })), 'not-covered'],
    ['resources match case-sensitively', policy(deny({ Resource: ['arn:aws:s3:::Recordings-Bucket', 'arn:aws:s3:::Recordings-Bucket/*'] })), 'not-covered'],
    ['NotResource naming another bucket covers this one', policy(deny({ Resource: undefined, NotResource: ['arn:aws:s3:::other-bucket', 'arn:aws:s3:::other-bucket/*'] })), 'covered'],
    ['NotResource naming this bucket\'s objects leaves them', policy(deny({ Resource: undefined, NotResource: OBJECTS_ARN })), 'not-covered'],
    ['NotResource naming one object prefix leaves those objects', policy(deny({ Resource: undefined, NotResource: `${BUCKET_ARN}/public/*` })), 'not-covered'],
    ['NotResource with a policy variable may exempt any object (variable read as a wildcard)', policy(deny({ Resource: undefined, NotResource: `${BUCKET_ARN}/\${aws:username}/*` })), 'not-covered'],
    ['Resource with a policy variable covers no fixed set of objects (variable read literally)', policy(deny({ Resource: [BUCKET_ARN, `${BUCKET_ARN}/\${aws:username}*`] })), 'not-covered'],

    // Conditions
    ['value ["false"] (list)', policy(deny({ Condition: { Bool: { 'aws:SecureTransport': ['false'] } } })), 'covered'],
    ['value false (JSON boolean)', policy(deny({ Condition: { Bool: { 'aws:SecureTransport': false } } })), 'covered'],
    ['lower-case key aws:securetransport (condition keys are case-insensitive)', policy(deny({ Condition: { Bool: { 'aws:securetransport': 'false' } } })), 'covered'],
    ['BoolIfExists (the key is always present for S3, and an absent key would still match)', policy(deny({ Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } } })), 'covered'],
    ['list ["false","true"] counts: values are ORed, so the Deny applies to every request, insecure ones included (not a narrowing condition)', policy(deny({ Condition: { Bool: { 'aws:SecureTransport': ['false', 'true'] } } })), 'covered'],
    ['list ["true","false"] counts the same way (order is irrelevant)', policy(deny({ Condition: { Bool: { 'aws:SecureTransport': ['true', 'false'] } } })), 'covered'],
    ['a Deny with no Condition at all denies every request, insecure ones included', policy(deny({ Condition: undefined })), 'covered'],
    ['value "true" only never matches insecure requests', policy(deny({ Condition: { Bool: { 'aws:SecureTransport': 'true' } } })), 'not-covered'],
    ['value "FALSE" is not counted (cautious: only false and "false" are accepted)', policy(deny({ Condition: { Bool: { 'aws:SecureTransport': 'FALSE' } } })), 'not-covered'],
    ['an extra aws:SourceIp condition narrows the Deny', policy(deny({ Condition: { ...INSECURE, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })), 'not-covered'],
    ['an extra key under the same Bool operator narrows the Deny', policy(deny({ Condition: { Bool: { 'aws:SecureTransport': 'false', 'aws:ViaAWSService': 'false' } } })), 'not-covered'],
    ['operator "bool" is not an IAM operator (operators are case-sensitive)', policy(deny({ Condition: { bool: { 'aws:SecureTransport': 'false' } } })), 'not-covered'],
    ['ForAnyValue:Bool on the single-valued, always-present aws:SecureTransport behaves as Bool', policy(deny({ Condition: { 'ForAnyValue:Bool': { 'aws:SecureTransport': 'false' } } })), 'covered'],
    ['ForAllValues:Bool on aws:SecureTransport behaves as Bool', policy(deny({ Condition: { 'ForAllValues:Bool': { 'aws:SecureTransport': 'false' } } })), 'covered'],
    ['ForAnyValue:BoolIfExists on aws:SecureTransport behaves as Bool', policy(deny({ Condition: { 'ForAnyValue:BoolIfExists': { 'aws:SecureTransport': 'false' } } })), 'covered'],
    ['ForAnyValue:Bool "true" never matches insecure requests', policy(deny({ Condition: { 'ForAnyValue:Bool': { 'aws:SecureTransport': 'true' } } })), 'not-covered'],
    ['Null "false": aws:SecureTransport is always present, so the Deny applies to every request', policy(deny({ Condition: { Null: { 'aws:SecureTransport': 'false' } } })), 'covered'],
    ['Null false (JSON boolean) counts the same way', policy(deny({ Condition: { Null: { 'aws:SecureTransport': false } } })), 'covered'],
    ['Null ["true","false"]: values are ORed, so it holds for every request', policy(deny({ Condition: { Null: { 'aws:SecureTransport': ['true', 'false'] } } })), 'covered'],
    ['Null "true" never holds: the key is always present', policy(deny({ Condition: { Null: { 'aws:SecureTransport': 'true' } } })), 'not-covered'],
    ['NullIfExists is not an IAM operator', policy(deny({ Condition: { NullIfExists: { 'aws:SecureTransport': 'false' } } })), 'not-covered'],
    ['a set qualifier on Null is not counted (cautious)', policy(deny({ Condition: { 'ForAnyValue:Null': { 'aws:SecureTransport': 'false' } } })), 'not-covered'],
    ['Null "false" on another key narrows the Deny', policy(deny({ Condition: { ...INSECURE, Null: { 'aws:SourceVpce': 'false' } } })), 'not-covered'],
    ['StringEquals on aws:SecureTransport is not counted (cautious: only Bool/BoolIfExists)', policy(deny({ Condition: { StringEquals: { 'aws:SecureTransport': 'false' } } })), 'not-covered'],
    ['a Deny on s3:TlsVersion < 1.2 only does not deny plain HTTP', policy(deny({ Condition: OLD_TLS })), 'not-covered'],
    ['SecureTransport and TlsVersion in one statement are ANDed, which narrows it', policy(deny({ Condition: { ...INSECURE, ...OLD_TLS } })), 'not-covered'],

    // Effect and statement shapes
    ['Effect Allow with Bool false denies nothing', policy(deny({ Effect: 'Allow' })), 'not-covered'],
    ['Allow-if-TLS statements only deny nothing', policy(deny({ Sid: 'AllowTls', Effect: 'Allow', Condition: { Bool: { 'aws:SecureTransport': 'true' } } })), 'not-covered'],
    ['Statement as a single object', JSON.stringify({ Version: '2012-10-17', Statement: deny() }), 'covered'],
    ['an empty Statement list', policy(), 'not-covered'],
    ['two statements together: one for the bucket ARN, one for the objects', policy(deny({ Sid: 'Bucket', Resource: BUCKET_ARN }), deny({ Sid: 'Objects', Resource: OBJECTS_ARN })), 'covered'],
    ['two statements that each fall short in a different way do not add up', policy(deny({ Sid: 'Bucket', Resource: BUCKET_ARN, Principal: { AWS: ACCOUNT_ROOT } }), deny({ Sid: 'Objects', Resource: OBJECTS_ARN })), 'not-covered'],
    [
      'actions split between two statements are not combined (cautious: each Deny must cover every S3 action)',
      policy(deny({ Sid: 'Get', Action: 's3:Get*' }), deny({ Sid: 'Rest', Action: undefined, NotAction: 's3:Get*' })),
      'not-covered',
    ],
  ]))('%s → %s', (_name, expected, text) => {
    expect(transport(text).kind).toBe(expected);
  });
});

describe('evaluateSecureTransportDeny: evidence and reasons', () => {
  it('names the counted statements and reports every dimension covered', () => {
    const verdict = covered(transport(policy(deny(), { Sid: 'AllowRole', Effect: 'Allow', Principal: { AWS: ACCOUNT_ROOT }, Action: 's3:GetObject', Resource: OBJECTS_ARN })));
    expect(verdict.statements).toEqual(['DenyInsecureTransport']);
    expect(verdict.evidence).toMatchObject({
      policyPresent: true,
      bucketArnCovered: true,
      objectArnCovered: true,
      allPrincipalsCovered: true,
      allActionsCovered: true,
      uncovered: [],
    });
    // Unrelated Allow statements are not candidates.
    expect(verdict.evidence.candidateStatements).toEqual([
      {
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        principals: '*',
        actions: ['s3:*'],
        resources: [BUCKET_ARN, OBJECTS_ARN],
        conditions: 'Bool aws:SecureTransport "false"',
        counted: true,
      },
    ]);
  });

  it('labels statements without a Sid by their zero-based index', () => {
    const verdict = covered(transport(policy(deny({ Sid: 'Bucket', Resource: BUCKET_ARN }), deny({ Sid: undefined, Resource: OBJECTS_ARN }))));
    expect(verdict.statements).toEqual(['Bucket', '#1']);
  });

  it('objects only: the bucket ARN is reported uncovered', () => {
    const verdict = notCovered(transport(policy(deny({ Resource: OBJECTS_ARN }))));
    expect(verdict.evidence).toMatchObject({ bucketArnCovered: false, objectArnCovered: true, allPrincipalsCovered: true, allActionsCovered: true });
    expect(verdict.evidence.uncovered).toEqual([`resource ${BUCKET_ARN}`]);
    expect(verdict.reason).toBe(`Requests sent without TLS are not denied for resource ${BUCKET_ARN}.`);
  });

  it('bucket ARN only: the objects are reported uncovered', () => {
    const verdict = notCovered(transport(policy(deny({ Resource: BUCKET_ARN }))));
    expect(verdict.evidence).toMatchObject({ bucketArnCovered: true, objectArnCovered: false });
    expect(verdict.evidence.uncovered).toEqual([`resource ${OBJECTS_ARN}`]);
  });

  it('s3:PutObject only: an action left open is named', () => {
    const verdict = notCovered(transport(policy(deny({ Action: 's3:PutObject' }))));
    expect(verdict.evidence).toMatchObject({ allActionsCovered: false, allPrincipalsCovered: true, bucketArnCovered: false, objectArnCovered: false });
    expect(verdict.evidence.uncovered).toEqual(['action s3:GetObject']);
    expect(verdict.evidence.candidateStatements[0]?.whyNotCounted).toBe('actions s3:PutObject do not cover every S3 action');
  });

  it('s3:Get* only: names a write as the open action', () => {
    expect(notCovered(transport(policy(deny({ Action: 's3:Get*' })))).evidence.uncovered).toEqual(['action s3:PutObject']);
  });

  it('NotAction: names the exempted action', () => {
    const verdict = notCovered(transport(policy(deny({ Action: undefined, NotAction: 's3:GetObject' }))));
    expect(verdict.evidence.uncovered).toEqual(['action s3:GetObject']);
    expect(verdict.evidence.candidateStatements[0]).toMatchObject({ actions: { not: ['s3:GetObject'] }, whyNotCounted: 'NotAction exempts s3:GetObject' });
  });

  it('named principal: says who else is not denied', () => {
    const verdict = notCovered(transport(policy(deny({ Principal: { AWS: ACCOUNT_ROOT } }))));
    expect(verdict.evidence.allPrincipalsCovered).toBe(false);
    expect(verdict.evidence.uncovered).toEqual([`principal other than AWS:${ACCOUNT_ROOT}`]);
    expect(verdict.evidence.candidateStatements[0]?.principals).toBe(`AWS:${ACCOUNT_ROOT}`);
  });

  it('NotPrincipal: says who is exempted', () => {
    const verdict = notCovered(transport(policy(deny({ Principal: undefined, NotPrincipal: { AWS: ACCOUNT_ROOT } }))));
    expect(verdict.evidence.uncovered).toEqual([`principal AWS:${ACCOUNT_ROOT} (exempted by NotPrincipal)`]);
    expect(verdict.evidence.candidateStatements[0]).toMatchObject({
      principals: `NotPrincipal AWS:${ACCOUNT_ROOT}`,
      whyNotCounted: `NotPrincipal exempts AWS:${ACCOUNT_ROOT}`,
    });
  });

  it('narrowing condition: explains which condition narrows the Deny', () => {
    const verdict = notCovered(transport(policy(deny({ Sid: 'DenyHttp', Condition: { ...INSECURE, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }))));
    expect(verdict.evidence.uncovered).toEqual(['all requests sent without TLS']);
    expect(verdict.evidence.candidateStatements[0]?.whyNotCounted).toBe('condition IpAddress aws:SourceIp "10.0.0.0/8" narrows the Deny to some requests');
    expect(verdict.reason).toBe(
      'No Deny statement in the bucket policy applies to all requests sent without TLS (DenyHttp: condition IpAddress aws:SourceIp "10.0.0.0/8" narrows the Deny to some requests).',
    );
  });

  it('Allow-if-TLS only: the Allow is listed as a candidate that denies nothing', () => {
    const verdict = notCovered(transport(policy(deny({ Sid: 'AllowTls', Effect: 'Allow', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }))));
    expect(verdict.evidence.candidateStatements).toHaveLength(1);
    expect(verdict.evidence.candidateStatements[0]).toMatchObject({ sid: 'AllowTls', effect: 'Allow', counted: false });
    expect(verdict.evidence.candidateStatements[0]?.whyNotCounted).toContain('Effect is Allow');
    expect(verdict.reason).toContain('an Allow conditioned on aws:SecureTransport denies nothing');
  });

  it('["false","true"] is counted, and the evidence says the Deny applies to every request', () => {
    const verdict = covered(transport(policy(deny({ Condition: { Bool: { 'aws:SecureTransport': ['false', 'true'] } } }))));
    expect(verdict.evidence.candidateStatements[0]?.conditions).toBe(
      'Bool aws:SecureTransport ["false","true"] (also holds for requests sent over TLS: the Deny applies to every request)',
    );
  });

  it('another bucket\'s ARN: both resources uncovered', () => {
    const verdict = notCovered(transport(policy(deny({ Resource: ['arn:aws:s3:::other-bucket', 'arn:aws:s3:::other-bucket/*'] }))));
    expect(verdict.evidence.uncovered).toEqual([`resource ${BUCKET_ARN}`, `resource ${OBJECTS_ARN}`]);
  });

  it('no policy: not covered, policyPresent false', () => {
    const verdict = notCovered(transport(undefined));
    expect(verdict.evidence).toEqual({
      policyPresent: false,
      bucketArnCovered: false,
      objectArnCovered: false,
      allPrincipalsCovered: false,
      allActionsCovered: false,
      candidateStatements: [],
      uncovered: ['all requests sent without TLS'],
    });
    expect(verdict.reason).toBe('The bucket has no bucket policy, so requests sent without TLS are not denied.');
  });

  it('Null "false": the evidence says why the Deny applies to every request', () => {
    const verdict = covered(transport(policy(deny({ Condition: { Null: { 'aws:SecureTransport': 'false' } } }))));
    expect(verdict.evidence.candidateStatements[0]?.conditions).toBe(
      'Null aws:SecureTransport "false" (aws:SecureTransport is always in the request context, so the Deny applies to every request)',
    );
  });

  it('Null "true": explains that it never holds', () => {
    const verdict = notCovered(transport(policy(deny({ Condition: { Null: { 'aws:SecureTransport': 'true' } } }))));
    expect(verdict.evidence.candidateStatements[0]?.whyNotCounted).toBe('condition Null aws:SecureTransport "true" never holds: aws:SecureTransport is always in the request context');
  });

  it('NotAction of actions without a bucket or object resource: counted, and the evidence says why', () => {
    const verdict = covered(transport(policy(deny({ Action: undefined, NotAction: 's3:ListAllMyBuckets' }))));
    expect(verdict.evidence.allActionsCovered).toBe(true);
    expect(verdict.evidence.candidateStatements[0]).toMatchObject({
      actions: { not: ['s3:ListAllMyBuckets'] },
      counted: true,
      note: 'NotAction exempts s3:ListAllMyBuckets, which takes no bucket or object resource (Service Authorization Reference), so every bucket and object action is still denied',
    });
  });

  it('NotAction mixing both kinds: names only the exemption that matters', () => {
    const verdict = notCovered(transport(policy(deny({ Action: undefined, NotAction: ['s3:ListAllMyBuckets', 's3:GetObject'] }))));
    expect(verdict.evidence.uncovered).toEqual(['action s3:GetObject']);
    expect(verdict.evidence.candidateStatements[0]?.whyNotCounted).toBe('NotAction exempts s3:GetObject');
  });

  it('bucket in another partition: the ARN partition is an option', () => {
    const govArn = 'arn:aws-us-gov:s3:::recordings-bucket';
    const text = policy(deny({ Resource: [govArn, `${govArn}/*`] }));
    expect(evaluateSecureTransportDeny(text, BUCKET, { partition: 'aws-us-gov' }).kind).toBe('covered');
    expect(evaluateSecureTransportDeny(text, BUCKET).kind).toBe('not-covered');
  });
});

describe('evaluateSecureTransportDeny: invalid policies', () => {
  it.each<[string, string]>([
    ['text that is not JSON', '{"Version": "2012-10-17", "Statement": ['],
    ['an empty string', ''],
    ['JSON null', 'null'],
    ['a JSON array', '[]'],
    ['an object without Statement', '{"Version": "2012-10-17"}'],
    ['a statement that is not an object', JSON.stringify({ Statement: ['Deny'] })],
    ['Effect "deny" (Effect is case-sensitive)', policy(deny({ Effect: 'deny' }))],
    ['no Principal', policy(deny({ Principal: undefined }))],
    ['both Principal and NotPrincipal', policy(deny({ NotPrincipal: { AWS: ACCOUNT_ROOT } }))],
    ['Principal as a bare ARN string', policy(deny({ Principal: ACCOUNT_ROOT }))],
    ['no Action', policy(deny({ Action: undefined }))],
    ['Action that is a number', policy(deny({ Action: 3 }))],
    ['no Resource', policy(deny({ Resource: undefined }))],
    ['a Condition value that is an object', policy(deny({ Condition: { Bool: { 'aws:SecureTransport': { value: 'false' } } } }))],
  ])('%s → invalid', (_name, text) => {
    const verdict = transport(text);
    expect(verdict.kind).toBe('invalid');
  });

  it.each<[string, string]>([
    ['an unknown top-level element ("statement" is not "Statement")', JSON.stringify({ Version: '2012-10-17', statement: [deny()] })],
    ['an unknown top-level element next to Statement', JSON.stringify({ Version: '2012-10-17', Statement: [deny()], Comment: 'x' })],
    ['an unknown statement element "Conditions"', policy(deny({ Condition: undefined, Conditions: INSECURE }))],
    ['a lower-case statement element "condition"', policy(deny({ Condition: undefined, condition: INSECURE }))],
    ['an unknown Version', JSON.stringify({ Version: '2012-10-18', Statement: [deny()] })],
    ['a Version that is not a string', JSON.stringify({ Version: 2012, Statement: [deny()] })],
    ['a statement without Effect', policy(deny({ Effect: undefined }))],
    ['an Action without a service prefix', policy(deny({ Action: 'GetObject' }))],
    ['a NotAction entry without a service prefix', policy(deny({ Action: undefined, NotAction: ['s3:GetObject', 'ListAllMyBuckets'] }))],
    ['an Action with an empty action name', policy(deny({ Action: 's3:' }))],
    ['a Sid that is not a string', policy(deny({ Sid: 7 }))],
  ])('a policy AWS would refuse is not judged: %s → invalid', (_name, text) => {
    const verdict = transport(text);
    expect(verdict.kind).toBe('invalid');
    expect(verdict.kind === 'invalid' && verdict.message).toMatch(/^not a valid policy: /);
    expect(tls(text).kind).toBe('invalid');
  });

  it.each<[string, string]>([
    ['no Version (IAM then applies 2008-10-17)', JSON.stringify({ Statement: [deny()] })],
    ['Version 2008-10-17', JSON.stringify({ Version: '2008-10-17', Statement: [deny()] })],
    ['an Id next to Version and Statement', JSON.stringify({ Version: '2012-10-17', Id: 'bucket-policy', Statement: [deny()] })],
  ])('a valid document is judged: %s', (_name, text) => {
    expect(transport(text).kind).toBe('covered');
  });

  it('names the offending statement, after "not a valid policy:"', () => {
    expect(transport(policy(deny({ Sid: 'Broken', Effect: 'deny' })))).toEqual({
      kind: 'invalid',
      message: 'not a valid policy: statement Broken has Effect "deny"; IAM accepts only "Allow" or "Deny" (case-sensitive)',
    });
  });

  it('names the unknown element', () => {
    const verdict = transport(policy(deny({ Sid: 'Typo', Condition: undefined, Conditions: INSECURE })));
    expect(verdict.kind === 'invalid' && verdict.message).toBe(
      'not a valid policy: statement Typo has the element "Conditions", which IAM does not know in a statement (it knows Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition; element names are case-sensitive)',
    );
  });
});

describe('evaluateTlsVersionDeny', () => {
  it.each(cases<'covered' | 'not-covered'>([
    ['NumericLessThan "1.2"', policy(deny({ Condition: OLD_TLS })), 'covered'],
    ['NumericLessThan 1.2 (JSON number)', policy(deny({ Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } })), 'covered'],
    ['NumericLessThanIfExists "1.2"', policy(deny({ Condition: { NumericLessThanIfExists: { 's3:TlsVersion': '1.2' } } })), 'covered'],
    ['lower-case key s3:tlsversion', policy(deny({ Condition: { NumericLessThan: { 's3:tlsversion': '1.2' } } })), 'covered'],
    ['NumericLessThan 1.3 also denies everything below 1.2', policy(deny({ Condition: { NumericLessThan: { 's3:TlsVersion': 1.3 } } })), 'covered'],
    ['NumericLessThan 1.1 leaves TLS 1.1 allowed', policy(deny({ Condition: { NumericLessThan: { 's3:TlsVersion': 1.1 } } })), 'not-covered'],
    ['NumericLessThan ["1.1","1.2"]: values are ORed, the largest decides', policy(deny({ Condition: { NumericLessThan: { 's3:TlsVersion': ['1.1', '1.2'] } } })), 'covered'],
    ['NumericLessThanEquals 1.2 denies everything below 1.2', policy(deny({ Condition: { NumericLessThanEquals: { 's3:TlsVersion': '1.2' } } })), 'covered'],
    ['NumericGreaterThan is the wrong direction', policy(deny({ Condition: { NumericGreaterThan: { 's3:TlsVersion': '1.2' } } })), 'not-covered'],
    ['a non-numeric value', policy(deny({ Condition: { NumericLessThan: { 's3:TlsVersion': 'TLSv1.2' } } })), 'not-covered'],
    ['a Deny on aws:SecureTransport only does not deny old TLS', policy(deny()), 'not-covered'],
    ['an extra aws:SourceIp condition narrows the Deny', policy(deny({ Condition: { ...OLD_TLS, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })), 'not-covered'],
    ['a Deny for one named principal', policy(deny({ Condition: OLD_TLS, Principal: { AWS: ACCOUNT_ROOT } })), 'not-covered'],
    ['objects only', policy(deny({ Condition: OLD_TLS, Resource: OBJECTS_ARN })), 'not-covered'],
    ['s3:PutObject only', policy(deny({ Condition: OLD_TLS, Action: 's3:PutObject' })), 'not-covered'],
    ['both rules satisfied by two statements', policy(deny(), deny({ Sid: 'DenyOldTls', Condition: OLD_TLS })), 'covered'],

    // TLS versions are discrete: 1.0, 1.1, 1.2, 1.3
    ['NumericLessThanEquals 1.1 denies 1.0 and 1.1, every version below 1.2', policy(deny({ Condition: { NumericLessThanEquals: { 's3:TlsVersion': 1.1 } } })), 'covered'],
    ['NumericLessThanEquals "1.1" (string)', policy(deny({ Condition: { NumericLessThanEquals: { 's3:TlsVersion': '1.1' } } })), 'covered'],
    ['NumericEquals ["1.0","1.1"] denies every version below 1.2', policy(deny({ Condition: { NumericEquals: { 's3:TlsVersion': ['1.0', '1.1'] } } })), 'covered'],
    ['NumericEquals "1.0" alone leaves TLS 1.1', policy(deny({ Condition: { NumericEquals: { 's3:TlsVersion': '1.0' } } })), 'not-covered'],
    ['NumericEquals ["1.0","TLSv1.1"]: the value that is not a number matches nothing, so TLS 1.1 is left', policy(deny({ Condition: { NumericEquals: { 's3:TlsVersion': ['1.0', 'TLSv1.1'] } } })), 'not-covered'],
    ['NumericLessThan 1.15 denies 1.0 and 1.1', policy(deny({ Condition: { NumericLessThan: { 's3:TlsVersion': 1.15 } } })), 'covered'],
    ['NumericGreaterThanEquals 1.0 denies every version, the old ones included', policy(deny({ Condition: { NumericGreaterThanEquals: { 's3:TlsVersion': '1.0' } } })), 'covered'],
    ['NumericGreaterThan 1.0 leaves TLS 1.0', policy(deny({ Condition: { NumericGreaterThan: { 's3:TlsVersion': '1.0' } } })), 'not-covered'],
    ['NumericNotEquals ["1.2","1.3"]: negated values are NORed, so it holds for 1.0 and 1.1', policy(deny({ Condition: { NumericNotEquals: { 's3:TlsVersion': ['1.2', '1.3'] } } })), 'covered'],
    ['NumericNotEquals ["1.1","1.2"]: NOR leaves TLS 1.1', policy(deny({ Condition: { NumericNotEquals: { 's3:TlsVersion': ['1.1', '1.2'] } } })), 'not-covered'],
    ['NumericNotEquals with a value that is not a number is not counted (cautious)', policy(deny({ Condition: { NumericNotEquals: { 's3:TlsVersion': ['1.2', 'x'] } } })), 'not-covered'],
    ['ForAnyValue:NumericLessThan on s3:TlsVersion is not counted (cautious)', policy(deny({ Condition: { 'ForAnyValue:NumericLessThan': { 's3:TlsVersion': '1.2' } } })), 'not-covered'],
  ]))('%s → %s', (_name, expected, text) => {
    expect(tls(text).kind).toBe(expected);
  });

  it.each<[string, Json, number, 'covered' | 'not-covered']>([
    ['NumericLessThanEquals 1.2 with minimum 1.3', { NumericLessThanEquals: { 's3:TlsVersion': '1.2' } }, 1.3, 'covered'],
    ['NumericEquals ["1.0","1.1"] with minimum 1.3 leaves TLS 1.2', { NumericEquals: { 's3:TlsVersion': ['1.0', '1.1'] } }, 1.3, 'not-covered'],
    ['NumericLessThan 1.1 with minimum 1.1', { NumericLessThan: { 's3:TlsVersion': '1.1' } }, 1.1, 'covered'],
    ['minimum 1.0 leaves no version to deny, so it is never met', { NumericLessThan: { 's3:TlsVersion': '1.2' } }, 1.0, 'not-covered'],
  ])('discrete versions against another minimum: %s → %s', (_name, condition, minimum, expected) => {
    expect(evaluateTlsVersionDeny(policy(deny({ Condition: condition })), BUCKET, minimum).kind).toBe(expected);
  });

  it('a minimum that is not a number is never met', () => {
    expect(evaluateTlsVersionDeny(policy(deny({ Condition: OLD_TLS })), BUCKET, Number.NaN).kind).toBe('not-covered');
  });

  it('TLS 1.2 threshold is not enough when the minimum is 1.3', () => {
    expect(evaluateTlsVersionDeny(policy(deny({ Condition: OLD_TLS })), BUCKET, 1.3).kind).toBe('not-covered');
  });

  it('1.1: explains the threshold is too low', () => {
    const verdict = notCovered(tls(policy(deny({ Sid: 'DenyOldTls', Condition: { NumericLessThan: { 's3:TlsVersion': '1.1' } } }))));
    expect(verdict.evidence.candidateStatements[0]?.whyNotCounted).toBe('condition NumericLessThan s3:TlsVersion "1.1" does not hold for every TLS version below 1.2');
    expect(verdict.reason).toContain('requests using a TLS version below 1.2');
  });

  it('the transport Deny and the TLS Deny are told apart in the evidence', () => {
    const verdict = covered(tls(policy(deny(), deny({ Sid: 'DenyOldTls', Condition: OLD_TLS }))));
    expect(verdict.statements).toEqual(['DenyOldTls']);
    expect(verdict.evidence.candidateStatements.map((candidate) => [candidate.sid, candidate.counted])).toEqual([
      ['DenyInsecureTransport', false],
      ['DenyOldTls', true],
    ]);
  });

  it('no policy: not covered, policyPresent false', () => {
    const verdict = notCovered(tls(undefined));
    expect(verdict.evidence.policyPresent).toBe(false);
    expect(verdict.reason).toBe('The bucket has no bucket policy, so requests using a TLS version below 1.2 are not denied.');
  });

  it('invalid JSON → invalid', () => {
    expect(tls('not json').kind).toBe('invalid');
  });
});

describe('IAM wildcard and operator semantics the evaluators rely on', () => {
  it.each<[string, string, string, 'action' | 'resource', boolean]>([
    ['"*" matches any run, even empty', 'arn:aws:s3:::b*', 'arn:aws:s3:::b', 'resource', true],
    ['"?" matches exactly one character', 'arn:aws:s3:::b?', 'arn:aws:s3:::b', 'resource', false],
    ['"?" matches exactly one character', 'arn:aws:s3:::b?', 'arn:aws:s3:::bc', 'resource', true],
    ['actions match case-insensitively', 'S3:getobject', 's3:GetObject', 'action', true],
    ['resources match case-sensitively', 'arn:aws:s3:::B', 'arn:aws:s3:::b', 'resource', false],
    ['"${*}" is a literal star, not a wildcard', 'arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/x', 'resource', false],
    ['"${*}" is a literal star, not a wildcard', 'arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/*', 'resource', true],
    ['backtracking over several stars', '*a*b*c', 'xxaxxbxxbxxc', 'resource', true],
  ])('%s: %s vs %s', (_name, pattern, value, kind, expected) => {
    expect(patternMatches(pattern, value, kind)).toBe(expected);
  });

  it('coverage is exact for wildcard combinations a naive comparison gets wrong ("*?" covers "?*")', () => {
    expect(globsCover([patternGlob('*?', 'action')], patternGlob('?*', 'action'))).toEqual({ covered: true });
  });

  it('coverage can come from the union of several patterns', () => {
    const everyObject = patternGlob('arn:aws:s3:::b/?*', 'resource');
    expect(globsCover([patternGlob('arn:aws:s3:::b/a*', 'resource')], everyObject).covered).toBe(false);
    expect(globsCover([patternGlob('arn:aws:s3:::b/a*', 'resource'), patternGlob('arn:aws:s3:::b/*', 'resource')], everyObject).covered).toBe(true);
  });

  it('a failed coverage gives an example that escapes', () => {
    const check = globsCover([patternGlob('s3:Get*', 'action')], patternGlob('s3:?*', 'action'));
    expect(check.covered).toBe(false);
    expect(check.covered === false && check.example && patternMatches('s3:Get*', check.example, 'action')).toBe(false);
  });

  it('overlap finds shared words through wildcards on both sides', () => {
    expect(globsOverlap(patternGlob('?3:getobject', 'action'), patternGlob('s3:?*', 'action'))).toBe(true);
    expect(globsOverlap(patternGlob('ec2:*', 'action'), patternGlob('s3:?*', 'action'))).toBe(false);
  });

  it.each(cases<'covered' | 'not-covered'>([
    ['a pattern whose automaton explodes, next to one that covers everything', policy(deny({ Resource: [BUCKET_ARN, `${BUCKET_ARN}/*a${'?'.repeat(25)}`, OBJECTS_ARN] })), 'covered'],
    ['a pattern whose automaton explodes, alone', policy(deny({ Resource: [BUCKET_ARN, `${BUCKET_ARN}/*a${'?'.repeat(25)}`] })), 'not-covered'],
    ['thousands of stars', policy(deny({ Resource: [BUCKET_ARN, `${BUCKET_ARN}/${'*'.repeat(3000)}`] })), 'covered'],
    ['NotResource whose automaton explodes', policy(deny({ Resource: undefined, NotResource: `arn:aws:s3:::*a${'?'.repeat(25)}b` })), 'not-covered'],
  ]))('pathological pattern: %s → %s', (_name, expected, text) => {
    expect(transport(text).kind).toBe(expected);
  });

  it.each<[string, { base: string; ifExists: boolean; setQualifier?: string; recognised: boolean }]>([
    ['Bool', { base: 'Bool', ifExists: false, recognised: true }],
    ['BoolIfExists', { base: 'Bool', ifExists: true, recognised: true }],
    ['ForAnyValue:StringLikeIfExists', { base: 'StringLike', ifExists: true, setQualifier: 'ForAnyValue', recognised: true }],
    ['ForAllValues:StringEquals', { base: 'StringEquals', ifExists: false, setQualifier: 'ForAllValues', recognised: true }],
    ['bool', { base: 'bool', ifExists: false, recognised: false }],
    ['NullIfExists', { base: 'Null', ifExists: true, recognised: false }],
  ])('condition operator %s', (raw, expected) => {
    expect(parseConditionOperator(raw)).toEqual({ raw, ...expected });
  });
});

describe('bucket-policy remediation: merge into the existing policy', () => {
  const TOOLS_PRESENT = ['bash', 'jq'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);

  /** A stand-in for the AWS CLI that keeps the bucket policy in a file, as S3 would. */
  const FAKE_AWS = [
    '#!/usr/bin/env bash',
    'state="$STATE_DIR/policy"',
    'echo "$2" >> "$STATE_DIR/calls"',
    'case "$2" in',
    '  get-bucket-policy)',
    '    if [ -f "$STATE_DIR/denied" ]; then echo "An error occurred (AccessDenied) when calling the GetBucketPolicy operation: Access Denied" >&2; exit 254; fi',
    '    if [ -f "$state" ]; then cat "$state"; else echo "An error occurred (NoSuchBucketPolicy) when calling the GetBucketPolicy operation: The bucket policy does not exist" >&2; exit 254; fi ;;',
    '  put-bucket-policy)',
    '    for arg in "$@"; do case "$arg" in file://*) jq -e . "${arg#file://}" > /dev/null && cp "${arg#file://}" "$state" ;; esac; done ;;',
    'esac',
  ].join('\n');

  function sandbox(existing?: string, options: { denied?: boolean } = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'bucket-policy-fix-'));
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'aws'), FAKE_AWS, { mode: 0o755 });
    if (existing !== undefined) writeFileSync(join(dir, 'policy'), existing);
    if (options.denied) writeFileSync(join(dir, 'denied'), '');
    const run = (statement: BucketDenyStatement) =>
      spawnSync('bash', ['-c', bucketDenyRemediation(statement).cli?.replaceAll('<bucket>', BUCKET) ?? 'false'], {
        cwd: dir,
        env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`, STATE_DIR: dir },
        encoding: 'utf8',
      });
    const current = (): string | undefined => (existsSync(join(dir, 'policy')) ? readFileSync(join(dir, 'policy'), 'utf8') : undefined);
    const calls = (): string[] => (existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n') : []);
    return { run, current, calls, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }

  const ALLOW_CONNECT = { Sid: 'AllowConnect', Effect: 'Allow', Principal: { Service: 'connect.amazonaws.com' }, Action: 's3:PutObject', Resource: OBJECTS_ARN };
  const sids = (text: string | undefined): unknown[] => (JSON.parse(text ?? '{}') as { Statement: Array<{ Sid: string }> }).Statement.map((statement) => statement.Sid);

  it.skipIf(!TOOLS_PRESENT).each<[string, BucketDenyStatement[]]>([
    ['transport, then TLS', [SECURE_TRANSPORT_STATEMENT, TLS_VERSION_STATEMENT]],
    ['TLS, then transport', [TLS_VERSION_STATEMENT, SECURE_TRANSPORT_STATEMENT]],
    ['transport twice, then TLS (the second run replaces its own statement only)', [SECURE_TRANSPORT_STATEMENT, SECURE_TRANSPORT_STATEMENT, TLS_VERSION_STATEMENT]],
  ])('both fixes in any order keep the existing statements and each other (%s)', (_name, order) => {
    const box = sandbox(JSON.stringify({ Version: '2012-10-17', Statement: ALLOW_CONNECT }));
    try {
      for (const statement of order) expect(box.run(statement).status).toBe(0);
      expect(sids(box.current())).toEqual(['AllowConnect', ...new Set(order.map((statement) => statement.sid))]);
      expect(transport(box.current()).kind).toBe('covered');
      expect(tls(box.current()).kind).toBe('covered');
    } finally {
      box.cleanup();
    }
  }, 20_000);

  it.skipIf(!TOOLS_PRESENT)('a bucket without a policy gets one holding the statement', () => {
    const box = sandbox();
    try {
      expect(box.run(SECURE_TRANSPORT_STATEMENT).status).toBe(0);
      expect(sids(box.current())).toEqual(['DenyInsecureTransport']);
      expect(transport(box.current()).kind).toBe('covered');
    } finally {
      box.cleanup();
    }
  }, 20_000);

  it.skipIf(!TOOLS_PRESENT)('a policy that cannot be read is never overwritten', () => {
    const existing = JSON.stringify({ Version: '2012-10-17', Statement: [ALLOW_CONNECT] });
    const box = sandbox(existing, { denied: true });
    try {
      const result = box.run(SECURE_TRANSPORT_STATEMENT);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('AccessDenied');
      expect(box.calls()).toEqual(['get-bucket-policy']);
      expect(box.current()).toBe(existing);
    } finally {
      box.cleanup();
    }
  }, 20_000);

  it.each([SECURE_TRANSPORT_STATEMENT, TLS_VERSION_STATEMENT])('$sid: the summary, console steps and Terraform add to the existing policy', (statement) => {
    const remediation = bucketDenyRemediation(statement);
    expect(remediation.summary).toMatch(/^Add .* to the existing bucket policy/);
    expect(remediation.cli).toMatch(/^aws s3api get-bucket-policy /);
    expect(remediation.cli).toContain('put-bucket-policy');
    expect(remediation.console.join(' ')).toContain('Keep every statement already there');
    expect(remediation.terraform).toContain('source_policy_documents');
    expect(remediation.terraform?.match(/resource "aws_s3_bucket_policy"/g)).toHaveLength(1);
  });

  it('the statement each fix adds satisfies its own rule', () => {
    expect(transport(policy(JSON.parse(bucketDenyStatementJson(SECURE_TRANSPORT_STATEMENT, BUCKET)) as Json)).kind).toBe('covered');
    expect(tls(policy(JSON.parse(bucketDenyStatementJson(TLS_VERSION_STATEMENT, BUCKET)) as Json)).kind).toBe('covered');
  });
});
