/**
 * Plan mode: a Terraform plan or CloudFormation templates → the evidence document, the locations of
 * the resources, and the notices for the report. The readers live beside this file, one per format.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Finding } from '../../report/schema.js';
import type { Rule } from '../../rules/types.js';
import type { EvidenceDocument } from '../model.js';
import { liveRequest, mergeLive, type LiveRequest } from './live.js';
import { locator } from './locate.js';
import type { IacModel } from './model.js';
import { evidenceOfModel } from './to-evidence.js';

export interface PlanInputFlags {
  terraformPlan?: string | undefined;
  terraformDir?: string | undefined;
  cloudformation?: string[] | undefined;
  parameters?: string | undefined;
  accountId?: string | undefined;
}

export interface PlanInput {
  evidence: EvidenceDocument;
  /** The plan or the templates, as given. */
  source: string;
  /** Absolute: the directory the findings' source files are relative to. */
  sourceRoot: string;
  locate: (finding: Finding) => Finding['source'];
  warnings: string[];
}

/** How plan mode reads what the code names but does not manage (`--live-references`). */
export interface LiveReader {
  callerAccount(region: string | undefined): Promise<string>;
  read(request: LiveRequest, accountId: string): Promise<EvidenceDocument>;
}

export function isPlanMode(flags: PlanInputFlags): boolean {
  return flags.terraformPlan !== undefined || (flags.cloudformation?.length ?? 0) > 0;
}

/** The repository root (the nearest directory above `from` holding `.git`), else `from` itself. */
export function repositoryRoot(from: string): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return resolve(from);
  }
}

async function readModel(flags: PlanInputFlags, region: string | undefined): Promise<IacModel> {
  if (flags.terraformPlan !== undefined) {
    const { readTerraformPlan } = await import('./terraform/index.js');
    return readTerraformPlan(flags.terraformPlan, { terraformDir: flags.terraformDir, region, accountId: flags.accountId });
  }
  const { readCloudFormation } = await import('./cloudformation/index.js');
  return readCloudFormation(flags.cloudformation ?? [], { parameters: flags.parameters, region, accountId: flags.accountId });
}

export async function loadPlanInput(flags: PlanInputFlags, rules: readonly Rule[], region: string | undefined, now: Date, live?: LiveReader): Promise<PlanInput> {
  // With live references the plan's ARNs are built in the caller's account, the one that is read.
  // Always asked, even with --account-id: reading another account's resources with these credentials
  // could make a foreign-owner verdict out of a missing permission.
  const caller = live ? await live.callerAccount(region) : undefined;
  const model = await readModel({ ...flags, accountId: flags.accountId ?? caller }, region);
  const built = evidenceOfModel(model, now);
  const { sources, warnings } = built;
  let evidence = built.evidence;
  const request = live ? liveRequest(evidence) : undefined;
  if (live && request) {
    if (caller === undefined || model.accountId !== caller) {
      warnings.push(`--live-references: the code deploys to account ${model.accountId ?? 'unknown'} but the credentials are for ${caller ?? 'no account'}: nothing was read live.`);
    } else {
      evidence = mergeLive(evidence, await live.read(request, caller));
    }
  }
  const sourceRoot = repositoryRoot(process.cwd());
  const noInstance = evidence.accounts.length === 0 ? [`${model.inputs.join(', ')}: no Amazon Connect instance is created, changed or referenced: nothing to audit`] : [];
  return {
    evidence,
    source: flags.terraformPlan ?? (flags.cloudformation ?? []).join(', '),
    sourceRoot,
    locate: locator(sources, rules, sourceRoot),
    warnings: [...warnings, ...noInstance],
  };
}
