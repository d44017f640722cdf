/**
 * Which directory authenticates an instance's agents. Connect's API does not say, so it is pinned
 * (flag or config), or inferred when exactly one candidate exists; never guessed among several.
 */
import type { DirectoryDescription, DirectoryEvidence } from '../../evidence/model.js';
import type { InstanceContext, Outcome, Resource } from '../types.js';
import { callErrorOutcome, directoryResource, instanceResource, outcome } from './outcomes.js';

const DIRECTORY_TYPES_FOR_CONNECT = ['ADConnector', 'MicrosoftAD', 'SharedMicrosoftAD'];

export type DirectoryResolution =
  | { kind: 'resolved'; directory: DirectoryDescription; evidence: DirectoryEvidence | undefined; resolvedBy: 'pinned' | 'inferred'; resource: Resource }
  /** The rules report this outcome (with the rule's hop) instead of judging. */
  | { kind: 'unjudgeable'; outcomeFor: (hop: string) => Outcome };

/** `d-1234567890` from an id or a directory ARN. */
export function directoryIdOf(pin: string): string {
  return pin.includes('/') ? (pin.split('/').pop() ?? pin) : pin;
}

function candidateSummary(d: DirectoryDescription) {
  return { directoryId: d.DirectoryId, name: d.Name ?? null, type: d.Type ?? null, stage: d.Stage ?? null };
}

export function resolveDirectory(ctx: InstanceContext): DirectoryResolution {
  const instanceRes = instanceResource(ctx);
  if (ctx.evidence.describeInstance.status !== 'ok') {
    const call = ctx.evidence.describeInstance;
    const error = call.status === 'error' ? call.error : { code: call.code, message: call.message ?? 'not found' };
    return { kind: 'unjudgeable', outcomeFor: (hop) => callErrorOutcome(hop, instanceRes, 'connect:DescribeInstance', error, 'the identity management type of the instance') };
  }
  const identity = ctx.instance?.IdentityManagementType ?? 'unknown';
  if (identity !== 'EXISTING_DIRECTORY') {
    return {
      kind: 'unjudgeable',
      outcomeFor: (hop) => outcome(hop, 'NOT_APPLICABLE', instanceRes, `The instance uses ${identity} identity management; agents do not authenticate through AD Connector.`, { identityManagementType: identity }),
    };
  }
  const described = ctx.region.describeDirectories;
  if (!described || described.status !== 'ok') {
    const error = !described ? { code: 'NotCollected', message: 'the evidence holds no DescribeDirectories answer' } : described.status === 'error' ? described.error : { code: described.code, message: described.message ?? '' };
    return { kind: 'unjudgeable', outcomeFor: (hop) => callErrorOutcome(hop, instanceRes, 'ds:DescribeDirectories', error, 'the directories of the account') };
  }
  const directories = described.response;
  const pin = ctx.directoryPin;
  if (pin) {
    const id = directoryIdOf(pin);
    const directory = directories.find((d) => d.DirectoryId === id);
    if (!directory) {
      const resource = directoryResource(ctx, id);
      return {
        kind: 'unjudgeable',
        outcomeFor: (hop) => outcome(hop, 'FAIL', resource, `Directory ${id}, pinned for this instance, does not exist in ${ctx.account.accountId} ${ctx.region.region}.`, { directoryId: id, resolvedBy: 'pinned', exists: false, candidates: directories.map(candidateSummary) }),
      };
    }
    return { kind: 'resolved', directory, evidence: ctx.region.directories[id], resolvedBy: 'pinned', resource: directoryResource(ctx, id) };
  }
  const candidates = directories.filter((d) => DIRECTORY_TYPES_FOR_CONNECT.includes(d.Type ?? ''));
  if (candidates.length === 1 && candidates[0]) {
    const directory = candidates[0];
    return { kind: 'resolved', directory, evidence: ctx.region.directories[directory.DirectoryId], resolvedBy: 'inferred', resource: directoryResource(ctx, directory.DirectoryId) };
  }
  const message =
    candidates.length === 0
      ? `No AD Connector or Managed Microsoft AD directory exists in ${ctx.account.accountId} ${ctx.region.region}, yet the instance uses EXISTING_DIRECTORY; pin the directory with --directory-id if it is shared from elsewhere.`
      : `${candidates.length} directories could serve this instance (${candidates.map((d) => d.DirectoryId).join(', ')}); Connect does not say which: pin one with --directory-id or the config file.`;
  return {
    kind: 'unjudgeable',
    outcomeFor: (hop) => ({
      ...outcome(hop, 'ERROR', instanceRes, message, { identityManagementType: identity, candidates: candidates.map(candidateSummary) }),
      error: { operation: 'ds:DescribeDirectories', resource: instanceRes.arn, code: candidates.length === 0 ? 'DirectoryNotFound' : 'AmbiguousDirectory', message },
    }),
  };
}

/** The skeleton of every directory rule: resolve the directory, then judge it on the rule's hop. */
export function judgeDirectory(
  ctx: InstanceContext,
  hop: string,
  judge: (resolved: Extract<DirectoryResolution, { kind: 'resolved' }>) => Outcome,
): Outcome[] {
  const resolution = resolveDirectory(ctx);
  if (resolution.kind === 'unjudgeable') return [resolution.outcomeFor(hop)];
  const result = judge(resolution);
  return [{ ...result, evidence: { directoryId: resolution.directory.DirectoryId, resolvedBy: resolution.resolvedBy, ...result.evidence } }];
}
