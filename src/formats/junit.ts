/**
 * JUnit XML for CI test reports (GitLab, Jenkins, Azure DevOps, …): one `<testsuite>` per Connect
 * instance, one `<testcase>` per finding.
 *
 * - `FAIL` → `<failure type="SEVERITY">`, `ERROR` → `<error type="ErrorCode">`, `NOT_APPLICABLE` →
 *   `<skipped>`; `PASS`, `MANAGED` and `WAIVED` are plain test cases (waivers are listed in the suite's
 *   `<system-out>`: the strict Ant schema allows no `<system-out>` inside a test case).
 * - `classname` is `<instance>.<hop>` (the instance's alias, else its id, else its ARN: see
 *   `instanceNamer`), so Jenkins' package/class tree and GitLab's suite column show the instance; `name`
 *   is rule id + resource ARN. (classname, name) is unique within the file, also when two instances
 *   share a bucket or key (GitLab keeps only the first of duplicates and shows `classname` as the suite).
 * - The root `<testsuites>` carries the file's totals (see `rootTotals`).
 * - The document validates against the Jenkins xUnit schema (`junit-10.xsd`) and, but for the root's
 *   totals, the strict Apache Ant schema: per suite `package`, `id`, `hostname`, a time-zone-less
 *   `timestamp`, `<properties>`, the test cases, `<system-out>` and `<system-err>` in that order, and
 *   `time` on every test case with at most three decimals.
 * - The report does not time rules one by one: test cases take `time="0"`; a suite's time is the run's.
 * - JUnit reports do not gate a job by themselves: the exit code does.
 * - Plan mode: neither schema allows `file` or `line` on a test case (the xUnit schema has `file` on
 *   the suite only), so a finding's `file:line` and resource address are a `Source:` line of the
 *   failure or error text.
 */
import type { Finding, HopResult, InstanceInfo, Report } from '../report/schema.js';
import { oneLine, xmlAttr, xmlText } from './escape.js';
import { sourceLabel } from './source.js';
import { findingsOf, firstByArn, hopsOf, indexReport, streamingFormatter } from './stream.js';

const PACKAGE = 'connect-netpath-audit';

interface Suite {
  instanceArn: string;
  instance: InstanceInfo | undefined;
  findings: readonly Finding[];
  hops: readonly HopResult[];
}

/** One suite per instance, then one per instance ARN that only findings name, in report order. */
function suitesOf(report: Report): Suite[] {
  const index = indexReport(report);
  const instances = firstByArn(report.instances);
  const arns = new Set([...instances.keys(), ...index.findings.keys()]);
  return [...arns].map((instanceArn) => ({ instanceArn, instance: instances.get(instanceArn), findings: findingsOf(index, instanceArn), hops: hopsOf(index, instanceArn) }));
}

function aliasOf(suite: Suite): string {
  return oneLine(suite.instance?.instanceAlias ?? '').trim();
}

/** The instance id, from the instance or its ARN (`arn:aws:connect:REGION:ACCOUNT:instance/ID`; not `instance/*`, a region's "any instance"). */
function idOf(suite: Suite): string {
  return oneLine(suite.instance?.instanceId ?? '').trim() || (/:instance\/([A-Za-z0-9-]+)$/.exec(suite.instanceArn)?.[1] ?? '');
}

/**
 * How an instance is named, as its suite and at the head of each test case's `classname`: its alias
 * when printable and unique in the report, else its id when unique, else its ARN. No two instances
 * share a name, even when the same alias or id turns up in two accounts or regions.
 */
function instanceNamer(suites: readonly Suite[]): (suite: Suite) => string {
  const candidates = [aliasOf, idOf];
  const uses = candidates.map((candidate) => {
    const counts = new Map<string, number>();
    for (const suite of suites) counts.set(candidate(suite), (counts.get(candidate(suite)) ?? 0) + 1);
    return counts;
  });
  const names = new Map<Suite, string>();
  for (const suite of suites) {
    const index = candidates.findIndex((candidate, i) => candidate(suite) !== '' && uses[i]?.get(candidate(suite)) === 1);
    names.set(suite, index < 0 ? suite.instanceArn : (candidates[index]?.(suite) ?? suite.instanceArn));
  }
  // An alias that is another instance's id (or ARN) would still clash: those instances take their ARN.
  const taken = new Map<string, number>();
  for (const name of names.values()) taken.set(name, (taken.get(name) ?? 0) + 1);
  return (suite) => {
    const name = names.get(suite) ?? suite.instanceArn;
    return taken.get(name) === 1 ? name : suite.instanceArn;
  };
}

/**
 * (classname, name) pairs are unique by construction (instance, hop, rule and resource name a
 * finding); should a report still hold two alike (a hand-merged one), the later test case gets the
 * finding id, then a counter, so GitLab does not drop it as a duplicate.
 */
function uniqueNames(): (classname: string, name: string, finding: Finding) => string {
  const seen = new Set<string>();
  return (classname, name, finding) => {
    let unique = name;
    for (let n = 2; seen.has(`${classname}\n${unique}`); n++) unique = n === 2 ? `${name} (${finding.id})` : `${name} (${finding.id} #${n - 1})`;
    seen.add(`${classname}\n${unique}`);
    return unique;
  };
}

/** `2026-11-28T12:00:00.000Z` → `2026-11-28T12:00:00` (UTC; the Ant schema allows no zone or fraction). */
function timestamp(iso: string): string {
  const time = Date.parse(iso);
  return (Number.isNaN(time) ? new Date(0) : new Date(time)).toISOString().slice(0, 19);
}

/** Seconds with three decimals at most (the xUnit schema's SUREFIRE_TIME). */
function duration(report: Report): string {
  const ms = Date.parse(report.run.finishedAt) - Date.parse(report.run.startedAt);
  return Number.isFinite(ms) && ms > 0 ? (ms / 1000).toFixed(3) : '0.000';
}

function hostname(suite: Suite): string {
  const region = suite.instance?.region ?? suite.findings[0]?.resource.region ?? '';
  return /^[a-z0-9-]+$/.test(region) ? `connect.${region}.amazonaws.com` : 'localhost';
}

function details(finding: Finding): string {
  const compliance = finding.compliance.map((c) => `${c.framework}: ${c.controls.join(', ')}`).join('; ');
  return [
    `Rule: ${finding.ruleId} - ${finding.title}`,
    `Hop: ${finding.hop}`,
    `Status: ${finding.status}`,
    `Severity: ${finding.severity.toUpperCase()}`,
    `Resource: ${finding.resource.arn} (${finding.resource.type}, account ${finding.resource.accountId}, ${finding.resource.region})`,
    ...(finding.source ? [`Source: ${sourceLabel(finding.source) ?? ''}`] : []),
    `Instance: ${finding.instanceArn}`,
    `Message: ${finding.message}`,
    `Remediation: ${finding.remediation}`,
    ...(finding.references.length > 0 ? [`References: ${finding.references.join(' ')}`] : []),
    ...(compliance ? [`Compliance: ${compliance}`] : []),
    `Evidence: ${JSON.stringify(finding.evidence, null, 2)}`,
    `Finding id: ${finding.id}`,
  ].join('\n');
}

function errorType(finding: Finding): string {
  const code = finding.evidence.errorCode;
  return typeof code === 'string' && oneLine(code).trim() !== '' ? oneLine(code).trim() : 'EvaluationError';
}

function testcase(finding: Finding, classname: string, name: string): string {
  const open = `    <testcase classname="${xmlAttr(classname)}" name="${xmlAttr(name)}" time="0"`;
  const message = xmlAttr(oneLine(finding.message));
  switch (finding.status) {
    case 'FAIL':
      return `${open}>\n      <failure message="${message}" type="${finding.severity.toUpperCase()}">${xmlText(details(finding))}</failure>\n    </testcase>`;
    case 'ERROR':
      return `${open}>\n      <error message="${message}" type="${xmlAttr(errorType(finding))}">${xmlText(details(finding))}</error>\n    </testcase>`;
    case 'NOT_APPLICABLE':
      return `${open}>\n      <skipped message="${message}"/>\n    </testcase>`;
    default:
      return `${open}/>`;
  }
}

function property(name: string, value: string): string {
  return `      <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`;
}

function properties(report: Report, suite: Suite): string[] {
  const i = suite.instance;
  const entries: Array<[string, string | undefined]> = [
    ['tool.name', report.tool.name],
    ['tool.version', report.tool.version],
    ['run.mode', report.run.mode],
    ['run.startedAt', report.run.startedAt],
    ['run.finishedAt', report.run.finishedAt],
    ['run.source', report.run.source],
    ['run.sourceRoot', report.run.sourceRoot],
    ['summary.result', report.summary.result],
    ['summary.failOn', report.summary.failOn],
    ['instance.arn', suite.instanceArn],
    ['instance.id', i?.instanceId],
    ['instance.alias', i?.instanceAlias],
    ['instance.accountId', i?.accountId ?? suite.findings[0]?.resource.accountId],
    ['instance.region', i?.region ?? suite.findings[0]?.resource.region],
    ['instance.identityManagementType', i?.identityManagementType],
    ['instance.accessUrl', i?.accessUrl],
    ['instance.directoryId', i?.directory?.directoryId],
    ['instance.directoryResolvedBy', i?.directory?.resolvedBy],
  ];
  return entries.filter((e): e is [string, string] => e[1] !== undefined).map(([name, value]) => property(name, value));
}

function systemOut(suite: Suite): string {
  const lines = [
    ...suite.hops.map((h) => `hop ${h.hop}: ${h.status} (${h.protection}; ${h.responsibility})`),
    ...suite.findings
      .filter((f) => f.status === 'WAIVED' && f.waiver)
      .map((f) => `WAIVED ${f.ruleId} ${f.resource.arn} (was ${f.waiver?.originalStatus}): ${f.waiver?.reason} (expires ${f.waiver?.expires}${f.waiver?.ticket ? `, ticket ${f.waiver.ticket}` : ''})`),
  ];
  return lines.length > 0 ? `    <system-out>${xmlText(lines.join('\n'))}</system-out>` : '    <system-out/>';
}

/**
 * The root's totals, over every test case in the file. The Jenkins xUnit schema allows `name`, `tests`,
 * `failures`, `errors` and `time` there and no `skipped` (the xUnit plugin skips a file that does not
 * validate), so the skipped total is each suite's `skipped`, summed. The strict Ant schema allows no
 * root attribute at all; its consumers read the suites.
 */
function rootTotals(report: Report, time: string): string {
  const count = (status: Finding['status']) => report.findings.filter((f) => f.status === status).length;
  return `name="${PACKAGE}" tests="${report.findings.length}" failures="${count('FAIL')}" errors="${count('ERROR')}" time="${time}"`;
}

function* junitChunks(report: Report): Iterable<string> {
  const suites = suitesOf(report);
  const name = instanceNamer(suites);
  const unique = uniqueNames();
  const time = duration(report);
  const stamp = timestamp(report.run.startedAt);
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ${rootTotals(report, time)}>\n`;
  for (const [index, suite] of suites.entries()) {
    const count = (status: Finding['status']) => suite.findings.filter((f) => f.status === status).length;
    const attributes = [
      `package="${PACKAGE}"`,
      `id="${index}"`,
      `name="${xmlAttr(name(suite))}"`,
      `timestamp="${stamp}"`,
      `hostname="${hostname(suite)}"`,
      `tests="${suite.findings.length}"`,
      `failures="${count('FAIL')}"`,
      `errors="${count('ERROR')}"`,
      `skipped="${count('NOT_APPLICABLE')}"`,
      `time="${time}"`,
    ];
    const props = properties(report, suite);
    yield `  <testsuite ${attributes.join(' ')}>\n`;
    yield props.length > 0 ? ['    <properties>', ...props, '    </properties>\n'].join('\n') : '    <properties/>\n';
    for (const finding of suite.findings) {
      const classname = `${name(suite)}.${finding.hop}`;
      yield `${testcase(finding, classname, unique(classname, `${finding.ruleId} ${finding.resource.arn}`, finding))}\n`;
    }
    yield `${systemOut(suite)}\n    <system-err/>\n  </testsuite>\n`;
  }
  yield '</testsuites>\n';
}

export const junit = streamingFormatter({ id: 'junit', description: 'JUnit XML: a test suite per instance, a test case per finding', extension: '.xml' }, junitChunks);
