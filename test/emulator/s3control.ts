/**
 * Amazon S3 Control, restXml: `GET /v20180820/configuration/publicAccessBlock` with the account in
 * `x-amz-account-id` (API_control_GetPublicAccessBlock). Requests are signed as `s3`; the server
 * routes them here by path.
 */
import type { EmulatorState } from './state.js';
import { ApiError } from './types.js';
import type { ServiceModule, WireRequest } from './types.js';
import { xmlDocument } from './s3.js';
import { answerOf, requestId, statusForCode, xmlEscape } from './wire.js';

const S3_CONTROL_NS = 'http://awss3control.amazonaws.com/doc/2018-08-20/';

function accountHeader(request: WireRequest): string | undefined {
  const value = request.headers['x-amz-account-id'];
  return Array.isArray(value) ? value[0] : value;
}

function route(request: WireRequest): string {
  if (request.method === 'GET' && request.rawPath === '/v20180820/configuration/publicAccessBlock') return 'GetPublicAccessBlock';
  throw new ApiError('NotImplemented', `The emulator does not serve ${request.method} ${request.rawPath}`, 501);
}

export function s3ControlService(state: EmulatorState): ServiceModule {
  return {
    name: 's3control',
    identify(request) {
      const operation = route(request);
      const account = accountHeader(request);
      return account === undefined ? { operation } : { operation, resource: account };
    },
    handle(ctx) {
      route(ctx.request);
      const accountId = accountHeader(ctx.request);
      if (accountId === undefined || !/^\d{12}$/.test(accountId)) {
        throw new ApiError('InvalidRequest', 'x-amz-account-id must be a 12-digit account id', 400);
      }
      // The setting is the account's own: another account's is not the caller's to read.
      if (accountId !== ctx.caller.account) throw new ApiError('AccessDenied', 'Access Denied', 403);
      const call = state.account(accountId)?.publicAccessBlock;
      if (!call) throw new ApiError('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found', 404);
      const body = xmlDocument('PublicAccessBlockConfiguration', answerOf(call).PublicAccessBlockConfiguration ?? {}, S3_CONTROL_NS);
      return { status: 200, headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId() }, body };
    },
    renderError(error, ctx) {
      const rid = requestId();
      const account = ctx.resource !== undefined ? `<AccountId>${xmlEscape(ctx.resource)}</AccountId>` : '';
      // restXml wraps errors in ErrorResponse unless a service opts out, as S3 (not S3 Control) does;
      // the SDK reads the code either way.
      return {
        status: error.status ?? statusForCode('s3', error.code),
        headers: { 'content-type': 'application/xml', 'x-amz-request-id': rid },
        body:
          `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Code>${xmlEscape(error.code)}</Code>` +
          `<Message>${xmlEscape(error.message)}</Message>${account}</Error><RequestId>${rid}</RequestId><HostId>emulator</HostId></ErrorResponse>`,
      };
    },
    faultCodes: {
      AccessDenied: { code: 'AccessDenied', message: 'Access Denied' },
      NotFound: { code: 'NoSuchPublicAccessBlockConfiguration', message: 'The public access block configuration was not found' },
      InternalError: { code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
      Throttle: { code: 'SlowDown', message: 'Please reduce your request rate.', status: 503 },
    },
    malformed: () => ({ status: 200, headers: { 'content-type': 'application/xml' }, body: 'this is not XML <<<' }),
  };
}
