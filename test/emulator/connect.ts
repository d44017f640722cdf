/**
 * Amazon Connect, restJson1: `GET /instance...` routes, errors named by the `x-amzn-ErrorType` header.
 */
import type { ConnectInstanceEvidence, RegionEvidence } from '../../src/evidence/model.js';
import type { EmulatorState } from './state.js';
import { ApiError } from './types.js';
import type { Identified, Reply, RequestContext, ServiceModule, WireRequest } from './types.js';
import { answerOf, jsonReply, limitOf, paginate, requestId, statusForCode, toWireJson } from './wire.js';

interface Route extends Identified {
  instanceId?: string;
  /** Trailing path parameter (association id, attribute type). */
  param?: string;
}

function route(request: WireRequest): Route {
  const segments = request.rawPath.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  const [root, instanceId, sub, param] = segments;
  if (request.method === 'GET' && root === 'instance') {
    if (instanceId === undefined) return { operation: 'ListInstances' };
    if (sub === undefined) return { operation: 'DescribeInstance', resource: instanceId, instanceId };
    if (param === undefined) {
      if (sub === 'storage-configs') return { operation: 'ListInstanceStorageConfigs', resource: instanceId, instanceId };
      if (sub === 'approved-origins') return { operation: 'ListApprovedOrigins', resource: instanceId, instanceId };
      if (sub === 'attributes') return { operation: 'ListInstanceAttributes', resource: instanceId, instanceId };
    } else if (segments.length === 4) {
      if (sub === 'storage-config') return { operation: 'DescribeInstanceStorageConfig', resource: instanceId, instanceId, param };
      if (sub === 'attribute') return { operation: 'DescribeInstanceAttribute', resource: instanceId, instanceId, param };
    }
  }
  throw new ApiError('UnknownOperationException', `The emulator does not serve ${request.method} ${request.rawPath}`, 404);
}

/** An instance as the emulator knows it: full evidence, or only a ListInstances summary. */
interface KnownInstance {
  id: string;
  evidence?: ConnectInstanceEvidence;
  summary?: Record<string, unknown>;
}

function findInstance(region: RegionEvidence | undefined, idOrArn: string): KnownInstance | undefined {
  if (!region) return undefined;
  const id = /:instance\/([^/]+)$/.exec(idOrArn)?.[1] ?? idOrArn;
  const byKey = Object.prototype.hasOwnProperty.call(region.instances, id) ? region.instances[id] : undefined;
  if (byKey) return { id, evidence: byKey };
  for (const [key, evidence] of Object.entries(region.instances)) {
    if (evidence.describeInstance.status === 'ok') {
      const instance = evidence.describeInstance.response.Instance;
      if (instance.Id === id || instance.Arn === idOrArn) return { id: key, evidence };
    }
  }
  if (region.listInstances?.status === 'ok') {
    const summary = region.listInstances.response.find((s) => s.Id === id || s.Arn === idOrArn);
    if (summary) return { id: summary.Id, summary };
  }
  return undefined;
}

/** ListInstances: the recorded answer, or one built from the instance records. */
function instanceSummaries(region: RegionEvidence, accountId: string): unknown[] {
  if (region.listInstances) return answerOf(region.listInstances);
  return Object.entries(region.instances).map(([id, evidence]) => {
    if (evidence.describeInstance.status !== 'ok') {
      return { Id: id, Arn: `arn:aws:connect:${region.region}:${accountId}:instance/${id}` };
    }
    const { Tags: _tags, InstanceStatusReason: _reason, ...summary } = evidence.describeInstance.response.Instance;
    return summary;
  });
}

export function connectService(state: EmulatorState, pageSize: number): ServiceModule {
  const invalidToken = () => new ApiError('InvalidRequestException', 'The nextToken is not valid for this request.', 400);
  const notFound = (id: string) => new ApiError('ResourceNotFoundException', `Instance not found: ${id}`, 404);

  function page(ctx: RequestContext, scope: string, items: readonly unknown[]) {
    return paginate(items, {
      scope: `${ctx.operation}|${scope}`,
      token: ctx.request.query.get('nextToken') ?? undefined,
      limit: limitOf(ctx.request.query.get('maxResults')),
      pageSize,
      invalidToken,
    });
  }

  function listReply(listMember: string, result: { page: unknown[]; next: string | undefined }): Reply {
    const body: Record<string, unknown> = { [listMember]: toWireJson(result.page) };
    if (result.next !== undefined) body.NextToken = result.next;
    return jsonReply(body, 'application/json');
  }

  return {
    name: 'connect',
    identify: (request) => {
      const { operation, resource } = route(request);
      return resource === undefined ? { operation } : { operation, resource };
    },
    handle(ctx) {
      const r = route(ctx.request);
      const region = state.region(ctx.caller.account, ctx.caller.region);
      if (r.operation === 'ListInstances') {
        const items = region ? instanceSummaries(region, ctx.caller.account) : [];
        return listReply('InstanceSummaryList', page(ctx, '', items));
      }
      const requested = r.instanceId ?? '';
      const instance = findInstance(region, requested);
      if (!instance) throw notFound(requested);
      const evidence = instance.evidence;
      switch (r.operation) {
        case 'DescribeInstance': {
          const answer = evidence ? answerOf(evidence.describeInstance) : { Instance: instance.summary };
          return jsonReply(toWireJson(answer), 'application/json');
        }
        case 'ListInstanceStorageConfigs': {
          const resourceType = ctx.request.query.get('resourceType');
          if (!resourceType) throw new ApiError('InvalidParameterException', 'resourceType is required', 400);
          const call = evidence?.storageConfigs[resourceType];
          const configs = call ? answerOf(call) : [];
          return listReply('StorageConfigs', page(ctx, `${instance.id}|${resourceType}`, configs));
        }
        case 'DescribeInstanceStorageConfig': {
          const resourceType = ctx.request.query.get('resourceType');
          const call = resourceType ? evidence?.storageConfigs[resourceType] : undefined;
          const config = call ? answerOf(call).find((c) => c.AssociationId === r.param) : undefined;
          if (!config) throw new ApiError('ResourceNotFoundException', `Storage config not found: ${r.param ?? ''}`, 404);
          return jsonReply({ StorageConfig: toWireJson(config) }, 'application/json');
        }
        case 'ListApprovedOrigins': {
          const origins = evidence ? answerOf(evidence.approvedOrigins) : [];
          return listReply('Origins', page(ctx, instance.id, origins));
        }
        case 'ListInstanceAttributes': {
          const attributes = evidence ? answerOf(evidence.attributes) : [];
          return listReply('Attributes', page(ctx, instance.id, attributes));
        }
        case 'DescribeInstanceAttribute': {
          const attributes = evidence ? answerOf(evidence.attributes) : [];
          const attribute = attributes.find((a) => a.AttributeType === r.param);
          if (!attribute) throw new ApiError('ResourceNotFoundException', `Attribute not found: ${r.param ?? ''}`, 404);
          return jsonReply({ Attribute: toWireJson(attribute) }, 'application/json');
        }
        default:
          throw new ApiError('UnknownOperationException', `Unknown operation ${r.operation}`, 404);
      }
    },
    renderError(error) {
      const status = error.status ?? statusForCode('connect', error.code);
      const throttle = error.code === 'ThrottlingException' || error.code === 'TooManyRequestsException';
      return {
        status,
        headers: {
          'content-type': 'application/json',
          'x-amzn-ErrorType': error.code,
          'x-amzn-RequestId': requestId(),
        },
        body: JSON.stringify(throttle ? { message: error.message } : { Message: error.message }),
      };
    },
    faultCodes: {
      AccessDenied: { code: 'AccessDeniedException', message: 'You do not have sufficient access to perform this action.' },
      NotFound: { code: 'ResourceNotFoundException', message: 'The specified resource was not found.' },
      InternalError: { code: 'InternalServiceException', message: 'Request processing failed because of an error or failure with the service.' },
      Throttle: { code: 'ThrottlingException', message: 'Rate exceeded', status: 429 },
    },
    malformed: () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"Instance": {"Id": "trunc' }),
  };
}
