/**
 * A JSON reader that keeps where each object key is written and refuses duplicate keys, for JSON
 * templates (`cdk synth` output is JSON). The `yaml` package reads JSON too, but at about 0.5 s per MB
 * (measured: 1.1 s for a 2.5 MB, 5,000-resource template), while this reads the same in a few tens of
 * milliseconds; YAML templates still go through `yaml` (template.ts).
 */

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Offsets of the keys of the top-level object's maps (`Resources`…), by object: what template.ts turns into lines. */
export type KeyOffsets = WeakMap<object, Map<string, number>>;

const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/** `object[key] = value`, with a `__proto__` key kept as data rather than setting the prototype. */
export function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export function parseJson(text: string): { value: unknown; keyOffsets: KeyOffsets } {
  const keyOffsets: KeyOffsets = new WeakMap();
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(at >= text.length ? `${message} (the text ends early)` : message, at);
  };
  const skip = () => {
    for (let c = text.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(++i));
  };
  const expect = (char: string) => {
    skip();
    if (text[i] !== char) fail(`expected ${JSON.stringify(char)}${i < text.length ? `, found ${JSON.stringify(text[i])}` : ''}`);
    i++;
  };
  const string = (): string => {
    const start = ++i;
    let out = '';
    let run = start;
    for (;;) {
      if (i >= text.length) fail('unterminated string', start - 1);
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail('control character in a string');
      if (c === 0x5c) {
        out += text.slice(run, i);
        const e = text[i + 1] ?? '';
        if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else {
          const decoded = ESCAPES[e];
          if (decoded === undefined) fail(`invalid escape \\${e}`);
          out += decoded;
          i += 2;
        }
        run = i;
        continue;
      }
      i++;
    }
    out += text.slice(run, i);
    i++;
    return out;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (depth: number): unknown => {
    if (depth > 512) fail('nested too deeply');
    skip();
    const c = text[i];
    if (c === '{') {
      i++;
      const object: Record<string, unknown> = {};
      // Only the sections' maps (depth 1) and the maps inside each resource (depth 3: Properties) need
      // positions; a Map per object would cost more than the parse.
      const offsets = depth === 1 || depth === 3 ? new Map<string, number>() : undefined;
      if (offsets) keyOffsets.set(object, offsets);
      skip();
      if (text[i] === '}') {
        i++;
        return object;
      }
      for (;;) {
        skip();
        if (text[i] !== '"') fail('expected a quoted key');
        const at = i;
        const key = string();
        if (hasOwn(object, key)) fail(`duplicate key ${JSON.stringify(key)}`, at);
        offsets?.set(key, at);
        expect(':');
        setOwn(object, key, value(depth + 1));
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expect('}');
        return object;
      }
    }
    if (c === '[') {
      i++;
      const array: unknown[] = [];
      skip();
      if (text[i] === ']') {
        i++;
        return array;
      }
      for (;;) {
        array.push(value(depth + 1));
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expect(']');
        return array;
      }
    }
    if (c === '"') return string();
    for (const [word, literal] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return literal;
      }
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(text);
    if (number) {
      i += number[0].length;
      return Number(number[0]);
    }
    return fail(i >= text.length ? 'expected a value' : `unexpected ${JSON.stringify(text[i])}`);
  };
  const result = value(0);
  skip();
  if (i < text.length) fail(`unexpected ${JSON.stringify(text[i])} after the end of the document`);
  return { value: result, keyOffsets };
}
