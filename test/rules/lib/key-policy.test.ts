import { describe, it, expect } from 'vitest';
import { evaluateKeyPolicyPublic } from '../../../src/rules/lib/key-policy.js';
import type { KeyPolicyOptions, KeyPolicyVerdict } from '../../../src/rules/lib/key-policy.js';

const ACCOUNT = '111122223333';
const ACCOUNT_ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const TRUSTED = '444455556666';
const FOREIGN = '999999999999';
const OPTIONS: KeyPolicyOptions = { keyAccount: ACCOUNT, trustedAccounts: [TRUSTED], partition: 'aws' };

const judge = (text: string | undefined, options: KeyPolicyOptions = OPTIONS): KeyPolicyVerdict => evaluateKeyPolicyPublic(text, options);

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
  it.each(cases<'public' | 'not-public' | 'outside'>([
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
    ['StringEqualsIgnoreCase kms:CallerAccount', withCondition({ StringEqualsIgnoreCase: { 'kms:CallerAccount': ACCOUNT } }), 'not-public'],
    ['condition key in other case: KMS:callerAccount (keys are case-insensitive)', withCondition({ StringEquals: { 'KMS:callerAccount': ACCOUNT } }), 'not-public'],
    ['account id written as a JSON number', withCondition({ StringEquals: { 'kms:CallerAccount': 111122223333 } }), 'not-public'],
    ['ArnLike aws:PrincipalArn with a fixed account and a wildcard role', withCondition({ ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/*` } }), 'not-public'],
    ['ForAnyValue:StringLike aws:PrincipalOrgPaths under a fixed organization', withCondition({ 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*' } }), 'not-public'],
    ['StringEquals kms:CallerAccount naming a trusted account', withCondition({ StringEquals: { 'kms:CallerAccount': TRUSTED } }), 'not-public'],
    ['kms:CallerAccount listing the key account and a trusted one', withCondition({ StringEquals: { 'kms:CallerAccount': [ACCOUNT, TRUSTED] } }), 'not-public'],
    ['ForAnyValue:StringEquals kms:CallerAccount (a match is required)', withCondition({ 'ForAnyValue:StringEquals': { 'kms:CallerAccount': ACCOUNT } }), 'not-public'],
    ['StringEquals aws:PrincipalArn naming the account root', withCondition({ StringEquals: { 'aws:PrincipalArn': ACCOUNT_ROOT } }), 'not-public'],
    ['ArnLike aws:PrincipalArn with a wildcard partition (Arn operators match component by component)', withCondition({ ArnLike: { 'aws:PrincipalArn': `arn:*:iam::${ACCOUNT}:role/*` } }), 'not-public'],
    ['aws:PrincipalArn of another partition matches no caller of this key', withCondition({ ArnEquals: { 'aws:PrincipalArn': `arn:aws-cn:iam::${FOREIGN}:root` } }), 'not-public'],
    ['StringEquals aws:SourceArn naming a resource of the key account', withCondition({ StringEquals: { 'aws:SourceArn': `arn:aws:sns:eu-central-1:${ACCOUNT}:alerts` } }), 'not-public'],
    ['NotPrincipal Allow pinned by kms:CallerAccount', policy(allow({ Principal: undefined, NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:role/Blocked` }, Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } } })), 'not-public'],
    ['kms:ViaService together with kms:CallerAccount', withCondition({ StringEquals: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com', 'kms:CallerAccount': ACCOUNT } }), 'not-public'],
    ['pinned to the key account AND to a foreign one: no caller matches both (conditions are ANDed)', withCondition({ StringEquals: { 'aws:PrincipalAccount': ACCOUNT, 'kms:CallerAccount': FOREIGN } }), 'not-public'],
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
    ['StringLike aws:PrincipalOrgPaths without ForAnyValue: (a multivalued key) is not read as pinning (cautious)', withCondition({ StringLike: { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/*' } }), 'public'],
    ['ForAnyValue:StringLike aws:PrincipalOrgPaths with a wildcard organization', withCondition({ 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': '*/r-ab12/*' } }), 'public'],
    ['StringLike kms:ViaService "*" restricts nothing', withCondition({ StringLike: { 'kms:ViaService': '*' } }), 'public'],
    ['kms:ViaService alone narrows the AWS service, not the caller: public', withCondition({ StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }), 'public'],
    ['aws:SourceVpce narrows the network path, not the caller: public', withCondition({ StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } }), 'public'],
    ['aws:SourceVpc narrows the network path, not the caller: public', withCondition({ StringEquals: { 'aws:SourceVpc': 'vpc-1a2b3c4d' } }), 'public'],
    ['aws:SourceOwner is not a key AWS documents for KMS, so it does not pin the caller (cautious)', withCondition({ StringEquals: { 'aws:SourceOwner': ACCOUNT } }), 'public'],
    ['ArnEquals aws:SourceArn naming a bucket does not show whose bucket it is (S3 ARNs have no account field)', withCondition({ ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::recordings-bucket' } }), 'public'],
    ['StringLike aws:PrincipalArn with a wildcard before the account (a * can run across colons)', withCondition({ StringLike: { 'aws:PrincipalArn': `arn:*:iam::${ACCOUNT}:role/Admin` } }), 'public'],
    ['StringNotLike aws:PrincipalArn excludes some callers, admits the rest', withCondition({ StringNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${FOREIGN}:*` } }), 'public'],
    ['ArnEquals on kms:CallerAccount is not a test that pins an account (cautious)', withCondition({ ArnEquals: { 'kms:CallerAccount': ACCOUNT } }), 'public'],
    ['StringLike aws:PrincipalOrgID "o-*" leaves the organization open', withCondition({ StringLike: { 'aws:PrincipalOrgID': 'o-*' } }), 'public'],
    ['a boolean value pins nothing', withCondition({ StringEquals: { 'kms:CallerAccount': true } }), 'public'],
    ['a public statement next to one granting outside is public', policy(allow({ Sid: 'Outside', Condition: { StringEquals: { 'kms:CallerAccount': FOREIGN } } }), allow()), 'public'],

    // Conditions that pin the caller to a fixed account that is neither the key's nor trusted
    ['StringEquals kms:CallerAccount naming a foreign account grants outside', withCondition({ StringEquals: { 'kms:CallerAccount': FOREIGN } }), 'outside'],
    ['kms:CallerAccount listing the key account and a foreign one grants outside (values are ORed)', withCondition({ StringEquals: { 'kms:CallerAccount': [ACCOUNT, FOREIGN] } }), 'outside'],
    ['aws:PrincipalArn with a foreign account grants outside', withCondition({ ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${FOREIGN}:role/*` } }), 'outside'],
    ['aws:SourceAccount naming a foreign account grants outside', withCondition({ StringEquals: { 'aws:SourceAccount': FOREIGN } }), 'outside'],
    ['kms:ViaService with a foreign kms:CallerAccount grants outside', withCondition({ StringEquals: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com', 'kms:CallerAccount': FOREIGN } }), 'outside'],
    ['one public statement is enough, whatever the others', policy(allow({ Sid: 'Restricted', Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } } }), allow()), 'public'],
  ]))('%s → %s', (_name, expected, text) => {
    expect(judge(text).kind).toBe(expected);
  });
});

describe('evaluateKeyPolicyPublic: evidence', () => {
  it('public: names each Allow to everyone, its verdict, and why its conditions do or do not pin the caller', () => {
    const verdict = judge(
      policy(
        allow({ Sid: 'Restricted', Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } } }),
        allow({ Sid: undefined, Action: ['kms:Decrypt', 'kms:DescribeKey'] }),
        allow({ Sid: 'ViaS3', Action: undefined, NotAction: 'kms:Encrypt', Condition: { StringEquals: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' } } }),
      ),
    );
    expect(verdict).toEqual({
      kind: 'public',
      evidence: {
        keyAccount: ACCOUNT,
        trustedAccounts: [TRUSTED],
        publicStatements: ['#1', 'ViaS3'],
        outsideStatements: [],
        statements: [
          {
            sid: 'Restricted',
            principals: '*',
            actions: ['kms:*'],
            verdict: 'restricted',
            why: `StringEquals kms:CallerAccount "${ACCOUNT}" pins the caller to the key's account ${ACCOUNT}`,
            conditions: [{ condition: `StringEquals kms:CallerAccount "${ACCOUNT}"`, restricts: true, why: `pins the caller to the key's account ${ACCOUNT}` }],
          },
          { sid: '#1', principals: '*', actions: ['kms:Decrypt', 'kms:DescribeKey'], verdict: 'public', why: 'it has no condition, so every AWS principal may use the key', conditions: [] },
          {
            sid: 'ViaS3',
            principals: '*',
            actions: { not: ['kms:Encrypt'] },
            verdict: 'public',
            why: "no condition pins the caller to the key's account, a trusted account or an organization",
            conditions: [
              { condition: 'StringEquals kms:ViaService "s3.eu-central-1.amazonaws.com"', restricts: false, why: 'kms:ViaService narrows the AWS service the request comes through, not the caller' },
            ],
          },
        ],
      },
    });
  });

  it('not-public: AWS-managed-key style is restricted by kms:CallerAccount, not by kms:ViaService', () => {
    const verdict = judge(AWS_MANAGED_STYLE);
    expect(verdict.kind).toBe('not-public');
    expect(verdict.kind !== 'invalid' && verdict.evidence.statements).toEqual([
      {
        sid: 'Allow access through S3 for all principals in the account that are authorized to use S3',
        principals: '*',
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        verdict: 'restricted',
        why: `StringEquals kms:CallerAccount "${ACCOUNT}" pins the caller to the key's account ${ACCOUNT}`,
        conditions: [
          { condition: 'StringEquals kms:ViaService "s3.us-east-1.amazonaws.com"', restricts: false, why: 'kms:ViaService narrows the AWS service the request comes through, not the caller' },
          { condition: `StringEquals kms:CallerAccount "${ACCOUNT}"`, restricts: true, why: `pins the caller to the key's account ${ACCOUNT}` },
        ],
      },
    ]);
  });

  it('not-public: a default key policy has no Allow to everyone to report', () => {
    expect(judge(DEFAULT_KEY_POLICY)).toEqual({
      kind: 'not-public',
      evidence: { keyAccount: ACCOUNT, trustedAccounts: [TRUSTED], publicStatements: [], outsideStatements: [], statements: [] },
    });
  });

  it('only the conditions that pin the caller are marked as restricting', () => {
    const verdict = judge(withCondition({ Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }));
    expect(verdict.kind !== 'invalid' && verdict.evidence.statements[0]?.conditions).toEqual([
      { condition: 'Bool aws:SecureTransport "true"', restricts: false, why: "aws:SecureTransport does not identify the caller's account or organization" },
      { condition: 'StringEquals aws:PrincipalOrgID "o-a1b2c3d4e5"', restricts: true, why: 'pins the caller to organization o-a1b2c3d4e5' },
    ]);
  });

  it('outside: names the accounts that are neither the key account nor trusted', () => {
    const verdict = judge(withCondition({ StringEquals: { 'kms:CallerAccount': [ACCOUNT, FOREIGN] } }, { Sid: 'Partner' }));
    expect(verdict.kind).toBe('outside');
    expect(verdict.kind === 'outside' && verdict.evidence).toMatchObject({
      outsideStatements: ['Partner'],
      statements: [{ sid: 'Partner', verdict: 'outside', outsideAccounts: [FOREIGN], why: `its conditions admit callers of ${FOREIGN}, neither the key's account nor a trusted one` }],
    });
  });

  it.each<[string, Json, string]>([
    ['IfExists', { StringEqualsIfExists: { 'kms:CallerAccount': ACCOUNT } }, 'StringEqualsIfExists also holds for a request without kms:CallerAccount'],
    ['ForAllValues', { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }, 'ForAllValues:StringEquals also holds for a request without aws:PrincipalOrgID'],
    ['a negated operator', { StringNotEquals: { 'kms:CallerAccount': ACCOUNT } }, 'StringNotEquals excludes values and admits every other caller'],
    ['a policy variable', { StringEquals: { 'kms:CallerAccount': '${aws:PrincipalAccount}' } }, 'the value "${aws:PrincipalAccount}" holds a policy variable, which can match any caller'],
    ['a wildcard account', { StringLike: { 'aws:PrincipalAccount': '1111*' } }, 'the value "1111*" leaves the account open'],
    ['an ARN without an account', { ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::recordings-bucket' } }, "the ARN arn:aws:s3:::recordings-bucket names no account, so it does not show that the caller belongs to the key's account"],
    ['aws:SourceVpce', { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } }, "aws:SourceVpce narrows the network path (the VPC endpoint), not the caller's account"],
  ])('says why a condition does not pin the caller: %s', (_name, condition, why) => {
    const verdict = judge(withCondition(condition));
    expect(verdict.kind).toBe('public');
    expect(verdict.kind !== 'invalid' && verdict.evidence.statements[0]?.conditions[0]?.why).toBe(why);
  });

  it('verdicts are remembered per key account, trusted accounts and partition, not per policy text alone', () => {
    const text = withCondition({ StringEquals: { 'kms:CallerAccount': ACCOUNT } });
    expect(judge(text).kind).toBe('not-public');
    expect(judge(text, { ...OPTIONS, keyAccount: TRUSTED, trustedAccounts: [] }).kind).toBe('outside');
    expect(judge(text, { ...OPTIONS, keyAccount: TRUSTED, trustedAccounts: [ACCOUNT] }).kind).toBe('not-public');
    const arnText = withCondition({ ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${FOREIGN}:root` } });
    expect(judge(arnText).kind).toBe('outside');
    expect(judge(arnText, { ...OPTIONS, partition: 'aws-us-gov' }).kind).toBe('not-public');
  });
});

describe('evaluateKeyPolicyPublic: invalid input', () => {
  it('no key policy (undefined) is invalid with message "no key policy": there is nothing to judge', () => {
    expect(judge(undefined)).toEqual({ kind: 'invalid', message: 'no key policy' });
  });

  it.each<[string, string]>([
    ['invalid JSON', '{"Statement": [ {"Effect": "Allow",'],
    ['a JSON string', '"kms:*"'],
    ['an object without Statement', '{"Version": "2012-10-17"}'],
    ['Effect "allow" (Effect is case-sensitive)', policy(allow({ Effect: 'allow' }))],
    ['a statement without Principal', policy(allow({ Principal: undefined }))],
    ['a Principal type whose value is a number', policy(allow({ Principal: { AWS: 42 } }))],
    ['a Condition that is a string', policy(allow({ Condition: 'StringEquals' }))],
    ['an unknown statement element "Conditions"', policy(allow({ Conditions: { StringEquals: { 'kms:CallerAccount': ACCOUNT } } }))],
    ['a lower-case statement element "condition"', policy(allow({ condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } } }))],
    ['an unknown top-level element "statement"', JSON.stringify({ Version: '2012-10-17', statement: [allow()] })],
    ['an unknown Version', JSON.stringify({ Version: '2012-10-17 ', Statement: [allow()] })],
    ['a statement without Effect', policy(allow({ Effect: undefined }))],
    ['an action without a service prefix', policy(allow({ Action: 'Decrypt' }))],
  ])('%s → invalid, "not a valid policy: …"', (_name, text) => {
    const verdict = judge(text);
    expect(verdict.kind).toBe('invalid');
    expect(verdict.kind === 'invalid' && verdict.message).toMatch(/^not a valid policy: /);
  });
});
