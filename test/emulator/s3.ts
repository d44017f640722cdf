/**
 * Amazon S3, restXml, path style: `GET /{bucket}/?{subresource}=`, bucket ownership checked through
 * `x-amz-expected-bucket-owner`.
 */
import { randomBytes } from 'node:crypto';
import type { BucketEvidence } from '../../src/evidence/model.js';
import type { EmulatorState } from './state.js';
import { ApiError } from './types.js';
import type { Reply, ServiceModule, WireRequest } from './types.js';
import { answerOf, requestId, statusForCode, xmlEscape } from './wire.js';

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

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

function xmlDocument(root: string, payload: unknown): string {
  const inner = xmlElement(root, payload ?? '');
  // Put the namespace on the root element.
  return `<?xml version="1.0" encoding="UTF-8"?>\n${inner.replace(`<${root}>`, `<${root} xmlns="${S3_NS}">`)}`;
}

function route(request: WireRequest): { bucket: string; op: S3Operation } {
  const segments = request.rawPath.split('/').filter((s) => s !== '');
  const bucket = segments[0] !== undefined ? decodeURIComponent(segments[0]) : undefined;
  if (request.method === 'GET' && bucket !== undefined && segments.length === 1) {
    for (const key of request.query.keys()) {
      const op = SUBRESOURCES[key];
      if (op) return { bucket, op };
    }
  }
  throw new ApiError('NotImplemented', `The emulator does not serve ${request.method} ${request.rawPath}?${request.query.toString()}`, 501);
}

function payloadOf(response: unknown, root: string): unknown {
  return response !== null && typeof response === 'object' ? (response as Record<string, unknown>)[root] : undefined;
}

function answer(op: S3Operation, response: unknown): Reply {
  const headers = { 'x-amz-request-id': requestId(), 'x-amz-id-2': randomBytes(12).toString('base64') };
  const payload = payloadOf(response, op.root);
  if (op.field === 'policy') {
    return { status: 200, headers: { ...headers, 'content-type': 'application/json' }, body: typeof payload === 'string' ? payload : '' };
  }
  if (payload === undefined && op.field !== 'location') return { status: 200, headers, body: '' };
  return { status: 200, headers: { ...headers, 'content-type': 'application/xml' }, body: xmlDocument(op.root, payload) };
}

export function s3Service(state: EmulatorState): ServiceModule {
  return {
    name: 's3',
    identify(request) {
      const { bucket, op } = route(request);
      return { operation: op.operation, resource: bucket };
    },
    handle(ctx) {
      const { bucket: name, op } = route(ctx.request);
      const view = state.bucket(name);
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
      if (op.field === 'location') {
        const call = expectedOwner === undefined && record.ownerProbe ? record.ownerProbe : record.location;
        return answer(op, answerOf(call));
      }
      const call = record[op.field];
      if (call) return answer(op, answerOf(call));
      // Not recorded: a bucket whose location could not be read refuses everything the same way.
      if (record.location.status === 'error') {
        const { code, message, httpStatus } = record.location.error;
        throw new ApiError(code, message, httpStatus);
      }
      throw new ApiError(op.notConfigured, `${op.notConfigured}: not configured`, 404);
    },
    renderError(error, ctx) {
      const status = error.status ?? statusForCode('s3', error.code);
      const rid = requestId();
      const bucket = ctx.resource !== undefined ? `<BucketName>${xmlEscape(ctx.resource)}</BucketName>` : '';
      return {
        status,
        headers: { 'content-type': 'application/xml', 'x-amz-request-id': rid, 'x-amz-id-2': randomBytes(12).toString('base64') },
        body:
          `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(error.code)}</Code>` +
          `<Message>${xmlEscape(error.message)}</Message>${bucket}<RequestId>${rid}</RequestId><HostId>emulator</HostId></Error>`,
      };
    },
    faultCodes: {
      AccessDenied: { code: 'AccessDenied', message: 'Access Denied' },
      NotFound: { code: 'NoSuchBucket', message: 'The specified bucket does not exist' },
      InternalError: { code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
      Throttle: { code: 'SlowDown', message: 'Please reduce your request rate.', status: 503 },
    },
    malformed(operation) {
      // GetBucketPolicy's body is the raw policy: "malformed" there is policy text that is not JSON.
      const body = operation === 'GetBucketPolicy' ? '{"Version": "2012-10-17", "Statement": [' : 'this is not XML <<<';
      return { status: 200, headers: { 'content-type': 'application/xml' }, body };
    },
  };
}
