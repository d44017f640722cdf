/**
 * The writer every report and evidence file goes through: pieces are encoded straight into a reused
 * buffer, so the bytes must be exactly the UTF-8 of the text joined, whatever the pieces' sizes and
 * wherever a surrogate pair falls.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveOutputTarget, writeFileAtomic } from '../../src/cli/output.js';

const signal = new AbortController().signal;

async function written(content: string | string[]): Promise<Buffer> {
  const file = join(mkdtempSync(join(tmpdir(), 'cna-output-')), 'out.txt');
  await writeFileAtomic(resolveOutputTarget(file, 'test'), content, signal);
  return readFileSync(file);
}

/** Text whose every other character is outside the BMP (a surrogate pair), with accents and ASCII between. */
function mixed(units: number): string {
  let text = '';
  for (let i = 0; text.length < units; i++) text += i % 3 === 0 ? '😀' : i % 3 === 1 ? 'é' : 'a';
  return text;
}

describe('writeFileAtomic', () => {
  it('writes one large string byte for byte, a surrogate pair on every boundary a part could have', async () => {
    for (const shift of [0, 1, 2, 3]) {
      const text = 'x'.repeat(shift) + mixed(1_100_000);
      expect((await written(text)).equals(Buffer.from(text))).toBe(true);
    }
  });

  it('writes pieces of every size byte for byte: empty, tiny, just over the buffer, far over it', async () => {
    const pieces = ['', '{', mixed(10), '', mixed(87_380), mixed(87_382), 'é'.repeat(200_000), mixed(1_000_000), '}\n'];
    expect((await written(pieces)).equals(Buffer.from(pieces.join('')))).toBe(true);
  });

  it('writes nothing but the file for empty content', async () => {
    expect((await written([])).length).toBe(0);
    expect((await written('')).length).toBe(0);
  });
});
