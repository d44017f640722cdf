import { describe, expect, it } from 'vitest';
import { junit } from '../../src/formats/junit.js';
import { revealInvisible } from '../../src/formats/escape.js';
import type { FormatOptions } from '../../src/formats/types.js';
import type { Finding } from '../../src/report/schema.js';
import { cases, CONTROL_CHARACTERS, HOSTILE, INVISIBLE_CHARACTERS } from './cases.js';
import { xsdErrors } from './validators.js';

const OPTIONS: FormatOptions = { color: false, unicode: false };

/** Undoes the XML escaping of an attribute value. */
function unescapeXml(value: string): string {
  return value.replace(/&(#\d+|amp|lt|gt|quot|apos);/g, (_, entity: string) =>
    entity.startsWith('#') ? String.fromCharCode(Number(entity.slice(1))) : ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[entity] ?? '',
  );
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match?.[1] === undefined ? undefined : unescapeXml(match[1]);
}

interface ParsedCase {
  classname: string;
  name: string;
  outcome: 'failure' | 'error' | 'skipped' | 'plain';
  tag: string;
}
interface ParsedSuite {
  tag: string;
  cases: ParsedCase[];
}

/** Just enough XML reading for this document's fixed shape (the XSDs check the shape itself). */
function parse(xml: string): ParsedSuite[] {
  return [...xml.matchAll(/(<testsuite [^>]*>)([\s\S]*?)<\/testsuite>/g)].map(([, tag = '', body = '']) => ({
    tag,
    cases: [...body.matchAll(/(<testcase [^>]*?)(\/>|>\s*<(failure|error|skipped)\b([^>]*)>)/g)].map(([, open = '', , child, childAttributes = '']) => ({
      classname: attribute(open, 'classname') ?? '',
      name: attribute(open, 'name') ?? '',
      outcome: (child as ParsedCase['outcome'] | undefined) ?? 'plain',
      tag: `<${child ?? ''}${childAttributes}>`,
    })),
  }));
}

const OUTCOME: Record<Finding['status'], ParsedCase['outcome']> = {
  FAIL: 'failure',
  ERROR: 'error',
  NOT_APPLICABLE: 'skipped',
  PASS: 'plain',
  MANAGED: 'plain',
  WAIVED: 'plain',
};

describe.each(cases())('JUnit XML for the $name', ({ report }) => {
  const xml = junit.render(report, OPTIONS);
  const suites = parse(xml);

  it('validates against the Jenkins xUnit schema (junit.xsd)', async () => {
    expect(await xsdErrors(xml, 'junit.xsd')).toEqual([]);
  });

  it('validates against the strict Apache Ant schema (junit-ant-windyroad.xsd), but for the root totals it has no place for', async () => {
    const bare = xml.replace(/<testsuites [^>]*>/, '<testsuites>');
    expect(bare).not.toBe(xml);
    expect(await xsdErrors(bare, 'junit-ant-windyroad.xsd')).toEqual([]);
  });

  it('has one test suite per instance, with the counts of its findings', () => {
    const instanceArns = [...new Set([...report.instances.map((i) => i.instanceArn), ...report.findings.map((f) => f.instanceArn)])];
    expect(suites).toHaveLength(instanceArns.length);
    for (const [index, suite] of suites.entries()) {
      const instanceArn = instanceArns[index] ?? '';
      const findings = report.findings.filter((f) => f.instanceArn === instanceArn);
      const count = (status: Finding['status']) => String(findings.filter((f) => f.status === status).length);
      expect(attribute(suite.tag, 'tests')).toBe(String(findings.length));
      expect(attribute(suite.tag, 'failures')).toBe(count('FAIL'));
      expect(attribute(suite.tag, 'errors')).toBe(count('ERROR'));
      expect(attribute(suite.tag, 'skipped')).toBe(count('NOT_APPLICABLE'));
      expect(attribute(suite.tag, 'timestamp')).toBe(report.run.startedAt.slice(0, 19));
      expect(suite.cases).toHaveLength(findings.length);
      const instance = report.instances.find((i) => i.instanceArn === instanceArn);
      const name = attribute(suite.tag, 'name') ?? '';
      expect([instanceArn, instance?.instanceId, revealInvisible(instance?.instanceAlias?.replace(/\u001b\[[0-9;]*m/g, '').replace(/\n/g, ' ') ?? '')]).toContain(name);
    }
  });

  it('maps FAIL to failure, ERROR to error, NOT_APPLICABLE to skipped and the rest to a plain test case', () => {
    const instanceArns = [...new Set([...report.instances.map((i) => i.instanceArn), ...report.findings.map((f) => f.instanceArn)])];
    for (const [index, suite] of suites.entries()) {
      const findings = report.findings.filter((f) => f.instanceArn === instanceArns[index]);
      for (const [i, testcase] of suite.cases.entries()) {
        const finding = findings[i];
        if (!finding) throw new Error('missing finding');
        expect(testcase.classname).toBe(`${attribute(suite.tag, 'name') ?? ''}.${finding.hop}`);
        expect(testcase.name).toBe(revealInvisible(`${finding.ruleId} ${finding.resource.arn}`.replace(/\u001b\[[0-9;]*m/g, '')));
        expect(testcase.outcome, `${finding.status} ${finding.ruleId}`).toBe(OUTCOME[finding.status]);
        if (finding.status === 'FAIL') expect(attribute(testcase.tag, 'type')).toBe(finding.severity.toUpperCase());
        if (finding.status !== 'PASS' && finding.status !== 'MANAGED' && finding.status !== 'WAIVED') {
          expect(attribute(testcase.tag, 'message')).toBe(revealInvisible(finding.message.replace(/\u001b\[[0-9;]*m/g, '').replace(/\n/g, ' ')));
        }
      }
    }
    const keys = suites.flatMap((suite) => suite.cases.map((c) => `${c.classname}\n${c.name}`));
    expect(new Set(keys).size).toBe(keys.length);
    expect(xml.match(/<failure /g)?.length ?? 0).toBe(report.summary.counts.FAIL);
    expect(xml.match(/<error /g)?.length ?? 0).toBe(report.summary.counts.ERROR);
    expect(xml.match(/<skipped /g)?.length ?? 0).toBe(report.summary.counts.NOT_APPLICABLE);
  });

  it('escapes account text: no raw markup, no control or invisible characters', () => {
    expect(xml).not.toMatch(CONTROL_CHARACTERS);
    expect(xml).not.toMatch(INVISIBLE_CHARACTERS);
    expect(xml).not.toContain(HOSTILE.script);
    expect(xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '')).not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+);)/);
  });
});

describe('JUnit XML with hostile account strings', () => {
  const injection = cases()[1];
  if (!injection) throw new Error('no injection case');
  const xml = junit.render(injection.report, OPTIONS);

  it('keeps the hostile text, escaped, where a person reads it', () => {
    expect(xml).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(xml).toContain('=HYPERLINK(&quot;http://evil&quot;,&quot;x&quot;)');
    expect(xml).toContain('sid &lt;script&gt;');
  });

  it('lists waived findings in the suite output', () => {
    expect(xml).toMatch(/<system-out>[^<]*WAIVED directory-active/);
  });
});
