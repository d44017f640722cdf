/**
 * The plan as a graph: every resource instance (modules flattened) with its planned values, what is
 * unknown until apply, its configuration block, and the references that configuration makes, resolved
 * through module input variables, module outputs and count/for_each keys.
 *
 * Reference strings are as hashicorp/terraform internal/command/jsonconfig/expression.go emits them:
 * the full traversal first, then each shorter prefix, then the subject (`aws_s3_bucket.rec.id`,
 * `aws_s3_bucket.rec`; for an indexed instance also the resource without its key). A dynamic index
 * (`aws_s3_bucket.rec[each.key].id`) gives `aws_s3_bucket.rec` and `each.key`. The json-format page:
 * "Callers should only use string equality checks here".
 */
import type { Lifecycle } from '../model.js';
import type { ConfigModule, ConfigResource, Expression, IndexKey, ModuleCall, Plan, ProviderConfig, ValuesModule } from './plan.js';

export type Path = ReadonlyArray<string | number>;

export interface Instance {
  /** Absolute address: `module.rec["a"].aws_s3_bucket.this[0]`. */
  address: string;
  mode: 'managed' | 'data';
  type: string;
  index: IndexKey | undefined;
  /** Module instance address (`module.rec["a"]`, '' for the root). */
  moduleAddress: string;
  /** Module call path without keys (`rec.inner`, '' for the root): the key of modules.json. */
  moduleKey: string;
  /** Module-relative configuration address: `aws_s3_bucket.this`, `data.aws_kms_key.k`. */
  configAddress: string;
  lifecycle: Lifecycle;
  /** Known planned values (unknown ones are absent, as in the plan). */
  after: Record<string, unknown>;
  /** `change.after_unknown`; undefined when the plan gave no change for it (then unknown and unset look alike). */
  afterUnknown: unknown;
  config: ConfigResource | undefined;
  /** The provider configuration key (configuration.provider_config), normalised to a key that exists when possible. */
  providerKey: string | undefined;
}

/** Each target found, with the references (of the expression that named it) it was found by. */
type Targets = Map<Instance, readonly string[]>;

export interface Resolution {
  target?: Instance;
  /** The references naming the target where it is named (in its own module): `aws_kms_alias.x.arn`. */
  references?: readonly string[];
  /** Why no single target was found (several candidates, a data source read at apply, …). */
  reason?: string;
}

interface Scope {
  moduleAddress: string;
  moduleKey: string;
  /** The repetition key of the object whose expression is read (its own index or its module instance's key). */
  key: IndexKey | undefined;
  /** All keys its count/for_each produced: the "same keys" test for picking a target instance by key. */
  keys: ReadonlySet<string> | undefined;
  forEach: Expression | undefined;
  /** Following `for_each = aws_x.y` for `each.value`: the instance of aws_x.y with this object's key. */
  sameKey?: boolean;
}

const MODULE_STEP = /module\.([A-Za-z0-9_-]+)(?:\[(\d+|"(?:[^"\\]|\\.)*")\])?/gy;
const RESOURCE_REF = /^(data\.)?([A-Za-z][A-Za-z0-9_-]*_[A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[(\d+|"(?:[^"\\]|\\.)*")\])?(?:\.|$)/;
const MODULE_REF = /^module\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[(\d+|"(?:[^"\\]|\\.)*")\])?(?:\.([A-Za-z_][A-Za-z0-9_-]*))?/;
const NOT_RESOURCES = new Set(['var', 'local', 'module', 'each', 'count', 'path', 'terraform', 'self', 'data']);

const keyText = (key: IndexKey | undefined) => (key === undefined ? '' : typeof key === 'number' ? `n${key}` : `s${key}`);
const parseKey = (raw: string | undefined): IndexKey | undefined => (raw === undefined ? undefined : raw.startsWith('"') ? (JSON.parse(raw) as string) : Number(raw));

/** The module instances of a module address, outermost first, each with its own address (a prefix of the given one). */
function moduleSteps(moduleAddress: string): Array<{ name: string; key: IndexKey | undefined; address: string }> {
  const steps: Array<{ name: string; key: IndexKey | undefined; address: string }> = [];
  let at = 0;
  while (at < moduleAddress.length) {
    MODULE_STEP.lastIndex = at;
    const match = MODULE_STEP.exec(moduleAddress);
    if (!match?.[1]) break;
    steps.push({ name: match[1], key: parseKey(match[2]), address: moduleAddress.slice(0, MODULE_STEP.lastIndex) });
    at = MODULE_STEP.lastIndex + (moduleAddress[MODULE_STEP.lastIndex] === '.' ? 1 : 0);
  }
  return steps;
}

function lifecycleOf(actions: readonly string[]): Lifecycle | undefined {
  if (actions.includes('create')) return 'create';
  if (actions.includes('delete') || actions.includes('forget')) return undefined;
  return 'update';
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at a path of planned values or of after_unknown. */
function at(value: unknown, path: Path): unknown {
  let node = value;
  for (const step of path) {
    if (node === true) return true; // a wholly unknown object or list: everything under it is unknown
    if (typeof step === 'number') node = Array.isArray(node) ? node[step] : undefined;
    else node = isRecord(node) ? node[step] : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/**
 * An expression object of a block's `expressions` (not validated by the plan schema, which leaves
 * block contents open): only its string references are kept, so a malformed one is no reference.
 */
export function asExpression(node: unknown): Expression | undefined {
  if (!isRecord(node) || !('references' in node || 'constant_value' in node)) return undefined;
  const references = Array.isArray(node.references) ? node.references.filter((r): r is string => typeof r === 'string') : undefined;
  return { constant_value: node.constant_value, ...(references ? { references } : {}) };
}

function containsTrue(node: unknown): boolean {
  if (node === true) return true;
  if (Array.isArray(node)) return node.some(containsTrue);
  if (isRecord(node)) return Object.values(node).some(containsTrue);
  return false;
}

export class PlanGraph {
  readonly instances: Instance[] = [];
  readonly warnings: string[] = [];
  private readonly byConfig = new Map<string, Instance[]>();
  private readonly configModules = new Map<string, ConfigModule>();
  private readonly calls = new Map<string, ModuleCall>();
  private readonly moduleInstances = new Map<string, Set<string>>();
  /** Addresses already added: planned_values and prior_state only add what the changes did not list. */
  private readonly seen = new Set<string>();
  readonly providerConfigs: Record<string, ProviderConfig>;
  readonly variables: Record<string, unknown> = {};

  constructor(
    readonly plan: Plan,
    /** The plan file, for messages. */
    readonly file = '',
  ) {
    this.providerConfigs = plan.configuration?.provider_config ?? {};
    for (const [name, variable] of Object.entries(plan.variables ?? {})) this.variables[name] = variable.value;
    this.indexConfiguration(plan.configuration?.root_module, '');
    this.addChanges();
    this.addValues(plan.planned_values?.root_module, false);
    this.addValues(plan.prior_state?.values?.root_module, true);
  }

  private indexConfiguration(module: ConfigModule | undefined, moduleKey: string): void {
    if (!module) return;
    this.configModules.set(moduleKey, module);
    for (const resource of module.resources ?? []) this.configByAddress.set(`${moduleKey}|${resource.address}`, resource);
    for (const [name, call] of Object.entries(module.module_calls ?? {})) {
      const childKey = moduleKey ? `${moduleKey}.${name}` : name;
      this.calls.set(childKey, call);
      this.indexConfiguration(call.module, childKey);
    }
  }

  private readonly configByAddress = new Map<string, ConfigResource>();

  private configResource(moduleKey: string, configAddress: string): ConfigResource | undefined {
    return this.configByAddress.get(`${moduleKey}|${configAddress}`);
  }

  /** Module call source of a module key (`rec.inner`), as written in its caller. */
  moduleSource(moduleKey: string): string | undefined {
    return this.calls.get(moduleKey)?.source;
  }
  moduleKeys(): string[] {
    return [...this.configModules.keys()];
  }

  private add(entry: { address: string; mode: string; type: string; name: string; index?: IndexKey | undefined; module_address?: string | undefined }, moduleAddress: string, lifecycle: Lifecycle, after: unknown, afterUnknown: unknown): void {
    const steps = moduleSteps(moduleAddress);
    const moduleKey = steps.map((s) => s.name).join('.');
    const mode = entry.mode === 'data' ? 'data' : 'managed';
    const configAddress = `${mode === 'data' ? 'data.' : ''}${entry.type}.${entry.name}`;
    const config = this.configResource(moduleKey, configAddress);
    const instance: Instance = {
      address: entry.address,
      mode,
      type: entry.type,
      index: entry.index,
      moduleAddress,
      moduleKey,
      configAddress,
      lifecycle,
      after: isRecord(after) ? after : {},
      afterUnknown,
      config,
      providerKey: this.normaliseProviderKey(config?.provider_config_key, moduleKey),
    };
    this.instances.push(instance);
    const key = `${moduleAddress}|${configAddress}`;
    const list = this.byConfig.get(key);
    if (list) list.push(instance);
    else this.byConfig.set(key, [instance]);
    let parent = '';
    for (const step of steps) {
      const set = this.moduleInstances.get(`${parent}|${step.name}`) ?? new Set<string>();
      set.add(step.address);
      this.moduleInstances.set(`${parent}|${step.name}`, set);
      parent = step.address;
    }
  }

  private addChanges(): void {
    for (const change of this.plan.resource_changes ?? []) {
      if (change.deposed !== undefined) continue;
      this.seen.add(change.address);
      const lifecycle = lifecycleOf(change.change.actions);
      // ["delete"] (and ["forget"]): not judged. Replace (["delete","create"], ["create","delete"]) is a create.
      if (!lifecycle) continue;
      this.add(change, change.module_address ?? '', lifecycle, change.change.after, change.change.after_unknown ?? {});
    }
  }

  /** planned_values / prior_state resources the changes did not list (data sources read at plan, mostly). */
  private addValues(module: ValuesModule | undefined, dataOnly: boolean): void {
    if (!module) return;
    for (const resource of module.resources ?? []) {
      if (this.seen.has(resource.address)) continue;
      if (dataOnly && resource.mode !== 'data') continue;
      this.seen.add(resource.address);
      const moduleAddress = resource.address.slice(0, Math.max(0, resource.address.lastIndexOf(`${resource.mode === 'data' ? 'data.' : ''}${resource.type}.${resource.name}`) - 1));
      this.add(resource, moduleAddress, 'update', resource.values, resource.mode === 'data' ? {} : undefined);
      if (resource.mode !== 'data') this.warnings.push(`${resource.address}: in planned_values without a resource change; values it leaves out are treated as unknown.`);
    }
    for (const child of module.child_modules ?? []) this.addValues(child, dataOnly);
  }

  private normaliseProviderKey(key: string | undefined, moduleKey: string): string | undefined {
    if (key === undefined) return undefined;
    if (this.providerConfigs[key]) return key;
    // A resource of a module using a provider configured in its caller: the key names the module's own
    // (absent) entry; walk up to the configuration it inherits.
    const colon = key.lastIndexOf(':');
    const local = colon >= 0 ? key.slice(colon + 1) : key;
    const parts = moduleKey ? moduleKey.split('.') : [];
    for (let depth = parts.length - 1; depth >= 0; depth -= 1) {
      const candidate = `${parts.slice(0, depth).map((p) => `module.${p}`).join('.')}${depth > 0 ? ':' : ''}${local}`;
      if (this.providerConfigs[candidate]) return candidate;
    }
    return this.providerConfigs[local] ? local : key;
  }

  // ---- values --------------------------------------------------------------------------------

  known(instance: Instance, path: Path): unknown {
    return at(instance.after, path);
  }
  /**
   * Whether the value at path is unknown until apply: any part of it, or (`whole`, for a list of
   * nested blocks whose items are read one by one) the value itself.
   */
  unknown(instance: Instance, path: Path, whole = false): boolean {
    if (instance.afterUnknown === undefined) return at(instance.after, path) === undefined;
    const node = at(instance.afterUnknown, path);
    return whole ? node === true : containsTrue(node);
  }
  /** The configuration expression at a path (`['storage_config', 0, 's3_config', 0, 'bucket_name']`). */
  expression(instance: Instance, path: Path): Expression | undefined {
    const node = at(instance.config?.expressions, path);
    return asExpression(node);
  }
  /** Whether the configuration writes the argument or block at all (otherwise AWS's default applies). */
  isSet(instance: Instance, path: Path): boolean {
    if (!instance.config) return at(instance.after, path) !== undefined;
    return at(instance.config.expressions, path) !== undefined;
  }

  instancesOf(moduleAddress: string, configAddress: string): Instance[] {
    return this.byConfig.get(`${moduleAddress}|${configAddress}`) ?? [];
  }

  // ---- references ----------------------------------------------------------------------------

  /**
   * The one managed resource (of the accepted types) an expression of `instance` refers to, through
   * module variables and outputs; `reason` says why there is none when several or none could be meant.
   */
  resolve(instance: Instance, path: Path, accept: ReadonlySet<string>): Resolution {
    const expression = this.expression(instance, path);
    if (!expression?.references?.length) return {};
    const scope: Scope = {
      moduleAddress: instance.moduleAddress,
      moduleKey: instance.moduleKey,
      key: instance.index,
      keys: this.keysOf(instance.moduleAddress, instance.configAddress),
      forEach: instance.config?.for_each_expression,
    };
    const reasons: string[] = [];
    const targets: Targets = new Map();
    this.follow(expression.references, scope, accept, targets, reasons, 0);
    const [first, ...others] = [...targets];
    if (first && others.length === 0) return { target: first[0], references: first[1] };
    if (first) return { reason: `refers to several resources (${[...targets.keys()].map((t) => t.address).join(', ')})` };
    return reasons.length ? { reason: reasons.join('; ') } : {};
  }

  private keySet(keys: Array<IndexKey | undefined>): ReadonlySet<string> | undefined {
    return keys.some((k) => k !== undefined) ? new Set(keys.map(keyText)) : undefined;
  }

  private readonly keySets = new Map<string, ReadonlySet<string> | undefined>();
  /** The count/for_each keys of a resource's instances (memoised: read once per reference otherwise). */
  private keysOf(moduleAddress: string, configAddress: string): ReadonlySet<string> | undefined {
    const id = `${moduleAddress}|${configAddress}`;
    if (!this.keySets.has(id)) this.keySets.set(id, this.keySet(this.instancesOf(moduleAddress, configAddress).map((i) => i.index)));
    return this.keySets.get(id);
  }

  private follow(references: readonly string[], scope: Scope, accept: ReadonlySet<string>, targets: Targets, reasons: string[], depth: number): void {
    if (depth > 32) {
      reasons.push('references nest too deeply to follow');
      return;
    }
    const usesKey = references.some((r) => r === 'each.key' || r === 'count.index' || r.startsWith('each.value'));
    const seen = new Set<string>();
    for (const reference of references) {
      const resource = RESOURCE_REF.exec(reference);
      if (resource?.[2] && resource[3] && !NOT_RESOURCES.has(resource[2])) {
        const configAddress = `${resource[1] ?? ''}${resource[2]}.${resource[3]}`;
        if (seen.has(configAddress)) continue;
        // Prefer the keyed form (`aws_s3_bucket.rec[0]`), which comes before the bare one.
        seen.add(configAddress);
        if (resource[1]) {
          if (accept.has(`data.${resource[2]}`) || accept.has(resource[2])) reasons.push(`${scopePrefix(scope)}${configAddress} is a data source read during apply`);
          continue;
        }
        if (!accept.has(resource[2])) continue;
        this.pick(references, scope.moduleAddress, configAddress, `${scopePrefix(scope)}${configAddress}`, parseKey(resource[4]), usesKey, scope, targets, reasons);
        continue;
      }
      if (reference.startsWith('var.')) {
        const name = /^var\.([A-Za-z0-9_-]+)/.exec(reference)?.[1];
        if (!name || seen.has(reference.split(/[.[]/, 2).join('.'))) continue;
        seen.add(`var.${name}`);
        this.followVariable(name, scope, accept, targets, reasons, depth);
        continue;
      }
      if (reference === 'each.value' && scope.forEach?.references && scope.key !== undefined) {
        // for_each = aws_x.y: each.value is the instance of aws_x.y with the same key.
        this.follow(scope.forEach.references, { ...scope, forEach: undefined, keys: undefined, sameKey: true }, accept, targets, reasons, depth + 1);
        continue;
      }
      const module = MODULE_REF.exec(reference);
      if (module?.[1] && module[3]) {
        const id = `module.${module[1]}`;
        if (seen.has(id)) continue;
        seen.add(id);
        this.followOutput(module[1], parseKey(module[2]), module[3], usesKey, scope, accept, targets, reasons, depth);
      }
    }
  }

  private readonly byKey = new Map<string, Map<string, Instance>>();
  private instanceByKey(moduleAddress: string, configAddress: string, key: IndexKey | undefined): Instance | undefined {
    const id = `${moduleAddress}|${configAddress}`;
    let index = this.byKey.get(id);
    if (!index) {
      index = new Map(this.instancesOf(moduleAddress, configAddress).map((i) => [keyText(i.index), i]));
      this.byKey.set(id, index);
    }
    return index.get(keyText(key));
  }

  private pick(references: readonly string[], moduleAddress: string, configAddress: string, what: string, key: IndexKey | undefined, usesKey: boolean, scope: Scope, targets: Targets, reasons: string[]): void {
    const candidates = this.instancesOf(moduleAddress, configAddress);
    if (key !== undefined) {
      const match = this.instanceByKey(moduleAddress, configAddress, key);
      if (match) targets.set(match, references);
      else reasons.push(`${what}[${JSON.stringify(key)}] has no planned instance`);
      return;
    }
    if (scope.sameKey && scope.key !== undefined) {
      const match = this.instanceByKey(moduleAddress, configAddress, scope.key);
      if (match) targets.set(match, references);
      else reasons.push(`${what}[${JSON.stringify(scope.key)}] has no planned instance`);
      return;
    }
    if (candidates.length === 1 && (candidates[0] as Instance).index === undefined) {
      targets.set(candidates[0] as Instance, references);
      return;
    }
    if (candidates.length === 0) {
      reasons.push(`${what} has no planned instance (being destroyed, or count 0)`);
      return;
    }
    const sameKeys = scope.keys !== undefined && sameSet(scope.keys, this.keysOf(moduleAddress, configAddress));
    if (usesKey && scope.key !== undefined && sameKeys) {
      const match = this.instanceByKey(moduleAddress, configAddress, scope.key);
      if (match) {
        targets.set(match, references);
        return;
      }
    }
    if (candidates.length === 1) {
      targets.set(candidates[0] as Instance, references);
      return;
    }
    reasons.push(`${what} has ${candidates.length} instances and ${usesKey ? "the referencing resource's count/for_each keys are not theirs" : 'the reference does not say which'}`);
  }

  private followVariable(name: string, scope: Scope, accept: ReadonlySet<string>, targets: Targets, reasons: string[], depth: number): void {
    if (!scope.moduleKey) return; // a root variable is a value given to the plan, not a reference
    const steps = moduleSteps(scope.moduleAddress);
    const last = steps[steps.length - 1];
    const call = this.calls.get(scope.moduleKey);
    const expression = asExpression(call?.expressions?.[name]);
    if (!last || !expression?.references?.length) return;
    const parentAddress = steps[steps.length - 2]?.address ?? '';
    const parentKey = scope.moduleKey.split('.').slice(0, -1).join('.');
    const siblings = [...(this.moduleInstances.get(`${parentAddress}|${last.name}`) ?? [])].map((address) => moduleSteps(address).pop()?.key);
    this.follow(expression.references, { moduleAddress: parentAddress, moduleKey: parentKey, key: last.key, keys: this.keySet(siblings), forEach: call?.for_each_expression }, accept, targets, reasons, depth + 1);
  }

  private followOutput(call: string, key: IndexKey | undefined, output: string, usesKey: boolean, scope: Scope, accept: ReadonlySet<string>, targets: Targets, reasons: string[], depth: number): void {
    const childModuleKey = scope.moduleKey ? `${scope.moduleKey}.${call}` : call;
    const expression = this.configModules.get(childModuleKey)?.outputs?.[output]?.expression;
    if (!expression?.references?.length) return;
    const instances = [...(this.moduleInstances.get(`${scope.moduleAddress}|${call}`) ?? [])];
    const keyed = instances.map((address) => ({ address, key: moduleSteps(address).pop()?.key }));
    let chosen = key !== undefined ? keyed.filter((i) => i.key === key) : keyed;
    if (chosen.length > 1 && usesKey && scope.key !== undefined && scope.keys && keyed.length === scope.keys.size && keyed.every((i) => scope.keys?.has(keyText(i.key)))) {
      chosen = keyed.filter((i) => i.key === scope.key);
    }
    const what = `${scopePrefix(scope)}module.${call}`;
    if (chosen.length !== 1) {
      reasons.push(chosen.length === 0 ? `${what} has no planned resources` : `${what} has ${chosen.length} instances and the reference does not say which`);
      return;
    }
    const child = chosen[0] as { address: string; key: IndexKey | undefined };
    this.follow(expression.references, { moduleAddress: child.address, moduleKey: childModuleKey, key: undefined, keys: undefined, forEach: undefined }, accept, targets, reasons, depth + 1);
  }
}

const scopePrefix = (scope: Scope) => (scope.moduleAddress ? `${scope.moduleAddress}.` : '');

/** Whether two key sets are the same; the memoised sets of one resource compare by identity first. */
const sameSetCache = new WeakMap<ReadonlySet<string>, WeakMap<ReadonlySet<string>, boolean>>();
function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string> | undefined): boolean {
  if (!b) return false;
  if (a === b) return true;
  let cached = sameSetCache.get(a)?.get(b);
  if (cached === undefined) {
    cached = a.size === b.size && [...a].every((k) => b.has(k));
    const inner = sameSetCache.get(a) ?? new WeakMap<ReadonlySet<string>, boolean>();
    inner.set(b, cached);
    sameSetCache.set(a, inner);
  }
  return cached;
}
