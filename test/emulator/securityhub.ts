/**
 * AWS Security Hub (CSPM), restJson1 as the SDK serializes it (node_modules/@aws-sdk/client-securityhub/
 * dist-cjs/index.js: BatchImportFindings `["POST", "/findings/import", 200]`, GetFindings
 * `["POST", "/findings", 200]`), errors named by the `x-amzn-ErrorType` header with `Message` and `Code`.
 *
 * Imported findings live in memory per (account, region), keyed by ProductArn and Id. BatchImportFindings
 * answers a request outside the documented 1–100 findings with InvalidInputException (400); each finding
 * that breaks a documented rule comes back in `FailedFindings` (the others are stored):
 * - the default product ARN must be the caller's own in the request's region ("You must call
 *   BatchImportFindings using the account that is associated with the findings",
 *   https://docs.aws.amazon.com/securityhub/latest/partnerguide/guidelines-batchimportfindings.html);
 *   `AwsAccountId` must be the caller's too;
 * - the required attributes (https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html),
 *   Id ≤ 512, Title ≤ 256, Description ≤ 1024 (API_AwsSecurityFinding), ≤ 240 KB a finding ("up to 240 KB
 *   per finding", same guidelines page), Resources 1–32 with Type and Id.
 * The ErrorCode values other than `InvalidAccess` (`InvalidInput`, `AccessDeniedException`) are the
 * emulator's choice: AWS documents the fields of ImportFindingsError, not a list of codes.
 *
 * An account that has not enabled Security Hub gets every finding back as `InvalidAccess` ("If Security Hub
 * is disabled ... the findings are returned in the FailedFindings list, with an InvalidAccess error",
 * https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html). An
 * update older than the stored finding is ignored, and an update keeps the stored `Workflow` (same page:
 * "If UpdatedAt on the update occurs before UpdatedAt on the existing finding, then the update is
 * ignored"; Note, UserDefinedFields, VerificationState, Workflow: "Any content in those fields and
 * objects is ignored"). GetFindings filters string attributes (top-level and
 * `ProductFields`) with EQUALS, NOT_EQUALS and PREFIX (values of one attribute OR'ed, attributes AND'ed),
 * pages at `MaxResults` or the emulator's page size, whichever is smaller, and is rate limited at its own
 * documented quota (3 requests a second, burst 6) on top of the service's.
 */
import { RateLimiter } from './rate-limit.js';
import { ApiError } from './types.js';
import type { Identified, RequestContext, ServiceModule, WireRequest } from './types.js';
import { jsonBody, jsonReply, limitOf, paginate, requestId, statusForCode, stringMember } from './wire.js';

type StoredFinding = Record<string, unknown>;

const ROUTES: Record<string, string> = { '/findings/import': 'BatchImportFindings', '/findings': 'GetFindings' };

const REQUIRED = ['SchemaVersion', 'Id', 'ProductArn', 'GeneratorId', 'AwsAccountId', 'CreatedAt', 'UpdatedAt', 'Title', 'Description', 'Resources'] as const;
const MAX_LENGTH: Record<string, number> = { Id: 512, GeneratorId: 512, Title: 256, Description: 1024 };
const MAX_FINDING_BYTES = 240 * 1024;

/** BatchImportFindings — its quota, 10 a second with a burst of 30, is the service's default below. */
export const GET_FINDINGS_RATE = { ratePerSecond: 3, burst: 6 };

const STATUS: Record<string, number> = {
  InvalidInputException: 400,
  InvalidAccessException: 401,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  LimitExceededException: 429,
  InternalException: 500,
};

function findingsOf(body: Record<string, unknown>): unknown[] | undefined {
  return Array.isArray(body.Findings) ? (body.Findings as unknown[]) : undefined;
}

function route(request: WireRequest): Identified {
  const operation = request.method === 'POST' ? ROUTES[request.rawPath] : undefined;
  if (!operation) throw new ApiError('UnknownOperationException', `The emulator does not serve ${request.method} ${request.rawPath}`, 404);
  const body = jsonBody(request.body);
  if (operation === 'BatchImportFindings') {
    const first = findingsOf(body)?.[0];
    const arn = first !== null && typeof first === 'object' ? stringMember(first as Record<string, unknown>, 'ProductArn') : undefined;
    return arn === undefined ? { operation } : { operation, resource: arn };
  }
  const filter = (body.Filters as Record<string, { Value?: unknown }[]> | undefined)?.ProductArn?.[0]?.Value;
  return typeof filter === 'string' ? { operation, resource: filter } : { operation };
}

/** Why a finding is refused, or undefined when Security Hub would store it. */
function problem(finding: unknown, caller: RequestContext['caller']): { code: string; message: string } | undefined {
  if (finding === null || typeof finding !== 'object' || Array.isArray(finding)) return { code: 'InvalidInput', message: 'A finding must be an object.' };
  const f = finding as StoredFinding;
  for (const name of REQUIRED) {
    const value = f[name];
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return { code: 'InvalidInput', message: `Finding does not adhere to Amazon Finding Format: missing required attribute ${name}.` };
  }
  for (const [name, max] of Object.entries(MAX_LENGTH)) {
    const value = f[name];
    if (typeof value !== 'string' || value.length > max) return { code: 'InvalidInput', message: `Finding does not adhere to Amazon Finding Format: ${name} must be a string of at most ${max} characters.` };
  }
  const severity = f.Severity as { Label?: unknown; Normalized?: unknown } | undefined;
  const providerSeverity = (f.FindingProviderFields as { Severity?: { Label?: unknown } } | undefined)?.Severity;
  if (severity?.Label === undefined && severity?.Normalized === undefined && providerSeverity?.Label === undefined) {
    return { code: 'InvalidInput', message: 'Finding does not adhere to Amazon Finding Format: Severity.Label or Severity.Normalized is required.' };
  }
  const resources = f.Resources;
  if (!Array.isArray(resources) || resources.length < 1 || resources.length > 32 || resources.some((r) => typeof (r as StoredFinding | null)?.Type !== 'string' || typeof (r as StoredFinding | null)?.Id !== 'string')) {
    return { code: 'InvalidInput', message: 'Finding does not adhere to Amazon Finding Format: Resources must hold 1 to 32 resources, each with Type and Id.' };
  }
  if (Buffer.byteLength(JSON.stringify(f)) > MAX_FINDING_BYTES) return { code: 'InvalidInput', message: 'The finding is larger than 240 KB.' };
  const productArn = f.ProductArn as string;
  const own = new RegExp(`^arn:aws[a-z-]*:securityhub:${caller.region}:${caller.account}:product/${caller.account}/default$`);
  if (!own.test(productArn)) return { code: 'AccessDeniedException', message: `The caller ${caller.account} is not authorized to import findings for product ${productArn} in ${caller.region}.` };
  if (f.AwsAccountId !== caller.account) return { code: 'AccessDeniedException', message: `The caller ${caller.account} cannot import findings for account ${String(f.AwsAccountId)} with the default product ARN.` };
  return undefined;
}

interface StringFilter {
  Value?: unknown;
  Key?: unknown;
  Comparison?: unknown;
}

function matchesOne(value: unknown, filter: StringFilter): boolean {
  const wanted = typeof filter.Value === 'string' ? filter.Value : '';
  const text = typeof value === 'string' ? value : undefined;
  if (filter.Comparison === 'EQUALS') return text === wanted;
  if (filter.Comparison === 'NOT_EQUALS') return text !== wanted;
  if (filter.Comparison === 'PREFIX') return text !== undefined && text.startsWith(wanted);
  throw new ApiError('InvalidInputException', `The emulator does not support the comparison ${String(filter.Comparison)}.`, 400);
}

/** Filters of one attribute: EQUALS / PREFIX values are alternatives, NOT_EQUALS all have to hold. */
function matchesAttribute(finding: StoredFinding, name: string, filters: StringFilter[]): boolean {
  const valueOf = (filter: StringFilter) => (name === 'ProductFields' ? (finding.ProductFields as Record<string, unknown> | undefined)?.[String(filter.Key)] : finding[name]);
  const negative = filters.filter((f) => f.Comparison === 'NOT_EQUALS');
  const positive = filters.filter((f) => f.Comparison !== 'NOT_EQUALS');
  return negative.every((f) => matchesOne(valueOf(f), f)) && (positive.length === 0 || positive.some((f) => matchesOne(valueOf(f), f)));
}

export interface SecurityHubView {
  /** Every finding stored for (account, region), in import order. */
  findings(account: string, region: string): StoredFinding[];
}

export function securityHubService(pageSize: number, seed: readonly StoredFinding[], disabled: readonly string[] = []): ServiceModule & SecurityHubView {
  const stores = new Map<string, Map<string, StoredFinding>>();
  const getFindingsRate = new RateLimiter(GET_FINDINGS_RATE);
  const storeOf = (account: string, region: string) => {
    const key = `${account}|${region}`;
    let store = stores.get(key);
    if (!store) {
      store = new Map();
      stores.set(key, store);
    }
    return store;
  };

  for (const finding of seed) {
    const region = /^arn:[^:]+:securityhub:([^:]+):/.exec(String(finding.ProductArn))?.[1] ?? '';
    storeOf(String(finding.AwsAccountId), region).set(`${String(finding.ProductArn)}\n${String(finding.Id)}`, structuredClone(finding));
  }

  function batchImport(ctx: RequestContext): Record<string, unknown> {
    const findings = findingsOf(jsonBody(ctx.request.body));
    if (!findings || findings.length < 1 || findings.length > 100) {
      throw new ApiError('InvalidInputException', `Findings must hold 1 to 100 findings, not ${findings?.length ?? 'none'}.`, 400);
    }
    const store = storeOf(ctx.caller.account, ctx.caller.region);
    const failed: { Id: string; ErrorCode: string; ErrorMessage: string }[] = [];
    for (const finding of findings) {
      const f = finding as StoredFinding;
      const refused = disabled.includes(ctx.caller.account)
        ? { code: 'InvalidAccess', message: `Account ${ctx.caller.account} is not subscribed to AWS Security Hub.` }
        : problem(finding, ctx.caller);
      if (refused) {
        failed.push({ Id: typeof f?.Id === 'string' ? f.Id : '', ErrorCode: refused.code, ErrorMessage: refused.message });
        continue;
      }
      const key = `${String(f.ProductArn)}\n${String(f.Id)}`;
      const existing = store.get(key);
      // "If UpdatedAt on the update occurs before UpdatedAt on the existing finding, then the update is ignored."
      if (existing && Date.parse(String(f.UpdatedAt)) < Date.parse(String(existing.UpdatedAt))) continue;
      store.set(key, existing ? { ...f, Workflow: existing.Workflow } : { ...f, Workflow: f.Workflow ?? { Status: 'NEW' } });
    }
    return { FailedCount: failed.length, SuccessCount: findings.length - failed.length, FailedFindings: failed };
  }

  function getFindings(ctx: RequestContext): Record<string, unknown> {
    if (!getFindingsRate.tryAcquire(`${ctx.caller.account}|${ctx.caller.region}`)) throw new ApiError('LimitExceededException', 'Rate exceeded', 429);
    const body = jsonBody(ctx.request.body);
    const filters = (body.Filters ?? {}) as Record<string, StringFilter[]>;
    for (const [name, list] of Object.entries(filters)) {
      if (!Array.isArray(list) || list.length > 20) throw new ApiError('InvalidInputException', `Filter ${name} must hold at most 20 values.`, 400);
    }
    const store = storeOf(ctx.caller.account, ctx.caller.region);
    const matching = [...store.values()].filter((f) => Object.entries(filters).every(([name, list]) => matchesAttribute(f, name, list)));
    const result = paginate(matching, {
      scope: `GetFindings|${ctx.caller.account}|${ctx.caller.region}|${JSON.stringify(filters)}`,
      token: stringMember(body, 'NextToken'),
      limit: limitOf(body.MaxResults),
      pageSize,
      invalidToken: () => new ApiError('InvalidInputException', 'The NextToken is not valid.', 400),
    });
    return { Findings: result.page, ...(result.next !== undefined ? { NextToken: result.next } : {}) };
  }

  return {
    name: 'securityhub',
    identify: route,
    handle(ctx) {
      return jsonReply(ctx.operation === 'BatchImportFindings' ? batchImport(ctx) : getFindings(ctx), 'application/json');
    },
    renderError(error) {
      return {
        status: error.status ?? STATUS[error.code] ?? statusForCode('securityhub', error.code),
        headers: { 'content-type': 'application/json', 'x-amzn-ErrorType': error.code, 'x-amzn-RequestId': requestId() },
        body: JSON.stringify({ Message: error.message, Code: error.code }),
      };
    },
    faultCodes: {
      AccessDenied: { code: 'AccessDeniedException', message: 'User: arn:aws:iam::000000000000:user/auditor is not authorized to perform this operation', status: 403 },
      NotFound: { code: 'ResourceNotFoundException', message: 'The request was rejected because we can\'t find the specified resource.', status: 404 },
      InternalError: { code: 'InternalException', message: 'Internal service failure.', status: 500 },
      // API_BatchImportFindings: "LimitExceededException ... throttling limits ... HTTP Status Code: 429"
      Throttle: { code: 'LimitExceededException', message: 'Rate exceeded', status: 429 },
    },
    malformed: () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"FailedCount": ' }),
    findings(account, region) {
      return [...(stores.get(`${account}|${region}`)?.values() ?? [])];
    },
  };
}
