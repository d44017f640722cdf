/**
 * (c) Live audits against the local AWS emulator: 25 ms per request, AWS's default Connect rate limit
 * (2 requests/s, burst 5, per API, account and region), Connect's page size of 10, every storage
 * resource type (the default scope).
 *
 * Single account: N instances in each of two regions, run with the tool's default pacing (1.8/s,
 * burst 5) and with pacing at the limit itself (--connect-rate 2 --connect-burst 5), on a fresh
 * emulator each time.
 *
 * Organisation: one process over many accounts (`--accounts FILE --role-arn … --external-id …`), one
 * instance in each of two regions per account, with the default and a larger `--concurrency`.
 */
import { setMaxListeners } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { EvidenceDocument } from '../../src/evidence/model.js';
import { STORAGE_RESOURCE_TYPES } from '../../src/paths/hops.js';
import { startEmulator, type RequestLogEntry } from '../../test/emulator/index.js';
import { generateEvidence } from './generate.js';
import { baseEnv, round, run, type RunResult } from './measure.js';
import { lowerBound, minimumRequests, type LowerBound } from './model.js';
import { BIN, PROBE_MODULE, ROOT } from './paths.js';

export const LATENCY_MS = 25;
export const PAGE_SIZE = 10;
export const AWS_CONNECT_LIMIT = { ratePerSecond: 2, burst: 5 };
export const DEFAULT_CONCURRENCY = 8;
const REGIONS = ['eu-central-1', 'us-east-1'];
const EXTERNAL_ID = 'bench-external-id-0001';

export interface PacingSetting {
  label: string;
  ratePerSecond: number;
  burst: number;
  args: string[];
}

export const PACING: PacingSetting[] = [
  { label: 'default (1.8/s, burst 5)', ratePerSecond: 1.8, burst: 5, args: [] },
  { label: '--connect-rate 2 --connect-burst 5', ratePerSecond: 2, burst: 5, args: ['--connect-rate', '2', '--connect-burst', '5'] },
];

export interface LiveCase {
  kind: 'account' | 'organisation';
  accounts: number;
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
  /** The best the client's own pacing allows on the binding key: (n − burst) / pacing rate + chain. */
  pacingBoundMs: number;
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
  };
  /** CPU time of the CLI process and of the emulator (this process), ms: is the machine the bottleneck? */
  cpu: { cliMs: number; emulatorMs: number; cores: number };
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

export function liveState(instancesPerRegion: number, accounts = 1): EvidenceDocument {
  return generateEvidence({ instancesPerRegion, accounts, regions: REGIONS, seed: accounts === 1 ? 11 : 13, firstUsesDirectory: true });
}

interface LiveRun {
  kind: LiveCase['kind'];
  state: EvidenceDocument;
  pacing: PacingSetting;
  concurrency: number;
  /** Extra CLI arguments (scope, tuning). */
  args: string[];
  multiAccount: boolean;
  label: string;
}

class CliUsageError extends Error {}

async function liveAudit(spec: LiveRun, dir: string, log: (line: string) => void): Promise<LiveCase> {
  const { state } = spec;
  const accounts = state.accounts.length;
  const instancesPerRegion = Object.keys(state.accounts[0]?.regions[0]?.instances ?? {}).length;
  const caller = state.accounts[0]?.accountId ?? '';
  const tag = `${spec.kind}-${accounts}-${instancesPerRegion}`;
  const stateFile = join(dir, `state-${tag}.json`);
  writeFileSync(stateFile, JSON.stringify(state));
  const minimum = minimumRequests(state, { pageSize: PAGE_SIZE, resourceTypes: STORAGE_RESOURCE_TYPES, multiAccount: spec.multiAccount });
  const bound = lowerBound(minimum, AWS_CONNECT_LIMIT, LATENCY_MS, spec.concurrency);

  // The offline verdicts of the same state: the live audit must reach the same ones.
  const snapshotFile = join(dir, `snapshot-${tag}.json`);
  await run(process.execPath, [BIN, 'audit', '--snapshot', stateFile, '--format', 'json'], { cwd: ROOT, env: baseEnv(), stdoutFile: snapshotFile });
  const offline = JSON.parse(readFileSync(snapshotFile, 'utf8')) as ReportShape;

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
  let result: RunResult;
  const cpuBefore = process.cpuUsage();
  let emulatorCpu = { user: 0, system: 0 };
  try {
    result = await run(
      process.execPath,
      [BIN, 'audit', ...REGIONS.flatMap((r) => ['--region', r]), '--format', 'json', ...spec.pacing.args, ...spec.args],
      {
        cwd: ROOT,
        env: baseEnv({
          AWS_ENDPOINT_URL: emulator.url,
          AWS_ACCESS_KEY_ID: `AKID${caller}`,
          AWS_SECRET_ACCESS_KEY: 'bench-secret-not-real',
          AWS_REGION: REGIONS[0],
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_CONFIG_FILE: '/nonexistent',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        }),
        stdoutFile: reportFile,
        probe: { module: PROBE_MODULE, file: join(dir, `probe-${tag}.json`) },
        timeoutMs: 30 * 60_000,
      },
    );
  } finally {
    emulatorCpu = process.cpuUsage(cpuBefore);
    await emulator.close();
  }
  if (result.code === 2) throw new CliUsageError(result.stderr.trim().split('\n')[0] ?? 'usage error');
  const requests = [...emulator.requests];
  let report: ReportShape;
  try {
    report = JSON.parse(readFileSync(reportFile, 'utf8')) as ReportShape;
  } catch {
    throw new Error(`live audit (${spec.label}) gave no report, exit ${result.code}: ${result.stderr}`);
  }
  const expected = accounts * instancesPerRegion * REGIONS.length;
  if (report.instances.length !== expected) throw new Error(`live audit (${spec.label}) found ${report.instances.length} instances, expected ${expected}`);

  const first = Math.min(...requests.map((r) => r.at));
  const last = Math.max(...requests.map((r) => r.at));
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
  const liveCase: LiveCase = {
    kind: spec.kind,
    accounts,
    instancesPerRegion,
    instances: expected,
    regions: REGIONS,
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
    pacingBoundMs: round(pacingBoundMs),
    requests: {
      sent: requests.length,
      minimum: minimum.total,
      beyondMinimum: requests.length - minimum.total,
      throttled: requests.filter((r) => r.throttled).length,
      differences,
      throttledByOperation,
    },
    cpu: {
      cliMs: round((result.probe?.userCpuMs ?? Number.NaN) + (result.probe?.systemCpuMs ?? Number.NaN)),
      emulatorMs: round((emulatorCpu.user + emulatorCpu.system) / 1000),
      cores: availableParallelism(),
    },
    dependencyDepth: minimum.depth,
    dependencyChain: minimum.depthChain,
    throttlingErrors: report.errors.filter((e) => THROTTLING.test(e.code ?? '')).length,
    verdictMismatches: mismatches(verdicts(offline), verdicts(report)),
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

/** One process over `accounts` accounts (the first is the caller's, the others through AssumeRole). */
export async function benchOrgCase(accounts: number, concurrency: number, dir: string, log: (line: string) => void): Promise<LiveCase | SkippedCase> {
  const state = liveState(1, accounts);
  const accountsFile = join(dir, `accounts-${accounts}.txt`);
  writeFileSync(accountsFile, `${state.accounts.map((a) => a.accountId).join('\n')}\n`);
  const pacing = PACING[0] as PacingSetting;
  try {
    return await liveAudit(
      {
        kind: 'organisation',
        state,
        pacing,
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
        label: `${accounts} accounts, concurrency ${concurrency}`,
      },
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
