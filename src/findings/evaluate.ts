/** Rules × evidence → findings: every rule on every instance in the evidence, fail-closed. */
import * as crypto from 'node:crypto';
import type { AccountEvidence, ConnectInstance, EvidenceDocument, RegionEvidence } from '../evidence/model.js';
import type { StorageResourceType } from '../paths/hops.js';
import { instancesListedMeta } from '../rules/connect/instances-listed.js';
import { DEFAULT_RULE_SETTINGS, type InstanceContext, type Outcome, type Resource, type Rule, type RuleMeta, type RuleSettings } from '../rules/types.js';
import type { Finding, InstanceInfo } from '../report/schema.js';
import type { Severity } from './status.js';
import { statusRank } from './status.js';
import { abortError } from '../errors.js';
import { arnPartition, partitionOfRegion, inPartition, parseInstanceArn } from '../evidence/aws-names.js';
import { DOCUMENTED_HOPS } from '../paths/hops.js';
import { bounded, boundedString, FINDING_BOUNDS } from '../evidence/bounds.js';

export interface EvaluateOptions {
  now: Date;
  rules: readonly Rule[];
  resourceTypes: readonly StorageResourceType[];
  /** Instance ids or ARNs to audit; all in the evidence when empty. */
  instanceIds: readonly string[];
  /** Instance id or ARN (or `*` for every instance) → directory id or ARN; overrides pins recorded in the evidence. */
  directoryPins: Readonly<Record<string, string>>;
  severityOverrides: Readonly<Record<string, Severity>>;
  /** Config-file judgement settings; defaults when not given. */
  settings?: RuleSettings;
}

export interface Evaluation {
  instances: InstanceInfo[];
  findings: Finding[];
  /** What the evidence covers, for the line that says a run audited nothing. */
  searched: { accounts: string[]; regions: string[] };
}

// One-shot hashing (Node 20.12+) is a third of the cost of a Hash object per finding; the named
// import would fail to load on older Node 20 releases, so it is looked up.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** Stable across runs and unique in a report: rule + hop + resource + instance. */
export function findingId(ruleId: string, hop: string, resourceArn: string, instanceArn: string): string {
  return sha256Hex(`${ruleId}\n${hop}\n${resourceArn}\n${instanceArn}`).slice(0, 20);
}

function instanceArnOf(account: AccountEvidence, region: RegionEvidence, instanceId: string, described: ConnectInstance | undefined): string {
  return described?.Arn ?? `arn:${partitionOfRegion(region.region)}:connect:${region.region}:${account.accountId}:instance/${instanceId}`;
}

function isSelected(instanceId: string, instanceArn: string, wanted: readonly string[]): boolean {
  return wanted.length === 0 || wanted.includes(instanceId) || wanted.includes(instanceArn);
}

/**
 * Equal messages and resources of different findings held once: instances that share a bucket or a key
 * get the same sentences about it, and at 10,000 instances the copies would be a third of the report.
 */
class Shared {
  private readonly messages = new Map<string, string>();
  private readonly resources = new Map<string, Resource>();

  message(text: string): string {
    const known = this.messages.get(text);
    if (known !== undefined) return known;
    this.messages.set(text, text);
    return text;
  }

  resource(resource: Resource): Resource {
    const key = `${resource.arn}\n${resource.type}\n${resource.accountId}\n${resource.region}`;
    const known = this.resources.get(key);
    if (known) return known;
    this.resources.set(key, resource);
    return resource;
  }
}

function toFinding(meta: RuleMeta, severity: Severity, instanceArn: string, result: Outcome, shared?: Shared): Finding {
  const partition = arnPartition(instanceArn) ?? 'aws';
  const message = boundedString(result.message, FINDING_BOUNDS.maxString);
  return {
    id: findingId(meta.id, result.hop, result.resource.arn, instanceArn),
    ruleId: meta.id,
    title: meta.title,
    hop: result.hop,
    status: result.status,
    severity,
    instanceArn,
    resource: shared ? shared.resource(result.resource) : result.resource,
    message: shared ? shared.message(message) : message,
    evidence: bounded(result.evidence, FINDING_BOUNDS) as Record<string, unknown>,
    remediation: inPartition(result.remediation ?? meta.remediation.summary, partition),
    // Rule metadata is shared by every finding of the rule, not copied: reports are never mutated.
    references: meta.references as string[],
    compliance: meta.compliance as Finding['compliance'],
  };
}

/** A rule that throws has not shown anything holds: that is an ERROR, never a PASS. */
function runRule(rule: Rule, ctx: InstanceContext): Outcome[] {
  try {
    return rule.evaluate(ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return rule.meta.hops
      .filter((hop) => !hop.includes('*'))
      .map((hop) => ({
        hop,
        status: 'ERROR' as const,
        resource: { arn: ctx.instanceArn, type: 'AwsConnectInstance', accountId: ctx.account.accountId, region: ctx.region.region },
        message: `The rule could not be evaluated: ${message}.`,
        evidence: { internalError: message },
      }));
  }
}

function pinFor(doc: EvidenceDocument, options: EvaluateOptions, instanceId: string, instanceArn: string): string | undefined {
  const pins = { ...(doc.directoryPins ?? {}), ...options.directoryPins };
  return pins[instanceId] ?? pins[instanceArn] ?? pins['*'];
}

/** Directory pinned for each instance of a region that has a pin, keyed by instance id. */
function regionDirectoryPins(doc: EvidenceDocument, options: EvaluateOptions, account: AccountEvidence, region: RegionEvidence): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const [instanceId, evidence] of Object.entries(region.instances)) {
    const described = evidence.describeInstance.status === 'ok' ? evidence.describeInstance.response.Instance : undefined;
    const pin = pinFor(doc, options, instanceId, instanceArnOf(account, region, instanceId, described));
    if (pin) pins[instanceId] = pin;
  }
  return pins;
}

function withoutKey(record: Readonly<Record<string, string>>, key: string): Record<string, string> {
  const { [key]: _omitted, ...rest } = record;
  return rest;
}

const LISTED_AT_MOST = 10;

function someOf(noun: string, values: readonly string[]): string {
  if (values.length === 0) return `no ${noun}`;
  const shown = values.slice(0, LISTED_AT_MOST).join(', ');
  const more = values.length > LISTED_AT_MOST ? ` and ${values.length - LISTED_AT_MOST} more` : '';
  return `${noun}${values.length === 1 ? '' : 's'} ${shown}${more}`;
}

/** "account 111122223333 in regions eu-central-1, us-east-1", at most ten of each named. */
export function searchedScope(searched: Evaluation['searched']): string {
  return `${someOf('account', searched.accounts)} in ${someOf('region', searched.regions)}`;
}

/** An ERROR the engine itself reports about an instance (or account, region) it could not judge. */
function scopeErrorFinding(options: EvaluateOptions, instanceArn: string, hop: string, accountId: string, region: string, message: string, evidence: Record<string, unknown>): Finding {
  const meta = instancesListedMeta;
  return toFinding(meta, options.severityOverrides[meta.id] ?? meta.severity, instanceArn, {
    hop,
    status: 'ERROR',
    resource: { arn: instanceArn, type: 'AwsConnectInstance', accountId, region },
    message,
    evidence,
  });
}

/** `scope` says what could not be searched: the whole account, or one of its regions. */
function unreachableFinding(options: EvaluateOptions, accountId: string, region: string, code: string, message: string, operation: string, scope: 'account' | 'region'): Finding {
  const what = scope === 'account' ? `Could not audit account ${accountId} at all` : `Could not list the Connect instances of ${accountId} in ${region}`;
  const instanceArn = `arn:aws:connect:${region}:${accountId}:instance/*`;
  const hop = instancesListedMeta.hops[0] ?? 'voice.agent-browser-to-connect';
  return scopeErrorFinding(options, instanceArn, hop, accountId, region, `${what}: ${operation} failed with ${code}: ${message}`, { operation, errorCode: code });
}

/**
 * An instance in scope that could not be judged at all (a pinned id not in the evidence, a listed
 * instance without evidence, an instance Connect says does not exist): ERROR on every documented hop,
 * so the run can never pass on it.
 */
function missingInstanceFindings(options: EvaluateOptions, instanceArn: string, accountId: string, region: string, message: string, code: string): Finding[] {
  return DOCUMENTED_HOPS.map((hop) => scopeErrorFinding(options, instanceArn, hop.id, accountId, region, message, { errorCode: code }));
}

/** Pinned ids and ARNs that name no instance anywhere in the evidence. */
function unmatchedPins(doc: EvidenceDocument, options: EvaluateOptions, seen: ReadonlySet<string>): Finding[] {
  const accounts = doc.accounts.map((a) => a.accountId);
  const regions = [...new Set(doc.accounts.flatMap((a) => a.regions.map((r) => r.region)))];
  return options.instanceIds
    .filter((pin) => !seen.has(pin))
    .flatMap((pin) => {
      const arn = parseInstanceArn(pin);
      const accountId = arn?.account ?? (accounts.length === 1 ? (accounts[0] as string) : '000000000000');
      const region = arn?.region ?? (regions.length === 1 ? (regions[0] as string) : 'unknown');
      const instanceArn = arn ? pin : `arn:${partitionOfRegion(region)}:connect:${region}:${accountId}:instance/${pin}`;
      const where = searchedScope({ accounts, regions });
      return missingInstanceFindings(options, instanceArn, accountId, region, `Instance ${pin}, pinned with --instance-id, was not found (searched ${where}): nothing was audited for it.`, 'InstanceNotFound');
    });
}

/** Every rule on every instance, all at once. */
export function evaluateEvidence(doc: EvidenceDocument, options: EvaluateOptions): Evaluation {
  const run = evaluation(doc, options);
  for (;;) {
    const step = run.next();
    if (step.done) return step.value;
  }
}

/** Time spent judging before control goes back to the event loop, so signals and timeouts are seen. */
const SLICE_MS = 20;

/**
 * The same evaluation, giving the event loop a turn every few milliseconds; rejects with an
 * AbortError as soon as `signal` aborts (whole-run timeout, SIGINT/SIGTERM/SIGHUP).
 */
export async function evaluateEvidenceAsync(doc: EvidenceDocument, options: EvaluateOptions, signal?: AbortSignal): Promise<Evaluation> {
  const run = evaluation(doc, options);
  let sliceStart = Date.now();
  for (;;) {
    if (signal?.aborted) throw abortError(signal, 'The evaluation');
    const step = run.next();
    if (step.done) return step.value;
    if (Date.now() - sliceStart >= SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = Date.now();
    }
  }
}

/** Yields after each instance: callers decide how often to let the event loop in. */
function* evaluation(doc: EvidenceDocument, options: EvaluateOptions): Generator<void, Evaluation, void> {
  const seenPins = new Set<string>();
  const shared = new Shared();
  const instances: InstanceInfo[] = [];
  const byId = new Map<string, Finding>();
  const add = (finding: Finding) => {
    const existing = byId.get(finding.id);
    // Two configs can lead a rule to the same resource on the same hop: keep the worse verdict.
    if (!existing || statusRank(finding.status) < statusRank(existing.status)) byId.set(finding.id, finding);
  };
  for (const account of doc.accounts) {
    if (account.error) {
      for (const region of account.regions.length > 0 ? account.regions.map((r) => r.region) : ['global']) {
        add(unreachableFinding(options, account.accountId, region, account.error.code, account.error.message, account.error.operation, 'account'));
      }
      continue;
    }
    for (const region of account.regions) {
      if (region.listInstances?.status === 'error') {
        const { code, message } = region.listInstances.error;
        add(unreachableFinding(options, account.accountId, region.region, code, message, 'connect:ListInstances', 'region'));
      }
      const regionPins = regionDirectoryPins(doc, options, account, region);
      const listed = region.listInstances?.status === 'ok' ? region.listInstances.response : [];
      for (const summary of listed.filter((s) => !region.instances[s.Id]).sort((a, b) => (a.Id < b.Id ? -1 : 1))) {
        if (!isSelected(summary.Id, summary.Arn, options.instanceIds)) continue;
        seenPins.add(summary.Id).add(summary.Arn);
        missingInstanceFindings(options, summary.Arn, account.accountId, region.region, `Instance ${summary.Id} is listed by ListInstances but the evidence holds nothing else about it: none of its hops was audited.`, 'NotCollected').forEach(add);
      }
      for (const instanceId of Object.keys(region.instances).sort()) {
        const evidence = region.instances[instanceId];
        if (!evidence) continue;
        const described = evidence.describeInstance.status === 'ok' ? evidence.describeInstance.response.Instance : undefined;
        const instanceArn = instanceArnOf(account, region, instanceId, described);
        if (!isSelected(instanceId, instanceArn, options.instanceIds)) continue;
        seenPins.add(instanceId).add(instanceArn);
        const describeCall = evidence.describeInstance;
        if (describeCall.status === 'error' && describeCall.error.code === 'ResourceNotFoundException') {
          missingInstanceFindings(options, instanceArn, account.accountId, region.region, `Instance ${instanceId} does not exist in ${account.accountId} ${region.region} (DescribeInstance: ResourceNotFoundException): nothing was audited for it.`, 'InstanceNotFound').forEach(add);
          continue;
        }
        const ctx: InstanceContext = {
          account,
          region,
          instanceId,
          instanceArn,
          partition: arnPartition(instanceArn) ?? 'aws',
          evidence,
          instance: described,
          resourceTypes: options.resourceTypes,
          directoryPin: pinFor(doc, options, instanceId, instanceArn),
          regionDirectoryPins: withoutKey(regionPins, instanceId),
          settings: options.settings ?? DEFAULT_RULE_SETTINGS,
          now: options.now,
        };
        const instanceFindings: Finding[] = [];
        for (const rule of options.rules) {
          const severity = options.severityOverrides[rule.meta.id] ?? rule.meta.severity;
          for (const result of runRule(rule, ctx)) instanceFindings.push(toFinding(rule.meta, severity, instanceArn, result, shared));
        }
        instanceFindings.forEach(add);
        yield;
        const directoryFinding = instanceFindings.find((f) => typeof f.evidence.resolvedBy === 'string' && typeof f.evidence.directoryId === 'string');
        instances.push({
          accountId: account.accountId,
          region: region.region,
          instanceId,
          instanceArn,
          ...(described?.InstanceAlias ? { instanceAlias: described.InstanceAlias } : {}),
          identityManagementType: described?.IdentityManagementType ?? 'UNKNOWN',
          accessUrl: described?.InstanceAccessUrl ?? '',
          ...(directoryFinding
            ? { directory: { directoryId: String(directoryFinding.evidence.directoryId), resolvedBy: directoryFinding.evidence.resolvedBy as 'pinned' | 'inferred' } }
            : {}),
        });
      }
    }
  }
  unmatchedPins(doc, options, seenPins).forEach(add);
  const searched = { accounts: doc.accounts.map((a) => a.accountId), regions: [...new Set(doc.accounts.flatMap((a) => a.regions.map((r) => r.region)))].sort() };
  return { instances, findings: [...byId.values()], searched };
}
