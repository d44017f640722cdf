/**
 * The JUnit file as its consumers read it, with a real XML parser (fast-xml-parser): GitLab keeps only
 * the first test case of a (classname, name) pair and shows `classname` as the suite; Jenkins builds
 * its package/class tree from `classname`; readers of the root `<testsuites>` take its totals.
 */
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { EvidenceDocument } from '../../src/evidence/model.js';
import { loadEvidence } from '../../src/evidence/snapshot.js';
import { junit } from '../../src/formats/junit.js';
import type { Report } from '../../src/report/schema.js';
import { DEMO_EVIDENCE, reportForEvidence } from '../helpers/report.js';
import { cases } from './cases.js';
import { xsdErrors } from './validators.js';

interface Testcase {
  classname: string;
  name: string;
  failure?: unknown;
  error?: unknown;
  skipped?: unknown;
}
interface Testsuite {
  name: string;
  tests: string;
  failures: string;
  errors: string;
  skipped: string;
  time: string;
  testcase?: Testcase[];
}
interface Document {
  testsuites: { name?: string; tests?: string; failures?: string; errors?: string; skipped?: string; time?: string; testsuite?: Testsuite[] };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  htmlEntities: true,
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) => name === 'testsuite' || name === 'testcase' || name === 'property',
});

function read(report: Report): Document {
  return parser.parse(junit.render(report, { color: false, unicode: false })) as Document;
}

const DEMO_INSTANCE = 'a1b2c3d4-0000-4000-8000-000000000001';
const TWIN_INSTANCE = 'a1b2c3d4-0000-4000-8000-000000000009';

/** The demo evidence with a second instance beside `acme-compliant`, storing to the very same buckets and keys. */
function twinInstanceEvidence(alias: string): EvidenceDocument {
  const evidence = loadEvidence(DEMO_EVIDENCE);
  const region = evidence.accounts[0]?.regions.find((r) => r.instances[DEMO_INSTANCE]);
  const original = region?.instances[DEMO_INSTANCE];
  const listed = region?.listInstances;
  if (!region || !original || listed?.status !== 'ok') throw new Error('demo evidence changed shape');
  const twin = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll(DEMO_INSTANCE, TWIN_INSTANCE).replaceAll('"acme-compliant"', JSON.stringify(alias))) as never;
  region.instances[TWIN_INSTANCE] = twin(original);
  listed.response.push(twin(listed.response.find((i) => i.Id === DEMO_INSTANCE)));
  return evidence;
}

/** The demo account twice: a second account with the same instance ids, aliases, bucket names and key ids. */
function twinAccountEvidence(): EvidenceDocument {
  const evidence = loadEvidence(DEMO_EVIDENCE);
  const [account] = evidence.accounts;
  if (!account) throw new Error('demo evidence changed shape');
  evidence.accounts.push(JSON.parse(JSON.stringify(account).replaceAll('111122223333', '444455556666')) as typeof account);
  return evidence;
}

const REPORTS: Array<{ name: string; report: Report }> = [
  ...cases(),
  { name: 'two instances sharing buckets and keys', report: reportForEvidence(twinInstanceEvidence('acme-compliant-twin')) },
  { name: 'two instances sharing buckets, keys and their alias', report: reportForEvidence(twinInstanceEvidence('acme-compliant')) },
  { name: 'two accounts with the same instances, aliases, buckets and key ids', report: reportForEvidence(twinAccountEvidence()) },
];

describe.each(REPORTS)('JUnit read by an XML parser: $name', ({ report }) => {
  const document = read(report);
  const suites = document.testsuites.testsuite ?? [];
  const testcases = suites.flatMap((suite) => suite.testcase ?? []);

  it('has one test case per finding, every (classname, name) pair unique in the file', () => {
    expect(testcases).toHaveLength(report.findings.length);
    const pairs = testcases.map((c) => `${c.classname}\n${c.name}`);
    expect(new Set(pairs).size).toBe(pairs.length);
  });

  it('names each test case class <instance>.<hop>, each instance differently', () => {
    const names = suites.map((suite) => suite.name);
    expect(new Set(names).size).toBe(names.length);
    for (const suite of suites) {
      for (const testcase of suite.testcase ?? []) {
        expect(testcase.classname.startsWith(`${suite.name}.`), testcase.classname).toBe(true);
        expect(report.findings.some((f) => testcase.classname === `${suite.name}.${f.hop}`)).toBe(true);
      }
    }
  });

  it('carries root totals equal to the JSON summary', () => {
    const { counts } = report.summary;
    const root = document.testsuites;
    expect(root.tests).toBe(String(Object.values(counts).reduce((a, b) => a + b, 0)));
    expect(root.failures).toBe(String(counts.FAIL));
    expect(root.errors).toBe(String(counts.ERROR));
    expect(root.time).toBe(((Date.parse(report.run.finishedAt) - Date.parse(report.run.startedAt)) / 1000).toFixed(3));
    // No `skipped` on the root: the Jenkins xUnit schema has none there. Its total is the suites' sum.
    expect(root.skipped).toBeUndefined();
    const sum = (key: 'tests' | 'failures' | 'errors' | 'skipped') => suites.reduce((total, suite) => total + Number(suite[key]), 0);
    expect(sum('tests')).toBe(report.findings.length);
    expect(sum('failures')).toBe(counts.FAIL);
    expect(sum('errors')).toBe(counts.ERROR);
    expect(sum('skipped')).toBe(counts.NOT_APPLICABLE);
    expect(testcases.filter((c) => c.failure !== undefined)).toHaveLength(counts.FAIL);
    expect(testcases.filter((c) => c.error !== undefined)).toHaveLength(counts.ERROR);
    expect(testcases.filter((c) => c.skipped !== undefined)).toHaveLength(counts.NOT_APPLICABLE);
  });

  it('still validates against the Jenkins xUnit schema', async () => {
    expect(await xsdErrors(junit.render(report, { color: false, unicode: false }), 'junit.xsd')).toEqual([]);
  });
});

describe('JUnit instance names', () => {
  it('uses the alias when unique, the instance id when aliases clash, the ARN when ids clash too', () => {
    const twin = read(reportForEvidence(twinInstanceEvidence('acme-compliant-twin'))).testsuites.testsuite?.map((s) => s.name);
    expect(twin).toEqual(expect.arrayContaining(['acme-compliant', 'acme-compliant-twin', 'acme-saml', 'acme-legacy']));
    const sameAlias = read(reportForEvidence(twinInstanceEvidence('acme-compliant'))).testsuites.testsuite?.map((s) => s.name);
    expect(sameAlias).toEqual(expect.arrayContaining([DEMO_INSTANCE, TWIN_INSTANCE, 'acme-saml']));
    expect(sameAlias).not.toContain('acme-compliant');
    const twoAccounts = read(reportForEvidence(twinAccountEvidence())).testsuites.testsuite?.map((s) => s.name) ?? [];
    expect(twoAccounts.length).toBeGreaterThan(0);
    for (const name of twoAccounts) expect(name).toMatch(/^arn:aws:connect:[a-z0-9-]+:(111122223333|444455556666):instance\//);
  });

  it('keeps a test case that would repeat another (a hand-merged report) under a name of its own', () => {
    const base = reportForEvidence(loadEvidence(DEMO_EVIDENCE));
    const [first] = base.findings;
    if (!first) throw new Error('no finding');
    const report: Report = { ...base, findings: [first, { ...first, id: `${first.id}-copy` }, ...base.findings.slice(1)] };
    const names = (read(report).testsuites.testsuite ?? []).flatMap((s) => s.testcase ?? []).map((c) => `${c.classname}\n${c.name}`);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain(`acme-compliant.${first.hop}\n${first.ruleId} ${first.resource.arn} (${first.id}-copy)`);
  });
});
