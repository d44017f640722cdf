/**
 * Where each resource block is written: the `.tf` files of the root module and of every module the
 * configuration calls, parsed with tree-sitter's HCL grammar (terraform dialect, wasm build).
 *
 * Module directories: a local source (`./modules/rec`, `../x`) is relative to its caller's directory;
 * any other source is found through `.terraform/modules/modules.json` (`{"Modules": [{"Key", "Source",
 * "Dir"}]}`, Key = the module call names joined by "." — hashicorp/terraform internal/modsdir/manifest.go;
 * Dir relative to the directory `terraform init` ran in, written with forward slashes).
 */
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { Language, Parser, type Node } from 'web-tree-sitter';

interface Block {
  file: string;
  line: number;
  /** Arguments and nested blocks the resource block writes, by name → 1-based line (first occurrence). */
  attributes: Record<string, number>;
}

function attributeLines(block: Node): Record<string, number> {
  const lines: Record<string, number> = {};
  const body = block.children.find((c) => c?.type === 'body');
  for (const child of body?.children ?? []) {
    if (child?.type !== 'attribute' && child?.type !== 'block') continue;
    const name = child.child(0)?.text;
    if (name !== undefined && !(name in lines)) lines[name] = child.startPosition.row + 1;
  }
  return lines;
}

interface DirectoryIndex {
  blocks: Map<string, Block>;
  /** `module "name" { source = "…" }` as written. */
  moduleSources: Map<string, string>;
  skipped: string[];
}

let parserPromise: Promise<Parser> | undefined;

/** One parser per process: the wasm grammar is loaded once. */
function hclParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    await Parser.init();
    const wasm = createRequire(import.meta.url).resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm');
    const language = await Language.load(wasm);
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserPromise;
}

/** The text of a block label: `"aws_s3_bucket"` (string_lit) or a bare identifier. */
function labelText(node: Node): string | undefined {
  if (node.type === 'identifier') return node.text;
  if (node.type === 'string_lit') return node.children.filter((c) => c?.type === 'template_literal').map((c) => c?.text ?? '').join('');
  return undefined;
}

function sourceAttribute(block: Node): string | undefined {
  const body = block.children.find((c) => c?.type === 'body');
  for (const attribute of body?.children ?? []) {
    if (attribute?.type !== 'attribute' || attribute.child(0)?.text !== 'source') continue;
    const literal = attribute.descendantsOfType('string_lit')[0];
    return literal ? labelText(literal) : undefined;
  }
  return undefined;
}

async function indexDirectory(dir: string): Promise<DirectoryIndex> {
  const index: DirectoryIndex = { blocks: new Map(), moduleSources: new Map(), skipped: [] };
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    return index;
  }
  const parser = await hclParser();
  for (const name of names) {
    if (name.endsWith('.tf.json') || name.endsWith('.tofu.json')) {
      index.skipped.push(join(dir, name));
      continue;
    }
    if (!name.endsWith('.tf') && !name.endsWith('.tofu')) continue;
    const file = join(dir, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    const tree = parser.parse(text);
    if (!tree) continue;
    const body = tree.rootNode.children.find((c) => c?.type === 'body');
    for (const block of body?.children ?? []) {
      if (block?.type !== 'block') continue;
      const kind = block.child(0)?.text;
      const labels = block.children.slice(1).flatMap((c) => {
        const text = c ? labelText(c) : undefined;
        return text === undefined ? [] : [text];
      });
      const line = block.startPosition.row + 1;
      let key: string | undefined;
      if ((kind === 'resource' || kind === 'data') && labels.length >= 2) key = `${kind === 'data' ? 'data.' : ''}${labels[0]}.${labels[1]}`;
      else if (kind === 'module' && labels[0]) {
        key = `module.${labels[0]}`;
        const source = sourceAttribute(block);
        if (source !== undefined) index.moduleSources.set(labels[0], source);
      }
      if (key && !index.blocks.has(key)) index.blocks.set(key, { file, line, attributes: kind === 'module' ? {} : attributeLines(block) });
    }
    tree.delete();
  }
  return index;
}

const isLocal = (source: string) => source.startsWith('./') || source.startsWith('../') || source === '.' || source === '..';

export class Locations {
  private readonly directories = new Map<string, Promise<DirectoryIndex>>();
  private readonly moduleDirs = new Map<string, string | undefined>();
  private manifest: Map<string, string> | undefined;

  private constructor(private readonly rootDir: string) {}

  /**
   * Indexes the root directory and every module directory of `moduleKeys` (module call paths
   * `rec.inner`), given each call's source from the plan's configuration when it has one.
   */
  static async load(rootDir: string, moduleKeys: readonly string[], sourceOf: (moduleKey: string) => string | undefined): Promise<{ locations: Locations; warnings: string[] }> {
    const locations = new Locations(resolve(rootDir));
    await locations.readManifest();
    const warnings: string[] = [];
    for (const key of [...moduleKeys].sort((a, b) => a.split('.').length - b.split('.').length)) await locations.directoryOf(key, sourceOf);
    const skipped = new Set<string>();
    for (const index of locations.directories.values()) for (const file of (await index).skipped) skipped.add(file);
    if (skipped.size) warnings.push(`JSON configuration files are not read for locations: ${[...skipped].join(', ')}`);
    return { locations, warnings };
  }

  private async readManifest(): Promise<void> {
    try {
      const text = await readFile(join(this.rootDir, '.terraform', 'modules', 'modules.json'), 'utf8');
      const records = (JSON.parse(text) as { Modules?: Array<{ Key?: unknown; Dir?: unknown }> }).Modules ?? [];
      this.manifest = new Map(records.flatMap((r) => (typeof r.Key === 'string' && typeof r.Dir === 'string' ? [[r.Key, r.Dir] as [string, string]] : [])));
    } catch {
      this.manifest = undefined; // no `terraform init` here, or not readable: local sources still resolve
    }
  }

  private index(dir: string): Promise<DirectoryIndex> {
    let index = this.directories.get(dir);
    if (!index) {
      index = indexDirectory(dir);
      this.directories.set(dir, index);
    }
    return index;
  }

  private async directoryOf(moduleKey: string, sourceOf: (moduleKey: string) => string | undefined): Promise<string | undefined> {
    if (this.moduleDirs.has(moduleKey)) return this.moduleDirs.get(moduleKey);
    let dir: string | undefined;
    if (moduleKey === '') dir = this.rootDir;
    else {
      const parentKey = moduleKey.includes('.') ? moduleKey.slice(0, moduleKey.lastIndexOf('.')) : '';
      const name = moduleKey.slice(moduleKey.lastIndexOf('.') + 1);
      const parentDir = await this.directoryOf(parentKey, sourceOf);
      const source = sourceOf(moduleKey) ?? (parentDir ? (await this.index(parentDir)).moduleSources.get(name) : undefined);
      if (source !== undefined && isLocal(source) && parentDir) dir = resolve(parentDir, source);
      else {
        const manifestDir = this.manifest?.get(moduleKey);
        if (manifestDir !== undefined) dir = isAbsolute(manifestDir) ? manifestDir : resolve(this.rootDir, manifestDir);
      }
    }
    this.moduleDirs.set(moduleKey, dir);
    if (dir) await this.index(dir);
    return dir;
  }

  /** The file (absolute) and 1-based line of a block, by module call path and module-relative address. */
  async find(moduleKey: string, configAddress: string): Promise<Block | undefined> {
    const dir = this.moduleDirs.get(moduleKey);
    if (!dir) return undefined;
    return (await this.index(dir)).blocks.get(configAddress);
  }
}

export const planDirectory = (planFile: string) => dirname(resolve(planFile));
