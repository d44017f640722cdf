/**
 * The Firehose collector's guards, with a stand-in client: destination pages joined, a delivery
 * stream of another account never asked for by name, an answer about another ARN refused, and a
 * service that keeps saying "more destinations" stopped.
 */
import { describe, expect, it } from 'vitest';
import type { ClientFactory } from '../../../src/evidence/collect/clients.js';
import type { CollectContext } from '../../../src/evidence/collect/context.js';
import { collectDeliveryStream, deliveryStreamNameOfArn } from '../../../src/evidence/collect/firehose.js';
import { Scheduler } from '../../../src/evidence/collect/scheduler.js';

const ACCOUNT = '111122223333';
const ARN = `arn:aws:firehose:eu-west-1:${ACCOUNT}:deliverystream/ctr`;

interface Input {
  DeliveryStreamName: string;
  ExclusiveStartDestinationId?: string;
}

/** A context whose Firehose client answers each request with `answer(input)`, and the inputs it got. */
function contextAnswering(answer: (input: Input) => unknown): { ctx: CollectContext; inputs: Input[] } {
  const inputs: Input[] = [];
  class DescribeDeliveryStreamCommand {
    constructor(readonly input: Input) {}
  }
  const client = {
    send: (command: DescribeDeliveryStreamCommand) => {
      inputs.push(command.input);
      return Promise.resolve(answer(command.input));
    },
  };
  const clients = { firehose: () => Promise.resolve({ client, sdk: { DescribeDeliveryStreamCommand } }) } as unknown as ClientFactory;
  const ctx: CollectContext = {
    accountId: ACCOUNT,
    scheduler: new Scheduler({ concurrency: 1, maxAttempts: 1 }),
    clients,
    connectRate: { ratePerSecond: 100, burst: 100 },
    log: () => undefined,
  };
  return { ctx, inputs };
}

const destination = (n: number) => ({ DestinationId: `d-${n}`, S3DestinationDescription: { BucketARN: `arn:aws:s3:::bucket-${n}` } });

describe('collectDeliveryStream', () => {
  it('names the delivery stream from its ARN', () => {
    expect(deliveryStreamNameOfArn(ARN)).toBe('ctr');
    expect(deliveryStreamNameOfArn('arn:aws:kinesis:eu-west-1:111122223333:stream/ctr')).toBeUndefined();
  });

  it('joins every page of destinations, starting each page after the last destination of the one before', async () => {
    const all = [1, 2, 3].map(destination);
    const { ctx, inputs } = contextAnswering((input) => {
      const start = input.ExclusiveStartDestinationId ? all.findIndex((d) => d.DestinationId === input.ExclusiveStartDestinationId) + 1 : 0;
      return { DeliveryStreamDescription: { DeliveryStreamARN: ARN, Destinations: all.slice(start, start + 1), HasMoreDestinations: start + 1 < all.length } };
    });
    const evidence = await collectDeliveryStream(ctx, ARN, 'eu-west-1');
    expect(inputs.map((i) => i.ExclusiveStartDestinationId)).toEqual([undefined, 'd-1', 'd-2']);
    expect(inputs.every((i) => i.DeliveryStreamName === 'ctr')).toBe(true);
    expect(evidence).toEqual({
      readAs: ACCOUNT,
      describeDeliveryStream: { status: 'ok', response: { DeliveryStreamDescription: { DeliveryStreamARN: ARN, Destinations: all, HasMoreDestinations: false } } },
    });
  });

  it('does not ask for another account’s delivery stream by name: the name would find a namesake in the caller’s account', async () => {
    const { ctx, inputs } = contextAnswering(() => ({ DeliveryStreamDescription: { DeliveryStreamARN: ARN } }));
    const evidence = await collectDeliveryStream(ctx, 'arn:aws:firehose:eu-west-1:444455556666:deliverystream/ctr', 'eu-west-1');
    expect(inputs).toEqual([]);
    expect(evidence.describeDeliveryStream).toMatchObject({ status: 'error', error: { code: 'CrossAccountNotReadable' } });
  });

  it('refuses an answer about another delivery stream', async () => {
    const { ctx } = contextAnswering(() => ({ DeliveryStreamDescription: { DeliveryStreamARN: ARN.replace('/ctr', '/other'), Destinations: [] } }));
    const evidence = await collectDeliveryStream(ctx, ARN, 'eu-west-1');
    expect(evidence.describeDeliveryStream).toMatchObject({ status: 'error', error: { code: 'MismatchedResource' } });
  });

  it('stops a service that keeps answering the same page with more destinations, and one that gives no id to go on from', async () => {
    const loop = contextAnswering(() => ({ DeliveryStreamDescription: { DeliveryStreamARN: ARN, Destinations: [destination(1)], HasMoreDestinations: true } }));
    const looped = await collectDeliveryStream(loop.ctx, ARN, 'eu-west-1');
    expect(looped.describeDeliveryStream).toMatchObject({ status: 'error', error: { code: 'PaginationLoop' } });
    expect(loop.inputs).toHaveLength(2);

    const noId = contextAnswering(() => ({ DeliveryStreamDescription: { DeliveryStreamARN: ARN, Destinations: [{ S3DestinationDescription: {} }], HasMoreDestinations: true } }));
    const stuck = await collectDeliveryStream(noId.ctx, ARN, 'eu-west-1');
    expect(stuck.describeDeliveryStream).toMatchObject({ status: 'error', error: { code: 'MalformedResponse' } });
    expect(noId.inputs).toHaveLength(1);
  });

  it('records an ARN that names no delivery stream without a call', async () => {
    const { ctx, inputs } = contextAnswering(() => ({}));
    const evidence = await collectDeliveryStream(ctx, 'not-an-arn', 'eu-west-1');
    expect(inputs).toEqual([]);
    expect(evidence.describeDeliveryStream).toMatchObject({ status: 'error', error: { code: 'InvalidArn' } });
  });
});
