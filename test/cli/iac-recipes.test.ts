/**
 * The README's "CI recipes: infrastructure code" must run as written: the Terraform recipe plans,
 * shows the plan as JSON without setup-terraform's wrapper in the way, audits it and uploads the
 * SARIF it wrote even when the audit fails the job; the CDK recipe synthesises and audits a
 * `cdk.out/*.template.json`; every audit flag the recipes use is one `audit --help` of the built CLI
 * lists; and each upload's category is the SARIF's own `--sarif-category`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSarifCategory } from '../../src/formats/sarif.js';
import { ROOT, runCli } from '../helpers/cli.js';

const README = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
const SECTION = /^## CI recipes: infrastructure code\n([\s\S]*?)(?=^## )/m.exec(README)?.[1] ?? '';
const recipes = [...SECTION.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
/** A recipe's audit command line, YAML folding (`>`) undone. */
const auditLine = (recipe: string) => /npx --yes connect-netpath-audit audit\b([^\n]*(?:\n {10}--[^\n]*)*)/.exec(recipe)?.[1]?.replace(/\n\s+/g, ' ') ?? '';
const flagsOf = (line: string) => [...line.matchAll(/(?:^|\s)(--[a-z][a-z-]*)/g)].map((m) => m[1] as string);
const valueOf = (line: string, flag: string) => new RegExp(`${flag}[ =](\\S+)`).exec(line)?.[1];

describe('README CI recipes for infrastructure code', () => {
  let help = '';
  beforeAll(async () => {
    const result = await runCli(['audit', '--help']);
    expect(result.code).toBe(0);
    help = result.stdout;
  });

  it('has a Terraform and a CDK recipe', () => {
    expect(recipes).toHaveLength(2);
  });

  it('every audit flag the recipes use is in `audit --help`', () => {
    const flags = recipes.flatMap((recipe) => flagsOf(auditLine(recipe)));
    expect(flags).toEqual(expect.arrayContaining(['--terraform-plan', '--cloudformation', '--sarif-category', '--output', '--format']));
    for (const flag of new Set(flags)) expect(help, flag).toMatch(new RegExp(`^\\s+${flag}\\b`, 'm'));
  });

  it.each([0, 1])('recipe %i uploads what it wrote, always, with its own category, and may upload', (index) => {
    const recipe = recipes[index] ?? '';
    const line = auditLine(recipe);
    expect(recipe).toMatch(/^permissions: \{[^}]*security-events: write[^}]*\}$/m);
    const sarifFile = /--output sarif=(\S+)/.exec(line)?.[1];
    const category = parseSarifCategory(valueOf(line, '--sarif-category'));
    expect(sarifFile).toBeDefined();
    expect(category).toBeDefined();
    expect(recipe).toMatch(/- if: always\(\)\n\s+uses: github\/codeql-action\/upload-sarif@v3\n/);
    expect(recipe).toContain(`with: { sarif_file: ${sarifFile ?? ''}, category: ${category ?? ''} }`);
    // The summary is appended only if the audit wrote it, so that step needs always() too.
    expect(recipe).toMatch(/- if: always\(\)\n\s+run: cat summary\.md >> "\$GITHUB_STEP_SUMMARY"/);
    expect(line).toContain('--output markdown=summary.md');
  });

  it('Terraform: init, plan -out tfplan, show -json tfplan > plan.json without the wrapper, then audit that plan', () => {
    const recipe = recipes[0] ?? '';
    expect(recipe).toMatch(/hashicorp\/setup-terraform@v3\n\s+with: \{ terraform_wrapper: false \}/);
    const dir = /- working-directory: (\S+)\n\s+run: \|\n\s+terraform init[^\n]*\n\s+terraform plan [^\n]*-out tfplan\n\s+terraform show -json tfplan > plan\.json\n/.exec(recipe)?.[1];
    expect(dir).toBeDefined();
    expect(valueOf(auditLine(recipe), '--terraform-plan')).toBe(`${dir ?? ''}/plan.json`);
  });

  it('CDK: cdk synth, then audit a stack template of cdk.out', () => {
    const recipe = recipes[1] ?? '';
    expect(recipe).toMatch(/run: npx cdk synth\b/);
    expect(valueOf(auditLine(recipe), '--cloudformation')).toMatch(/^cdk\.out\/[A-Za-z0-9-]+\.template\.json$/);
  });
});
