/** The one list of output formats: `--format` and `--output` choices come from here. */
import { asff } from './asff.js';
import { csv } from './csv.js';
import { html } from './html.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { markdown } from './markdown.js';
import { ndjson } from './ndjson.js';
import { ocsf } from './ocsf.js';
import { sarif } from './sarif.js';
import { text } from './text.js';
import type { Formatter } from './types.js';

export const FORMATTERS: readonly Formatter[] = [text, json, ndjson, ocsf, asff, sarif, junit, csv, markdown, html];

export function findFormatter(id: string): Formatter | undefined {
  return FORMATTERS.find((f) => f.id === id);
}

export type { Formatter, FormatOptions } from './types.js';
