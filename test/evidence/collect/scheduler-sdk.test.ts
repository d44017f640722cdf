/**
 * Send-time pacing and Retry-After through the real SDK clients of ClientFactory against the
 * emulator (real HTTP, SigV4, the emulator's token bucket per account, region and Connect API:
 * 2 rps, burst 5, Connect's default quota).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { ClientFactory, type AwsCredentialIdentityProvider } from '../../../src/evidence/collect/clients.js';
import { SEND_PACING_MIDDLEWARE_NAME } from '../../../src/evidence/collect/pacing.js';
import { Scheduler, type RateLimit } from '../../../src/evidence/collect/scheduler.js';
import { TUNING } from '../../../src/scope/tuning.js';
import { startEmulator, type Emulator, type EmulatorOptions, type RequestLogEntry } from '../../emulator/index.js';
import { testState } from '../../emulator/fixture.js';
import { ROOT } from '../../helpers/cli.js';
import { busiestWindow } from './send-windows.js';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
/** The CLI's defaults (--connect-rate, --connect-burst) against AWS's 2 rps, burst 5. */
const CONNECT_RATE: RateLimit = { ratePerSecond: TUNING.connectRate.fallback, burst: TUNING.connectBurst.fallback };
const staticCredentials: AwsCredentialIdentityProvider = async () => ({ accessKeyId: `AKID${ACCOUNT}`, secretAccessKey: 'x' });

const running: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.close()));
});

async function emulator(options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  const started = await startEmulator({ state: testState(), ...options });
  running.push(started);
  return started;
}

/** ListInstances through the scheduler and a ClientFactory client, the way the collector calls. */
function listInstances(scheduler: Scheduler, clients: ClientFactory, rate: RateLimit | undefined, beforeSend?: () => Promise<void> | void) {
  return scheduler.run({ key: `${ACCOUNT}|${REGION}|connect:ListInstances`, rate }, async (abortSignal) => {
    const { client, sdk } = await clients.connect(REGION);
    await beforeSend?.();
    return client.send(new sdk.ListInstancesCommand({}), { abortSignal });
  });
}

function connectArrivals(log: readonly RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((r) => r.service === 'connect' && r.operation === 'ListInstances');
}

describe('send-time pacing through the SDK', () => {
  it('installs the gate right before signing, and every SDK request is paced by it (fails if the SDK stops carrying abortSignal)', async () => {
    const emu = await emulator({ connectRate: false });
    const clients = new ClientFactory({ endpointUrl: emu.url, credentials: staticCredentials, env: {} });
    try {
      const { client } = await clients.connect(REGION);
      const order = client.middlewareStack.identify();
      expect(order).toContain(`${SEND_PACING_MIDDLEWARE_NAME} - before httpSigningMiddleware`);
      const scheduler = new Scheduler({ concurrency: 4, maxAttempts: 1 });
      await Promise.all(Array.from({ length: 6 }, () => listInstances(scheduler, clients, CONNECT_RATE)));
      expect(connectArrivals(emu.requests)).toHaveLength(6);
      // Each attempt's token was taken by the middleware, none by the end-of-attempt safety net.
      expect(scheduler.stats).toMatchObject({ requests: 6, paced: 6 });
    } finally {
      clients.destroy();
    }
  });

  it('every client of the factory gets the gate right before signing', async () => {
    const clients = new ClientFactory({ endpointUrl: 'http://127.0.0.1:9', credentials: staticCredentials, env: {} });
    try {
      const services = ['connect', 's3', 's3control', 'kms', 'kinesisVideo', 'logs', 'ds', 'kinesis', 'firehose', 'securityHub', 'sts', 'organizations'] as const;
      for (const service of services) {
        const { client } = await clients[service](REGION);
        expect(client.middlewareStack.identify(), service).toContain(`${SEND_PACING_MIDDLEWARE_NAME} - before httpSigningMiddleware`);
      }
    } finally {
      clients.destroy();
    }
  });

  it('a slow credential refresh between grant and send does not bunch requests into a burst (zero throttles)', async () => {
    const emu = await emulator({ connectRate: { ratePerSecond: 2, burst: 5 } });
    let fetches = 0;
    // Credentials that expire at once are fetched again for every request (memoizeCredentials); one
    // fetch in four takes 1.5 s, and every request signed meanwhile waits for it.
    const slowCredentials: AwsCredentialIdentityProvider = async () => {
      fetches += 1;
      if (fetches % 4 === 1) await sleep(1_500);
      return { accessKeyId: `AKID${ACCOUNT}`, secretAccessKey: 'x', expiration: new Date() };
    };
    const clients = new ClientFactory({ endpointUrl: emu.url, credentials: slowCredentials, env: {} });
    try {
      const scheduler = new Scheduler({ concurrency: 8, maxAttempts: 1 });
      const results = await Promise.allSettled(Array.from({ length: 16 }, () => listInstances(scheduler, clients, CONNECT_RATE)));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const arrivals = connectArrivals(emu.requests);
      expect(arrivals.filter((r) => r.throttled)).toEqual([]);
      expect(arrivals).toHaveLength(16);
      expect(busiestWindow(arrivals.map((r) => r.at), 1_000)).toBeLessThanOrEqual(5 + 2);
    } finally {
      clients.destroy();
    }
  });
});

/**
 * The emulator in a child process, so that a busy loop in this process delays our sends without
 * also delaying the emulator's clock (its log and its token buckets see real arrival times).
 */
async function childEmulator(options: Partial<EmulatorOptions>): Promise<{ url: string; requests(): Promise<RequestLogEntry[]>; close(): Promise<void> }> {
  const source = `
    import { runnerImport } from 'vite';
    const { module: server } = await runnerImport(${JSON.stringify(`${ROOT}/test/emulator/server.ts`)});
    const { module: fixture } = await runnerImport(${JSON.stringify(`${ROOT}/test/emulator/fixture.ts`)});
    const emulator = await server.startEmulator({ state: fixture.testState(), ...JSON.parse(process.argv[1]) });
    process.stdout.write(JSON.stringify({ url: emulator.url }) + '\\n');
    process.stdin.on('data', () => process.stdout.write(JSON.stringify(emulator.requests) + '\\n'));
    process.stdin.on('end', () => emulator.close().then(() => process.exit(0)));
  `;
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--input-type=module', '-e', source, JSON.stringify(options)], { cwd: ROOT, stdio: 'pipe' });
  const lines = createInterface({ input: child.stdout });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the emulator process exited (${code})`)));
    });
  const { url } = JSON.parse(await next()) as { url: string };
  const handle = {
    url,
    requests: async () => {
      const answer = next();
      child.stdin.write('log\n');
      return JSON.parse(await answer) as RequestLogEntry[];
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      await exited;
    },
  };
  running.push(handle);
  return handle;
}

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // The CPU is busy: nothing else in this process runs.
  }
}

describe('send-time pacing under a busy CPU', () => {
  it('zero throttles from the per-account-region Connect bucket (2 rps, burst 5) while busy loops delay the sends', async () => {
    const emu = await childEmulator({ connectRate: { ratePerSecond: 2, burst: 5 } });
    const clients = new ClientFactory({ endpointUrl: emu.url, credentials: staticCredentials, env: {} });
    // A CPU-load thread competing for the cores, and a load on this event loop (150 ms of every 250
    // busy) that also stalls requests after they passed the gate, on their way out.
    const load = new Worker('const until = Date.now() + 30000; while (Date.now() < until) {}', { eval: true });
    const hog = setInterval(() => busyFor(150), 250);
    try {
      // Retries as a run makes them: a keep-alive socket the emulator closes as it is reused is retried.
      const scheduler = new Scheduler({ concurrency: 8, maxAttempts: 3 });
      let calls = 0;
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () =>
          listInstances(scheduler, clients, CONNECT_RATE, async () => {
            calls += 1;
            // Work between the grant and the send: I/O (a hop, now and then a slow one), and now and
            // then a long synchronous stretch in which nothing else in this process runs.
            await sleep(calls % 3 === 1 ? 700 : 0);
            if (calls % 4 === 0) busyFor(1_200);
          }),
        ),
      );
      clearInterval(hog);
      const arrivals = connectArrivals(await emu.requests());
      expect(results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []))).toEqual([]);
      expect(arrivals.filter((r) => r.throttled)).toEqual([]);
      expect(scheduler.stats.throttled).toBe(0);
      expect(arrivals.filter((r) => r.status === 200)).toHaveLength(20);
      expect(scheduler.stats.paced).toBe(scheduler.stats.requests);
    } finally {
      clearInterval(hog);
      await load.terminate();
      clients.destroy();
    }
  });
});

describe('Retry-After through the SDK', () => {
  it.each([
    // The emulator's `at` is taken before the answer is written: allow a few ms of the answer's way back.
    ['delta-seconds', () => '2', 1_990],
    // An HTTP-date has a resolution of one second: this one asks for at least 1 s more.
    ['an HTTP-date', () => new Date(Math.ceil(Date.now() / 1000) * 1000 + 2_000).toUTCString(), 1_000],
  ])('waits at least the Retry-After (%s) of a throttling answer before the key sends again', async (_label, retryAfter, minimumMs) => {
    const emu = await emulator({ connectRate: false, retryAfter, faults: [{ service: 'connect', operation: 'ListInstances', kind: 'Throttle', times: 1 }] });
    const clients = new ClientFactory({ endpointUrl: emu.url, credentials: staticCredentials, env: {} });
    try {
      const scheduler = new Scheduler({ concurrency: 4, maxAttempts: 3, throttleBaseDelayMs: 10 });
      const first = listInstances(scheduler, clients, CONNECT_RATE);
      await sleep(200);
      // Another call of the same key, queued while the hold is on.
      const second = listInstances(scheduler, clients, CONNECT_RATE);
      await Promise.all([first, second]);
      const arrivals = connectArrivals(emu.requests);
      expect(arrivals.map((r) => r.throttled)).toEqual([true, false, false]);
      const [throttled, ...later] = arrivals.map((r) => r.at);
      for (const at of later) expect(at - (throttled ?? 0)).toBeGreaterThanOrEqual(minimumMs);
      expect(scheduler.stats).toMatchObject({ throttled: 1, retries: 1 });
    } finally {
      clients.destroy();
    }
  });

  it('reads the header from the SDK error ($response.headers)', async () => {
    const emu = await emulator({ connectRate: false, retryAfter: '7', faults: [{ service: 'connect', operation: 'ListInstances', kind: 'Throttle', times: 1 }] });
    const clients = new ClientFactory({ endpointUrl: emu.url, credentials: staticCredentials, env: {} });
    try {
      const { client, sdk } = await clients.connect(REGION);
      const error = await client.send(new sdk.ListInstancesCommand({})).catch((err: unknown) => err);
      expect(error).toMatchObject({ $metadata: { httpStatusCode: 429 } });
      expect((error as { $response?: { headers?: Record<string, string> } }).$response?.headers?.['retry-after']).toBe('7');
    } finally {
      clients.destroy();
    }
  });
});
