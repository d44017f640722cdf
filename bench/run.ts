/**
 * `npm run bench [-- --quick] [-- --only startup,offline,live,formats,wildcards,signals,org,memory,plan] [-- --out FILE] [-- --merge]`
 *
 * Builds nothing itself (the npm script builds dist/ and dist-bench/ first), then measures:
 *   (a) start-up of the CLI against `node -e 0`;
 *   (b) offline audits of generated evidence with 10, 100 and 1,000 instances;
 *   (c) live audits against the local AWS emulator with AWS's default Connect rate limits: one
 *       account with 1, 10 and 50 instances per region, and one process over 100 accounts;
 *   (d) every output format on 10,000 generated instances (2,000 with --quick);
 *   (e) hostile wildcard input judged in-process: 20 KB adversarial bucket policies and a
 *       10,000-character waiver glob, each under 50 ms;
 *   (f) SIGINT, SIGTERM and SIGHUP while 10,000 instances (2,000 with --quick) load, are judged and
 *       are written: each answered within a second (130, 143, 129), no file left;
 *   (g) an organisation in one process: 100 and 1,000 accounts × 3 regions (most without Connect,
 *       some with 1–20 instances), at the default --concurrency with and without a CPU-load thread
 *       in the CLI, and 1,000 accounts at --concurrency 16, 32, 64 (`--org-accounts 100,1000`,
 *       `--org-concurrency 16,32,64` choose; --quick: 30 accounts of at most 3 instances).
 *   (h) memory: peak RSS of collect --out-dir, collect --out and a live audit over 100 and 1,000
 *       accounts × 3 regions of at most 5 instances (--quick: 20 and 60 of at most 3).
 *   (i) plan mode: `audit --terraform-plan` of a generated 5,000-resource Terraform plan (100 Connect
 *       instances) and its .tf files, end to end, under 2 s (--quick: one run instead of three).
 * Prints tables of ratios and writes bench/results.json (bench/results.quick.json with --quick, so a
 * quick run never overwrites the full results). With --merge, the sections measured replace theirs in
 * the existing file and the others are kept (`sections` records when and at which commit each was
 * measured).
 *
 * --quick skips the 50-instance live case and takes fewer samples.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, tmpdir, totalmem, type as osType } from 'node:os';
import { join, relative } from 'node:path';
import { benchFormats, printFormats, type FormatsResult } from './lib/formats.js';
import { benchLive, type LiveResult } from './lib/live.js';
import { benchOffline, type OfflineResult } from './lib/offline.js';
import { benchMemory, printMemory, type MemoryResult } from './lib/memory.js';
import { benchOrg, printOrg, type OrgResult, type OrgSize } from './lib/org.js';
import { ROOT } from './lib/paths.js';
import { benchPlan, PLAN_INSTANCES, printPlan, type PlanResult } from './lib/plan.js';
import { benchSignals, printSignals, type SignalResult } from './lib/signals.js';
import { benchStartup, type StartupResult } from './lib/startup.js';
import { printLive, printOffline, printStartup } from './lib/table.js';
import { benchWildcards, printWildcards, type WildcardResult } from './lib/wildcards.js';

type Section = 'startup' | 'offline' | 'live' | 'formats' | 'wildcards' | 'signals' | 'org' | 'memory' | 'plan';
const SECTIONS: readonly Section[] = ['startup', 'offline', 'live', 'formats', 'wildcards', 'signals', 'org', 'memory', 'plan'];

interface Args {
  quick: boolean;
  only: Section[];
  out: string;
  merge: boolean;
  orgAccounts?: number[];
  orgConcurrency?: number[];
}

function numbers(flag: string, text: string): number[] {
  const list = text.split(',').map((item) => Number(item.trim()));
  if (list.length === 0 || !list.every((n) => Number.isInteger(n) && n > 0)) throw new Error(`${flag} takes a list of positive whole numbers`);
  return list;
}

function parseArgs(argv: readonly string[]): Args {
  let quick = false;
  let only: Section[] = [...SECTIONS];
  let out: string | undefined;
  let merge = false;
  let orgAccounts: number[] | undefined;
  let orgConcurrency: number[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? '';
    if (name === '--quick') quick = true;
    else if (name === '--only') {
      only = value()
        .split(',')
        .map((s) => s.trim())
        .filter((s): s is Section => (SECTIONS as readonly string[]).includes(s));
      if (only.length === 0) throw new Error(`--only takes a list of ${SECTIONS.join(', ')}`);
    } else if (name === '--out') out = value();
    else if (name === '--merge') merge = true;
    else if (name === '--org-accounts') orgAccounts = numbers(name, value());
    else if (name === '--org-concurrency') orgConcurrency = numbers(name, value());
    else if (name === '--help' || name === '-h') {
      process.stdout.write(
        `usage: npm run bench [-- --quick] [--only ${SECTIONS.join(',')}] [--out FILE] [--merge] [--org-accounts 100,1000] [--org-concurrency 16,32,64]\n`,
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  return {
    quick,
    only,
    merge,
    out: out ?? join(ROOT, 'bench', quick ? 'results.quick.json' : 'results.json'),
    ...(orgAccounts ? { orgAccounts } : {}),
    ...(orgConcurrency ? { orgConcurrency } : {}),
  };
}

function gitCommit(): { commit?: string; dirty?: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const status = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { commit, dirty: status.trim() !== '' };
  } catch {
    return {};
  }
}

function machine() {
  const cpu = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${osType()} ${release()} ${process.arch}`,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    /** 1-minute load average when the run started and ended: other work on the machine skews timings. */
    loadAverage: { start: Math.round((loadavg()[0] ?? 0) * 100) / 100, end: Number.NaN },
  };
}

/**
 * The file at `out` with the sections measured now in place of its own, and `sections` saying when
 * and at which commit each of them was measured; the rest of the file as it was.
 */
function merged(out: string, results: { generatedAt: string; git: unknown; durationS?: number } & Partial<Record<Section, unknown>>, measured: readonly Section[]): unknown {
  if (!existsSync(out)) return results;
  const previous = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown> & { sections?: Record<string, unknown> };
  const sections: Record<string, unknown> = { ...(previous.sections ?? {}) };
  const next: Record<string, unknown> = { ...previous };
  for (const section of measured) {
    if (results[section] === undefined) continue;
    next[section] = results[section];
    sections[section] = { generatedAt: results.generatedAt, git: results.git, durationS: results.durationS };
  }
  next.sections = sections;
  return next;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'cna-bench-'));
  const startedAt = new Date();
  const results: {
    schemaVersion: 1;
    generatedAt: string;
    quick: boolean;
    durationS?: number;
    machine: ReturnType<typeof machine>;
    git: ReturnType<typeof gitCommit>;
    startup?: StartupResult;
    offline?: OfflineResult;
    live?: LiveResult;
    formats?: FormatsResult;
    wildcards?: WildcardResult;
    signals?: SignalResult;
    org?: OrgResult;
    memory?: MemoryResult;
    plan?: PlanResult;
  } = { schemaVersion: 1, generatedAt: startedAt.toISOString(), quick: args.quick, machine: machine(), git: gitCommit() };
  log(`${results.machine.cpuModel}, ${results.machine.cores} cores, Node ${results.machine.node}${args.quick ? ' (quick)' : ''}`);
  try {
    if (args.only.includes('startup')) {
      results.startup = await benchStartup(args.quick ? 15 : 25, log);
      printStartup(results.startup);
    }
    if (args.only.includes('offline')) {
      results.offline = await benchOffline(args.quick ? 3 : 7, dir, log);
      printOffline(results.offline);
    }
    if (args.only.includes('live')) {
      results.live = await benchLive(args.quick ? [1, 10] : [1, 10, 50], { accounts: 100, concurrency: [8, 32] }, dir, log);
      printLive(results.live);
    }
    if (args.only.includes('formats')) {
      results.formats = await benchFormats(args.quick ? 2000 : 10_000, args.quick ? 1 : 3, dir, log);
      printFormats(results.formats);
    }
    if (args.only.includes('wildcards')) {
      results.wildcards = benchWildcards(args.quick ? 5 : 15, log);
      printWildcards(results.wildcards);
    }
    if (args.only.includes('signals')) {
      results.signals = await benchSignals(args.quick ? 2000 : 10_000, dir, log);
      printSignals(results.signals);
    }
    if (args.only.includes('org')) {
      const sizes: OrgSize[] = args.quick ? [{ accounts: 30, maxInstances: 3 }] : (args.orgAccounts ?? [100, 1000]).map((accounts) => ({ accounts }));
      results.org = await benchOrg({ sizes, concurrency: args.quick ? [] : (args.orgConcurrency ?? [16, 32, 64]) }, dir, log);
      printOrg(results.org);
    }
    if (args.only.includes('memory')) {
      results.memory = await benchMemory(args.quick ? [20, 60] : [100, 1000], args.quick ? 3 : 5, dir, log);
      printMemory(results.memory);
    }
    if (args.only.includes('plan')) {
      results.plan = await benchPlan(args.quick ? 1 : 3, PLAN_INSTANCES, dir, log);
      printPlan(results.plan);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  results.durationS = Math.round((Date.now() - startedAt.getTime()) / 1000);
  results.machine.loadAverage.end = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const temporary = `${args.out}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(args.merge ? merged(args.out, results, args.only) : results, null, 2)}\n`);
  renameSync(temporary, args.out);
  process.stdout.write(`\nresults: ${relative(process.cwd(), args.out) || args.out} (${results.durationS} s)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
