/**
 * Helpers for CLI tests that need more than `runCli`: a child whose stdout goes to a file descriptor
 * (e.g. /dev/full) or nowhere, whose stderr can be watched while it runs, and the check that no exit
 * path prints a stack trace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { expect } from 'vitest';
import { BIN, ROOT, STACK_FRAME, type CliResult } from '../helpers/cli.js';

/** Every exit path prints one clear line, never a stack trace. */
export function expectNoStackTrace(result: Pick<CliResult, 'stderr'>): void {
  expect(result.stderr, 'stderr has a stack trace').not.toMatch(STACK_FRAME);
}

export interface WatchedRun extends CliResult {
  /** Milliseconds from `markSignalled()` (or spawn) to exit. */
  exitedAfterMs: number;
}

export interface WatchOptions {
  env?: Record<string, string | undefined>;
  /** Where stdout goes: a file to open for writing (e.g. /dev/full), or `ignore`. Default: captured. */
  stdoutTo?: string | 'ignore';
  /** Called with everything written to stderr so far, each time more arrives. */
  onStderr?: (stderr: string, child: ChildProcess, markSignalled: () => void) => void;
  timeoutMs?: number;
  /** Command and arguments that run the CLI (default: node with the built bin), e.g. under `unshare`. */
  wrap?: (node: string, bin: string) => string[];
}

/** Runs the built CLI, checking that it never prints a stack trace. */
export function runWatched(args: string[], options: WatchOptions = {}): Promise<WatchedRun> {
  const fd = options.stdoutTo && options.stdoutTo !== 'ignore' ? openSync(options.stdoutTo, 'w') : undefined;
  const [command, ...prefix] = options.wrap?.(process.execPath, BIN) ?? [process.execPath, BIN];
  return new Promise((resolve, reject) => {
    const child = spawn(command as string, [...prefix, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...options.env },
      stdio: ['ignore', fd ?? (options.stdoutTo === 'ignore' ? 'ignore' : 'pipe'), 'pipe'],
    });
    if (fd !== undefined) closeSync(fd);
    let stdout = '';
    let stderr = '';
    let from = Date.now();
    const markSignalled = () => (from = Date.now());
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onStderr?.(stderr, child, markSignalled);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code, signal, stdout, stderr, exitedAfterMs: Date.now() - from };
      expectNoStackTrace(result);
      resolve(result);
    });
  });
}
