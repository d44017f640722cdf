/** Every rule against its case table: pass, fail and the edge cases, through the real engine. */
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/rules/index.js';
import { onlyFinding, runRule } from '../helpers/evidence.js';
import { connectCases } from './cases/connect.js';
import { directoryCases } from './cases/directory.js';
import { encryptionCases } from './cases/encryption.js';
import { storageCases } from './cases/storage.js';
import { accuracyDirectoryCases } from './cases/accuracy-directory.js';
import { accuracyPolicyCases } from './cases/accuracy-policy.js';
import { accuracyStorageCases } from './cases/accuracy-storage.js';
import { accuracyEncryptionCases } from './cases/accuracy-encryption.js';
import { streamsCases } from './cases/streams.js';
import type { RuleCase } from './cases/types.js';

const ALL_CASES: RuleCase[] = [...connectCases, ...storageCases, ...encryptionCases, ...directoryCases, ...accuracyPolicyCases, ...accuracyDirectoryCases, ...accuracyStorageCases, ...accuracyEncryptionCases, ...streamsCases];

/** Rules that report AWS's side of the model (or a known blind spot) and so have no passing/failing pair. */
const SINGLE_VERDICT_RULES: Record<string, string> = {
  'connect-webrtc-media-managed': 'MANAGED',
  'connect-pstn-carrier-managed': 'MANAGED',
  'connect-login-tls-managed': 'MANAGED',
  'connect-oauth-ticket-tls-managed': 'MANAGED',
  'kinesis-transfer-managed': 'MANAGED',
};

describe.each(RULES.map((rule) => [rule.meta.id, rule] as const))('%s', (id) => {
  const cases = ALL_CASES.filter((c) => c.rule.meta.id === id);

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const hop = c.hop ?? c.rule.meta.hops.find((h) => !h.includes('*'));
    const finding = onlyFinding(runRule(c.rule, c.evidence(), c.options), hop);
    expect(finding.status, finding.message).toBe(c.expect);
    expect(finding.ruleId).toBe(id);
    expect(finding.message.length).toBeGreaterThan(10);
    c.check?.(finding);
  });

  it('has a passing and a failing case', () => {
    const verdicts = new Set(cases.map((c) => c.expect));
    if (SINGLE_VERDICT_RULES[id]) {
      expect([...verdicts]).toEqual([SINGLE_VERDICT_RULES[id]]);
      return;
    }
    expect(verdicts.has('PASS')).toBe(true);
    expect(verdicts.has('FAIL')).toBe(true);
  });
});
