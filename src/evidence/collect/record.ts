/**
 * Turning one AWS call into its `Call<T>` record: the answer (`ok`), a documented "not configured"
 * answer (`absent`), or the error that stopped us from knowing (`error`).
 */
import type { z } from 'zod';
import type { Call, CallError } from '../model.js';
import type { OperationKey } from '../operations.js';

/**
 * Error codes that are an answer, not a failure: the thing is not configured (or, for
 * GetBucketLocation and HeadBucket, the bucket does not exist). Keyed by operation, so
 * `NoSuchBucket` from GetBucketPolicy stays an error.
 *
 * HeadBucket answers errors with a status and no body (API_HeadBucket: "A message body isn't
 * included"): the SDK names a 404 `NotFound` and any other status `Unknown`.
 * ListKeyRotations answers UnsupportedOperationException for a key whose material cannot rotate
 * (its API reference: "a specified resource is not valid for this operation").
 */
export const ABSENT_CODES: { readonly [K in OperationKey]?: readonly string[] } = {
  's3:GetBucketLocation': ['NoSuchBucket'],
  's3:GetBucketPolicy': ['NoSuchBucketPolicy'],
  's3:GetBucketPolicyStatus': ['NoSuchBucketPolicy'],
  's3:GetBucketEncryption': ['ServerSideEncryptionConfigurationNotFoundError'],
  's3:GetPublicAccessBlock': ['NoSuchPublicAccessBlockConfiguration'],
  's3:GetBucketOwnershipControls': ['OwnershipControlsNotFoundError'],
  's3:HeadBucket': ['NotFound', 'NoSuchBucket'],
  's3control:GetPublicAccessBlock': ['NoSuchPublicAccessBlockConfiguration'],
  'ds:DescribeLDAPSSettings': ['UnsupportedOperationException'],
  'ds:DescribeSettings': ['UnsupportedOperationException'],
  'kms:GetKeyRotationStatus': ['UnsupportedOperationException'],
  'kms:ListKeyRotations': ['UnsupportedOperationException'],
};

const MAX_MESSAGE_LENGTH = 2000;

/** Removes anything that looks like a credential, a session token or a signature. */
export function redact(text: string): string {
  return text
    .replace(/\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g, '[redacted-access-key]')
    .replace(/(X-Amz-(?:Security-Token|Signature|Credential)=)[^&\s"']+/gi, '$1[redacted]')
    .replace(/(x-amz-security-token\s*[:=]\s*)[^\s,"']+/gi, '$1[redacted]')
    .replace(/(\b(?:Signature|Credential)=)[^,\s"']+/g, '$1[redacted]')
    .replace(/(aws_(?:secret_access_key|session_token)\s*[:=]\s*)\S+/gi, '$1[redacted]')
    .replace(/[A-Za-z0-9+/]{200,}={0,2}/g, '[redacted]');
}

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** The error's code: the SDK's error name, or a Node network code (ECONNREFUSED...) for plain errors. */
export function errorCode(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorShape;
  if (typeof e.name === 'string' && e.name !== '' && e.name !== 'Error') return e.name;
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  return 'Error';
}

export function callErrorOf(err: unknown): CallError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorShape;
  const raw = typeof e.message === 'string' && e.message !== '' ? e.message : typeof err === 'string' ? err : 'no message';
  const message = redact(raw.length > MAX_MESSAGE_LENGTH ? `${raw.slice(0, MAX_MESSAGE_LENGTH)}…` : raw);
  const status = e.$metadata?.httpStatusCode;
  return typeof status === 'number' && Number.isInteger(status)
    ? { code: errorCode(err), message, httpStatus: status }
    : { code: errorCode(err), message };
}

/** The record of a call that threw: `absent` when its code means "not configured", else `error`. */
export function failedCall<T = never>(operation: OperationKey, err: unknown): Call<T> {
  const error = callErrorOf(err);
  if (ABSENT_CODES[operation]?.includes(error.code)) return { status: 'absent', code: error.code, message: error.message };
  return { status: 'error', error };
}

export function okCall<T>(response: T): Call<T> {
  return { status: 'ok', response };
}

/**
 * An SDK answer as evidence: without the SDK's `$metadata`, with Date objects as ISO-8601 strings
 * and undefined members dropped (exactly what the evidence file will hold).
 */
export function toEvidence(value: unknown): unknown {
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && '$metadata' in value) {
    const { $metadata: _metadata, ...rest } = value as Record<string, unknown>;
    return JSON.parse(JSON.stringify(rest)) as unknown;
  }
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/**
 * Checks a record against the evidence slot it goes into. An answer the evidence model cannot hold
 * (a missing required field, a wrong type) becomes an error record: fail closed, never a guess.
 */
export function fitRecord<S extends z.ZodType>(slot: S, record: Call<unknown>): z.output<S> {
  const parsed = slot.safeParse(record);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
  const fallback: Call<unknown> = {
    status: 'error',
    error: { code: 'MalformedResponse', message: `The answer does not have the expected shape${where}: ${issue?.message ?? 'invalid'}.` },
  };
  return slot.parse(fallback);
}
