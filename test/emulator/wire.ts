/**
 * Wire helpers shared by the service modules: replies, timestamps, pagination tokens, XML text,
 * and turning an evidence `Call` record into an answer.
 */
import { randomUUID } from 'node:crypto';
import type { Call } from '../../src/evidence/model.js';
import { ApiError } from './types.js';
import type { Reply, ServiceName, WireRequest } from './types.js';

export function requestId(): string {
  return randomUUID();
}

export function jsonReply(body: unknown, contentType = 'application/x-amz-json-1.1', status = 200): Reply {
  return {
    status,
    headers: { 'content-type': contentType, 'x-amzn-requestid': requestId() },
    body: JSON.stringify(body),
  };
}

/** An awsJson1_1 error as those services send it: the code in `__type`, the text in `message`. */
export function awsJsonError(error: { code: string; message: string }, status: number): Reply {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId() },
    body: JSON.stringify({ __type: error.code, message: error.message }),
  };
}

export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Members the SDKs model as timestamps in the responses the emulator serves. */
const TIMESTAMP_MEMBERS = new Set([
  'CreatedTime',
  'CreationDate',
  'DeletionDate',
  'ValidTo',
  'NextRotationDate',
  'OnDemandRotationStartDate',
  'LastUpdatedDate',
  'LaunchTime',
  'StageLastUpdatedDateTime',
  'LastUpdatedDateTime',
  'ExpiryDateTime',
  'RegisteredDateTime',
  'LastRequestedDateTime',
  'JoinedTimestamp',
  'RotationDate',
  'CreatedDateTime',
  'StateLastUpdatedDateTime',
  // Kinesis Video StreamInfo
  'CreationTime',
  // Kinesis StreamDescriptionSummary, Firehose DeliveryStreamDescription
  'StreamCreationTimestamp',
  'CreateTimestamp',
  'LastUpdateTimestamp',
]);

/** ISO-8601 (the evidence format) → epoch seconds (the awsJson/restJson wire format). */
export function epochSeconds(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms / 1000 : value;
}

/** Deep copy with every modeled timestamp member converted to epoch seconds. */
export function toWireJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toWireJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      out[key] = TIMESTAMP_MEMBERS.has(key) ? epochSeconds(member) : toWireJson(member);
    }
    return out;
  }
  return value;
}

// ---- pagination ---------------------------------------------------------------------------

const TOKEN_PREFIX = 'emu1.';

function encodeToken(scope: string, offset: number): string {
  return TOKEN_PREFIX + Buffer.from(JSON.stringify({ s: scope, o: offset })).toString('base64url');
}

function decodeToken(token: string, scope: string): number | undefined {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && 's' in parsed && 'o' in parsed) {
      const { s, o } = parsed as { s: unknown; o: unknown };
      if (s === scope && typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export interface PageRequest {
  /** Identifies the list (operation + its parameters): a token from one list is refused by another. */
  scope: string;
  token: string | undefined;
  /** The client's page size (maxResults, Limit, MaxResults); 0 or undefined = server default. */
  limit: number | undefined;
  pageSize: number;
  /** Error thrown for a token the emulator did not issue for this list. */
  invalidToken: () => ApiError;
}

export function paginate<T>(items: readonly T[], request: PageRequest): { page: T[]; next: string | undefined } {
  let offset = 0;
  if (request.token !== undefined && request.token !== '') {
    const decoded = decodeToken(request.token, request.scope);
    if (decoded === undefined || decoded > items.length) throw request.invalidToken();
    offset = decoded;
  }
  const size = Math.max(1, request.limit !== undefined && request.limit > 0 ? Math.min(request.limit, request.pageSize) : request.pageSize);
  const page = items.slice(offset, offset + size);
  const end = offset + page.length;
  return { page, next: end < items.length ? encodeToken(request.scope, end) : undefined };
}

/** A positive integer from a query parameter or JSON member, else undefined. */
export function limitOf(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

// ---- errors -------------------------------------------------------------------------------

const ACCESS_DENIED =
  /^(AccessDenied|AccessDeniedException|UnauthorizedOperation|UnrecognizedClientException|AuthorizationError|Forbidden|InvalidClientTokenId|ExpiredToken|ExpiredTokenException|SignatureDoesNotMatch|AllAccessDisabled|InvalidAccessKeyId)$/;
const THROTTLING = /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown|RateExceeded|LimitExceededException|ProvisionedThroughputExceeded/i;
const NOT_FOUND = /NotFound|NoSuch|DoesNotExist/;

export function isThrottlingCode(code: string): boolean {
  return THROTTLING.test(code);
}

/** The HTTP status each service uses for an error code (used when the evidence does not record one). */
export function statusForCode(service: ServiceName, code: string): number {
  const jsonRpc = service === 'kms' || service === 'ds' || service === 'organizations';
  if (ACCESS_DENIED.test(code)) return 403;
  if (THROTTLING.test(code)) {
    if (service === 'connect') return 429;
    if (service === 's3') return 503;
    return 400;
  }
  if (NOT_FOUND.test(code)) return jsonRpc ? 400 : 404;
  if (/^ServiceUnavailable/.test(code)) return 503;
  if (/Internal|^ServiceException$|ServerError|InternalFailure/.test(code)) return 500;
  if (code === 'MethodNotAllowed') return 405;
  return 400;
}

/** The answer recorded in the evidence: the response, or the recorded error / "not configured" code thrown as ApiError. */
export function answerOf<T>(call: Call<T>): T {
  if (call.status === 'ok') return call.response;
  if (call.status === 'absent') throw new ApiError(call.code, call.message ?? `${call.code}`);
  throw new ApiError(call.error.code, call.error.message, call.error.httpStatus);
}

/** Form-encoded or query parameters of an awsQuery request (STS). */
export function formParams(query: URLSearchParams, body: string): URLSearchParams {
  const params = new URLSearchParams(query);
  for (const [key, value] of new URLSearchParams(body)) params.set(key, value);
  return params;
}

/** JSON body of an awsJson request; `{}` for an empty body. */
export function jsonBody(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ApiError('SerializationException', 'The request body is not valid JSON', 400);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ApiError('SerializationException', 'The request body is not a JSON object', 400);
  }
  return parsed as Record<string, unknown>;
}

export function stringMember(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
}

/** The operation named by an awsJson `x-amz-target` header with the given prefix. */
export function jsonTarget(request: WireRequest, prefix: string, known: ReadonlySet<string>): string {
  const header = request.headers['x-amz-target'];
  const target = Array.isArray(header) ? header[0] : header;
  const [targetPrefix, operation] = (target ?? '').split('.');
  if (request.method !== 'POST' || targetPrefix !== prefix || operation === undefined || !known.has(operation)) {
    throw new ApiError('UnknownOperationException', `The emulator does not serve ${target ?? request.rawPath}`, 400);
  }
  return operation;
}
