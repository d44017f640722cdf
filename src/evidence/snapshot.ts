/** Reading and writing evidence files. Any problem is an InputError naming the file and the JSON path. */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { abortError, InputError, jsonPath } from '../errors.js';
import { bounded, LOAD_BOUNDS } from './bounds.js';
import { accountEvidence, EVIDENCE_KIND, EVIDENCE_SCHEMA_VERSION, evidenceDocument, type AccountEvidence, type EvidenceDocument } from './model.js';

function unreadable(error: unknown, file: string, what: string): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
  return new InputError(`${file}: cannot read ${what}: ${reason}`);
}

function parseJson(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: ${what} is not valid JSON: ${(error as Error).message}`);
  }
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw unreadable(error, file, what);
  }
  return parseJson(text, file, what);
}

/** Parses with a zod schema; the first issue becomes one line with its JSON path (below `at`, if given). */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, file: string, what: string, at: readonly PropertyKey[] = []): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = jsonPath([...at, ...(issue?.path ?? [])]);
  throw new InputError(`${file}: invalid ${what} at ${where}: ${issue?.message ?? 'does not match the schema'}`);
}

function checkKind(value: unknown, file: string): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const { schemaVersion, kind } = value as { schemaVersion?: unknown; kind?: unknown };
    if (kind !== undefined && kind !== EVIDENCE_KIND) throw new InputError(`${file}: not an evidence file (kind ${JSON.stringify(kind)}, expected ${EVIDENCE_KIND})`);
    if (schemaVersion !== undefined && schemaVersion !== EVIDENCE_SCHEMA_VERSION) {
      throw new InputError(`${file}: unsupported evidence schemaVersion ${JSON.stringify(schemaVersion)} (this version reads ${EVIDENCE_SCHEMA_VERSION})`);
    }
  }
}

export function loadEvidence(file: string): EvidenceDocument {
  const value = bounded(readJson(file, 'evidence file'), LOAD_BOUNDS);
  checkKind(value, file);
  return parseWith(evidenceDocument, value, file, 'evidence');
}

const TURN_MS = 20;

/**
 * `loadEvidence` for the CLI: the file is read without blocking and checked one account at a time,
 * with a turn of the event loop every 20 ms, so a signal or `--timeout` is honoured while a large
 * file loads. Rejects with an AbortError when `signal` aborts.
 */
export async function loadEvidenceAsync(file: string, signal: AbortSignal): Promise<EvidenceDocument> {
  let text: string;
  try {
    text = await readFile(file, { encoding: 'utf8', signal });
  } catch (error) {
    if (signal.aborted) throw abortError(signal, 'Loading the evidence');
    throw unreadable(error, file, 'evidence file');
  }
  await new Promise((resolve) => setImmediate(resolve));
  const value = parseJson(text, file, 'evidence file');
  checkKind(value, file);
  const accounts = (value as { accounts?: unknown } | null)?.accounts;
  if (!Array.isArray(accounts)) return parseWith(evidenceDocument, value, file, 'evidence');
  const head = parseWith(evidenceDocument, bounded({ ...(value as object), accounts: [] }, LOAD_BOUNDS), file, 'evidence');
  const parsed: AccountEvidence[] = [];
  let turn = Date.now();
  for (const [index, account] of accounts.entries()) {
    // Bounded one account at a time (depth 2: the document, then its accounts list), like the checking.
    parsed.push(parseWith(accountEvidence, bounded(account, LOAD_BOUNDS, 2), file, 'evidence', ['accounts', index]));
    if (Date.now() - turn >= TURN_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      if (signal.aborted) throw abortError(signal, 'Loading the evidence');
      turn = Date.now();
    }
  }
  return { ...head, accounts: parsed };
}

export { readJson };
