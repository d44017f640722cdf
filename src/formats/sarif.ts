/**
 * SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer).
 *
 * - `tool.driver.rules` lists every rule the tool has, with help text (remediation summary, console
 *   steps, AWS CLI, Terraform), `helpUri`, tags, `precision` and the `security-severity` GitHub uses to
 *   rank security alerts.
 * - Results are the findings that need attention: `FAIL`, `ERROR` (the rule could not be evaluated;
 *   fail closed, so it is an alert too) and `WAIVED` (with `suppressions`). PASS, MANAGED and
 *   NOT_APPLICABLE are not results: GitHub would open an alert for each.
 * - GitHub rejects a whole file when one result has no physical location, so every result has one:
 *   a plan-mode finding (`finding.source`) points at the `.tf` or template file and line of the
 *   resource that decided it, with the Terraform address or logical id in `logicalLocations`; any other
 *   result points at `options.artifactPath` (the evidence or config file that was audited;
 *   `connect-netpath-audit.json` when there is none), line 1. Both name the AWS resource in
 *   `logicalLocations` too.
 * - Locations are always relative: `uriBaseId` `%SRCROOT%`, which `run.originalUriBaseIds` resolves to
 *   `report.run.sourceRoot` (plan mode: the repository root, which GitHub resolves relative URIs
 *   against) or else the working directory (`invocations[0].workingDirectory` is always the working
 *   directory). GitHub rejects absolute `file:` URIs it cannot place under the checkout ("cannot
 *   determine the location of the repository root"), so a file outside that directory is named by its
 *   file name only, and a run-level note says so.
 * - `automationDetails.id` is `<category>/` (`--sarif-category`, default `connect-netpath-audit`): GitHub
 *   reads everything before the last `/` as the analysis category, and a new upload replaces the alerts
 *   of the same tool and category, so it must not change when the set of accounts or regions does.
 * - Alerts are tracked by fingerprint. `partialFingerprints` carries the finding id (rule + hop +
 *   resource + instance, stable across runs) both under our own key and as
 *   `primaryLocationLineHash`: most results sit on line 1 of the same file, so the line hash that
 *   upload-sarif would compute otherwise would be the same for all of them and alerts would merge; and
 *   a plan-mode alert keeps its identity when lines above its resource move.
 * - GitHub does not act on `suppressions` (a waived result still opens an alert there; dismiss it once
 *   and, the fingerprint being stable, it stays dismissed). Other SARIF consumers honour them.
 */
import { posix, win32 } from 'node:path';
import type * as Sarif from 'sarif';
import { InputError } from '../errors.js';
import { instancesListedMeta } from '../rules/connect/instances-listed.js';
import { RULES } from '../rules/index.js';
import type { RuleMeta } from '../rules/types.js';
import type { Severity } from '../findings/status.js';
import type { Finding, Report } from '../report/schema.js';
import { oneLine } from './escape.js';
import { sourceName } from './source.js';
import { jsonChunks, kept, mapped, streamingFormatter } from './stream.js';
import type { FormatOptions } from './types.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const DEFAULT_SARIF_ARTIFACT = 'connect-netpath-audit.json';
export const FINGERPRINT_KEY = 'connectNetpathAudit/v1';
export const DEFAULT_SARIF_CATEGORY = 'connect-netpath-audit';
/** The base every artifact URI is relative to: the working directory. */
export const SRCROOT = '%SRCROOT%';
const INFORMATION_URI = 'https://www.npmjs.com/package/connect-netpath-audit';

type Level = Sarif.ReportingConfiguration.level;

/** GitHub: over 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low (formats.md §1.3). */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '2.0', info: '0.0' };
const LEVEL: Record<Severity, Level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** GitHub keeps 10 tags per rule and rejects more than 20. */
const MAX_TAGS = 10;

/** Every rule the tool can report, including the engine's own "instances could be listed" rule. */
export function sarifRuleMetas(): RuleMeta[] {
  const metas = RULES.map((rule) => rule.meta);
  return metas.some((m) => m.id === instancesListedMeta.id) ? metas : [...metas, instancesListedMeta];
}

/** `s3-bucket-denies-insecure-transport` → `S3BucketDeniesInsecureTransport`. */
function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function helpText(meta: RuleMeta): string {
  const { summary, console: steps, cli, terraform } = meta.remediation;
  return [
    summary,
    ...(steps.length > 0 ? ['', 'Console:', ...steps.map((step, i) => `${i + 1}. ${step}`)] : []),
    ...(cli ? ['', 'AWS CLI:', cli] : []),
    ...(terraform ? ['', 'Terraform:', terraform] : []),
    ...(meta.references.length > 0 ? ['', 'References:', ...meta.references] : []),
  ].join('\n');
}

/** A fence longer than any backtick run in the content, so the content cannot close it. */
function fence(content: string, info: string): string {
  const longest = Math.max(2, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${info}\n${content}\n${ticks}`;
}

function helpMarkdown(meta: RuleMeta): string {
  const { summary, console: steps, cli, terraform } = meta.remediation;
  return [
    summary,
    ...(steps.length > 0 ? ['', '**Console**', '', ...steps.map((step, i) => `${i + 1}. ${step}`)] : []),
    ...(cli ? ['', '**AWS CLI**', '', fence(cli, 'sh')] : []),
    ...(terraform ? ['', '**Terraform**', '', fence(terraform, 'hcl')] : []),
    ...(meta.references.length > 0 ? ['', '**References**', '', ...meta.references.map((url) => `- <${url}>`)] : []),
    ...(meta.compliance.length > 0
      ? ['', '**Compliance**', '', ...meta.compliance.map((c) => `- ${c.framework}: ${c.controls.join(', ')}`)]
      : []),
  ].join('\n');
}

function ruleDescriptor(meta: RuleMeta): Sarif.ReportingDescriptor {
  const tags = [...new Set(['security', 'aws', 'amazon-connect', ...meta.hops, ...meta.compliance.map((c) => c.framework)])].slice(0, MAX_TAGS);
  return {
    id: meta.id,
    name: pascalCase(meta.id),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.rationale },
    help: { text: helpText(meta), markdown: helpMarkdown(meta) },
    ...(meta.references[0] ? { helpUri: meta.references[0] } : {}),
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: {
      tags,
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[meta.severity],
      hops: [...meta.hops],
      severity: meta.severity,
    },
  };
}

/** A rule a report mentions that the tool does not know (a report from another version): described from the finding. */
function metaFromFinding(finding: Finding): RuleMeta {
  return {
    id: finding.ruleId,
    title: finding.title,
    hops: [finding.hop],
    severity: finding.severity,
    rationale: finding.title,
    evidenceUsed: [],
    remediation: { summary: finding.remediation || finding.title, console: [] },
    references: finding.references,
    compliance: finding.compliance,
  };
}

type PathApi = typeof posix;

/** Windows paths (`C:\\…`, `\\\\server\\share`) are read with win32 rules whatever the host, so the output does not depend on it. */
function looksWindows(path: string): boolean {
  return /^[A-Za-z]:([\\/]|$)/.test(path) || path.startsWith('\\\\');
}

const encodeSegments = (segments: readonly string[]) => segments.map((segment) => encodeURIComponent(segment)).join('/');

/** `file:` URI of a directory, with the trailing slash SARIF requires of a base URI. */
export function directoryUri(directory: string): string {
  if (looksWindows(directory)) {
    const normal = win32.normalize(directory);
    const unc = /^\\\\([^\\]+)\\(.*)$/.exec(normal);
    const path = unc ? `//${encodeURIComponent(unc[1] ?? '')}/${encodeSegments((unc[2] ?? '').split('\\'))}` : `///${normal.slice(0, 2)}/${encodeSegments(normal.slice(3).split('\\'))}`;
    return `file:${path.replace(/\/+$/, '')}/`;
  }
  return `file://${encodeSegments(posix.normalize(directory).split('/')).replace(/\/+$/, '')}/`;
}

export interface ArtifactReference {
  /** Relative to {@link SRCROOT}: segments percent-encoded (GitHub rejects spaces), `/` between them. */
  uri: string;
  /** Set when the file lies outside the working directory and is named by its file name only. */
  outside?: string;
}

/**
 * A file as a URI relative to `base` (default: the working directory); a relative path is read as
 * relative to the working directory (else to `base`), and kept as it is, normalised, when neither is
 * known. A path that leaves the base (absolute elsewhere, `..`) keeps only its file name: an absolute
 * `file:` URI would make GitHub reject the upload.
 */
export function artifactReference(path: string | undefined, workingDirectory?: string, base: string | undefined = workingDirectory): ArtifactReference {
  const raw = (path ?? '').trim();
  if (raw === '') return { uri: DEFAULT_SARIF_ARTIFACT };
  const from = workingDirectory ?? base;
  const api: PathApi = looksWindows(raw) || [from, base].some((d) => d !== undefined && looksWindows(d)) || (base === undefined && raw.includes('\\')) ? win32 : posix;
  const relative = base === undefined ? (api.isAbsolute(raw) ? raw : api.normalize(raw)) : api.relative(base, api.resolve(from ?? base, raw));
  const escapes = relative === '..' || relative.startsWith(`..${api.sep}`) || api.isAbsolute(relative) || (api === win32 && /^[A-Za-z]:/.test(relative));
  if (!escapes) {
    const segments = relative.split(api.sep).filter((segment) => segment !== '' && segment !== '.');
    return { uri: segments.length > 0 ? encodeSegments(segments) : DEFAULT_SARIF_ARTIFACT };
  }
  const name = api.basename(raw);
  return { uri: name ? encodeURIComponent(name) : DEFAULT_SARIF_ARTIFACT, outside: raw };
}

/** The run's `automationDetails.id`: the category and a slash (no run id: GitHub stores it but does not use it). */
export function sarifAutomationId(category: string | undefined): string {
  return `${(category ?? DEFAULT_SARIF_CATEGORY).trim().replace(/\/+$/, '') || DEFAULT_SARIF_CATEGORY}/`;
}

/** `--sarif-category`: printable, and something besides slashes. */
export function parseSarifCategory(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const category = value.trim().replace(/\/+$/, '');
  if (category === '' || oneLine(category) !== category) throw new InputError(`--sarif-category ${oneLine(value)}: expected a name such as connect-netpath-audit/prod (no control characters, not only slashes)`);
  return category;
}

function resultMessage(finding: Finding): string {
  const text = oneLine(finding.message).trim() || finding.title;
  if (finding.status !== 'WAIVED' || !finding.waiver) return text;
  return `${text} (waived until ${finding.waiver.expires}: ${oneLine(finding.waiver.reason)})`;
}

/** Findings read between empty pieces, so the writer gets a turn (signals, --timeout) before the first real one. */
const SCAN_SLICE = 20_000;

const RESULT_STATUSES = new Set(['FAIL', 'ERROR', 'WAIVED']);

/** A streamed array, typed as the array it stands for in the SARIF skeleton. */
type Lazy = <T>(items: Iterable<T>) => T[];

function* notifications(notes: Iterable<Sarif.Notification | undefined>, report: Report): Iterable<Sarif.Notification> {
  for (const note of notes) if (note) yield note;
  for (const e of report.errors) {
    yield { level: 'error', message: { text: oneLine(`${e.service}:${e.operation} on ${e.resource} failed with ${e.code}: ${e.message}`) } };
  }
}

/** What `%SRCROOT%` stands for: the source root of plan mode, else the working directory. */
function baseName(sourceRoot: string | undefined, workingDirectory: string | undefined): string {
  if (sourceRoot !== undefined) return `the source root ${oneLine(sourceRoot)}`;
  return workingDirectory === undefined ? 'the working directory' : `the working directory ${oneLine(workingDirectory)}`;
}

function outsideNote(what: string, artifact: ArtifactReference, base: string): Sarif.Notification | undefined {
  if (artifact.outside === undefined) return undefined;
  return {
    level: 'note',
    message: { text: `${what} ${oneLine(artifact.outside)} is outside ${base}: results point at its file name only (${decodeURIComponent(artifact.uri)}).` },
  };
}

function logicalLocation(fullyQualifiedName: string, name: string = fullyQualifiedName): Sarif.LogicalLocation {
  return { name, fullyQualifiedName, kind: 'resource' };
}

/** The region of a result: the first character of the line (GitHub reads start and end line and column). */
function lineRegion(line: number): Sarif.Region {
  return { startLine: line, startColumn: 1, endLine: line, endColumn: 2 };
}

function* sarifChunks(report: Report, options: FormatOptions): Iterable<string> {
  const { workingDirectory } = options;
  const { sourceRoot } = report.run;
  const base = sourceRoot ?? workingDirectory;
  const artifact = artifactReference(options.artifactPath, workingDirectory, base);
  const root = base === undefined ? undefined : directoryUri(base);
  const cwd = workingDirectory === undefined ? undefined : directoryUri(workingDirectory);
  // Source files are relative to the source root already; a report names few of them, each resolved once.
  const sources = new Map<string, ArtifactReference>();
  const sourceReference = (file: string): ArtifactReference => {
    let reference = sources.get(file);
    if (!reference) {
      reference = artifactReference(file, base, base);
      sources.set(file, reference);
    }
    return reference;
  };
  const metas = sarifRuleMetas();
  const known = new Set(metas.map((m) => m.id));
  let unsourced = false;
  for (const [index, finding] of report.findings.entries()) {
    if (!known.has(finding.ruleId)) {
      known.add(finding.ruleId);
      metas.push(metaFromFinding(finding));
    }
    if (RESULT_STATUSES.has(finding.status)) {
      if (finding.source) sourceReference(finding.source.file);
      else unsourced = true;
    }
    if (index % SCAN_SLICE === SCAN_SLICE - 1) yield '';
  }
  const ruleIndex = new Map(metas.map((meta, index) => [meta.id, index]));
  const where = baseName(sourceRoot, workingDirectory);
  // The audited file is named only when some result points at it (or none points anywhere else).
  const notes = [
    ...(unsourced || sources.size === 0 ? [outsideNote('The audited file', artifact, where)] : []),
    ...[...sources.values()].map((reference) => outsideNote('The source file', reference, where)),
  ];

  const location = (finding: Finding): Sarif.Location => {
    const resource = logicalLocation(finding.resource.arn, finding.resource.arn.split(/[:/]/).pop() || finding.resource.arn);
    const { source } = finding;
    if (!source) {
      return { physicalLocation: { artifactLocation: { uri: artifact.uri, uriBaseId: SRCROOT }, region: lineRegion(1) }, logicalLocations: [resource] };
    }
    const name = sourceName(source);
    return {
      physicalLocation: { artifactLocation: { uri: sourceReference(source.file).uri, uriBaseId: SRCROOT }, region: lineRegion(source.line) },
      logicalLocations: name ? [logicalLocation(name), resource] : [resource],
    };
  };

  const result = (finding: Finding): Sarif.Result => ({
    ruleId: finding.ruleId,
    ruleIndex: ruleIndex.get(finding.ruleId) ?? 0,
    level: LEVEL[finding.severity],
    message: { text: resultMessage(finding) },
    locations: [location(finding)],
    partialFingerprints: {
      [FINGERPRINT_KEY]: finding.id,
      primaryLocationLineHash: `${finding.id}:1`,
    },
    ...(finding.status === 'WAIVED' && finding.waiver
      ? {
          suppressions: [
            {
              kind: 'external',
              status: 'accepted',
              justification: `${oneLine(finding.waiver.reason)} (expires ${finding.waiver.expires}${finding.waiver.ticket ? `, ticket ${oneLine(finding.waiver.ticket)}` : ''})`,
            },
          ],
        }
      : {}),
    properties: {
      hop: finding.hop,
      instanceArn: finding.instanceArn,
      status: finding.status,
      severity: finding.severity,
      'security-severity': SECURITY_SEVERITY[finding.severity],
      resourceType: finding.resource.type,
      accountId: finding.resource.accountId,
      region: finding.resource.region,
      compliance: finding.compliance.map((c) => ({ framework: c.framework, controls: [...c.controls] })),
      ...(finding.waiver ? { originalStatus: finding.waiver.originalStatus } : {}),
    },
  });

  yield* jsonChunks((lazyArray) => {
    const lazy: Lazy = (items) => lazyArray(items) as unknown as never[];
    const log: Sarif.Log = {
      $schema: SARIF_SCHEMA_URI,
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: report.tool.name,
              version: report.tool.version,
              semanticVersion: report.tool.version,
              informationUri: INFORMATION_URI,
              rules: metas.map(ruleDescriptor),
            },
          },
          automationDetails: { id: sarifAutomationId(options.sarifCategory) },
          ...(root === undefined ? {} : { originalUriBaseIds: { [SRCROOT]: { uri: root, description: { text: sourceRoot === undefined ? 'The working directory of the audit: artifact URIs are relative to it.' : 'The root of the audited infrastructure code (the repository root): artifact URIs are relative to it.' } } } }),
          invocations: [
            {
              executionSuccessful: true,
              startTimeUtc: report.run.startedAt,
              endTimeUtc: report.run.finishedAt,
              ...(cwd === undefined ? {} : { workingDirectory: { uri: cwd } }),
              toolExecutionNotifications: lazy(notifications(notes, report)),
            },
          ],
          columnKind: 'utf16CodeUnits',
          results: lazy(mapped(kept(report.findings, (finding) => RESULT_STATUSES.has(finding.status)), result)),
          properties: { summary: report.summary, mode: report.run.mode },
        },
      ],
    };
    return log;
  }, 2);
  yield '\n';
}

export const sarif = streamingFormatter(
  { id: 'sarif', description: 'SARIF 2.1.0 for GitHub code scanning (FAIL, ERROR and waived findings as results)', extension: '.sarif' },
  sarifChunks,
);
