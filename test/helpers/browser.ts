/**
 * The one Chromium the browser tests use, never a downloaded one:
 * 1. `CHROMIUM_PATH`, when set: that binary;
 * 2. Debian's `/usr/bin/chromium`, when present (unless `CHROMIUM_PACKAGED=1`);
 * 3. otherwise the Chromium that the `@sparticuz/chromium` devDependency ships inside its npm tarball
 *    (brotli-compressed), unpacked to the temp directory on first use. Its `executablePath()` only
 *    fetches anything when given a URL; it is called without one, so it reads `bin/` of the package.
 *    The package also ships the NSS and expat libraries (`al2023.tar.br`) and fonts, so the binary
 *    runs on a machine with nothing but Node.
 * Driven by playwright-core, which has no browser of its own.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Chromium, { inflate } from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumChoice {
  executablePath: string;
  source: 'CHROMIUM_PATH' | 'system' | 'packaged';
  /** Variables the binary needs besides the test's own environment. */
  env: Record<string, string>;
}

const PACKAGE_DIR = join(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '..');

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Test files run in parallel workers and the package always unpacks to the same paths (and trusts any
 * `chromium` already there), so one worker unpacks under a lock and leaves a marker naming the version;
 * without the marker, what is there is a partial or foreign unpack and is replaced.
 */
async function unpackPackaged(): Promise<string> {
  const tmp = tmpdir();
  const binary = join(tmp, 'chromium');
  const marker = join(tmp, `cna-sparticuz-chromium-${packageVersion()}.ok`);
  const lock = join(tmp, 'cna-sparticuz-chromium.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock older than two minutes belongs to a worker that died while unpacking.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`${lock} is held for two minutes: remove it if no test is running`);
      await sleep(200);
    }
  }
  try {
    if (!existsSync(marker) || !existsSync(binary)) {
      for (const name of ['chromium', 'fonts', 'al2023']) rmSync(join(tmp, name), { recursive: true, force: true });
      const unpacked = await Chromium.executablePath();
      if (unpacked !== binary) throw new Error(`@sparticuz/chromium unpacked to ${unpacked}, expected ${binary}`);
      await inflate(join(PACKAGE_DIR, 'bin', 'al2023.tar.br'));
      writeFileSync(marker, `${new Date().toISOString()}\n`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return binary;
}

/** The Chromium to test with (see the module comment), unpacking the packaged one if it is the choice. */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumChoice> {
  const override = env.CHROMIUM_PATH;
  if (override) {
    if (!existsSync(override)) throw new Error(`CHROMIUM_PATH=${override} does not exist`);
    return { executablePath: override, source: 'CHROMIUM_PATH', env: {} };
  }
  if (env.CHROMIUM_PACKAGED !== '1' && existsSync(SYSTEM_CHROMIUM)) return { executablePath: SYSTEM_CHROMIUM, source: 'system', env: {} };
  const executablePath = await unpackPackaged();
  const tmp = dirname(executablePath);
  const libraries = join(tmp, 'al2023', 'lib');
  return {
    executablePath,
    source: 'packaged',
    env: {
      LD_LIBRARY_PATH: env.LD_LIBRARY_PATH ? `${libraries}:${env.LD_LIBRARY_PATH}` : libraries,
      FONTCONFIG_PATH: env.FONTCONFIG_PATH ?? join(tmp, 'fonts'),
    },
  };
}

export interface LaunchedChromium {
  browser: Browser;
  choice: ChromiumChoice;
}

export async function launchChromium(): Promise<LaunchedChromium> {
  const choice = await findChromium();
  const browser = await chromium.launch({
    executablePath: choice.executablePath,
    args: [...CHROMIUM_FLAGS],
    env: { ...process.env, ...choice.env },
  });
  console.log(`browser tests: Chromium ${browser.version()} (${choice.source}: ${choice.executablePath})`);
  return { browser, choice };
}

export interface BrowserSession {
  readonly browser: Browser;
  readonly choice: ChromiumChoice;
  /** A scratch directory for the pages of this test file, removed afterwards. */
  readonly dir: string;
}

/** One browser and one scratch directory for the tests of a `describe` block: launched before them, closed after. */
export function useChromium(prefix: string): BrowserSession {
  const session = {} as { browser: Browser; choice: ChromiumChoice; dir: string };
  beforeAll(async () => {
    session.dir = mkdtempSync(join(tmpdir(), prefix));
    ({ browser: session.browser, choice: session.choice } = await launchChromium());
  });
  afterAll(async () => {
    await session.browser?.close();
    if (session.dir) rmSync(session.dir, { recursive: true, force: true });
  });
  return session;
}
