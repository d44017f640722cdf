/**
 * The values a template's intrinsic functions take before the stack is created, as far as the
 * template, its parameters and the run's account and region decide them
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html).
 * What only the deploy decides (an SSM parameter's value, the stack name, a generated id) is an
 * `Unknown` saying why; identifiers CloudFormation generates for resources of this stack are the
 * model's placeholders (identities.ts), so references still link.
 */
import { InputError } from '../../../errors.js';
import { Unknown, isUnknown } from '../model.js';
import { setOwn } from './json.js';
import type { ParameterValues } from './parameters.js';
import type { Template } from './template.js';

/** `AWS::NoValue`: the property (or list element) is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export type Resolved = string | number | boolean | null | Unknown | typeof NO_VALUE | Resolved[] | { [key: string]: Resolved };

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: string | string[];
}

/** What a resource of this stack returns to `Ref` and `Fn::GetAtt` (identities.ts). */
export interface Identity {
  ref(): Resolved;
  attribute(name: string): Resolved;
}

export interface StackContext {
  partition: string;
  region: string;
  accountId: string;
  parameters: ParameterValues;
  /** `Fn::ImportValue`: an export of another template given in the same run, else Unknown. */
  importValue(name: string): Resolved;
  identity(stack: Stack, logicalId: string, resource: Resource): Identity;
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value) && !isUnknown(value);

/** Any Unknown inside a value: the first one, to name it. */
export function firstUnknown(value: Resolved): Unknown | undefined {
  if (isUnknown(value)) return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstUnknown(item);
      if (found) return found;
    }
    return undefined;
  }
  if (isRecord(value)) {
    for (const item of Object.values(value as Record<string, Resolved>)) {
      const found = firstUnknown(item);
      if (found) return found;
    }
  }
  return undefined;
}

const PSEUDO = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);

/** `${Name}` / `${Res.Attr}` in a Fn::Sub string; `${!Literal}` is written `${Literal}`. */
const SUB_VARIABLE = /\$\{([^}]*)\}/g;

function subVariables(text: string): string[] {
  return [...text.matchAll(SUB_VARIABLE)].map((m) => m[1] ?? '').filter((name) => !name.startsWith('!'));
}

export function urlSuffixOf(partition: string): string {
  return partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

function asText(value: Resolved): string | Unknown {
  if (isUnknown(value)) return value;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return new Unknown(`a ${Array.isArray(value) ? 'list' : 'map'} where a string belongs`);
}

function asList(value: Resolved): Resolved[] | Unknown {
  if (isUnknown(value)) return value;
  if (Array.isArray(value)) return value;
  return new Unknown('a string where a list belongs');
}

export class Stack {
  readonly resources: Record<string, Resource>;
  /** Logical ids, each after the resources it refers to. */
  private readonly order: string[];
  private readonly conditionValues = new Map<string, boolean | Unknown>();
  private readonly evaluating: string[] = [];
  private readonly identityCache = new Map<string, Identity>();

  constructor(
    readonly template: Template,
    readonly context: StackContext,
  ) {
    this.resources = {};
    for (const [id, resource] of Object.entries(template.body.Resources)) {
      // AWS::LanguageExtensions loops expand at deploy: the Transform warning covers them.
      if (id.startsWith('Fn::ForEach::')) continue;
      if (!isRecord(resource) || typeof resource['Type'] !== 'string') {
        throw new InputError(`${template.file}: resource ${id} has no Type`);
      }
      this.resources[id] = resource as unknown as Resource;
    }
    this.order = checkReferences(this);
  }

  /**
   * Every resource's Ref and GetAtt values, dependencies first: each then finds what it refers to
   * already known, so a long chain of references never nests deeper than one step.
   */
  identities(): void {
    for (const logicalId of this.order) this.identity(logicalId);
  }

  get file(): string {
    return this.template.file;
  }

  parameter(name: string): Resolved {
    const declared = this.template.body.Parameters?.[name];
    if (!isRecord(declared)) return new Unknown(`parameter ${name} is not declared`);
    const type = typeof declared['Type'] === 'string' ? declared['Type'] : 'String';
    const given = this.context.parameters.get(name);
    const value = given ?? (declared['Default'] === undefined ? undefined : asText(declared['Default'] as Resolved));
    if (value === undefined) return new Unknown(`parameter ${name} has no value: no Default, and none in --parameters`);
    if (isUnknown(value)) return value;
    if (type.startsWith('AWS::SSM::Parameter::Value<')) return new Unknown(`parameter ${name} is read from SSM parameter ${value} at deploy`);
    if (type.startsWith('List<') || type === 'CommaDelimitedList') return value.split(',').map((item) => (type === 'CommaDelimitedList' ? item : item.trim()));
    return value;
  }

  pseudo(name: string): Resolved {
    const { partition, region, accountId } = this.context;
    switch (name) {
      case 'AWS::AccountId':
        return accountId;
      case 'AWS::Region':
        return region;
      case 'AWS::Partition':
        return partition;
      case 'AWS::URLSuffix':
        return urlSuffixOf(partition);
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return new Unknown('AWS::NotificationARNs is chosen at deploy');
      default:
        // AWS::StackName, AWS::StackId: chosen at deploy, not written in the template.
        return new Unknown(`${name} is chosen at deploy`);
    }
  }

  identity(logicalId: string): Identity {
    let identity = this.identityCache.get(logicalId);
    if (!identity) {
      const resource = this.resources[logicalId];
      if (!resource) throw new InputError(`${this.file}: no resource ${logicalId}`);
      identity = this.context.identity(this, logicalId, resource);
      this.identityCache.set(logicalId, identity);
    }
    return identity;
  }

  /** Whether the resource is created: its Condition, when it has one. */
  created(logicalId: string): boolean | Unknown {
    const condition = this.resources[logicalId]?.Condition;
    return condition === undefined ? true : this.condition(condition);
  }

  ref(name: string): Resolved {
    if (PSEUDO.has(name)) return this.pseudo(name);
    if (this.template.body.Parameters && name in this.template.body.Parameters) return this.parameter(name);
    if (name in this.resources) return this.ofCreated(name, () => this.identity(name).ref());
    return new Unknown(`${name} is neither a parameter nor a resource`);
  }

  getAtt(logicalId: string, attribute: string): Resolved {
    if (!(logicalId in this.resources)) return new Unknown(`${logicalId} is not a resource`);
    return this.ofCreated(logicalId, () => this.identity(logicalId).attribute(attribute));
  }

  private ofCreated(logicalId: string, value: () => Resolved): Resolved {
    const created = this.created(logicalId);
    if (created === false) return new Unknown(`${logicalId} is not created (its condition ${this.resources[logicalId]?.Condition} is false)`);
    return value();
  }

  condition(name: string): boolean | Unknown {
    const cached = this.conditionValues.get(name);
    if (cached !== undefined) return cached;
    const definition = this.template.body.Conditions?.[name];
    if (definition === undefined) throw new InputError(`${this.file}: condition ${name} is not declared in Conditions`);
    if (this.evaluating.includes(name)) {
      throw new InputError(`${this.file}: circular reference: ${[...this.evaluating.slice(this.evaluating.indexOf(name)), name].join(' → ')}`);
    }
    this.evaluating.push(name);
    try {
      const value = this.booleanOf(definition, name);
      this.conditionValues.set(name, value);
      return value;
    } finally {
      this.evaluating.pop();
    }
  }

  private booleanOf(node: unknown, name: string): boolean | Unknown {
    if (isRecord(node) && Object.keys(node).length === 1 && typeof node['Condition'] === 'string') return this.condition(node['Condition']);
    const value = this.resolve(node);
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    if (isUnknown(value)) return new Unknown(`condition ${name} cannot be known before deploy: ${value.detail}`);
    return new Unknown(`condition ${name} is not a boolean`);
  }

  private conditionOperands(args: unknown, fn: string): Array<boolean | Unknown> {
    if (!Array.isArray(args)) throw new InputError(`${this.file}: ${fn} takes a list of conditions`);
    return args.map((arg) => this.booleanOf(arg, fn));
  }

  /** A template value with its intrinsic functions evaluated. */
  resolve(node: unknown): Resolved {
    if (node === null || node === undefined) return null;
    if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return node;
    if (Array.isArray(node)) {
      const out: Resolved[] = [];
      for (const item of node) {
        const value = this.resolve(item);
        if (value !== NO_VALUE) out.push(value);
      }
      return out;
    }
    if (!isRecord(node)) return null;
    const keys = Object.keys(node);
    const only = keys.length === 1 ? keys[0] : undefined;
    if (only === 'Ref' || only?.startsWith('Fn::')) return this.call(only, node[only]);
    const out: Record<string, Resolved> = {};
    for (const key of keys) {
      const value = this.resolve(node[key]);
      if (value !== NO_VALUE) setOwn(out, key, value);
    }
    return out;
  }

  private call(fn: string, args: unknown): Resolved {
    switch (fn) {
      case 'Ref': {
        const name = this.resolve(args);
        return typeof name === 'string' ? this.ref(name) : isUnknown(name) ? name : new Unknown('Ref of a non-string');
      }
      case 'Fn::GetAtt': {
        const parts = typeof args === 'string' ? args.split(/\.(.*)/s).slice(0, 2) : Array.isArray(args) ? args.map((a) => this.resolve(a)) : [];
        const [logicalId, attribute] = parts;
        if (typeof logicalId !== 'string' || typeof attribute !== 'string') return isUnknown(attribute) ? attribute : new Unknown('Fn::GetAtt without a resource and attribute');
        return this.getAtt(logicalId, attribute);
      }
      case 'Fn::Sub':
        return this.sub(args);
      case 'Fn::Join':
        return this.withTwo(args, 'Fn::Join takes [delimiter, list]', asText, asList, (delimiter, list) => {
          const texts = list.map(asText);
          return texts.find(isUnknown) ?? texts.join(delimiter);
        });
      case 'Fn::Select':
        return this.withTwo(args, 'Fn::Select takes [index, list]', asText, asList, (index, list) => list[Number(index)] ?? new Unknown(`Fn::Select index ${index} is outside the list`));
      case 'Fn::Split':
        return this.withTwo(args, 'Fn::Split takes [delimiter, string]', asText, asText, (delimiter, text) => text.split(delimiter));
      case 'Fn::If': {
        if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== 'string') return new Unknown('Fn::If takes [condition, value if true, value if false]');
        const condition = this.condition(args[0]);
        if (!isUnknown(condition)) return this.resolve(condition ? args[1] : args[2]);
        // Either branch may be taken: a value only when both give the same one.
        const whenTrue = this.resolve(args[1]);
        const whenFalse = this.resolve(args[2]);
        return !firstUnknown(whenTrue) && JSON.stringify(whenTrue) === JSON.stringify(whenFalse) && whenTrue !== NO_VALUE ? whenTrue : condition;
      }
      case 'Fn::Equals': {
        if (!Array.isArray(args) || args.length !== 2) return new Unknown('Fn::Equals takes two values');
        const [a, b] = args.map((arg) => this.resolve(arg));
        const unknown = firstUnknown([a ?? null, b ?? null]);
        if (unknown) return unknown;
        return JSON.stringify(normalise(a ?? null)) === JSON.stringify(normalise(b ?? null));
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const operands = this.conditionOperands(args, fn);
        const decisive = fn === 'Fn::And' ? false : true;
        if (operands.includes(decisive)) return decisive;
        return operands.find(isUnknown) ?? !decisive;
      }
      case 'Fn::Not': {
        const [operand] = this.conditionOperands(args, fn);
        return operand === undefined ? new Unknown('Fn::Not takes one condition') : isUnknown(operand) ? operand : !operand;
      }
      case 'Fn::FindInMap':
        return this.findInMap(args);
      case 'Fn::Base64': {
        const text = asText(this.resolve(args));
        return isUnknown(text) ? text : Buffer.from(text, 'utf8').toString('base64');
      }
      case 'Fn::ImportValue': {
        const name = asText(this.resolve(args));
        return isUnknown(name) ? name : this.context.importValue(name);
      }
      case 'Fn::ToJsonString': {
        const value = this.resolve(args);
        return firstUnknown(value) ?? JSON.stringify(value);
      }
      case 'Fn::Length': {
        const list = asList(this.resolve(args));
        return isUnknown(list) ? list : list.length;
      }
      case 'Fn::GetAZs':
        return new Unknown('Fn::GetAZs: the Availability Zones are listed at deploy');
      case 'Fn::Cidr':
        return new Unknown('Fn::Cidr is not evaluated');
      case 'Fn::Transform':
        return new Unknown('Fn::Transform: a macro rewrites this value at deploy');
      default:
        return new Unknown(`${fn} is not evaluated`);
    }
  }

  /** A function of two arguments, each resolved and read as `first`/`second` expect; Unknown as soon as either is. */
  private withTwo<A, B>(args: unknown, usage: string, first: (v: Resolved) => A | Unknown, second: (v: Resolved) => B | Unknown, apply: (a: A, b: B) => Resolved): Resolved {
    if (!Array.isArray(args) || args.length !== 2) return new Unknown(usage);
    const a = first(this.resolve(args[0]));
    const b = second(this.resolve(args[1]));
    if (isUnknown(a)) return a;
    if (isUnknown(b)) return b;
    return apply(a, b);
  }

  private sub(args: unknown): Resolved {
    const [template, variables] = typeof args === 'string' ? [args, {}] : Array.isArray(args) ? [args[0], args[1] ?? {}] : [undefined, undefined];
    if (typeof template !== 'string' || !isRecord(variables)) return new Unknown('Fn::Sub takes a string or [string, {variables}]');
    const values = new Map<string, string | Unknown>();
    for (const [name, value] of Object.entries(variables)) values.set(name, asText(this.resolve(value)));
    let unknown: Unknown | undefined;
    const text = template.replace(SUB_VARIABLE, (_match, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      let value = values.get(name);
      if (value === undefined) {
        const dot = name.indexOf('.');
        value = asText(dot > 0 && !PSEUDO.has(name) ? this.getAtt(name.slice(0, dot), name.slice(dot + 1)) : this.ref(name));
      }
      if (isUnknown(value)) {
        unknown ??= value;
        return '';
      }
      return value;
    });
    return unknown ?? text;
  }

  private findInMap(args: unknown): Resolved {
    if (!Array.isArray(args) || args.length < 3) return new Unknown('Fn::FindInMap takes [map, top-level key, second-level key]');
    const keys = args.slice(0, 3).map((arg) => asText(this.resolve(arg)));
    const unknown = keys.find(isUnknown);
    const fallback = isRecord(args[3]) && 'DefaultValue' in args[3] ? args[3]['DefaultValue'] : undefined;
    if (unknown) return unknown;
    const [map, top, second] = keys as string[];
    const table = this.template.body.Mappings?.[map ?? ''];
    const row = isRecord(table) ? table[top ?? ''] : undefined;
    const value = isRecord(row) ? row[second ?? ''] : undefined;
    if (value !== undefined) return this.resolve(value);
    if (fallback !== undefined) return this.resolve(fallback);
    return new Unknown(`Fn::FindInMap: Mappings has no ${map}.${top}.${second}`);
  }
}

/** Fn::Equals compares what CloudFormation sees: numbers and booleans as the strings they are written as. */
function normalise(value: Resolved): Resolved {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(normalise);
  return value;
}

/**
 * The resources each resource depends on (Ref, Fn::GetAtt, Fn::Sub variables, DependsOn), and every
 * name a Ref or Fn::Sub uses declared: CloudFormation rejects a template with a circular dependency
 * or an unresolved reference before it creates anything. Returns the resources in dependency order.
 */
function checkReferences(stack: Stack): string[] {
  const { file, body } = stack.template;
  const parameters = body.Parameters ?? {};
  const resources = stack.resources;
  const declared = (name: string) => PSEUDO.has(name) || name in parameters || name in resources;
  const edges = new Map<string, Set<string>>();

  const walk = (node: unknown, owner: string, deps: Set<string>, local: ReadonlySet<string>): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, owner, deps, local);
      return;
    }
    if (!isRecord(node)) return;
    const keys = Object.keys(node);
    if (keys.length === 1) {
      const value = node[keys[0] as string];
      if (keys[0] === 'Ref' && typeof value === 'string') {
        if (!declared(value)) throw new InputError(`${file}: ${owner}: Ref to ${value}, which is neither a parameter nor a resource`);
        if (value in resources) deps.add(value);
        return;
      }
      if (keys[0] === 'Fn::GetAtt') {
        const target = typeof value === 'string' ? value.split('.')[0] : Array.isArray(value) ? value[0] : undefined;
        if (typeof target === 'string') {
          if (!(target in resources)) throw new InputError(`${file}: ${owner}: Fn::GetAtt of ${target}, which is not a resource`);
          deps.add(target);
        }
        walk(value, owner, deps, local);
        return;
      }
      if (keys[0] === 'Fn::Sub') {
        const [text, variables] = typeof value === 'string' ? [value, undefined] : Array.isArray(value) ? [value[0], value[1]] : [undefined, undefined];
        const names = new Set(isRecord(variables) ? Object.keys(variables) : []);
        if (isRecord(variables)) walk(variables, owner, deps, local);
        if (typeof text === 'string') {
          for (const variable of subVariables(text)) {
            if (names.has(variable) || local.has(variable)) continue;
            const target = PSEUDO.has(variable) ? variable : variable.split('.')[0] ?? variable;
            if (!declared(target)) throw new InputError(`${file}: ${owner}: Fn::Sub variable \${${variable}} names neither a parameter nor a resource`);
            if (target in resources) deps.add(target);
          }
        }
        return;
      }
    }
    for (const key of keys) walk(node[key], owner, deps, local);
  };

  const none = new Set<string>();
  for (const [id, resource] of Object.entries(resources)) {
    const deps = new Set<string>();
    walk(resource.Properties, id, deps, none);
    const dependsOn = resource.DependsOn === undefined ? [] : Array.isArray(resource.DependsOn) ? resource.DependsOn : [resource.DependsOn];
    for (const target of dependsOn) {
      if (typeof target !== 'string' || !(target in resources)) throw new InputError(`${file}: ${id}: DependsOn ${String(target)}, which is not a resource`);
      deps.add(target);
    }
    edges.set(id, deps);
  }
  for (const [name, output] of Object.entries(body.Outputs ?? {})) walk(output, `output ${name}`, new Set(), none);

  const result = dependencyOrder(edges);
  if ('cycle' in result) throw new InputError(`${file}: circular reference: ${result.cycle.join(' → ')}`);
  return result.order;
}

/**
 * The resources in dependency order (each after those it refers to), or the cycle that prevents one
 * (`A → B → A`). Iterative, so long chains do not overflow the stack.
 */
function dependencyOrder(edges: ReadonlyMap<string, ReadonlySet<string>>): { order: string[] } | { cycle: string[] } {
  const state = new Map<string, 'open' | 'done'>();
  const order: string[] = [];
  for (const start of edges.keys()) {
    if (state.has(start)) continue;
    const path: string[] = [start];
    const iterators: Array<Iterator<string>> = [(edges.get(start) ?? new Set<string>()).values()];
    state.set(start, 'open');
    while (path.length > 0) {
      const next = iterators[iterators.length - 1]?.next();
      if (!next || next.done) {
        const done = path.pop() as string;
        state.set(done, 'done');
        order.push(done);
        iterators.pop();
        continue;
      }
      const target = next.value;
      const seen = state.get(target);
      if (seen === 'open') return { cycle: [...path.slice(path.indexOf(target)), target] };
      if (seen === 'done') continue;
      state.set(target, 'open');
      path.push(target);
      iterators.push((edges.get(target) ?? new Set<string>()).values());
    }
  }
  return { order };
}
