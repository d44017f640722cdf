/**
 * (b) Offline audits of generated evidence: 0 (the fixed cost: one account, two empty regions), 10,
 * 100 and 1,000 instances. Wall time and peak RSS of `audit --snapshot FILE --format json > FILE`
 * (with `--allow-empty` for the empty case).
 *
 * Linearity: the cost of an instance is what a size costs beyond the fixed cost, divided by its
 * instances — (t(n) − t(0)) / n, and the same for peak RSS. Flat per-instance costs mean linear
 * growth; the linearity ratio is the per-instance cost at 1,000 over the one at 100 (1.0 = linear;
 * a quadratic term would push it towards 10).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countInstances, generateEvidence, offlineOptions } from './generate.js';
import { baseEnv, round, run, summarise, type Summary } from './measure.js';
import { BIN, PROBE_MODULE, ROOT } from './paths.js';

export interface OfflineSize {
  instances: number;
  accounts: number;
  regions: number;
  buckets: number;
  keys: number;
  evidenceBytes: number;
  reportBytes: number;
  findings: number;
  wallMs: Summary;
  maxRssMiB: Summary;
  /** (t(n) − t(0)) / n; undefined for the fixed-cost case. */
  perInstanceMs?: number;
  /** (rss(n) − rss(0)) / n, KiB. */
  perInstanceRssKiB?: number;
}

export interface OfflineResult {
  runs: number;
  command: string;
  sizes: OfflineSize[];
  linearity: { definition: string; time: number; rss: number };
  target: string;
  targetMet: boolean;
}

export const OFFLINE_SIZES = [0, 10, 100, 1000];

export async function benchOffline(runs: number, dir: string, log: (line: string) => void): Promise<OfflineResult> {
  const sizes: OfflineSize[] = [];
  for (const instances of OFFLINE_SIZES) {
    const doc = generateEvidence(offlineOptions(instances));
    if (countInstances(doc) !== instances) throw new Error(`generated ${countInstances(doc)} instances, wanted ${instances}`);
    const evidenceFile = join(dir, `evidence-${instances}.json`);
    writeFileSync(evidenceFile, `${JSON.stringify(doc, null, 2)}\n`);
    const reportFile = join(dir, `report-${instances}.json`);
    const probeFile = join(dir, `probe-${instances}.json`);
    const walls: number[] = [];
    const rss: number[] = [];
    for (let i = 0; i < runs; i++) {
      // The fixed-cost case audits no instance, which passes only when allowed.
      const empty = instances === 0 ? ['--allow-empty'] : [];
      const result = await run(process.execPath, [BIN, 'audit', '--snapshot', evidenceFile, '--format', 'json', ...empty], {
        cwd: ROOT,
        env: baseEnv(),
        stdoutFile: reportFile,
        probe: { module: PROBE_MODULE, file: probeFile },
      });
      // The generated evidence has failures: exit 1 is the expected verdict (0 for the empty document).
      if (result.code !== (instances === 0 ? 0 : 1)) throw new Error(`audit of ${instances} instances exited ${result.code}: ${result.stderr}`);
      if (!result.probe) throw new Error('the probe wrote nothing');
      walls.push(result.wallMs);
      rss.push(result.probe.maxRssKiB / 1024);
    }
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { instances: unknown[]; findings: unknown[] };
    if (report.instances.length !== instances) throw new Error(`report of ${instances} instances lists ${report.instances.length}`);
    const size: OfflineSize = {
      instances,
      accounts: doc.accounts.length,
      regions: doc.accounts.reduce((n, a) => n + a.regions.length, 0),
      buckets: doc.accounts.reduce((n, a) => n + Object.keys(a.buckets).length, 0),
      keys: doc.accounts.reduce((n, a) => n + Object.keys(a.keys).length, 0),
      evidenceBytes: statSync(evidenceFile).size,
      reportBytes: statSync(reportFile).size,
      findings: report.findings.length,
      wallMs: summarise(walls),
      maxRssMiB: summarise(rss),
    };
    sizes.push(size);
    log(`offline ${instances} instances: median ${size.wallMs.median} ms, peak RSS ${size.maxRssMiB.median} MiB`);
  }
  const fixed = sizes[0];
  if (!fixed) throw new Error('no fixed-cost run');
  for (const size of sizes.slice(1)) {
    size.perInstanceMs = round((size.wallMs.median - fixed.wallMs.median) / size.instances, 3);
    size.perInstanceRssKiB = round(((size.maxRssMiB.median - fixed.maxRssMiB.median) * 1024) / size.instances, 1);
  }
  const at = (n: number) => sizes.find((s) => s.instances === n);
  const ratio = (pick: (s: OfflineSize) => number | undefined) => {
    const hi = at(1000);
    const lo = at(100);
    const a = hi ? pick(hi) : undefined;
    const b = lo ? pick(lo) : undefined;
    return a !== undefined && b !== undefined && b > 0 ? round(a / b, 2) : Number.NaN;
  };
  const largest = at(1000);
  return {
    runs,
    command: 'node dist/src/cli/bin.js audit --snapshot evidence-N.json --format json > report-N.json',
    sizes,
    linearity: {
      definition: 'per-instance cost over the fixed cost, (x(n) − x(0)) / n, at 1,000 instances divided by the same at 100; 1.0 = linear',
      time: ratio((s) => s.perInstanceMs),
      rss: ratio((s) => s.perInstanceRssKiB),
    },
    target: '1,000-instance audit under 2 s',
    targetMet: largest !== undefined && largest.wallMs.median < 2000,
  };
}
