#!/usr/bin/env node
// `--version` is answered before anything else loads: it is what scripts call most often.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { TOOL_VERSION } = await import('../version.js');
  process.stdout.write(`${TOOL_VERSION}\n`);
} else {
  // A broken installation (a module that fails to load) is one line and exit 3, not a stack trace.
  const loaded = await import('./main.js').catch((error: unknown) => {
    process.stderr.write(`connect-netpath-audit: cannot start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    process.exitCode = 3;
    return undefined;
  });
  await loaded?.main(args);
}
