/**
 * Amazon Kinesis Video Streams: the streams Connect created for an instance's MEDIA_STREAMS storage
 * config, found by the config's prefix (ListStreams with `StreamNameCondition` BEGINS_WITH). Only the
 * first page is read, of at most LIST_STREAMS_MAX_RESULTS streams: Connect creates a stream per
 * contact, so the list can be long, and a sample tells whether they use the configured key. The
 * record keeps `NextToken`, so rules can say the list was a sample.
 */
import { connectInstanceEvidence } from '../model.js';
import { recordCall, type CollectContext } from './context.js';

const slot = connectInstanceEvidence.shape.videoStreams.unwrap().valueType;

/**
 * Streams read per prefix. The API takes 1–10,000 (API_ListStreams: "Valid Range: Minimum value of
 * 1. Maximum value of 10000."); a small page keeps the evidence bounded.
 */
export const LIST_STREAMS_MAX_RESULTS = 100;

export function listVideoStreams(ctx: CollectContext, region: string, prefix: string) {
  return recordCall(
    ctx,
    slot,
    { operation: 'kinesisvideo:ListStreams', region, resource: prefix },
    () => ctx.clients.kinesisVideo(region),
    async ({ client, sdk }, abortSignal) => {
      const page = await client.send(
        new sdk.ListStreamsCommand({
          MaxResults: LIST_STREAMS_MAX_RESULTS,
          StreamNameCondition: { ComparisonOperator: 'BEGINS_WITH', ComparisonValue: prefix },
        }),
        { abortSignal },
      );
      return { StreamInfoList: page.StreamInfoList ?? [], ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
    },
  );
}
