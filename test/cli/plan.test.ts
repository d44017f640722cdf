/**
 * Plan mode through the built CLI: run.mode plan, each finding on the file and line of the block that
 * decided it (a file that exists, relative to the repository root), the formats showing it, and bad
 * input exiting 2 with one line naming the file — never a stack trace.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvidenceDocument } from '../../src/evidence/model.js';
import type { Report } from '../../src/report/schema.js';
import { startEmulator } from '../emulator/index.js';
import { emulatorEnv } from '../helpers/accounts.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { absent, ok } from '../helpers/evidence.js';
import { expectNoStackTrace } from './support.js';

const TF = 'test/fixtures/iac/terraform';
const CFN = 'test/fixtures/iac/cloudformation';
const dir = mkdtempSync(join(tmpdir(), 'cna-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function planReport(args: string[]): Promise<{ report: Report; code: number | null; stderr: string }> {
  const result = await runCli(['audit', ...args, '--format', 'json']);
  expectNoStackTrace(result);
  if (!result.stdout.startsWith('{')) throw new Error(`no report (exit ${result.code}): ${result.stderr}`);
  return { report: JSON.parse(result.stdout) as Report, code: result.code, stderr: result.stderr };
}

/** The 1-based line of the first line of `file` that matches `pattern` (after the first that matches `after`). */
function lineOf(file: string, pattern: RegExp, after?: RegExp): number {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const from = after ? lines.findIndex((line) => after.test(line)) : 0;
  const index = lines.findIndex((line, i) => i >= from && pattern.test(line));
  expect(index, `${pattern} in ${file}`).toBeGreaterThanOrEqual(0);
  return index + 1;
}

describe('Terraform plan', () => {
  it('is judged in plan mode, every finding placed on an existing file and line', async () => {
    const { report } = await planReport(['--terraform-plan', `${TF}/basic/plan.json`]);
    expect(report.run).toMatchObject({ mode: 'plan', source: `${TF}/basic/plan.json`, sourceRoot: ROOT });
    expect(report.instances.map((i) => i.instanceAlias)).toEqual(['acme-contact']);
    for (const f of report.findings) {
      expect(f.source, `${f.ruleId} ${f.hop}`).toBeDefined();
      const file = join(ROOT, f.source?.file ?? '');
      expect(existsSync(file), file).toBe(true);
      expect(f.source?.line).toBeLessThanOrEqual(readFileSync(file, 'utf8').split('\n').length);
    }
  });

  it('puts a TLS finding on the bucket policy resource\'s policy and a rotation finding on the key\'s rotation argument', async () => {
    const { report } = await planReport(['--terraform-plan', `${TF}/basic/plan.json`]);
    const storage = `${TF}/basic/storage.tf`;
    const kms = `${TF}/basic/kms.tf`;
    const tls = report.findings.find((f) => f.ruleId === 's3-bucket-denies-insecure-transport' && f.hop === 'voice.recording-to-s3');
    expect(tls?.source).toEqual({ file: storage, line: lineOf(storage, /^\s+policy = jsonencode/, /^resource "aws_s3_bucket_policy" "recordings"/), address: 'aws_s3_bucket_policy.recordings' });
    const rotation = report.findings.find((f) => f.ruleId === 'kms-key-rotation-enabled');
    expect(rotation?.source).toEqual({ file: kms, line: lineOf(kms, /^\s+enable_key_rotation\s+=/, /^resource "aws_kms_key" "recordings"/), address: 'aws_kms_key.recordings' });
    // A rule whose argument the block does not write sits on the block itself.
    const enabled = report.findings.find((f) => f.ruleId === 'kms-key-enabled');
    expect(enabled?.source?.line).toBe(lineOf(kms, /^resource "aws_kms_key" "recordings"/));
  });

  it('fails the insecure plan on the blocks that make it insecure (exit 1)', async () => {
    const { report, code } = await planReport(['--terraform-plan', `${TF}/insecure/plan.json`]);
    expect(code).toBe(1);
    const failed = report.findings.filter((f) => f.status === 'FAIL');
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) expect(f.source?.file, f.ruleId).toMatch(/^test\/fixtures\/iac\/terraform\/insecure\/.+\.tf$/);
  });

  it('says which values are unknown until apply, as ERROR', async () => {
    const { report } = await planReport(['--terraform-plan', `${TF}/unknown-after-apply/plan.json`]);
    const unknown = report.findings.filter((f) => f.status === 'ERROR' && /unknown until apply/.test(f.message));
    expect(unknown.length).toBeGreaterThan(0);
    expect(report.findings.some((f) => f.status === 'PASS' && /unknown until apply/.test(f.message))).toBe(false);
  });

  it('says which resources the plan names but does not manage, as ERROR on the block that names them', async () => {
    const { report } = await planReport(['--terraform-plan', `${TF}/unmanaged/plan.json`]);
    const unmanaged = report.findings.filter((f) => /not managed by this plan/.test(f.message));
    expect(unmanaged.length).toBeGreaterThan(0);
    for (const f of unmanaged) expect(f.status).toBe('ERROR');
  });

  it('shows file:line in text and Markdown', async () => {
    const text = await runCli(['audit', '--terraform-plan', `${TF}/insecure/plan.json`, '--format', 'text', '--no-color']);
    expect(text.stdout).toMatch(/test\/fixtures\/iac\/terraform\/insecure\/main\.tf:\d+/);
    const markdown = await runCli(['audit', '--terraform-plan', `${TF}/insecure/plan.json`, '--format', 'markdown']);
    expect(markdown.stdout).toMatch(/test\/fixtures\/iac\/terraform\/insecure\/main\.tf:\d+/);
  });
});

describe('directories', () => {
  const plan = ['--terraform-plan', `${TF}/directory/plan.json`];
  const hop = (r: Report, alias: string, id: string) => r.hops.find((h) => h.hop === id && r.instances.find((i) => i.instanceArn === h.instanceArn)?.instanceAlias === alias)?.status;
  const findings = (r: Report, alias: string) => r.findings.filter((f) => f.instanceArn === r.instances.find((i) => i.instanceAlias === alias)?.instanceArn && f.hop.startsWith('auth.ad-connector'));

  it('judges a created AD Connector (Active after apply) and leaves what no resource sets to apply; a pinned directory the code does not manage is ERROR, not "does not exist"', async () => {
    const { report } = await planReport(plan);
    expect(hop(report, 'acme-directory', 'auth.oauth-gateway-to-ad-connector')).toBe('PASS');
    for (const f of findings(report, 'acme-directory')) expect(f.status, `${f.ruleId}: ${f.message}`).toMatch(/^(ERROR|NOT_APPLICABLE)$/);
    expect(findings(report, 'acme-directory').find((f) => f.ruleId === 'directory-client-ldaps-enabled')?.message).toMatch(/unknown until apply/);
    const legacy = findings(report, 'acme-legacy-directory');
    expect(legacy.length).toBeGreaterThan(0);
    for (const f of legacy) {
      expect(f.status).toBe('ERROR');
      expect(f.message).toMatch(/directory d-9367aaaa01, which aws_connect_instance.legacy names, is not managed by this plan/);
      expect(f.source?.address).toBe('aws_connect_instance.legacy');
    }
  });

  it('with --live-references, reads the directory the code only names and judges it', async () => {
    const account = '666677778888';
    const region = 'eu-west-1';
    const id = 'd-9367aaaa01';
    const state: EvidenceDocument = {
      schemaVersion: '1.0',
      kind: 'connect-netpath-audit/evidence',
      collectedAt: '2026-12-01T12:00:00.000Z',
      accounts: [
        {
          accountId: account,
          regions: [
            {
              region,
              listInstances: ok([]),
              instances: {},
              describeDirectories: ok([{ DirectoryId: id, Name: 'legacy.example.com', Type: 'ADConnector', Stage: 'Active', RadiusSettings: { RadiusServers: ['10.9.0.5'], RadiusPort: 1812, AuthenticationProtocol: 'MS-CHAPv2' }, RadiusStatus: 'Completed' }]),
              directories: {
                [id]: {
                  ldapsSettings: ok([{ LDAPSStatus: 'Enabled' }]),
                  certificates: ok([{ CertificateId: 'c-legacy', CommonName: 'legacy-ca', State: 'Registered', Type: 'ClientLDAPS', ExpiryDateTime: '2029-01-01T00:00:00.000Z' }]),
                  settings: absent('UnsupportedOperationException'),
                },
              },
            },
          ],
          buckets: {},
          keys: {},
        },
      ],
    };
    const emulator = await startEmulator({ state });
    try {
      const result = await runCli(['audit', ...plan, '--live-references', '--region', region, '--format', 'json'], { env: emulatorEnv(emulator.url, account) });
      expectNoStackTrace(result);
      const report = JSON.parse(result.stdout) as Report;
      for (const f of findings(report, 'acme-legacy-directory')) expect(f.status, `${f.ruleId}: ${f.message}`).toMatch(/^(PASS|NOT_APPLICABLE)$/);
      expect(hop(report, 'acme-legacy-directory', 'auth.ad-connector-to-active-directory')).toBe('PASS');
      // The created connector's LDAPS is still decided after apply: never read from AWS, never PASS.
      expect(findings(report, 'acme-directory').find((f) => f.ruleId === 'directory-client-ldaps-enabled')?.status).toBe('ERROR');
    } finally {
      await emulator.close();
    }
  });
});

describe('CloudFormation and CDK', () => {
  it('judges a YAML template with short-form tags, findings on the property that decides them', async () => {
    const { report } = await planReport(['--cloudformation', `${CFN}/connect.yaml`, '--parameters', `${CFN}/parameters.json`, '--region', 'eu-west-2', '--account-id', '111122223333']);
    expect(report.run.mode).toBe('plan');
    expect(report.instances).toHaveLength(1);
    const policy = report.findings.find((f) => f.ruleId === 's3-bucket-denies-insecure-transport' && f.source?.logicalId !== undefined);
    expect(policy?.source?.file).toBe(`${CFN}/connect.yaml`);
    expect(policy?.source?.line).toBe(lineOf(`${CFN}/connect.yaml`, /^\s+PolicyDocument:/, new RegExp(`^  ${policy?.source?.logicalId ?? '?'}:`)));
    const rotation = report.findings.find((f) => f.ruleId === 'kms-key-rotation-enabled');
    expect(rotation?.source?.line).toBe(lineOf(`${CFN}/connect.yaml`, /^\s+EnableKeyRotation:/, new RegExp(`^  ${rotation?.source?.logicalId ?? '?'}:`)));
  });

  it('gives the JSON form of the same stack the same verdicts', async () => {
    const args = ['--parameters', `${CFN}/parameters.json`, '--region', 'eu-west-2', '--account-id', '111122223333'];
    const yaml = (await planReport(['--cloudformation', `${CFN}/connect.yaml`, ...args])).report;
    const json = (await planReport(['--cloudformation', `${CFN}/connect.json`, ...args])).report;
    const verdicts = (r: Report) => r.findings.map((f) => `${f.id} ${f.status} ${f.source?.logicalId ?? ''}`).sort();
    expect(verdicts(json)).toEqual(verdicts(yaml));
    const rotation = json.findings.find((f) => f.ruleId === 'kms-key-rotation-enabled');
    expect(rotation?.source?.line).toBe(lineOf(`${CFN}/connect.json`, /^\s+"EnableKeyRotation":/, new RegExp(`^    "${rotation?.source?.logicalId ?? '?'}":`)));
  });

  it('judges a cdk synth template', async () => {
    const { report } = await planReport(['--cloudformation', `${CFN}/cdk.out/ConnectStack.template.json`, '--region', 'eu-west-2', '--account-id', '111122223333']);
    expect(report.instances).toHaveLength(1);
    expect(report.findings.every((f) => f.source?.file === `${CFN}/cdk.out/ConnectStack.template.json`)).toBe(true);
  });
});

describe('bad input', () => {
  const one = async (args: string[], pattern: RegExp) => {
    const result = await runCli(['audit', ...args]);
    expectNoStackTrace(result);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(pattern);
  };

  it('a truncated plan', async () => {
    const file = join(dir, 'truncated.json');
    writeFileSync(file, readFileSync(join(ROOT, TF, 'basic/plan.json'), 'utf8').slice(0, 700));
    await one(['--terraform-plan', file], /truncated\.json/);
  });

  it('a template given as a plan, a plan given as a template', async () => {
    await one(['--terraform-plan', `${CFN}/connect.json`], /connect\.json.*not a Terraform plan/);
    await one(['--cloudformation', `${CFN}/bad/terraform-plan.json`], /terraform-plan\.json/);
  });

  it('an unsupported format_version', async () => {
    const plan = JSON.parse(readFileSync(join(ROOT, TF, 'basic/plan.json'), 'utf8')) as Record<string, unknown>;
    const file = join(dir, 'v2.json');
    writeFileSync(file, JSON.stringify({ ...plan, format_version: '2.0' }));
    await one(['--terraform-plan', file], /format_version/);
  });

  it('a template with a cyclic Ref', async () => {
    await one(['--cloudformation', `${CFN}/cyclic.yaml`], /cyclic\.yaml.*circular/i);
  });

  it('a missing file, and plan flags that do not go together', async () => {
    await one(['--terraform-plan', join(dir, 'nope.json')], /nope\.json/);
    await one(['--terraform-plan', `${TF}/basic/plan.json`, '--cloudformation', `${CFN}/connect.yaml`], /one kind/);
    await one(['--terraform-plan', `${TF}/basic/plan.json`, '--snapshot', 'fixtures/demo-evidence.json'], /--snapshot/);
    await one(['--terraform-plan', `${TF}/basic/plan.json`, '--profile', 'x'], /--profile.*without --live-references/);
    await one(['--parameters', `${CFN}/parameters.json`], /--parameters/);
  });

  it('--live-references with credentials of another account than the plan\'s reads nothing and says so', async () => {
    const emulator = await startEmulator({ state: { schemaVersion: '1.0', kind: 'connect-netpath-audit/evidence', collectedAt: '2026-12-01T12:00:00.000Z', accounts: [] } });
    try {
      const result = await runCli(['audit', '--terraform-plan', `${TF}/unmanaged/plan.json`, '--live-references', '--region', 'eu-central-1', '--format', 'json'], { env: emulatorEnv(emulator.url, '999900001111') });
      expectNoStackTrace(result);
      const report = JSON.parse(result.stdout) as Report;
      expect(report.warnings?.join('\n')).toMatch(/the code deploys to account 555566667777 but the credentials are for 999900001111: nothing was read live/);
      expect(report.findings.some((f) => /not managed by this plan/.test(f.message))).toBe(true);
      expect(emulator.requests.filter((r) => r.service !== 'sts')).toEqual([]);
    } finally {
      await emulator.close();
    }
  });

  it('--live-references without credentials is incomplete (exit 3), said in one line', async () => {
    const result = await runCli(['audit', '--terraform-plan', `${TF}/unmanaged/plan.json`, '--live-references', '--region', 'eu-west-2', '--max-attempts', '1'], {
      env: { AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' },
    });
    expectNoStackTrace(result);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/--live-references: the caller's account could not be identified/);
  });

  it('a 50 MB plan finishes (exit 0: no Connect instance) without a stack trace', async () => {
    const file = join(dir, 'big.json');
    const resources = Array.from({ length: 25_000 }, (_, i) => ({
      address: `aws_ssm_parameter.p[${i}]`,
      mode: 'managed',
      type: 'aws_ssm_parameter',
      name: 'p',
      index: i,
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: { actions: ['create'], before: null, after: { name: `/p/${i}`, value: 'x'.repeat(1900) }, after_unknown: { arn: true, id: true } },
    }));
    writeFileSync(file, JSON.stringify({ format_version: '1.2', terraform_version: '1.9.8', planned_values: { root_module: {} }, resource_changes: resources, configuration: { root_module: {} } }));
    const result = await runCli(['audit', '--terraform-plan', file, '--format', 'json'], { timeoutMs: 120_000 });
    expectNoStackTrace(result);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/no Amazon Connect instance/);
  }, 150_000);
});
