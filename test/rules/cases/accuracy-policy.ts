import { expect } from 'vitest';
import { kmsKeyPolicyNotPublic } from '../../../src/rules/encryption/kms-key-policy-not-public.js';
import { bucketDeniesInsecureTransport } from '../../../src/rules/storage/bucket-denies-insecure-transport.js';
import { bucketDeniesOldTls } from '../../../src/rules/storage/bucket-denies-old-tls.js';
import type { Finding } from '../../../src/report/schema.js';
import type { Rule } from '../../../src/rules/types.js';
import { ACCOUNT, BUCKET, changed, INSTANCE_ID, ok, policyDoc } from '../../helpers/evidence.js';
import type { RuleCase } from './types.js';

const FOREIGN = '999999999999';
const TRUSTED = '444455556666';
const GOV_REGION = 'us-gov-west-1';

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------
// Bucket policies
// ---------------------------------------------------------------------------------------------------

/** A Deny of s3:* for everyone on the bucket and its objects; `overrides` replace fields (`undefined` removes one). */
function bucketDeny(overrides: Json = {}, partition = 'aws'): Json {
  const arn = `arn:${partition}:s3:::${BUCKET}`;
  return { Sid: 'Deny', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [arn, `${arn}/*`], ...overrides };
}

const INSECURE = { Bool: { 'aws:SecureTransport': 'false' } };
const OLD_TLS = { NumericLessThan: { 's3:TlsVersion': '1.2' } };

function bucketPolicy(text: string) {
  return changed((p) => {
    p.bucket.policy = ok({ Policy: text });
  });
}

/** The compliant instance moved to GovCloud: its ARN, region and bucket are in aws-us-gov. */
function inGovCloud(text: string) {
  return changed((p) => {
    p.instanceRecord.Arn = `arn:aws-us-gov:connect:${GOV_REGION}:${ACCOUNT}:instance/${INSTANCE_ID}`;
    p.region.region = GOV_REGION;
    p.bucket.location = ok({ LocationConstraint: GOV_REGION });
    p.bucket.policy = ok({ Policy: text });
  });
}

const messageContains = (...parts: string[]) => (f: Finding) => {
  for (const part of parts) expect(f.message).toContain(part);
};

const invalidPolicy = (f: Finding) => {
  expect(f.evidence).toMatchObject({ errorCode: 'InvalidPolicyDocument' });
  expect(String(f.evidence.errorMessage)).toMatch(/^not a valid policy: /);
  expect(f.message).toContain('not a valid policy: ');
};

const mergesIntoExistingPolicy = (f: Finding) => {
  expect(f.remediation).toMatch(/^Add .* to the existing bucket policy/);
};

/** The same case for both TLS bucket-policy rules, with each rule's own condition. */
function forBothBucketRules(make: (rule: Rule, condition: Json) => RuleCase): RuleCase[] {
  return [make(bucketDeniesInsecureTransport, INSECURE), make(bucketDeniesOldTls, OLD_TLS)];
}

const bucketCases: RuleCase[] = [
  // Item 5: a document AWS would refuse is not judged (old: the unknown element was ignored and the Deny counted).
  ...forBothBucketRules((rule, condition) => ({
    rule,
    name: 'issue 8 #5: "Conditions" (unknown statement element) is not a valid policy: ERROR, was PASS',
    evidence: bucketPolicy(policyDoc(bucketDeny({ Conditions: condition }))),
    expect: 'ERROR',
    check: invalidPolicy,
  })),
  ...forBothBucketRules((rule, condition) => ({
    rule,
    name: 'issue 8 #5: lower-case "condition" is not a valid policy: ERROR, was PASS',
    evidence: bucketPolicy(policyDoc(bucketDeny({ condition }))),
    expect: 'ERROR',
    check: invalidPolicy,
  })),
  ...forBothBucketRules((rule, condition) => ({
    rule,
    name: 'issue 8 #5: Version "2012-10-18" is not a valid policy: ERROR, was PASS',
    evidence: bucketPolicy(JSON.stringify({ Version: '2012-10-18', Statement: [bucketDeny({ Condition: condition })] })),
    expect: 'ERROR',
    check: invalidPolicy,
  })),
  ...forBothBucketRules((rule, condition) => ({
    rule,
    name: 'issue 8 #5: an unknown top-level element next to Statement is not a valid policy: ERROR, was PASS',
    evidence: bucketPolicy(JSON.stringify({ Version: '2012-10-17', Statement: [bucketDeny({ Condition: condition })], statement: [] })),
    expect: 'ERROR',
    check: invalidPolicy,
  })),
  ...forBothBucketRules((rule, condition) => ({
    rule,
    name: 'issue 8 #5: an Allow whose action has no service prefix makes the policy invalid: ERROR, was PASS',
    evidence: bucketPolicy(policyDoc(bucketDeny({ Condition: condition }), { Sid: 'Read', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` })),
    expect: 'ERROR',
    check: invalidPolicy,
  })),
  ...forBothBucketRules((rule, condition) => ({
    rule,
    name: 'issue 8 #5: a policy without Version is valid and judged: PASS',
    evidence: bucketPolicy(JSON.stringify({ Statement: [bucketDeny({ Condition: condition })] })),
    expect: 'PASS',
  })),

  // Item 7: the bucket ARN is in the instance's partition.
  ...forBothBucketRules((rule, condition) => ({
    rule,
    name: 'issue 8 #7: a correct GovCloud policy for a GovCloud instance: PASS, was FAIL',
    evidence: inGovCloud(policyDoc(bucketDeny({ Condition: condition }, 'aws-us-gov'))),
    expect: 'PASS',
    check: (f) => expect(f.resource.arn).toBe(`arn:aws-us-gov:s3:::${BUCKET}`),
  })),
  ...forBothBucketRules((rule, condition) => ({
    rule,
    name: 'issue 8 #7: a commercial-ARN policy does not cover a GovCloud bucket: FAIL, was PASS',
    evidence: inGovCloud(policyDoc(bucketDeny({ Condition: condition }))),
    expect: 'FAIL',
    check: (f) => {
      expect(f.evidence).toMatchObject({ bucketArnCovered: false, objectArnCovered: false });
      expect(f.evidence.uncovered).toEqual([`resource arn:aws-us-gov:s3:::${BUCKET}`, `resource arn:aws-us-gov:s3:::${BUCKET}/*`]);
    },
  })),

  // Item 16: IAM semantics that were read too cautiously.
  {
    rule: bucketDeniesInsecureTransport,
    name: 'issue 8 #16: Null {"aws:SecureTransport":"false"} denies every request (the key is always present): PASS, was FAIL',
    evidence: bucketPolicy(policyDoc(bucketDeny({ Condition: { Null: { 'aws:SecureTransport': 'false' } } }))),
    expect: 'PASS',
  },
  {
    rule: bucketDeniesInsecureTransport,
    name: 'issue 8 #16: Null {"aws:SecureTransport":"true"} never holds: FAIL',
    evidence: bucketPolicy(policyDoc(bucketDeny({ Condition: { Null: { 'aws:SecureTransport': 'true' } } }))),
    expect: 'FAIL',
    check: messageContains('never holds'),
  },
  {
    rule: bucketDeniesInsecureTransport,
    name: 'issue 8 #16: ForAnyValue:Bool on aws:SecureTransport behaves as Bool: PASS, was FAIL',
    evidence: bucketPolicy(policyDoc(bucketDeny({ Condition: { 'ForAnyValue:Bool': { 'aws:SecureTransport': 'false' } } }))),
    expect: 'PASS',
  },
  {
    rule: bucketDeniesInsecureTransport,
    name: 'issue 8 #16: ForAllValues:Bool on aws:SecureTransport behaves as Bool: PASS, was FAIL',
    evidence: bucketPolicy(policyDoc(bucketDeny({ Condition: { 'ForAllValues:Bool': { 'aws:SecureTransport': 'false' } } }))),
    expect: 'PASS',
  },
  ...forBothBucketRules((rule, condition) => ({
    rule,
    name: 'issue 8 #16: NotAction exempting only s3:ListAllMyBuckets (no bucket or object resource) covers every bucket and object action: PASS, was FAIL',
    evidence: bucketPolicy(policyDoc(bucketDeny({ Action: undefined, NotAction: 's3:ListAllMyBuckets', Condition: condition }))),
    expect: 'PASS',
    check: (f) => expect(JSON.stringify(f.evidence.candidateStatements)).toContain('takes no bucket or object resource'),
  })),
  ...forBothBucketRules((rule, condition) => ({
    rule,
    name: 'issue 8 #16: NotAction exempting "s3:List*" still leaves bucket actions: FAIL',
    evidence: bucketPolicy(policyDoc(bucketDeny({ Action: undefined, NotAction: 's3:List*', Condition: condition }))),
    expect: 'FAIL',
  })),

  // Item 15: TLS versions are discrete.
  ...(
    [
      ['NumericLessThanEquals 1.1 denies TLS 1.0 and 1.1: PASS, was FAIL', { NumericLessThanEquals: { 's3:TlsVersion': 1.1 } }, 'PASS'],
      ['NumericEquals ["1.0","1.1"] denies TLS 1.0 and 1.1: PASS, was FAIL', { NumericEquals: { 's3:TlsVersion': ['1.0', '1.1'] } }, 'PASS'],
      ['NumericNotEquals ["1.2","1.3"] (negated values are NORed) holds for TLS 1.0 and 1.1: PASS, was FAIL', { NumericNotEquals: { 's3:TlsVersion': ['1.2', '1.3'] } }, 'PASS'],
      ['NumericLessThan "1.2" denies TLS 1.0 and 1.1: PASS', { NumericLessThan: { 's3:TlsVersion': '1.2' } }, 'PASS'],
      ['NumericLessThan 1.3 denies TLS 1.0 and 1.1: PASS', { NumericLessThan: { 's3:TlsVersion': 1.3 } }, 'PASS'],
      ['NumericEquals "1.0" alone leaves TLS 1.1: FAIL', { NumericEquals: { 's3:TlsVersion': '1.0' } }, 'FAIL'],
      ['NumericNotEquals ["1.1","1.2"] leaves TLS 1.1: FAIL', { NumericNotEquals: { 's3:TlsVersion': ['1.1', '1.2'] } }, 'FAIL'],
    ] as const
  ).map(([name, condition, verdict]): RuleCase => ({
    rule: bucketDeniesOldTls,
    name: `issue 8 #15: ${name}`,
    evidence: bucketPolicy(policyDoc(bucketDeny({ Sid: 'DenyOldTls', Condition: condition }))),
    expect: verdict,
  })),

  // Item 18: the fix adds to the existing policy.
  ...forBothBucketRules((rule) => ({
    rule,
    name: 'issue 8 #18: the remediation adds the statement to the existing bucket policy',
    evidence: bucketPolicy(policyDoc({ Sid: 'AllowConnect', Effect: 'Allow', Principal: { Service: 'connect.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/*` })),
    expect: 'FAIL',
    check: mergesIntoExistingPolicy,
  })),
];

// ---------------------------------------------------------------------------------------------------
// Key policies
// ---------------------------------------------------------------------------------------------------

const ROOT_STATEMENT = { Sid: 'EnableIAMUserPermissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' };

function keyPolicyAllowingEveryone(condition: Json | undefined, extra: Json = {}) {
  return changed((p) => {
    const open = { Sid: 'ViaS3', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*', ...(condition ? { Condition: condition } : {}), ...extra };
    p.key.keyPolicy = ok({ Policy: policyDoc(ROOT_STATEMENT, open) });
  });
}

function keyPolicyText(text: string) {
  return changed((p) => {
    p.key.keyPolicy = ok({ Policy: text });
  });
}

/** The key moved to another account (DescribeKey AWSAccountId), with the given policy. */
function keyInAccount(account: string, condition: Json) {
  return changed((p) => {
    const described = p.key.describeKey as { status: 'ok'; response: { KeyMetadata: Record<string, unknown> } };
    described.response.KeyMetadata.AWSAccountId = account;
    p.key.keyPolicy = ok({ Policy: policyDoc({ Sid: 'Shared', Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: condition }) });
  });
}

const VIA_S3 = { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' };

const keyCases: RuleCase[] = [
  // Item 1: kms:ViaService (and network keys) alone do not restrict the caller.
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'issue 8 #1: {"AWS":"*"} with kms:ViaService alone is public: FAIL, was PASS',
    evidence: keyPolicyAllowingEveryone({ StringEquals: VIA_S3 }),
    expect: 'FAIL',
    check: (f) => {
      messageContains('ViaS3', 'kms:ViaService narrows the AWS service the request comes through, not the caller')(f);
      expect(f.evidence).toMatchObject({ publicStatements: ['ViaS3'], keyAccount: ACCOUNT });
    },
  },
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'issue 8 #1: kms:ViaService together with kms:CallerAccount of the key account: PASS',
    evidence: keyPolicyAllowingEveryone({ StringEquals: { ...VIA_S3, 'kms:CallerAccount': ACCOUNT } }),
    expect: 'PASS',
    check: messageContains('ViaS3', `pins the caller to the key's account ${ACCOUNT}`),
  },
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'issue 8 #1: aws:SourceVpce alone is public: FAIL, was PASS',
    evidence: keyPolicyAllowingEveryone({ StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } }),
    expect: 'FAIL',
    check: messageContains('aws:SourceVpce narrows the network path'),
  },
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'issue 8 #1: aws:SourceOwner alone does not pin the caller: FAIL, was PASS',
    evidence: keyPolicyAllowingEveryone({ StringEquals: { 'aws:SourceOwner': ACCOUNT } }),
    expect: 'FAIL',
  },
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'issue 8 #1: NotPrincipal with kms:ViaService alone is public: FAIL, was PASS',
    evidence: keyPolicyAllowingEveryone({ StringEquals: VIA_S3 }, { Principal: undefined, NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:role/Blocked` } }),
    expect: 'FAIL',
  },
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'issue 8 #1: StringEqualsIfExists kms:CallerAccount does not pin the caller: FAIL',
    evidence: keyPolicyAllowingEveryone({ StringEqualsIfExists: { 'kms:CallerAccount': ACCOUNT } }),
    expect: 'FAIL',
  },
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'issue 8 #1: kms:CallerAccount of a foreign account grants outside: FAIL naming the account, was PASS',
    evidence: keyPolicyAllowingEveryone({ StringEquals: { ...VIA_S3, 'kms:CallerAccount': FOREIGN } }),
    expect: 'FAIL',
    check: (f) => {
      messageContains(FOREIGN, 'ViaS3')(f);
      expect(f.evidence).toMatchObject({ outsideStatements: ['ViaS3'], publicStatements: [] });
    },
  },
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'issue 8 #1: aws:PrincipalArn in a foreign account grants outside: FAIL naming the account, was PASS',
    evidence: keyPolicyAllowingEveryone({ ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${FOREIGN}:role/*` } }),
    expect: 'FAIL',
    check: messageContains(FOREIGN),
  },
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'issue 8 #1: kms:CallerAccount of an account listed in trustedKeyAccounts: PASS',
    evidence: keyPolicyAllowingEveryone({ StringEquals: { 'kms:CallerAccount': TRUSTED } }),
    options: { settings: { trustedKeyAccounts: [TRUSTED] } },
    expect: 'PASS',
    check: (f) => expect(f.evidence).toMatchObject({ trustedAccounts: [ACCOUNT, TRUSTED] }),
  },
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'issue 8 #1: a key in a trusted account pinned to its own account: PASS (the key account comes from DescribeKey)',
    evidence: keyInAccount(TRUSTED, { StringEquals: { 'kms:CallerAccount': TRUSTED } }),
    options: { settings: { trustedKeyAccounts: [TRUSTED] } },
    expect: 'PASS',
    check: (f) => expect(f.evidence).toMatchObject({ keyAccount: TRUSTED }),
  },
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'issue 8 #1: a key in an untrusted account pinned to its own account is not public (who owns it is the customer-key rule\'s question): PASS',
    evidence: keyInAccount(FOREIGN, { StringEquals: { 'kms:CallerAccount': FOREIGN } }),
    expect: 'PASS',
    check: (f) => expect(f.evidence).toMatchObject({ keyAccount: FOREIGN }),
  },

  // Item 5: a key policy AWS would refuse is not judged.
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'issue 8 #5: lower-case "condition" is not a valid policy: ERROR, was FAIL',
    evidence: keyPolicyAllowingEveryone(undefined, { condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } } }),
    expect: 'ERROR',
    check: (f) => {
      invalidPolicy(f);
      expect(f.message).toContain('not a valid policy: statement ViaS3 has the element "condition"');
    },
  },
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'issue 8 #5: "Conditions" is not a valid policy: ERROR, was FAIL',
    evidence: keyPolicyAllowingEveryone(undefined, { Conditions: { StringEquals: { 'kms:CallerAccount': ACCOUNT } } }),
    expect: 'ERROR',
    check: invalidPolicy,
  },
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'issue 8 #5: a statement without Effect is not a valid policy: ERROR',
    evidence: keyPolicyText(policyDoc(ROOT_STATEMENT, { Sid: 'NoEffect', Principal: '*', Action: 'kms:Decrypt', Resource: '*' })),
    expect: 'ERROR',
    check: invalidPolicy,
  },
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'issue 8 #5: an unknown Version is not a valid policy: ERROR, was PASS',
    evidence: keyPolicyText(JSON.stringify({ Version: '2012-10-17-draft', Statement: [ROOT_STATEMENT] })),
    expect: 'ERROR',
    check: invalidPolicy,
  },
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'issue 8 #5: an action without a service prefix is not a valid policy: ERROR, was PASS',
    evidence: keyPolicyText(policyDoc({ ...ROOT_STATEMENT, Action: 'Decrypt' })),
    expect: 'ERROR',
    check: invalidPolicy,
  },

  // Item 19: the remediation does not widen access.
  {
    rule: kmsKeyPolicyNotPublic,
    name: 'issue 8 #19: the remediation asks for named principals and kms:ViaService only with kms:CallerAccount',
    evidence: keyPolicyAllowingEveryone(undefined),
    expect: 'FAIL',
    check: (f) => {
      expect(f.remediation).toContain('named principals');
      expect(f.remediation).toContain('kms:ViaService only together with kms:CallerAccount');
    },
  },
];

/** Issue 8 (verdicts against AWS's documentation): old wrong verdict → new right one. */
export const accuracyPolicyCases: RuleCase[] = [...bucketCases, ...keyCases];
