/**
 * Reading one resource's planned values into the model: a value unknown until apply becomes an
 * `Unknown` naming the resource and attribute, and a link to another resource follows the
 * configuration's references when the value itself is unknown.
 */
import { PLACEHOLDER_MARK, Unknown, instanceArnOf, isUnknown, placeholderBucketName, placeholderDirectoryId, placeholderInstanceId, placeholderKeyArn, type Planned, type SourceRef } from '../model.js';
import type { Instance, Path, PlanGraph } from './graph.js';

export interface Context {
  graph: PlanGraph;
  partition: string;
  /** The account ARNs are built in: the model's account, else PLACEHOLDER_ACCOUNT. */
  account: string;
  regionOf(instance: Instance): string;
  /** Under a provider configuration that may deploy to another account than the instance's. */
  foreign(instance: Instance): boolean;
  locate(instance: Instance): SourceRef | undefined;
  warn(message: string): void;
}

/** The kinds of identifier a field names, and how a managed resource's identifier is written in it. */
export type LinkKind = 'bucketName' | 'bucketArn' | 'key' | 'instance' | 'directory' | 'stream' | 'firehose';

const ACCEPT: Record<LinkKind, ReadonlySet<string>> = {
  bucketName: new Set(['aws_s3_bucket']),
  bucketArn: new Set(['aws_s3_bucket']),
  key: new Set(['aws_kms_key', 'aws_kms_alias']),
  instance: new Set(['aws_connect_instance']),
  directory: new Set(['aws_directory_service_directory']),
  stream: new Set(['aws_kinesis_stream']),
  firehose: new Set(['aws_kinesis_firehose_delivery_stream']),
};

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const slug = (name: string) => name.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase() || 'resource';

/** Identifiers of managed resources: the known value, else a placeholder every reference shares. */
export class Identifiers {
  constructor(private readonly ctx: Omit<Context, 'locate' | 'warn'>) {}

  bucketName(bucket: Instance): string {
    return str(bucket.after.bucket) ?? (bucket.lifecycle === 'update' ? str(bucket.after.id) : undefined) ?? placeholderBucketName(bucket.address);
  }
  keyArn(key: Instance): string {
    return str(key.after.arn) ?? placeholderKeyArn(this.ctx.partition, this.ctx.regionOf(key), this.ctx.account, key.address);
  }
  aliasName(alias: Instance): string {
    return str(alias.after.name) ?? `alias/${PLACEHOLDER_MARK}-${slug(alias.address)}`;
  }
  aliasArn(alias: Instance): string {
    return str(alias.after.arn) ?? `arn:${this.ctx.partition}:kms:${this.ctx.regionOf(alias)}:${this.ctx.account}:${this.aliasName(alias)}`;
  }
  instanceId(instance: Instance): string {
    return str(instance.after.id) ?? placeholderInstanceId(instance.address);
  }
  instanceArn(instance: Instance): string {
    return str(instance.after.arn) ?? instanceArnOf(this.ctx.partition, this.ctx.regionOf(instance), this.ctx.account, this.instanceId(instance));
  }
  directoryId(directory: Instance): string {
    return str(directory.after.id) ?? placeholderDirectoryId(directory.address);
  }
  /** Stream and delivery stream ARNs are their names under the documented ARN format; only the name may be a placeholder. */
  streamArn(stream: Instance): string {
    return str(stream.after.arn) ?? `arn:${this.ctx.partition}:kinesis:${this.ctx.regionOf(stream)}:${this.ctx.account}:stream/${str(stream.after.name) ?? `${PLACEHOLDER_MARK}-${slug(stream.address)}`}`;
  }
  firehoseArn(stream: Instance): string {
    return str(stream.after.arn) ?? `arn:${this.ctx.partition}:firehose:${this.ctx.regionOf(stream)}:${this.ctx.account}:deliverystream/${str(stream.after.name) ?? `${PLACEHOLDER_MARK}-${slug(stream.address)}`}`;
  }
  logGroupName(group: Instance): string {
    return str(group.after.name) ?? `${PLACEHOLDER_MARK}-${slug(group.address)}`;
  }

  /** How a field of `kind` names the target, given the references the field makes (`.arn` of an alias is its ARN). */
  of(kind: LinkKind, target: Instance, references: readonly string[]): string {
    switch (kind) {
      case 'bucketName':
        return this.bucketName(target);
      case 'bucketArn':
        return `arn:${this.ctx.partition}:s3:::${this.bucketName(target)}`;
      case 'key':
        if (target.type !== 'aws_kms_alias') return this.keyArn(target);
        // `aws_kms_alias.x.arn` names it by ARN; `.name`, `.id` (and a dynamic index, which hides the attribute) by name.
        return references.some((r) => r.startsWith(target.configAddress) && r.endsWith('.arn')) ? this.aliasArn(target) : this.aliasName(target);
      case 'instance':
        return this.instanceId(target);
      case 'directory':
        return this.directoryId(target);
      case 'stream':
        return this.streamArn(target);
      case 'firehose':
        return this.firehoseArn(target);
    }
  }
}

/** Thrown inside `planned(...)` by a required value that is unknown: the whole part becomes that Unknown. */
export class UnknownValue extends Error {
  constructor(readonly unknown: Unknown) {
    super(unknown.detail);
  }
}

/** The planned value of one model field or call: an Unknown as soon as a value it needs is unknown. */
export function planned<T>(build: () => T): Planned<T> {
  try {
    return build();
  } catch (error) {
    if (error instanceof UnknownValue) return error.unknown;
    throw error;
  }
}

export function need<T>(value: Planned<T>): T {
  if (isUnknown(value)) throw new UnknownValue(value);
  return value;
}

const describePath = (path: Path) => path.filter((step) => typeof step === 'string').join('.');

/** Reads one resource's values. */
export class Reader {
  constructor(
    private readonly ctx: Context,
    private readonly ids: Identifiers,
    readonly instance: Instance,
  ) {}

  unknownAt(path: Path, why?: string): Unknown {
    return new Unknown(`${this.instance.address}: ${describePath(path)}${why ? ` (${why})` : ''}`);
  }
  /** Inside `planned(...)`: the part cannot be known (a required value the plan lacks). */
  fail(path: Path, why: string): never {
    throw new UnknownValue(this.unknownAt(path, why));
  }

  /**
   * A value inside `planned(...)`: unknown and written in the configuration → the part is Unknown;
   * unknown and not written (a computed value) → undefined, so AWS's default for it applies.
   */
  value(path: Path): unknown {
    const { graph } = this.ctx;
    if (graph.unknown(this.instance, path)) {
      if (graph.isSet(this.instance, path) || this.instance.config === undefined) throw new UnknownValue(this.unknownAt(path));
      return undefined;
    }
    const value = graph.known(this.instance, path);
    return value === null ? undefined : value;
  }
  /** A value that must be known for the part to mean anything (a type, a policy text). */
  required(path: Path): unknown {
    if (this.ctx.graph.unknown(this.instance, path)) throw new UnknownValue(this.unknownAt(path));
    const value = this.ctx.graph.known(this.instance, path);
    return value === null ? undefined : value;
  }
  string(path: Path): string | undefined {
    return str(this.value(path));
  }
  boolean(path: Path): boolean | undefined {
    const value = this.value(path);
    return typeof value === 'boolean' ? value : undefined;
  }
  number(path: Path): number | undefined {
    const value = this.value(path);
    return typeof value === 'number' ? value : undefined;
  }
  /** A value outside any part: undefined when unknown. */
  private knownValue(path: Path): unknown {
    return this.ctx.graph.unknown(this.instance, path) ? undefined : this.ctx.graph.known(this.instance, path);
  }
  knownBoolean(path: Path): boolean | undefined {
    const value = this.knownValue(path);
    return typeof value === 'boolean' ? value : undefined;
  }
  knownString(path: Path): string | undefined {
    return str(this.knownValue(path));
  }
  /** A list of nested blocks: its items are read one by one, so only a wholly unknown list is unknown here. */
  list(path: Path): unknown[] {
    const { graph } = this.ctx;
    if (graph.unknown(this.instance, path, true)) {
      if (graph.isSet(this.instance, path) || this.instance.config === undefined) throw new UnknownValue(this.unknownAt(path));
      return [];
    }
    const value = graph.known(this.instance, path);
    return Array.isArray(value) ? value : [];
  }
  /** Whether the configuration writes this argument or block. */
  isSet(path: Path): boolean {
    return this.ctx.graph.isSet(this.instance, path);
  }

  /**
   * A field naming another resource. Known: the value as written (a literal naming nothing managed
   * stays a literal: "not managed by this plan"). Unknown: the referenced managed resource's
   * identifier (known or placeholder); an Unknown saying why when no single resource is referenced.
   */
  link(path: Path, kind: LinkKind): Planned<string | undefined> {
    const { graph } = this.ctx;
    if (!graph.unknown(this.instance, path)) return str(graph.known(this.instance, path));
    const resolution = graph.resolve(this.instance, path, ACCEPT[kind]);
    if (!resolution.target) return this.unknownAt(path, resolution.reason);
    if (this.ctx.foreign(resolution.target)) return this.unknownAt(path, `${resolution.target.address} is under a provider configuration that may deploy to another account`);
    return this.ids.of(kind, resolution.target, resolution.references ?? []);
  }
}
