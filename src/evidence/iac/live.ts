/**
 * `--live-references`: what the code names but does not manage (an existing bucket named by a
 * literal, a data source's key, an instance it only attaches storage to, the parts of an existing
 * bucket or key it does not set) is read live through the collectors and replaces the
 * "not managed by this plan" answers; what the code sets is never replaced by what is deployed now.
 */
import { arnRegionAndAccount } from '../aws-names.js';
import type { NamedResources } from '../collect/index.js';
import type { AccountEvidence, Call, EvidenceDocument } from '../model.js';
import { NOT_MANAGED_BY_PLAN } from '../operations.js';

const isUnmanaged = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && (value as Call<unknown>).status === 'error' && (value as { error: { code: string } }).error.code === NOT_MANAGED_BY_PLAN;

const anyUnmanaged = (record: object): boolean => Object.values(record).some(isUnmanaged);

export interface LiveRequest {
  named: NamedResources;
  /** Instance ARNs the code attaches storage to without managing them. */
  instanceArns: string[];
  regions: string[];
}

/** What to read live: every record of the plan's evidence with a "not managed by this plan" answer. */
export function liveRequest(evidence: EvidenceDocument): LiveRequest | undefined {
  const account = evidence.accounts[0];
  if (!account) return undefined;
  const home = account.regions[0]?.region ?? 'us-east-1';
  const regionOf = (arn: string) => arnRegionAndAccount(arn)?.region || home;
  const named: NamedResources = {
    buckets: Object.entries(account.buckets).flatMap(([name, bucket]) => (anyUnmanaged(bucket) ? [{ name, region: home }] : [])),
    keys: Object.values(account.keys).flatMap((key) => (anyUnmanaged(key) ? [{ reference: key.reference, region: key.region }] : [])),
    streams: Object.entries(account.kinesisStreams ?? {}).flatMap(([arn, s]) => (anyUnmanaged(s) ? [{ arn, region: regionOf(arn) }] : [])),
    deliveryStreams: Object.entries(account.deliveryStreams ?? {}).flatMap(([arn, s]) => (anyUnmanaged(s) ? [{ arn, region: regionOf(arn) }] : [])),
    directories: account.regions.flatMap((region) => Object.entries(region.directories).flatMap(([id, d]) => (anyUnmanaged(d) ? [{ id, region: region.region }] : []))),
  };
  // A referenced instance is listed under its ARN; its description is what the plan lacks.
  const instanceArns = account.regions.flatMap((region) =>
    region.listInstances?.status === 'ok' ? region.listInstances.response.filter((summary) => isUnmanaged(region.instances[summary.Id]?.describeInstance)).map((summary) => summary.Arn) : [],
  );
  const accountBlock = isUnmanaged(account.publicAccessBlock);
  const count = named.buckets.length + named.keys.length + named.streams.length + named.deliveryStreams.length + (named.directories?.length ?? 0) + instanceArns.length + (accountBlock ? 1 : 0);
  if (count === 0) return undefined;
  return { named, instanceArns, regions: [...new Set([home, ...account.regions.map((r) => r.region)])] };
}

/** Each "not managed by this plan" answer (and each answer the plan lacks) replaced by the live one. */
function fill<T extends object>(planned: T, live: T | undefined): T {
  if (!live) return planned;
  const out = { ...planned } as Record<string, unknown>;
  for (const [field, value] of Object.entries(live)) {
    if (out[field] === undefined || isUnmanaged(out[field])) out[field] = value;
  }
  return out as T;
}

function fillRecord<T extends object>(planned: Record<string, T> | undefined, live: Record<string, T> | undefined): Record<string, T> | undefined {
  if (!planned) return live;
  const out: Record<string, T> = {};
  for (const [id, record] of Object.entries(planned)) out[id] = fill(record, live?.[id]);
  return out;
}

export function mergeLive(evidence: EvidenceDocument, live: EvidenceDocument): EvidenceDocument {
  const [account] = evidence.accounts;
  const liveAccount = live.accounts[0];
  if (!account || !liveAccount) return evidence;
  const merged: AccountEvidence = {
    ...account,
    buckets: fillRecord(account.buckets, liveAccount.buckets) ?? {},
    keys: fillRecord(account.keys, liveAccount.keys) ?? {},
    ...(account.kinesisStreams ? { kinesisStreams: fillRecord(account.kinesisStreams, liveAccount.kinesisStreams) } : {}),
    ...(account.deliveryStreams ? { deliveryStreams: fillRecord(account.deliveryStreams, liveAccount.deliveryStreams) } : {}),
    ...(isUnmanaged(account.publicAccessBlock) && liveAccount.publicAccessBlock ? { publicAccessBlock: liveAccount.publicAccessBlock } : {}),
    ...(liveAccount.listBuckets ? { listBuckets: liveAccount.listBuckets } : {}),
    regions: account.regions.map((region) => {
      const liveRegions = liveAccount.regions.filter((r) => r.region === region.region);
      const liveRegion = liveRegions.find((r) => Object.keys(r.instances).length > 0) ?? liveRegions[0];
      const instances = Object.fromEntries(
        Object.entries(region.instances).map(([id, instance]) => {
          const liveInstance = liveRegion?.instances[id];
          if (!liveInstance) return [id, instance];
          return [id, { ...fill(instance, liveInstance), storageConfigs: fill(instance.storageConfigs, liveInstance.storageConfigs) }];
        }),
      );
      // Directories the code only names: their live description joins the planned ones, their settings fill the gaps.
      const planned = region.describeDirectories?.status === 'ok' ? region.describeDirectories.response : [];
      const named = Object.keys(region.directories).filter((id) => anyUnmanaged(region.directories[id] as object));
      const described = liveRegions.flatMap((r) => (r.describeDirectories?.status === 'ok' ? r.describeDirectories.response : [])).filter((d) => named.includes(d.DirectoryId) && !planned.some((p) => p.DirectoryId === d.DirectoryId));
      const liveDirectories = Object.assign({}, ...liveRegions.map((r) => r.directories)) as typeof region.directories;
      const failedListing = liveRegions.map((r) => r.describeDirectories).find((d) => d?.status === 'error');
      return {
        ...region,
        instances,
        // A named directory the live listing could not show is unreadable, never "does not exist".
        ...(named.length === 0 || region.describeDirectories?.status !== 'ok'
          ? {}
          : { describeDirectories: failedListing ?? { status: 'ok' as const, response: [...planned, ...described] } }),
        directories: fillRecord(region.directories, liveDirectories) ?? {},
      };
    }),
  };
  return { ...evidence, ...(live.collectedBy ? { collectedBy: live.collectedBy } : {}), accounts: [merged] };
}
