/**
 * The local AWS emulator: one HTTP port on 127.0.0.1 for every service. The service and region come
 * from the SigV4 credential scope, the account from the access key id (`AKID<account>`).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { evidenceDocument } from '../../src/evidence/model.js';
import { connectService } from './connect.js';
import { dsService } from './ds.js';
import { FaultInjector, RandomThrottle } from './faults.js';
import { kinesisVideoService } from './kinesis-video.js';
import { kmsService } from './kms.js';
import { logsService } from './logs.js';
import { organizationsService } from './organizations.js';
import { RateLimiter } from './rate-limit.js';
import { s3Service } from './s3.js';
import { s3ControlService } from './s3control.js';
import { securityHubService } from './securityhub.js';
import { EmulatorState } from './state.js';
import { firehoseService, kinesisService } from './streams.js';
import { accountOfAccessKey, stsService } from './sts.js';
import { ApiError, SERVICE_NAMES } from './types.js';
import type {
  Caller,
  Emulator,
  EmulatorOptions,
  Fault,
  Reply,
  RequestContext,
  RequestLogEntry,
  ServiceModule,
  ServiceName,
  WireRequest,
} from './types.js';
import { isThrottlingCode } from './wire.js';

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * AWS's default request quotas per account and region of the services other than Connect that the
 * emulator rate-limits (the sources are in src/evidence/collect/rates.ts); one second of quota as burst.
 */
export const DEFAULT_SERVICE_RATES: Partial<Record<ServiceName, { ratePerSecond: number; burst: number }>> = {
  kinesis: { ratePerSecond: 20, burst: 20 },
  firehose: { ratePerSecond: 5, burst: 5 },
  // BatchImportFindings (GetFindings has its own, lower one in securityhub.ts).
  securityhub: { ratePerSecond: 10, burst: 30 },
};

function header(request: WireRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

interface Scope {
  service: string;
  region: string;
  accessKeyId: string;
}

/** `AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/connect/aws4_request, ...` */
function credentialScope(request: WireRequest): Scope | undefined {
  const match = /Credential=([^/,\s]+)\/\d{8}\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/.exec(header(request, 'authorization') ?? '');
  if (!match) return undefined;
  const [, accessKeyId = '', region = '', service = ''] = match;
  return { accessKeyId, region, service };
}

/** S3 Control signs as `s3`: its requests are told apart by their path. */
function serviceOf(request: WireRequest, scope: Scope | undefined): string {
  const service = scope?.service ?? inferService(request);
  return service === 's3' && request.rawPath.startsWith('/v20180820/') ? 's3control' : service;
}

/** Best guess for an unsigned request. */
function inferService(request: WireRequest): string {
  const target = header(request, 'x-amz-target') ?? '';
  if (target.startsWith('TrentService.')) return 'kms';
  if (target.startsWith('DirectoryService_20150416.')) return 'ds';
  if (target.startsWith('AWSOrganizationsV20161128.')) return 'organizations';
  if (target.startsWith('Logs_20140328.')) return 'logs';
  if (target.startsWith('Kinesis_20131202.')) return 'kinesis';
  if (target.startsWith('Firehose_20150804.')) return 'firehose';
  if (request.rawPath === '/listStreams' || request.rawPath === '/describeStream') return 'kinesisvideo';
  if (request.rawPath === '/findings' || request.rawPath === '/findings/import') return 'securityhub';
  if (request.query.has('Action') || /(^|&)Action=/.test(request.body)) return 'sts';
  if (request.rawPath === '/instance' || request.rawPath.startsWith('/instance/')) return 'connect';
  return 's3';
}

async function readRequest(req: IncomingMessage): Promise<WireRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new ApiError('RequestEntityTooLarge', 'Request body too large', 413);
    chunks.push(buffer);
  }
  const url = new URL(req.url ?? '/', 'http://emulator.local');
  return {
    method: req.method ?? 'GET',
    rawPath: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}

function unknownServiceReply(service: string): Reply {
  return {
    status: 400,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownServiceException' },
    body: JSON.stringify({ __type: 'UnknownServiceException', message: `The emulator does not serve '${service}'` }),
  };
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const parsed = evidenceDocument.safeParse(options.state);
  if (!parsed.success) {
    throw new Error(`emulator state is not a valid evidence document: ${parsed.error.message}`);
  }
  const state = new EmulatorState(parsed.data, options.bucketOwners);
  const pageSize = options.pageSize ?? 2;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError('pageSize must be a positive integer');
  const latencyMs = options.latencyMs ?? 0;
  const connectRate = options.connectRate === undefined ? { ratePerSecond: 2, burst: 5 } : options.connectRate;
  const limiter = connectRate === false ? undefined : new RateLimiter(connectRate);
  const serviceLimiters = new Map<ServiceName, RateLimiter>();
  for (const [service, rate] of Object.entries({ ...DEFAULT_SERVICE_RATES, ...options.serviceRates })) {
    if (rate) serviceLimiters.set(service as ServiceName, new RateLimiter(rate));
  }
  const randomThrottle = options.throttle ? new RandomThrottle(options.throttle.fraction, options.throttle.seed) : undefined;
  const faults = new FaultInjector(options.faults ?? []);

  const securityHub = securityHubService(pageSize, options.securityHubFindings ?? [], options.securityHubDisabled ?? []);
  const services = new Map<ServiceName, ServiceModule>([
    ['connect', connectService(state, pageSize)],
    ['s3', s3Service(state, pageSize)],
    ['s3control', s3ControlService(state)],
    ['kms', kmsService(state, pageSize)],
    ['ds', dsService(state, pageSize)],
    ['sts', stsService(state, { denyAssumeRole: options.denyAssumeRole ?? [], requireExternalId: options.requireExternalId })],
    ['organizations', organizationsService(state, pageSize)],
    ['kinesisvideo', kinesisVideoService(state, pageSize)],
    ['logs', logsService(state, pageSize)],
    ['kinesis', kinesisService(state)],
    ['firehose', firehoseService(state, pageSize)],
    ['securityhub', securityHub],
  ]);

  const requests: RequestLogEntry[] = [];
  const closing = new AbortController();

  function faultReply(module: ServiceModule, fault: Fault, target: { operation: string; resource?: string | undefined }): Reply {
    if (fault.kind === 'Malformed') return module.malformed(target.operation);
    if (fault.kind === 'Slow') throw new Error('unreachable: Slow faults only delay');
    const { code, message, status } = module.faultCodes[fault.kind];
    return module.renderError(new ApiError(code, message, status), target);
  }

  function throttleReply(module: ServiceModule, target: { operation: string; resource?: string | undefined }): Reply {
    const { code, message, status } = module.faultCodes.Throttle;
    const reply = module.renderError(new ApiError(code, message, status), target);
    const retryAfter = typeof options.retryAfter === 'function' ? options.retryAfter() : options.retryAfter;
    return retryAfter === undefined ? reply : { ...reply, headers: { ...reply.headers, 'retry-after': retryAfter } };
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    let request: WireRequest;
    try {
      request = await readRequest(req);
    } catch (error) {
      const status = error instanceof ApiError && error.status !== undefined ? error.status : 400;
      res.writeHead(status, { 'content-type': 'text/plain' }).end('bad request');
      return;
    }
    const scope = credentialScope(request);
    const serviceName = serviceOf(request, scope);
    const caller: Caller = {
      account: accountOfAccessKey(scope?.accessKeyId ?? '', state),
      region: scope?.region ?? state.defaultRegion(),
      accessKeyId: scope?.accessKeyId ?? '',
    };
    const token = header(request, 'x-amz-security-token');
    if (token !== undefined) caller.sessionToken = token;

    const entry: RequestLogEntry = { service: serviceName, operation: 'Unknown', account: caller.account, region: caller.region, status: 0, throttled: false, at };
    requests.push(entry);

    const module = (SERVICE_NAMES as readonly string[]).includes(serviceName) ? services.get(serviceName as ServiceName) : undefined;
    let reply: Reply;
    let extraDelay = 0;
    if (!module) {
      reply = unknownServiceReply(serviceName);
    } else {
      reply = await answer(module, request, caller, entry, (ms) => (extraDelay += ms));
    }
    await delay(latencyMs + extraDelay, undefined, { signal: closing.signal }).catch(() => undefined);
    entry.status = reply.status;
    if (res.destroyed || res.headersSent) return;
    res.writeHead(reply.status, reply.headers).end(reply.body);
  }

  async function answer(
    module: ServiceModule,
    request: WireRequest,
    caller: Caller,
    entry: RequestLogEntry,
    addDelay: (ms: number) => void,
  ): Promise<Reply> {
    let target: { operation: string; resource?: string | undefined } = { operation: 'Unknown' };
    try {
      const identified = module.identify(request);
      target = identified;
      entry.operation = identified.operation;
      if (identified.resource !== undefined) entry.resource = identified.resource;

      const decision = faults.decide({ service: module.name, ...identified });
      addDelay(decision.delayMs);
      if (decision.answer) {
        entry.throttled = decision.answer.kind === 'Throttle';
        return decision.answer.kind === 'Throttle' ? throttleReply(module, target) : faultReply(module, decision.answer, target);
      }
      const rateLimiter = module.name === 'connect' ? limiter : serviceLimiters.get(module.name);
      if (rateLimiter && !rateLimiter.tryAcquire(`${caller.account}|${caller.region}|${identified.operation}`)) {
        entry.throttled = true;
        return throttleReply(module, target);
      }
      if (randomThrottle?.shouldThrottle()) {
        entry.throttled = true;
        return throttleReply(module, target);
      }
      const ctx: RequestContext = { service: module.name, caller, request, ...identified };
      return module.handle(ctx);
    } catch (error) {
      if (error instanceof ApiError) {
        if (isThrottlingCode(error.code)) entry.throttled = true;
        return module.renderError(error, target);
      }
      const message = error instanceof Error ? error.message : String(error);
      const internal = module.faultCodes.InternalError;
      return module.renderError(new ApiError(internal.code, `emulator bug: ${message}`, 500), target);
    }
  }

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  server.keepAliveTimeout = 5_000;
  let connections = 0;
  server.on('connection', () => {
    connections += 1;
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get connections() {
      return connections;
    },
    securityHub,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    reset() {
      requests.length = 0;
      limiter?.reset();
      for (const serviceLimiter of serviceLimiters.values()) serviceLimiter.reset();
      faults.reset();
      randomThrottle?.reset();
    },
  };
}
