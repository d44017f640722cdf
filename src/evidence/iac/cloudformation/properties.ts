/**
 * Reading one resource's resolved properties into the SDK shapes of the model: a value that cannot
 * be known makes the whole planned value Unknown (`<logicalId>: <property> (<why>)`), never a guess.
 */
import { Unknown, isUnknown, type Planned } from '../model.js';
import { firstUnknown, isRecord, type Resolved } from './intrinsics.js';

/** Thrown by a getter that meets an Unknown; `planned()` turns it into the planned value. */
class UnknownValue {
  constructor(
    readonly unknown: Unknown,
    /** Why, without where: for messages that name the property themselves. */
    readonly reason: string,
  ) {}
}

/** Drops undefined fields, so models compare equal however they were built. */
export function compact<T extends Record<string, unknown>>(object: T): T {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object;
}

export class Props {
  constructor(
    /** How messages name the resource: its logical id. */
    readonly name: string,
    private readonly values: Record<string, Resolved> | Unknown,
    private readonly path = '',
    /** Set when the resource is created only under a condition that cannot be known before deploy. */
    readonly gate?: Unknown,
  ) {}

  private where(key: string): string {
    return `${this.name}: ${this.path}${key}`;
  }

  /** Stops the planned value being built: it is Unknown, for the reason given. */
  fail(key: string, detail: string): never {
    throw new UnknownValue(new Unknown(`${this.where(key)} (${detail})`), detail);
  }

  private failWhole(): never {
    const detail = isUnknown(this.values) ? this.values.detail : '';
    throw new UnknownValue(new Unknown(`${this.name}: ${this.path || 'Properties'} (${detail})`), detail);
  }

  private value(key: string): Resolved | undefined {
    if (isUnknown(this.values)) this.failWhole();
    const value = this.values[key];
    if (isUnknown(value)) this.fail(key, value.detail);
    return value === null ? undefined : value;
  }

  has(key: string): boolean {
    return !isUnknown(this.values) && this.values[key] !== undefined && this.values[key] !== null;
  }

  text(key: string): string | undefined {
    const value = this.value(key);
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    this.fail(key, 'not a string');
  }

  required(key: string): string {
    const value = this.text(key);
    if (value === undefined) this.fail(key, 'not set, though CloudFormation requires it');
    return value;
  }

  /** Booleans may be written as strings ("true"), as parameters always are. */
  flag(key: string): boolean | undefined {
    const value = this.value(key);
    if (value === undefined) return undefined;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    this.fail(key, `${JSON.stringify(value)} is not a boolean`);
  }

  count(key: string): number | undefined {
    const value = this.value(key);
    if (value === undefined) return undefined;
    const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (Number.isNaN(number)) this.fail(key, `${JSON.stringify(value)} is not a number`);
    return number;
  }

  child(key: string): Props | undefined {
    const value = this.value(key);
    if (value === undefined) return undefined;
    if (!isRecord(value)) this.fail(key, 'not a map');
    return new Props(this.name, value as Record<string, Resolved>, `${this.path}${key}.`);
  }

  children(key: string): Props[] | undefined {
    const value = this.value(key);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) this.fail(key, 'not a list');
    return value.map((item, index) => {
      if (isUnknown(item)) this.fail(`${key}[${index}]`, item.detail);
      if (!isRecord(item)) this.fail(`${key}[${index}]`, 'not a map');
      return new Props(this.name, item as Record<string, Resolved>, `${this.path}${key}[${index}].`);
    });
  }

  /** The keys set on this map, for maps whose keys are data (Instance Attributes). */
  keys(): string[] {
    if (isUnknown(this.values)) this.failWhole();
    return Object.keys(this.values);
  }

  /** A policy document (JSON, or the JSON text itself) as the text the service stores. */
  json(key: string): string | undefined {
    const value = this.value(key);
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    const unknown = firstUnknown(value);
    if (unknown) this.fail(key, unknown.detail);
    return JSON.stringify(value);
  }
}

/** A planned value built from properties: Unknown as soon as one value it needs is. */
export function planned<T>(props: Props, build: () => T): Planned<T> {
  if (props.gate) return props.gate;
  try {
    return build();
  } catch (error) {
    if (error instanceof UnknownValue) return error.unknown;
    throw error;
  }
}

/**
 * A value the model needs as a plain string (a link: the instance a storage config names, the bucket
 * a policy applies to): the string, the Unknown saying why it cannot be known, or undefined when unset.
 */
export function linkOf(props: Props, key: string): string | Unknown | undefined {
  try {
    return props.text(key);
  } catch (error) {
    if (error instanceof UnknownValue) return new Unknown(error.reason);
    throw error;
  }
}
