/**
 * Amazon Kinesis Video Streams, restJson1 (`POST /listStreams`, `POST /describeStream`, JSON bodies),
 * errors named by the `x-amzn-ErrorType` header with a `Message` body member, as the SDK reads them.
 *
 * The streams of an account and region are every stream the region's instances' `videoStreams` records
 * hold (each record is keyed by the prefix it was listed with); ListStreams filters them with the
 * request's BEGINS_WITH condition itself. A recorded error answers a request for the same prefix.
 */
import type { VideoStreamInfo } from '../../src/evidence/model.js';
import type { EmulatorState } from './state.js';
import { ApiError } from './types.js';
import type { Identified, RequestContext, ServiceModule, WireRequest } from './types.js';
import { answerOf, jsonBody, jsonReply, limitOf, paginate, requestId, statusForCode, stringMember, toWireJson } from './wire.js';

const ROUTES: Record<string, string> = { '/listStreams': 'ListStreams', '/describeStream': 'DescribeStream' };

/** The StreamNameCondition's prefix, when it is a BEGINS_WITH condition. */
function prefixOf(body: Record<string, unknown>): string | undefined {
  const condition = body.StreamNameCondition;
  if (condition === undefined || condition === null || typeof condition !== 'object') return undefined;
  const { ComparisonOperator, ComparisonValue } = condition as Record<string, unknown>;
  if (ComparisonOperator !== 'BEGINS_WITH' || typeof ComparisonValue !== 'string') {
    throw new ApiError('InvalidArgumentException', 'StreamNameCondition needs ComparisonOperator BEGINS_WITH and a ComparisonValue.', 400);
  }
  return ComparisonValue;
}

function route(request: WireRequest): Identified {
  const operation = request.method === 'POST' ? ROUTES[request.rawPath] : undefined;
  if (!operation) throw new ApiError('UnknownOperationException', `The emulator does not serve ${request.method} ${request.rawPath}`, 404);
  const body = jsonBody(request.body);
  const resource = operation === 'ListStreams' ? prefixOf(body) : (stringMember(body, 'StreamARN') ?? stringMember(body, 'StreamName'));
  return resource === undefined ? { operation } : { operation, resource };
}

/** Kinesis Video models AccessDeniedException and NotAuthorizedException as HTTP 401. */
function statusOf(code: string): number {
  return code === 'AccessDeniedException' || code === 'NotAuthorizedException' ? 401 : statusForCode('kinesisvideo', code);
}

export function kinesisVideoService(state: EmulatorState, pageSize: number): ServiceModule {
  /** Every stream recorded for the caller's account and region, by name, and the recorded errors by prefix. */
  function known(ctx: RequestContext) {
    const streams = new Map<string, VideoStreamInfo>();
    const errors = new Map<string, ApiError>();
    for (const instance of Object.values(state.region(ctx.caller.account, ctx.caller.region)?.instances ?? {})) {
      for (const [prefix, call] of Object.entries(instance.videoStreams ?? {})) {
        try {
          for (const stream of answerOf(call).StreamInfoList) streams.set(stream.StreamName ?? stream.StreamARN ?? '', stream);
        } catch (error) {
          if (error instanceof ApiError) errors.set(prefix, error);
        }
      }
    }
    return { streams: [...streams.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s), errors };
  }

  return {
    name: 'kinesisvideo',
    identify: route,
    handle(ctx) {
      const body = jsonBody(ctx.request.body);
      const { streams, errors } = known(ctx);
      if (ctx.operation === 'ListStreams') {
        const prefix = prefixOf(body);
        const recorded = prefix === undefined ? undefined : errors.get(prefix);
        if (recorded) throw recorded;
        const matching = prefix === undefined ? streams : streams.filter((s) => (s.StreamName ?? '').startsWith(prefix));
        const result = paginate(matching, {
          scope: `ListStreams|${ctx.caller.account}|${ctx.caller.region}|${prefix ?? ''}`,
          token: stringMember(body, 'NextToken'),
          limit: limitOf(body.MaxResults),
          pageSize,
          invalidToken: () => new ApiError('InvalidArgumentException', 'The NextToken is not valid.', 400),
        });
        const reply: Record<string, unknown> = { StreamInfoList: toWireJson(result.page) };
        if (result.next !== undefined) reply.NextToken = result.next;
        return jsonReply(reply, 'application/json');
      }
      const name = stringMember(body, 'StreamName');
      const arn = stringMember(body, 'StreamARN');
      const stream = streams.find((s) => (arn !== undefined && s.StreamARN === arn) || (name !== undefined && s.StreamName === name));
      if (!stream) throw new ApiError('ResourceNotFoundException', `The stream ${arn ?? name ?? ''} does not exist.`, 404);
      return jsonReply({ StreamInfo: toWireJson(stream) }, 'application/json');
    },
    renderError(error) {
      return {
        status: error.status ?? statusOf(error.code),
        headers: { 'content-type': 'application/json', 'x-amzn-ErrorType': error.code, 'x-amzn-RequestId': requestId() },
        body: JSON.stringify({ Message: error.message }),
      };
    },
    faultCodes: {
      AccessDenied: { code: 'AccessDeniedException', message: 'You do not have required permissions to perform this operation.', status: 401 },
      NotFound: { code: 'ResourceNotFoundException', message: 'The stream does not exist.', status: 404 },
      InternalError: { code: 'InternalFailure', message: 'The request processing has failed because of an unknown error.', status: 500 },
      // limits.html: "When an account-level or resource-level request limit is reached, a ClientLimitExceededException is thrown."
      Throttle: { code: 'ClientLimitExceededException', message: 'Kinesis Video Streams has throttled the request because you have exceeded the limit of allowed client calls.', status: 400 },
    },
    malformed: () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"StreamInfoList": [{"StreamName": ' }),
  };
}
