/** The command line: parses flags, runs a command, maps errors to exit codes. The only code touching `process`. */
import { Argument, Command, CommanderError, Option } from 'commander';
import { InputError, isAbortError } from '../errors.js';
import { EXIT } from '../report/exit-code.js';
import { TOOL_VERSION } from '../version.js';
import type { AuditFlags, CollectFlags } from './commands/audit.js';
import type { SecurityHubFlags } from './commands/export.js';
import { TUNING } from '../scope/tuning.js';
import { removePendingTemporaries } from './output.js';
import { clearProgressLines } from './progress.js';
import { reportOptions, type ReportOutputFlags } from './report-output.js';
import { ExitError, HANDLED_SIGNALS, interruptedLine, interruptRun, SIGNAL_EXIT } from './run.js';

const EXIT_CODES_HELP = `
Exit codes:
  0    every finding at or above --fail-on passed, is managed, not applicable or waived
  1    at least one FAIL at or above --fail-on
  2    usage or input error (bad flag or value, unreadable or invalid file, an output path that
       is not a writable regular file or is an input): nothing was audited
  3    incomplete: an ERROR at or above --fail-on and no such FAIL; nothing audited (no instance
       in scope, a pinned instance not found) unless --allow-empty; --timeout stopped the run;
       collect read no account; an output could not be written after a live collection;
       --to-security-hub left a finding unimported; or merge found a shard of a --shard run
       missing (a FAIL still exits 1)
  129  hung up (SIGHUP), 130 interrupted (SIGINT), 143 terminated (SIGTERM): within a second,
       and no output or temporary file is left behind`;

const LIVE_ONLY_HELP = `
With --terraform-plan or --cloudformation (plan mode) the evidence is what the code will create:
values unknown until apply, and resources the code names but does not manage, are ERROR; a plan
with no Connect instance exits 0 with a notice. --region is the region templates deploy to.

With --snapshot, the flags that steer live collection (--region, --profile, --endpoint-url,
--accounts, --org, --role-arn, --external-id, --concurrency, --max-attempts, --connect-rate,
--connect-burst) are an error (exit 2), never silently ignored. A snapshot collected with
--resource-types is judged on those types; asking for a type it does not hold is exit 2.`;

const collect = (value: string, previous: string[] = []) => [...previous, value];
const range = ({ min, max, fallback }: { min: number; max: number; fallback: number }) => `${min}..${max} (default: ${fallback})`;

function scopeOptions(command: Command): Command {
  return command
    .option('--instance-id <id>', 'Connect instance id or ARN (repeatable; default: every instance)', collect)
    .option('--region <region>', 'AWS region (repeatable; default: from the AWS config chain)', collect)
    .option('--profile <name>', 'AWS shared config / SSO profile')
    .option('--accounts <ids|file>', 'audit these accounts: comma-separated ids, or a file (one id a line, or a JSON array)')
    .option('--org', 'audit every ACTIVE account of the organization (Organizations ListAccounts; run from the management or delegated-administrator account)')
    .option('--shard <K/N>', 'only shard K of N (1-based, N at most 1000): the accounts of --accounts, --org or a multi-account --snapshot, else the regions, chosen by a stable hash (docs/scale.md); merge joins the shards')
    .option('--role-arn <arn>', "role to assume in each account, {accountId} standing for its id, e.g. 'arn:aws:iam::{accountId}:role/ConnectAuditor' (the caller's own account is read directly)")
    .option('--external-id <id>', 'ExternalId sent with AssumeRole')
    .option('--directory-id <id>', 'directory that authenticates the instance(s) agents')
    .option('--resource-types <types>', 'storage resource types to audit, e.g. CALL_RECORDINGS,chat-transcripts (default: all)')
    .option('--endpoint-url <url>', 'send every AWS call to this endpoint (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> are honoured too)')
    .option('--concurrency <n>', `requests in flight at most, ${range(TUNING.concurrency)}`)
    .option('--timeout <seconds>', `whole-run time limit: collection, judging and writing the report, ${range(TUNING.timeout)}`)
    .option('--max-attempts <n>', `attempts per call for throttling, 5xx and network errors, ${range(TUNING.maxAttempts)}`)
    .option('--connect-rate <rps>', `Connect requests per second per API, account and region (AWS default quota: 2), above 0 and at most ${TUNING.connectRate.max} (default: ${TUNING.connectRate.fallback})`)
    .option('--connect-burst <n>', `Connect requests sent at once before pacing starts (AWS default burst: 5), ${range(TUNING.connectBurst)}`)
    .option('--config <file>', 'config file (see `schema config`)')
    .option('--verbose', 'log AWS calls and the run\'s phases to stderr (never credentials)')
    .option('--quiet', 'no warnings on stderr');
}

/** `--snapshot=`, `--resource-types ''`: an empty value is a mistake, never "the default". */
function rejectEmptyValues(command: Command): void {
  for (const option of command.options) {
    const value: unknown = command.getOptionValue(option.attributeName());
    const values = Array.isArray(value) ? (value as unknown[]) : [value];
    if (values.some((v) => typeof v === 'string' && v.trim() === '')) throw new InputError(`${option.long ?? option.flags}: empty value`);
  }
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
    .hook('preAction', (_program, command) => rejectEmptyValues(command))
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  reportOptions(scopeOptions(program.command('audit').description('judge every hop of every instance: live, from an evidence file, or from infrastructure code before it is applied')))
    .option('--snapshot <file>', 'audit a saved evidence file instead of the live account')
    .option('--terraform-plan <file>', 'audit a Terraform or OpenTofu plan before apply: the output of `terraform show -json tfplan`')
    .option('--terraform-dir <dir>', 'where the .tf files of --terraform-plan are, to place findings on their lines (default: the plan file\'s directory)')
    .option('--cloudformation <template>', 'audit a CloudFormation template (YAML or JSON; cdk.out/*.template.json too) before deployment; repeatable, one stack each', collect)
    .option('--parameters <file>', 'stack parameters for --cloudformation: [{"ParameterKey","ParameterValue"}], {"Parameters":{…}} or {"Key":"Value"}')
    .option('--account-id <id>', 'plan mode: the account the code deploys to, when the plan or template does not say (AWS::AccountId)')
    .option('--live-references', 'plan mode: read what the code names but does not manage (existing buckets, keys, streams, instances) live, with the AWS credentials')
    .option('--framework <name>', 'run only rules mapped to this framework: pci, hipaa, nist, iso, soc2')
    .option('--allow-empty', 'a run that finds no instance to audit exits 0 with a warning (default: exit 3)')
    .option('--to-security-hub', 'then import the findings into AWS Security Hub, as `export security-hub` does (with the same credentials)')
    .addHelpText('after', `${LIVE_ONLY_HELP}\n${EXIT_CODES_HELP}`)
    .action(async (flags: AuditFlags) => {
      process.exitCode = await (await import('./commands/audit.js')).runAudit(flags);
    });

  scopeOptions(program.command('collect').description('save the evidence of a live account for a later, offline audit'))
    .option('--out <file>', 'evidence file to write (every account in one file)')
    .option('--out-dir <dir>', 'write one evidence file per account, <dir>/<accountId>.json')
    .addHelpText('after', `
Exit codes of collect: 0 evidence written; 2 bad flag or unusable output path (nothing was sent);
3 no account could be read (the file records why), --timeout stopped the run, or an evidence file
could not be written after the collection (each one named); 129/130/143 on SIGHUP/SIGINT/SIGTERM.`)
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
      .description('join JSON reports of sharded runs (e.g. one per account) into one report; with --shard K/N reports, a missing shard is INCOMPLETE (exit 3), a duplicated one a warning, shards of different N exit 2')
      .argument('<reports...>', 'reports written with --format json'),
  )
    .option('--quiet', 'no warnings on stderr')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (files: string[], flags: ReportOutputFlags) => {
      process.exitCode = await (await import('./commands/merge.js')).runMerge(files, flags);
    });

  program
    .command('export')
    .description('import a JSON report into AWS Security Hub (BatchImportFindings; findings resolved since an earlier import are archived)')
    .addArgument(new Argument('<target>', 'where to: security-hub').choices(['security-hub']))
    .argument('<report>', 'report written with --format json')
    .option('--profile <name>', 'AWS shared config / SSO profile')
    .option('--endpoint-url <url>', 'send every AWS call to this endpoint (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_SECURITYHUB are honoured too)')
    .option('--role-arn <arn>', "role to assume in each account of the report but the caller's, {accountId} standing for its id")
    .option('--external-id <id>', 'ExternalId sent with AssumeRole')
    .option('--concurrency <n>', `requests in flight at most, ${range(TUNING.concurrency)}`)
    .option('--max-attempts <n>', `attempts per call for throttling, 5xx and network errors, ${range(TUNING.maxAttempts)}`)
    .option('--timeout <seconds>', `whole-run time limit, ${range(TUNING.timeout)}`)
    .option('--verbose', 'log AWS calls to stderr (never credentials)')
    .option('--quiet', 'no summary on stderr (refused findings and errors are always printed)')
    .addHelpText('after', `
Exit codes of export: 0 every finding imported (and every resolved one archived); 2 bad flag or
unreadable report; 3 a finding refused (FailedFindings, one line each on stderr), a request that
failed (e.g. AccessDenied, one line naming the IAM action), or an account whose credentials the run
does not have; 129/130/143 on SIGHUP/SIGINT/SIGTERM.`)
    .action(async (_target: 'security-hub', file: string, flags: SecurityHubFlags) => {
      process.exitCode = await (await import('./commands/export.js')).runExport(file, flags);
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

/** Ends the process at once: temporaries removed, the terminal left on a clean line, one line said. */
function exitNow(code: number, line: string): never {
  removePendingTemporaries();
  clearProgressLines();
  process.stderr.write(`${line}\n`);
  process.exit(code);
}

function handleSignals(): void {
  for (const signal of HANDLED_SIGNALS) {
    process.once(signal, () => {
      interruptRun(signal);
      exitNow(SIGNAL_EXIT[signal], interruptedLine(signal));
    });
  }
  // Whatever else ends the process, no temporary file outlives it.
  process.once('exit', removePendingTemporaries);
  // A bug is one line and exit 3 (nothing was judged completely), never a stack trace or a verdict.
  const crash = (error: unknown) => exitNow(EXIT.incomplete, `connect-netpath-audit: internal error: ${oneLineOf(error)}`);
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}

function oneLineOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? '';
}

export async function main(argv: readonly string[]): Promise<void> {
  quietSdkNodeVersionWarning();
  // Write errors reach the writer's callback (a closed pipe is not a failure; see output.ts).
  process.stdout.on('error', () => undefined);
  handleSignals();
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
  } catch (error) {
    process.exitCode = exitCodeOf(error);
  } finally {
    removePendingTemporaries();
  }
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT.usage;
  if (error instanceof InputError) {
    process.stderr.write(`connect-netpath-audit: ${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof ExitError) {
    for (const line of error.message.split('\n')) process.stderr.write(`connect-netpath-audit: ${line}\n`);
    return error.exitCode;
  }
  if (isAbortError(error)) {
    // Only the whole-run timeout gets here (a signal exits in its handler): the audit is incomplete
    // and no report file was written — never a verdict.
    process.stderr.write('connect-netpath-audit: the run did not finish within --timeout; no report file was written (raise --timeout for large scopes)\n');
    return EXIT.incomplete;
  }
  process.stderr.write(`connect-netpath-audit: internal error: ${oneLineOf(error)}\n`);
  return EXIT.incomplete;
}
