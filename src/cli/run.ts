/**
 * One abort signal for the whole run, fed by `--timeout` and by SIGINT, SIGTERM and SIGHUP; and the
 * errors that end a run with a code other than the report's.
 */

/** The shell's convention, 128 + the signal number: what a CI runner expects from an interrupted job. */
export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
export type HandledSignal = keyof typeof SIGNAL_EXIT;
export const HANDLED_SIGNALS = Object.keys(SIGNAL_EXIT) as HandledSignal[];

/** Ends the run with one line on stderr and this exit code (no stack trace, no report). */
export class ExitError extends Error {
  override readonly name = 'ExitError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const controller = new AbortController();
let timer: NodeJS.Timeout | undefined;

/** The run's signal: every request, the evaluation and every write listen to it. */
export const runSignal: AbortSignal = controller.signal;

/** Starts the whole-run limit; the timer does not keep the process alive. */
export function startRunTimeout(seconds: number): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => controller.abort(new DOMException(`--timeout ${seconds}s elapsed`, 'TimeoutError')), seconds * 1000);
  timer.unref();
}

let interruptedNote: (() => string | undefined) | undefined;

/** What an interrupted run leaves behind when it is not nothing (`collect --out-dir`'s finished accounts). */
export function setInterruptedNote(note: (() => string | undefined) | undefined): void {
  interruptedNote = note;
}

/** The line an interrupted run ends with. */
export function interruptedLine(signal: HandledSignal): string {
  return `interrupted (${signal}): ${interruptedNote?.() ?? 'no report file was written'}`;
}

/** A signal arrived: whatever is in flight stops (the caller then cleans up and exits). */
export function interruptRun(signal: HandledSignal): void {
  controller.abort(new DOMException(`interrupted by ${signal}`, 'AbortError'));
}

/** Gives the event loop a turn (signals, timers) in the middle of long synchronous work. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const IO_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a component of the path is not a directory',
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'file name too long',
};

/** `ENOSPC (no space left on device)`: one line for a failed file-system call. */
export function ioReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code) return IO_REASONS[code] ? `${code} (${IO_REASONS[code]})` : code;
  return error instanceof Error ? error.message.split('\n')[0] ?? 'unknown error' : String(error);
}
