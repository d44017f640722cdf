/**
 * (a) Start-up: wall time of the CLI's cheapest commands against a bare `node -e 0`, interleaved
 * round by round so that drift of the machine touches every command alike.
 */
import { baseEnv, run, summarise, type Summary } from './measure.js';
import { BIN, DEMO, ROOT } from './paths.js';

export interface StartupCommand {
  name: string;
  argv: string[];
  wallMs: Summary;
  /** Median over the median of `node -e 0`. */
  ratio: number;
}

export interface StartupResult {
  runs: number;
  commands: StartupCommand[];
  target: string;
  targetMet: boolean;
}

const COMMANDS: Array<{ name: string; argv: string[] }> = [
  { name: 'node -e 0', argv: ['-e', '0'] },
  { name: '--version', argv: [BIN, '--version'] },
  { name: 'rules', argv: [BIN, 'rules'] },
  { name: 'audit --snapshot demo --format json', argv: [BIN, 'audit', '--snapshot', DEMO, '--format', 'json'] },
];

export async function benchStartup(runs: number, log: (line: string) => void): Promise<StartupResult> {
  const times = new Map<string, number[]>(COMMANDS.map((c) => [c.name, []]));
  // One warm-up round (file cache), not counted.
  for (let round = -1; round < runs; round++) {
    for (const command of COMMANDS) {
      const result = await run(process.execPath, command.argv, { cwd: ROOT, env: baseEnv() });
      if (result.code !== 0 && !(command.name.startsWith('audit') && result.code === 1)) {
        throw new Error(`${command.name} exited ${result.code}: ${result.stderr}`);
      }
      if (round >= 0) times.get(command.name)?.push(result.wallMs);
    }
  }
  const baseline = summarise(times.get('node -e 0') ?? []).median;
  const commands = COMMANDS.map((command) => {
    const wallMs = summarise(times.get(command.name) ?? []);
    return { name: command.name, argv: command.argv.map((a) => a.replace(`${ROOT}/`, '')), wallMs, ratio: Math.round((wallMs.median / baseline) * 100) / 100 };
  });
  for (const c of commands) log(`start-up ${c.name}: median ${c.wallMs.median} ms (${c.ratio}×)`);
  const version = commands.find((c) => c.name === '--version');
  return { runs, commands, target: '--version within 2× of node -e 0', targetMet: (version?.ratio ?? Infinity) <= 2 };
}
