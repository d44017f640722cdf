/** Building blocks shared by rules: resources, outcomes, and turning a failed call into ERROR. */
import type { Call } from '../../evidence/model.js';
import { isAccessDenied, isPlanGap, OPERATIONS, type OperationKey } from '../../evidence/operations.js';
import type { RuleStatus } from '../../findings/status.js';
import type { InstanceContext, Outcome, Resource } from '../types.js';

export function instanceResource(ctx: InstanceContext): Resource {
  return { arn: ctx.instanceArn, type: 'AwsConnectInstance', accountId: ctx.account.accountId, region: ctx.region.region };
}

export function bucketResource(ctx: InstanceContext, bucketName: string, region: string): Resource {
  return { arn: `arn:${ctx.partition}:s3:::${bucketName}`, type: 'AwsS3Bucket', accountId: ctx.account.accountId, region };
}

export function keyResource(arn: string, accountId: string, region: string): Resource {
  return { arn, type: 'AwsKmsKey', accountId, region };
}

export function directoryResource(ctx: InstanceContext, directoryId: string): Resource {
  return {
    arn: `arn:${ctx.partition}:ds:${ctx.region.region}:${ctx.account.accountId}:directory/${directoryId}`,
    type: 'AwsDirectoryServiceDirectory',
    accountId: ctx.account.accountId,
    region: ctx.region.region,
  };
}

export function outcome(
  hop: string,
  status: RuleStatus,
  resource: Resource,
  message: string,
  evidence: Record<string, unknown> = {},
): Outcome {
  return { hop, status, resource, message, evidence };
}

/** The ERROR outcome for a call that failed: names the call, the error, and the permission to grant. */
export function callErrorOutcome(
  hop: string,
  resource: Resource,
  operationKey: OperationKey,
  error: { code: string; message: string },
  subject: string,
): Outcome {
  const op = OPERATIONS[operationKey];
  const grant = isAccessDenied(error.code) && op.iamAction ? `; grant ${op.iamAction}` : '';
  // Plan mode: nothing failed, the code just does not say; the message names what it leaves open.
  const message = isPlanGap(error.code) ? `Could not judge ${subject}: ${error.message}.` : `Could not read ${subject}: ${op.service}:${op.operation} failed with ${error.code}${grant}.`;
  return {
    hop,
    status: 'ERROR',
    resource,
    message,
    evidence: { operation: `${op.service}:${op.operation}`, errorCode: error.code, errorMessage: error.message },
    error: { operation: operationKey, resource: resource.arn, code: error.code, message: error.message },
  };
}

/** The ERROR outcome for a policy document AWS would refuse: it is not judged, neither PASS nor FAIL. */
export function invalidPolicyOutcome(hop: string, resource: Resource, operationKey: OperationKey, subject: string, problem: string): Outcome {
  const result = callErrorOutcome(hop, resource, operationKey, { code: 'InvalidPolicyDocument', message: problem }, subject);
  return { ...result, message: `${subject.charAt(0).toUpperCase()}${subject.slice(1)} is not judged: ${problem}.` };
}

/** The ERROR outcome for a call the evidence file does not hold at all. */
export function missingCallOutcome(hop: string, resource: Resource, operationKey: OperationKey, subject: string): Outcome {
  return callErrorOutcome(hop, resource, operationKey, { code: 'NotCollected', message: 'the evidence holds no answer for this call' }, subject);
}

/**
 * Reads a call: `ok` gives the response, `absent` gives undefined (a documented "not configured"
 * answer), and a failure or a call that was never made gives the ERROR outcome to report instead.
 */
export function readCall<T>(
  call: Call<T> | undefined,
  onError: (error: { code: string; message: string }) => Outcome,
): { ok: true; value: T | undefined } | { ok: false; outcome: Outcome } {
  if (!call) return { ok: false, outcome: onError({ code: 'NotCollected', message: 'the evidence holds no answer for this call' }) };
  if (call.status === 'ok') return { ok: true, value: call.response };
  if (call.status === 'absent') return { ok: true, value: undefined };
  return { ok: false, outcome: onError(call.error) };
}
