import { describe, expect, it } from 'vitest';
import { bucketEvidence, connectInstanceEvidence, directoryEvidence, keyEvidence } from '../../../src/evidence/model.js';
import type { OperationKey } from '../../../src/evidence/operations.js';
import { callErrorOf, errorCode, failedCall, fitRecord, okCall, redact, toEvidence } from '../../../src/evidence/collect/record.js';

function sdkError(name: string, message: string, httpStatusCode?: number): Error {
  const error = new Error(message);
  error.name = name;
  return Object.assign(error, { $fault: 'client', $metadata: { httpStatusCode, requestId: 'req-1', attempts: 1 } });
}

describe('failedCall: documented "not configured" answers are absent', () => {
  it.each<[OperationKey, string]>([
    ['s3:GetBucketPolicy', 'NoSuchBucketPolicy'],
    ['s3:GetBucketPolicyStatus', 'NoSuchBucketPolicy'],
    ['s3:GetBucketEncryption', 'ServerSideEncryptionConfigurationNotFoundError'],
    ['s3:GetPublicAccessBlock', 'NoSuchPublicAccessBlockConfiguration'],
    ['s3:GetBucketOwnershipControls', 'OwnershipControlsNotFoundError'],
    ['s3:GetBucketLocation', 'NoSuchBucket'],
    ['ds:DescribeSettings', 'UnsupportedOperationException'],
    ['ds:DescribeLDAPSSettings', 'UnsupportedOperationException'],
    ['kms:GetKeyRotationStatus', 'UnsupportedOperationException'],
  ])('%s %s', (operation, code) => {
    expect(failedCall(operation, sdkError(code, 'not there', 404))).toEqual({ status: 'absent', code, message: 'not there' });
  });

  it('keeps the same codes as errors on operations where they are not an answer', () => {
    expect(failedCall('s3:GetBucketPolicy', sdkError('NoSuchBucket', 'gone', 404))).toEqual({
      status: 'error',
      error: { code: 'NoSuchBucket', message: 'gone', httpStatus: 404 },
    });
    expect(failedCall('kms:GetKeyPolicy', sdkError('UnsupportedOperationException', 'no', 400)).status).toBe('error');
    expect(failedCall('ds:ListCertificates', sdkError('UnsupportedOperationException', 'no', 400)).status).toBe('error');
  });
});

describe('failedCall: errors', () => {
  it('records the SDK error name, message and HTTP status', () => {
    expect(failedCall('connect:DescribeInstance', sdkError('AccessDeniedException', 'User is not authorized', 403))).toEqual({
      status: 'error',
      error: { code: 'AccessDeniedException', message: 'User is not authorized', httpStatus: 403 },
    });
  });

  it('uses the Node error code for network errors, and leaves out a missing status', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', $metadata: { attempts: 1 } });
    expect(failedCall('kms:DescribeKey', error)).toEqual({
      status: 'error',
      error: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' },
    });
  });

  it('copes with things that are not errors', () => {
    expect(callErrorOf('boom')).toEqual({ code: 'Error', message: 'boom' });
    expect(callErrorOf(undefined)).toEqual({ code: 'Error', message: 'no message' });
    expect(errorCode({ name: 'CredentialsProviderError' })).toBe('CredentialsProviderError');
  });

  it('redacts credentials and signatures from messages', () => {
    const message =
      'denied for AKIAABCDEFGHIJKLMNOP with Credential=AKIAABCDEFGHIJKLMNOP/20260101/us-east-1/s3/aws4_request, Signature=0123456789abcdef0123456789abcdef ' +
      'X-Amz-Security-Token=FwoGZXIvYXdzEJr%2F and x-amz-security-token: IQoJb3JpZ2luX2VjEJr aws_secret_access_key = wJalrXUtnFEMI/K7MDENG';
    const redacted = callErrorOf(sdkError('SignatureDoesNotMatch', message, 403)).message;
    expect(redacted).not.toMatch(/AKIAABCDEFGHIJKLMNOP|0123456789abcdef|FwoGZXIvYXdzEJr|IQoJb3JpZ2luX2VjEJr|wJalrXUtnFEMI/);
    expect(redact(`token ${'A'.repeat(400)} end`)).toBe('token [redacted] end');
    expect(redact('bucket my-bucket: The bucket policy does not exist')).toBe('bucket my-bucket: The bucket policy does not exist');
  });

  it('shortens very long messages', () => {
    expect(callErrorOf(sdkError('X', 'x '.repeat(5000))).message.length).toBeLessThanOrEqual(2001);
  });
});

describe('toEvidence', () => {
  it('drops $metadata and undefined members and turns dates into ISO strings', () => {
    const answer = {
      $metadata: { httpStatusCode: 200, requestId: 'r' },
      Instance: { Id: 'i', Arn: 'a', CreatedTime: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), InstanceAlias: undefined },
    };
    expect(toEvidence(answer)).toEqual({ Instance: { Id: 'i', Arn: 'a', CreatedTime: '2024-01-02T03:04:05.000Z' } });
    expect(toEvidence([{ ExpiryDateTime: new Date(0) }])).toEqual([{ ExpiryDateTime: '1970-01-01T00:00:00.000Z' }]);
  });
});

describe('fitRecord', () => {
  it('passes records that fit their slot, keeping unknown fields', () => {
    const record = okCall({ Instance: { Id: 'i', Arn: 'arn', Extra: 1 }, ReplicationConfiguration: {} });
    expect(fitRecord(connectInstanceEvidence.shape.describeInstance, record)).toEqual(record);
    const absent = failedCall('ds:DescribeSettings', sdkError('UnsupportedOperationException', 'no', 400));
    expect(fitRecord(directoryEvidence.shape.settings, absent)).toEqual(absent);
  });

  it('turns an answer the model cannot hold into a MalformedResponse error', () => {
    const record = okCall({ KeyMetadata: { Arn: 'arn:aws:kms:us-east-1:1:key/k' } });
    const fitted = fitRecord(keyEvidence.shape.describeKey, record);
    expect(fitted.status).toBe('error');
    if (fitted.status === 'error') {
      expect(fitted.error.code).toBe('MalformedResponse');
      expect(fitted.error.message).toContain('KeyMetadata.KeyId');
    }
    const location = fitRecord(bucketEvidence.shape.location, okCall({ LocationConstraint: 7 }));
    expect(location.status).toBe('error');
  });
});
