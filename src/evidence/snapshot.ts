/** Reading and writing evidence files. Any problem is an InputError naming the file and the JSON path. */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { InputError, jsonPath } from '../errors.js';
import { bounded, LOAD_BOUNDS } from './bounds.js';
import { EVIDENCE_KIND, EVIDENCE_SCHEMA_VERSION, evidenceDocument, type EvidenceDocument } from './model.js';

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new InputError(`${file}: cannot read ${what}: ${reason}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: ${what} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Parses with a zod schema; the first issue becomes one line with its JSON path. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, file: string, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue ? jsonPath(issue.path) : '$';
  throw new InputError(`${file}: invalid ${what} at ${where}: ${issue?.message ?? 'does not match the schema'}`);
}

export function loadEvidence(file: string): EvidenceDocument {
  const value = bounded(readJson(file, 'evidence file'), LOAD_BOUNDS);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const { schemaVersion, kind } = value as { schemaVersion?: unknown; kind?: unknown };
    if (kind !== undefined && kind !== EVIDENCE_KIND) throw new InputError(`${file}: not an evidence file (kind ${JSON.stringify(kind)}, expected ${EVIDENCE_KIND})`);
    if (schemaVersion !== undefined && schemaVersion !== EVIDENCE_SCHEMA_VERSION) {
      throw new InputError(`${file}: unsupported evidence schemaVersion ${JSON.stringify(schemaVersion)} (this version reads ${EVIDENCE_SCHEMA_VERSION})`);
    }
  }
  return parseWith(evidenceDocument, value, file, 'evidence');
}

export { readJson };
