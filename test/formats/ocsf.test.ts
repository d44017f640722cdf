import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { ocsf, OCSF_VERSIONS, parseOcsfVersion } from '../../src/formats/ocsf.js';
import type { FormatOptions } from '../../src/formats/types.js';
import type { Finding } from '../../src/report/schema.js';
import { DEMO_EVIDENCE, INJECTION_EVIDENCE, reportFor } from '../helpers/report.js';
import { cases, CONTROL_CHARACTERS } from './cases.js';
import { ocsfValidators } from './validators.js';

interface OcsfEvent {
  class_uid: number;
  activity_id: number;
  type_uid: number;
  severity_id: number;
  status_id: number;
  status: string;
  status_code: string;
  time: number;
  time_dt: string;
  message: string;
  confidence_id: number;
  metadata: { version: string; profiles: string[]; uid: string; log_name: string; product: { name: string; vendor_name: string; version: string } };
  finding_info: { uid: string; title: string; desc: string; created_time: number; types: string[] };
  compliance: { status_id: number; status: string; standards: string[]; control: string; requirements: string[] };
  cloud: { provider: string; region: string; account: { uid: string } };
  resource?: { uid: string; owner?: { account: { uid: string } } };
  resources?: Array<{ uid: string; role_id: number; owner?: { account: { uid: string } } }>;
  remediation: { desc: string; references: string[] };
}

function options(ocsfVersion: string | undefined): FormatOptions {
  return { color: false, unicode: false, ocsfVersion };
}

function events(text: string): OcsfEvent[] {
  expect(text.endsWith('\n') || text === '').toBe(true);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as OcsfEvent);
}

const SEVERITY_ID = { info: 1, low: 2, medium: 3, high: 4, critical: 5 } as const;
// ERROR → 2 Warning: the reference extract of the class (/work/shared/schemas/ocsf-compliance_finding.reference.json,
// versions.<v>.objects.compliance.attributes.status_id.enum) has `"2": "Warning"` in 1.1.0 and 1.6.0, and OCSF
// describes that value (https://schema.ocsf.io/1.1.0/objects/compliance, status_id) as "Warning: The compliance check did
// not yield a result due to missing information." — what ERROR is.
const COMPLIANCE_STATUS_ID: Record<Exclude<Finding['status'], 'WAIVED'>, number> = { PASS: 1, MANAGED: 1, FAIL: 3, ERROR: 2, NOT_APPLICABLE: 99 };
const STATUS_ID: Record<Finding['status'], number> = { FAIL: 1, ERROR: 1, WAIVED: 3, PASS: 4, MANAGED: 4, NOT_APPLICABLE: 4 };

describe.each(cases())('OCSF for the $name', ({ report }) => {
  describe.each(OCSF_VERSIONS)('version %s', (version) => {
    const text = ocsf.render(report, options(version));
    const list = events(text);
    const { cls, consistency } = ocsfValidators(version);

    it('is one event a line, one per finding, each valid against the class schema and the consistency overlay', () => {
      expect(list).toHaveLength(report.findings.length);
      for (const [index, event] of list.entries()) {
        expect(cls(event), `event ${index}`).toEqual([]);
        expect(consistency(event), `event ${index}`).toEqual([]);
      }
    });

    it('maps every finding: ids, severity, statuses, compliance, cloud, resource, remediation', () => {
      for (const [index, event] of list.entries()) {
        const finding = report.findings[index];
        if (!finding) throw new Error('missing finding');
        expect(event).toMatchObject({ class_uid: 2003, activity_id: 1, type_uid: 200301, severity_id: SEVERITY_ID[finding.severity], status_code: finding.status });
        expect(event.metadata.version).toBe(version);
        expect(event.metadata.profiles).toEqual(['cloud', 'datetime']);
        expect(event.finding_info.uid).toBe(finding.id);
        expect(event.finding_info.title).toBe(finding.title);
        expect(event.status_id).toBe(STATUS_ID[finding.status]);
        const verdict = finding.status === 'WAIVED' ? finding.waiver?.originalStatus ?? 'FAIL' : finding.status;
        expect(event.compliance.status_id).toBe(COMPLIANCE_STATUS_ID[verdict]);
        expect(event.compliance.control).toBe(finding.ruleId);
        expect(event.compliance.standards).toEqual(finding.compliance.map((c) => c.framework));
        expect(event.compliance.requirements).toEqual(finding.compliance.flatMap((c) => c.controls.map((control) => `${c.framework} ${control}`)));
        expect(event.cloud).toMatchObject({ provider: 'AWS', region: finding.resource.region, account: { uid: finding.resource.accountId } });
        expect(event.remediation.references).toEqual(finding.references);
        if (version === '1.1.0') {
          expect(event.resource?.uid).toBe(finding.resource.arn);
          expect(event.resources).toBeUndefined();
        } else {
          expect(event.resources?.[0]).toMatchObject({ uid: finding.resource.arn, role_id: 1 });
          expect(event.resource).toBeUndefined();
        }
      }
    });

    it('gives every event its own metadata.uid, keeps finding_info.uid the stable finding id, and adds the recommended attributes it knows', () => {
      expect(new Set(list.map((event) => event.metadata.uid)).size).toBe(list.length);
      for (const [index, event] of list.entries()) {
        const finding = report.findings[index];
        if (!finding) throw new Error('missing finding');
        expect(event.metadata.uid).toBe(`${report.run.startedAt}/${finding.id}`);
        expect(event.metadata.log_name).toBe('findings');
        expect(event.confidence_id).toBe(finding.status === 'ERROR' || finding.waiver?.originalStatus === 'ERROR' ? 0 : 3);
        const target = version === '1.1.0' ? event.resource : event.resources?.[0];
        const account = /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(finding.resource.arn)?.[1];
        expect(target?.owner).toEqual(account ? { account: { uid: account, type_id: 10, type: 'AWS Account' } } : undefined);
      }
    });

    it('gives times in epoch milliseconds, with matching RFC 3339 datetimes', () => {
      const started = Date.parse(report.run.startedAt);
      for (const event of list) {
        expect(event.time).toBe(started);
        expect(event.time).toBeGreaterThan(1e11);
        expect(event.finding_info.created_time).toBe(started);
        expect(event.time_dt).toBe(new Date(started).toISOString());
      }
    });

    it('carries no control characters in the text a person reads', () => {
      for (const event of list) {
        for (const value of [event.message, event.finding_info.desc, event.finding_info.title, event.remediation.desc]) expect(value).not.toMatch(CONTROL_CHARACTERS);
        expect(event.message).not.toContain('\n');
      }
    });
  });
});

describe('OCSF compliance status of an ERROR', () => {
  it('is 2 Warning with its caption, in both versions, and the event stays open (1 New)', () => {
    const report = reportFor(INJECTION_EVIDENCE);
    expect(report.findings.filter((f) => f.status === 'ERROR').length).toBeGreaterThan(0);
    for (const version of OCSF_VERSIONS) {
      const list = events(ocsf.render(report, options(version))).filter((e) => e.status_code === 'ERROR');
      expect(list.length).toBeGreaterThan(0);
      for (const event of list) {
        expect(event.compliance).toMatchObject({ status_id: 2, status: 'Warning', status_code: 'ERROR' });
        expect(event.status_id).toBe(1);
      }
    }
  });
});

describe('OCSF version', () => {
  it('defaults to 1.1.0 and accepts the supported versions', () => {
    expect(parseOcsfVersion(undefined)).toBe('1.1.0');
    expect(parseOcsfVersion('1.6.0')).toBe('1.6.0');
    expect(events(ocsf.render(reportFor(DEMO_EVIDENCE), options(undefined)))[0]?.metadata.version).toBe('1.1.0');
  });

  it('refuses any other version as an input error', () => {
    for (const bad of ['1.8.0', '1.1', '2.0.0', '', 'latest']) expect(() => parseOcsfVersion(bad)).toThrow(InputError);
    expect(() => ocsf.render(reportFor(DEMO_EVIDENCE), options('1.3.0'))).toThrow(/--ocsf-version 1\.3\.0: expected one of 1\.1\.0, 1\.6\.0/);
  });

  it('validates the same events under both versions only with the right resource attribute', () => {
    const report = reportFor(DEMO_EVIDENCE);
    const legacy = events(ocsf.render(report, options('1.1.0')))[0];
    const current = events(ocsf.render(report, options('1.6.0')))[0];
    expect(ocsfValidators('1.6.0').cls(legacy)).toEqual([]);
    expect(ocsfValidators('1.1.0').cls(current)).not.toEqual([]);
  });
});
