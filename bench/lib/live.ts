/**
 * (c) Live audits against the local AWS emulator: 25 ms per request, AWS's default Connect rate limit
 * (2 requests/s, burst 5, per API, account and region), Connect's page size of 10, every storage
 * resource type (the default scope).
 *
 * Single account: N instances in each of two regions, run with the tool's default pacing (2/s,
 * burst 4) and with pacing at the limit itself (--connect-rate 2 --connect-burst 5), on a fresh
 * emulator each time.
 *
 * Organisation: one process over many accounts (`--accounts FILE --role-arn … --external-id …`), one
 * instance in each of two regions per account, with the default and a larger `--concurrency`.
 */
import { setMaxListeners } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import type { EvidenceDocument } from '../../src/evidence/model.js';
import { STORAGE_RESOURCE_TYPES } from '../../src/paths/hops.js';
import { TUNING } from '../../src/scope/tuning.js';
import { startEmulator, type RequestLogEntry } from '../../test/emulator/index.js';
import { countInstances, generateEvidence } from './generate.js';
import { baseEnv, round, run, type RunResult } from './measure.js';
import { lowerBound, minimumRequests, type LowerBound } from './model.js';
import { BIN, PROBE_MODULE, ROOT } from './paths.js';

export const LATENCY_MS = 25;
export const PAGE_SIZE = 10;
export const AWS_CONNECT_LIMIT = { ratePerSecond: 2, burst: 5 };
/** The CLI's own default (no --concurrency flag given). */
export const DEFAULT_CONCURRENCY: number = TUNING.concurrency.fallback;
const REGIONS = ['eu-central-1', 'us-east-1'];
const EXTERNAL_ID = 'bench-external-id-0001';

export interface PacingSetting {
  label: string;
  ratePerSecond: number;
  burst: number;
  args: string[];
}

export const PACING: PacingSetting[] = [
  { label: 'default (2/s, burst 4)', ratePerSecond: 2, burst: 4, args: [] },
  { label: '--connect-rate 2 --connect-burst 5', ratePerSecond: 2, burst: 5, args: ['--connect-rate', '2', '--connect-burst', '5'] },
];

export interface LiveCase {
  kind: 'account' | 'organisation';
  accounts: number;
  /** The most instances of one account-region. */
  instancesPerRegion: number;
  instances: number;
  regions: string[];
  pacing: PacingSetting;
  concurrency: number;
  exitCode: number | null;
  /** Spawn to exit of the CLI process (start-up, collection, evaluation, report). */
  wallMs: number;
  /** First request's arrival at the emulator to the last one's answer (arrival + latency). */
  windowMs: number;
  lowerBound: LowerBound;
  /** wallMs / lowerBound.totalMs. */
  ratio: number;
  /** windowMs / lowerBound.totalMs. */
  windowRatio: number;
  /**
   * The binding key's requests at the emulator, ms after the first request: a key that starts late or
   * goes quiet (slots held elsewhere) shows here.
   */
  bindingKeySpan: { firstMs: number; lastMs: number; requests: number };
  /** The best the client's own pacing allows on the binding key: (n − burst) / pacing rate + chain. */
  pacingBoundMs: number;
  /** The rate term alone (rateMs + chainMs), whatever the concurrency, and wallMs over it. */
  rateBoundMs: number;
  rateRatio: number;
  requests: {
    sent: number;
    minimum: number;
    /** Sent beyond the minimum, throttled retries included. */
    beyondMinimum: number;
    throttled: number;
    /** Per `service:Operation`: [sent, minimum], only where they differ. */
    differences: Record<string, [number, number]>;
    /** Per `service:Operation`: throttled answers. */
    throttledByOperation: Record<string, number>;
    /** TCP connections the CLI opened to the emulator. */
    connections: number;
  };
  /**
   * CPU time of the CLI process (the load thread's own time taken out) and of the emulator (this
   * process), ms, in total and per request sent: is the machine the bottleneck?
   */
  cpu: { cliMs: number; cliMsPerRequest: number; emulatorMs: number; emulatorMsPerRequest: number; cores: number };
  /**
   * The machine while the CLI ran: the 1-minute load average sampled every 5 s (mean, max), and the
   * CLI's involuntary context switches (runnable but off the CPU). Other work on the machine lengthens
   * a CPU-bound run: read wall times beside these.
   */
  machine: { loadAverageMean: number; loadAverageMax: number; involuntaryContextSwitches: number };
  /** Peak RSS of the CLI process (getrusage maxRSS), MiB. */
  peakRssMiB: number;
  /** The CPU-load thread inside the CLI process (probe.ts), when on: duty cycle and its CPU time. */
  cpuLoad?: { duty: number; cpuMs: number };
  dependencyDepth: number;
  dependencyChain: string[];
  /** Report errors caused by throttling (target 0). */
  throttlingErrors: number;
  /** Findings whose status differs from an offline audit of the same state (should be 0). */
  verdictMismatches: number;
  findings: number;
}

export interface SkippedCase {
  kind: 'organisation';
  accounts: number;
  concurrency: number;
  skipped: string;
}

export interface LiveResult {
  emulator: { latencyMs: number; pageSize: number; connectLimit: { ratePerSecond: number; burst: number } };
  resourceTypes: number;
  cases: LiveCase[];
  organisation: Array<LiveCase | SkippedCase>;
  targets: { ratio: string; throttles: string; requests: string };
}

interface ReportShape {
  instances: unknown[];
  findings: Array<{ id: string; status: string }>;
  errors: Array<{ code?: string }>;
}

const THROTTLING = /Throttl|TooManyRequests|SlowDown|RateExceeded|LimitExceeded/i;

/** Offline verdicts per state file written in this run: one offline audit per generated state. */
const offlineVerdicts = new Map<string, Map<string, string>>();

function verdicts(report: ReportShape): Map<string, string> {
  return new Map(report.findings.map((f) => [f.id, f.status]));
}

function mismatches(a: Map<string, string>, b: Map<string, string>): number {
  let n = 0;
  for (const [id, status] of a) if (b.get(id) !== status) n++;
  for (const id of b.keys()) if (!a.has(id)) n++;
  return n;
}

function sentByOperation(requests: readonly RequestLogEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of requests) {
    const key = `${r.service}:${r.operation}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

function keySpan(requests: readonly RequestLogEntry[], key: string, origin: number): LiveCase['bindingKeySpan'] {
  const mine = requests.filter((r) => `${r.account}|${r.region}|${r.service}:${r.operation}` === key);
  const firstMs = mine.reduce((m, r) => Math.min(m, r.at - origin), Infinity);
  const lastMs = mine.reduce((m, r) => Math.max(m, r.at - origin), -Infinity);
  return { firstMs: round(firstMs), lastMs: round(lastMs), requests: mine.length };
}

export function liveState(instancesPerRegion: number, accounts = 1): EvidenceDocument {
  return generateEvidence({ instancesPerRegion, accounts, regions: REGIONS, seed: accounts === 1 ? 11 : 13, firstUsesDirectory: true });
}

export interface LiveRun {
  kind: LiveCase['kind'];
  state: EvidenceDocument;
  regions: readonly string[];
  /** Distinguishes the files of runs of different states. */
  tag: string;
  /** Duty cycle of the CPU-load thread started in the CLI process (probe.ts), if any. */
  cpuLoad?: number;
  pacing: PacingSetting;
  concurrency: number;
  /** Extra CLI arguments (scope, tuning). */
  args: string[];
  multiAccount: boolean;
  label: string;
}

class CliUsageError extends Error {}

export async function liveAudit(spec: LiveRun, dir: string, log: (line: string) => void): Promise<LiveCase> {
  const { state, tag } = spec;
  const accounts = state.accounts.length;
  const instancesPerRegion = Math.max(0, ...state.accounts.flatMap((a) => a.regions.map((r) => Object.keys(r.instances).length)));
  const caller = state.accounts[0]?.accountId ?? '';
  const stateFile = join(dir, `state-${tag}.json`);
  const minimum = minimumRequests(state, { pageSize: PAGE_SIZE, resourceTypes: STORAGE_RESOURCE_TYPES, multiAccount: spec.multiAccount });
  const bound = lowerBound(minimum, AWS_CONNECT_LIMIT, LATENCY_MS, spec.concurrency);

  // The offline verdicts of the same state (once per state): the live audit must reach the same ones.
  let offline = offlineVerdicts.get(stateFile);
  if (!offline) {
    writeFileSync(stateFile, JSON.stringify(state));
    const snapshotFile = join(dir, `snapshot-${tag}.json`);
    await run(process.execPath, [BIN, 'audit', '--snapshot', stateFile, '--format', 'json'], { cwd: ROOT, env: baseEnv(), stdoutFile: snapshotFile });
    offline = verdicts(JSON.parse(readFileSync(snapshotFile, 'utf8')) as ReportShape);
    offlineVerdicts.set(stateFile, offline);
  }

  // The emulator holds one abort listener per request in flight on its closing signal: with a large
  // --concurrency that is more than Node's default of 10, which is not a leak.
  setMaxListeners(256);
  const emulator = await startEmulator({
    state,
    latencyMs: LATENCY_MS,
    pageSize: PAGE_SIZE,
    connectRate: AWS_CONNECT_LIMIT,
    ...(spec.multiAccount ? { requireExternalId: EXTERNAL_ID } : {}),
  });
  const reportFile = join(dir, `report-${tag}.json`);
  const regions = [...spec.regions];
  let result: RunResult;
  const cpuBefore = process.cpuUsage();
  const loads: number[] = [loadavg()[0] ?? 0];
  const sampler = setInterval(() => loads.push(loadavg()[0] ?? 0), 5000);
  let emulatorCpu = { user: 0, system: 0 };
  try {
    result = await run(
      process.execPath,
      [BIN, 'audit', ...regions.flatMap((r) => ['--region', r]), '--format', 'json', ...spec.pacing.args, ...spec.args],
      {
        cwd: ROOT,
        env: baseEnv({
          AWS_ENDPOINT_URL: emulator.url,
          AWS_ACCESS_KEY_ID: `AKID${caller}`,
          AWS_SECRET_ACCESS_KEY: 'bench-secret-not-real',
          AWS_REGION: regions[0],
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_CONFIG_FILE: '/nonexistent',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
          ...(spec.cpuLoad === undefined ? {} : { BENCH_CPU_LOAD: String(spec.cpuLoad) }),
          // For profiling a case: BENCH_CLI_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
          ...(process.env.BENCH_CLI_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_CLI_NODE_OPTIONS } : {}),
        }),
        stdoutFile: reportFile,
        probe: { module: PROBE_MODULE, file: join(dir, `probe-${tag}.json`) },
        timeoutMs: 30 * 60_000,
      },
    );
  } finally {
    emulatorCpu = process.cpuUsage(cpuBefore);
    clearInterval(sampler);
    await emulator.close();
  }
  if (result.code === 2) throw new CliUsageError(result.stderr.trim().split('\n')[0] ?? 'usage error');
  const requests = [...emulator.requests];
  // For a look at a run's timeline: BENCH_REQUEST_LOG=FILE writes the emulator's request log (JSON lines).
  if (process.env.BENCH_REQUEST_LOG) writeFileSync(process.env.BENCH_REQUEST_LOG, requests.map((r) => JSON.stringify(r)).join('\n'));
  let report: ReportShape;
  try {
    report = JSON.parse(readFileSync(reportFile, 'utf8')) as ReportShape;
  } catch {
    throw new Error(`live audit (${spec.label}) gave no report, exit ${result.code}: ${result.stderr}`);
  }
  const expected = countInstances(state);
  if (report.instances.length !== expected) throw new Error(`live audit (${spec.label}) found ${report.instances.length} instances, expected ${expected}`);

  const first = requests.reduce((m, r) => Math.min(m, r.at), Infinity);
  const last = requests.reduce((m, r) => Math.max(m, r.at), -Infinity);
  const sent = sentByOperation(requests);
  const throttledByOperation = sentByOperation(requests.filter((r) => r.throttled));
  const differences: Record<string, [number, number]> = {};
  for (const key of new Set([...Object.keys(sent), ...Object.keys(minimum.byOperation)])) {
    const s = sent[key] ?? 0;
    const m = minimum.byOperation[key] ?? 0;
    if (s !== m) differences[key] = [s, m];
  }
  const pacingBoundMs = (Math.max(0, bound.bindingRequests - spec.pacing.burst) / spec.pacing.ratePerSecond) * 1000 + bound.chainMs;
  const windowMs = last - first + LATENCY_MS;
  const rateBoundMs = bound.rateMs + bound.chainMs;
  const loadCpuMs = result.probe?.cpuLoad?.cpuMs ?? 0;
  const cliMs = (result.probe?.userCpuMs ?? Number.NaN) + (result.probe?.systemCpuMs ?? Number.NaN) - loadCpuMs;
  const emulatorMs = (emulatorCpu.user + emulatorCpu.system) / 1000;
  const liveCase: LiveCase = {
    kind: spec.kind,
    accounts,
    instancesPerRegion,
    instances: expected,
    regions,
    pacing: spec.pacing,
    concurrency: spec.concurrency,
    exitCode: result.code,
    wallMs: round(result.wallMs),
    windowMs: round(windowMs),
    lowerBound: {
      ...bound,
      rateMs: round(bound.rateMs),
      chainMs: round(bound.chainMs),
      concurrencyMs: round(bound.concurrencyMs),
      totalMs: round(bound.totalMs),
    },
    ratio: round(result.wallMs / bound.totalMs, 3),
    windowRatio: round(windowMs / bound.totalMs, 3),
    bindingKeySpan: keySpan(requests, bound.bindingKey, first),
    pacingBoundMs: round(pacingBoundMs),
    rateBoundMs: round(rateBoundMs),
    rateRatio: round(result.wallMs / rateBoundMs, 3),
    requests: {
      sent: requests.length,
      minimum: minimum.total,
      beyondMinimum: requests.length - minimum.total,
      throttled: requests.filter((r) => r.throttled).length,
      differences,
      throttledByOperation,
      connections: emulator.connections,
    },
    cpu: {
      cliMs: round(cliMs),
      cliMsPerRequest: round(cliMs / requests.length, 3),
      emulatorMs: round(emulatorMs),
      emulatorMsPerRequest: round(emulatorMs / requests.length, 3),
      cores: availableParallelism(),
    },
    machine: {
      loadAverageMean: round(loads.reduce((a, b) => a + b, 0) / loads.length, 2),
      loadAverageMax: round(Math.max(...loads), 2),
      involuntaryContextSwitches: result.probe?.involuntaryContextSwitches ?? Number.NaN,
    },
    peakRssMiB: round((result.probe?.maxRssKiB ?? Number.NaN) / 1024),
    ...(result.probe?.cpuLoad ? { cpuLoad: result.probe.cpuLoad } : {}),
    dependencyDepth: minimum.depth,
    dependencyChain: minimum.depthChain,
    throttlingErrors: report.errors.filter((e) => THROTTLING.test(e.code ?? '')).length,
    verdictMismatches: mismatches(offline, verdicts(report)),
    findings: report.findings.length,
  };
  log(
    `live ${spec.label}: ${liveCase.wallMs} ms, bound ${liveCase.lowerBound.totalMs} ms (${liveCase.ratio}×, ${bound.binding}), ` +
      `${liveCase.requests.sent}/${liveCase.requests.minimum} requests, ${liveCase.requests.throttled} throttled`,
  );
  return liveCase;
}

export function benchLiveCase(instancesPerRegion: number, pacing: PacingSetting, dir: string, log: (line: string) => void): Promise<LiveCase> {
  return liveAudit(
    {
      kind: 'account',
      state: liveState(instancesPerRegion),
      regions: REGIONS,
      tag: `account-${instancesPerRegion}`,
      pacing,
      concurrency: DEFAULT_CONCURRENCY,
      args: [],
      multiAccount: false,
      label: `${instancesPerRegion}/region ${pacing.label}`,
    },
    dir,
    log,
  );
}

/** A run over every account of `state` in one process: the first is the caller's, the others through AssumeRole. */
export function organisationRun(
  state: EvidenceDocument,
  regions: readonly string[],
  tag: string,
  concurrency: number,
  label: string,
  dir: string,
  cpuLoad?: number,
): LiveRun {
  const accountsFile = join(dir, `accounts-${tag}.txt`);
  writeFileSync(accountsFile, `${state.accounts.map((a) => a.accountId).join('\n')}\n`);
  return {
    kind: 'organisation',
    state,
    regions,
    tag,
    ...(cpuLoad === undefined ? {} : { cpuLoad }),
    pacing: PACING[0] as PacingSetting,
    concurrency,
    args: [
      '--accounts',
      accountsFile,
      '--role-arn',
      'arn:aws:iam::{accountId}:role/ConnectAuditor',
      '--external-id',
      EXTERNAL_ID,
      ...(concurrency === DEFAULT_CONCURRENCY ? [] : ['--concurrency', String(concurrency)]),
    ],
    multiAccount: true,
    label,
  };
}

/** One process over `accounts` accounts (the first is the caller's, the others through AssumeRole). */
export async function benchOrgCase(accounts: number, concurrency: number, dir: string, log: (line: string) => void): Promise<LiveCase | SkippedCase> {
  const state = liveState(1, accounts);
  try {
    return await liveAudit(
      organisationRun(state, REGIONS, `organisation-${accounts}`, concurrency, `${accounts} accounts, concurrency ${concurrency}`, dir),
      dir,
      log,
    );
  } catch (error) {
    // The multi-account flags are newer than this benchmark: say so instead of failing everything.
    if (!(error instanceof CliUsageError)) throw error;
    log(`organisation case skipped: ${error.message}`);
    return { kind: 'organisation', accounts, concurrency, skipped: error.message };
  }
}

export async function benchLive(
  sizes: readonly number[],
  organisation: { accounts: number; concurrency: readonly number[] },
  dir: string,
  log: (line: string) => void,
): Promise<LiveResult> {
  const cases: LiveCase[] = [];
  for (const n of sizes) for (const pacing of PACING) cases.push(await benchLiveCase(n, pacing, dir, log));
  const org: Array<LiveCase | SkippedCase> = [];
  for (const concurrency of organisation.concurrency) org.push(await benchOrgCase(organisation.accounts, concurrency, dir, log));
  return {
    emulator: { latencyMs: LATENCY_MS, pageSize: PAGE_SIZE, connectLimit: AWS_CONNECT_LIMIT },
    resourceTypes: STORAGE_RESOURCE_TYPES.length,
    cases,
    organisation: org,
    targets: { ratio: 'wall time within 1.2× of the lower bound', throttles: 'zero throttled requests', requests: 'no request beyond the minimum' },
  };
}
