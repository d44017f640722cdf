/**
 * Public and internal types of the local AWS emulator used by the integration tests.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { EvidenceDocument } from '../../src/evidence/model.js';

export type ServiceName = 'connect' | 's3' | 's3control' | 'kms' | 'ds' | 'sts' | 'organizations' | 'kinesisvideo' | 'logs' | 'kinesis' | 'firehose' | 'securityhub';

export const SERVICE_NAMES: readonly ServiceName[] = ['connect', 's3', 's3control', 'kms', 'ds', 'sts', 'organizations', 'kinesisvideo', 'logs', 'kinesis', 'firehose', 'securityhub'];

export interface Fault {
  service: ServiceName;
  /** SDK operation name (`DescribeInstance`, `GetBucketPolicy`, ...), or `*` for every operation of the service. */
  operation: string;
  /** Substring match on the request's resource (bucket name, key id, instance id, directory id, role ARN). */
  resource?: string;
  kind: 'AccessDenied' | 'NotFound' | 'InternalError' | 'Slow' | 'Malformed' | 'Throttle';
  /** For `Slow`: how long to wait before answering normally (default 1000 ms). */
  delayMs?: number;
  /** How many times to apply the fault; default: always. */
  times?: number;
}

export interface EmulatorOptions {
  state: EvidenceDocument;
  /** Added to every request before it is answered (default 0). */
  latencyMs?: number;
  /** Page size of every list API (default 2, so pagination is always exercised). */
  pageSize?: number;
  /** Token bucket per (account, region, Connect operation); default `{ ratePerSecond: 2, burst: 5 }`; `false` = unlimited. */
  connectRate?: { ratePerSecond: number; burst: number } | false;
  /**
   * Token bucket per (account, region, operation) of other services, by service; default
   * DEFAULT_SERVICE_RATES (AWS's documented default quotas); `false` = unlimited.
   */
  serviceRates?: Partial<Record<ServiceName, { ratePerSecond: number; burst: number } | false>>;
  /** Additionally answer this fraction of ALL requests with the service's throttling error (deterministic PRNG). */
  throttle?: { fraction: number; seed?: number };
  /**
   * A `Retry-After` header on every throttling answer (rate limits, `throttle`, Throttle faults): its
   * value, or a function giving it at answer time (an HTTP-date, say).
   */
  retryAfter?: string | (() => string);
  faults?: Fault[];
  /** Account ids whose roles STS refuses to assume (AccessDenied). */
  denyAssumeRole?: string[];
  /** When set, AssumeRole succeeds only with this ExternalId. */
  requireExternalId?: string;
  /** Bucket name → owning account id; overrides the owner derived from the evidence. */
  bucketOwners?: Record<string, string>;
  /** Findings Security Hub already holds (as if imported earlier), stored under their AwsAccountId and ProductArn region. */
  securityHubFindings?: Record<string, unknown>[];
  /** Accounts that have not enabled Security Hub: every finding they import comes back as FailedFindings `InvalidAccess`. */
  securityHubDisabled?: string[];
}

export interface RequestLogEntry {
  service: string;
  operation: string;
  account: string;
  region: string;
  resource?: string;
  status: number;
  throttled: boolean;
  /** Arrival time, `Date.now()`. */
  at: number;
}

export interface Emulator {
  url: string;
  port: number;
  requests: RequestLogEntry[];
  /** TCP connections accepted so far (a client that reuses its sockets opens few). */
  readonly connections: number;
  /** What Security Hub holds: the findings imported so far, per account and region. */
  securityHub: { findings(account: string, region: string): Record<string, unknown>[] };
  close(): Promise<void>;
  /** Clears the request log, the rate-limit buckets, the `times` counters of faults and the throttle PRNG. */
  reset(): void;
}

/** A parsed incoming request. */
export interface WireRequest {
  method: string;
  /** Path without the query string, still percent-encoded. */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Who is calling, where. */
export interface Caller {
  account: string;
  region: string;
  accessKeyId: string;
  sessionToken?: string;
}

/** The operation a request names, identified before it is answered (for the log, faults and rate limits). */
export interface Identified {
  operation: string;
  resource?: string;
}

export interface RequestContext extends Identified {
  service: ServiceName;
  caller: Caller;
  request: WireRequest;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** An error answer; each protocol renders it in its own wire shape. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** HTTP status; when undefined each service derives it from the code. */
    readonly status?: number,
  ) {
    super(message);
    this.name = code;
  }
}

export interface ServiceModule {
  readonly name: ServiceName;
  /** Operation and resource named by the request; throws ApiError for a request the emulator does not know. */
  identify(request: WireRequest): Identified;
  handle(ctx: RequestContext): Reply;
  renderError(error: ApiError, ctx: { operation: string; resource?: string | undefined }): Reply;
  /** Error codes the fault kinds map to. */
  readonly faultCodes: Record<'AccessDenied' | 'NotFound' | 'InternalError' | 'Throttle', { code: string; message: string; status?: number }>;
  /** A 200 body that is not valid in this protocol. */
  malformed(operation: string): Reply;
}
