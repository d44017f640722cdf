/** Runs the built CLI as a child process, the way a user does. `npm test` builds it first. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = resolve(ROOT, 'dist/src/cli/bin.js');
export const DEMO = resolve(ROOT, 'fixtures/demo-evidence.json');

/** A stack frame line, as Node prints them: `    at fn (file:line:col)`. */
export const STACK_FRAME = /^ {4}at /m;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  nodeArgs?: string[];
  /** Called with the child once it started (to send signals). */
  onSpawn?: (child: ReturnType<typeof spawn>) => void;
  timeoutMs?: number;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` (npm test does)`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Every exit path prints one clear line: a stack trace on stderr fails whichever test caused it.
      if (STACK_FRAME.test(stderr)) reject(new Error(`the CLI printed a stack trace (exit ${code}):\n${stderr}`));
      else resolvePromise({ code, signal, stdout, stderr });
    });
    options.onSpawn?.(child);
  });
}
