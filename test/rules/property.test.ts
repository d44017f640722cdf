/**
 * Property tests over every rule (issue 9): no evidence field is ever filled in with a good value.
 *
 * 1. For each rule, every leaf of the compliant evidence the rule reads is found by watching its reads
 *    (a recording proxy; the engine's own reads are left out). Deleting or corrupting any one of them
 *    must change the rule's verdict or at least its message: a rule that still says exactly the same
 *    PASS has filled the missing value in. A rule with two independent guards (IgnorePublicAcls or
 *    BucketOwnerEnforced) may still pass on the other one — and says which in its message.
 * 2. Random evidence — several leaves missing, mistyped, empty, huge or deeply nested at once, seeded —
 *    never makes a rule throw and never gives a message over the cap.
 */
import { describe, expect, it } from 'vitest';
import { evidenceDocument, type EvidenceDocument } from '../../src/evidence/model.js';
import { evaluateEvidence } from '../../src/findings/evaluate.js';
import { STORAGE_RESOURCE_TYPES } from '../../src/paths/hops.js';
import type { Finding } from '../../src/report/schema.js';
import { RULES } from '../../src/rules/index.js';
import { DEFAULT_RULE_SETTINGS, type Rule } from '../../src/rules/types.js';
import { absent, changed, compliantEvidence, compliantStreamsEvidence, KEY_ARN, NOW, ok } from '../helpers/evidence.js';

type Path = (string | number)[];

/** Fields read only to name things in messages and evidence; their absence changes no verdict. */
const DISPLAY_ONLY = new Set([
  'InstanceAlias', 'AssociationId', 'BucketPrefix', 'Name', 'CommonName', 'CertificateId', 'Description', 'AliasName', 'TargetKeyId', 'StageReason',
  'RadiusServers', 'RadiusPort', 'AuthenticationProtocol', 'DisplayName', 'ID', 'Sid', 'expectedBucketOwner', 'reference', 'region', 'KeyId', 'Enabled',
  'LastUpdatedDateTime', 'CreationDate', 'BucketKeyEnabled', 'LocationConstraint', 'RotationPeriodInDays', 'Type', 'collectedAt', 'InstanceStatus',
  'DestinationId', 'GrantId', 'retentionInDays', 'StreamName', 'StreamARN',
]);

/** The S3 rules see the key a Firehose destination names (it travels with the destination) but judge the bucket alone. */
const FIREHOSE_WRITER_KEY = { AWSKMSKeyARN: 'the key Firehose names for its objects; judged by the customer-key rules' };

/** Any trust that is not Deleted makes client-side LDAPS apply: judging it is the cautious way, never a PASS by default. */
const TRUST_DETAILS = {
  TrustState: 'a trust of unknown state still makes LDAPS apply',
  RemoteDomainName: 'display only',
  TrustType: 'display only',
  TrustDirection: 'display only',
};

/** Leaves a rule reads that do not decide its verdict, with why. */
const NOT_DECISIVE: Record<string, Record<string, string>> = {
  's3-bucket-exists-and-owned': FIREHOSE_WRITER_KEY,
  's3-bucket-denies-insecure-transport': FIREHOSE_WRITER_KEY,
  's3-bucket-denies-tls-below-1-2': FIREHOSE_WRITER_KEY,
  's3-bucket-public-access-block': FIREHOSE_WRITER_KEY,
  's3-bucket-default-encryption-customer-key': FIREHOSE_WRITER_KEY,
  'firehose-destination-audited': { ...FIREHOSE_WRITER_KEY, HasMoreDestinations: 'the collector reads every page of destinations; only an explicit true says the list is incomplete' },
  's3-bucket-not-public': {
    ...FIREHOSE_WRITER_KEY,
    BlockPublicAcls: 'only IgnorePublicAcls neutralises existing public ACLs',
    BlockPublicPolicy: 'only RestrictPublicBuckets neutralises an existing public policy',
  },
  'kms-key-rotation-enabled': { KeyManager: 'GetKeyRotationStatus answers for AWS managed and customer managed keys alike' },
  'directory-client-ldaps-enabled': { Stage: 'read to describe the candidates of directory resolution; directory-active judges it', ...TRUST_DETAILS },
  'directory-ldaps-certificate-valid': { Stage: 'as for directory-client-ldaps-enabled', ...TRUST_DETAILS },
  'directory-radius-mfa': { Stage: 'as for directory-client-ldaps-enabled' },
  'directory-managed-ad-secure-protocols': {
    Stage: 'as for directory-client-ldaps-enabled',
    AllowedValues: 'checks AppliedValue when listed; the applied value decides',
    RequestStatus: 'only a Failed request makes the applied value uncertain',
  },
};

/** The same key is named by the storage config and the bucket default: each use is judged on its own. */
const SECOND_KEY_USE = new Set(['BucketName', 'KMSMasterKeyID', 'AWSKMSKeyARN', 'BucketARN', 'KeyARN', 'KeyType']);

/** Leaves AWS duplicates elsewhere in the same answer; the rule may answer from the other one. */
const ALTERNATIVES: Record<string, string> = {
  AWSAccountId: 'the key ARN names the owner account',
  logGroupArn: 'the log group ARN is built from its name, account and region when absent',
  KeyState: 'Enabled tells an enabled key',
};

function leaves(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (value === null || typeof value !== 'object') out.push(path);
  else if (Array.isArray(value)) value.forEach((item, i) => leaves(item, [...path, i], out));
  else for (const [key, item] of Object.entries(value)) leaves(item, [...path, key], out);
  return out;
}

/** The same value, recording the path of every leaf read through it. */
function watched<T>(value: T, path: Path, reads: Set<string>): T {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value as object, {
    get(target, key, receiver) {
      const item: unknown = Reflect.get(target, key, receiver);
      if (typeof key === 'symbol' || key === 'length' || typeof item === 'function') return item;
      const next = [...path, Array.isArray(target) && /^\d+$/.test(key) ? Number(key) : key];
      if (item === null || typeof item !== 'object') reads.add(JSON.stringify(next));
      return watched(item, next, reads);
    },
  }) as T;
}

function run(rule: Rule, doc: EvidenceDocument): Finding[] {
  return evaluateEvidence(doc, {
    now: NOW,
    rules: [rule],
    resourceTypes: [...STORAGE_RESOURCE_TYPES],
    instanceIds: [],
    directoryPins: {},
    severityOverrides: {},
    settings: DEFAULT_RULE_SETTINGS,
  }).findings.filter((f) => f.ruleId === rule.meta.id);
}

function setAt(doc: unknown, path: Path, change: (parent: Record<string | number, unknown>, key: string | number) => void): void {
  let node = doc as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  change(node, path[path.length - 1] as string | number);
}

type Mutation = { name: string; apply: (parent: Record<string | number, unknown>, key: string | number) => void };

const MUTATIONS: Mutation[] = [
  { name: 'deleted', apply: (parent, key) => (Array.isArray(parent) ? parent.splice(Number(key), 1) : delete parent[key]) },
  { name: 'null', apply: (parent, key) => (parent[key] = null) },
  { name: 'mistyped', apply: (parent, key) => (parent[key] = typeof parent[key] === 'string' ? 42 : 'not-the-right-type') },
  { name: 'empty', apply: (parent, key) => (parent[key] = typeof parent[key] === 'string' ? '' : typeof parent[key] === 'boolean' ? !parent[key] : 0) },
];

/** The parsed document the CLI would audit, or undefined when the loader refuses it (exit 2). */
function reparsed(doc: unknown): EvidenceDocument | undefined {
  const parsed = evidenceDocument.safeParse(doc);
  return parsed.success ? parsed.data : undefined;
}

const key = (f: Finding) => `${f.hop} ${f.resource.arn}`;

/**
 * The all-destinations document cut down to one destination (or to flow logs alone): the check
 * compares every PASS before and after, so unrelated destinations would hide a filled-in value.
 */
function onlyDestination(kept: string | undefined): () => EvidenceDocument {
  return () => {
    const doc = compliantStreamsEvidence();
    const instance = Object.values(doc.accounts[0]!.regions[0]!.instances)[0]!;
    for (const type of ['CALL_RECORDINGS', 'CONTACT_TRACE_RECORDS', 'AGENT_EVENTS', 'MEDIA_STREAMS']) {
      if (type !== kept) instance.storageConfigs[type] = ok([]);
    }
    if (kept !== undefined) instance.attributes = ok([]);
    return doc;
  };
}

/** Compliant evidence in the shapes that take other code paths: Managed AD with a trust, imported key material. */
const SCENARIOS: Record<string, () => EvidenceDocument> = {
  'AD Connector, KMS key material': compliantEvidence,
  'contact trace records to a Kinesis data stream only': onlyDestination('CONTACT_TRACE_RECORDS'),
  'agent events to a Firehose into S3 only': onlyDestination('AGENT_EVENTS'),
  'media streams to Kinesis Video only': onlyDestination('MEDIA_STREAMS'),
  'flow logs only': onlyDestination(undefined),
  'call recordings with the Connect grant on the key': onlyDestination('CALL_RECORDINGS'),
  'AWS Managed Microsoft AD with a trust, imported key material': changed((p) => {
    Object.assign(p.directoryDescription, { Type: 'MicrosoftAD', Edition: 'Enterprise' });
    p.directory.settings = ok([{ Type: 'Protocol', Name: 'TLS_1_0', AllowedValues: '["Enable","Disable"]', AppliedValue: 'Disable', RequestStatus: 'Updated' }]);
    p.directory.trusts = ok([{ TrustId: 't-1234567890', RemoteDomainName: 'onprem.example.com', TrustDirection: 'Two-Way', TrustType: 'Forest', TrustState: 'Verified' }]);
    const described = p.key.describeKey as { status: 'ok'; response: { KeyMetadata: Record<string, unknown> } };
    described.response.KeyMetadata.Origin = 'EXTERNAL';
    p.key.rotation = absent('UnsupportedOperationException');
    p.key.rotations = ok([{ KeyId: KEY_ARN, RotationDate: new Date(NOW.getTime() - 30 * 86_400_000).toISOString(), RotationType: 'ON_DEMAND' }]);
  }),
};

describe.each(Object.entries(SCENARIOS))('no evidence field is ever filled in with a good value (%s)', (_scenario, scenario) => {
  it.each(RULES.map((rule) => [rule.meta.id, rule] as const))('%s', (_id, rule) => {
    const reads = new Set<string>();
    const engineReads = new Set<string>();
    const base = scenario();
    run({ meta: rule.meta, evaluate: () => [] }, watched(base, [], engineReads));
    const baseline = run(rule, watched(base, [], reads));
    const passedBefore = new Map(baseline.filter((f) => f.status === 'PASS').map((f) => [key(f), f.message]));
    if (passedBefore.size === 0) return;
    const problems: string[] = [];
    for (const text of [...reads].filter((read) => !engineReads.has(read))) {
      const path = JSON.parse(text) as Path;
      const field = String(path[path.length - 1]);
      if (DISPLAY_ONLY.has(field) || typeof path[path.length - 1] === 'number') continue;
      if (NOT_DECISIVE[rule.meta.id]?.[field] || ALTERNATIVES[field]) continue;
      if (SECOND_KEY_USE.has(field) && rule.meta.id.startsWith('kms-key-')) continue;
      for (const mutation of MUTATIONS) {
        const doc = structuredClone(base) as unknown;
        let exists = true;
        setAt(doc, path, (parent, k) => {
          exists = Object.prototype.hasOwnProperty.call(parent, k);
          if (exists) mutation.apply(parent, k);
        });
        if (!exists) continue;
        const mutated = reparsed(doc);
        if (!mutated) continue;
        const unchanged = run(rule, mutated).filter((f) => f.status === 'PASS' && passedBefore.get(key(f)) === f.message);
        if (unchanged.length > 0) problems.push(`${path.join('.')} ${mutation.name}: still PASS with the same message`);
      }
    }
    expect(problems).toEqual([]);
  });
});

/** Deterministic pseudo-random numbers (mulberry32). */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EXTREME: Mutation[] = [
  ...MUTATIONS,
  { name: 'huge', apply: (parent, key) => (parent[key] = 'x'.repeat(200_000)) },
  { name: 'deep', apply: (parent, key) => (parent[key] = JSON.parse(`${'['.repeat(500)}${']'.repeat(500)}`)) },
];

describe('random evidence', () => {
  it('never makes a rule throw and keeps messages bounded', () => {
    const random = prng(20261201);
    const base = compliantEvidence();
    const paths = leaves(base).filter((p) => p.length > 1);
    let audited = 0;
    for (let i = 0; i < 2_000; i++) {
      const doc = structuredClone(base) as unknown;
      const count = 1 + Math.floor(random() * 4);
      for (let m = 0; m < count; m++) {
        const path = paths[Math.floor(random() * paths.length)] as Path;
        const mutation = EXTREME[Math.floor(random() * EXTREME.length)] as Mutation;
        try {
          setAt(doc, path, (parent, k) => Object.prototype.hasOwnProperty.call(parent, k) && mutation.apply(parent, k));
        } catch {
          // An earlier mutation removed a parent of this path: nothing to change.
        }
      }
      const mutated = reparsed(doc);
      if (!mutated) continue;
      audited++;
      for (const rule of RULES) {
        const findings = run(rule, mutated);
        for (const finding of findings) {
          expect(finding.evidence.internalError, `${rule.meta.id}: ${finding.message}`).toBeUndefined();
          expect(finding.message.length).toBeLessThan(2_100);
        }
      }
    }
    expect(audited).toBeGreaterThan(150);
  });
});
