/**
 * Which directory authenticates an instance's agents, and what the directory rules share about it.
 *
 * Connect's API does not say which directory an instance uses, so it is pinned (flag or config), or
 * inferred when exactly one candidate directory is left for exactly one instance that could use one:
 * a directory serves one Connect instance at a time, so it is never inferred for two.
 */
import type { ConnectInstance, DirectoryDescription, DirectoryEvidence, Trust } from '../../evidence/model.js';
import { isPlanGap, type OperationKey } from '../../evidence/operations.js';
import type { InstanceContext, Outcome, Resource } from '../types.js';
import { callErrorOutcome, directoryResource, instanceResource, outcome, readCall } from './outcomes.js';

/** What Connect can link as an existing directory, by DescribeDirectories `Type`. */
export type DirectoryKind = 'ad-connector' | 'managed-ad' | 'simple-ad';

const KIND_OF_TYPE: Readonly<Record<string, DirectoryKind>> = {
  ADConnector: 'ad-connector',
  MicrosoftAD: 'managed-ad',
  SharedMicrosoftAD: 'managed-ad',
  SimpleAD: 'simple-ad',
};

export function directoryKind(directory: DirectoryDescription): DirectoryKind | undefined {
  return directory.Type === undefined ? undefined : KIND_OF_TYPE[directory.Type];
}

const CANDIDATE_TYPES_TEXT = 'AD Connector, AWS Managed Microsoft AD or Simple AD';

export interface ResolvedDirectory {
  kind: 'resolved';
  directory: DirectoryDescription;
  /** The per-directory record; the collector makes none for Simple AD, whose rules need none. */
  evidence: DirectoryEvidence | undefined;
  resolvedBy: 'pinned' | 'inferred';
  resource: Resource;
}

export type DirectoryResolution =
  | ResolvedDirectory
  /** The rules report this outcome (with the rule's hop) instead of judging. */
  | { kind: 'unjudgeable'; outcomeFor: (hop: string) => Outcome };

/** `d-1234567890` from an id or a directory ARN. */
export function directoryIdOf(pin: string): string {
  return pin.includes('/') ? (pin.split('/').pop() ?? pin) : pin;
}

function unjudgeable(outcomeFor: (hop: string) => Outcome): DirectoryResolution {
  return { kind: 'unjudgeable', outcomeFor };
}

/** An ERROR that a rule reports because the answer it reads lacks a field or holds one it cannot use. */
export function fieldErrorOutcome(
  hop: string,
  resource: Resource,
  operation: OperationKey,
  problem: { code: 'MissingField' | 'InvalidField'; field: string; detail: string },
  subject: string,
): Outcome {
  const result = callErrorOutcome(hop, resource, operation, { code: problem.code, message: problem.detail }, subject);
  return { ...result, message: `Could not judge ${subject}: ${problem.detail}.`, evidence: { ...result.evidence, field: problem.field } };
}

/** Who could be using a directory of the region: every other instance whose identity type is EXISTING_DIRECTORY or unknown. */
interface OtherInstance {
  instanceId: string;
  identityManagementType: string | null;
  pinnedDirectory: string | null;
}

function otherInstances(ctx: InstanceContext): OtherInstance[] {
  const listed = ctx.region.listInstances?.status === 'ok' ? ctx.region.listInstances.response : [];
  const identity = new Map<string, string | undefined>();
  for (const summary of listed) identity.set(summary.Id, summary.IdentityManagementType);
  for (const [instanceId, evidence] of Object.entries(ctx.region.instances)) {
    const described: ConnectInstance | undefined = evidence.describeInstance.status === 'ok' ? evidence.describeInstance.response.Instance : undefined;
    identity.set(instanceId, described?.IdentityManagementType ?? identity.get(instanceId));
  }
  const pins = ctx.regionDirectoryPins ?? {};
  const others: OtherInstance[] = [];
  for (const [instanceId, type] of identity) {
    if (instanceId === ctx.instanceId) continue;
    if (type !== undefined && type !== 'EXISTING_DIRECTORY') continue;
    const pin = typeof pins[instanceId] === 'string' ? pins[instanceId] : undefined;
    others.push({ instanceId, identityManagementType: type ?? null, pinnedDirectory: pin ? directoryIdOf(pin) : null });
  }
  return others.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
}

function candidateSummary(d: DirectoryDescription, others: readonly OtherInstance[]) {
  const pinnedFor = others.filter((o) => o.pinnedDirectory === d.DirectoryId).map((o) => o.instanceId);
  return {
    directoryId: d.DirectoryId,
    name: d.Name ?? null,
    alias: d.Alias ?? null,
    type: d.Type ?? null,
    stage: d.Stage ?? null,
    ...(pinnedFor.length > 0 ? { pinnedForOtherInstances: pinnedFor } : {}),
  };
}

function describe(other: OtherInstance): string {
  return other.identityManagementType ? other.instanceId : `${other.instanceId} (identity type unknown)`;
}

function ambiguity(ctx: InstanceContext, code: 'DirectoryNotFound' | 'AmbiguousDirectory', message: string, evidence: Record<string, unknown>): DirectoryResolution {
  const instanceRes = instanceResource(ctx);
  return unjudgeable((hop) => ({
    ...outcome(hop, 'ERROR', instanceRes, message, { identityManagementType: 'EXISTING_DIRECTORY', ...evidence }),
    error: { operation: 'ds:DescribeDirectories', resource: instanceRes.arn, code, message },
  }));
}

function resolvePinned(ctx: InstanceContext, pin: string, directories: readonly DirectoryDescription[], others: readonly OtherInstance[]): DirectoryResolution {
  const id = directoryIdOf(pin);
  const directory = directories.find((d) => d.DirectoryId === id);
  const resource = directoryResource(ctx, id);
  // Plan mode: a directory the code names without managing is not in the listing, yet not missing.
  const record = ctx.region.directories[id]?.ldapsSettings;
  if (!directory && record?.status === 'error' && isPlanGap(record.error.code)) {
    return unjudgeable((hop) => callErrorOutcome(hop, resource, 'ds:DescribeDirectories', record.error, `directory ${id}, pinned for this instance`));
  }
  if (!directory) {
    return unjudgeable((hop) =>
      outcome(hop, 'FAIL', resource, `Directory ${id}, pinned for this instance, does not exist in ${ctx.account.accountId} ${ctx.region.region}.`, {
        directoryId: id,
        resolvedBy: 'pinned',
        exists: false,
        candidates: directories.map((d) => candidateSummary(d, others)),
      }),
    );
  }
  // A wildcard or copied pin can name one directory for two instances; Connect links a directory to one.
  const sharing = others.filter((o) => o.pinnedDirectory === id && o.identityManagementType === 'EXISTING_DIRECTORY').map((o) => o.instanceId);
  if (sharing.length > 0) {
    const message = `Directory ${id} is pinned both for this instance and for ${sharing.join(', ')}, but a directory serves one Connect instance at a time: pin each instance to its own directory (--directory-id with --instance-id, or the config file).`;
    return ambiguity(ctx, 'AmbiguousDirectory', message, { pinnedDirectory: id, alsoPinnedFor: sharing });
  }
  return { kind: 'resolved', directory, evidence: ctx.region.directories[id], resolvedBy: 'pinned', resource };
}

function inferDirectory(ctx: InstanceContext, directories: readonly DirectoryDescription[], others: readonly OtherInstance[]): DirectoryResolution {
  // A directory whose Type is missing could be any of them: it stays a candidate.
  const connectTypes = directories.filter((d) => d.Type === undefined || directoryKind(d) !== undefined);
  const pinnedElsewhere = new Set(others.map((o) => o.pinnedDirectory).filter((d): d is string => d !== null));
  const remaining = connectTypes.filter((d) => !pinnedElsewhere.has(d.DirectoryId));
  const contenders = others.filter((o) => o.pinnedDirectory === null);
  const facts = {
    candidates: connectTypes.map((d) => candidateSummary(d, others)),
    otherInstancesThatCouldUseADirectory: contenders.map((o) => ({ instanceId: o.instanceId, identityManagementType: o.identityManagementType })),
  };
  const only = remaining.length === 1 ? remaining[0] : undefined;
  if (only && contenders.length === 0) {
    return { kind: 'resolved', directory: only, evidence: ctx.region.directories[only.DirectoryId], resolvedBy: 'inferred', resource: directoryResource(ctx, only.DirectoryId) };
  }
  const where = `${ctx.account.accountId} ${ctx.region.region}`;
  const pinHint = 'pin the directory of each EXISTING_DIRECTORY instance with --directory-id or the config file';
  if (remaining.length === 0) {
    const message =
      connectTypes.length === 0
        ? `No ${CANDIDATE_TYPES_TEXT} directory exists in ${where}, yet the instance uses EXISTING_DIRECTORY; pin the directory with --directory-id if it is shared from elsewhere.`
        : `Every ${CANDIDATE_TYPES_TEXT} directory in ${where} (${connectTypes.map((d) => d.DirectoryId).join(', ')}) is pinned for another instance, and a directory serves one Connect instance at a time: ${pinHint}.`;
    return ambiguity(ctx, 'DirectoryNotFound', message, facts);
  }
  if (only) {
    const message = `Directory ${only.DirectoryId} is the only candidate in ${where}, but ${contenders.length === 1 ? 'instance' : 'instances'} ${contenders.map(describe).join(', ')} could use it too and a directory serves one Connect instance at a time; Connect does not say which: ${pinHint}.`;
    return ambiguity(ctx, 'AmbiguousDirectory', message, facts);
  }
  const message = `${remaining.length} directories could serve this instance (${remaining.map((d) => d.DirectoryId).join(', ')}); Connect does not say which: pin one with --directory-id or the config file.`;
  return ambiguity(ctx, 'AmbiguousDirectory', message, facts);
}

export function resolveDirectory(ctx: InstanceContext): DirectoryResolution {
  const instanceRes = instanceResource(ctx);
  if (ctx.evidence.describeInstance.status !== 'ok') {
    const call = ctx.evidence.describeInstance;
    const error = call.status === 'error' ? call.error : { code: call.code, message: call.message ?? 'not found' };
    return unjudgeable((hop) => callErrorOutcome(hop, instanceRes, 'connect:DescribeInstance', error, 'the identity management type of the instance'));
  }
  const identity = ctx.instance?.IdentityManagementType;
  if (identity === undefined) {
    return unjudgeable((hop) =>
      fieldErrorOutcome(hop, instanceRes, 'connect:DescribeInstance', { code: 'MissingField', field: 'IdentityManagementType', detail: 'the DescribeInstance answer has no IdentityManagementType' }, 'whether agents authenticate through a directory'),
    );
  }
  if (identity !== 'EXISTING_DIRECTORY') {
    return unjudgeable((hop) =>
      outcome(hop, 'NOT_APPLICABLE', instanceRes, `The instance uses ${identity} identity management; agents do not authenticate through a directory.`, { identityManagementType: identity }),
    );
  }
  const described = ctx.region.describeDirectories;
  if (!described || described.status !== 'ok') {
    const error = !described ? { code: 'NotCollected', message: 'the evidence holds no DescribeDirectories answer' } : described.status === 'error' ? described.error : { code: described.code, message: described.message ?? '' };
    return unjudgeable((hop) => callErrorOutcome(hop, instanceRes, 'ds:DescribeDirectories', error, 'the directories of the account'));
  }
  const others = otherInstances(ctx);
  return ctx.directoryPin ? resolvePinned(ctx, ctx.directoryPin, described.response, others) : inferDirectory(ctx, described.response, others);
}

/** The skeleton of every directory rule: resolve the directory, then judge it on the rule's hop. */
export function judgeDirectory(ctx: InstanceContext, hop: string, judge: (resolved: ResolvedDirectory) => Outcome): Outcome[] {
  const resolution = resolveDirectory(ctx);
  if (resolution.kind === 'unjudgeable') return [resolution.outcomeFor(hop)];
  const result = judge(resolution);
  return [{ ...result, evidence: { directoryId: resolution.directory.DirectoryId, resolvedBy: resolution.resolvedBy, ...result.evidence } }];
}

/** ERROR for a directory whose type Connect does not document (or that DescribeDirectories did not give). */
export function unknownTypeOutcome(hop: string, resolved: ResolvedDirectory, subject: string): Outcome {
  const { directory, resource } = resolved;
  const detail =
    directory.Type === undefined
      ? `the DescribeDirectories answer for ${directory.DirectoryId} has no Type`
      : `directory ${directory.DirectoryId} is of type ${directory.Type}, which Connect does not document as an identity directory (${CANDIDATE_TYPES_TEXT})`;
  return fieldErrorOutcome(hop, resource, 'ds:DescribeDirectories', { code: directory.Type === undefined ? 'MissingField' : 'InvalidField', field: 'Type', detail }, subject);
}

function trustSummary(t: Trust) {
  return { remoteDomainName: t.RemoteDomainName ?? null, trustType: t.TrustType ?? null, trustDirection: t.TrustDirection ?? null, trustState: t.TrustState ?? null };
}

/**
 * Whether client-side LDAPS applies: to AD Connector always; to AWS Managed Microsoft AD only when a
 * trust leads to a self-managed domain (without one, users live in the managed directory itself);
 * never to Simple AD, which supports no trust. `facts` go into the evidence of the rule's finding.
 */
export function clientLdapsScope(hop: string, resolved: ResolvedDirectory): { applies: true; facts: Record<string, unknown> } | { applies: false; outcome: Outcome } {
  const { directory, evidence, resource } = resolved;
  const kind = directoryKind(directory);
  const notApplicable = (why: string, facts: Record<string, unknown>) => ({
    applies: false as const,
    outcome: outcome(hop, 'NOT_APPLICABLE', resource, `Directory ${directory.DirectoryId} ${why}`, { type: directory.Type, ...facts }),
  });
  if (kind === undefined) return { applies: false, outcome: unknownTypeOutcome(hop, resolved, `whether client-side LDAPS applies to directory ${directory.DirectoryId}`) };
  if (kind === 'ad-connector') return { applies: true, facts: { type: directory.Type } };
  if (kind === 'simple-ad') {
    return notApplicable('is Simple AD: users live in the Simple AD directory itself, which supports no trust to a self-managed domain, so there is no client-side LDAPS connection to protect.', { reason: 'simple-ad' });
  }
  const read = readCall(evidence?.trusts, (error) => callErrorOutcome(hop, resource, 'ds:DescribeTrusts', error, `the trusts of directory ${directory.DirectoryId}`));
  if (!read.ok) return { applies: false, outcome: read.outcome };
  // A trust being deleted still counts: only a deleted one no longer leads anywhere.
  const trusts = (read.value ?? []).filter((t) => t.TrustState !== 'Deleted').map(trustSummary);
  if (trusts.length === 0) {
    return notApplicable(
      '(AWS Managed Microsoft AD) has no trust to a self-managed domain: users live in the managed directory itself, and client-side LDAPS protects only traffic to a self-managed domain over a trust.',
      { trusts: [], reason: 'no-trust' },
    );
  }
  return { applies: true, facts: { type: directory.Type, trusts } };
}

export type LdapsState = { known: true; enabled: boolean; statuses: string[]; supported: boolean } | { known: false; outcome: Outcome };

/** Client-side LDAPS status from DescribeLDAPSSettings: enabled, known to be off, or unknown (the ERROR to report). */
export function clientLdapsState(hop: string, resolved: ResolvedDirectory): LdapsState {
  const { directory, evidence, resource } = resolved;
  const subject = `the LDAPS settings of directory ${directory.DirectoryId}`;
  const read = readCall(evidence?.ldapsSettings, (error) => callErrorOutcome(hop, resource, 'ds:DescribeLDAPSSettings', error, subject));
  if (!read.ok) return { known: false, outcome: read.outcome };
  const entries = read.value ?? [];
  const statuses = entries.map((s) => s.LDAPSStatus ?? 'missing');
  if (statuses.includes('Enabled')) return { known: true, enabled: true, statuses, supported: true };
  if (entries.some((s) => s.LDAPSStatus === undefined)) {
    return {
      known: false,
      outcome: fieldErrorOutcome(hop, resource, 'ds:DescribeLDAPSSettings', { code: 'MissingField', field: 'LDAPSStatus', detail: 'an LDAPSSettingsInfo entry has no LDAPSStatus' }, subject),
    };
  }
  return { known: true, enabled: false, statuses, supported: read.value !== undefined };
}
