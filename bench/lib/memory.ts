/**
 * (h) Memory at organisation scale: peak RSS of `collect --out-dir` (each account's file written as
 * soon as that account is read), `collect --out` (one document) and a live `audit --format json`, over
 * an organisation of 100 and 1,000 accounts × 3 regions (generateOrganisation, as in (g)) against the
 * emulator with its latency and Connect limits. Flat memory: `collect --out-dir` at 1,000 accounts
 * within a small constant of 100 accounts.
 *
 * Instances per account are capped (`maxInstances`, default 5) so that no single account-region's
 * Connect pacing makes a run last minutes: memory depends on how many accounts are held at once, not
 * on the busiest one.
 */
import { setMaxListeners } from 'node:events';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emulatorEnv } from '../../test/helpers/accounts.js';
import { startEmulator } from '../../test/emulator/index.js';
import { countInstances, generateOrganisation } from './generate.js';
import { AWS_CONNECT_LIMIT, LATENCY_MS, PAGE_SIZE } from './live.js';
import { baseEnv, round, run } from './measure.js';
import { ORG_REGIONS } from './org.js';
import { BIN, PROBE_MODULE, ROOT } from './paths.js';
import { table } from './table.js';

const SEED = 17;
const ROLE = 'arn:aws:iam::{accountId}:role/ConnectAuditor';
const EXTERNAL_ID = 'bench-memory-external-id';

export type MemoryCommand = 'collect --out-dir' | 'collect --out' | 'audit';
const COMMANDS: readonly MemoryCommand[] = ['collect --out-dir', 'collect --out', 'audit'];

export interface MemoryCase {
  accounts: number;
  instances: number;
  command: MemoryCommand;
  exitCode: number | null;
  wallMs: number;
  peakRssMiB: number;
  /** What the command wrote: the evidence files, or the JSON report. */
  outputMiB: number;
}

export interface MemoryResult {
  regions: string[];
  maxInstances: number;
  cases: MemoryCase[];
  /** Peak RSS at the largest size minus at the smallest, per command, MiB. */
  growthMiB: Partial<Record<MemoryCommand, number>>;
  target: string;
}

const mib = (bytes: number) => round(bytes / 2 ** 20, 1);

function outputBytes(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.size;
  return readdirSync(path).reduce((sum, name) => sum + statSync(join(path, name)).size, 0);
}

function argsOf(command: MemoryCommand, out: string): string[] {
  if (command === 'collect --out-dir') return ['collect', '--out-dir', out];
  if (command === 'collect --out') return ['collect', '--out', out];
  return ['audit', '--format', 'json'];
}

export async function benchMemory(sizes: readonly number[], maxInstances: number, dir: string, log: (line: string) => void): Promise<MemoryResult> {
  const cases: MemoryCase[] = [];
  for (const accounts of sizes) {
    const state = generateOrganisation({ accounts, regions: ORG_REGIONS, seed: SEED, maxInstances });
    const instances = countInstances(state);
    const caller = state.accounts[0]?.accountId ?? '';
    const accountsFile = join(dir, `memory-accounts-${accounts}.txt`);
    writeFileSync(accountsFile, `${state.accounts.map((a) => a.accountId).join('\n')}\n`);
    for (const command of COMMANDS) {
      // One abort listener per request in flight on the emulator's closing signal (see live.ts).
      setMaxListeners(256);
      const emulator = await startEmulator({ state, latencyMs: LATENCY_MS, pageSize: PAGE_SIZE, connectRate: AWS_CONNECT_LIMIT, requireExternalId: EXTERNAL_ID });
      const out = join(dir, `memory-${accounts}-${command.replace(/\W+/g, '-')}`);
      rmSync(out, { recursive: true, force: true });
      if (command === 'collect --out-dir') mkdirSync(out);
      const scope = [...ORG_REGIONS.flatMap((r) => ['--region', r]), '--accounts', accountsFile, '--role-arn', ROLE, '--external-id', EXTERNAL_ID];
      try {
        const result = await run(process.execPath, [BIN, ...argsOf(command, out), ...scope], {
          cwd: ROOT,
          env: baseEnv({
            ...emulatorEnv(emulator.url, caller),
            // For a heap snapshot or profile of a case, as in (c): BENCH_CLI_NODE_OPTIONS='--heapsnapshot-signal=SIGUSR2'.
            ...(process.env.BENCH_CLI_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_CLI_NODE_OPTIONS } : {}),
          }),
          ...(command === 'audit' ? { stdoutFile: out } : {}),
          probe: { module: PROBE_MODULE, file: join(dir, `memory-probe-${accounts}.json`) },
          timeoutMs: 30 * 60_000,
        });
        // An audit of this organisation fails some rules (exit 1); a collection succeeds.
        if (result.code !== 0 && !(command === 'audit' && result.code === 1)) throw new Error(`${command} over ${accounts} accounts exited ${result.code}: ${result.stderr.trim()}`);
        const measured: MemoryCase = {
          accounts,
          instances,
          command,
          exitCode: result.code,
          wallMs: round(result.wallMs),
          peakRssMiB: round((result.probe?.maxRssKiB ?? Number.NaN) / 1024, 1),
          outputMiB: mib(outputBytes(out)),
        };
        cases.push(measured);
        log(`memory ${command}, ${accounts} accounts (${instances} instances): peak RSS ${measured.peakRssMiB} MiB, ${measured.wallMs} ms`);
      } finally {
        await emulator.close();
        rmSync(out, { recursive: true, force: true });
      }
    }
  }
  const growthMiB: MemoryResult['growthMiB'] = {};
  const smallest = Math.min(...sizes);
  const largest = Math.max(...sizes);
  for (const command of COMMANDS) {
    const at = (n: number) => cases.find((c) => c.command === command && c.accounts === n)?.peakRssMiB ?? Number.NaN;
    growthMiB[command] = round(at(largest) - at(smallest), 1);
  }
  return { regions: ORG_REGIONS, maxInstances, cases, growthMiB, target: 'collect --out-dir: peak RSS at the largest size within a small constant of the smallest' };
}

export function printMemory(result: MemoryResult): void {
  const rows = result.cases.map((c) => [c.command, c.accounts.toLocaleString('en-US'), c.instances, `${(c.wallMs / 1000).toFixed(1)} s`, `${c.peakRssMiB} MiB`, `${c.outputMiB} MiB`]);
  const notes = [
    `${result.regions.length} regions, at most ${result.maxInstances} instances per account; emulator as in (g); the CLI's default --concurrency`,
    `peak RSS growth from the smallest to the largest size: ${COMMANDS.map((c) => `${c} ${result.growthMiB[c] ?? 'n/a'} MiB`).join(', ')}`,
    `target: ${result.target}`,
  ];
  process.stdout.write(`${table('(h) memory at organisation scale', ['command', 'accounts', 'instances', 'wall', 'peak RSS', 'written'], rows, notes)}\n`);
}
