/** Running a command as a child process and timing it; small statistics helpers. */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Where stdout goes; default: discarded. */
  stdoutFile?: string;
  /** Preload module (absolute path) that writes a probe file; see probe.ts. */
  probe?: { module: string; file: string };
  timeoutMs?: number;
}

export interface Probe {
  maxRssKiB: number;
  userCpuMs: number;
  systemCpuMs: number;
  uptimeMs: number;
  involuntaryContextSwitches?: number;
  /** The CPU-load thread of $BENCH_CPU_LOAD (probe.ts): its duty cycle and its own CPU time. */
  cpuLoad?: { duty: number; cpuMs: number };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From just before spawn to the child's exit with every stream closed. */
  wallMs: number;
  stderr: string;
  probe?: Probe;
}

/** A child environment without the caller's AWS or Node settings: only what a user's shell would give. */
export function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', NO_COLOR: '1', ...extra };
}

export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const stdoutFd = options.stdoutFile ? openSync(options.stdoutFile, 'w') : undefined;
  const probe = options.probe;
  if (probe) rmSync(probe.file, { force: true });
  const argv = probe ? ['--import', probe.module, ...args] : [...args];
  const env = { ...(options.env ?? baseEnv()), ...(probe ? { BENCH_PROBE_FILE: probe.file } : {}) };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, argv, {
      cwd: options.cwd,
      env,
      stdio: ['ignore', stdoutFd ?? 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString();
    });
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('error', (error) => {
      if (stdoutFd !== undefined) closeSync(stdoutFd);
      reject(error);
    });
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - started;
      if (timer) clearTimeout(timer);
      if (stdoutFd !== undefined) closeSync(stdoutFd);
      const result: RunResult = { code, signal, wallMs, stderr };
      if (probe && existsSync(probe.file)) result.probe = JSON.parse(readFileSync(probe.file, 'utf8')) as Probe;
      resolve(result);
    });
  });
}

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const a = sorted[lower] as number;
  const b = sorted[upper] as number;
  return a + (b - a) * (position - lower);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

export interface Summary {
  n: number;
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
}

export function summarise(values: readonly number[]): Summary {
  return {
    n: values.length,
    median: round(median(values)),
    p25: round(quantile(values, 0.25)),
    p75: round(quantile(values, 0.75)),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
  };
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
