/**
 * (d) Hostile wildcard input (issue 9, item 3), judged in-process: the largest bucket policies S3
 * accepts (20 KB) filled with adversarial Resource, Action, NotResource and NotAction patterns, each
 * judged by both bucket-policy rules (secure transport and TLS version); and a 10,000-character
 * `*a*a…*Z` waiver glob against 2 KB ARNs of `a`s. Each sample judges a policy for a bucket of its
 * own, so no verdict remembered from an earlier sample is reused (patterns that do not name the
 * bucket, such as Action lists, are decided once per run: the median shows that, the slowest sample
 * is the cold one). Target: < 50 ms per case, the cold sample included.
 */
import { applyWaivers } from '../../src/findings/waivers.js';
import type { Finding } from '../../src/report/schema.js';
import { evaluateSecureTransportDeny, evaluateTlsVersionDeny } from '../../src/rules/lib/bucket-policy.js';
import { HOSTILE_BUCKET, HOSTILE_EXPECTED, HOSTILE_SHAPES, hostilePolicy, hostileWaiverGlob, longArns } from './hostile.js';
import { summarise, type Summary } from './measure.js';
import { table } from './table.js';

export const WILDCARD_TARGET_MS = 50;

export interface WildcardCase {
  name: string;
  /** Size of the policy or glob judged. */
  inputBytes: number;
  verdict: string;
  expected: string;
  wallMs: Summary;
}

export interface WildcardResult {
  runs: number;
  cases: WildcardCase[];
  target: string;
  targetMet: boolean;
}

function time(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

function policyCase(shape: (typeof HOSTILE_SHAPES)[number], runs: number): WildcardCase {
  const samples: number[] = [];
  let verdict = '';
  let inputBytes = 0;
  for (let i = 0; i < runs; i++) {
    const bucket = `${HOSTILE_BUCKET}-${shape}-${i}`;
    const policy = hostilePolicy(shape, bucket);
    inputBytes = Math.max(inputBytes, Buffer.byteLength(policy));
    samples.push(
      time(() => {
        verdict = evaluateSecureTransportDeny(policy, bucket).kind;
        evaluateTlsVersionDeny(policy, bucket);
      }),
    );
  }
  return { name: `bucket policy: ${shape}`, inputBytes, verdict, expected: HOSTILE_EXPECTED[shape], wallMs: summarise(samples) };
}

function waiverCase(runs: number): WildcardCase {
  const glob = hostileWaiverGlob();
  const arns = longArns(8, 2048);
  const samples: number[] = [];
  let verdict = '';
  for (let i = 0; i < runs; i++) {
    const findings = arns.map((arn) => ({ ruleId: 'kms-key-enabled', status: 'FAIL', resource: { arn }, instanceArn: `${arn}-${i}` }) as unknown as Finding);
    const waiver = { rule: 'kms-key-enabled', resource: glob, reason: 'hostile', expires: '2099-12-31' };
    samples.push(
      time(() => {
        const waived = applyWaivers(findings, [waiver], new Date()).findings.filter((finding) => finding.status === 'WAIVED').length;
        verdict = `${waived} of ${findings.length} waived`;
      }),
    );
  }
  return {
    name: `waiver glob *a*a…*Z vs ${arns.length} ARNs of ${arns[0]?.length ?? 0} chars`,
    inputBytes: glob.length,
    verdict,
    expected: `0 of ${arns.length} waived`,
    wallMs: summarise(samples),
  };
}

export function benchWildcards(runs: number, log: (line: string) => void): WildcardResult {
  const cases: WildcardCase[] = [];
  for (const shape of HOSTILE_SHAPES) {
    log(`wildcards: ${shape}`);
    cases.push(policyCase(shape, runs));
  }
  log('wildcards: waiver glob');
  cases.push(waiverCase(runs));
  return {
    runs,
    cases,
    target: `every case < ${WILDCARD_TARGET_MS} ms (slowest sample, the cold first one included), with the expected verdict`,
    targetMet: cases.every((c) => c.wallMs.max < WILDCARD_TARGET_MS && c.verdict === c.expected),
  };
}

export function printWildcards(result: WildcardResult): void {
  const rows = result.cases.map((c) => [
    c.name,
    `${(c.inputBytes / 1024).toFixed(1)} KiB`,
    c.verdict === c.expected ? c.verdict : `${c.verdict} (expected ${c.expected})`,
    `${c.wallMs.median.toFixed(1)} ms`,
    `${c.wallMs.max.toFixed(1)} ms`,
  ]);
  const notes = [`target: ${result.target} — ${result.targetMet ? 'met' : 'MISSED'}`];
  process.stdout.write(`${table(`(e) hostile wildcard input judged in-process, ${result.runs} samples each`, ['case', 'input', 'verdict', 'median', 'slowest'], rows, notes)}\n`);
}
