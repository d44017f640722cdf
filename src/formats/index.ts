/** The one list of output formats: `--format` and `--output` choices come from here. */
import { json } from './json.js';
import { ndjson } from './ndjson.js';
import { text } from './text.js';
import type { Formatter } from './types.js';

export const FORMATTERS: readonly Formatter[] = [text, json, ndjson];

export function findFormatter(id: string): Formatter | undefined {
  return FORMATTERS.find((f) => f.id === id);
}

export type { Formatter, FormatOptions } from './types.js';
