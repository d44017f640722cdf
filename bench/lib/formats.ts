/**
 * (d) Every output format at scale: `audit --snapshot evidence-N.json --format X > report.X` for each
 * format on generated evidence of 10,000 instances (2,000 with --quick). Wall time and peak RSS of
 * the whole CLI process, output size; the target is every format under 2× the JSON time and 1 GiB of
 * peak RSS, and the HTML size per finding is reported.
 */
import { closeSync, existsSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FORMATTERS } from '../../src/formats/index.js';
import { countInstances, generateEvidence, offlineOptions } from './generate.js';
import { baseEnv, round, run, summarise, type Summary } from './measure.js';
import { BIN, PROBE_MODULE, ROOT } from './paths.js';

export interface FormatCase {
  format: string;
  /** The exit code of every run was the audit's verdict (1: the generated evidence has failures). */
  completed: boolean;
  wallMs: Summary;
  maxRssMiB: Summary;
  outputBytes: number;
  /** wall ÷ the JSON wall (medians). */
  ratioToJson: number;
  failure?: string;
}

export interface FormatsResult {
  instances: number;
  findings: number;
  runs: number;
  command: string;
  cases: FormatCase[];
  html: { bytes: number; findings: number; bytesPerFinding: number; bytesPerInstance: number };
  targets: { ratio: string; rss: string };
  targetMet: boolean;
}

const MAX_RATIO = 2;
const MAX_RSS_MIB = 1024;
/** Long enough for the slowest format before this change (text: about 160 s at 10,000 instances). */
const TIMEOUT_MS = 15 * 60_000;

/** Lines of a file, read in pieces (a 10,000-instance report is larger than the longest string V8 allows). */
function countLines(file: string): number {
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(1 << 20);
  let lines = 0;
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) {
      for (let i = 0; i < read; i++) if (buffer[i] === 0x0a) lines += 1;
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}

export async function benchFormats(instances: number, runs: number, dir: string, log: (line: string) => void): Promise<FormatsResult> {
  const doc = generateEvidence(offlineOptions(instances));
  if (countInstances(doc) !== instances) throw new Error(`generated ${countInstances(doc)} instances, wanted ${instances}`);
  const evidenceFile = join(dir, `formats-evidence-${instances}.json`);
  writeFileSync(evidenceFile, JSON.stringify(doc));
  const probeFile = join(dir, 'formats-probe.json');
  const measured: Array<Omit<FormatCase, 'ratioToJson'>> = [];
  let findings = 0;
  // JSON first: every other format is measured against it.
  const formats = ['json', ...FORMATTERS.map((f) => f.id).filter((id) => id !== 'json')];
  for (const format of formats) {
    const outFile = join(dir, `formats-report.${format}`);
    const walls: number[] = [];
    const rss: number[] = [];
    let failure: string | undefined;
    for (let i = 0; i < runs && failure === undefined; i++) {
      const result = await run(process.execPath, [BIN, 'audit', '--snapshot', evidenceFile, '--format', format], {
        cwd: ROOT,
        env: baseEnv(),
        stdoutFile: outFile,
        probe: { module: PROBE_MODULE, file: probeFile },
        timeoutMs: TIMEOUT_MS,
      });
      // Exit 1 is the verdict on the generated evidence; an empty report or an error on stderr is a failure all the same.
      const written = existsSync(outFile) ? statSync(outFile).size : 0;
      if (result.code !== 1 || !result.probe || written === 0 || /error/i.test(result.stderr)) {
        failure = `exit ${result.code ?? result.signal}, ${written} bytes: ${result.stderr.trim().split('\n').slice(-3).join(' / ')}`;
        break;
      }
      walls.push(result.wallMs);
      rss.push(result.probe.maxRssKiB / 1024);
    }
    if (format === 'ndjson' && failure === undefined) findings = countLines(outFile);
    const outputBytes = failure === undefined ? statSync(outFile).size : 0;
    const entry = { format, completed: failure === undefined, wallMs: summarise(walls), maxRssMiB: summarise(rss), outputBytes, ...(failure ? { failure } : {}) };
    measured.push(entry);
    if (format !== 'html') rmSync(outFile, { force: true });
    log(`formats ${instances} instances, ${format}: ${failure ?? `median ${entry.wallMs.median} ms, peak RSS ${entry.maxRssMiB.median} MiB, ${(outputBytes / 2 ** 20).toFixed(1)} MiB`}`);
  }
  const jsonWall = measured.find((c) => c.format === 'json')?.wallMs.median ?? Number.NaN;
  const cases = measured.map((c) => ({ ...c, ratioToJson: round(c.wallMs.median / jsonWall, 2) }));
  const htmlBytes = cases.find((c) => c.format === 'html')?.outputBytes ?? 0;
  return {
    instances,
    findings,
    runs,
    command: 'node dist/src/cli/bin.js audit --snapshot evidence-N.json --format FORMAT > report',
    cases,
    html: {
      bytes: htmlBytes,
      findings,
      bytesPerFinding: findings > 0 ? round(htmlBytes / findings, 0) : Number.NaN,
      bytesPerInstance: round(htmlBytes / instances, 0),
    },
    targets: { ratio: `every format under ${MAX_RATIO}× the JSON time`, rss: `peak RSS under ${MAX_RSS_MIB} MiB` },
    targetMet: cases.every((c) => c.completed && c.ratioToJson < MAX_RATIO && c.maxRssMiB.max < MAX_RSS_MIB),
  };
}

export function printFormats(result: FormatsResult): void {
  const header = ['format', 'median wall', 'vs json', 'peak RSS', 'output'];
  const rows = result.cases.map((c) =>
    c.completed
      ? [c.format, `${(c.wallMs.median / 1000).toFixed(2)} s`, `${c.ratioToJson.toFixed(2)}×`, `${c.maxRssMiB.max.toFixed(0)} MiB`, `${(c.outputBytes / 2 ** 20).toFixed(1)} MiB`]
      : [c.format, 'failed', '', '', (c.failure ?? '').slice(0, 60)],
  );
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const lines = [
    `\n(d) every format at ${result.instances.toLocaleString('en-US')} instances (${result.findings.toLocaleString('en-US')} findings), median of ${result.runs} run(s)`,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    `  HTML: ${result.html.bytesPerFinding.toLocaleString('en-US')} bytes per finding, ${result.html.bytesPerInstance.toLocaleString('en-US')} bytes per instance`,
    `  targets: ${result.targets.ratio}, ${result.targets.rss} — ${result.targetMet ? 'met' : 'MISSED'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
