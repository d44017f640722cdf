/**
 * Amazon Data Firehose: DescribeDeliveryStream, in the region the delivery stream's ARN names, every
 * page of destinations (ExclusiveStartDestinationId = the last destination's id while
 * HasMoreDestinations) joined into one description.
 *
 * DescribeDeliveryStream takes a name, never an ARN, and a name resolves in the caller's own account:
 * a delivery stream of another account can only be read with that account's credentials. Asked with
 * anybody else's, the answer would describe a namesake (or nothing), so the call is not made and the
 * record says why. An answer about another ARN is refused the same way.
 */
import { arnRegionAndAccount } from '../aws-names.js';
import { callOf, deliveryStreamDescription, deliveryStreamEvidence, type DeliveryStreamDescription, type DeliveryStreamEvidence } from '../model.js';
import { recordList, type CollectContext } from './context.js';

const pagesSlot = callOf(deliveryStreamDescription.array());
type Described = DeliveryStreamEvidence['describeDeliveryStream'];

/** `arn:aws:firehose:region:account:deliverystream/name` → `name`. */
export function deliveryStreamNameOfArn(arn: string): string | undefined {
  return /^arn:[^:]+:firehose:[^:]*:\d{12}:deliverystream\/([^/]+)$/.exec(arn)?.[1];
}

function refused(code: string, message: string): Described {
  return { status: 'error', error: { code, message } };
}

/** The pages of one description as one: the first page's fields, every page's destinations. */
function joined(pages: DeliveryStreamDescription[], arn: string): Described {
  const [first] = pages;
  if (!first) return refused('MalformedResponse', `DescribeDeliveryStream returned no description of ${arn}.`);
  const strange = pages.find((page) => page.DeliveryStreamARN !== arn);
  if (strange) {
    return refused('MismatchedResource', `DescribeDeliveryStream for ${arn} answered about ${strange.DeliveryStreamARN ?? 'an unnamed delivery stream'}.`);
  }
  const description: DeliveryStreamDescription = { ...first, Destinations: pages.flatMap((page) => page.Destinations ?? []), HasMoreDestinations: false };
  return deliveryStreamEvidence.shape.describeDeliveryStream.parse({ status: 'ok', response: { DeliveryStreamDescription: description } });
}

export async function collectDeliveryStream(ctx: CollectContext, arn: string, region: string): Promise<DeliveryStreamEvidence> {
  const name = deliveryStreamNameOfArn(arn);
  const owner = arnRegionAndAccount(arn)?.account;
  if (name === undefined || owner === undefined) {
    return { describeDeliveryStream: refused('InvalidArn', `${arn} is not a Firehose delivery stream ARN.`) };
  }
  if (owner !== ctx.accountId) {
    return {
      readAs: ctx.accountId,
      describeDeliveryStream: refused(
        'CrossAccountNotReadable',
        `DescribeDeliveryStream finds a delivery stream by name in the caller's own account only: ${arn} belongs to account ${owner}, which this run cannot read (add it to --accounts with a --role-arn it can assume).`,
      ),
    };
  }
  const pages = await recordList(
    ctx,
    pagesSlot,
    { operation: 'firehose:DescribeDeliveryStream', region, resource: arn },
    () => ctx.clients.firehose(region),
    async ({ client, sdk }, ExclusiveStartDestinationId, abortSignal) => {
      const answer = await client.send(new sdk.DescribeDeliveryStreamCommand({ DeliveryStreamName: name, ExclusiveStartDestinationId }), { abortSignal });
      const description = answer.DeliveryStreamDescription;
      const last = description?.Destinations?.at(-1)?.DestinationId;
      if (description?.HasMoreDestinations && last === undefined) {
        // Without a last id to start after, the next request would ask for the first page again.
        throw Object.assign(new Error('DescribeDeliveryStream reported more destinations after a page without a destination id.'), {
          name: 'MalformedResponse',
        });
      }
      return { items: description ? [description] : [], next: description?.HasMoreDestinations ? last : undefined };
    },
  );
  return { readAs: ctx.accountId, describeDeliveryStream: pages.status === 'ok' ? joined(pages.response, arn) : pages };
}
