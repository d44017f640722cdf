/**
 * Default pacing of the operations AWS documents a small request quota for, per account and region
 * (the scheduler's key is account | region | operation, so a quota "per account per Region" maps onto
 * one bucket). Each row sits at 90% of the documented default, so that a run shares the quota with
 * the account's own traffic (these quotas are not the ones that set a run's length); a throttle still
 * lowers the rate adaptively. Connect is paced by `--connect-rate` / `--connect-burst` (AWS's 2/s with
 * one of its 5 burst tokens in reserve), not here. Operations absent from
 * the table (S3, KMS, Directory Service...) are unpaced until throttled: their quotas are far above
 * what a run sends.
 */
import type { OperationKey } from '../operations.js';
import type { RateLimit } from './scheduler.js';

export const DEFAULT_RATES: Partial<Record<OperationKey, RateLimit>> = {
  // https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DescribeStreamSummary.html
  // "DescribeStreamSummary has a limit of 20 transactions per second per account."
  // (Kinesis quotas: https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html)
  // The page says "per account", not per Region; one stream per storage config keeps a run far below it
  // even across regions, and a throttle lowers the rate.
  'kinesis:DescribeStreamSummary': { ratePerSecond: 18, burst: 5 },
  // https://docs.aws.amazon.com/firehose/latest/dev/limits.html
  // "The following operations can provide up to five invocations per second: CreateDeliveryStream,
  // DeleteDeliveryStream, DescribeDeliveryStream, ListDeliveryStreams, UpdateDestination, ..."
  // ("Each quota applies on a per-Region basis unless otherwise specified.")
  // Each page of destinations is one request.
  'firehose:DescribeDeliveryStream': { ratePerSecond: 4.5, burst: 2 },
  // https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/limits.html, control plane API quotas:
  // "| ListStreams | 50 TPS [h] | N/A |" ("When an account-level or resource-level request limit is
  // reached, a ClientLimitExceededException is thrown.")
  'kinesisvideo:ListStreams': { ratePerSecond: 45, burst: 5 },
  // No AWS page read for this round states DescribeLogGroups' own quota; the smallest documented rate
  // of a CloudWatch Logs describe call (DescribeLogStreams: "5 transactions per second (TPS/account/
  // Region)", https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html) is
  // assumed. A run sends one request per instance with flow logs on (and one per page after it).
  'logs:DescribeLogGroups': { ratePerSecond: 4.5, burst: 2 },
  // https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html:
  // "| ListGrants request rate | 100 |" ("For cross-account requests, AWS KMS throttles the account
  // that makes the requests, not the account that owns the KMS key.")
  'kms:ListGrants': { ratePerSecond: 90, burst: 5 },
  // https://docs.aws.amazon.com/securityhub/latest/partnerguide/guidelines-batchimportfindings.html:
  // "The throttle rate limit is 10 TPS per account per Region, with a burst of 30 TPS." The API
  // reference's introduction (https://docs.aws.amazon.com/securityhub/1.0/APIReference/Welcome.html,
  // verbatim in @aws-sdk/client-securityhub's SecurityHub.d.ts) lists the other quota:
  // "GetFindings - RateLimit of 3 requests per second. BurstLimit of 6 requests per second."
  'securityhub:BatchImportFindings': { ratePerSecond: 9, burst: 5 },
  'securityhub:GetFindings': { ratePerSecond: 2.7, burst: 2 },
};

/** The pacing of one operation: Connect's from the run's flags, the others from the table. */
export function rateOf(operation: OperationKey, service: string, connectRate: RateLimit): RateLimit | undefined {
  return service === 'connect' ? connectRate : DEFAULT_RATES[operation];
}
