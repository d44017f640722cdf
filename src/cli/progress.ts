/**
 * The progress line on stderr: one line redrawn in place with `\r`, cleared at the end. Only for a
 * terminal — the caller decides (stderr is a TTY and not --quiet); when stderr is a file or a pipe,
 * nothing of this is ever written.
 */
import type { CollectProgress } from '../evidence/collect/progress.js';

export interface ProgressStream {
  write(text: string): unknown;
  columns?: number | undefined;
}

export interface ProgressLine {
  update(progress: CollectProgress): void;
  /** Writes a log line above the progress line. */
  log(line: string): void;
  /** Removes the line and stops redrawing. */
  clear(): void;
}

const REDRAW_MS = 100;
const CLEAR_LINE = '\r\u001b[K';
const active = new Set<ProgressLine>();

/** For SIGINT: leave the terminal on a clean line. */
export function clearProgressLines(): void {
  for (const line of [...active]) line.clear();
}

function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m${String(seconds % 60).padStart(2, '0')}s` : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** `accounts 2/3, instances 14/20, 312 requests, 4 throttled, 41s elapsed, ~20s left`. */
export function progressText(progress: CollectProgress, elapsedMs: number): string {
  const { accounts, instances } = progress;
  const parts = [
    ...(accounts.total > 1 ? [`accounts ${accounts.done}/${accounts.total}`] : []),
    `instances ${instances.done}/${instances.total}`,
    `${progress.requests} requests`,
    `${progress.throttled} throttled`,
    `${duration(elapsedMs)} elapsed`,
  ];
  // Rough: the instances left at the pace so far (more may still be found in accounts not listed yet).
  if (instances.done > 0 && instances.done < instances.total) {
    parts.push(`~${duration((elapsedMs * (instances.total - instances.done)) / instances.done)} left`);
  }
  return parts.join(', ');
}

export function createProgressLine(stream: ProgressStream, now: () => number = Date.now): ProgressLine {
  const started = now();
  let latest: CollectProgress | undefined;
  let drawnAt = -Infinity;
  let shown = false;
  let closed = false;
  const draw = () => {
    if (closed || !latest) return;
    // Never wider than the terminal: a wrapped line cannot be redrawn with `\r`.
    const width = Math.max(20, (stream.columns !== undefined && stream.columns > 0 ? stream.columns : 80) - 1);
    stream.write(`${CLEAR_LINE}${progressText(latest, now() - started).slice(0, width)}`);
    drawnAt = now();
    shown = true;
  };
  // Elapsed time and the estimate move even while every request waits for its turn.
  const ticker = setInterval(draw, 1000);
  ticker.unref();
  const line: ProgressLine = {
    update(progress) {
      latest = progress;
      if (now() - drawnAt >= REDRAW_MS) draw();
    },
    log(text) {
      if (closed) {
        stream.write(`${text}\n`);
        return;
      }
      stream.write(`${shown ? CLEAR_LINE : ''}${text}\n`);
      shown = false;
      draw();
    },
    clear() {
      if (closed) return;
      closed = true;
      clearInterval(ticker);
      active.delete(line);
      if (shown) stream.write(CLEAR_LINE);
    },
  };
  active.add(line);
  return line;
}
