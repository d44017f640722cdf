/**
 * Where reports and evidence go: stdout (a closed pipe is not a crash) and regular files, written
 * atomically through symlinks. Every path is checked before the run starts (exit 2); writes are
 * abortable and leave no temporary file behind on any exit path.
 */
import { closeSync, lstatSync, openSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { abortError, InputError } from '../errors.js';
import { findFormatter, FORMATTERS, type Formatter } from '../formats/index.js';
import { EXIT } from '../report/exit-code.js';
import { ExitError, ioReason, yieldToEventLoop } from './run.js';

const pendingTemporaries = new Set<string>();

/** Removes temporary files of writes that did not finish (signals, errors, process exit). */
export function removePendingTemporaries(): void {
  for (const file of pendingTemporaries) rmSync(file, { force: true });
  pendingTemporaries.clear();
}

/** A file the run will write: as the user named it, and the regular file it really is. */
export interface OutputTarget {
  /** How the user named it, for messages: `--output json=report.json`. */
  label: string;
  /** The file written: symlinks followed, relative paths resolved. */
  path: string;
  /** The existing file's permission bits, kept by the new one. */
  mode?: number;
}

const MAX_SYMLINKS = 40;

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function statOrUndefined(path: string, label: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`${label}: ${ioReason(error)}`);
  }
}

/** Follows symlinks (dangling ones too: the file they name is created) to the file really written. */
function followLinks(file: string, label: string): string {
  let current = resolve(file);
  for (let i = 0; i < MAX_SYMLINKS; i++) {
    const stats = statOrUndefined(current, label, false);
    if (!stats?.isSymbolicLink()) return current;
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw new InputError(`${label}: too many symbolic links`);
}

/**
 * Checks an output path before anything runs: a regular file or a new one, in an existing directory
 * where a file can be created. A symlink is written through: the target is replaced, not the link.
 */
export function resolveOutputTarget(file: string, label: string): OutputTarget {
  const followed = followLinks(file, label);
  let dir: string;
  try {
    dir = realpathSync(dirname(followed));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${label}: directory ${dirname(followed)} ${code === 'ENOENT' ? 'does not exist' : `cannot be used: ${ioReason(error)}`}`);
  }
  if (!statSync(dir).isDirectory()) throw new InputError(`${label}: ${dir} is not a directory`);
  const path = join(dir, basename(followed));
  const existing = statOrUndefined(path, label, true);
  if (existing && !existing.isFile()) throw new InputError(`${label}: ${path} is ${kindOf(existing)}; reports and evidence are written only to regular files`);
  probeDirectory(path, label);
  return { label, path, ...(existing ? { mode: existing.mode & 0o777 } : {}) };
}

function temporaryFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}.tmp`);
}

/** Creates and removes a file beside the target: permission, read-only and missing-space errors show now. */
function probeDirectory(path: string, label: string): void {
  const probe = temporaryFor(path);
  try {
    closeSync(openSync(probe, 'wx', 0o600));
  } catch (error) {
    throw new InputError(`${label}: cannot create a file in ${dirname(path)}: ${ioReason(error)}`);
  } finally {
    rmSync(probe, { force: true });
  }
}

/** The file an input path names (symlinks resolved), or undefined when it does not exist. */
function identity(path: string): { path: string; stats?: Stats } {
  try {
    const real = realpathSync(path);
    return { path: real, stats: statSync(real) };
  } catch {
    return { path: resolve(path) };
  }
}

const sameFile = (a: { path: string; stats?: Stats }, b: { path: string; stats?: Stats }) =>
  a.path === b.path || (a.stats !== undefined && b.stats !== undefined && a.stats.dev === b.stats.dev && a.stats.ino === b.stats.ino);

/**
 * No output may be an input of the run (the evidence or config being read) nor another output:
 * symlinks, relative paths and hard links are all seen through.
 */
export function checkDistinctOutputs(outputs: readonly OutputTarget[], inputs: readonly { label: string; file: string | undefined }[]): void {
  const seen: { label: string; id: { path: string; stats?: Stats } }[] = inputs.flatMap(({ label, file }) => (file === undefined ? [] : [{ label, id: identity(file) }]));
  const inputCount = seen.length;
  for (const output of outputs) {
    const id = identity(output.path);
    const clash = seen.findIndex((other) => sameFile(other.id, id));
    if (clash >= 0) {
      const other = seen[clash] as { label: string };
      throw new InputError(
        clash < inputCount
          ? `${output.label}: is the same file as ${other.label}, which the run reads; choose another output path`
          : `${output.label}: is the same file as ${other.label}; each output needs its own path`,
      );
    }
    seen.push({ label: output.label, id });
  }
}

const BUFFER_BYTES = 1 << 18;
/** UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 for 2). */
const MAX_BYTES_PER_UNIT = 3;
const PART_UNITS = Math.floor(BUFFER_BYTES / MAX_BYTES_PER_UNIT);
const YIELD_MS = 20;

/** `text` in parts that fit the buffer, never splitting a surrogate pair (its halves would each become U+FFFD). */
function* parts(text: string): Iterable<string> {
  if (text.length <= PART_UNITS) {
    yield text;
    return;
  }
  for (let from = 0; from < text.length; ) {
    let to = Math.min(text.length, from + PART_UNITS);
    const last = text.charCodeAt(to - 1);
    if (to < text.length && last >= 0xd800 && last <= 0xdbff) to--;
    yield text.slice(from, to);
    from = to;
  }
}

/**
 * Encodes `content` piece by piece into one reused buffer and hands it to `write` whenever the next
 * piece might not fit, giving the event loop a turn at least every 20 ms so that signals and
 * `--timeout` are honoured while a large report is produced. Encoding each piece where it goes
 * costs a tenth of joining pieces into larger strings and converting those: a 200 MB report's pieces
 * would otherwise be copied twice more.
 */
async function pump(content: string | Iterable<string>, signal: AbortSignal, write: (bytes: Buffer) => Promise<void>): Promise<void> {
  const pieces: Iterable<string> = typeof content === 'string' ? [content] : content;
  const buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  let used = 0;
  let turn = Date.now();
  const flush = async () => {
    // `write` is done with the bytes when it resolves: the buffer is then reused.
    if (used > 0) await write(buffer.subarray(0, used));
    used = 0;
    turn = Date.now();
  };
  for (const piece of pieces) {
    if (signal.aborted) throw abortError(signal, 'Writing the report');
    for (const part of parts(piece)) {
      if (used + part.length * MAX_BYTES_PER_UNIT > BUFFER_BYTES) await flush();
      used += buffer.write(part, used);
    }
    if (Date.now() - turn >= YIELD_MS) {
      await yieldToEventLoop();
      turn = Date.now();
    }
  }
  if (signal.aborted) throw abortError(signal, 'Writing the report');
  await flush();
}

/** A file fully written to its temporary, waiting for `commitFile` to rename it onto its target. */
export interface StagedFile {
  target: OutputTarget;
  temporary: string;
}

/** Writes `content` to a temporary file in the target's own directory (so the rename is atomic). */
export async function stageFile(target: OutputTarget, content: string | Iterable<string>, signal: AbortSignal): Promise<StagedFile> {
  const temporary = temporaryFor(target.path);
  pendingTemporaries.add(temporary);
  try {
    const handle = await open(temporary, 'wx', target.mode ?? 0o644);
    try {
      await pump(content, signal, async (bytes) => {
        for (let offset = 0; offset < bytes.length; ) offset += (await handle.write(bytes, offset)).bytesWritten;
      });
      if (target.mode !== undefined) await handle.chmod(target.mode);
    } finally {
      await handle.close();
    }
    return { target, temporary };
  } catch (error) {
    discardFile({ target, temporary });
    throw error;
  }
}

/** Renames the temporary onto the target: readers see the old file or the new one, never half. */
export function commitFile(staged: StagedFile): void {
  try {
    renameSync(staged.temporary, staged.target.path);
  } finally {
    discardFile(staged);
  }
}

export function discardFile(staged: StagedFile): void {
  rmSync(staged.temporary, { force: true });
  pendingTemporaries.delete(staged.temporary);
}

/** `stageFile` then `commitFile`. */
export async function writeFileAtomic(target: OutputTarget, content: string | Iterable<string>, signal: AbortSignal): Promise<void> {
  commitFile(await stageFile(target, content, signal));
}

let stdoutClosed = false;

function writeOnce(bytes: Buffer): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    if (stdoutClosed) return resolvePromise();
    process.stdout.write(bytes, (error) => {
      // `| head` closed the pipe: the reader has what it wanted, which is not a failure.
      if ((error as NodeJS.ErrnoException | null | undefined)?.code === 'EPIPE') stdoutClosed = true;
      else if (error) return reject(new ExitError(`stdout: cannot write: ${ioReason(error)}`, EXIT.usage));
      resolvePromise();
    });
  });
}

/** Writes text or chunks of it to stdout, waiting for each batch, so memory stays bounded. */
export async function writeStdout(content: string | Iterable<string>, signal: AbortSignal = new AbortController().signal): Promise<void> {
  await pump(content, signal, writeOnce);
}

/** `sarif=out/report.sarif` → the formatter and the file it goes to. */
export function parseOutputSpec(spec: string): { formatter: Formatter; target: OutputTarget } {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) throw new InputError(`--output ${spec}: expected FORMAT=FILE, e.g. sarif=report.sarif`);
  const id = spec.slice(0, eq);
  const formatter = findFormatter(id);
  if (!formatter) throw new InputError(`--output ${spec}: unknown format ${id} (one of ${FORMATTERS.map((f) => f.id).join(', ')})`);
  return { formatter, target: resolveOutputTarget(spec.slice(eq + 1), `--output ${spec}`) };
}
