/**
 * Issue 10 end to end for Kinesis Video media streams, contact flow logs and KMS grants: the built CLI,
 * the real SDK and the emulator. Each case is checked twice: in the evidence `collect` writes (what
 * was read, and how often) and in the findings `audit` reports per hop (compliant, each way of failing,
 * AccessDenied as an ERROR naming the IAM action, never PASS).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { evidenceDocument, type EvidenceDocument, type GrantListEntry, type VideoStreamInfo } from '../../src/evidence/model.js';
import type { Finding, Report } from '../../src/report/schema.js';
import { startEmulator, type Emulator, type Fault } from '../emulator/index.js';
import { emulatorEnv } from '../helpers/accounts.js';
import { runCli } from '../helpers/cli.js';
import { ACCOUNT, compliantEvidence, INSTANCE_ID, KEY_ARN, KEY_ID, ok, parts, REGION } from '../helpers/evidence.js';

const SERVICE_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_Test1a2b3c`;
const FOREIGN_ACCOUNT = '444455556666';
const PREFIX = 'test-instance-media';
const ALIAS = 'test-instance';
const LOG_GROUP = `/aws/connect/${ALIAS}`;
const OTHER_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/99999999-aaaa-4bbb-8ccc-dddddddddddd`;
const MEDIA_HOP = 'storage.media-streams.at-rest';
const FLOW_LOGS_HOP = 'storage.contact-flow-logs.at-rest';
const RECORDING_HOP = 'voice.recording-at-rest';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});
const dir = mkdtempSync(join(tmpdir(), 'kvs-logs-grants-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function stream(n: number, kmsKeyId: string | undefined, prefix = PREFIX): VideoStreamInfo {
  const name = `${prefix}-connect-${ALIAS}-contact-0000000${n}-aaaa-4bbb-8ccc-000000000000`;
  return {
    DeviceName: 'Amazon Connect',
    StreamName: name,
    StreamARN: `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:stream/${name}/170000000000${n}`,
    MediaType: 'audio/aac',
    ...(kmsKeyId ? { KmsKeyId: kmsKeyId } : {}),
    Version: `v${n}`,
    Status: 'ACTIVE',
    CreationTime: '2026-11-01T10:00:00.000Z',
    DataRetentionInHours: 24,
  };
}

function grant(n: number, grantee: string, operations = ['Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey']): GrantListEntry {
  return {
    KeyId: KEY_ARN,
    GrantId: `0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a${n}`,
    Name: '',
    CreationDate: '2026-10-01T09:00:00.000Z',
    GranteePrincipal: grantee,
    RetiringPrincipal: grantee,
    IssuingAccount: `arn:aws:iam::${ACCOUNT}:root`,
    Operations: operations,
  };
}

type Parts = ReturnType<typeof parts>;

/**
 * One instance with recordings and live media on the same customer key (its three streams on that
 * key), flow logs on into a group under that key, and the one grant Connect creates for its service role.
 */
function compliantState(): EvidenceDocument {
  const doc = compliantEvidence();
  const p = parts(doc);
  p.instanceRecord.ServiceRole = SERVICE_ROLE;
  p.instanceRecord.InstanceAlias = ALIAS;
  p.instance.storageConfigs.MEDIA_STREAMS = ok([
    {
      AssociationId: 'assoc-media',
      StorageType: 'KINESIS_VIDEO_STREAM',
      KinesisVideoStreamConfig: { Prefix: PREFIX, RetentionPeriodHours: 24, EncryptionConfig: { EncryptionType: 'KMS', KeyId: KEY_ARN } },
    },
  ]);
  p.instance.videoStreams = { [PREFIX]: ok({ StreamInfoList: [1, 2, 3].map((n) => stream(n, KEY_ARN)) }) };
  p.instance.attributes = ok([{ AttributeType: 'CONTACTFLOW_LOGS', Value: 'true' }]);
  p.instance.contactFlowLogGroups = ok([
    { logGroupName: LOG_GROUP, creationTime: 1790000000000, retentionInDays: 90, kmsKeyId: KEY_ARN, storedBytes: 1024, arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${LOG_GROUP}:*` },
  ]);
  p.key.grants = ok([grant(1, SERVICE_ROLE)]);
  return doc;
}

/** The same document in another region: every ARN, key lookup id and region field moved. */
function inRegion(doc: EvidenceDocument, region: string): EvidenceDocument {
  return evidenceDocument.parse(JSON.parse(JSON.stringify(doc).split(REGION).join(region)));
}

interface RunOptions {
  faults?: Fault[];
  pageSize?: number;
  region?: string;
  /** More CLI arguments (scope). */
  args?: string[];
}

async function emulate(change: (p: Parts, doc: EvidenceDocument) => void, options: RunOptions): Promise<{ emu: Emulator; region: string }> {
  let state = compliantState();
  change(parts(state), state);
  const region = options.region ?? REGION;
  if (region !== REGION) state = inRegion(state, region);
  emulator = await startEmulator({ state, ...(options.faults ? { faults: options.faults } : {}), ...(options.pageSize ? { pageSize: options.pageSize } : {}) });
  return { emu: emulator, region };
}

async function audit(change: (p: Parts, doc: EvidenceDocument) => void = () => undefined, options: RunOptions = {}): Promise<{ report: Report; code: number | null; emu: Emulator }> {
  const { emu, region } = await emulate(change, options);
  // Every resource type in scope unless told otherwise: a run narrowed with --resource-types leaves flow logs out.
  const result = await runCli(['audit', '--region', region, '--format', 'json', ...(options.args ?? [])], { env: emulatorEnv(emu.url, ACCOUNT) });
  if (!result.stdout.startsWith('{')) throw new Error(`no report (exit ${result.code}): ${result.stderr}`);
  return { report: JSON.parse(result.stdout) as Report, code: result.code, emu };
}

let collected = 0;
async function collect(change: (p: Parts, doc: EvidenceDocument) => void = () => undefined, options: RunOptions = {}): Promise<{ evidence: EvidenceDocument; emu: Emulator }> {
  const { emu, region } = await emulate(change, options);
  const out = join(dir, `evidence-${++collected}.json`);
  const result = await runCli(['collect', '--region', region, '--out', out], { env: emulatorEnv(emu.url, ACCOUNT) });
  if (result.code !== 0) throw new Error(`collect failed (exit ${result.code}): ${result.stderr}`);
  return { evidence: evidenceDocument.parse(JSON.parse(readFileSync(out, 'utf8'))), emu };
}

function collectedParts(doc: EvidenceDocument) {
  const account = doc.accounts[0]!;
  const instance = account.regions[0]!.instances[INSTANCE_ID]!;
  const key = Object.values(account.keys).find((k) => k.reference.endsWith(`:key/${KEY_ID}`))!;
  return { account, instance, key };
}

function finding(report: Report, ruleId: string, hop: string): Finding {
  const matching = report.findings.filter((f) => f.ruleId === ruleId && f.hop === hop);
  if (matching.length !== 1) throw new Error(`expected one ${ruleId} finding on ${hop}, got ${JSON.stringify(report.findings.filter((f) => f.ruleId === ruleId).map((f) => [f.hop, f.status, f.message]))}`);
  return matching[0] as Finding;
}

const denied = (service: Fault['service'], operation: string): Fault => ({ service, operation, kind: 'AccessDenied' });
const sent = (emu: Emulator, service: string, operation: string) => emu.requests.filter((r) => r.service === service && r.operation === operation);

describe('media streams (kinesisvideo:ListStreams)', () => {
  it('collects the first page of the prefix’s streams and reads their key once', async () => {
    const { evidence, emu } = await collect();
    const { account, instance } = collectedParts(evidence);
    expect(instance.videoStreams?.[PREFIX]).toMatchObject({ status: 'ok', response: { StreamInfoList: [{ KmsKeyId: KEY_ARN }, { KmsKeyId: KEY_ARN }] } });
    // The emulator's page size is 2: a sample, and the record says so.
    expect(instance.videoStreams?.[PREFIX]).toMatchObject({ response: { NextToken: expect.any(String) } });
    expect(sent(emu, 'kinesisvideo', 'ListStreams')).toHaveLength(1);
    expect(sent(emu, 'kms', 'DescribeKey').filter((r) => r.resource === KEY_ARN)).toHaveLength(1);
    expect(Object.values(account.keys).filter((k) => k.reference === KEY_ARN)).toHaveLength(1);
  });

  it('passes when the streams are on the configured key, and says the list was a sample', async () => {
    const { report } = await audit();
    const f = finding(report, 'media-streams-use-configured-key', MEDIA_HOP);
    expect(f.status, f.message).toBe('PASS');
    expect(f.message).toMatch(/more exist/);
  });

  it('fails when one stream is on another key', async () => {
    const { report } = await audit((p) => {
      p.instance.videoStreams = { [PREFIX]: ok({ StreamInfoList: [stream(1, KEY_ARN), stream(2, OTHER_KEY_ARN)] }) };
    });
    const f = finding(report, 'media-streams-use-configured-key', MEDIA_HOP);
    expect(f.status, f.message).toBe('FAIL');
    expect(f.message).toContain(OTHER_KEY_ARN);
  });

  it('fails a stream without a KmsKeyId (the AWS managed aws/kinesisvideo key)', async () => {
    const { report } = await audit((p) => {
      p.instance.videoStreams = { [PREFIX]: ok({ StreamInfoList: [stream(1, undefined)] }) };
    });
    expect(finding(report, 'media-streams-use-configured-key', MEDIA_HOP).status).toBe('FAIL');
  });

  it('is ERROR naming kinesisvideo:ListStreams when ListStreams is denied', async () => {
    const { report, code } = await audit(() => undefined, { faults: [denied('kinesisvideo', 'ListStreams')] });
    const f = finding(report, 'media-streams-use-configured-key', MEDIA_HOP);
    expect(f.status).toBe('ERROR');
    expect(f.message).toContain('kinesisvideo:ListStreams');
    expect(code).toBe(3);
  });
});

describe('contact flow logs (logs:DescribeLogGroups)', () => {
  it('collects the groups named like the instance’s flow log group when CONTACTFLOW_LOGS is true', async () => {
    const { evidence, emu } = await collect();
    const { instance } = collectedParts(evidence);
    expect(instance.contactFlowLogGroups).toEqual({ status: 'ok', response: [expect.objectContaining({ logGroupName: LOG_GROUP, kmsKeyId: KEY_ARN, retentionInDays: 90 })] });
    expect(sent(emu, 'logs', 'DescribeLogGroups').map((r) => r.resource)).toEqual([LOG_GROUP]);
  });

  it('passes a group encrypted with the customer key', async () => {
    const { report } = await audit();
    const f = finding(report, 'contact-flow-logs-customer-key', FLOW_LOGS_HOP);
    expect(f.status, f.message).toBe('PASS');
    expect(f.evidence).toMatchObject({ logGroupName: LOG_GROUP, retentionInDays: 90 });
  });

  it('fails a group without a kmsKeyId', async () => {
    const { report } = await audit((p) => {
      p.instance.contactFlowLogGroups = ok([{ logGroupName: LOG_GROUP, creationTime: 1790000000000, retentionInDays: 90 }]);
    });
    const f = finding(report, 'contact-flow-logs-customer-key', FLOW_LOGS_HOP);
    expect(f.status, f.message).toBe('FAIL');
    expect(f.severity).toBe('medium');
  });

  it('is NOT_APPLICABLE, with no DescribeLogGroups call, when CONTACTFLOW_LOGS is false', async () => {
    const { report, emu } = await audit((p) => {
      p.instance.attributes = ok([{ AttributeType: 'CONTACTFLOW_LOGS', Value: 'false' }]);
    });
    expect(finding(report, 'contact-flow-logs-customer-key', FLOW_LOGS_HOP).status).toBe('NOT_APPLICABLE');
    expect(sent(emu, 'logs', 'DescribeLogGroups')).toEqual([]);
  });

  it('is left out, with no DescribeLogGroups call, by a run narrowed with --resource-types', async () => {
    const { report, emu } = await audit(() => undefined, { args: ['--resource-types', 'CALL_RECORDINGS,MEDIA_STREAMS'] });
    expect(report.findings.filter((f) => f.hop === FLOW_LOGS_HOP)).toEqual([]);
    expect(sent(emu, 'logs', 'DescribeLogGroups')).toEqual([]);
    expect(finding(report, 'media-streams-use-configured-key', MEDIA_HOP).status).toBe('PASS');
  });

  it('is ERROR naming logs:DescribeLogGroups when DescribeLogGroups is denied', async () => {
    const { report, code } = await audit(() => undefined, { faults: [denied('logs', 'DescribeLogGroups')] });
    const f = finding(report, 'contact-flow-logs-customer-key', FLOW_LOGS_HOP);
    expect(f.status).toBe('ERROR');
    expect(f.message).toContain('logs:DescribeLogGroups');
    expect(code).toBe(3);
  });
});

describe('grants on the key (kms:ListGrants)', () => {
  it('collects every grant of the key once, whatever number of configs name it', async () => {
    const { evidence, emu } = await collect();
    expect(collectedParts(evidence).key.grants).toEqual({ status: 'ok', response: [expect.objectContaining({ GranteePrincipal: SERVICE_ROLE, Operations: ['Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey'] })] });
    expect(sent(emu, 'kms', 'ListGrants').map((r) => r.resource)).toEqual([KEY_ARN]);
  });

  // Connect documents its grant for S3 storage locations only (key-management.html), so the
  // missing-grant rule judges the recordings hop; a foreign grant matters on every hop the key protects.
  it('passes a key whose only grant is to the instance’s service role', async () => {
    const { report } = await audit();
    for (const [rule, hop] of [
      ['kms-key-grants-not-foreign', RECORDING_HOP],
      ['kms-key-grants-not-foreign', MEDIA_HOP],
      ['kms-key-grant-for-connect', RECORDING_HOP],
    ] as const) {
      const f = finding(report, rule, hop);
      expect(f.status, `${rule} ${hop}: ${f.message}`).toBe('PASS');
    }
  });

  it('fails high a grant to a principal of another account', async () => {
    const { report } = await audit((p) => {
      p.key.grants = ok([grant(1, SERVICE_ROLE), grant(2, `arn:aws:iam::${FOREIGN_ACCOUNT}:role/Reader`, ['Decrypt'])]);
    });
    const f = finding(report, 'kms-key-grants-not-foreign', RECORDING_HOP);
    expect(f.status, f.message).toBe('FAIL');
    expect(f.severity).toBe('high');
    expect(f.message).toContain(FOREIGN_ACCOUNT);
    expect(finding(report, 'kms-key-grant-for-connect', RECORDING_HOP).status).toBe('PASS');
  });

  it('fails low when no grant names the service role', async () => {
    const { report } = await audit((p) => {
      p.key.grants = ok([]);
    });
    const f = finding(report, 'kms-key-grant-for-connect', RECORDING_HOP);
    expect(f.status, f.message).toBe('FAIL');
    expect(f.severity).toBe('low');
  });

  it('is ERROR naming kms:ListGrants when ListGrants is denied', async () => {
    const { report, code } = await audit(() => undefined, { faults: [denied('kms', 'ListGrants')] });
    for (const rule of ['kms-key-grants-not-foreign', 'kms-key-grant-for-connect']) {
      const f = finding(report, rule, RECORDING_HOP);
      expect(f.status, f.message).toBe('ERROR');
      expect(f.message).toContain('kms:ListGrants');
    }
    expect(code).toBe(3);
  });
});

describe('pagination forced to page size 1, in a region other than the default', () => {
  const REGION_2 = 'ap-southeast-2';
  const threeOfEach = (p: Parts) => {
    p.instance.contactFlowLogGroups = ok([
      { logGroupName: LOG_GROUP, creationTime: 1790000000000, retentionInDays: 90, kmsKeyId: KEY_ARN },
      { logGroupName: `${LOG_GROUP}-archive`, creationTime: 1790000000000 },
      { logGroupName: `${LOG_GROUP}-test`, creationTime: 1790000000000 },
    ]);
    p.key.grants = ok([grant(1, SERVICE_ROLE), grant(2, SERVICE_ROLE, ['GenerateDataKey']), grant(3, SERVICE_ROLE, ['Decrypt'])]);
  };

  it('reads one stream (first page only), every log group and every grant, each in the instance’s region', async () => {
    const { evidence, emu } = await collect(threeOfEach, { pageSize: 1, region: REGION_2 });
    const { instance, key } = collectedParts(evidence);
    const streams = instance.videoStreams?.[PREFIX];
    expect(streams?.status === 'ok' && [streams.response.StreamInfoList.length, typeof streams.response.NextToken]).toEqual([1, 'string']);
    expect(instance.contactFlowLogGroups?.status === 'ok' && instance.contactFlowLogGroups.response.map((g) => g.logGroupName)).toEqual([LOG_GROUP, `${LOG_GROUP}-archive`, `${LOG_GROUP}-test`]);
    expect(key.grants?.status === 'ok' && key.grants.response.length).toBe(3);
    expect(sent(emu, 'kinesisvideo', 'ListStreams')).toHaveLength(1);
    expect(sent(emu, 'logs', 'DescribeLogGroups')).toHaveLength(3);
    expect(sent(emu, 'kms', 'ListGrants')).toHaveLength(3);
    for (const operation of ['ListStreams', 'DescribeLogGroups', 'ListGrants']) {
      expect(new Set(emu.requests.filter((r) => r.operation === operation).map((r) => r.region)), operation).toEqual(new Set([REGION_2]));
    }
  });

  it('judges them as on one page', async () => {
    const { report } = await audit(threeOfEach, { pageSize: 1, region: REGION_2 });
    expect(finding(report, 'media-streams-use-configured-key', MEDIA_HOP).status).toBe('PASS');
    expect(finding(report, 'contact-flow-logs-customer-key', FLOW_LOGS_HOP).status).toBe('PASS');
    expect(finding(report, 'kms-key-grants-not-foreign', RECORDING_HOP).status).toBe('PASS');
    expect(finding(report, 'kms-key-grant-for-connect', RECORDING_HOP).status).toBe('PASS');
  });
});
