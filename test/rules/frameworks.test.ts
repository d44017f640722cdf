import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/rules/index.js';
import { FRAMEWORKS, parseFramework } from '../../src/rules/frameworks.js';
import { TOOL_VERSION } from '../../src/version.js';

describe('rule metadata', () => {
  it('freezes the compliance mapping: a change to it must be deliberate (update the snapshot)', () => {
    const mapping = Object.fromEntries(RULES.map((r) => [r.meta.id, r.meta.compliance.map((c) => `${c.framework}: ${c.controls.join(', ')}`)]));
    expect(mapping).toMatchSnapshot();
  });

  it('maps every rule to all five frameworks', () => {
    for (const rule of RULES) expect(rule.meta.compliance.map((c) => c.framework).sort(), rule.meta.id).toEqual(Object.values(FRAMEWORKS).sort());
  });

  it('gives every rule a unique id, a rationale, remediation and an AWS documentation reference', () => {
    expect(new Set(RULES.map((r) => r.meta.id)).size).toBe(RULES.length);
    for (const { meta } of RULES) {
      expect(meta.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(meta.rationale.length, meta.id).toBeGreaterThan(40);
      expect(meta.remediation.summary.length, meta.id).toBeGreaterThan(10);
      expect(meta.references.some((r) => r.startsWith('https://docs.aws.amazon.com/') || r.startsWith('https://repost.aws/')), meta.id).toBe(true);
      if (meta.severity !== 'info') expect(meta.remediation.cli, meta.id).toMatch(/^aws /);
    }
  });

  it('accepts framework names by key or full name', () => {
    expect(parseFramework('pci')).toBe('pci');
    expect(parseFramework('HIPAA Security Rule')).toBe('hipaa');
    expect(parseFramework('gdpr')).toBeUndefined();
  });

  it('keeps the version constant in step with package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(TOOL_VERSION).toBe(pkg.version);
  });
});
