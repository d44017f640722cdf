/**
 * One template file → its body as plain data (short-form tags turned into their long forms) and the
 * line of each logical id under `Resources`.
 *
 * YAML follows the CloudFormation user guide's "Template formats" page
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html): "YAML
 * Version 1.1 specification with a few exceptions … doesn't support … The binary, omap, pairs, set, and
 * timestamp tags, Aliases, Hash merges". JSON ("ECMA-404") is read by json.ts, which is faster than
 * the YAML parser on large `cdk synth` output.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { LineCounter, Pair, parseDocument, Scalar, YAMLMap, isMap, isScalar, visit, type CollectionTag, type ScalarTag, type Tags, type YAMLSeq } from 'yaml';
import { InputError } from '../../../errors.js';
import { JsonSyntaxError, parseJson } from './json.js';

export interface Template {
  /** Absolute path. */
  file: string;
  /** The stack name a deploy would most likely use: the file name without its extensions (`ConnectStack`). */
  stem: string;
  body: TemplateBody;
  /** Logical id → 1-based line of its key under `Resources`. */
  resourceLines: Map<string, number>;
  /** Logical id → each key of its `Properties` → 1-based line. */
  propertyLines: Map<string, Record<string, number>>;
}

export interface TemplateBody {
  Parameters?: Record<string, unknown>;
  Mappings?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, unknown>;
  Outputs?: Record<string, unknown>;
  Transform?: unknown;
  [section: string]: unknown;
}

/** Short forms whose long form is `Fn::<Name>` (plus `!Ref` and `!Condition`, which keep their name). */
const FUNCTIONS = ['Base64', 'Cidr', 'FindInMap', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'ToJsonString', 'Length'];

function longForm(name: string): string {
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

/** `{ "<long form>": <node> }` as a YAML node, so nested short forms inside stay nodes until toJS. */
function wrap(key: string, node: YAMLMap.Parsed | YAMLSeq.Parsed | Scalar): YAMLMap {
  const map = new YAMLMap();
  map.items.push(new Pair(new Scalar(key), node));
  return map;
}

/** `!GetAtt Res.Attr` → `["Res", "Attr"]`: logical ids are alphanumeric, so the first dot splits (attribute names may hold dots). */
function getAttOfScalar(text: string): string[] {
  const dot = text.indexOf('.');
  return dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)];
}

function cloudFormationTags(): Array<ScalarTag | CollectionTag> {
  const tags: Array<ScalarTag | CollectionTag> = [];
  for (const name of [...FUNCTIONS, 'Ref', 'Condition', 'GetAtt']) {
    const key = longForm(name);
    const tag = `!${name}`;
    tags.push({
      tag,
      resolve: (text: string) => ({ [key]: name === 'GetAtt' ? getAttOfScalar(text) : text }),
    });
    for (const collection of ['seq', 'map'] as const) {
      tags.push({ tag, collection, resolve: (node) => wrap(key, node) });
    }
  }
  return tags;
}

const UNSUPPORTED = ['binary', 'omap', 'pairs', 'set', 'timestamp'];
const CFN_TAGS = cloudFormationTags();
const customTags = (tags: Tags): Tags => [
  ...tags.filter((t) => !UNSUPPORTED.some((name) => (typeof t === 'string' ? t === name : t.tag === `tag:yaml.org,2002:${name}`))),
  ...CFN_TAGS,
];

const firstLine = (message: string) => message.split('\n')[0]?.trim() ?? message;

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function readYaml(file: string, text: string): Pick<Template, 'resourceLines' | 'propertyLines'> & { body: unknown } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', customTags, merge: false, lineCounter, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    const at = error.pos[0];
    throw new InputError(`${file}: not valid YAML or JSON at line ${lineCounter.linePos(at).line}: ${firstLine(error.message)}`);
  }
  let alias = false;
  visit(doc, {
    Alias() {
      alias = true;
      return visit.BREAK;
    },
  });
  if (alias) throw new InputError(`${file}: YAML aliases are not supported in CloudFormation templates`);
  const body = doc.toJS();
  const resourceLines = new Map<string, number>();
  const propertyLines = new Map<string, Record<string, number>>();
  const lineOfNode = (node: { range?: [number, number, number] | null | undefined }) => (node.range ? lineCounter.linePos(node.range[0]).line : undefined);
  const root = doc.contents;
  const resources = isMap(root) ? root.items.find((p) => isScalar(p.key) && p.key.value === 'Resources')?.value : undefined;
  if (isMap(resources)) {
    for (const pair of resources.items) {
      if (!isScalar(pair.key)) continue;
      const logicalId = String(pair.key.value);
      const line = lineOfNode(pair.key);
      if (line !== undefined) resourceLines.set(logicalId, line);
      const properties = isMap(pair.value) ? pair.value.items.find((p) => isScalar(p.key) && p.key.value === 'Properties')?.value : undefined;
      if (!isMap(properties)) continue;
      const lines: Record<string, number> = {};
      for (const property of properties.items) {
        const at = isScalar(property.key) ? lineOfNode(property.key) : undefined;
        if (isScalar(property.key) && at !== undefined) lines[String(property.key.value)] = at;
      }
      propertyLines.set(logicalId, lines);
    }
  }
  return { body, resourceLines, propertyLines };
}

function readJson(file: string, text: string): Pick<Template, 'resourceLines' | 'propertyLines'> & { body: unknown } {
  try {
    const { value, keyOffsets } = parseJson(text);
    const resourceLines = new Map<string, number>();
    const propertyLines = new Map<string, Record<string, number>>();
    const resources = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['Resources'] : undefined;
    const offsets = typeof resources === 'object' && resources !== null ? keyOffsets.get(resources) : undefined;
    // Every key whose line is wanted: each logical id, and each key of its Properties.
    const wanted: Array<{ offset: number; set: (line: number) => void }> = [];
    for (const [logicalId, offset] of offsets ?? []) {
      wanted.push({ offset, set: (line) => resourceLines.set(logicalId, line) });
      const resource = (resources as Record<string, unknown>)[logicalId];
      const properties = typeof resource === 'object' && resource !== null ? (resource as Record<string, unknown>)['Properties'] : undefined;
      const lines: Record<string, number> = {};
      propertyLines.set(logicalId, lines);
      for (const [key, at] of (typeof properties === 'object' && properties !== null ? keyOffsets.get(properties) : undefined) ?? []) wanted.push({ offset: at, set: (line) => (lines[key] ??= line) });
    }
    // One pass over the text for every key, in offset order.
    let line = 1;
    let next = text.indexOf('\n');
    for (const { offset, set } of wanted.sort((a, b) => a.offset - b.offset)) {
      while (next >= 0 && next < offset) {
        line++;
        next = text.indexOf('\n', next + 1);
      }
      set(line);
    }
    return { body: value, resourceLines, propertyLines };
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    // A YAML template may be written in flow style (`{Resources: …}`): YAML has the last word, but
    // when it refuses the text too, the JSON reader's message is the more precise one.
    try {
      return readYaml(file, text);
    } catch {
      throw new InputError(`${file}: not valid JSON at line ${lineOf(text, error.offset)}: ${error.message}`);
    }
  }
}

/** A Terraform plan, a state file, a CDK manifest … given where a template belongs: say what it looks like. */
function notATemplate(file: string, body: unknown): InputError {
  const object = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  const looksLike =
    object && ('format_version' in object || 'planned_values' in object || 'resource_changes' in object)
      ? ' (it looks like a Terraform plan: give it with --terraform-plan)'
      : object && ('artifacts' in object && 'version' in object)
        ? ' (it looks like a CDK cloud assembly manifest: give the *.template.json files beside it)'
        : '';
  return new InputError(`${file}: not a CloudFormation template: no Resources section${looksLike}`);
}

/** A file's text without its byte-order mark; an InputError naming the file when it cannot be read. */
export function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot read ${what}${code ? ` (${code})` : ''}`);
  }
}

/**
 * CloudFormation takes a template of at most 1 MB ("Template body size in an Amazon S3 object",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html); ten times
 * that is refused before it is parsed, so a stray 50 MB file fails at once instead of after a minute.
 */
const MAX_TEMPLATE_BYTES = 10 * 1024 * 1024;

export function readTemplate(file: string): Template {
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    // readText says why.
  }
  if (size > MAX_TEMPLATE_BYTES) {
    throw new InputError(`${file}: ${(size / 1024 / 1024).toFixed(0)} MB is not a CloudFormation template: CloudFormation takes templates of at most 1 MB`);
  }
  const text = readText(file, 'the template');
  const { body, resourceLines, propertyLines } = /^\s*[{[]/.test(text) ? readJson(file, text) : readYaml(file, text);
  const resources = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['Resources'] : undefined;
  if (typeof resources !== 'object' || resources === null || Array.isArray(resources)) throw notATemplate(file, body);
  for (const section of ['Parameters', 'Mappings', 'Conditions', 'Outputs'] as const) {
    const value = (body as Record<string, unknown>)[section];
    if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      throw new InputError(`${file}: not a CloudFormation template: ${section} is not a map`);
    }
  }
  const stem = basename(file).replace(/(\.template)?\.(json|ya?ml|template)$/i, '');
  return { file, stem, body: body as TemplateBody, resourceLines, propertyLines };
}
