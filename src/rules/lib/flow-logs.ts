/** Contact-flow logs: whether an instance writes them, and the log group that holds them. */
import { contactFlowLogGroupName, contactFlowLogsOn } from '../../evidence/aws-names.js';
import type { LogGroup } from '../../evidence/model.js';
import { CONTACT_FLOW_LOGS_HOP, judgesFlowLogs } from '../../paths/hops.js';
import type { InstanceContext, Outcome, Resource } from '../types.js';
import { callErrorOutcome, instanceResource, missingCallOutcome, outcome } from './outcomes.js';

export type FlowLogsState =
  | { kind: 'out-of-scope' }
  | { kind: 'off'; outcome: Outcome }
  | { kind: 'group'; name: string; group: LogGroup; resource: Resource }
  | { kind: 'unjudgeable'; outcome: Outcome };

const HOP = CONTACT_FLOW_LOGS_HOP.id;

function logGroupResource(ctx: InstanceContext, name: string, group: LogGroup | undefined): Resource {
  const arn = group?.logGroupArn ?? group?.arn?.replace(/:\*$/, '') ?? `arn:${ctx.partition}:logs:${ctx.region.region}:${ctx.account.accountId}:log-group:${name}`;
  return { arn, type: 'AwsLogsLogGroup', accountId: ctx.account.accountId, region: ctx.region.region };
}

/**
 * The instance attribute CONTACTFLOW_LOGS turns flow logs on; Connect then writes them to the log
 * group `/aws/connect/<instance alias>` in the instance's account and region.
 */
export function contactFlowLogs(ctx: InstanceContext): FlowLogsState {
  if (!judgesFlowLogs(ctx.resourceTypes)) return { kind: 'out-of-scope' };
  const instance = instanceResource(ctx);
  const attributes = ctx.evidence.attributes;
  if (attributes.status === 'error') {
    return { kind: 'unjudgeable', outcome: callErrorOutcome(HOP, instance, 'connect:ListInstanceAttributes', attributes.error, 'whether flow logs are enabled (CONTACTFLOW_LOGS)') };
  }
  const value = attributes.status === 'ok' ? attributes.response.find((a) => a.AttributeType === 'CONTACTFLOW_LOGS')?.Value : undefined;
  if (attributes.status !== 'ok' || !contactFlowLogsOn(attributes.response)) {
    return { kind: 'off', outcome: outcome(HOP, 'NOT_APPLICABLE', instance, `Flow logs are off for this instance (CONTACTFLOW_LOGS is ${value ?? 'not set'}): Connect writes no flow logs.`, { contactFlowLogs: value ?? null }) };
  }
  const alias = ctx.instance?.InstanceAlias;
  if (!alias) {
    const described = ctx.evidence.describeInstance;
    const error = described.status === 'error' ? described.error : { code: 'MissingField', message: 'DescribeInstance returned no InstanceAlias' };
    return { kind: 'unjudgeable', outcome: callErrorOutcome(HOP, instance, 'connect:DescribeInstance', error, 'the instance alias that names the flow-log group') };
  }
  const name = contactFlowLogGroupName(alias);
  const subject = `log group ${name}`;
  const listed = ctx.evidence.contactFlowLogGroups;
  if (!listed) return { kind: 'unjudgeable', outcome: missingCallOutcome(HOP, logGroupResource(ctx, name, undefined), 'logs:DescribeLogGroups', subject) };
  if (listed.status === 'error') return { kind: 'unjudgeable', outcome: callErrorOutcome(HOP, logGroupResource(ctx, name, undefined), 'logs:DescribeLogGroups', listed.error, subject) };
  const group = listed.status === 'ok' ? listed.response.find((g) => g.logGroupName === name) : undefined;
  if (!group) {
    // Cautious: flow logs are on but their log group was not found under the documented name, so
    // where they are kept (and how they are encrypted) is unknown — never NOT_APPLICABLE or PASS.
    const resource = logGroupResource(ctx, name, undefined);
    return {
      kind: 'unjudgeable',
      outcome: {
        ...outcome(HOP, 'ERROR', resource, `Flow logs are on, but DescribeLogGroups shows no log group named ${name}: where Connect keeps them, and under which key, is unknown.`, {
          logGroupName: name,
          found: false,
        }),
        error: { operation: 'logs:DescribeLogGroups', resource: resource.arn, code: 'LogGroupNotFound', message: `no log group named ${name}` },
      },
    };
  }
  return { kind: 'group', name, group, resource: logGroupResource(ctx, name, group) };
}
