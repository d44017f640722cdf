/**
 * AWS Organizations, awsJson1_1 (`x-amz-target: AWSOrganizationsV20161128.<Op>`): the organization's
 * accounts are the state's accounts, the first one being the management account.
 */
import type { EmulatorState } from './state.js';
import { ApiError } from './types.js';
import type { ServiceModule } from './types.js';
import { epochSeconds, jsonBody, jsonReply, jsonTarget, limitOf, paginate, requestId, statusForCode, stringMember } from './wire.js';

const OPERATIONS = new Set(['ListAccounts']);
export const ORGANIZATION_ID = 'o-emulator000';

export function organizationsService(state: EmulatorState, pageSize: number): ServiceModule {
  return {
    name: 'organizations',
    identify: (request) => ({ operation: jsonTarget(request, 'AWSOrganizationsV20161128', OPERATIONS) }),
    handle(ctx) {
      const body = jsonBody(ctx.request.body);
      const management = state.defaultAccount();
      const joined = epochSeconds(state.doc.collectedAt);
      const accounts = state.accountIds().map((id) => ({
        Id: id,
        Arn: `arn:aws:organizations::${management}:account/${ORGANIZATION_ID}/${id}`,
        Email: `aws+${id}@example.com`,
        Name: `account-${id}`,
        Status: 'ACTIVE',
        State: 'ACTIVE',
        JoinedMethod: id === management ? 'CREATED' : 'INVITED',
        JoinedTimestamp: typeof joined === 'number' ? joined : 0,
      }));
      const result = paginate(accounts, {
        scope: 'ListAccounts',
        token: stringMember(body, 'NextToken'),
        limit: limitOf(body.MaxResults),
        pageSize,
        invalidToken: () => new ApiError('InvalidInputException', 'The NextToken is not valid.', 400),
      });
      const reply: Record<string, unknown> = { Accounts: result.page };
      if (result.next !== undefined) reply.NextToken = result.next;
      return jsonReply(reply);
    },
    renderError(error) {
      return {
        status: error.status ?? statusForCode('organizations', error.code),
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId() },
        body: JSON.stringify({ __type: error.code, Message: error.message }),
      };
    },
    faultCodes: {
      AccessDenied: { code: 'AccessDeniedException', message: 'You do not have permissions to access this resource.' },
      NotFound: { code: 'AWSOrganizationsNotInUseException', message: 'Your account is not a member of an organization.' },
      InternalError: { code: 'ServiceException', message: 'AWS Organizations cannot complete your request because of an internal service error.', status: 500 },
      Throttle: { code: 'TooManyRequestsException', message: 'Rate exceeded', status: 400 },
    },
    malformed: () => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: '{"Accounts": [' }),
  };
}
