/** Where reports go: stdout (a closed pipe is not a crash) and files written atomically. */
import { closeSync, existsSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { findFormatter, FORMATTERS, type Formatter } from '../formats/index.js';

const pendingTemporaries = new Set<string>();

/** Removes temporary files of writes that were interrupted. */
export function removePendingTemporaries(): void {
  for (const file of pendingTemporaries) rmSync(file, { force: true });
  pendingTemporaries.clear();
}

export function checkWritable(file: string): void {
  const dir = dirname(file);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`${file}: directory ${dir} does not exist`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new InputError(`${file}: is a directory`);
}

/** Write to a temporary file beside the target, then rename: readers never see half a file. */
export function writeFileAtomic(file: string, content: string | Iterable<string>): void {
  checkWritable(file);
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  pendingTemporaries.add(temporary);
  try {
    if (typeof content === 'string') writeFileSync(temporary, content, { mode: 0o644 });
    else {
      const fd = openSync(temporary, 'w', 0o644);
      try {
        for (const chunk of content) writeSync(fd, chunk);
      } finally {
        closeSync(fd);
      }
    }
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
    pendingTemporaries.delete(temporary);
  }
}

function writeOnce(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (text.length === 0) return resolve();
    process.stdout.write(text, () => resolve());
  });
}

/** Writes text or chunks of it to stdout, waiting for each chunk, so memory stays bounded. */
export async function writeStdout(content: string | Iterable<string>): Promise<void> {
  if (typeof content === 'string') return writeOnce(content);
  for (const chunk of content) await writeOnce(chunk);
}

/** `sarif=out/report.sarif` → the formatter and the file. */
export function parseOutputSpec(spec: string): { formatter: Formatter; file: string } {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) throw new InputError(`--output ${spec}: expected FORMAT=FILE, e.g. sarif=report.sarif`);
  const id = spec.slice(0, eq);
  const file = spec.slice(eq + 1);
  const formatter = findFormatter(id);
  if (!formatter) throw new InputError(`--output ${spec}: unknown format ${id} (one of ${FORMATTERS.map((f) => f.id).join(', ')})`);
  checkWritable(file);
  return { formatter, file };
}
