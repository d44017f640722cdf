/**
 * Terraform (and OpenTofu) plans → the infrastructure-code model: `terraform show -json tfplan`
 * read with its configuration's references, each resource placed on its `.tf` block.
 */
import { resolve } from 'node:path';
import { InputError } from '../../../errors.js';
import { arnPartition, partitionOfRegion } from '../../aws-names.js';
import { emptyModel, PLACEHOLDER_ACCOUNT, type IacModel, type SourceRef } from '../model.js';
import { asExpression, PlanGraph, type Instance } from './graph.js';
import { Locations, planDirectory } from './locations.js';
import type { ProviderConfig } from './plan.js';
import { readPlanFile } from './plan.js';
import { MAPPED_TYPES, mapResources } from './resources.js';
import { Identifiers, type Context } from './values.js';

export interface TerraformPlanOptions {
  /** Where the `.tf` files are (default: the plan file's directory). */
  terraformDir?: string;
  /** Region when no provider configuration says (`--region`). */
  region?: string;
  /** Account when the plan does not say (`--account-id`). */
  accountId?: string;
}

const FALLBACK_REGION = 'us-east-1';
/** Provider arguments that choose credentials: two configurations that differ in none use the same account. */
const CREDENTIAL_ARGUMENTS = ['profile', 'access_key', 'secret_key', 'token', 'assume_role', 'assume_role_with_web_identity', 'shared_credentials_files', 'shared_config_files', 'allowed_account_ids', 'forbidden_account_ids'];

/** A list of addresses for a notice: the first few, then how many more. */
function listed(addresses: readonly string[], most = 10): string {
  return addresses.length <= most ? addresses.join(', ') : `${addresses.slice(0, most).join(', ')} and ${addresses.length - most} more`;
}

const constant = (expression: unknown): unknown => asExpression(expression)?.constant_value;
const stringOf = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

class Providers {
  constructor(private readonly graph: PlanGraph) {}

  config(key: string | undefined): ProviderConfig | undefined {
    return key === undefined ? undefined : this.graph.providerConfigs[key];
  }

  /** `region = "eu-west-2"`, or `region = var.region` in the root module (the plan's variable value). */
  region(key: string | undefined): string | undefined {
    const expression = asExpression(this.config(key)?.expressions?.region);
    const value = stringOf(expression?.constant_value);
    if (value) return value;
    const variable = expression?.references?.find((r) => /^var\.[A-Za-z0-9_-]+$/.test(r));
    if (variable && !this.config(key)?.module_address) return stringOf(this.graph.variables[variable.slice(4)]);
    return undefined;
  }

  /** The account a provider configuration pins: its caller identity, one allowed account, or an assumed role's account. */
  private readonly accounts = new Map<string | undefined, string | undefined>();
  account(key: string | undefined): string | undefined {
    if (!this.accounts.has(key)) this.accounts.set(key, this.pinnedAccount(key));
    return this.accounts.get(key);
  }

  private pinnedAccount(key: string | undefined): string | undefined {
    const identity = this.graph.instances.find((i) => i.mode === 'data' && i.type === 'aws_caller_identity' && i.providerKey === key && stringOf(i.after.account_id));
    if (identity) return String(identity.after.account_id);
    const expressions = this.config(key)?.expressions ?? {};
    const allowed = constant(expressions.allowed_account_ids);
    if (Array.isArray(allowed) && allowed.length === 1 && typeof allowed[0] === 'string') return allowed[0];
    const role = Array.isArray(expressions.assume_role) ? constant((expressions.assume_role[0] as Record<string, unknown> | undefined)?.role_arn) : undefined;
    return typeof role === 'string' ? /^arn:[^:]+:iam::(\d{12}):/.exec(role)?.[1] : undefined;
  }

  private credentials(key: string | undefined): string {
    const expressions = this.config(key)?.expressions ?? {};
    return JSON.stringify(CREDENTIAL_ARGUMENTS.map((name) => expressions[name] ?? null));
  }

  private readonly same = new Map<string, boolean>();
  /** Whether two provider configurations deploy to the same account, as far as the plan can tell. */
  sameAccount(a: string | undefined, b: string | undefined): boolean {
    if (a === b) return true;
    const id = `${a ?? ''}|${b ?? ''}`;
    if (!this.same.has(id)) this.same.set(id, this.compareAccounts(a, b));
    return this.same.get(id) as boolean;
  }

  private compareAccounts(a: string | undefined, b: string | undefined): boolean {
    const [accountA, accountB] = [this.account(a), this.account(b)];
    if (accountA && accountB) return accountA === accountB;
    return this.credentials(a) === this.credentials(b);
  }
}

function accountOf(graph: PlanGraph, providers: Providers, home: string | undefined, managed: Instance[], options: TerraformPlanOptions, warn: (m: string) => void): string | undefined {
  const pinned = providers.account(home) ?? graph.instances.map((i) => (i.mode === 'data' && i.type === 'aws_caller_identity' && i.providerKey === undefined ? stringOf(i.after.account_id) : undefined)).find(Boolean);
  if (pinned) return pinned;
  const fromArns = new Set(managed.flatMap((i) => (typeof i.after.arn === 'string' ? [/^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(i.after.arn)?.[1]] : [])).filter((a): a is string => Boolean(a)));
  if (fromArns.size === 1) return [...fromArns][0];
  if (fromArns.size > 1) warn(`The plan's resources name several accounts in their ARNs (${[...fromArns].join(', ')}); the account is taken from --account-id or left unknown.`);
  if (options.accountId) return options.accountId;
  warn(`The plan does not say which account it deploys to (no data.aws_caller_identity, allowed_account_ids or known ARN): ARNs it builds use ${PLACEHOLDER_ACCOUNT}; pass --account-id to name it.`);
  return undefined;
}

export async function readTerraformPlan(planFile: string, options: TerraformPlanOptions = {}): Promise<IacModel> {
  const file = resolve(planFile);
  const plan = await readPlanFile(file);
  const graph = new PlanGraph(plan, file);
  const model = emptyModel('terraform', [file]);
  const warnings = new Set<string>(graph.warnings);
  const warn = (message: string) => warnings.add(message);
  // `errored`: "the plan command failed but it still wrote a plan file" (hashicorp/terraform#33368):
  // what it lists may lack resources, and a missing resource must not read as "not configured".
  if (plan.errored) throw new InputError(`${file}: the plan is marked errored (terraform plan failed); fix the plan and run terraform show -json again`);
  if (plan.complete === false) warn(`${file}: the plan is incomplete (complete: false, changes deferred to a later plan); deferred resources are not judged.`);

  const providers = new Providers(graph);
  const aws = graph.instances.filter((i) => i.type.startsWith('aws_'));
  const connect = aws.find((i) => i.mode === 'managed' && i.type === 'aws_connect_instance');
  const home = connect?.providerKey ?? aws.find((i) => i.mode === 'managed')?.providerKey;
  const foreign = (instance: Instance) => !providers.sameAccount(home, instance.providerKey);
  const managed = aws.filter((i) => i.mode === 'managed' && MAPPED_TYPES.has(i.type) && !foreign(i));
  const others = aws.filter((i) => i.mode === 'managed' && MAPPED_TYPES.has(i.type) && foreign(i));
  if (others.length) {
    warn(`Resources under a provider configuration that may deploy to another account are not judged as this plan's (references to them are treated as not managed by this plan): ${listed(others.map((i) => i.address))}`);
  }

  let regionWarned = false;
  const regionOf = (instance: Instance): string => {
    const own = stringOf(instance.after.region);
    if (own) return own;
    const configured = providers.region(instance.providerKey ?? home) ?? options.region;
    if (configured) return configured;
    if (!regionWarned) warn(`No provider configuration names a region and --region was not given: resources are taken to be in ${FALLBACK_REGION}.`);
    regionWarned = true;
    return FALLBACK_REGION;
  };

  model.accountId = accountOf(graph, providers, home, managed, options, warn);
  const homeRegion = connect ? regionOf(connect) : managed[0] ? regionOf(managed[0]) : (providers.region(home) ?? options.region ?? FALLBACK_REGION);
  model.partition = managed.map((i) => (typeof i.after.arn === 'string' ? arnPartition(i.after.arn) : undefined)).find(Boolean) ?? partitionOfRegion(homeRegion);

  const terraformDir = options.terraformDir ? resolve(options.terraformDir) : planDirectory(file);
  const placed = new Map<Instance, SourceRef>();
  try {
    const { locations, warnings: locationWarnings } = await Locations.load(terraformDir, graph.moduleKeys(), (key) => graph.moduleSource(key));
    locationWarnings.forEach(warn);
    for (const instance of managed) {
      const block = await locations.find(instance.moduleKey, instance.configAddress);
      if (block) placed.set(instance, { file: block.file, line: block.line, address: instance.address, attributes: block.attributes });
    }
  } catch (error) {
    // Locations only place findings: without them the plan is still judged.
    warn(`The .tf files under ${terraformDir} could not be parsed for locations (${(error as Error).message.split('\n')[0]}).`);
  }
  const unplaced = managed.filter((i) => !placed.has(i));
  if (unplaced.length) warn(`No .tf block under ${terraformDir} was found for: ${listed(unplaced.map((i) => i.address))}`);

  const base = { graph, partition: model.partition, account: model.accountId ?? PLACEHOLDER_ACCOUNT, regionOf, foreign };
  const ctx: Context = { ...base, locate: (instance) => placed.get(instance), warn };
  const ids = new Identifiers(base);
  mapResources(managed, ctx, ids, model);
  model.warnings.push(...warnings);
  return model;
}
