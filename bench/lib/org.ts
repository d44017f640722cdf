/**
 * (g) Organisation scale: one process over N accounts × 3 regions against the emulator (25 ms per
 * request, Connect's 2/s burst 5 per API, account and region), most accounts without Connect and some
 * with 1–20 instances (generateOrganisation). Each size runs at the CLI's default --concurrency, then
 * again with a CPU-load thread busy inside the CLI process (probe.ts); the largest size also runs at
 * other concurrencies, to tell whether the default should change.
 */
import { STORAGE_RESOURCE_TYPES } from '../../src/paths/hops.js';
import { countInstances, generateOrganisation, organisationLayout, type OrganisationOptions } from './generate.js';
import { AWS_CONNECT_LIMIT, DEFAULT_CONCURRENCY, LATENCY_MS, PAGE_SIZE, liveAudit, organisationRun, type LiveCase } from './live.js';
import { table } from './table.js';

export const ORG_REGIONS = ['eu-central-1', 'us-east-1', 'ap-southeast-2'];
/** Share of every 10 ms the load thread is busy. */
export const CPU_LOAD_DUTY = 0.5;
const SEED = 17;

export interface OrgSize {
  accounts: number;
  /** Most instances of one account (the generator's default is 20). */
  maxInstances?: number;
}

export interface OrgPlan {
  sizes: readonly OrgSize[];
  /** Further --concurrency values run on the largest size, without load. */
  concurrency: readonly number[];
}

export interface OrgShape {
  accounts: number;
  accountsWithConnect: number;
  instances: number;
  /** Most instances in one account-region. */
  busiestAccountRegion: number;
}

export interface OrgResult {
  emulator: { latencyMs: number; pageSize: number; connectLimit: { ratePerSecond: number; burst: number } };
  regions: string[];
  resourceTypes: number;
  defaultConcurrency: number;
  cpuLoadDuty: number;
  shapes: OrgShape[];
  cases: LiveCase[];
  targets: { ratio: string; throttles: string; requests: string };
}

function shapeOf(options: OrganisationOptions): OrgShape {
  const layout = organisationLayout(options);
  return {
    accounts: options.accounts,
    accountsWithConnect: layout.filter((row) => row.some((n) => n > 0)).length,
    instances: layout.flat().reduce((a, b) => a + b, 0),
    busiestAccountRegion: Math.max(0, ...layout.flat()),
  };
}

export async function benchOrg(plan: OrgPlan, dir: string, log: (line: string) => void): Promise<OrgResult> {
  const cases: LiveCase[] = [];
  const shapes: OrgShape[] = [];
  const largest = plan.sizes.reduce<OrgSize | undefined>((best, size) => (!best || size.accounts > best.accounts ? size : best), undefined);
  for (const size of plan.sizes) {
    const options: OrganisationOptions = { accounts: size.accounts, regions: ORG_REGIONS, seed: SEED, ...(size.maxInstances ? { maxInstances: size.maxInstances } : {}) };
    const state = generateOrganisation(options);
    const shape = shapeOf(options);
    if (shape.instances !== countInstances(state)) throw new Error('organisation layout and generated state disagree');
    shapes.push(shape);
    const tag = `org-${size.accounts}`;
    const name = `${size.accounts} accounts × ${ORG_REGIONS.length} regions`;
    const concurrencies = [DEFAULT_CONCURRENCY, ...(size === largest ? plan.concurrency.filter((c) => c !== DEFAULT_CONCURRENCY) : [])];
    for (const concurrency of concurrencies) {
      cases.push(await liveAudit(organisationRun(state, ORG_REGIONS, tag, concurrency, `${name}, concurrency ${concurrency}`, dir), dir, log));
      if (concurrency === DEFAULT_CONCURRENCY) {
        const label = `${name}, concurrency ${concurrency}, CPU load ${CPU_LOAD_DUTY * 100}%`;
        cases.push(await liveAudit(organisationRun(state, ORG_REGIONS, tag, concurrency, label, dir, CPU_LOAD_DUTY), dir, log));
      }
    }
  }
  return {
    emulator: { latencyMs: LATENCY_MS, pageSize: PAGE_SIZE, connectLimit: AWS_CONNECT_LIMIT },
    regions: ORG_REGIONS,
    resourceTypes: STORAGE_RESOURCE_TYPES.length,
    defaultConcurrency: DEFAULT_CONCURRENCY,
    cpuLoadDuty: CPU_LOAD_DUTY,
    shapes,
    cases,
    targets: { ratio: 'wall time within 1.1× of the lower bound', throttles: 'zero throttled requests', requests: 'requests = minimum' },
  };
}

const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a');

export function printOrg(result: OrgResult): void {
  const rows = result.cases.map((c) => [
    `${c.accounts} × ${c.regions.length}`,
    c.concurrency,
    c.cpuLoad ? `${Math.round(c.cpuLoad.duty * 100)}%` : '-',
    sec(c.wallMs),
    `${sec(c.lowerBound.totalMs)} ${c.lowerBound.binding === 'rate limit' ? 'rate' : 'conc.'}`,
    times(c.ratio),
    sec(c.rateBoundMs),
    times(c.rateRatio),
    c.requests.throttled,
    `${c.requests.sent}/${c.requests.minimum}`,
    c.cpu.cliMsPerRequest.toFixed(2),
    c.cpu.emulatorMsPerRequest.toFixed(2),
    `${Math.round(c.peakRssMiB)} MiB`,
    c.verdictMismatches,
  ]);
  const notes = [
    ...result.shapes.map(
      (s) => `${s.accounts} accounts: ${s.accountsWithConnect} with Connect, ${s.instances} instances, at most ${s.busiestAccountRegion} in one account-region`,
    ),
    `emulator: ${result.emulator.latencyMs} ms per request, Connect ${result.emulator.connectLimit.ratePerSecond}/s burst ${result.emulator.connectLimit.burst} per API, account and region; page size ${result.emulator.pageSize}; ${result.resourceTypes} resource types`,
    'bound = max(rate: busiest (account, region, Connect API) max(0, n − 5) / 2 s + depth × 25 ms, concurrency: minimum requests × 25 ms / concurrency); rate bound = the rate term alone',
    `CPU ms/request: the CLI process (load thread taken out) and the emulator (the bench process), per request sent; load = a thread in the CLI busy ${result.cpuLoadDuty * 100}% of every 10 ms`,
    `default --concurrency ${result.defaultConcurrency}; targets: ${result.targets.ratio}; ${result.targets.throttles}; ${result.targets.requests}`,
    ...result.cases.map(
      (c) =>
        `${c.accounts} accounts, concurrency ${c.concurrency}${c.cpuLoad ? ', load' : ''}: binding key ${c.lowerBound.bindingKey} (${c.bindingKeySpan.requests} requests) ` +
        `from ${sec(c.bindingKeySpan.firstMs)} to ${sec(c.bindingKeySpan.lastMs)}; pacing bound ${sec(c.pacingBoundMs)}; CLI CPU ${sec(c.cpu.cliMs)}, emulator ${sec(c.cpu.emulatorMs)}; ` +
        `machine load ${c.machine.loadAverageMean} (max ${c.machine.loadAverageMax}), ${c.machine.involuntaryContextSwitches} involuntary switches; ${c.requests.connections} connections`,
    ),
  ];
  const header = ['accounts × regions', 'conc.', 'load', 'wall', 'bound', 'wall/bound', 'rate bound', 'wall/rate', 'throttled', 'sent/min', 'CLI CPU ms/req', 'emu CPU ms/req', 'CLI peak RSS', 'verdict diffs'];
  process.stdout.write(`${table('(g) organisation in one process (--accounts, --role-arn, --external-id)', header, rows, notes)}\n`);
}
