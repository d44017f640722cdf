// Preloaded with `node --import`: appends the URL of every module the process resolves
// to TRACE_IMPORTS_FILE, so a test can prove which packages a command loads.
import { register } from 'node:module';

register(new URL('./trace-imports-hooks.mjs', import.meta.url), { data: { file: process.env.TRACE_IMPORTS_FILE } });
