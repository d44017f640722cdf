/**
 * Preloaded into a measured process with `node --import`: when the process exits, writes its own
 * resource usage (peak RSS from getrusage, CPU times, uptime) as JSON to $BENCH_PROBE_FILE.
 * `/usr/bin/time -v` is not on every machine; this works wherever Node does.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_PROBE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const probe = {
      maxRssKiB: usage.maxRSS,
      userCpuMs: usage.userCPUTime / 1000,
      systemCpuMs: usage.systemCPUTime / 1000,
      uptimeMs: process.uptime() * 1000,
    };
    writeFileSync(file, JSON.stringify(probe));
  });
}
