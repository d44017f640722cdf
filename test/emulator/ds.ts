/**
 * AWS Directory Service, awsJson1_1 (`x-amz-target: DirectoryService_20150416.<Op>`, signing name `ds`).
 */
import type { DirectoryEvidence, RegionEvidence } from '../../src/evidence/model.js';
import type { EmulatorState } from './state.js';
import { ApiError } from './types.js';
import type { RequestContext, ServiceModule } from './types.js';
import { answerOf, jsonBody, jsonTarget, jsonReply, limitOf, paginate, requestId, statusForCode, stringMember, toWireJson } from './wire.js';

const OPERATIONS = new Set(['DescribeDirectories', 'DescribeLDAPSSettings', 'ListCertificates', 'DescribeSettings', 'DescribeTrusts']);

/** DescribeDirectories: the recorded answer, or bare entries for the directories that have records. */
function directoryDescriptions(region: RegionEvidence | undefined): Array<{ DirectoryId: string }> {
  if (!region) return [];
  if (region.describeDirectories) return answerOf(region.describeDirectories);
  return Object.keys(region.directories).map((id) => ({ DirectoryId: id }));
}

export function dsService(state: EmulatorState, pageSize: number): ServiceModule {
  function page<T>(ctx: RequestContext, body: Record<string, unknown>, scope: string, items: readonly T[]) {
    return paginate(items, {
      scope: `${ctx.operation}|${ctx.caller.account}|${ctx.caller.region}|${scope}`,
      token: stringMember(body, 'NextToken'),
      limit: limitOf(body.Limit),
      pageSize,
      invalidToken: () => new ApiError('InvalidNextTokenException', 'The NextToken value is not valid.', 400),
    });
  }

  function withNext(reply: Record<string, unknown>, next: string | undefined) {
    if (next !== undefined) reply.NextToken = next;
    return jsonReply(reply);
  }

  /** The evidence of one directory; `undefined` when it exists but has no per-directory records. */
  function directory(ctx: RequestContext, directoryId: string | undefined): DirectoryEvidence | undefined {
    if (directoryId === undefined) throw new ApiError('InvalidParameterException', 'DirectoryId is required', 400);
    const region = state.region(ctx.caller.account, ctx.caller.region);
    const record = region && Object.prototype.hasOwnProperty.call(region.directories, directoryId) ? region.directories[directoryId] : undefined;
    if (record) return record;
    const known = region?.describeDirectories?.status === 'ok' && region.describeDirectories.response.some((d) => d.DirectoryId === directoryId);
    if (!known) throw new ApiError('DirectoryDoesNotExistException', `Directory ${directoryId} does not exist.`, 400);
    return undefined;
  }

  return {
    name: 'ds',
    identify(request) {
      const operation = jsonTarget(request, 'DirectoryService_20150416', OPERATIONS);
      const body = jsonBody(request.body);
      const ids = Array.isArray(body.DirectoryIds) ? body.DirectoryIds.filter((v): v is string => typeof v === 'string') : [];
      const resource = stringMember(body, 'DirectoryId') ?? (ids.length > 0 ? ids.join(',') : undefined);
      return resource === undefined ? { operation } : { operation, resource };
    },
    handle(ctx) {
      const body = jsonBody(ctx.request.body);
      const directoryId = stringMember(body, 'DirectoryId');
      switch (ctx.operation) {
        case 'DescribeDirectories': {
          let all = directoryDescriptions(state.region(ctx.caller.account, ctx.caller.region));
          const ids = body.DirectoryIds;
          if (ids !== undefined && ids !== null) {
            if (!Array.isArray(ids) || ids.length === 0) throw new ApiError('InvalidParameterException', 'DirectoryIds must not be empty', 400);
            const missing = ids.filter((id) => !all.some((d) => d.DirectoryId === id));
            if (missing.length > 0) throw new ApiError('EntityDoesNotExistException', `Directory ${missing.join(', ')} does not exist.`, 400);
            all = all.filter((d) => ids.includes(d.DirectoryId));
          }
          const result = page(ctx, body, Array.isArray(ids) ? ids.join(',') : '', all);
          return withNext({ DirectoryDescriptions: toWireJson(result.page) }, result.next);
        }
        case 'DescribeLDAPSSettings': {
          const record = directory(ctx, directoryId);
          const result = page(ctx, body, directoryId ?? '', record ? answerOf(record.ldapsSettings) : []);
          return withNext({ LDAPSSettingsInfo: toWireJson(result.page) }, result.next);
        }
        case 'ListCertificates': {
          const record = directory(ctx, directoryId);
          const result = page(ctx, body, directoryId ?? '', record ? answerOf(record.certificates) : []);
          return withNext({ CertificatesInfo: toWireJson(result.page) }, result.next);
        }
        case 'DescribeSettings': {
          const record = directory(ctx, directoryId);
          const result = page(ctx, body, directoryId ?? '', record ? answerOf(record.settings) : []);
          return withNext({ DirectoryId: directoryId, SettingEntries: toWireJson(result.page) }, result.next);
        }
        case 'DescribeTrusts': {
          // Without DirectoryId: every trust of the account (in this region).
          let trusts: Array<{ TrustId?: string | undefined }>;
          if (directoryId !== undefined) {
            const record = directory(ctx, directoryId);
            trusts = record?.trusts ? answerOf(record.trusts) : [];
          } else {
            const region = state.region(ctx.caller.account, ctx.caller.region);
            trusts = Object.values(region?.directories ?? {}).flatMap((d) => (d.trusts?.status === 'ok' ? d.trusts.response : []));
          }
          const ids = body.TrustIds;
          if (ids !== undefined && ids !== null) {
            if (!Array.isArray(ids) || ids.length === 0) throw new ApiError('InvalidParameterException', 'TrustIds must not be empty', 400);
            trusts = trusts.filter((t) => ids.includes(t.TrustId));
          }
          const result = page(ctx, body, `${directoryId ?? ''}|${Array.isArray(ids) ? ids.join(',') : ''}`, trusts);
          return withNext({ Trusts: toWireJson(result.page) }, result.next);
        }
        default:
          throw new ApiError('UnknownOperationException', `Unknown operation ${ctx.operation}`, 400);
      }
    },
    renderError(error) {
      const rid = requestId();
      return {
        status: error.status ?? statusForCode('ds', error.code),
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': rid },
        body: JSON.stringify({ __type: error.code, Message: error.message, RequestId: rid }),
      };
    },
    faultCodes: {
      AccessDenied: { code: 'AccessDeniedException', message: 'User is not authorized to perform this operation.' },
      NotFound: { code: 'EntityDoesNotExistException', message: 'The specified entity could not be found.' },
      InternalError: { code: 'ServiceException', message: 'An exception has occurred in AWS Directory Service.', status: 500 },
      // Directory Service reports throttling as a ClientException.
      Throttle: { code: 'ClientException', message: 'Rate exceeded', status: 400 },
    },
    malformed: () => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: '{"DirectoryDescriptions": [' }),
  };
}
