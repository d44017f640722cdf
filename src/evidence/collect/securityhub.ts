/**
 * AWS Security Hub: imports a report's findings (BatchImportFindings) and archives the ones that are
 * resolved now (GetFindings, then BatchImportFindings with `RecordState: ARCHIVED`). What is sent is
 * planned in src/export/security-hub.ts; this module only talks to AWS.
 *
 * Every request goes through the scheduler like a collection's: paced per account, region and
 * operation at the documented quota (rates.ts), retried on throttling, 5xx and network errors. Each
 * group is imported with its own account's credentials (the default product ARN accepts no other
 * caller): the caller's for its own account, `--role-arn` for the others. Partial failures come back
 * as `FailedFindings` in a 200 answer and are returned one per finding, never dropped.
 */
import type { AwsSecurityFinding, AwsSecurityFindingFilters } from '@aws-sdk/client-securityhub';
import { archivedCopy, findingsToArchive, importBatches, importGroups, unimportable, type ImportGroup } from '../../export/security-hub.js';
import type { Report } from '../../report/schema.js';
import { isAccessDenied, OPERATIONS, type OperationKey } from '../operations.js';
import { assumeRoleCredentials, roleSessionName } from './assume-role.js';
import { ClientFactory, type AwsCredentialIdentityProvider } from './clients.js';
import { request, type CollectContext } from './context.js';
import { callErrorOf, redact } from './record.js';
import { isAbortError, Scheduler } from './scheduler.js';
import { assumeRoleCall } from './sts.js';

export interface SecurityHubOptions {
  profile?: string | undefined;
  endpointUrl?: string | undefined;
  /** Role assumed in every account of the report but the caller's, `{accountId}` standing for its id. */
  roleArn?: string | undefined;
  externalId?: string | undefined;
  maxAttempts: number;
  concurrency: number;
  requestTimeoutMs: number;
  signal: AbortSignal;
  log?: ((line: string) => void) | undefined;
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** The caller's credentials; default: the standard chain with `profile`. */
  credentials?: AwsCredentialIdentityProvider | undefined;
}

/** One finding Security Hub refused (its FailedFindings entry). */
export interface RefusedFinding {
  id: string;
  code: string;
  message: string;
}

/** A request that failed as a whole: what was asked, its error, and the IAM action a refusal names. */
export interface GroupError {
  operation: string;
  code: string;
  message: string;
  iamAction?: string;
  /** What the failure left undone. */
  consequence: string;
}

export interface GroupOutcome {
  accountId: string;
  region: string;
  /** Findings of the report accepted (SuccessCount minus the archived ones accepted). */
  imported: number;
  /** Resolved findings sent with RecordState ARCHIVED and accepted. */
  archived: number;
  /**
   * Findings Security Hub already holds from a newer run: accepted, but "If UpdatedAt on the update
   * occurs before UpdatedAt on the existing finding, then the update is ignored" (finding-update-batchimportfindings).
   */
  ignored: number;
  refused: RefusedFinding[];
  errors: GroupError[];
}

const ID_PREFIX = 'connect-netpath-audit/';
/** "For each attribute, you can provide up to 20 filter values." (GetFindings, Filters) */
const FILTER_VALUES = 20;
/** GetFindings MaxResults: "Valid Range: Minimum value of 1. Maximum value of 100." */
const PAGE_SIZE = 100;
const MAX_PAGES = 10_000;

const ACCESS_CODES = new Set(['InvalidAccessException']);

type SecurityHubOperation = Extract<OperationKey, `securityhub:${string}`>;

function groupError(operation: SecurityHubOperation, err: unknown, consequence: string): GroupError {
  const { code, message } = callErrorOf(err);
  const action = OPERATIONS[operation].importAction;
  const refused = isAccessDenied(code) || ACCESS_CODES.has(code);
  return { operation, code, message: redact(message), consequence, ...(refused ? { iamAction: action } : {}) };
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** This tool's ACTIVE findings in Security Hub for the group's product and rules, every page. */
export async function activeFindings(ctx: CollectContext, group: ImportGroup): Promise<AwsSecurityFinding[]> {
  const found = new Map<string, AwsSecurityFinding>();
  for (const generatorIds of chunks(group.generatorIds, FILTER_VALUES)) {
    const Filters: AwsSecurityFindingFilters = {
      ProductArn: [{ Value: group.productArn, Comparison: 'EQUALS' }],
      GeneratorId: generatorIds.map((Value) => ({ Value, Comparison: 'EQUALS' })),
      RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
    };
    const seen = new Set<string>();
    let token: string | undefined;
    for (let page = 0; ; page++) {
      const answer = await request(
        ctx,
        { operation: 'securityhub:GetFindings', region: group.region, resource: group.productArn },
        () => ctx.clients.securityHub(group.region),
        ({ client, sdk }, abortSignal) => client.send(new sdk.GetFindingsCommand({ Filters, MaxResults: PAGE_SIZE, ...(token ? { NextToken: token } : {}) }), { abortSignal }),
      );
      for (const finding of answer.Findings ?? []) if (finding.Id?.startsWith(ID_PREFIX)) found.set(finding.Id, finding);
      const next = answer.NextToken;
      if (next === undefined || next === '') break;
      if (seen.has(next) || page + 1 >= MAX_PAGES) {
        const error = new Error(`GetFindings kept returning pagination tokens (page ${page + 1}); the list is incomplete.`);
        error.name = 'PaginationLoop';
        throw error;
      }
      seen.add(next);
      token = next;
    }
  }
  return [...found.values()];
}

interface Sent {
  accepted: Set<string>;
  refused: RefusedFinding[];
}

async function importBatch(ctx: CollectContext, region: string, batch: AwsSecurityFinding[]): Promise<Sent> {
  const answer = await request(
    ctx,
    { operation: 'securityhub:BatchImportFindings', region, resource: `${batch.length} findings` },
    () => ctx.clients.securityHub(region),
    ({ client, sdk }, abortSignal) => client.send(new sdk.BatchImportFindingsCommand({ Findings: batch }), { abortSignal }),
  );
  const refused = (answer.FailedFindings ?? []).map((f) => ({ id: f.Id ?? '', code: f.ErrorCode ?? 'Unknown', message: redact(f.ErrorMessage ?? '') }));
  const refusedIds = new Set(refused.map((r) => r.id));
  // A 200 that accounts for fewer findings than were sent is not taken as success for the rest.
  const answered = (answer.SuccessCount ?? 0) + (answer.FailedCount ?? refused.length);
  if (answered < batch.length) {
    const missing = batch.length - answered;
    refused.push({ id: `${missing} of ${batch.length} findings`, code: 'NotAcknowledged', message: `BatchImportFindings answered SuccessCount ${answer.SuccessCount ?? 'none'} and FailedCount ${answer.FailedCount ?? 'none'} for ${batch.length} findings` });
    return { accepted: new Set(), refused };
  }
  return { accepted: new Set(batch.flatMap((f) => (f.Id !== undefined && !refusedIds.has(f.Id) ? [f.Id] : []))), refused };
}

async function exportGroup(ctx: CollectContext, report: Report, group: ImportGroup): Promise<GroupOutcome> {
  const outcome: GroupOutcome = { accountId: group.accountId, region: group.region, imported: 0, archived: 0, ignored: 0, refused: [], errors: [] };
  let toArchive: AwsSecurityFinding[] = [];
  const newer = new Set<string>();
  try {
    const active = await activeFindings(ctx, group);
    toArchive = findingsToArchive(report, group, active).map((f) => archivedCopy(f, report.run.startedAt));
    const startedAt = Date.parse(report.run.startedAt);
    for (const f of active) if (f.Id !== undefined && Date.parse(f.UpdatedAt ?? '') > startedAt) newer.add(f.Id);
  } catch (err) {
    if (isAbortError(err)) throw err;
    outcome.errors.push(groupError('securityhub:GetFindings', err, 'findings resolved since an earlier import were not archived'));
  }
  const archivedIds = new Set(toArchive.map((f) => f.Id));
  const batches = importBatches([...group.findings, ...toArchive]);
  for (const [index, batch] of batches.entries()) {
    try {
      const sent = await importBatch(ctx, group.region, batch);
      outcome.refused.push(...sent.refused);
      for (const id of sent.accepted) {
        if (archivedIds.has(id)) outcome.archived += 1;
        else if (newer.has(id)) outcome.ignored += 1;
        else outcome.imported += 1;
      }
    } catch (err) {
      if (isAbortError(err)) throw err;
      const left = batches.slice(index).reduce((n, b) => n + b.length, 0);
      outcome.errors.push(groupError('securityhub:BatchImportFindings', err, `${left} findings were not imported`));
      break;
    }
  }
  return outcome;
}

function skipped(group: ImportGroup, code: string, message: string, operation = 'securityhub:BatchImportFindings'): GroupOutcome {
  return {
    accountId: group.accountId,
    region: group.region,
    imported: 0,
    archived: 0,
    ignored: 0,
    refused: [],
    errors: [{ operation, code, message, consequence: `${group.findings.length} findings were not imported` }],
  };
}

/** Imports every group of the report; one outcome per (account, region). Only an abort rejects. */
export async function exportToSecurityHub(report: Report, options: SecurityHubOptions): Promise<GroupOutcome[]> {
  const groups = importGroups(report);
  if (groups.length === 0) return [];
  const log = options.log ? (line: string) => options.log?.(redact(line)) : () => undefined;
  const scheduler = new Scheduler({ concurrency: options.concurrency, maxAttempts: options.maxAttempts, requestTimeoutMs: options.requestTimeoutMs, signal: options.signal, log });
  const settings = { profile: options.profile, endpointUrl: options.endpointUrl, env: options.env ?? process.env };
  const callerClients = new ClientFactory({ ...settings, credentials: options.credentials });
  const factories: ClientFactory[] = [callerClients];
  const firstRegion = groups[0]?.region ?? 'us-east-1';
  const callerCtx: CollectContext = { accountId: 'caller', scheduler, clients: callerClients, connectRate: { ratePerSecond: 1, burst: 1 }, log };
  try {
    let caller: string;
    try {
      const identity = await request(callerCtx, { operation: 'sts:GetCallerIdentity', region: firstRegion, resource: 'caller' }, () => callerClients.sts(firstRegion), ({ client, sdk }, abortSignal) =>
        client.send(new sdk.GetCallerIdentityCommand({}), { abortSignal }),
      );
      caller = identity.Account ?? '';
    } catch (err) {
      if (isAbortError(err)) throw err;
      const { code, message } = callErrorOf(err);
      return groups.map((g) => skipped(g, code, `the caller's identity could not be established (sts:GetCallerIdentity): ${redact(message)}`));
    }
    const sessionName = roleSessionName(new Date());
    const sessionFor = async (group: ImportGroup): Promise<ClientFactory | GroupOutcome> => {
      if (group.accountId === caller) return callerClients;
      if (!options.roleArn) {
        return skipped(group, 'NotTheCaller', `BatchImportFindings for the default product ARN must be called by account ${group.accountId} itself; the caller is ${caller || 'unknown'} (run with that account's credentials, or pass --role-arn)`);
      }
      const roleArn = options.roleArn.split('{accountId}').join(group.accountId);
      const credentials = assumeRoleCredentials(assumeRoleCall(callerCtx, group.region, options.signal), { roleArn, roleSessionName: sessionName, externalId: options.externalId, accountId: group.accountId });
      try {
        await credentials();
      } catch (err) {
        if (isAbortError(err)) throw err;
        const { code, message } = callErrorOf(err);
        return skipped(group, code, `${roleArn}: ${redact(message)}`, 'sts:AssumeRole');
      }
      const clients = new ClientFactory({ ...settings, credentials });
      factories.push(clients);
      return clients;
    };
    return await Promise.all(
      groups.map(async (group) => {
        const why = unimportable(group);
        if (why) return skipped(group, 'InvalidGroup', why);
        const clients = await sessionFor(group);
        if (!(clients instanceof ClientFactory)) return clients;
        return exportGroup({ accountId: group.accountId, scheduler, clients, connectRate: callerCtx.connectRate, log }, report, group);
      }),
    );
  } finally {
    for (const factory of factories) factory.destroy();
  }
}
