/**
 * Amazon S3, restXml, path style: `GET /{bucket}/?{subresource}=`, `HEAD /{bucket}` and `GET /`
 * (ListBuckets); bucket ownership checked through `x-amz-expected-bucket-owner`.
 */
import { randomBytes } from 'node:crypto';
import { bucketRegion } from '../../src/evidence/aws-names.js';
import type { AccountEvidence, BucketEvidence } from '../../src/evidence/model.js';
import { canonicalUserId, type BucketView, type EmulatorState } from './state.js';
import { ApiError } from './types.js';
import type { Reply, RequestContext, ServiceModule, WireRequest } from './types.js';
import { answerOf, limitOf, paginate, requestId, statusForCode, xmlEscape } from './wire.js';

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

interface S3Operation {
  operation: string;
  /** The evidence member recording this call. */
  field: 'location' | 'encryption' | 'policy' | 'policyStatus' | 'publicAccessBlock' | 'ownershipControls';
  /** Root element of the 200 body (the response member that is the HTTP payload). */
  root: string;
  /** The "not configured" error code, used when the evidence has no record for the call. */
  notConfigured: string;
}

const SUBRESOURCES: Record<string, S3Operation> = {
  location: { operation: 'GetBucketLocation', field: 'location', root: 'LocationConstraint', notConfigured: 'NoSuchBucket' },
  encryption: {
    operation: 'GetBucketEncryption',
    field: 'encryption',
    root: 'ServerSideEncryptionConfiguration',
    notConfigured: 'ServerSideEncryptionConfigurationNotFoundError',
  },
  policy: { operation: 'GetBucketPolicy', field: 'policy', root: 'Policy', notConfigured: 'NoSuchBucketPolicy' },
  policyStatus: { operation: 'GetBucketPolicyStatus', field: 'policyStatus', root: 'PolicyStatus', notConfigured: 'NoSuchBucketPolicy' },
  publicAccessBlock: {
    operation: 'GetPublicAccessBlock',
    field: 'publicAccessBlock',
    root: 'PublicAccessBlockConfiguration',
    notConfigured: 'NoSuchPublicAccessBlockConfiguration',
  },
  ownershipControls: {
    operation: 'GetBucketOwnershipControls',
    field: 'ownershipControls',
    root: 'OwnershipControls',
    notConfigured: 'OwnershipControlsNotFoundError',
  },
};

type Route =
  | { operation: 'ListBuckets' }
  | { operation: 'HeadBucket' | 'GetBucketAcl'; bucket: string }
  | { operation: string; bucket: string; op: S3Operation };

/** List members serialized as repeated (flattened) elements under another name. */
const LIST_ITEM_NAMES: Record<string, string> = { Rules: 'Rule' };

function xmlElement(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    const itemName = LIST_ITEM_NAMES[name] ?? name;
    return value.map((item) => xmlElement(itemName, item)).join('');
  }
  if (typeof value === 'object') {
    const children = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => xmlElement(k, v))
      .join('');
    return `<${name}>${children}</${name}>`;
  }
  return `<${name}>${xmlEscape(String(value))}</${name}>`;
}

/** A restXml body: `payload` serialized under `root`, the namespace on the root element. */
export function xmlDocument(root: string, payload: unknown, namespace: string = S3_NS): string {
  const inner = xmlElement(root, payload ?? '');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${inner.replace(`<${root}>`, `<${root} xmlns="${namespace}">`)}`;
}

type AccessControlPolicy = NonNullable<Extract<NonNullable<BucketEvidence['acl']>, { status: 'ok' }>['response']>;
type Grantee = NonNullable<NonNullable<AccessControlPolicy['Grants']>[number]['Grantee']>;

/** A grantee names its kind in an `xsi:type` attribute (CanonicalUser, Group, AmazonCustomerByEmail), the rest as elements. */
function granteeXml(grantee: Grantee | undefined): string {
  if (!grantee) return '';
  const { Type, ...rest } = grantee;
  const type = Type === undefined ? '' : ` xsi:type="${xmlEscape(Type)}"`;
  const children = Object.entries(rest)
    .map(([k, v]) => xmlElement(k, v))
    .join('');
  return `<Grantee xmlns:xsi="${XSI_NS}"${type}>${children}</Grantee>`;
}

/** GetBucketAcl's body: the SDK's `Grants` list is the wire's `AccessControlList/Grant`. */
function aclDocument(policy: AccessControlPolicy): string {
  const grants = (policy.Grants ?? [])
    .map((grant) => `<Grant>${granteeXml(grant.Grantee)}${xmlElement('Permission', grant.Permission)}</Grant>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<AccessControlPolicy xmlns="${S3_NS}">` +
    `${xmlElement('Owner', policy.Owner)}<AccessControlList>${grants}</AccessControlList></AccessControlPolicy>`
  );
}

/** What S3 answers for a bucket whose ACL was never changed: the owner has FULL_CONTROL, nobody else anything. */
function defaultAcl(owner: string): AccessControlPolicy {
  const ID = canonicalUserId(owner);
  return { Owner: { ID }, Grants: [{ Grantee: { Type: 'CanonicalUser', ID }, Permission: 'FULL_CONTROL' }] };
}

function route(request: WireRequest): Route {
  const segments = request.rawPath.split('/').filter((s) => s !== '');
  const bucket = segments[0] !== undefined ? decodeURIComponent(segments[0]) : undefined;
  if (request.method === 'GET' && bucket === undefined) return { operation: 'ListBuckets' };
  if (request.method === 'HEAD' && bucket !== undefined && segments.length === 1) return { operation: 'HeadBucket', bucket };
  if (request.method === 'GET' && bucket !== undefined && segments.length === 1) {
    for (const key of request.query.keys()) {
      if (key === 'acl') return { operation: 'GetBucketAcl', bucket };
      const op = SUBRESOURCES[key];
      if (op) return { operation: op.operation, bucket, op };
    }
  }
  throw new ApiError('NotImplemented', `The emulator does not serve ${request.method} ${request.rawPath}?${request.query.toString()}`, 501);
}

function payloadOf(response: unknown, root: string): unknown {
  return response !== null && typeof response === 'object' ? (response as Record<string, unknown>)[root] : undefined;
}

function baseHeaders(): Record<string, string> {
  return { 'x-amz-request-id': requestId(), 'x-amz-id-2': randomBytes(12).toString('base64') };
}

function xmlReply(body: string): Reply {
  return { status: 200, headers: { ...baseHeaders(), 'content-type': 'application/xml' }, body };
}

function answer(op: S3Operation, response: unknown): Reply {
  const payload = payloadOf(response, op.root);
  if (op.field === 'policy') {
    return { status: 200, headers: { ...baseHeaders(), 'content-type': 'application/json' }, body: typeof payload === 'string' ? payload : '' };
  }
  if (payload === undefined && op.field !== 'location') return { status: 200, headers: baseHeaders(), body: '' };
  return xmlReply(xmlDocument(op.root, payload));
}

/** HeadBucket answers in headers only. */
const HEAD_HEADERS: Record<string, string> = {
  BucketArn: 'x-amz-bucket-arn',
  BucketLocationType: 'x-amz-bucket-location-type',
  BucketLocationName: 'x-amz-bucket-location-name',
  BucketRegion: 'x-amz-bucket-region',
  AccessPointAlias: 'x-amz-access-point-alias',
};

function headReply(response: Record<string, unknown>): Reply {
  const headers = baseHeaders();
  for (const [member, name] of Object.entries(HEAD_HEADERS)) {
    const value = response[member];
    if (value !== undefined && value !== null) headers[name] = String(value);
  }
  return { status: 200, headers, body: '' };
}

/**
 * HeadBucket (sent without ExpectedBucketOwner): the recorded answer, else what GetBucketLocation
 * without the expected owner answers — the owner probe when one was recorded, else the location.
 */
function headBucket(record: BucketEvidence): Reply {
  if (record.headBucket) return headReply(answerOf(record.headBucket));
  const located = answerOf(record.ownerProbe ?? record.location);
  return headReply({ BucketRegion: bucketRegion(located.LocationConstraint), AccessPointAlias: false });
}

/** A call the document does not record: a bucket whose location could not be read refuses everything the same way. */
function refuseAsLocation(record: BucketEvidence): void {
  if (record.location.status !== 'error') return;
  const { code, message, httpStatus } = record.location.error;
  throw new ApiError(code, message, httpStatus);
}

/** ListBuckets' entry for a bucket the document does not list: its name and, when known, its region. */
function derivedListing(view: BucketView): { Name: string; BucketRegion?: string } {
  const location = view.record.location;
  return location.status === 'ok' ? { Name: view.name, BucketRegion: bucketRegion(location.response.LocationConstraint) } : { Name: view.name };
}

export function s3Service(state: EmulatorState, pageSize: number): ServiceModule {
  /** The buckets the caller's account owns: the recorded ListBuckets, else the buckets the state says it owns. */
  function listBuckets(ctx: RequestContext): Reply {
    const account: AccountEvidence | undefined = state.account(ctx.caller.account);
    const items: unknown[] = account?.listBuckets ? answerOf(account.listBuckets) : state.ownedBuckets(ctx.caller.account).map(derivedListing);
    const result = paginate(items, {
      scope: `ListBuckets|${ctx.caller.account}`,
      token: ctx.request.query.get('continuation-token') ?? undefined,
      limit: limitOf(ctx.request.query.get('max-buckets')),
      pageSize,
      invalidToken: () => new ApiError('InvalidArgument', 'The continuation token provided is incorrect', 400),
    });
    const buckets = result.page.map((bucket) => xmlElement('Bucket', bucket)).join('');
    const next = result.next === undefined ? '' : xmlElement('ContinuationToken', result.next);
    return xmlReply(
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="${S3_NS}">` +
        `${xmlElement('Owner', { ID: canonicalUserId(ctx.caller.account) })}<Buckets>${buckets}</Buckets>${next}</ListAllMyBucketsResult>`,
    );
  }

  return {
    name: 's3',
    identify(request) {
      const r = route(request);
      return 'bucket' in r ? { operation: r.operation, resource: r.bucket } : { operation: r.operation };
    },
    handle(ctx) {
      const r = route(ctx.request);
      if (!('bucket' in r)) return listBuckets(ctx);
      const view = state.bucket(r.bucket);
      if (!view) throw new ApiError('NoSuchBucket', 'The specified bucket does not exist', 404);
      const record: BucketEvidence = view.record;
      if (record.location.status === 'absent') {
        throw new ApiError(record.location.code, record.location.message ?? 'The specified bucket does not exist', 404);
      }
      const expectedHeader = ctx.request.headers['x-amz-expected-bucket-owner'];
      const expectedOwner = Array.isArray(expectedHeader) ? expectedHeader[0] : expectedHeader;
      if (expectedOwner !== undefined && expectedOwner !== view.owner) {
        throw new ApiError('AccessDenied', 'Access Denied', 403);
      }
      if (r.operation === 'HeadBucket') return headBucket(record);
      if (!('op' in r)) {
        if (record.acl) return xmlReply(aclDocument(answerOf(record.acl)));
        refuseAsLocation(record);
        return xmlReply(aclDocument(defaultAcl(view.owner)));
      }
      const { op } = r;
      if (op.field === 'location') {
        const call = expectedOwner === undefined && record.ownerProbe ? record.ownerProbe : record.location;
        return answer(op, answerOf(call));
      }
      const call = record[op.field];
      if (call) return answer(op, answerOf(call));
      refuseAsLocation(record);
      throw new ApiError(op.notConfigured, `${op.notConfigured}: not configured`, 404);
    },
    renderError(error, ctx) {
      const status = error.status ?? statusForCode('s3', error.code);
      // HEAD answers carry no body: the status is all the client gets.
      if (ctx.operation === 'HeadBucket') return { status, headers: baseHeaders(), body: '' };
      const headers = baseHeaders();
      const bucket = ctx.resource !== undefined ? `<BucketName>${xmlEscape(ctx.resource)}</BucketName>` : '';
      return {
        status,
        headers: { ...headers, 'content-type': 'application/xml' },
        body:
          `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(error.code)}</Code>` +
          `<Message>${xmlEscape(error.message)}</Message>${bucket}<RequestId>${headers['x-amz-request-id'] ?? ''}</RequestId><HostId>emulator</HostId></Error>`,
      };
    },
    faultCodes: {
      AccessDenied: { code: 'AccessDenied', message: 'Access Denied' },
      NotFound: { code: 'NoSuchBucket', message: 'The specified bucket does not exist' },
      InternalError: { code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
      Throttle: { code: 'SlowDown', message: 'Please reduce your request rate.', status: 503 },
    },
    malformed(operation): Reply {
      // A HEAD answer has no body to break: a header that is not a boolean is the best it can do
      // (the SDK reads it as false).
      if (operation === 'HeadBucket') return { status: 200, headers: { 'x-amz-access-point-alias': 'maybe' }, body: '' };
      // GetBucketPolicy's body is the raw policy: "malformed" there is policy text that is not JSON.
      const body = operation === 'GetBucketPolicy' ? '{"Version": "2012-10-17", "Statement": [' : 'this is not XML <<<';
      return { status: 200, headers: { 'content-type': 'application/xml' }, body };
    },
  };
}
