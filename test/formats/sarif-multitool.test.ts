/**
 * GitHub's ingestion rules, checked offline: the SARIF Multitool's `validate` with the rule kinds `Gh`
 * (GitHub) and `Ghas` (GitHub Advanced Security), on what the built CLI writes. The npm package ships
 * a self-contained .NET executable per platform (`@microsoft/sarif-multitool-<platform>`, found
 * through the package's main export), so no .NET runtime is needed.
 *
 * Some GitHub rules are off by default, among them GH1006 (an absolute `file:` URI GitHub cannot
 * place under the checkout: "cannot determine the location of the repository root"). The test exports
 * the tool's rule configuration and turns every GH rule on at level error, so nothing is left out.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sarif } from '../../src/formats/sarif.js';
import { DEMO, ROOT, runCli } from '../helpers/cli.js';
import { sourcedReport } from './cases.js';

const MULTITOOL = createRequire(import.meta.url)('@microsoft/sarif-multitool') as string;
const RULE_KINDS = 'Gh;Ghas';

interface Issue {
  ruleId: string;
  level: string;
  text: string;
}

let dir = '';
let config = '';

function multitool(args: string[]): string {
  // A .NET program: without ICU (a bare Node image) it needs invariant globalization, which changes nothing here.
  const run = spawnSync(MULTITOOL, args, { encoding: 'utf8', timeout: 120_000, env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`Sarif.Multitool ${args[0] ?? ''} exited ${String(run.status)}:\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

/** The exported rule configuration with every GitHub rule (GH…, not GHAzDO…) enabled at level error. */
function githubRulesConfig(): string {
  const exported = join(dir, 'exported.xml');
  multitool(['export-validation-config', exported]);
  let enabled = 0;
  const xml = readFileSync(exported, 'utf8').replace(/(<Properties Key="GH\d+\.\w+\.Options">\s*<Property Key="RuleEnabled" Value=")\w+/g, (_, head: string) => {
    enabled++;
    return `${head}Error`;
  });
  // GH1001–GH1007 (Gh) and GH1011–GH2012 (Ghas) in Multitool 5.7.0; fewer means the export changed shape.
  expect(enabled).toBeGreaterThanOrEqual(15);
  expect(xml).toMatch(/Key="GH1006\.ProvideCheckoutPath\.Options">\s*<Property Key="RuleEnabled" Value="Error"/);
  const file = join(dir, 'github-rules.xml');
  writeFileSync(file, xml);
  return file;
}

/** Every error and warning the GitHub rules report for a SARIF text, and the run's own failures. */
function validate(name: string, sarif: string): Issue[] {
  const input = join(dir, `${name}.sarif`);
  const output = join(dir, `${name}.validation.sarif`);
  writeFileSync(input, sarif);
  multitool(['validate', '--rule-kind', RULE_KINDS, '--config', config, '--output', output, input]);
  const log = JSON.parse(readFileSync(output, 'utf8')) as {
    runs: Array<{
      results?: Array<{ ruleId: string; level?: string; message: { text?: string; id?: string; arguments?: string[] } }>;
      invocations?: Array<{ executionSuccessful: boolean; toolExecutionNotifications?: Array<{ level?: string; message: { text?: string } }> }>;
    }>;
  };
  const run = log.runs[0];
  expect(run?.invocations?.[0]?.executionSuccessful).toBe(true);
  const failures = (run?.invocations?.[0]?.toolExecutionNotifications ?? []).filter((n) => n.level === 'error').map((n) => ({ ruleId: 'tool', level: 'error', text: n.message.text ?? '' }));
  const results = (run?.results ?? [])
    .map((r) => ({ ruleId: r.ruleId, level: r.level ?? 'warning', text: r.message.text ?? `${r.message.id ?? ''} ${(r.message.arguments ?? []).join(' ')}` }))
    .filter((r) => r.level === 'error' || r.level === 'warning');
  return [...failures, ...results];
}

async function auditSarif(args: string[], cwd = ROOT): Promise<string> {
  const result = await runCli(['audit', ...args, '--format', 'sarif'], { cwd });
  expect(result.stderr).not.toMatch(/internal error/);
  expect([0, 1, 3]).toContain(result.code);
  return result.stdout;
}

type Log = {
  runs: Array<{
    results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }> }>;
    originalUriBaseIds?: Record<string, { uri: string }>;
    invocations: Array<{ toolExecutionNotifications: Array<{ level: string; message: { text: string } }> }>;
    automationDetails: { id: string };
  }>;
};

function uris(text: string): string[] {
  const log = JSON.parse(text) as Log;
  return [...new Set(log.runs[0]?.results.map((r) => `${r.locations[0]?.physicalLocation.artifactLocation.uriBaseId ?? ''}|${r.locations[0]?.physicalLocation.artifactLocation.uri ?? ''}`))];
}

describe('SARIF against GitHub ingestion rules (sarif-multitool validate, Gh and Ghas)', () => {
  beforeAll(() => {
    try {
      accessSync(MULTITOOL, constants.X_OK);
    } catch {
      // The package's postinstall only sets the execute bit, and npm may skip install scripts.
      chmodSync(MULTITOOL, 0o755);
    }
    dir = mkdtempSync(join(tmpdir(), 'cna-sarif-multitool-'));
    config = githubRulesConfig();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('flags what GitHub rejects: absolute file: URIs and a result without a location (the check bites)', async () => {
    // What 0.3.0 wrote for an absolute --snapshot: file: URIs, no working directory; and one result without a location.
    const log = JSON.parse(await auditSarif(['--snapshot', DEMO])) as {
      runs: Array<{ originalUriBaseIds?: unknown; invocations: Array<{ workingDirectory?: unknown }>; results: Array<{ locations?: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }>;
    };
    const run = log.runs[0];
    if (!run) throw new Error('no run');
    delete run.originalUriBaseIds;
    for (const invocation of run.invocations) delete invocation.workingDirectory;
    for (const location of run.results.flatMap((result) => result.locations ?? [])) location.physicalLocation.artifactLocation = { uri: pathToFileURL(DEMO).href };
    delete run.results[0]?.locations;
    const issues = validate('rejected', JSON.stringify(log));
    expect(new Set(issues.map((i) => i.ruleId))).toEqual(new Set(['GH1001', 'GH1006', 'GH1015', 'GH1017', 'GH2012']));
    expect(issues.filter((i) => i.ruleId === 'GH1006')).toHaveLength(run.results.length - 1);
  }, 120_000);

  it('is clean for the demo run: zero errors, zero warnings', async () => {
    const text = await auditSarif(['--snapshot', 'fixtures/demo-evidence.json']);
    expect(uris(text)).toEqual(['%SRCROOT%|fixtures/demo-evidence.json']);
    expect(validate('demo', text)).toEqual([]);
  }, 120_000);

  it('is clean for an absolute --snapshot path: URIs relative to the working directory, its file URI as %SRCROOT%', async () => {
    const text = await auditSarif(['--snapshot', DEMO]);
    expect(uris(text)).toEqual(['%SRCROOT%|fixtures/demo-evidence.json']);
    const log = JSON.parse(text) as Log;
    expect(log.runs[0]?.originalUriBaseIds?.['%SRCROOT%']?.uri).toBe(`${pathToFileURL(ROOT).href}/`);
    expect(log.runs[0]?.automationDetails.id).toBe('connect-netpath-audit/');
    expect(validate('absolute', text)).toEqual([]);
  }, 120_000);

  it('is clean for a plan run: results on the .tf and template lines, relative to the source root, each in a file that exists', () => {
    const root = join(dir, 'plan repo');
    const report = sourcedReport(root);
    mkdirSync(join(root, 'infra'), { recursive: true });
    writeFileSync(join(root, 'infra', 'plan.json'), '{}\n');
    const text = sarif.render(report, { color: false, unicode: false, artifactPath: 'plan.json', workingDirectory: join(root, 'infra') });
    const log = JSON.parse(text) as Log & { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { region?: { startLine?: number } } }> }> }> };
    const run = log.runs[0];
    const base = run?.originalUriBaseIds?.['%SRCROOT%']?.uri ?? '';
    expect(base).toBe(`${pathToFileURL(root).href}/`);
    expect(run?.results.length).toBeGreaterThan(0);
    for (const result of run?.results ?? []) {
      const location = result.locations[0]?.physicalLocation;
      expect(location?.region?.startLine).toBeGreaterThanOrEqual(1);
      const file = fileURLToPath(new URL(location?.artifactLocation.uri ?? '', base));
      expect(file.startsWith(`${root}/`), file).toBe(true);
      expect(existsSync(file), file).toBe(true);
    }
    expect(uris(text).length).toBeGreaterThan(2);
    expect(validate('plan', text)).toEqual([]);
  }, 120_000);

  // The insecure fixtures must give results; the others may pass every rule, and must validate all the same.
  it.each([
    ['a Terraform plan', ['--terraform-plan', 'test/fixtures/iac/terraform/insecure/plan.json'], true],
    ['a Terraform plan with modules', ['--terraform-plan', 'test/fixtures/iac/terraform/module/plan.json'], false],
    ['a CloudFormation template', ['--cloudformation', 'test/fixtures/iac/cloudformation/insecure.yaml'], true],
    ['a CDK-synthesised template', ['--cloudformation', 'test/fixtures/iac/cloudformation/cdk.out/ConnectStack.template.json'], false],
  ])('is clean through the CLI for %s: every result on a line of a file that exists under the repository root', async (_name, args, insecure) => {
    const text = await auditSarif(args);
    const log = JSON.parse(text) as Log & { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { region?: { startLine?: number } } }> }> }> };
    const run = log.runs[0];
    const base = run?.originalUriBaseIds?.['%SRCROOT%']?.uri ?? '';
    expect(base).toBe(`${pathToFileURL(ROOT).href}/`);
    if (insecure) expect(run?.results.length).toBeGreaterThan(0);
    for (const result of run?.results ?? []) {
      const location = result.locations[0]?.physicalLocation;
      expect(location?.region?.startLine).toBeGreaterThanOrEqual(1);
      const file = fileURLToPath(new URL(location?.artifactLocation.uri ?? '', base));
      expect(existsSync(file), file).toBe(true);
      // A plan's findings sit on the .tf block that decided them, not on the plan.
      if (args[0] === '--terraform-plan') expect(file).toMatch(/\.tf$/);
    }
    expect(validate(args[1]?.replace(/\W+/g, '-') ?? 'plan', text)).toEqual([]);
  }, 120_000);

  it('is clean for evidence outside the working directory (absolute or ..): named by file name, with a note', async () => {
    const outside = join(dir, 'evidence outside.json');
    copyFileSync(DEMO, outside);
    const absolute = await auditSarif(['--snapshot', outside, '--sarif-category', 'connect/prod']);
    expect(uris(absolute)).toEqual(['%SRCROOT%|evidence%20outside.json']);
    const log = JSON.parse(absolute) as Log;
    expect(log.runs[0]?.automationDetails.id).toBe('connect/prod/');
    const notes = log.runs[0]?.invocations[0]?.toolExecutionNotifications.filter((n) => n.level === 'note') ?? [];
    expect(notes.map((n) => n.message.text)).toEqual([expect.stringContaining(`${outside} is outside the working directory ${ROOT}`)]);
    expect(validate('outside', absolute)).toEqual([]);

    const parent = await auditSarif(['--snapshot', '../fixtures/demo-evidence.json'], resolve(ROOT, 'test'));
    expect(uris(parent)).toEqual(['%SRCROOT%|demo-evidence.json']);
    expect(validate('parent', parent)).toEqual([]);
  }, 120_000);
});

describe('SARIF flags through the CLI', () => {
  it('--sarif-category on merge too; an unusable category is a usage error (exit 2)', async () => {
    const json = await runCli(['audit', '--snapshot', DEMO, '--format', 'json']);
    const shard = join(mkdtempSync(join(tmpdir(), 'cna-sarif-merge-')), 'shard.json');
    writeFileSync(shard, json.stdout);
    try {
      const merged = await runCli(['merge', shard, '--format', 'sarif', '--sarif-category', 'connect/all-accounts']);
      expect((JSON.parse(merged.stdout) as Log).runs[0]?.automationDetails.id).toBe('connect/all-accounts/');
      const bad = await runCli(['audit', '--snapshot', DEMO, '--format', 'sarif', '--sarif-category', '///']);
      expect(bad.code).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toMatch(/--sarif-category \/\/\/: expected a name/);
    } finally {
      rmSync(resolve(shard, '..'), { recursive: true, force: true });
    }
  }, 60_000);
});
