import { describe, expect, it } from 'vitest';
import { worstStatus, type Severity, type Status } from '../../src/findings/status.js';
import { applyWaivers } from '../../src/findings/waivers.js';
import { resultOf } from '../../src/report/exit-code.js';
import type { Finding } from '../../src/report/schema.js';

const finding = (status: Status, severity: Severity, extra: Partial<Finding> = {}): Finding => ({
  id: `${status}-${severity}`,
  ruleId: 'kms-key-enabled',
  title: 't',
  hop: 'voice.recording-at-rest',
  status,
  severity,
  instanceArn: 'arn:aws:connect:eu-central-1:111122223333:instance/x',
  resource: { arn: 'arn:aws:kms:eu-central-1:111122223333:key/k', type: 'AwsKmsKey', accountId: '111122223333', region: 'eu-central-1' },
  message: 'm',
  evidence: {},
  remediation: 'r',
  references: [],
  compliance: [],
  ...extra,
});

describe('statuses and exit codes (SPEC §3)', () => {
  it('a hop is the worst of its findings: FAIL > ERROR > WAIVED > PASS > MANAGED > NOT_APPLICABLE', () => {
    expect(worstStatus(['PASS', 'MANAGED', 'NOT_APPLICABLE'])).toBe('PASS');
    expect(worstStatus(['WAIVED', 'PASS'])).toBe('WAIVED');
    expect(worstStatus(['WAIVED', 'ERROR'])).toBe('ERROR');
    expect(worstStatus(['ERROR', 'FAIL', 'PASS'])).toBe('FAIL');
    expect(worstStatus(['MANAGED', 'NOT_APPLICABLE'])).toBe('MANAGED');
  });

  it.each([
    [[finding('PASS', 'high')], 'low', 0],
    [[finding('FAIL', 'low')], 'low', 1],
    [[finding('FAIL', 'low')], 'medium', 0],
    [[finding('ERROR', 'high')], 'low', 3],
    [[finding('ERROR', 'info')], 'low', 0],
    [[finding('ERROR', 'high'), finding('FAIL', 'medium')], 'low', 1],
    [[finding('ERROR', 'critical'), finding('FAIL', 'medium')], 'high', 3],
    [[finding('WAIVED', 'critical')], 'low', 0],
  ] as Array<[Finding[], Severity, number]>)('%# exit code', (findings, failOn, code) => {
    expect(resultOf(findings, failOn).exitCode).toBe(code);
  });

  it('waivers match by rule and resource glob, and only until their expiry day ends', () => {
    const waiver = { rule: 'kms-key-enabled', resource: 'arn:aws:kms:*:111122223333:key/*', reason: 'r', expires: '2026-11-28' };
    const lastDay = applyWaivers([finding('FAIL', 'high')], [waiver], new Date('2026-11-28T23:00:00Z'));
    expect(lastDay.findings[0]?.status).toBe('WAIVED');
    const after = applyWaivers([finding('FAIL', 'high')], [waiver], new Date('2026-11-29T00:00:01Z'));
    expect(after.findings[0]?.status).toBe('FAIL');
    expect(after.warnings).toHaveLength(1);
    const otherRule = applyWaivers([finding('FAIL', 'high')], [{ ...waiver, rule: 'kms-key-rotation-enabled' }], new Date('2026-01-01T00:00:00Z'));
    expect(otherRule.findings[0]?.status).toBe('FAIL');
    const passIsNotWaived = applyWaivers([finding('PASS', 'high')], [waiver], new Date('2026-01-01T00:00:00Z'));
    expect(passIsNotWaived.findings[0]?.status).toBe('PASS');
  });
});
