import { describe, it, expect } from 'vitest';
import { evaluateKeyPolicyPublic } from '../../../src/rules/lib/key-policy.js';

const ACCOUNT = '111122223333';
const ACCOUNT_ROOT = `arn:aws:iam::${ACCOUNT}:root`;

type Json = Record<string, unknown>;

/** Table rows `[name, policy text, expected verdict kind]` reordered so test titles show the name and the verdict in full. */
function cases<Kind extends string>(rows: Array<[string, string, Kind]>): Array<[string, Kind, string]> {
  return rows.map(([name, text, expected]) => [name, expected, text]);
}

/** An Allow for everyone with no condition; `overrides` replace fields (`undefined` removes one). */
function allow(overrides: Json = {}): Json {
  return { Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', ...overrides };
}

function policy(...statements: Json[]): string {
  return JSON.stringify({ Version: '2012-10-17', Id: 'key-policy', Statement: statements });
}

const DEFAULT_KEY_POLICY = policy({
  Sid: 'Enable IAM User Permissions',
  Effect: 'Allow',
  Principal: { AWS: ACCOUNT_ROOT },
  Action: 'kms:*',
  Resource: '*',
});

/** The shape of an AWS managed key's policy (e.g. aws/s3): everyone, through one service, from one account. */
const AWS_MANAGED_STYLE = policy(
  allow({
    Sid: 'Allow access through S3 for all principals in the account that are authorized to use S3',
    Principal: { AWS: '*' },
    Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
    Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'kms:CallerAccount': ACCOUNT } },
  }),
  { Sid: 'Allow direct access to key metadata to the account', Effect: 'Allow', Principal: { AWS: ACCOUNT_ROOT }, Action: ['kms:Describe*', 'kms:Get*', 'kms:List*'], Resource: '*' },
);

const withCondition = (condition: Json, overrides: Json = {}): string => policy(allow({ Principal: { AWS: '*' }, Condition: condition, ...overrides }));

describe('evaluateKeyPolicyPublic: verdicts', () => {
  it.each(cases<'public' | 'not-public'>([
    ['typical default key policy (account root principal)', DEFAULT_KEY_POLICY, 'not-public'],
    ['AWS-managed-key style: {"AWS":"*"} with kms:ViaService and kms:CallerAccount', AWS_MANAGED_STYLE, 'not-public'],
    ['Principal "*" Allow with no condition', policy(allow()), 'public'],
    ['Principal {"AWS":"*"} Allow with no condition', policy(allow({ Principal: { AWS: '*' } })), 'public'],
    ['Principal {"AWS":["*"]} Allow with no condition', policy(allow({ Principal: { AWS: ['*'] } })), 'public'],
    ['Allow of a read-only action to "*" is still public', policy(allow({ Action: 'kms:DescribeKey' })), 'public'],
    ['Allow with NotPrincipal grants everyone but the listed principals', policy(allow({ Principal: undefined, NotPrincipal: { AWS: ACCOUNT_ROOT } })), 'public'],
    ['"*" Deny never makes a key public', policy(allow({ Effect: 'Deny' })), 'not-public'],
    ['a service principal is not everyone', policy(allow({ Principal: { Service: 'connect.amazonaws.com' } })), 'not-public'],
    ['an empty Statement list', policy(), 'not-public'],

    // Conditions that restrict the caller
    ['{"AWS":"*"} with StringEquals kms:CallerAccount', withCondition({ StringEquals: { 'kms:CallerAccount': ACCOUNT } }), 'not-public'],
    ['{"AWS":"*"} with StringEquals aws:PrincipalOrgID', withCondition({ StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }), 'not-public'],
    ['StringEquals aws:PrincipalAccount', withCondition({ StringEquals: { 'aws:PrincipalAccount': ACCOUNT } }), 'not-public'],
    ['StringEquals aws:SourceAccount', withCondition({ StringEquals: { 'aws:SourceAccount': ACCOUNT } }), 'not-public'],
    ['StringEquals aws:SourceOwner', withCondition({ StringEquals: { 'aws:SourceOwner': ACCOUNT } }), 'not-public'],
    ['StringEquals aws:SourceVpce', withCondition({ StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } }), 'not-public'],
    ['StringEquals aws:SourceVpc', withCondition({ StringEquals: { 'aws:SourceVpc': 'vpc-1a2b3c4d' } }), 'not-public'],
    ['StringEqualsIgnoreCase kms:CallerAccount', withCondition({ StringEqualsIgnoreCase: { 'kms:CallerAccount': ACCOUNT } }), 'not-public'],
    ['condition key in other case: KMS:callerAccount (keys are case-insensitive)', withCondition({ StringEquals: { 'KMS:callerAccount': ACCOUNT } }), 'not-public'],
    ['account id written as a JSON number', withCondition({ StringEquals: { 'kms:CallerAccount': 111122223333 } }), 'not-public'],
    ['ArnLike aws:PrincipalArn with a fixed account and a wildcard role', withCondition({ ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/*` } }), 'not-public'],
    ['ArnEquals aws:SourceArn naming one bucket (S3 ARNs have no account field)', withCondition({ ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::recordings-bucket' } }), 'not-public'],
    ['ForAnyValue:StringLike aws:PrincipalOrgPaths under a fixed organization', withCondition({ 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*' } }), 'not-public'],
    ['kms:ViaService alone counts as restricting (SPEC §6 lists it)', withCondition({ StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }), 'not-public'],
    ['a restricting condition next to an unrelated one still restricts (conditions are ANDed)', withCondition({ Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'kms:CallerAccount': ACCOUNT } }), 'not-public'],

    // Conditions that do not restrict the caller
    ['"*" with only an aws:SecureTransport condition', policy(allow({ Condition: { Bool: { 'aws:SecureTransport': 'true' } } })), 'public'],
    ['"*" with only an aws:SourceIp condition', policy(allow({ Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })), 'public'],
    ['StringLike aws:PrincipalAccount "*" restricts nothing', withCondition({ StringLike: { 'aws:PrincipalAccount': '*' } }), 'public'],
    ['StringEquals aws:PrincipalAccount "*" is read as restricting nothing too (cautious)', withCondition({ StringEquals: { 'aws:PrincipalAccount': '*' } }), 'public'],
    ['StringLike aws:PrincipalAccount "1111*" leaves accounts the owner does not control', withCondition({ StringLike: { 'aws:PrincipalAccount': '1111*' } }), 'public'],
    ['values are ORed: ["111122223333","*"] restricts nothing', withCondition({ StringLike: { 'kms:CallerAccount': [ACCOUNT, '*'] } }), 'public'],
    ['a policy variable can compare the caller with itself', withCondition({ StringEquals: { 'kms:CallerAccount': '${aws:PrincipalAccount}' } }), 'public'],
    ['StringEqualsIfExists does not restrict: a request without the key passes', withCondition({ StringEqualsIfExists: { 'kms:CallerAccount': ACCOUNT } }), 'public'],
    ['ArnLikeIfExists does not restrict: a request without the key passes', withCondition({ ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:s3:::recordings-bucket' } }), 'public'],
    ['ForAllValues: does not restrict: an absent or empty key passes', withCondition({ 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }), 'public'],
    ['StringNotEquals kms:CallerAccount excludes one account, admits the rest', withCondition({ StringNotEquals: { 'kms:CallerAccount': ACCOUNT } }), 'public'],
    ['operator "stringequals" is not an IAM operator (operators are case-sensitive)', withCondition({ stringequals: { 'kms:CallerAccount': ACCOUNT } }), 'public'],
    ['ArnLike aws:PrincipalArn with a wildcard account', withCondition({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Admin' } }), 'public'],
    ['ArnLike aws:SourceArn "arn:aws:s3:::*" matches any bucket', withCondition({ ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } }), 'public'],
    ['ForAnyValue:StringLike aws:PrincipalOrgPaths with a wildcard organization', withCondition({ 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': '*/r-ab12/*' } }), 'public'],
    ['StringLike kms:ViaService "*" restricts nothing', withCondition({ StringLike: { 'kms:ViaService': '*' } }), 'public'],
    ['one public statement is enough, whatever the others', policy(allow({ Sid: 'Restricted', Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } } }), allow()), 'public'],
  ]))('%s → %s', (_name, expected, text) => {
    expect(evaluateKeyPolicyPublic(text).kind).toBe(expected);
  });
});

describe('evaluateKeyPolicyPublic: evidence', () => {
  it('public: lists the public statements with their actions, and the restricted ones with what restricts them', () => {
    const verdict = evaluateKeyPolicyPublic(
      policy(
        allow({ Sid: 'Restricted', Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } } }),
        allow({ Sid: undefined, Action: ['kms:Decrypt', 'kms:DescribeKey'] }),
        allow({ Sid: 'AllButEncrypt', Action: undefined, NotAction: 'kms:Encrypt' }),
      ),
    );
    expect(verdict).toEqual({
      kind: 'public',
      evidence: {
        publicStatements: [
          { sid: '#1', actions: ['kms:Decrypt', 'kms:DescribeKey'] },
          { sid: 'AllButEncrypt', actions: { not: ['kms:Encrypt'] } },
        ],
        restrictedStatements: [{ sid: 'Restricted', restrictedBy: [`StringEquals kms:CallerAccount "${ACCOUNT}"`] }],
      },
    });
  });

  it('not-public: AWS-managed-key style names both restricting conditions', () => {
    expect(evaluateKeyPolicyPublic(AWS_MANAGED_STYLE)).toEqual({
      kind: 'not-public',
      evidence: {
        publicStatements: [],
        restrictedStatements: [
          {
            sid: 'Allow access through S3 for all principals in the account that are authorized to use S3',
            restrictedBy: ['StringEquals kms:ViaService "s3.us-east-1.amazonaws.com"', `StringEquals kms:CallerAccount "${ACCOUNT}"`],
          },
        ],
      },
    });
  });

  it('not-public: a default key policy has nothing public or restricted to report', () => {
    expect(evaluateKeyPolicyPublic(DEFAULT_KEY_POLICY)).toEqual({ kind: 'not-public', evidence: { publicStatements: [], restrictedStatements: [] } });
  });

  it('only the conditions that restrict are listed as restricting', () => {
    const verdict = evaluateKeyPolicyPublic(withCondition({ Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }));
    expect(verdict.kind === 'not-public' && verdict.evidence.restrictedStatements).toEqual([
      { sid: 'Open', restrictedBy: ['StringEquals aws:PrincipalOrgID "o-a1b2c3d4e5"'] },
    ]);
  });
});

describe('evaluateKeyPolicyPublic: invalid input', () => {
  it('no key policy (undefined) is invalid with message "no key policy": there is nothing to judge', () => {
    expect(evaluateKeyPolicyPublic(undefined)).toEqual({ kind: 'invalid', message: 'no key policy' });
  });

  it.each<[string, string]>([
    ['invalid JSON', '{"Statement": [ {"Effect": "Allow",'],
    ['a JSON string', '"kms:*"'],
    ['an object without Statement', '{"Version": "2012-10-17"}'],
    ['Effect "allow" (Effect is case-sensitive)', policy(allow({ Effect: 'allow' }))],
    ['a statement without Principal', policy(allow({ Principal: undefined }))],
    ['a Principal type whose value is a number', policy(allow({ Principal: { AWS: 42 } }))],
    ['a Condition that is a string', policy(allow({ Condition: 'StringEquals' }))],
  ])('%s → invalid', (_name, text) => {
    const verdict = evaluateKeyPolicyPublic(text);
    expect(verdict.kind).toBe('invalid');
    expect(verdict.kind === 'invalid' && verdict.message.length).toBeGreaterThan(0);
  });
});
