/**
 * Amazon CloudWatch Logs, awsJson1_1 (`x-amz-target: Logs_20140328.DescribeLogGroups`): the log groups
 * of an account and region are those its instances' `contactFlowLogGroups` records hold, ASCII-sorted
 * by name as the API returns them, filtered by `logGroupNamePrefix`. A recorded error answers a request
 * for the prefix that instance's flow log group has (`/aws/connect/<alias>`).
 */
import { contactFlowLogGroupName } from '../../src/evidence/aws-names.js';
import type { LogGroup } from '../../src/evidence/model.js';
import type { EmulatorState } from './state.js';
import { ApiError } from './types.js';
import type { RequestContext, ServiceModule } from './types.js';
import { answerOf, awsJsonError, jsonBody, jsonReply, jsonTarget, limitOf, paginate, statusForCode, stringMember } from './wire.js';

const OPERATIONS = new Set(['DescribeLogGroups']);

export function logsService(state: EmulatorState, pageSize: number): ServiceModule {
  function known(ctx: RequestContext) {
    const groups = new Map<string, LogGroup>();
    const errors = new Map<string, ApiError>();
    for (const instance of Object.values(state.region(ctx.caller.account, ctx.caller.region)?.instances ?? {})) {
      const call = instance.contactFlowLogGroups;
      if (!call) continue;
      try {
        for (const group of answerOf(call)) groups.set(group.logGroupName ?? '', group);
      } catch (error) {
        const alias = instance.describeInstance.status === 'ok' ? instance.describeInstance.response.Instance.InstanceAlias : undefined;
        if (error instanceof ApiError && alias) errors.set(contactFlowLogGroupName(alias), error);
      }
    }
    return { groups: [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g), errors };
  }

  return {
    name: 'logs',
    identify(request) {
      const operation = jsonTarget(request, 'Logs_20140328', OPERATIONS);
      const prefix = stringMember(jsonBody(request.body), 'logGroupNamePrefix');
      return prefix === undefined ? { operation } : { operation, resource: prefix };
    },
    handle(ctx) {
      const body = jsonBody(ctx.request.body);
      const prefix = stringMember(body, 'logGroupNamePrefix') ?? '';
      const { groups, errors } = known(ctx);
      const recorded = errors.get(prefix);
      if (recorded) throw recorded;
      const result = paginate(
        groups.filter((g) => (g.logGroupName ?? '').startsWith(prefix)),
        {
          scope: `DescribeLogGroups|${ctx.caller.account}|${ctx.caller.region}|${prefix}`,
          token: stringMember(body, 'nextToken'),
          limit: limitOf(body.limit),
          pageSize,
          invalidToken: () => new ApiError('InvalidParameterException', 'The specified nextToken is not valid.', 400),
        },
      );
      const reply: Record<string, unknown> = { logGroups: result.page };
      if (result.next !== undefined) reply.nextToken = result.next;
      return jsonReply(reply);
    },
    renderError(error) {
      return awsJsonError(error, error.status ?? statusForCode('logs', error.code));
    },
    faultCodes: {
      AccessDenied: { code: 'AccessDeniedException', message: 'User is not authorized to perform: logs:DescribeLogGroups', status: 400 },
      NotFound: { code: 'ResourceNotFoundException', message: 'The specified log group does not exist.', status: 400 },
      InternalError: { code: 'ServiceUnavailableException', message: 'The service cannot complete the request.', status: 500 },
      Throttle: { code: 'ThrottlingException', message: 'Rate exceeded', status: 400 },
    },
    malformed: () => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: '{"logGroups": [{"logGroupName": ' }),
  };
}
