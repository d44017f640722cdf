/**
 * AWS STS, awsQuery: form-encoded `Action=...` requests, XML answers. AssumeRole hands out access key
 * `AKID<account>` so later requests signed with it act in the target account.
 */
import type { EmulatorState } from './state.js';
import { ApiError } from './types.js';
import type { Caller, ServiceModule, WireRequest } from './types.js';
import { formParams, requestId, statusForCode, xmlEscape } from './wire.js';

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const OPERATIONS = new Set(['GetCallerIdentity', 'AssumeRole']);
const SESSION_PREFIX = 'emu-session.';

export interface StsOptions {
  denyAssumeRole?: readonly string[];
  requireExternalId?: string | undefined;
}

interface SessionIdentity {
  account: string;
  arn: string;
  userId: string;
}

/** Access key id → account: `AKID<12 digits>` names the account; any other key is the state's first account. */
export function accountOfAccessKey(accessKeyId: string, state: EmulatorState): string {
  return /^AKID(\d{12})$/.exec(accessKeyId)?.[1] ?? state.defaultAccount();
}

function encodeSession(identity: SessionIdentity): string {
  return SESSION_PREFIX + Buffer.from(JSON.stringify(identity)).toString('base64url');
}

function decodeSession(token: string | undefined): SessionIdentity | undefined {
  if (token === undefined || !token.startsWith(SESSION_PREFIX)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token.slice(SESSION_PREFIX.length), 'base64url').toString('utf8'));
    const candidate = parsed as Partial<SessionIdentity> | null;
    if (candidate && typeof candidate.account === 'string' && typeof candidate.arn === 'string' && typeof candidate.userId === 'string') {
      return { account: candidate.account, arn: candidate.arn, userId: candidate.userId };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function callerIdentity(caller: Caller): SessionIdentity {
  const session = decodeSession(caller.sessionToken);
  if (session && session.account === caller.account) return session;
  return { account: caller.account, arn: `arn:aws:iam::${caller.account}:user/emulator`, userId: `AIDAEMULATOR${caller.account}` };
}

function xmlReply(operation: string, result: string): { status: number; headers: Record<string, string>; body: string } {
  const rid = requestId();
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': rid },
    body:
      `<${operation}Response xmlns="${STS_NS}"><${operation}Result>${result}</${operation}Result>` +
      `<ResponseMetadata><RequestId>${rid}</RequestId></ResponseMetadata></${operation}Response>`,
  };
}

function params(request: WireRequest): URLSearchParams {
  return formParams(request.query, request.body);
}

export function stsService(state: EmulatorState, options: StsOptions): ServiceModule {
  const denied = new Set(options.denyAssumeRole ?? []);

  /** The account's recorded reachability error, when it names this operation. */
  function accountError(accountId: string, operation: string): ApiError | undefined {
    const error = state.account(accountId)?.error;
    if (!error || !new RegExp(`(^|:)${operation}$`).test(error.operation)) return undefined;
    return new ApiError(error.code, error.message, error.httpStatus);
  }

  return {
    name: 'sts',
    identify(request) {
      const p = params(request);
      const operation = p.get('Action') ?? '';
      if (!OPERATIONS.has(operation)) throw new ApiError('InvalidAction', `Could not find operation ${operation}`, 400);
      const roleArn = p.get('RoleArn');
      return roleArn === null ? { operation } : { operation, resource: roleArn };
    },
    handle(ctx) {
      const p = params(ctx.request);
      if (ctx.operation === 'GetCallerIdentity') {
        const recorded = accountError(ctx.caller.account, 'GetCallerIdentity');
        if (recorded) throw recorded;
        const id = callerIdentity(ctx.caller);
        return xmlReply(
          'GetCallerIdentity',
          `<Arn>${xmlEscape(id.arn)}</Arn><UserId>${xmlEscape(id.userId)}</UserId><Account>${id.account}</Account>`,
        );
      }
      const roleArn = p.get('RoleArn') ?? '';
      const sessionName = p.get('RoleSessionName') ?? '';
      const parsed = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
      if (!parsed || sessionName === '') throw new ApiError('ValidationError', 'RoleArn and RoleSessionName are required', 400);
      const [, target = '', roleName = ''] = parsed;
      const caller = callerIdentity(ctx.caller).arn;
      const refuse = () =>
        new ApiError('AccessDenied', `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
      if (!state.account(target) || denied.has(target)) throw refuse();
      if (options.requireExternalId !== undefined && p.get('ExternalId') !== options.requireExternalId) throw refuse();
      const recorded = accountError(target, 'AssumeRole');
      if (recorded) throw recorded;
      const roleId = `AROAEMULATOR${target}`;
      const identity: SessionIdentity = {
        account: target,
        arn: `arn:aws:sts::${target}:assumed-role/${roleName}/${sessionName}`,
        userId: `${roleId}:${sessionName}`,
      };
      const duration = Number(p.get('DurationSeconds') ?? '3600');
      const expiration = new Date(Date.now() + (Number.isFinite(duration) ? duration : 3600) * 1000).toISOString();
      return xmlReply(
        'AssumeRole',
        `<AssumedRoleUser><Arn>${xmlEscape(identity.arn)}</Arn><AssumedRoleId>${xmlEscape(identity.userId)}</AssumedRoleId></AssumedRoleUser>` +
          `<Credentials><AccessKeyId>AKID${target}</AccessKeyId><SecretAccessKey>emulator-secret</SecretAccessKey>` +
          `<SessionToken>${encodeSession(identity)}</SessionToken><Expiration>${expiration}</Expiration></Credentials>`,
      );
    },
    renderError(error) {
      const status = error.status ?? statusForCode('sts', error.code);
      const rid = requestId();
      return {
        status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': rid },
        body:
          `<ErrorResponse xmlns="${STS_NS}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
          `<Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message></Error>` +
          `<RequestId>${rid}</RequestId></ErrorResponse>`,
      };
    },
    faultCodes: {
      AccessDenied: { code: 'AccessDenied', message: 'User is not authorized to perform this operation' },
      NotFound: { code: 'NoSuchEntity', message: 'The role does not exist', status: 404 },
      InternalError: { code: 'InternalFailure', message: 'An internal error occurred', status: 500 },
      Throttle: { code: 'Throttling', message: 'Rate exceeded', status: 400 },
    },
    malformed: () => ({ status: 200, headers: { 'content-type': 'text/xml' }, body: 'this is not XML <<<' }),
  };
}
