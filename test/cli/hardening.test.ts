/**
 * Issue 9 through the built CLI: signals and --timeout bound the whole run (items 4), outputs are
 * regular files and never an input (7), I/O errors are one line with the right code (8), flag values
 * are validated (9), and collect fails closed and remembers its scope (11). Every run here is checked
 * for stack traces.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateEvidence, offlineOptions } from '../../bench/lib/generate.js';
import { evidenceDocument, type EvidenceDocument } from '../../src/evidence/model.js';
import type { Report } from '../../src/report/schema.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { C, emulatorEnv, EXTERNAL_ID, MANAGEMENT, organizationState, ROLE_TEMPLATE } from '../helpers/accounts.js';
import { DEMO, ROOT, runCli, type CliResult } from '../helpers/cli.js';
import { expectNoStackTrace, runWatched } from './support.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'cna-hard-'));
const REGIONS = ['--region', 'eu-central-1', '--region', 'us-east-1'];
const DEMO_ACCOUNT = '111122223333';

async function cli(args: string[], env?: Record<string, string | undefined>): Promise<CliResult> {
  const result = await runCli(args, env ? { env, timeoutMs: 120_000 } : {});
  expectNoStackTrace(result);
  return result;
}

/** Exit 2 with exactly one line on stderr matching `message`, and no report. */
function expectUsage(result: CliResult, message: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(message);
}

const demoDocument = (): EvidenceDocument => evidenceDocument.parse(JSON.parse(readFileSync(DEMO, 'utf8')));

describe('signals and --timeout bound the whole run (item 4)', () => {
  // Large enough that judging takes over a second and writing several: 2,000 generated instances.
  let dir: string;
  let snapshot: string;
  beforeAll(() => {
    dir = scratch();
    snapshot = join(dir, 'evidence.json');
    writeFileSync(snapshot, JSON.stringify(generateEvidence(offlineOptions(2000))));
  }, 120_000);

  const outputsDir = () => {
    const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
    mkdirSync(out);
    return out;
  };
  const args = (out: string) => ['audit', '--snapshot', snapshot, '--verbose', '--format', 'json', '--output', `html=${join(out, 'r.html')}`, '--output', `sarif=${join(out, 'r.sarif')}`];

  const cases = [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const;
  const phases = [
    ['judging', 'judging the evidence'],
    ['rendering', 'writing the report'],
  ] as const;

  for (const [signal, code] of cases) {
    for (const [phase, marker] of phases) {
      it(`${signal} while ${phase} exits ${code} within a second and leaves no file`, async () => {
        const out = outputsDir();
        let sent = false;
        const result = await runWatched(args(out), {
          stdoutTo: 'ignore',
          timeoutMs: 90_000,
          onStderr: (stderr, child, markSignalled) => {
            if (sent || !stderr.includes(marker)) return;
            sent = true;
            setTimeout(() => {
              markSignalled();
              child.kill(signal);
            }, 300);
          },
        });
        expect(sent).toBe(true);
        expect(result.code, result.stderr).toBe(code);
        expect(result.exitedAfterMs).toBeLessThan(1000);
        // Judging had not finished yet: the signal really came during evaluation.
        if (phase === 'judging') expect(result.stderr).not.toContain('writing the report');
        expect(result.stderr).toContain(`interrupted (${signal})`);
        expect(readdirSync(out)).toEqual([]);
      }, 90_000);
    }
  }

  it('--timeout stops judging and writing alike: exit 3 on time, one line, no file', async () => {
    // Whole-second timeouts land in a phase according to this machine's speed: time the phases first.
    const started = Date.now();
    let writingAt: number | undefined;
    await runWatched(args(outputsDir()), {
      stdoutTo: 'ignore',
      timeoutMs: 90_000,
      onStderr: (stderr) => {
        if (writingAt === undefined && stderr.includes('writing the report')) writingAt = Date.now() - started;
      },
    });
    const total = Date.now() - started;
    const inWriting = Math.ceil((writingAt ?? total) / 1000);
    const timeouts = [...new Set([1, ...(inWriting * 1000 < total - 300 ? [inWriting] : [])])].filter((s) => s * 1000 < total - 300);
    expect(timeouts.length).toBeGreaterThan(0);
    for (const seconds of timeouts) {
      const out = outputsDir();
      const begun = Date.now();
      const result = await runWatched([...args(out), '--timeout', String(seconds)], { stdoutTo: 'ignore', timeoutMs: 90_000 });
      expect(result.code, result.stderr).toBe(3);
      expect(Date.now() - begun).toBeLessThan(seconds * 1000 + 1500);
      expect(result.stderr).toContain('did not finish within --timeout');
      expect(readdirSync(out)).toEqual([]);
    }
  }, 120_000);
});

describe('outputs are regular files, never an input, never twice (item 7)', () => {
  let server: Server | undefined;
  afterAll(() => server?.close());

  it('refuses a directory, a FIFO, a socket and a device (through a symlink) with exit 2 before anything runs', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'a-dir'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const socket = join(dir, 'sock');
    server = createServer();
    await new Promise<void>((resolve) => server?.listen(socket, resolve));
    symlinkSync('/dev/null', join(dir, 'null-link'));
    for (const [name, kind] of [
      ['a-dir', 'a directory'],
      ['fifo', 'a FIFO'],
      ['sock', 'a socket'],
      ['null-link', 'a device'],
    ] as const) {
      expectUsage(await cli(['audit', '--snapshot', DEMO, '--output', `json=${join(dir, name)}`]), new RegExp(`is ${kind}; reports and evidence are written only to regular files`));
    }
    expect(readlinkSync(join(dir, 'null-link'))).toBe('/dev/null');
    expect(readdirSync(dir).sort()).toEqual(['a-dir', 'fifo', 'null-link', 'sock']);
  });

  it('writes through a symlink to its target, in the target directory, and keeps the link', async () => {
    const dir = scratch();
    const elsewhere = scratch();
    writeFileSync(join(elsewhere, 'report.json'), 'old');
    symlinkSync(join(elsewhere, 'report.json'), join(dir, 'link.json'));
    const result = await cli(['audit', '--snapshot', DEMO, '--output', `json=${join(dir, 'link.json')}`]);
    expect(result.code).toBe(1);
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
    expect((JSON.parse(readFileSync(join(elsewhere, 'report.json'), 'utf8')) as Report).summary.result).toBe('FAIL');
    expect(readdirSync(dir)).toEqual(['link.json']);
    expect(readdirSync(elsewhere)).toEqual(['report.json']);
  });

  it('refuses an output that is the snapshot, the config file or another output (symlinks and relative paths seen through)', async () => {
    const dir = scratch();
    const snapshot = join(dir, 'evidence.json');
    writeFileSync(snapshot, readFileSync(DEMO));
    const config = join(dir, 'config.json');
    writeFileSync(config, '{}');
    symlinkSync(snapshot, join(dir, 'snapshot-link.json'));
    const before = readFileSync(snapshot, 'utf8');
    expectUsage(await cli(['audit', '--snapshot', snapshot, '--output', `json=${join(dir, 'snapshot-link.json')}`]), /is the same file as --snapshot .*which the run reads/);
    expectUsage(await cli(['audit', '--snapshot', snapshot, '--config', config, '--output', `sarif=${relative(ROOT, config)}`]), /is the same file as --config/);
    expectUsage(await cli(['audit', '--snapshot', snapshot, '--output', `json=${join(dir, 'r.json')}`, '--output', `html=${join(dir, '.', 'x', '..', 'r.json')}`]), /directory .* does not exist|is the same file as --output json=/);
    expectUsage(await cli(['audit', '--snapshot', snapshot, '--output', `json=${join(dir, 'r.json')}`, '--output', `html=${join(dir, '.', 'r.json')}`]), /is the same file as --output json=/);
    expectUsage(await cli(['collect', '--out', config, '--config', config, ...REGIONS]), /--out .*is the same file as --config/);
    expect(readFileSync(snapshot, 'utf8')).toBe(before);
    expect(readFileSync(config, 'utf8')).toBe('{}');
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'evidence.json', 'snapshot-link.json']);
  });
});

describe('I/O errors are one line and the right code (item 8)', () => {
  it('an unwritable directory or a path under a file is exit 2 before anything runs', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'file'), '');
    expectUsage(await cli(['audit', '--snapshot', DEMO, '--output', `json=${join(dir, 'file', 'r.json')}`]), /ENOTDIR/);
    // sysfs refuses new files even to root: a real EACCES wherever the suite runs.
    if (existsSync('/sys/kernel')) expectUsage(await cli(['audit', '--snapshot', DEMO, '--output', 'json=/sys/r.json']), /cannot create a file in \/sys: EACCES \(permission denied\)/);
    expectUsage(await cli(['collect', '--out', join(dir, 'file', 'e.json'), ...REGIONS]), /--out .*ENOTDIR/);
  });

  const canUnshare = spawnSync('unshare', ['-rm', 'true']).status === 0;
  it.skipIf(!canUnshare)('a read-only file system is exit 2 with EROFS, before anything runs', async () => {
    const dir = scratch();
    const result = await runWatched(['audit', '--snapshot', DEMO, '--output', `json=${join(dir, 'r.json')}`], {
      wrap: (node, bin) => ['unshare', '-rm', 'sh', '-c', `mount --bind -o ro "${dir}" "${dir}" && exec "$0" "$@"`, node, bin],
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trim()).toMatch(/^connect-netpath-audit: --output json=.*EROFS \(read-only file system\)$/);
  });

  it('a full stdout is one line and exit 2 offline, for the report and for any command', async () => {
    for (const args of [['audit', '--snapshot', DEMO], ['audit', '--snapshot', DEMO, '--format', 'html'], ['rules']]) {
      const result = await runWatched(args, { stdoutTo: '/dev/full' });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim()).toBe('connect-netpath-audit: stdout: cannot write: ENOSPC (no space left on device)');
    }
  });

  it('an unreadable evidence file (EIO) is one line, never a stack trace', async () => {
    const result = await cli(['audit', '--snapshot', '/proc/self/mem']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('flag values are validated, live and offline (item 9)', () => {
  it.each([['--snapshot='], ['--resource-types='], ['--fail-on='], ['--config='], ['--framework='], ['--directory-id='], ['--instance-id='], ['--output=']])('%s is exit 2', async (flag) => {
    const base = flag === '--snapshot=' ? ['audit'] : ['audit', '--snapshot', DEMO];
    expectUsage(await cli([...base, flag]), new RegExp(`${flag.slice(0, -1)}: empty value`));
  });

  it('an empty value is exit 2 for a live run too (it never means "the default")', async () => {
    expectUsage(await cli(['collect', '--out=', ...REGIONS]), /--out: empty value/);
    expectUsage(await cli(['audit', '--resource-types', ' ', ...REGIONS]), /--resource-types: empty value/);
    expectUsage(await cli(['audit', '--resource-types', ',', ...REGIONS]), /no resource type named/);
  });

  it.each([
    ['--concurrency', '0x10'],
    ['--concurrency', ' 8 '],
    ['--concurrency', '1e9'],
    ['--concurrency', '0'],
    ['--concurrency', '257'],
    ['--timeout', '0'],
    ['--timeout', '86401'],
    ['--timeout', '1e3'],
    ['--timeout', '8.0'],
    ['--max-attempts', '21'],
    ['--max-attempts', '+3'],
    ['--connect-rate', '0'],
    ['--connect-rate', '101'],
    ['--connect-rate', '0x2'],
    ['--connect-rate', 'Infinity'],
    ['--connect-burst', '0'],
    ['--connect-burst', '1000'],
  ])('%s %j is exit 2', async (flag, value) => {
    expectUsage(await cli(['audit', ...REGIONS, flag, value]), new RegExp(`${flag} "${value.replace(/[+.]/g, '\\$&')}": expected`));
  });

  it('--timeout is checked offline too, and the documented edges are accepted', async () => {
    expectUsage(await cli(['audit', '--snapshot', DEMO, '--timeout', '0x10']), /--timeout "0x10": expected a whole number from 1 to 86400/);
    expect((await cli(['audit', '--snapshot', DEMO, '--timeout', '86400'])).code).toBe(1);
  });

  it.each([['--region', 'eu-west-1'], ['--profile', 'x'], ['--endpoint-url', 'http://localhost:1'], ['--concurrency', '4'], ['--max-attempts', '2'], ['--connect-rate', '1'], ['--connect-burst', '2'], ['--org'], ['--accounts', '111122223333'], ['--role-arn', ROLE_TEMPLATE]])(
    '%s with --snapshot is exit 2, never silently ignored',
    async (...flag) => {
      expectUsage(await cli(['audit', '--snapshot', DEMO, ...flag]), new RegExp(`${flag[0]} steers live collection and cannot be used with --snapshot`));
    },
  );

  it('a waiver of every resource needs "allResources": true, and warns', async () => {
    const dir = scratch();
    const waiver = { rule: 'kms-key-enabled', resource: '*', reason: 'accepted', expires: '2099-12-31' };
    const write = (name: string, value: unknown) => {
      writeFileSync(join(dir, name), JSON.stringify(value));
      return join(dir, name);
    };
    expectUsage(await cli(['audit', '--snapshot', DEMO, '--config', write('bare.json', { waivers: [waiver] })]), /waivers\[0\]\.allResources: resource "\*" waives the rule on every resource/);
    expectUsage(await cli(['audit', '--snapshot', DEMO, '--config', write('misused.json', { waivers: [{ ...waiver, resource: 'arn:aws:kms:*', allResources: true }] })]), /"allResources": true goes with resource "\*" only/);
    const result = await cli(['audit', '--snapshot', DEMO, '--format', 'json', '--config', write('all.json', { waivers: [{ ...waiver, allResources: true }] })]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/warning: .*the waiver of kms-key-enabled covers every resource \(allResources\), until 2099-12-31/);
    expect((JSON.parse(result.stdout) as Report).warnings?.some((w) => w.includes('covers every resource'))).toBe(true);
  });
});

describe('a snapshot remembers the resource types it was collected for (item 11)', () => {
  const snapshotWith = (resourceTypes: string[]) => {
    const file = join(scratch(), 'evidence.json');
    writeFileSync(file, JSON.stringify({ ...demoDocument(), resourceTypes }));
    return file;
  };
  const storageHops = (report: Report) => [...new Set(report.hops.map((h) => h.hop).filter((h) => h.startsWith('storage.') || h.startsWith('voice.recording')))].sort();

  it('is judged on the recorded types without the flag; a narrower flag wins; a type it lacks is exit 2', async () => {
    const file = snapshotWith(['CALL_RECORDINGS', 'CHAT_TRANSCRIPTS']);
    const recorded = await cli(['audit', '--snapshot', file, '--format', 'json']);
    const flagged = await cli(['audit', '--snapshot', DEMO, '--resource-types', 'CALL_RECORDINGS,CHAT_TRANSCRIPTS', '--format', 'json']);
    expect(storageHops(JSON.parse(recorded.stdout) as Report)).toEqual(storageHops(JSON.parse(flagged.stdout) as Report));
    expect(storageHops(JSON.parse(recorded.stdout) as Report).some((h) => h.includes('chat-transcripts'))).toBe(true);
    expect(storageHops(JSON.parse(recorded.stdout) as Report).some((h) => h.includes('media-streams'))).toBe(false);

    const narrower = await cli(['audit', '--snapshot', file, '--resource-types', 'CALL_RECORDINGS', '--format', 'json']);
    expect(storageHops(JSON.parse(narrower.stdout) as Report).some((h) => h.includes('chat-transcripts'))).toBe(false);

    expectUsage(await cli(['audit', '--snapshot', file, '--resource-types', 'MEDIA_STREAMS']), /--resource-types asks for MEDIA_STREAMS, which .* does not hold/);
    const config = join(scratch(), 'config.json');
    writeFileSync(config, JSON.stringify({ resourceTypes: ['media-streams'] }));
    expectUsage(await cli(['audit', '--snapshot', file, '--config', config]), /config file's resourceTypes asks for MEDIA_STREAMS/);
  });
});

describe('--allow-empty (item 1, the flag)', () => {
  it('an evidence file with nothing to audit exits 3, or 0 with a warning under --allow-empty', async () => {
    const file = join(scratch(), 'empty.json');
    writeFileSync(file, JSON.stringify({ ...demoDocument(), accounts: [] }));
    const strict = await cli(['audit', '--snapshot', file, '--format', 'json']);
    expect(strict.code).toBe(3);
    const allowed = await cli(['audit', '--snapshot', file, '--format', 'json', '--allow-empty']);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toMatch(/^warning: /m);
  });
});

describe('collect against the emulator (items 8 and 11)', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('exits 3 when no account could be read, and still writes the evidence that says why', async () => {
    emulator = await startEmulator({ state: organizationState(), denyAssumeRole: [C], requireExternalId: EXTERNAL_ID });
    const out = join(scratch(), 'evidence.json');
    const result = await cli(['collect', '--accounts', C, '--role-arn', ROLE_TEMPLATE, '--external-id', EXTERNAL_ID, '--out', out, ...REGIONS], emulatorEnv(emulator.url, MANAGEMENT));
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/no account could be read \(.*\): the evidence holds nothing to audit/);
    expect((JSON.parse(readFileSync(out, 'utf8')) as EvidenceDocument).accounts[0]?.error?.operation).toBe('sts:AssumeRole');
  });

  it('records --resource-types in the evidence, and audit --snapshot judges that scope', async () => {
    emulator = await startEmulator({ state: demoDocument() });
    const out = join(scratch(), 'evidence.json');
    const env = emulatorEnv(emulator.url, DEMO_ACCOUNT);
    const collected = await cli(['collect', ...REGIONS, '--resource-types', 'call-recordings', '--out', out], env);
    expect(collected.code, collected.stderr).toBe(0);
    expect((JSON.parse(readFileSync(out, 'utf8')) as EvidenceDocument).resourceTypes).toEqual(['CALL_RECORDINGS']);
    const audited = await cli(['audit', '--snapshot', out, '--format', 'json']);
    const report = JSON.parse(audited.stdout) as Report;
    expect(report.findings.some((f) => f.hop.startsWith('storage.'))).toBe(false);
    expect(report.findings.filter((f) => f.status === 'ERROR')).toEqual([]);
  });

  it('an evidence file that cannot be written after the collection is named, and the run exits 3', async () => {
    emulator = await startEmulator({ state: demoDocument() });
    const dir = scratch();
    // The per-account file is only known once the account is: its path is a directory.
    mkdirSync(join(dir, `${DEMO_ACCOUNT}.json`));
    const result = await cli(['collect', ...REGIONS, '--resource-types', 'CALL_RECORDINGS', '--out-dir', dir], emulatorEnv(emulator.url, DEMO_ACCOUNT));
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`${DEMO_ACCOUNT}\\.json is a directory.*the evidence collected for it is lost`));
  });

  it('a live audit whose report cannot be written says so and exits 3, not 2', async () => {
    emulator = await startEmulator({ state: demoDocument() });
    const result = await runWatched(['audit', ...REGIONS, '--resource-types', 'CALL_RECORDINGS'], { stdoutTo: '/dev/full', env: emulatorEnv(emulator.url, DEMO_ACCOUNT), timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr.trim()).toMatch(/^connect-netpath-audit: stdout: cannot write: ENOSPC \(no space left on device\) \(the audit ran, but this output of it is lost/);
  });
});
