/** `audit` and `collect`: scope → evidence (file or live) → report → every requested format. */
import { loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { InputError } from '../../errors.js';
import type { EvidenceDocument } from '../../evidence/model.js';
import { loadEvidence } from '../../evidence/snapshot.js';
import { findFormatter, type FormatOptions, type Formatter } from '../../formats/index.js';
import { parseOcsfVersion } from '../../formats/ocsf.js';
import { audit } from '../../index.js';
import { resolveScope, type Scope, type ScopeFlags } from '../../scope/resolve.js';
import { TOOL_NAME, TOOL_VERSION } from '../../version.js';
import { checkWritable, parseOutputSpec, writeFileAtomic, writeStdout } from '../output.js';

export interface AuditFlags extends ScopeFlags {
  snapshot?: string;
  format?: string;
  output?: string[];
  config?: string;
  profile?: string;
  endpointUrl?: string;
  concurrency?: string;
  timeout?: string;
  maxAttempts?: string;
  connectRate?: string;
  connectBurst?: string;
  verbose?: boolean;
  quiet?: boolean;
  color?: boolean;
  ocsfVersion?: string;
  sarifArtifact?: string;
}

function positiveInteger(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InputError(`${flag} ${text}: expected a whole number of at least 1`);
  return value;
}

function positiveNumber(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new InputError(`${flag} ${text}: expected a positive number`);
  return value;
}

function useColor(flags: AuditFlags): boolean {
  if (flags.color === false || process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  return process.stdout.isTTY === true;
}

function canDrawUnicode(): boolean {
  const locale = `${process.env.LC_ALL ?? ''}${process.env.LC_CTYPE ?? ''}${process.env.LANG ?? ''}`;
  if (process.env.TERM === 'dumb') return false;
  return process.platform === 'win32' ? Boolean(process.env.WT_SESSION) : /utf-?8/i.test(locale);
}

async function defaultRegion(profile: string | undefined): Promise<string> {
  const fromEnv = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (fromEnv) return fromEnv;
  const { STSClient } = await import('@aws-sdk/client-sts');
  try {
    return await new STSClient(profile ? { profile } : {}).config.region();
  } catch {
    throw new InputError('no region: pass --region or set AWS_REGION (or a region in the AWS config profile)');
  }
}

function log(flags: AuditFlags): (line: string) => void {
  return (line) => {
    if (flags.verbose) process.stderr.write(`${line}\n`);
  };
}

/** Tuning flags, checked before anything is loaded or sent. */
function liveTuning(flags: AuditFlags) {
  return {
    concurrency: positiveInteger(flags.concurrency, '--concurrency', 8),
    maxAttempts: positiveInteger(flags.maxAttempts, '--max-attempts', 8),
    requestTimeoutMs: 30_000,
    connectRate: { ratePerSecond: positiveNumber(flags.connectRate, '--connect-rate', 1.8), burst: positiveInteger(flags.connectBurst, '--connect-burst', 5) },
  };
}

async function collectLive(flags: AuditFlags, scope: Scope, signal: AbortSignal): Promise<EvidenceDocument> {
  const tuning = liveTuning(flags);
  const regions = scope.regions.length > 0 ? scope.regions : [await defaultRegion(flags.profile)];
  const { collectEvidence } = await import('../../evidence/collect/index.js');
  return collectEvidence({
    ...tuning,
    regions,
    instanceIds: scope.instanceIds,
    resourceTypes: scope.resourceTypes,
    directoryPins: { ...scope.directoryPins },
    profile: flags.profile,
    endpointUrl: flags.endpointUrl,
    signal,
    log: log(flags),
  });
}

function runSignal(flags: AuditFlags): AbortSignal {
  const seconds = positiveInteger(flags.timeout, '--timeout', 900);
  return AbortSignal.timeout(seconds * 1000);
}

function loadOptionalConfig(flags: AuditFlags): Config | undefined {
  return flags.config ? loadConfig(flags.config) : undefined;
}

export async function runAudit(flags: AuditFlags): Promise<number> {
  const startedAt = new Date();
  const config = loadOptionalConfig(flags);
  const scope = resolveScope(flags, config);
  const stdoutFormatter = findFormatter(flags.format ?? 'text') as Formatter;
  const outputs = (flags.output ?? []).map(parseOutputSpec);
  const ocsfVersion = parseOcsfVersion(flags.ocsfVersion);
  const evidence = flags.snapshot ? loadEvidence(flags.snapshot) : await collectLive(flags, scope, runSignal(flags));
  const report = audit({
    evidence,
    mode: flags.snapshot ? 'snapshot' : 'live',
    source: flags.snapshot,
    startedAt,
    now: new Date(),
    failOn: scope.failOn,
    rules: scope.rules,
    resourceTypes: scope.resourceTypes,
    instanceIds: scope.instanceIds,
    directoryPins: scope.directoryPins,
    severityOverrides: scope.severityOverrides,
    waivers: scope.waivers,
  });
  const options: FormatOptions = {
    color: useColor(flags),
    unicode: canDrawUnicode(),
    artifactPath: flags.sarifArtifact ?? flags.snapshot ?? flags.config,
    ocsfVersion,
  };
  if (!flags.quiet) for (const warning of report.warnings ?? []) process.stderr.write(`warning: ${warning}\n`);
  for (const { formatter, file } of outputs) writeFileAtomic(file, formatter.render(report, { ...options, color: false }));
  await writeStdout(stdoutFormatter.render(report, options));
  return report.summary.exitCode;
}

export async function runCollect(flags: AuditFlags & { out: string }): Promise<number> {
  checkWritable(flags.out);
  const scope = resolveScope(flags, loadOptionalConfig(flags));
  const evidence = await collectLive(flags, scope, runSignal(flags));
  const document: EvidenceDocument = { ...evidence, tool: { name: TOOL_NAME, version: TOOL_VERSION } };
  writeFileAtomic(flags.out, `${JSON.stringify(document, null, 2)}\n`);
  if (!flags.quiet) process.stderr.write(`evidence written to ${flags.out}\n`);
  return 0;
}
