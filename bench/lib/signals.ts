/**
 * (f) Signals at every phase of a large offline audit: SIGINT, SIGTERM and SIGHUP sent while the
 * evidence loads, while it is judged and while the report is written; each must end the process
 * within a second with 130, 143 or 129 and leave no file in the output directory.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateEvidence, offlineOptions } from './generate.js';
import { baseEnv, round } from './measure.js';
import { BIN, ROOT } from './paths.js';
import { table } from './table.js';

export const SIGNAL_TARGET_MS = 1000;
const SIGNALS = [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const;
/** When to send: a delay after spawn (loading), or after the `--verbose` line that starts a phase. */
const PHASES = [
  { phase: 'loading', marker: undefined, delayMs: 450 },
  { phase: 'judging', marker: 'judging the evidence', delayMs: 300 },
  { phase: 'rendering', marker: 'writing the report', delayMs: 300 },
] as const;

export interface SignalCase {
  signal: string;
  phase: string;
  expectedCode: number;
  code: number | null;
  /** From the signal to the process's exit. */
  exitMs: number;
  /** The phase had really been reached, and the next one not yet, when the signal arrived. */
  inPhase: boolean;
  filesLeft: number;
}

export interface SignalResult {
  instances: number;
  cases: SignalCase[];
  target: string;
  targetMet: boolean;
}

function signalCase(snapshot: string, out: string, signal: (typeof SIGNALS)[number], phase: (typeof PHASES)[number]): Promise<SignalCase> {
  const args = [BIN, 'audit', '--snapshot', snapshot, '--verbose', '--format', 'json', '--output', `html=${join(out, 'r.html')}`, '--output', `sarif=${join(out, 'r.sarif')}`];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: baseEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let sentAt: number | undefined;
    let stderrAtSignal = '';
    const send = () => {
      sentAt = performance.now();
      stderrAtSignal = stderr;
      child.kill(signal[0]);
    };
    if (phase.marker === undefined) setTimeout(send, phase.delayMs);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (phase.marker !== undefined && sentAt === undefined && stderr.includes(phase.marker)) {
        sentAt = Number.POSITIVE_INFINITY;
        setTimeout(send, phase.delayMs);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const next = PHASES[PHASES.indexOf(phase) + 1]?.marker;
      const reached = phase.marker === undefined || stderrAtSignal.includes(phase.marker);
      resolve({
        signal: signal[0],
        phase: phase.phase,
        expectedCode: signal[1],
        code,
        exitMs: sentAt === undefined || !Number.isFinite(sentAt) ? Number.NaN : round(performance.now() - sentAt, 0),
        inPhase: reached && (next === undefined || !stderrAtSignal.includes(next)),
        filesLeft: readdirSync(out).length,
      });
    });
  });
}

export async function benchSignals(instances: number, dir: string, log: (line: string) => void): Promise<SignalResult> {
  const snapshot = join(dir, `signals-${instances}.json`);
  writeFileSync(snapshot, JSON.stringify(generateEvidence(offlineOptions(instances))));
  const cases: SignalCase[] = [];
  for (const phase of PHASES) {
    for (const signal of SIGNALS) {
      log(`signals: ${signal[0]} while ${phase.phase}, ${instances} instances`);
      const out = join(dir, `signals-${signal[0]}-${phase.phase}`);
      mkdirSync(out);
      cases.push(await signalCase(snapshot, out, signal, phase));
    }
  }
  return {
    instances,
    cases,
    target: `exit ${SIGNALS.map(([s, c]) => `${c} (${s})`).join(', ')} within ${SIGNAL_TARGET_MS} ms of the signal, no file left`,
    targetMet: cases.every((c) => c.code === c.expectedCode && c.exitMs < SIGNAL_TARGET_MS && c.filesLeft === 0),
  };
}

export function printSignals(result: SignalResult): void {
  const rows = result.cases.map((c) => [
    c.signal,
    `${c.phase}${c.inPhase ? '' : ' (missed the phase)'}`,
    c.code === c.expectedCode ? String(c.code) : `${String(c.code)} (expected ${c.expectedCode})`,
    `${c.exitMs} ms`,
    String(c.filesLeft),
  ]);
  const notes = [`target: ${result.target} — ${result.targetMet ? 'met' : 'MISSED'}`];
  process.stdout.write(`${table(`(f) signals during an offline audit of ${result.instances.toLocaleString('en')} instances`, ['signal', 'phase', 'exit', 'signal → exit', 'files left'], rows, notes)}\n`);
}
