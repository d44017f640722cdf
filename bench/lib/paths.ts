/** Where things are, from the compiled bench (dist-bench/bench/lib/*.js) or the sources. */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root: three levels above dist-bench/bench/lib. */
export const ROOT = resolve(here, '../../..');
/** The built CLI (`npm run build`), or $BENCH_BIN: a copy of a build, kept apart while the tree changes. */
export const BIN = process.env.BENCH_BIN ? resolve(process.env.BENCH_BIN) : resolve(ROOT, 'dist/src/cli/bin.js');
export const DEMO = resolve(ROOT, 'fixtures/demo-evidence.json');
/** The compiled probe preload, as a file: URL for `node --import`. */
export const PROBE_MODULE = new URL('./probe.js', import.meta.url).href;
