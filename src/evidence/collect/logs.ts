/**
 * Amazon CloudWatch Logs: the log groups whose names begin with an instance's contact flow log group
 * name (`/aws/connect/<instance alias>`), every page. The rules pick the group of that exact name.
 */
import { connectInstanceEvidence } from '../model.js';
import { recordList, type CollectContext } from './context.js';

const slot = connectInstanceEvidence.shape.contactFlowLogGroups.unwrap();

export function describeLogGroups(ctx: CollectContext, region: string, prefix: string) {
  return recordList(
    ctx,
    slot,
    { operation: 'logs:DescribeLogGroups', region, resource: prefix },
    () => ctx.clients.logs(region),
    async ({ client, sdk }, nextToken, abortSignal) => {
      const page = await client.send(new sdk.DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, nextToken }), { abortSignal });
      return { items: page.logGroups, next: page.nextToken };
    },
  );
}
