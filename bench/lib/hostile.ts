/**
 * Hostile inputs for the wildcard matchers (issue 9, item 3): the largest bucket policies S3 accepts
 * ("Bucket policies are limited to 20 KB in size",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html), filled with patterns
 * that defeat regex backtracking and automaton searches, and a 10,000-character waiver glob.
 * Shared by the benchmark and the tests, so both judge the same inputs.
 */

export const BUCKET_POLICY_LIMIT_BYTES = 20 * 1024;
export const HOSTILE_BUCKET = 'hostile-recordings';

export type HostileShape =
  | 'resource-chain'
  | 'action-chain'
  | 'not-resource-chain'
  | 'not-action-chain'
  | 'mixed'
  | 'covering-lengths'
  | 'almost-covering-lengths';

/** What the secure-transport rule must answer for each shape. */
export const HOSTILE_EXPECTED: Readonly<Record<HostileShape, 'covered' | 'not-covered'>> = {
  'resource-chain': 'not-covered',
  'action-chain': 'not-covered',
  'not-resource-chain': 'not-covered',
  'not-action-chain': 'not-covered',
  mixed: 'not-covered',
  // Deny for every key length 1..k-1 one by one, then `k or more`: every object, every action.
  'covering-lengths': 'covered',
  // The same with one length left out: the objects whose key has that length escape.
  'almost-covering-lengths': 'not-covered',
};

export const HOSTILE_SHAPES = Object.keys(HOSTILE_EXPECTED) as HostileShape[];

const INSECURE = { Bool: { 'aws:SecureTransport': 'false' } };

function denyStatement(sid: string, elements: Record<string, unknown>): Record<string, unknown> {
  return { Sid: sid, Effect: 'Deny', Principal: '*', ...elements, Condition: INSECURE };
}

function policyText(statements: unknown[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** `?*?*?*…`: every `?` forces the automaton to track one more position. */
const chain = (n: number) => '?*'.repeat(n);
/** `*a*a*a…`: a regex built from it backtracks polynomially in the number of stars. */
const starChain = (n: number) => '*a'.repeat(n);
/** `*a??…?`: the subset construction of its automaton has 2^n states. */
const subsetBomb = (n: number) => `*a${'?'.repeat(n)}`;
/** `?`, `??`, …: one pattern per length. */
const lengths = (k: number, skip?: number) => Array.from({ length: k - 1 }, (_, i) => '?'.repeat(i + 1)).filter((q) => q.length !== skip);

function build(shape: HostileShape, n: number, bucket: string): string {
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const objects = (tail: string) => `${bucketArn}/${tail}`;
  switch (shape) {
    case 'resource-chain':
      return policyText([denyStatement('ResourceChain', { Action: 's3:*', Resource: [bucketArn, objects(chain(n))] })]);
    case 'action-chain':
      return policyText([denyStatement('ActionChain', { Action: `s3:${chain(n)}`, Resource: [bucketArn, objects('*')] })]);
    case 'not-resource-chain':
      return policyText([denyStatement('NotResourceChain', { Action: 's3:*', NotResource: objects(chain(n)) })]);
    case 'not-action-chain':
      return policyText([denyStatement('NotActionChain', { NotAction: `s3:${chain(n)}`, Resource: '*' })]);
    case 'mixed': {
      const part = Math.max(1, Math.floor(n / 4));
      const bombs = Array.from({ length: Math.max(1, Math.floor(part / 12)) }, (_, i) => subsetBomb(20 + (i % 5)));
      return policyText([
        denyStatement('Resources', { Action: [`s3:${chain(part)}`, `s3:${starChain(part)}Z`, ...bombs.map((b) => `s3:${b}`)], Resource: [bucketArn, objects(chain(part)), objects(`${starChain(part)}Z`), ...bombs.map(objects)] }),
        denyStatement('Exemptions', { NotAction: [`s3:${chain(part)}`, ...bombs.map((b) => `s3:${b}`)], NotResource: [objects(`${starChain(part)}Z`), ...bombs.map(objects)] }),
      ]);
    }
    case 'covering-lengths':
    case 'almost-covering-lengths': {
      const skip = shape === 'almost-covering-lengths' ? Math.max(1, Math.floor(n / 2)) : undefined;
      const tail = lengths(n, skip);
      return policyText([
        denyStatement('EveryLength', {
          Action: [...tail.map((q) => `s3:${q}`), `s3:${'?'.repeat(n)}*`],
          Resource: [bucketArn, ...tail.map(objects), objects(`${'?'.repeat(n)}*`)],
        }),
      ]);
    }
  }
}

/** The largest policy of this shape within `limitBytes` (UTF-8), for `bucket`. */
export function hostilePolicy(shape: HostileShape, bucket = HOSTILE_BUCKET, limitBytes = BUCKET_POLICY_LIMIT_BYTES): string {
  const size = (n: number) => Buffer.byteLength(build(shape, n, bucket));
  let low = 1;
  let high = 2;
  while (size(high) <= limitBytes) high *= 2;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (size(mid) <= limitBytes) low = mid;
    else high = mid;
  }
  return build(shape, low, bucket);
}

export const HOSTILE_GLOB_LENGTH = 10_000;

/** `*a*a*a…*Z`, `length` characters: as a regex (`.*a.*a…Z`) it backtracks for minutes on a run of `a`s. */
export function hostileWaiverGlob(length = HOSTILE_GLOB_LENGTH): string {
  return `${starChain(Math.floor((length - 2) / 2))}*Z`.slice(-length);
}

/** ARNs that almost match the hostile glob: long runs of `a`, no `Z`. */
export function longArns(count = 8, length = 2048): string[] {
  const prefix = 'arn:aws:s3:::';
  return Array.from({ length: count }, (_, i) => `${prefix}${'a'.repeat(length - prefix.length - 1 - String(i).length)}-${i}`);
}
