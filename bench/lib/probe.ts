/**
 * Preloaded into a measured process with `node --import`: when the process exits, writes its own
 * resource usage (peak RSS from getrusage, CPU times, uptime) as JSON to $BENCH_PROBE_FILE.
 * `/usr/bin/time -v` is not on every machine; this works wherever Node does.
 *
 * With $BENCH_CPU_LOAD set to a duty cycle in (0, 1], it also starts a worker thread inside the
 * measured process that busy-loops that share of every 10 ms: the CPU load of another task on the
 * same machine, competing with the CLI's own thread. The benchmark only, never the product. The
 * load thread's own CPU time (from /proc/self/task/<tid>/stat, Linux) is reported apart, so the
 * CLI's CPU time stays the CLI's.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const PERIOD_MS = 10;
/** /proc's clock ticks (USER_HZ), 100 on every Linux Node runs on. */
const TICKS_PER_SECOND = 100;

/** The load thread: busy for `duty` of each period, asleep for the rest; writes its thread id first. */
const LOAD_SOURCE = `
const { workerData } = require('node:worker_threads');
const { readlinkSync } = require('node:fs');
const shared = new Int32Array(workerData.shared);
try { shared[0] = Number(readlinkSync('/proc/thread-self').split('/').pop()); } catch { shared[0] = -1; }
const busy = workerData.duty * workerData.period;
const idle = workerData.period - busy;
for (;;) {
  const until = performance.now() + busy;
  while (performance.now() < until) {}
  if (idle > 0) Atomics.wait(shared, 1, 0, idle);
}
`;

interface Load {
  duty: number;
  shared: Int32Array;
}

function startLoad(duty: number): Load {
  const shared = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(LOAD_SOURCE, { eval: true, workerData: { shared: shared.buffer, duty, period: PERIOD_MS } });
  // The load never keeps the CLI alive, nor changes how it exits.
  worker.unref();
  worker.on('error', () => undefined);
  return { duty, shared };
}

/** The load thread's CPU ms (utime + stime), or NaN where /proc cannot say (not Linux). */
function loadCpuMs(load: Load): number {
  const tid = Atomics.load(load.shared, 0);
  if (tid <= 0) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

const file = process.env.BENCH_PROBE_FILE;
const duty = Number(process.env.BENCH_CPU_LOAD ?? '');
const load = duty > 0 && duty <= 1 ? startLoad(duty) : undefined;

if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const probe = {
      maxRssKiB: usage.maxRSS,
      userCpuMs: usage.userCPUTime / 1000,
      systemCpuMs: usage.systemCPUTime / 1000,
      uptimeMs: process.uptime() * 1000,
      // Taken off the CPU while runnable: other work on the machine competing for its cores.
      involuntaryContextSwitches: usage.involuntaryContextSwitches,
      ...(load ? { cpuLoad: { duty: load.duty, cpuMs: loadCpuMs(load) } } : {}),
    };
    writeFileSync(file, JSON.stringify(probe));
  });
}
