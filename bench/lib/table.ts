/** Plain-text tables of the results, for people reading the terminal. */
import type { LiveCase, LiveResult } from './live.js';
import type { OfflineResult } from './offline.js';
import type { StartupResult } from './startup.js';

type Row = Array<string | number>;

export function table(title: string, header: Row, rows: Row[], notes: string[] = []): string {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  // Numbers right-aligned, text left-aligned.
  const line = (row: string[]) =>
    row
      .map((cell, i) => (/^[-+]?[\d.,]+( ?[×%a-zA-Z/]+)?$/.test(cell) && i > 0 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const [head, ...body] = cells;
  return [`\n${title}`, line(head ?? []), rule, ...body.map(line), ...notes.map((n) => `  ${n}`)].join('\n');
}

const ms = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`;
const s = (value: number) => `${(value / 1000).toFixed(2)} s`;
const x = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a');
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

export function printStartup(result: StartupResult): void {
  const rows = result.commands.map((c) => [c.name, ms(c.wallMs.median), `${ms(c.wallMs.p25)} – ${ms(c.wallMs.p75)}`, x(c.ratio)]);
  process.stdout.write(
    `${table(`(a) start-up, median of ${result.runs} runs`, ['command', 'median', 'p25 – p75', 'vs node -e 0'], rows, [
      `target: ${result.target} — ${verdict(result.targetMet)}`,
    ])}\n`,
  );
}

export function printOffline(result: OfflineResult): void {
  const rows = result.sizes.map((size) => [
    size.instances === 0 ? '0 (fixed cost)' : size.instances.toLocaleString('en-US'),
    `${size.accounts}/${size.regions}/${size.buckets}/${size.keys}`,
    `${(size.evidenceBytes / 2 ** 20).toFixed(1)} MiB`,
    size.findings.toLocaleString('en-US'),
    ms(size.wallMs.median),
    `${size.maxRssMiB.median.toFixed(0)} MiB`,
    size.perInstanceMs === undefined ? '' : `${size.perInstanceMs.toFixed(2)} ms`,
    size.perInstanceRssKiB === undefined ? '' : `${size.perInstanceRssKiB.toFixed(0)} KiB`,
  ]);
  const largest = result.sizes.find((size) => size.instances === 1000);
  process.stdout.write(
    `${table(
      `(b) offline audit --snapshot --format json, median of ${result.runs} runs`,
      ['instances', 'acct/reg/bkt/key', 'evidence', 'findings', 'wall', 'peak RSS', 'ms/instance', 'RSS/instance'],
      rows,
      [
        `per instance = (x(n) − x(0)) / n; linearity ratio (per-instance cost at 1,000 ÷ at 100; 1.00 = linear): time ${x(result.linearity.time)}, RSS ${x(result.linearity.rss)}`,
        `target: ${result.target} — ${largest ? s(largest.wallMs.median) : 'not run'} — ${verdict(result.targetMet)}`,
      ],
    )}\n`,
  );
}

function liveRow(c: LiveCase, first: string): Row {
  return [
    first,
    c.pacing.args.length === 0 ? `${c.pacing.ratePerSecond}/s, burst ${c.pacing.burst} (default)` : `${c.pacing.ratePerSecond}/s, burst ${c.pacing.burst}`,
    c.concurrency,
    s(c.wallMs),
    s(c.lowerBound.totalMs),
    x(c.ratio),
    x(c.windowRatio),
    `${c.requests.sent}/${c.requests.minimum}`,
    c.requests.throttled,
    c.throttlingErrors,
    c.verdictMismatches,
  ];
}

const LIVE_HEADER: Row = ['instances', 'pacing', 'conc.', 'wall', 'bound', 'wall/bound', 'window/bound', 'sent/min', 'throttled', 'throttle errors', 'verdict diffs'];

export function printLive(result: LiveResult): void {
  const rows = result.cases.map((c) => liveRow(c, `${c.instancesPerRegion} × ${c.regions.length} regions`));
  const first = result.cases[0];
  const notes = [
    `emulator: ${result.emulator.latencyMs} ms per request, Connect limit ${result.emulator.connectLimit.ratePerSecond}/s burst ${result.emulator.connectLimit.burst} per API/account/region, page size ${result.emulator.pageSize}; ${result.resourceTypes} resource types`,
    'bound = max(max over (account, region, Connect API) of max(0, n − 5) / 2 s + dependency depth × 25 ms, minimum requests × 25 ms / concurrency)',
    'wall = the whole CLI process; window = first request to last answer at the emulator',
    `targets: ${result.targets.ratio}; ${result.targets.throttles}; ${result.targets.requests}`,
  ];
  if (first) notes.splice(1, 0, `dependency depth ${first.dependencyDepth} (1 instance/region): ${first.dependencyChain.join(' → ')}`);
  process.stdout.write(`${table('(c) live audit of one account against the emulator', LIVE_HEADER, rows, notes)}\n`);

  const org = result.organisation;
  if (org.length === 0) return;
  const orgRows: Row[] = [];
  const orgNotes: string[] = [];
  for (const c of org) {
    if ('skipped' in c) {
      orgNotes.push(`${c.accounts} accounts, concurrency ${c.concurrency}: skipped (${c.skipped})`);
      continue;
    }
    orgRows.push(liveRow(c, `${c.accounts} accounts × ${c.regions.length} regions × ${c.instancesPerRegion}`));
    const busy = (c.cpu.cliMs + c.cpu.emulatorMs) / (c.wallMs * c.cpu.cores);
    orgNotes.push(
      `concurrency ${c.concurrency}: bound set by ${c.lowerBound.binding} (rate ${s(c.lowerBound.rateMs + c.lowerBound.chainMs)}, concurrency ${s(c.lowerBound.concurrencyMs)}); ` +
        `CPU: CLI ${s(c.cpu.cliMs)} (${(c.cpu.cliMs / c.requests.sent).toFixed(2)} ms/request), emulator ${s(c.cpu.emulatorMs)}, machine ${(busy * 100).toFixed(0)}% busy over ${c.cpu.cores} cores`,
    );
  }
  const single = result.cases.find((c) => c.instancesPerRegion === 1 && c.pacing.args.length === 0);
  const accounts = org.find((c) => !('skipped' in c))?.accounts;
  if (single && accounts) orgNotes.push(`one account at a time would take about ${accounts} × ${s(single.wallMs)} = ${s(accounts * single.wallMs)}`);
  process.stdout.write(`${table('(c) live audit of an organisation in one process (--accounts, --role-arn, --external-id)', LIVE_HEADER, orgRows, orgNotes)}\n`);
}
