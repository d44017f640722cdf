/**
 * What a live collection of a given account state needs at the least, computed from the state alone
 * (not from the tool's code): the minimum number of requests per API, the longest chain of requests
 * that depend on each other (in round trips), and the wall-time lower bound these give under
 * Connect's rate limits.
 *
 * Minimum requests — one request per list page (at the emulator's page size), per instance and
 * resource type in scope, and per distinct bucket, key and directory read:
 * - sts:GetCallerIdentity once per account;
 * - per region: ListInstances pages; per instance DescribeInstance, ListInstanceStorageConfigs pages for
 *   each resource type, ListApprovedOrigins pages, ListInstanceAttributes pages;
 * - per region where an instance authenticates against a directory: DescribeDirectories pages, and per
 *   AD Connector / Managed Microsoft AD its LDAPS settings and certificates pages (settings and trusts
 *   pages for Managed AD only; Simple AD gets no call of its own);
 * - per distinct bucket named by a storage config: GetBucketLocation; then its six configuration reads
 *   (ACL included) when it exists and is ours; one owner probe when the location is refused (403), and
 *   nothing more when the probe shows another account owns it; HeadBucket when the probe is refused too;
 * - per account with a bucket: S3 Control GetPublicAccessBlock; ListBuckets pages when some bucket needed
 *   HeadBucket;
 * - per distinct (region, prefix) of the MEDIA_STREAMS configs: one Kinesis Video ListStreams (first
 *   page only, by design); in a run over every resource type, per instance with CONTACTFLOW_LOGS true
 *   and an alias, once per distinct log group name: DescribeLogGroups pages of the groups with that prefix;
 * - per distinct Kinesis stream ARN (KINESIS_STREAM configs): one DescribeStreamSummary; per distinct
 *   Firehose delivery stream ARN of an account the run reads: DescribeDeliveryStream pages (of its
 *   destinations), whose S3 destinations join the buckets;
 * - per distinct key reference (storage configs, bucket defaults, Kinesis Video streams, the flow log
 *   group, Kinesis streams, Firehose encryption and destinations; AWS managed aliases excluded):
 *   DescribeKey; per distinct key ARN: GetKeyRotationStatus, GetKeyPolicy, ListAliases pages,
 *   ListGrants pages, and ListKeyRotations pages for imported key material (Origin EXTERNAL).
 *
 * Dependency depth — round trips on the longest chain: ListInstances (up to the page holding the
 * instance) → ListInstanceStorageConfigs (its pages) → [DescribeDeliveryStream pages →]
 * GetBucketLocation → [owner probe] → bucket configuration → DescribeKey (the bucket's default key) →
 * key details (ListAliases / ListGrants / ListKeyRotations pages); or → ListStreams / DescribeStreamSummary
 * → DescribeKey → key details; or ListInstances → DescribeInstance and ListInstanceAttributes →
 * DescribeLogGroups pages → DescribeKey → key details; or ListInstances → DescribeDirectories →
 * LDAPS/certificates/settings/trusts pages. GetCallerIdentity goes in
 * parallel with the first ListInstances page; in a multi-account run it comes first, then AssumeRole
 * into each other account. Every item starts from its earliest referrer.
 */
import { arnRegionAndAccount, bucketNameOfArn, contactFlowLogGroupName, keyReferenceOf } from '../../src/evidence/aws-names.js';
import { judgesFlowLogs } from '../../src/paths/hops.js';
import { keyLookupId, type AccountEvidence, type Call, type EvidenceDocument, type KeyEvidence, type RegionEvidence } from '../../src/evidence/model.js';

export interface ModelOptions {
  /** The emulator's page size for every list API. */
  pageSize: number;
  /** Storage resource types in scope. */
  resourceTypes: readonly string[];
  /**
   * One run over every account of the document (`--accounts` with `--role-arn`): the caller is
   * identified once, and every other account is entered with one AssumeRole, which comes before
   * anything is read there (one more round trip on the chain).
   */
  multiAccount?: boolean;
}

/** `service:Operation` → minimum requests, per region for the rate-limit keys. */
export interface Minimum {
  total: number;
  byOperation: Record<string, number>;
  /** `account|region|connect:Operation` → requests (Connect's rate-limit keys). */
  connectKeys: Record<string, number>;
  /** Round trips on the longest dependency chain. */
  depth: number;
  /** The chain that gives `depth`, for people. */
  depthChain: string[];
}

/** Directory types that get calls of their own (Simple AD is judged from DescribeDirectories alone). */
const AUDITED_DIRECTORY_TYPES = new Set(['ADConnector', 'MicrosoftAD']);

function isRefused(call: Call<unknown>): boolean {
  return call.status === 'error' && (call.error.httpStatus === 403 || /^AccessDenied/.test(call.error.code));
}

/**
 * ListBuckets pages: the recorded listing, else (as the emulator derives it) the account's own
 * existing buckets — those not shown to be another account's by the owner probe.
 */
function listingPages(account: AccountEvidence, pageSize: number): number {
  if (account.listBuckets) return pages(account.listBuckets, pageSize);
  const owned = Object.values(account.buckets).filter((b) => b.location.status !== 'absent' && !(isRefused(b.location) && b.ownerProbe?.status === 'ok'));
  return Math.max(1, Math.ceil(owned.length / pageSize));
}

function pages(call: Call<readonly unknown[]> | undefined, pageSize: number): number {
  if (!call || call.status !== 'ok') return 1;
  return Math.max(1, Math.ceil(call.response.length / pageSize));
}

/** Kinesis Video's ListStreams MaxResults (the collector's LIST_STREAMS_MAX_RESULTS). */
const LIST_STREAMS_MAX_RESULTS = 100;

/** The streams the emulator lists for a prefix: every recorded stream of the region that begins with it. */
function videoStreamsFor(region: RegionEvidence, prefix: string) {
  const byName = new Map<string, { StreamName?: string | undefined; KmsKeyId?: string | undefined }>();
  for (const instance of Object.values(region.instances)) {
    for (const call of Object.values(instance.videoStreams ?? {})) {
      if (call.status === 'ok') for (const stream of call.response.StreamInfoList) byName.set(stream.StreamName ?? '', stream);
    }
  }
  return [...byName.entries()].filter(([name]) => name.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, stream]) => stream);
}

/** The log groups the emulator lists for a prefix, likewise. */
function logGroupsFor(region: RegionEvidence, prefix: string) {
  const byName = new Map<string, { logGroupName?: string | undefined; kmsKeyId?: string | undefined }>();
  for (const instance of Object.values(region.instances)) {
    const call = instance.contactFlowLogGroups;
    if (call?.status === 'ok') for (const group of call.response) byName.set(group.logGroupName ?? '', group);
  }
  return [...byName.values()].filter((group) => (group.logGroupName ?? '').startsWith(prefix));
}

function isAwsManagedAlias(reference: string): boolean {
  return /^(?:arn:[^:]+:kms:[^:]*:[^:]*:)?alias\/aws\//.test(reference);
}

function bucketRegion(constraint: string | undefined): string {
  if (!constraint) return 'us-east-1';
  return constraint === 'EU' ? 'eu-west-1' : constraint;
}

interface Chain {
  depth: number;
  steps: string[];
}

const extend = (chain: Chain, rounds: number, step: string): Chain => ({ depth: chain.depth + rounds, steps: [...chain.steps, step] });

export function minimumRequests(doc: EvidenceDocument, options: ModelOptions): Minimum {
  const byOperation: Record<string, number> = {};
  const connectKeys: Record<string, number> = {};
  let deepest: Chain = { depth: 0, steps: [] };
  const count = (account: string, region: string, operation: string, n: number) => {
    byOperation[operation] = (byOperation[operation] ?? 0) + n;
    if (operation.startsWith('connect:')) {
      const key = `${account}|${region}|${operation}`;
      connectKeys[key] = (connectKeys[key] ?? 0) + n;
    }
  };
  const reach = (chain: Chain) => {
    if (chain.depth > deepest.depth) deepest = chain;
  };

  const wholeScope = judgesFlowLogs(options.resourceTypes);
  doc.accounts.forEach((account, accountIndex) => {
    const id = account.accountId;
    const firstRegion = account.regions[0]?.region ?? '';
    /** Round trips before the account's first read: GetCallerIdentity, then AssumeRole into it. */
    let entry = 0;
    if (!options.multiAccount) count(id, firstRegion, 'sts:GetCallerIdentity', 1);
    else if (accountIndex === 0) {
      count(id, firstRegion, 'sts:GetCallerIdentity', 1);
      entry = 1;
    } else {
      count(id, firstRegion, 'sts:AssumeRole', 1);
      entry = 2;
    }
    /** Earliest chain reaching each bucket / key lookup / key ARN / stream / log group. */
    const earliest = <V extends { chain: Chain }>(map: Map<string, V>, key: string, value: V) => {
      const known = map.get(key);
      if (!known || value.chain.depth < known.chain.depth) map.set(key, value);
    };
    const bucketRefs = new Map<string, { chain: Chain; region: string }>();
    const offerBucket = (name: string, region: string, chain: Chain) => earliest(bucketRefs, name, { chain, region });
    const videoRefs = new Map<string, { chain: Chain; region: RegionEvidence; prefix: string }>();
    const logRefs = new Map<string, { chain: Chain; region: RegionEvidence; name: string }>();
    const streamRefs = new Map<string, { chain: Chain }>();
    const deliveryRefs = new Map<string, { chain: Chain; region: string }>();
    const keyRefs = new Map<string, { chain: Chain; reference: string; region: string }>();
    const offerKey = (reference: string, region: string, chain: Chain) => {
      if (!isAwsManagedAlias(reference)) earliest(keyRefs, keyLookupId(region, reference), { chain, reference, region });
    };

    for (const region of account.regions) {
      const r = region.region;
      const listed = region.listInstances?.status === 'ok' ? region.listInstances.response.map((s) => s.Id) : Object.keys(region.instances);
      count(id, r, 'connect:ListInstances', pages(region.listInstances, options.pageSize));
      let directoryChain: Chain | undefined;
      listed.forEach((instanceId, index) => {
        const instance = region.instances[instanceId];
        if (!instance) return;
        const page = Math.floor(index / options.pageSize) + 1;
        const listedChain: Chain = {
          depth: entry + Math.max(1, page),
          steps: [...(entry === 2 ? ['GetCallerIdentity', 'AssumeRole'] : entry === 1 ? ['GetCallerIdentity'] : []), `ListInstances (${page} page${page > 1 ? 's' : ''})`],
        };
        count(id, r, 'connect:DescribeInstance', 1);
        reach(extend(listedChain, 1, 'DescribeInstance'));
        const origins = pages(instance.approvedOrigins, options.pageSize);
        count(id, r, 'connect:ListApprovedOrigins', origins);
        reach(extend(listedChain, origins, `ListApprovedOrigins (${origins})`));
        const attributes = pages(instance.attributes, options.pageSize);
        count(id, r, 'connect:ListInstanceAttributes', attributes);
        reach(extend(listedChain, attributes, `ListInstanceAttributes (${attributes})`));
        for (const type of options.resourceTypes) {
          const call = instance.storageConfigs[type];
          const n = pages(call, options.pageSize);
          count(id, r, 'connect:ListInstanceStorageConfigs', n);
          const configChain = extend(listedChain, n, `ListInstanceStorageConfigs ${type} (${n})`);
          reach(configChain);
          if (call?.status !== 'ok') continue;
          for (const config of call.response) {
            const bucket = config.S3Config?.BucketName;
            if (bucket) offerBucket(bucket, r, configChain);
            for (const reference of [config.S3Config?.EncryptionConfig?.KeyId, config.KinesisVideoStreamConfig?.EncryptionConfig?.KeyId]) {
              if (reference) offerKey(reference, r, configChain);
            }
            const prefix = config.KinesisVideoStreamConfig?.Prefix;
            if (type === 'MEDIA_STREAMS' && prefix) earliest(videoRefs, `${r}|${prefix}`, { chain: configChain, region, prefix });
            const streamArn = config.KinesisStreamConfig?.StreamArn;
            if (streamArn) earliest(streamRefs, streamArn, { chain: configChain });
            const deliveryArn = config.KinesisFirehoseConfig?.FirehoseArn;
            if (deliveryArn) earliest(deliveryRefs, deliveryArn, { chain: configChain, region: r });
          }
        }
        // Flow logs: after DescribeInstance (the alias) and ListInstanceAttributes (CONTACTFLOW_LOGS), in
        // a run that covers every resource type.
        const flowLogs =
          wholeScope && instance.attributes.status === 'ok' && instance.attributes.response.some((a) => a.AttributeType === 'CONTACTFLOW_LOGS' && /^true$/i.test(a.Value ?? ''));
        const alias = instance.describeInstance.status === 'ok' ? instance.describeInstance.response.Instance.InstanceAlias : undefined;
        if (flowLogs && alias) {
          const name = contactFlowLogGroupName(alias);
          earliest(logRefs, `${r}|${name}`, { chain: extend(listedChain, Math.max(1, attributes), 'DescribeInstance + ListInstanceAttributes'), region, name });
        }
        const identity = instance.describeInstance.status === 'ok' ? instance.describeInstance.response.Instance.IdentityManagementType : undefined;
        if (identity === 'EXISTING_DIRECTORY' && (!directoryChain || listedChain.depth < directoryChain.depth)) directoryChain = listedChain;
      });

      if (directoryChain) {
        const listing = pages(region.describeDirectories, options.pageSize);
        count(id, r, 'ds:DescribeDirectories', listing);
        const afterListing = extend(directoryChain, listing, `DescribeDirectories (${listing})`);
        reach(afterListing);
        const described = region.describeDirectories?.status === 'ok' ? region.describeDirectories.response : [];
        for (const directory of described) {
          if (!directory.Type || !AUDITED_DIRECTORY_TYPES.has(directory.Type)) continue;
          const record = region.directories[directory.DirectoryId];
          const ldaps = pages(record?.ldapsSettings, options.pageSize);
          const certificates = pages(record?.certificates, options.pageSize);
          count(id, r, 'ds:DescribeLDAPSSettings', ldaps);
          count(id, r, 'ds:ListCertificates', certificates);
          let longest = Math.max(ldaps, certificates);
          if (directory.Type === 'MicrosoftAD') {
            const settings = pages(record?.settings, options.pageSize);
            const trusts = pages(record?.trusts, options.pageSize);
            count(id, r, 'ds:DescribeSettings', settings);
            count(id, r, 'ds:DescribeTrusts', trusts);
            longest = Math.max(longest, settings, trusts);
          }
          reach(extend(afterListing, longest, `directory ${directory.DirectoryId} LDAPS/certificates/settings/trusts (${longest})`));
        }
      }
    }

    // Kinesis Video streams (first page only) and flow log groups (every page), then their keys.
    for (const { chain, region, prefix } of videoRefs.values()) {
      count(id, region.region, 'kinesisvideo:ListStreams', 1);
      const listed = extend(chain, 1, `ListStreams ${prefix}`);
      reach(listed);
      for (const stream of videoStreamsFor(region, prefix).slice(0, Math.min(LIST_STREAMS_MAX_RESULTS, options.pageSize))) {
        if (stream.KmsKeyId) offerKey(stream.KmsKeyId, region.region, listed);
      }
    }
    for (const { chain, region, name } of logRefs.values()) {
      const groups = logGroupsFor(region, name);
      const n = Math.max(1, Math.ceil(groups.length / options.pageSize));
      count(id, region.region, 'logs:DescribeLogGroups', n);
      const listed = extend(chain, n, `DescribeLogGroups ${name} (${n})`);
      reach(listed);
      const group = groups.find((g) => g.logGroupName === name);
      if (group?.kmsKeyId) offerKey(group.kmsKeyId, region.region, listed);
    }

    // Kinesis streams (one summary each, in the ARN's region) and Firehose delivery streams of the
    // accounts the run reads (pages of destinations), then their keys and destination buckets.
    const readable = new Set(options.multiAccount ? doc.accounts.map((a) => a.accountId) : [id]);
    for (const [arn, { chain }] of streamRefs) {
      const owner = arnRegionAndAccount(arn);
      const region = owner?.region || firstRegion;
      count(id, region, 'kinesis:DescribeStreamSummary', 1);
      const described = extend(chain, 1, 'DescribeStreamSummary');
      reach(described);
      const record = (doc.accounts.find((a) => a.accountId === owner?.account) ?? account).kinesisStreams?.[arn]?.describeStreamSummary;
      const summary = record?.status === 'ok' ? record.response.StreamDescriptionSummary : undefined;
      if (summary?.EncryptionType === 'KMS' && summary.KeyId && owner) offerKey(keyReferenceOf(summary.KeyId, owner, id), region, described);
    }
    for (const [arn, { chain, region: contextRegion }] of deliveryRefs) {
      const owner = arnRegionAndAccount(arn);
      if (!owner || !readable.has(owner.account)) continue;
      const region = owner.region || contextRegion;
      const record = doc.accounts.find((a) => a.accountId === owner.account)?.deliveryStreams?.[arn]?.describeDeliveryStream;
      const description = record?.status === 'ok' ? record.response.DeliveryStreamDescription : undefined;
      const n = Math.max(1, Math.ceil((description?.Destinations?.length ?? 0) / options.pageSize));
      count(id, region, 'firehose:DescribeDeliveryStream', n);
      const described = extend(chain, n, `DescribeDeliveryStream (${n})`);
      reach(described);
      const encryption = description?.DeliveryStreamEncryptionConfiguration;
      if (encryption?.KeyType === 'CUSTOMER_MANAGED_CMK' && encryption.KeyARN) offerKey(encryption.KeyARN, region, described);
      for (const destination of description?.Destinations ?? []) {
        for (const s3 of [destination.ExtendedS3DestinationDescription, destination.S3DestinationDescription]) {
          const bucket = s3?.BucketARN ? bucketNameOfArn(s3.BucketARN) : undefined;
          if (bucket) offerBucket(bucket, region, described);
          const key = s3?.EncryptionConfiguration?.KMSEncryptionConfig?.AWSKMSKeyARN;
          if (key) offerKey(key, region, described);
        }
      }
    }

    // Account level: Block Public Access with the first bucket; ListBuckets with the first HeadBucket.
    const firstBucket = [...bucketRefs.values()].reduce<{ chain: Chain; region: string } | undefined>(
      (earliest, ref) => (!earliest || ref.chain.depth < earliest.chain.depth ? ref : earliest),
      undefined,
    );
    if (firstBucket) {
      count(id, firstBucket.region, 's3control:GetPublicAccessBlock', 1);
      reach(extend(firstBucket.chain, 1, 'S3 Control GetPublicAccessBlock'));
    }
    let listingFrom: Chain | undefined;

    // Buckets: location, owner probe, configuration; their default keys join the key references.
    for (const [name, { chain, region }] of bucketRefs) {
      const bucket = account.buckets[name];
      count(id, region, 's3:GetBucketLocation', 1);
      let at = extend(chain, 1, `GetBucketLocation ${name}`);
      reach(at);
      if (!bucket) continue;
      let readRegion: string | undefined;
      if (bucket.location.status === 'ok') {
        readRegion = bucketRegion(bucket.location.response.LocationConstraint);
      } else if (isRefused(bucket.location)) {
        count(id, region, 's3:GetBucketLocation', 1);
        at = extend(at, 1, 'GetBucketLocation owner probe');
        reach(at);
        if (bucket.ownerProbe?.status !== 'ok') readRegion = region;
        // The emulator answers an unrecorded probe as the location.
        if ((bucket.ownerProbe ?? bucket.location).status === 'error') {
          count(id, region, 's3:HeadBucket', 1);
          if (!listingFrom || at.depth < listingFrom.depth) listingFrom = at;
        }
      }
      if (readRegion === undefined) continue;
      for (const operation of ['GetBucketEncryption', 'GetBucketPolicy', 'GetBucketPolicyStatus', 'GetPublicAccessBlock', 'GetBucketOwnershipControls', 'GetBucketAcl']) {
        count(id, readRegion, `s3:${operation}`, 1);
      }
      const configured = extend(at, 1, 'bucket configuration (6 reads in parallel)');
      reach(configured);
      if (bucket.encryption?.status === 'ok') {
        for (const rule of bucket.encryption.response.ServerSideEncryptionConfiguration?.Rules ?? []) {
          const byDefault = rule.ApplyServerSideEncryptionByDefault;
          if (byDefault?.KMSMasterKeyID && byDefault.SSEAlgorithm.startsWith('aws:kms')) offerKey(byDefault.KMSMasterKeyID, readRegion, configured);
        }
      }
    }

    if (listingFrom) {
      const listing = listingPages(account, options.pageSize);
      count(id, firstRegion, 's3:ListBuckets', listing);
      reach(extend(listingFrom, listing, `ListBuckets (${listing})`));
    }

    // Keys: DescribeKey per reference, details per resolved key ARN.
    const arns = new Map<string, { chain: Chain; key: KeyEvidence; region: string }>();
    for (const [lookup, { chain, region }] of keyRefs) {
      count(id, region, 'kms:DescribeKey', 1);
      const described = extend(chain, 1, 'DescribeKey');
      reach(described);
      const key = findKey(account, lookup);
      if (key?.describeKey.status !== 'ok') continue;
      const metadata = key.describeKey.response.KeyMetadata;
      const arn = metadata.Arn ?? metadata.KeyId;
      const known = arns.get(arn);
      if (!known || described.depth < known.chain.depth) arns.set(arn, { chain: described, key, region: /^arn:[^:]+:kms:([^:]+):/.exec(arn)?.[1] ?? region });
    }
    for (const { chain, key, region } of arns.values()) {
      const aliases = pages(key.aliases, options.pageSize);
      const grants = pages(key.grants, options.pageSize);
      count(id, region, 'kms:GetKeyRotationStatus', 1);
      count(id, region, 'kms:GetKeyPolicy', 1);
      count(id, region, 'kms:ListAliases', aliases);
      count(id, region, 'kms:ListGrants', grants);
      let longest = Math.max(aliases, grants);
      if (key.describeKey.status === 'ok' && key.describeKey.response.KeyMetadata.Origin === 'EXTERNAL') {
        const rotations = pages(key.rotations, options.pageSize);
        count(id, region, 'kms:ListKeyRotations', rotations);
        longest = Math.max(longest, rotations);
      }
      reach(extend(chain, longest, `key rotation/policy/aliases/grants/rotations (${longest})`));
    }
  });

  const total = Object.values(byOperation).reduce((a, b) => a + b, 0);
  return { total, byOperation: sortRecord(byOperation), connectKeys: sortRecord(connectKeys), depth: deepest.depth, depthChain: deepest.steps };
}

function findKey(account: AccountEvidence, lookup: string): KeyEvidence | undefined {
  return Object.prototype.hasOwnProperty.call(account.keys, lookup) ? account.keys[lookup] : undefined;
}

function sortRecord(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export interface RateLimitModel {
  ratePerSecond: number;
  burst: number;
}

export interface LowerBound {
  /** max over rate-limited keys of max(0, n − burst) / rate, in ms. */
  rateMs: number;
  /** The key that sets `rateMs`, and its request count. */
  bindingKey: string;
  bindingRequests: number;
  /** depth × latency, in ms. */
  chainMs: number;
  /** minimum requests × latency / concurrency, in ms: the tool's own cap on requests in flight. */
  concurrencyMs: number;
  /** max(rateMs + chainMs, concurrencyMs): the bound the benchmark compares against. */
  totalMs: number;
  /** Which term sets `totalMs`. */
  binding: 'rate limit' | 'concurrency';
}

/**
 * The wall-time lower bound: the busiest Connect rate-limit key cannot finish before
 * max(0, n − burst) / rate, and the longest dependency chain costs depth × latency on top; and with
 * at most `concurrency` requests in flight, the minimum requests take at least n × latency / concurrency.
 */
export function lowerBound(minimum: Minimum, limit: RateLimitModel, latencyMs: number, concurrency: number): LowerBound {
  let bindingKey = '';
  let bindingRequests = 0;
  let rateMs = 0;
  for (const [key, n] of Object.entries(minimum.connectKeys)) {
    const ms = (Math.max(0, n - limit.burst) / limit.ratePerSecond) * 1000;
    if (ms > rateMs || bindingKey === '') {
      rateMs = ms;
      bindingKey = key;
      bindingRequests = n;
    }
  }
  const chainMs = minimum.depth * latencyMs;
  const concurrencyMs = (minimum.total * latencyMs) / concurrency;
  const binding = concurrencyMs > rateMs + chainMs ? 'concurrency' : 'rate limit';
  return { rateMs, bindingKey, bindingRequests, chainMs, concurrencyMs, totalMs: Math.max(rateMs + chainMs, concurrencyMs), binding };
}
