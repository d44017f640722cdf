/** The command line: parses flags, runs a command, maps errors to exit codes. The only code touching `process`. */
import { Argument, Command, CommanderError, Option } from 'commander';
import { InputError } from '../errors.js';
import { EXIT } from '../report/exit-code.js';
import { TOOL_VERSION } from '../version.js';
import type { AuditFlags, CollectFlags } from './commands/audit.js';
import { removePendingTemporaries } from './output.js';
import { clearProgressLines } from './progress.js';
import { reportOptions, type ReportOutputFlags } from './report-output.js';

const EXIT_CODES_HELP = `
Exit codes:
  0    every finding at or above --fail-on passed, is managed, not applicable or waived
  1    at least one FAIL at or above --fail-on
  2    usage or input error (bad flag, unreadable or invalid file): nothing was audited
  3    incomplete: an ERROR at or above --fail-on and no such FAIL (or --timeout stopped the run)
  130  interrupted (SIGINT); no partial output file is left behind`;

const collect = (value: string, previous: string[] = []) => [...previous, value];

function scopeOptions(command: Command): Command {
  return command
    .option('--instance-id <id>', 'Connect instance id or ARN (repeatable; default: every instance)', collect)
    .option('--region <region>', 'AWS region (repeatable; default: from the AWS config chain)', collect)
    .option('--profile <name>', 'AWS shared config / SSO profile')
    .option('--accounts <ids|file>', 'audit these accounts: comma-separated ids, or a file (one id a line, or a JSON array)')
    .option('--org', 'audit every ACTIVE account of the organization (Organizations ListAccounts; run from the management or delegated-administrator account)')
    .option('--role-arn <arn>', "role to assume in each account, {accountId} standing for its id, e.g. 'arn:aws:iam::{accountId}:role/ConnectAuditor' (the caller's own account is read directly)")
    .option('--external-id <id>', 'ExternalId sent with AssumeRole')
    .option('--directory-id <id>', 'directory that authenticates the instance(s) agents')
    .option('--resource-types <types>', 'storage resource types to audit, e.g. CALL_RECORDINGS,chat-transcripts (default: all)')
    .option('--endpoint-url <url>', 'send every AWS call to this endpoint (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> are honoured too)')
    .option('--concurrency <n>', 'requests in flight at most', '8')
    .option('--timeout <seconds>', 'whole-run time limit', '3600')
    .option('--max-attempts <n>', 'attempts per call for throttling, 5xx and network errors', '8')
    .option('--connect-rate <rps>', 'Connect requests per second per API, account and region (AWS default quota: 2)', '1.8')
    .option('--connect-burst <n>', 'Connect requests sent at once before pacing starts (AWS default burst: 5; use 4 when the client is CPU-bound)', '5')
    .option('--config <file>', 'config file (see `schema config`)')
    .option('--verbose', 'log AWS calls to stderr (never credentials)')
    .option('--quiet', 'no warnings on stderr');
}

/** Command modules load only when their command runs, so `--version` and `rules` start fast. */
export function buildProgram(): Command {
  const program = new Command()
    .name('connect-netpath-audit')
    .description('Audit Amazon Connect against its documented network paths (TLS, SRTP, SSE-KMS with a customer key, LDAPS).')
    .version(TOOL_VERSION, '-V, --version')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  reportOptions(scopeOptions(program.command('audit').description('judge every hop of every instance, live or from an evidence file')))
    .option('--snapshot <file>', 'audit a saved evidence file instead of the live account')
    .option('--framework <name>', 'run only rules mapped to this framework: pci, hipaa, nist, iso, soc2')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (flags: AuditFlags) => {
      process.exitCode = await (await import('./commands/audit.js')).runAudit(flags);
    });

  scopeOptions(program.command('collect').description('save the evidence of a live account for a later, offline audit'))
    .option('--out <file>', 'evidence file to write (every account in one file)')
    .option('--out-dir <dir>', 'write one evidence file per account, <dir>/<accountId>.json')
    .action(async (flags: CollectFlags) => {
      process.exitCode = await (await import('./commands/audit.js')).runCollect(flags);
    });

  program
    .command('rules')
    .description('every rule: id, hop, severity, title, frameworks')
    .addOption(new Option('--format <format>').choices(['text', 'json']).default('text'))
    .action(async (flags: { format: 'text' | 'json' }) => (await import('./commands/catalog.js')).runRules(flags.format));

  program
    .command('explain')
    .description('rationale, evidence used, remediation and references of a rule or hop')
    .argument('<id>', 'rule id or hop id')
    .action(async (id: string) => (await import('./commands/catalog.js')).runExplain(id));

  program
    .command('paths')
    .description('the documented path model')
    .addOption(new Option('--format <format>').choices(['text', 'mermaid']).default('text'))
    .action(async (flags: { format: 'text' | 'mermaid' }) => (await import('./commands/catalog.js')).runPaths(flags.format));

  program
    .command('diff')
    .description('new, resolved and unchanged findings between two JSON reports')
    .argument('<old>', 'baseline report (--format json)')
    .argument('<new>', 'current report (--format json)')
    .addOption(new Option('--format <format>').choices(['text', 'json']).default('text'))
    .option('--fail-on-new', 'exit 1 when the new report has FAIL findings the old one did not')
    .action(async (oldFile: string, newFile: string, flags: { format: 'text' | 'json'; failOnNew?: boolean }) => {
      process.exitCode = await (await import('./commands/diff.js')).runDiff(oldFile, newFile, flags);
    });

  reportOptions(
    program
      .command('merge')
      .description('join JSON reports of sharded runs (e.g. one per account) into one report')
      .argument('<reports...>', 'reports written with --format json'),
  )
    .option('--quiet', 'no warnings on stderr')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (files: string[], flags: ReportOutputFlags) => {
      process.exitCode = await (await import('./commands/merge.js')).runMerge(files, flags);
    });

  program
    .command('schema')
    .description('JSON Schema of a file format')
    .addArgument(new Argument('[kind]', 'report, snapshot or config').choices(['report', 'snapshot', 'config']).default('report'))
    .action(async (kind: 'report' | 'snapshot' | 'config') => (await import('./commands/schema.js')).runSchema(kind));

  return program;
}

/** The SDK warns that future releases will need Node 22; on Node 20 today that is noise in every run. */
function quietSdkNodeVersionWarning(): void {
  const original = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === 'NodeVersionSupportWarning' || /NodeVersionSupportWarning/.test(text)) return;
    (original as (...args: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
}

export async function main(argv: readonly string[]): Promise<void> {
  quietSdkNodeVersionWarning();
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // `| head` closes the pipe early: the reader has what it wanted, which is not a failure; the
    // exit code still tells the audit's verdict.
    if (error.code !== 'EPIPE') throw error;
  });
  process.once('SIGINT', () => {
    removePendingTemporaries();
    clearProgressLines();
    process.stderr.write('interrupted\n');
    process.exit(EXIT.interrupted);
  });
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : EXIT.usage;
      return;
    }
    if (error instanceof InputError) {
      process.stderr.write(`connect-netpath-audit: ${error.message}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    if (error instanceof Error && error.name === 'AbortError') {
      // Only the whole-run timeout aborts a collection (SIGINT exits 130 in its handler): the audit is
      // incomplete and nothing was reported — never a verdict.
      process.stderr.write('connect-netpath-audit: the run did not finish within --timeout; nothing was reported (raise --timeout for large scopes)\n');
      process.exitCode = EXIT.incomplete;
      return;
    }
    throw error;
  }
}
