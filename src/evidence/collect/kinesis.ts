/**
 * Kinesis Data Streams: DescribeStreamSummary by stream ARN, in the region the ARN names. The ARN
 * identifies the stream even in another account (Kinesis resource policies grant cross-account
 * DescribeStreamSummary), so the caller's credentials can be tried when the owner's are not at hand.
 */
import { kinesisStreamEvidence, type KinesisStreamEvidence } from '../model.js';
import { recordCall, type CollectContext } from './context.js';

const slot = kinesisStreamEvidence.shape.describeStreamSummary;

/** The stream named by `streamArn`, in `region` (the one its ARN names). */
export async function collectStream(ctx: CollectContext, streamArn: string, region: string): Promise<KinesisStreamEvidence> {
  const describeStreamSummary = await recordCall(
    ctx,
    slot,
    { operation: 'kinesis:DescribeStreamSummary', region, resource: streamArn },
    () => ctx.clients.kinesis(region),
    ({ client, sdk }, abortSignal) => client.send(new sdk.DescribeStreamSummaryCommand({ StreamARN: streamArn }), { abortSignal }),
  );
  return { readAs: ctx.accountId, describeStreamSummary };
}
