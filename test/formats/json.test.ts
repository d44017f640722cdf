import { describe, expect, it } from 'vitest';
import { json } from '../../src/formats/json.js';
import { reportFor } from '../helpers/report.js';
import { DEMO } from '../helpers/cli.js';

const options = { color: false, unicode: true };

describe('json format', () => {
  it('is exactly JSON.stringify(report, null, 2), whether rendered whole or in chunks', () => {
    const report = reportFor(DEMO);
    const whole = json.render(report, options);
    expect(whole).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect([...(json.chunks?.(report, options) ?? [])].join('')).toBe(whole);
  });

  it('keeps the findings in place even when account strings look like the placeholder', () => {
    const report = reportFor(DEMO);
    const hostile = { ...report, instances: report.instances.map((i) => ({ ...i, instanceAlias: '\u0000findings-\u0000' })), findings: report.findings.slice(0, 3) };
    expect(json.render(hostile, options)).toBe(`${JSON.stringify(hostile, null, 2)}\n`);
    const empty = { ...report, findings: [] };
    expect(json.render(empty, options)).toBe(`${JSON.stringify(empty, null, 2)}\n`);
  });
});
