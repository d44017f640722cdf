import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { DOCUMENTED_HOPS } from '../../src/paths/hops.js';
import { RULES } from '../../src/rules/index.js';
import { startEmulator } from '../emulator/index.js';
import { emulatorEnv } from '../helpers/accounts.js';
import { DEMO, ROOT, runCli } from '../helpers/cli.js';
import { ACCOUNT, compliantEvidence, KEY_ARN, ok, parts, REGION } from '../helpers/evidence.js';

describe('rules, explain, paths, schema', () => {
  it('rules --format json lists every rule with hop, severity, title and frameworks', async () => {
    const result = await runCli(['rules', '--format', 'json']);
    expect(result.code).toBe(0);
    const rules = JSON.parse(result.stdout) as Array<{ id: string; hops: string[]; severity: string; title: string; frameworks: string[] }>;
    expect(rules.map((r) => r.id)).toEqual(RULES.map((r) => r.meta.id));
    for (const rule of rules) {
      expect(rule.hops.length).toBeGreaterThan(0);
      expect(rule.frameworks).toEqual(expect.arrayContaining(['PCI DSS 4.0', 'NIST SP 800-53 rev. 5']));
    }
  });

  it('explain shows a rule with remediation and references', async () => {
    const result = await runCli(['explain', 's3-bucket-denies-insecure-transport']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('aws s3api put-bucket-policy');
    expect(result.stdout).toContain('Terraform:');
    expect(result.stdout).toContain('https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-ssl-requests-only.html');
  });

  it('explain shows a hop with the rules that judge it, storage hops included', async () => {
    const documented = await runCli(['explain', 'auth.ad-connector-to-active-directory']);
    expect(documented.stdout).toContain('directory-client-ldaps-enabled');
    expect(documented.stdout).toContain('EXISTING_DIRECTORY');
    const storage = await runCli(['explain', 'storage.chat-transcripts.transfer']);
    expect(storage.code).toBe(0);
    expect(storage.stdout).toContain('s3-bucket-denies-insecure-transport');
  });

  it('explain of an unknown id is a usage error', async () => {
    const result = await runCli(['explain', 'no-such-rule']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no rule or hop has this id');
  });

  it('paths lists every documented hop id; mermaid draws them', async () => {
    const text = await runCli(['paths']);
    for (const hop of DOCUMENTED_HOPS) expect(text.stdout).toContain(hop.id);
    expect(text.stdout).toContain('storage.media-streams.at-rest');
    const mermaid = await runCli(['paths', '--format', 'mermaid']);
    expect(mermaid.stdout.startsWith('flowchart LR')).toBe(true);
    expect(mermaid.stdout.match(/-->/g)?.length).toBe(DOCUMENTED_HOPS.length);
  });

  it('schema report validates the report the tool prints', async () => {
    const schema = JSON.parse((await runCli(['schema', 'report'])).stdout) as object;
    const report = JSON.parse((await runCli(['audit', '--snapshot', DEMO, '--format', 'json'])).stdout) as unknown;
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });

  it('schema snapshot validates the demo evidence; schema config is printed', async () => {
    const schema = JSON.parse((await runCli(['schema', 'snapshot'])).stdout) as object;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate(JSON.parse(readFileSync(DEMO, 'utf8')))).toBe(true);
    const config = JSON.parse((await runCli(['schema', 'config'])).stdout) as { properties: Record<string, unknown> };
    expect(Object.keys(config.properties)).toEqual(expect.arrayContaining(['failOn', 'rules', 'directories', 'resourceTypes', 'waivers']));
  });

  it('--version matches package.json', async () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect((await runCli(['--version'])).stdout.trim()).toBe(pkg.version);
  });
});

describe('start-up loads no AWS SDK code', () => {
  const trace = async (args: string[], env: Record<string, string> = {}) => {
    const file = join(mkdtempSync(join(tmpdir(), 'cna-trace-')), 'imports.txt');
    const result = await runCli(args, { nodeArgs: ['--import', resolve(ROOT, 'test/helpers/trace-imports.mjs')], env: { ...env, TRACE_IMPORTS_FILE: file } });
    return { result, imports: readFileSync(file, 'utf8').split('\n').filter(Boolean) };
  };

  it.each([[['--version']], [['rules']], [['paths']], [['audit', '--snapshot', DEMO, '--format', 'json']]])('%j', async (args) => {
    const { result, imports } = await trace(args);
    expect(result.code === 0 || result.code === 1).toBe(true);
    expect(imports.some((url) => url.includes('/dist/src/cli/bin.js'))).toBe(true);
    expect(imports.filter((url) => /@aws-sdk|@smithy/.test(url))).toEqual([]);
  });

  it('sees the clients a collection loads: Kinesis (with its HTTP/1.1 handler) and Firehose, when storage configs name them', async () => {
    const state = compliantEvidence();
    const { instance } = parts(state);
    instance.storageConfigs.CONTACT_TRACE_RECORDS = ok([{ StorageType: 'KINESIS_FIREHOSE', KinesisFirehoseConfig: { FirehoseArn: `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/ctr` } }]);
    instance.storageConfigs.AGENT_EVENTS = ok([{ StorageType: 'KINESIS_STREAM', KinesisStreamConfig: { StreamArn: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/agent-events` } }]);
    const emulator = await startEmulator({ state });
    try {
      const out = join(mkdtempSync(join(tmpdir(), 'cna-trace-')), 'evidence.json');
      const { imports } = await trace(['collect', '--region', REGION, '--resource-types', 'CONTACT_TRACE_RECORDS,AGENT_EVENTS', '--out', out], emulatorEnv(emulator.url, ACCOUNT));
      for (const client of ['@aws-sdk/client-kinesis/', '@aws-sdk/client-firehose/', '@smithy/node-http-handler/']) {
        expect(imports.some((url) => url.includes(`/node_modules/${client}`)), client).toBe(true);
      }
    } finally {
      await emulator.close();
    }
  });

  it('sees Kinesis Video and CloudWatch Logs loaded when media streams are configured and flow logs are on', async () => {
    const state = compliantEvidence();
    const { instance } = parts(state);
    instance.storageConfigs.MEDIA_STREAMS = ok([
      { StorageType: 'KINESIS_VIDEO_STREAM', KinesisVideoStreamConfig: { Prefix: 'media', RetentionPeriodHours: 24, EncryptionConfig: { EncryptionType: 'KMS', KeyId: KEY_ARN } } },
    ]);
    instance.attributes = ok([{ AttributeType: 'CONTACTFLOW_LOGS', Value: 'true' }]);
    const emulator = await startEmulator({ state });
    try {
      const out = join(mkdtempSync(join(tmpdir(), 'cna-trace-')), 'evidence.json');
      // Every resource type in scope: flow logs are read only then.
      const { imports } = await trace(['collect', '--region', REGION, '--out', out], emulatorEnv(emulator.url, ACCOUNT));
      for (const client of ['@aws-sdk/client-kinesis-video/', '@aws-sdk/client-cloudwatch-logs/']) {
        expect(imports.some((url) => url.includes(`/node_modules/${client}`)), client).toBe(true);
      }
    } finally {
      await emulator.close();
    }
  });
});
