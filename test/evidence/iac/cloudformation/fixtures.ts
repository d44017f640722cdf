/** Paths of the CloudFormation fixtures, and the line a logical id is written on, found by text search. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { InputError } from '../../../../src/errors.js';
import { isUnknown, type Unknown } from '../../../../src/evidence/iac/model.js';

export const FIXTURES = resolve(__dirname, '../../../fixtures/iac/cloudformation');
export const fixture = (name: string) => join(FIXTURES, name);

/** The 1-based line where `logicalId` is a key, first after the `Resources` key: found by text, not by a parser. */
export function lineOf(file: string, logicalId: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const resources = lines.findIndex((line) => /^\s*"?Resources"?:/.test(line));
  const key = new RegExp(`^\\s+"?${logicalId}"?: ?\\{?$`);
  const index = lines.findIndex((line, i) => i > resources && key.test(line));
  if (resources < 0 || index < 0) throw new Error(`${logicalId} not found in ${file}`);
  return index + 1;
}

/** A template written to a fresh temporary directory. */
export function tempTemplate(text: string, name = 'template.yaml'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cfn-')), name);
  writeFileSync(file, text);
  return file;
}

export function expectUnknown(value: unknown, ...fragments: string[]): void {
  expect(isUnknown(value), `expected Unknown, got ${JSON.stringify(value)}`).toBe(true);
  for (const fragment of fragments) expect((value as Unknown).detail).toContain(fragment);
}

/** The error a call rejects with: an InputError of one line. */
export async function inputError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  const message = (error as Error).message;
  expect(message).not.toContain('\n');
  return message;
}
