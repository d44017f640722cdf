/**
 * Amazon Connect: the instances of a region and, per instance, DescribeInstance,
 * ListInstanceStorageConfigs (one call per resource type), ListApprovedOrigins and
 * ListInstanceAttributes. Lists are read to the last page; MaxResults is never sent (the documented
 * maxima differ per API and a wrong guess is an InvalidParameterException).
 */
import type { InstanceStorageResourceType } from '@aws-sdk/client-connect';
import { connectInstanceEvidence, regionEvidence } from '../model.js';
import { recordCall, recordList, type CollectContext } from './context.js';

const slots = {
  listInstances: regionEvidence.shape.listInstances.unwrap(),
  describeInstance: connectInstanceEvidence.shape.describeInstance,
  storageConfigs: connectInstanceEvidence.shape.storageConfigs.valueType,
  approvedOrigins: connectInstanceEvidence.shape.approvedOrigins,
  attributes: connectInstanceEvidence.shape.attributes,
};

export function listInstances(ctx: CollectContext, region: string) {
  return recordList(
    ctx,
    slots.listInstances,
    { operation: 'connect:ListInstances', region, resource: 'instances' },
    () => ctx.clients.connect(region),
    async ({ client, sdk }, NextToken, abortSignal) => {
      const page = await client.send(new sdk.ListInstancesCommand({ NextToken }), { abortSignal });
      return { items: page.InstanceSummaryList, next: page.NextToken };
    },
  );
}

export function describeInstance(ctx: CollectContext, region: string, instanceId: string) {
  return recordCall(
    ctx,
    slots.describeInstance,
    { operation: 'connect:DescribeInstance', region, resource: instanceId },
    () => ctx.clients.connect(region),
    ({ client, sdk }, abortSignal) => client.send(new sdk.DescribeInstanceCommand({ InstanceId: instanceId }), { abortSignal }),
  );
}

export function listStorageConfigs(ctx: CollectContext, region: string, instanceId: string, resourceType: string) {
  return recordList(
    ctx,
    slots.storageConfigs,
    { operation: 'connect:ListInstanceStorageConfigs', region, resource: `${instanceId} ${resourceType}` },
    () => ctx.clients.connect(region),
    async ({ client, sdk }, NextToken, abortSignal) => {
      const page = await client.send(
        new sdk.ListInstanceStorageConfigsCommand({
          InstanceId: instanceId,
          ResourceType: resourceType as InstanceStorageResourceType,
          NextToken,
        }),
        { abortSignal },
      );
      return { items: page.StorageConfigs, next: page.NextToken };
    },
  );
}

export function listApprovedOrigins(ctx: CollectContext, region: string, instanceId: string) {
  return recordList(
    ctx,
    slots.approvedOrigins,
    { operation: 'connect:ListApprovedOrigins', region, resource: instanceId },
    () => ctx.clients.connect(region),
    async ({ client, sdk }, NextToken, abortSignal) => {
      const page = await client.send(new sdk.ListApprovedOriginsCommand({ InstanceId: instanceId, NextToken }), { abortSignal });
      return { items: page.Origins, next: page.NextToken };
    },
  );
}

export function listInstanceAttributes(ctx: CollectContext, region: string, instanceId: string) {
  return recordList(
    ctx,
    slots.attributes,
    { operation: 'connect:ListInstanceAttributes', region, resource: instanceId },
    () => ctx.clients.connect(region),
    async ({ client, sdk }, NextToken, abortSignal) => {
      const page = await client.send(new sdk.ListInstanceAttributesCommand({ InstanceId: instanceId, NextToken }), { abortSignal });
      return { items: page.Attributes, next: page.NextToken };
    },
  );
}
