/**
 * Live collection: reads one account's Connect, S3, KMS, Directory Service, Kinesis, Firehose, Kinesis
 * Video and CloudWatch Logs configuration through the AWS SDK v3 and returns it as an EvidenceDocument.
 *
 * Importing this module loads no SDK package: clients.ts imports them on first use.
 *
 * Work runs as soon as what it depends on is known — every instance's calls at once, each bucket as
 * soon as a storage config names it, each key as soon as a config, a bucket, a stream or a log group
 * names it — under the scheduler's global concurrency cap and per-API pacing. Buckets, keys,
 * directories, streams and log groups are read once per run (promise maps). An AWS error becomes an error record and the rest goes on; only an abort
 * rejects (with an AbortError).
 */
import {
  EVIDENCE_KIND,
  EVIDENCE_SCHEMA_VERSION,
  keyLookupId,
  type AccountEvidence,
  type BucketEvidence,
  type DeliveryStreamEvidence,
  type ConnectInstanceEvidence,
  type DirectoryEvidence,
  type EvidenceDocument,
  type InstanceStorageConfig,
  type KeyEvidence,
  type KinesisStreamEvidence,
  type RegionEvidence,
} from '../model.js';
import { ClientFactory, Transport, type AwsCredentialIdentityProvider, type ClientSettings } from './clients.js';
import * as connect from './connect.js';
import type { CollectContext } from './context.js';
import { AUDITED_DIRECTORY_TYPES, collectDirectory, describeDirectories, readsDirectory } from './directory.js';
import { collectDeliveryStream } from './firehose.js';
import { collectStream } from './kinesis.js';
import { judgesFlowLogs } from '../../paths/hops.js';
import { arnRegionAndAccount, bucketNameOfArn, contactFlowLogGroupName, contactFlowLogsOn, isAwsManagedAlias, keyReferenceOf, parseInstanceArn } from '../aws-names.js';
import { listVideoStreams } from './kinesis-video.js';
import { collectKey, keyDetails, type KeyDetails } from './kms.js';
import { describeLogGroups } from './logs.js';
import { ProgressTracker, type ProgressListener } from './progress.js';
import { redact } from './record.js';
import { accountPublicAccessBlock, bucketKeyReferences, collectBucket, listOwnedBuckets } from './s3.js';
import { createAbortError, Scheduler, type RateLimit } from './scheduler.js';
import { getCallerIdentity, type CallerIdentity } from './sts.js';

export type { AwsCredentialIdentityProvider } from './clients.js';
export { ProgressTracker, type CollectProgress, type ProgressListener } from './progress.js';
export { classifyError, createAbortError, isAbortError, Scheduler, type RateLimit, type SchedulerStats } from './scheduler.js';

export interface CollectOptions {
  /** Regions to read, already resolved by the caller (at least one). */
  regions: string[];
  /**
   * Instance ids or ARNs. When given, ListInstances is not called: an ARN names its own region (and
   * account: ARNs of other accounts are skipped), a bare id is looked for in every region of
   * `regions` (and kept only where it exists, or in the first region when it exists nowhere).
   */
  instanceIds?: string[];
  /** Storage resource types to list (Connect names, e.g. CALL_RECORDINGS). */
  resourceTypes: readonly string[];
  /** Instance id or ARN → directory id; recorded in the document. */
  directoryPins?: Record<string, string>;
  profile?: string;
  /** --endpoint-url. Any endpoint override (this, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3) makes S3 use path-style. */
  endpointUrl?: string;
  /** Requests in flight at most, overall. */
  concurrency: number;
  /** Attempts per call for throttling, 5xx and network errors (the first included). */
  maxAttempts: number;
  /** Per-request timeout. */
  requestTimeoutMs: number;
  /** Pacing per (account, region, Connect API). */
  connectRate: RateLimit;
  /** Whole-run timeout and SIGINT: aborts in-flight requests; the collection rejects with an AbortError. */
  signal: AbortSignal;
  /** Verbose log lines (no credentials, tokens or signed headers ever reach it). */
  log?: (line: string) => void;
  /** Credentials override (multi-account assume-role); default: the standard chain with `profile`. */
  credentials?: AwsCredentialIdentityProvider;
  /**
   * Credentials for another account of the run (a multi-account run fills it for the accounts it
   * assumes into), to read a Kinesis stream or Firehose delivery stream that account owns;
   * `credentials: undefined` is the standard chain. Undefined: that account cannot be read, the
   * resource is asked for with this account's credentials.
   */
  credentialsFor?: (accountId: string) => Promise<{ credentials: AwsCredentialIdentityProvider | undefined } | undefined>;
  /** ListInstances already answered, by region (a multi-account run lists first to order its accounts): not asked again. */
  listed?: ReadonlyMap<string, RegionEvidence['listInstances']>;
  /** The account read; default: STS GetCallerIdentity (which also fills `collectedBy`). */
  accountId?: string;
  /** A scheduler shared by several collections (e.g. one per account), so that the concurrency cap is global. */
  scheduler?: Scheduler;
  /** A connection pool shared by several collections, like `scheduler`; default: one for this collection. */
  transport?: Transport;
  /**
   * Called whenever the collection moves on (an instance or account done, a request sent, a throttle
   * seen); often, so the listener should only store it or redraw at its own pace.
   */
  onProgress?: ProgressListener;
  /** A tracker shared by several collections, like `scheduler`; its own listener is used, not `onProgress`. */
  progress?: ProgressTracker;
  /** Recorded as the document's `tool`. */
  tool?: { name: string; version: string };
  /** Recorded as the document's `collection`: how the scope was chosen (`--shard`). */
  collection?: EvidenceDocument['collection'];
  /** Environment consulted for endpoint overrides; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Clock for `collectedAt`. */
  now?: () => Date;
  /**
   * Read only these resources (and the pinned instances), nothing listed: plan mode's
   * `--live-references`, for what the code names but does not manage.
   */
  named?: NamedResources;
}

/** Resources read by name, each with the region whose clients resolve it (an ARN's own region wins). */
export interface NamedResources {
  buckets: ReadonlyArray<{ name: string; region: string }>;
  keys: ReadonlyArray<{ reference: string; region: string }>;
  streams: ReadonlyArray<{ arn: string; region: string }>;
  deliveryStreams: ReadonlyArray<{ arn: string; region: string }>;
  /** Directories by id: described, then read as an instance's pinned directory would be. */
  directories?: ReadonlyArray<{ id: string; region: string }>;
}

/** Account id recorded when the caller's identity could not be established (see the account's `error`). */
export const UNKNOWN_ACCOUNT_ID = '000000000000';

export async function collectEvidence(options: CollectOptions): Promise<EvidenceDocument> {
  if (options.regions.length === 0) throw new TypeError('collectEvidence needs at least one region');
  const signal = options.signal;
  if (signal.aborted) throw createAbortError(signal);
  const collectedAt = (options.now?.() ?? new Date()).toISOString();
  const log = redactedLog(options.log);
  const progress = options.progress ?? new ProgressTracker(options.onProgress);
  if (!options.progress) progress.addAccounts(1);
  const scheduler = options.scheduler ?? runScheduler(options, signal, log, progress);
  const transport = options.transport ?? new Transport();
  const clients = new ClientFactory(clientSettings(options, transport, options.credentials));
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(createAbortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  let run: AccountRun | undefined;
  try {
    run = new AccountRun({ ...options, transport }, { accountId: options.accountId ?? '', scheduler, clients, connectRate: options.connectRate, log }, progress);
    const work = run.collect();
    work.catch(() => undefined);
    const { account, collectedBy } = await Promise.race([work, aborted]);
    progress.accountDone();
    return evidenceDocumentOf(options, collectedAt, collectedBy, [account]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    clients.destroy();
    run?.destroy();
    if (!options.transport) transport.close();
  }
}

/** The settings of a ClientFactory of the run, for one account's credentials. */
export function clientSettings(
  options: Pick<CollectOptions, 'profile' | 'endpointUrl' | 'env'>,
  transport: Transport | undefined,
  credentials: AwsCredentialIdentityProvider | undefined,
): ClientSettings {
  return { profile: options.profile, endpointUrl: options.endpointUrl, credentials, env: options.env ?? process.env, transport };
}

/** The verbose log, with anything that looks like a credential removed. */
export function redactedLog(userLog: ((line: string) => void) | undefined): (line: string) => void {
  return userLog ? (line: string) => userLog(redact(line)) : () => undefined;
}

/** The scheduler of a run: its cap, retries and per-request timeout, its counters reported to `progress`. */
export function runScheduler(
  options: Pick<CollectOptions, 'concurrency' | 'maxAttempts' | 'requestTimeoutMs'>,
  signal: AbortSignal,
  log: (line: string) => void,
  progress: ProgressTracker,
): Scheduler {
  return new Scheduler({
    concurrency: options.concurrency,
    maxAttempts: options.maxAttempts,
    requestTimeoutMs: options.requestTimeoutMs,
    signal,
    log,
    onStats: progress.onStats,
  });
}

/** The document around collected accounts: when, by whom, with which tool, directory pins, resource types and shard. */
export function evidenceDocumentOf(
  options: Pick<CollectOptions, 'tool' | 'directoryPins' | 'resourceTypes' | 'collection'>,
  collectedAt: string,
  collectedBy: CallerIdentity | undefined,
  accounts: AccountEvidence[],
): EvidenceDocument {
  const pins = options.directoryPins && Object.keys(options.directoryPins).length > 0 ? { ...options.directoryPins } : undefined;
  return {
    schemaVersion: EVIDENCE_SCHEMA_VERSION,
    kind: EVIDENCE_KIND,
    collectedAt,
    ...(options.tool ? { tool: { ...options.tool } } : {}),
    ...(collectedBy ? { collectedBy } : {}),
    ...(pins ? { directoryPins: pins } : {}),
    resourceTypes: [...options.resourceTypes],
    ...(options.collection ? { collection: options.collection } : {}),
    accounts,
  };
}

// ---- planning -----------------------------------------------------------------------------

interface InstancePin {
  id: string;
  /** Set for an ARN: its region and account. */
  arn?: { arn: string; region: string; account: string };
}

export function parseInstancePin(text: string): InstancePin {
  const trimmed = text.trim();
  const arn = parseInstanceArn(trimmed);
  return arn ? { id: arn.id, arn: { arn: trimmed, region: arn.region, account: arn.account } } : { id: trimmed };
}

function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

type DescribeRecord = ConnectInstanceEvidence['describeInstance'];
type StorageConfigsRecord = ConnectInstanceEvidence['storageConfigs'][string];
type VideoStreamsRecord = NonNullable<ConnectInstanceEvidence['videoStreams']>[string];
type LogGroupsRecord = NonNullable<ConnectInstanceEvidence['contactFlowLogGroups']>;

interface InstanceTarget {
  id: string;
  arn: string | undefined;
  /** From the ListInstances summary: DS can start without waiting for DescribeInstance. */
  identityType: string | undefined;
  describe: Promise<DescribeRecord> | undefined;
}

interface InstanceRun {
  id: string;
  /** Identity type and ARN, as soon as they are known. */
  identity: Promise<{ type: string | undefined; arn: string | undefined }>;
  evidence: Promise<ConnectInstanceEvidence>;
}

// ---- one account --------------------------------------------------------------------------

class AccountRun {
  private readonly buckets = new Map<string, Promise<BucketEvidence>>();
  private readonly keys = new Map<string, Promise<KeyEvidence>>();
  private readonly keyDetails = new Map<string, Promise<KeyDetails>>();
  private readonly describes = new Map<string, Promise<DescribeRecord>>();
  /** Kinesis Video ListStreams by `region|prefix`, contact flow log groups by `region|name`. */
  private readonly videoStreamLists = new Map<string, Promise<VideoStreamsRecord>>();
  private readonly logGroupLists = new Map<string, Promise<LogGroupsRecord>>();
  /** Kinesis streams and Firehose delivery streams by ARN; the context that reads another account's (by account id). */
  private readonly streams = new Map<string, Promise<KinesisStreamEvidence>>();
  private readonly deliveryStreams = new Map<string, Promise<DeliveryStreamEvidence>>();
  private readonly readers = new Map<string, Promise<CollectContext>>();
  private readonly readerClients: ClientFactory[] = [];
  private closed = false;
  private accountBlock: Promise<AccountEvidence['publicAccessBlock']> | undefined;
  private ownedBuckets: Promise<AccountEvidence['listBuckets']> | undefined;
  private readonly pending: Promise<unknown>[] = [];

  constructor(
    private readonly options: CollectOptions,
    private readonly ctx: CollectContext,
    private readonly progress: ProgressTracker,
  ) {}

  async collect(): Promise<{ account: AccountEvidence; collectedBy: CallerIdentity | undefined }> {
    const options = this.options;
    const pins = options.instanceIds && options.instanceIds.length > 0 ? unique(options.instanceIds).map(parseInstancePin) : undefined;
    const baseRegions = unique(options.regions);
    let collectedBy: CallerIdentity | undefined;
    // ListInstances needs no account id: it goes out together with GetCallerIdentity.
    const listings = new Map<string, Promise<RegionEvidence['listInstances']>>();
    if (!pins && !options.named) {
      const early = { ...this.ctx, accountId: this.ctx.accountId || 'caller' };
      for (const region of baseRegions) {
        const listed = options.listed?.has(region) ? Promise.resolve(options.listed.get(region)) : connect.listInstances(early, region);
        listings.set(region, this.track(listed));
      }
    }
    if (!this.ctx.accountId) {
      const firstRegion = options.regions[0] ?? 'us-east-1';
      const identity = await getCallerIdentity({ ...this.ctx, accountId: 'caller' }, firstRegion);
      const account = identity.status === 'ok' ? identity.response.Account : undefined;
      if (identity.status === 'ok') collectedBy = identity.response;
      if (!account || !/^\d{12}$/.test(account)) {
        const error =
          identity.status === 'error'
            ? identity.error
            : { code: 'MalformedResponse', message: 'GetCallerIdentity returned no 12-digit account id.' };
        const pinAccounts = unique((pins ?? []).flatMap((p) => (p.arn ? [p.arn.account] : [])));
        this.ctx.log(`sts:GetCallerIdentity failed (${error.code}): the account cannot be read`);
        await Promise.allSettled(listings.values());
        return {
          account: {
            accountId: pinAccounts.length === 1 && pinAccounts[0] ? pinAccounts[0] : UNKNOWN_ACCOUNT_ID,
            error: { operation: 'sts:GetCallerIdentity', ...error },
            regions: [],
            buckets: {},
            keys: {},
          },
          collectedBy,
        };
      }
      this.ctx.accountId = account;
    }
    const accountId = this.ctx.accountId;
    this.ctx.log(`collecting account ${accountId} in ${options.regions.join(', ')}`);

    let regionTasks: Promise<RegionEvidence | undefined>[];
    if (pins) {
      const own = pins.filter((p) => {
        if (p.arn && p.arn.account !== accountId) {
          this.ctx.log(`skipping ${p.arn.arn}: it belongs to account ${p.arn.account}, not ${accountId}`);
          return false;
        }
        return true;
      });
      const bare = own.filter((p) => !p.arn);
      const regions = unique([...baseRegions, ...own.flatMap((p) => (p.arn ? [p.arn.region] : []))]);
      regionTasks = regions.map((region) => {
        // ARN pins first: when an instance is named both ways, its ARN is kept.
        const here = own
          .filter((p) => (p.arn ? p.arn.region === region : baseRegions.includes(region)))
          .sort((a, b) => Number(Boolean(b.arn)) - Number(Boolean(a.arn)));
        if (here.length === 0) return Promise.resolve(undefined);
        return this.collectRegion(region, this.pinnedTargets(region, here, bare.length > 0 ? baseRegions : []));
      });
    } else {
      regionTasks = options.named ? this.namedDirectoryRegions(options.named) : baseRegions.map((region) => this.collectRegion(region, undefined, listings.get(region)));
    }
    if (options.named) this.ensureNamed(options.named);
    const regions = (await Promise.all(regionTasks)).filter((r): r is RegionEvidence => r !== undefined);
    for (let batch = this.pending.splice(0); batch.length > 0; batch = this.pending.splice(0)) await Promise.all(batch);

    return {
      account: {
        accountId,
        regions,
        buckets: await sortedRecord(this.buckets),
        keys: await sortedRecord(this.keys),
        ...(this.accountBlock ? { publicAccessBlock: await this.accountBlock } : {}),
        ...(this.ownedBuckets ? { listBuckets: await this.ownedBuckets } : {}),
        ...(this.streams.size > 0 ? { kinesisStreams: await sortedRecord(this.streams) } : {}),
        ...(this.deliveryStreams.size > 0 ? { deliveryStreams: await sortedRecord(this.deliveryStreams) } : {}),
      },
      collectedBy,
    };
  }

  /** Closes the clients opened with other accounts' credentials. */
  destroy(): void {
    this.closed = true;
    for (const clients of this.readerClients.splice(0)) clients.destroy();
  }

  /** Keeps a promise for the final wait and marks its rejection handled (an abort rejects everything). */
  private track<T>(promise: Promise<T>): Promise<T> {
    promise.catch(() => undefined);
    this.pending.push(promise);
    return promise;
  }

  private describeOnce(region: string, id: string): Promise<DescribeRecord> {
    return this.once(this.describes, `${region}|${id}`, () => connect.describeInstance(this.ctx, region, id));
  }

  /**
   * Pinned instances of one region. A bare id looked for in several regions is described first and
   * kept where it exists; when it exists nowhere, the first region keeps it (with its error records).
   */
  private async pinnedTargets(region: string, pins: InstancePin[], bareRegions: string[]): Promise<InstanceTarget[]> {
    const targets = await Promise.all(
      pins.map(async (pin): Promise<InstanceTarget | undefined> => {
        if (pin.arn || bareRegions.length <= 1) {
          return { id: pin.id, arn: pin.arn?.arn, identityType: undefined, describe: undefined };
        }
        const here = await this.describeOnce(region, pin.id);
        const exists = (d: DescribeRecord) => !(d.status === 'error' && d.error.code === 'ResourceNotFoundException');
        if (!exists(here)) {
          const everywhere = await Promise.all(bareRegions.map((r) => this.describeOnce(r, pin.id)));
          if (everywhere.some(exists) || region !== bareRegions[0]) return undefined;
        }
        return { id: pin.id, arn: undefined, identityType: undefined, describe: Promise.resolve(here) };
      }),
    );
    // The same instance named by id and by ARN is read once.
    const seen = new Set<string>();
    return targets.filter((t): t is InstanceTarget => {
      if (t === undefined || seen.has(t.id)) return false;
      seen.add(t.id);
      return true;
    });
  }

  private async collectRegion(
    region: string,
    pinned: Promise<InstanceTarget[]> | undefined,
    listing?: Promise<RegionEvidence['listInstances']>,
  ): Promise<RegionEvidence> {
    let listed: RegionEvidence['listInstances'];
    let targets: InstanceTarget[];
    if (pinned) {
      targets = await pinned;
    } else {
      listed = await (listing ?? connect.listInstances(this.ctx, region));
      targets =
        listed?.status === 'ok'
          ? listed.response.map((s) => ({ id: s.Id, arn: s.Arn, identityType: s.IdentityManagementType, describe: undefined }))
          : [];
    }
    const runs = targets.map((target) => this.collectInstance(region, target));
    this.progress.addInstances(runs.length);
    for (const run of runs) run.evidence.then(() => this.progress.instanceDone(), () => undefined);
    const directories = this.track(this.collectDirectories(region, runs));
    const instances: Record<string, ConnectInstanceEvidence> = {};
    for (const run of runs) instances[run.id] = await run.evidence;
    const { describeDirectories: dirs, directories: directoryRecords } = await directories;
    return {
      region,
      ...(listed ? { listInstances: listed } : {}),
      instances,
      ...(dirs ? { describeDirectories: dirs } : {}),
      directories: directoryRecords,
    };
  }

  private collectInstance(region: string, target: InstanceTarget): InstanceRun {
    const ctx = this.ctx;
    const id = target.id;
    const describe = target.describe ?? this.describeOnce(region, id);
    const identity: Promise<{ type: string | undefined; arn: string | undefined }> =
      target.identityType !== undefined
        ? Promise.resolve({ type: target.identityType, arn: target.arn })
        : describe.then((d) =>
            d.status === 'ok' ? { type: d.response.Instance.IdentityManagementType, arn: d.response.Instance.Arn } : { type: undefined, arn: target.arn },
          );
    const listings = this.options.resourceTypes.map((resourceType) => {
      const listing = connect.listStorageConfigs(ctx, region, id, resourceType).then((call) => {
        if (call.status === 'ok') for (const config of call.response) this.followStorageConfig(config, region);
        return call;
      });
      return [resourceType, listing] as const;
    });
    const storage = Promise.all(listings.map(async ([resourceType, listing]) => [resourceType, await listing] as const));
    const mediaStreams = listings.find(([resourceType]) => resourceType === 'MEDIA_STREAMS')?.[1];
    const videoStreams = mediaStreams ? mediaStreams.then((call) => this.videoStreamsOf(region, call)) : Promise.resolve(undefined);
    const attributes = connect.listInstanceAttributes(ctx, region, id);
    const flowLogGroups = Promise.all([describe, attributes]).then(([described, listed]) => this.contactFlowLogGroupsOf(region, described, listed));
    const evidence = Promise.all([describe, storage, connect.listApprovedOrigins(ctx, region, id), attributes, videoStreams, flowLogGroups]).then(
      ([describeInstance, storageConfigs, approvedOrigins, attributeList, streams, logGroups]): ConnectInstanceEvidence => ({
        describeInstance,
        storageConfigs: Object.fromEntries(storageConfigs),
        approvedOrigins,
        attributes: attributeList,
        ...(streams ? { videoStreams: streams } : {}),
        ...(logGroups ? { contactFlowLogGroups: logGroups } : {}),
      }),
    );
    return { id, identity: this.track(identity), evidence: this.track(evidence) };
  }

  private ensureNamed(named: NamedResources): void {
    for (const { name, region } of named.buckets) this.ensureBucket(name, region);
    for (const { reference, region } of named.keys) this.ensureKey(reference, region);
    for (const { arn, region } of named.streams) this.ensureStream(arn, region);
    for (const { arn, region } of named.deliveryStreams) this.ensureDeliveryStream(arn, region);
  }

  /** A storage config names a bucket and perhaps a key: read each once. */
  private followStorageConfig(config: InstanceStorageConfig, region: string): void {
    const bucket = config.S3Config?.BucketName;
    if (bucket) this.ensureBucket(bucket, region);
    for (const reference of [config.S3Config?.EncryptionConfig?.KeyId, config.KinesisVideoStreamConfig?.EncryptionConfig?.KeyId]) {
      if (reference) this.ensureKey(reference, region);
    }
    if (config.KinesisStreamConfig?.StreamArn) this.ensureStream(config.KinesisStreamConfig.StreamArn, region);
    if (config.KinesisFirehoseConfig?.FirehoseArn) this.ensureDeliveryStream(config.KinesisFirehoseConfig.FirehoseArn, region);
  }

  /**
   * The context that reads a resource of `owner`: this account's, or one with the owner's credentials
   * when the run has them (its pacing keyed by the owner's account, whose quota the calls use).
   */
  private readerFor(owner: string | undefined): Promise<CollectContext> {
    const credentialsFor = this.options.credentialsFor;
    if (owner === undefined || owner === this.ctx.accountId || !credentialsFor) return Promise.resolve(this.ctx);
    return this.once(this.readers, owner, async () => {
      const found = await credentialsFor(owner);
      if (!found) return this.ctx;
      const clients = new ClientFactory(clientSettings(this.options, this.options.transport, found.credentials));
      this.readerClients.push(clients);
      // A run closed while the credentials were on their way opens no connection.
      if (this.closed) this.destroy();
      return { ...this.ctx, accountId: owner, clients };
    });
  }

  /**
   * A resource named by ARN (a stream or delivery stream), read once per run in the region its ARN
   * names (else `contextRegion`), with its owner's credentials when the run has them.
   */
  private readOnce<T>(
    records: Map<string, Promise<T>>,
    arn: string,
    contextRegion: string,
    read: (reader: CollectContext, region: string, owner: ReturnType<typeof arnRegionAndAccount>) => Promise<T>,
  ): void {
    const owner = arnRegionAndAccount(arn);
    const region = owner?.region || contextRegion;
    void this.once(records, arn, () => this.readerFor(owner?.account).then((reader) => read(reader, region, owner)));
  }

  /** A Kinesis data stream, then its key (when KMS-encrypted), named as the stream's owner names it. */
  private ensureStream(arn: string, contextRegion: string): void {
    this.readOnce(this.streams, arn, contextRegion, async (reader, region, owner) => {
      const evidence = await collectStream(reader, arn, region);
      const summary = evidence.describeStreamSummary.status === 'ok' ? evidence.describeStreamSummary.response.StreamDescriptionSummary : undefined;
      if (summary?.EncryptionType === 'KMS' && summary.KeyId && owner) this.ensureKey(keyReferenceOf(summary.KeyId, owner, this.ctx.accountId), region);
      return evidence;
    });
  }

  /**
   * A Firehose delivery stream; then its server-side encryption key and, for each S3 destination,
   * the bucket (read like a recordings bucket) and the key Firehose names for it.
   */
  private ensureDeliveryStream(arn: string, contextRegion: string): void {
    this.readOnce(this.deliveryStreams, arn, contextRegion, async (reader, region) => {
      const evidence = await collectDeliveryStream(reader, arn, region);
      const description = evidence.describeDeliveryStream.status === 'ok' ? evidence.describeDeliveryStream.response.DeliveryStreamDescription : undefined;
      const encryption = description?.DeliveryStreamEncryptionConfiguration;
      if (encryption?.KeyType === 'CUSTOMER_MANAGED_CMK' && encryption.KeyARN) this.ensureKey(encryption.KeyARN, region);
      for (const destination of description?.Destinations ?? []) {
        for (const s3 of [destination.ExtendedS3DestinationDescription, destination.S3DestinationDescription]) {
          const bucket = s3?.BucketARN ? bucketNameOfArn(s3.BucketARN) : undefined;
          if (bucket) this.ensureBucket(bucket, region);
          const key = s3?.EncryptionConfiguration?.KMSEncryptionConfig?.AWSKMSKeyARN;
          if (key) this.ensureKey(key, region);
        }
      }
      return evidence;
    });
  }

  /**
   * The Kinesis Video streams of each distinct prefix the MEDIA_STREAMS configs name (no record when
   * they name none), and the key of every stream read.
   */
  private async videoStreamsOf(region: string, configs: StorageConfigsRecord): Promise<ConnectInstanceEvidence['videoStreams']> {
    if (configs.status !== 'ok') return undefined;
    const prefixes = unique(configs.response.flatMap((config) => (config.KinesisVideoStreamConfig?.Prefix ? [config.KinesisVideoStreamConfig.Prefix] : [])));
    if (prefixes.length === 0) return undefined;
    const lists = await Promise.all(prefixes.map((prefix) => this.videoStreamsOnce(region, prefix)));
    return Object.fromEntries(prefixes.map((prefix, index) => [prefix, lists[index] as VideoStreamsRecord]));
  }

  private videoStreamsOnce(region: string, prefix: string): Promise<VideoStreamsRecord> {
    return this.once(this.videoStreamLists, `${region}|${prefix}`, () =>
      listVideoStreams(this.ctx, region, prefix).then((record) => {
        if (record.status === 'ok') for (const stream of record.response.StreamInfoList) if (stream.KmsKeyId) this.ensureKey(stream.KmsKeyId, region);
        return record;
      }),
    );
  }

  /** The promise `map` holds for `key`, created and tracked on first use: each resource is read once per run. */
  private once<T>(map: Map<string, Promise<T>>, key: string, create: () => Promise<T>): Promise<T> {
    let entry = map.get(key);
    if (!entry) {
      entry = this.track(create());
      map.set(key, entry);
    }
    return entry;
  }

  /**
   * With CONTACTFLOW_LOGS on, the log groups named like the instance's flow log group, and that group's
   * key. Flow logs are no storage resource type: like the rules, a run narrowed with --resource-types
   * leaves them out.
   */
  private contactFlowLogGroupsOf(region: string, described: DescribeRecord, attributes: ConnectInstanceEvidence['attributes']): Promise<LogGroupsRecord> | undefined {
    if (!judgesFlowLogs(this.options.resourceTypes)) return undefined;
    if (attributes.status !== 'ok' || described.status !== 'ok') return undefined;
    const alias = described.response.Instance.InstanceAlias;
    if (!contactFlowLogsOn(attributes.response) || !alias) return undefined;
    const name = contactFlowLogGroupName(alias);
    return this.once(this.logGroupLists, `${region}|${name}`, () =>
      describeLogGroups(this.ctx, region, name).then((record) => {
        const group = record.status === 'ok' ? record.response.find((g) => g.logGroupName === name) : undefined;
        if (group?.kmsKeyId) this.ensureKey(group.kmsKeyId, region);
        return record;
      }),
    );
  }

  /** A bucket, and with the first one the account-level Block Public Access that applies to every bucket. */
  private ensureBucket(name: string, contextRegion: string): void {
    void this.once(this.buckets, name, () => {
      this.accountBlock ??= this.track(accountPublicAccessBlock(this.ctx, contextRegion));
      const onOwnershipUnknown = (region: string) => {
        this.ownedBuckets ??= this.track(listOwnedBuckets(this.ctx, region));
      };
      return collectBucket(this.ctx, name, contextRegion, onOwnershipUnknown).then((result) => {
        if (result.region !== undefined) for (const reference of bucketKeyReferences(result.evidence)) this.ensureKey(reference, result.region);
        return result.evidence;
      });
    });
  }

  private ensureKey(reference: string, contextRegion: string): void {
    const lookup = keyLookupId(contextRegion, reference);
    // The name alone says "AWS managed", and DescribeKey on a predefined alias can create the key:
    // an audit must not change the account.
    if (isAwsManagedAlias(reference)) return;
    void this.once(this.keys, lookup, () =>
      collectKey(this.ctx, reference, contextRegion, (keyArn, region, metadata) => this.once(this.keyDetails, keyArn, () => keyDetails(this.ctx, keyArn, region, metadata))),
    );
  }

  /** Named directories, one region evidence per region: its DescribeDirectories and each directory's settings. */
  private namedDirectoryRegions(named: NamedResources): Promise<RegionEvidence>[] {
    const byRegion = new Map<string, string[]>();
    for (const { id, region } of named.directories ?? []) byRegion.set(region, [...(byRegion.get(region) ?? []), id]);
    return [...byRegion].map(async ([region, ids]) => {
      const { describeDirectories: listing, directories } = await this.readDirectories(region, ids);
      return { region, instances: {}, ...(listing ? { describeDirectories: listing } : {}), directories };
    });
  }

  /**
   * Directory Service, only for a region where some instance authenticates against a directory:
   * DescribeDirectories, then every AD Connector and Managed Microsoft AD, plus pinned directories
   * (Simple AD, pinned or not, is judged from DescribeDirectories alone).
   */
  private async collectDirectories(
    region: string,
    runs: InstanceRun[],
  ): Promise<{ describeDirectories: RegionEvidence['describeDirectories']; directories: Record<string, DirectoryEvidence> }> {
    const identities = await Promise.all(runs.map((run) => run.identity));
    const pins = this.options.directoryPins ?? {};
    const pinned: string[] = [];
    let needed = false;
    runs.forEach((run, index) => {
      const identity = identities[index];
      if (identity?.type !== 'EXISTING_DIRECTORY') return;
      needed = true;
      const pin = pins[run.id] ?? (identity.arn ? pins[identity.arn] : undefined);
      if (pin) pinned.push(pin);
    });
    if (!needed) return { describeDirectories: undefined, directories: {} };
    return this.readDirectories(region, pinned);
  }

  /** DescribeDirectories, then every audited directory of the listing and the pinned ones. */
  private async readDirectories(region: string, pinned: readonly string[]): Promise<{ describeDirectories: RegionEvidence['describeDirectories']; directories: Record<string, DirectoryEvidence> }> {
    const listing = await describeDirectories(this.ctx, region);
    const types = new Map<string, string | undefined>();
    const ids: string[] = [];
    if (listing.status === 'ok') {
      for (const directory of listing.response) {
        types.set(directory.DirectoryId, directory.Type);
        if (directory.Type !== undefined && AUDITED_DIRECTORY_TYPES.includes(directory.Type)) ids.push(directory.DirectoryId);
      }
    }
    const wanted = unique([...ids, ...pinned]).filter((id) => readsDirectory(types.get(id)));
    const read = await Promise.all(wanted.map((id) => collectDirectory(this.ctx, region, id, types.get(id))));
    const directories: Record<string, DirectoryEvidence> = {};
    wanted.forEach((id, index) => {
      const evidence = read[index];
      if (evidence) directories[id] = evidence;
    });
    return { describeDirectories: listing, directories };
  }
}

async function sortedRecord<T>(map: Map<string, Promise<T>>): Promise<Record<string, T>> {
  const out: Record<string, T> = {};
  for (const key of [...map.keys()].sort()) {
    const value = map.get(key);
    if (value) out[key] = await value;
  }
  return out;
}
