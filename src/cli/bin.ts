#!/usr/bin/env node
// `--version` is answered before anything else loads: it is what scripts call most often.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { TOOL_VERSION } = await import('../version.js');
  process.stdout.write(`${TOOL_VERSION}\n`);
} else {
  const { main } = await import('./main.js');
  await main(args);
}
