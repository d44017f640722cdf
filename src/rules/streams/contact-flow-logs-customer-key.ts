import { CONTACT_FLOW_LOGS_HOP } from '../../paths/hops.js';
import { ENCRYPTION_AT_REST } from '../frameworks.js';
import { contactFlowLogs } from '../lib/flow-logs.js';
import { judgeCustomerKey } from '../lib/kms.js';
import { outcome } from '../lib/outcomes.js';
import type { Rule } from '../types.js';

export const contactFlowLogsCustomerKey: Rule = {
  meta: {
    id: 'contact-flow-logs-customer-key',
    title: 'Flow logs are kept in a log group encrypted with a customer managed KMS key',
    hops: [CONTACT_FLOW_LOGS_HOP.id],
    severity: 'medium',
    rationale:
      'With flow logs on, Connect writes each flow block it runs to CloudWatch Logs, including what customers typed or said to the flow (account numbers, dates of birth, intents). CloudWatch Logs always encrypts log data, but only a KMS key associated with the log group lets the customer restrict, audit and revoke its decryption; that key is then judged like a recordings key. The retention of the group is recorded in the evidence.',
    evidenceUsed: ['connect:ListInstanceAttributes', 'connect:DescribeInstance', 'logs:DescribeLogGroups', 'kms:DescribeKey'],
    decidedBy: ['kms_key_id', 'KmsKeyId', 'contact_flow_logs_enabled', 'Attributes'],
    remediation: {
      summary: 'Associate a customer managed KMS key with the flow-log group (its key policy must allow the CloudWatch Logs service principal of the region).',
      console: ['Open the CloudWatch console, choose Log groups, then /aws/connect/<instance alias>.', 'Choose Actions › Edit log group, then AWS KMS key ARN, and enter the customer managed key.'],
      cli: 'aws logs associate-kms-key --log-group-name /aws/connect/<instance-alias> --kms-key-id arn:aws:kms:<region>:<account>:key/<key-id>',
      terraform: 'resource "aws_cloudwatch_log_group" "connect_flows" {\n  name              = "/aws/connect/<instance-alias>"\n  kms_key_id        = aws_kms_key.connect.arn\n  retention_in_days = 365\n}',
    },
    references: [
      'https://docs.aws.amazon.com/connect/latest/adminguide/contact-flow-logs.html',
      'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html',
      'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html',
    ],
    compliance: ENCRYPTION_AT_REST,
  },
  evaluate(ctx) {
    const logs = contactFlowLogs(ctx);
    if (logs.kind === 'out-of-scope') return [];
    if (logs.kind !== 'group') return [logs.outcome];
    const { group, name, resource } = logs;
    const evidence = { logGroupName: name, kmsKeyId: group.kmsKeyId ?? null, retentionInDays: group.retentionInDays ?? null, logGroupClass: group.logGroupClass ?? null };
    const hop = CONTACT_FLOW_LOGS_HOP.id;
    if (!group.kmsKeyId) {
      return [outcome(hop, 'FAIL', resource, `Log group ${name} holds flow logs but has no KMS key: CloudWatch Logs encrypts it with a key the customer cannot restrict or revoke.`, evidence)];
    }
    const judged = judgeCustomerKey(ctx, { hop, reference: group.kmsKeyId, region: resource.region, source: `Log group ${name}` });
    return [{ ...judged, evidence: { ...evidence, ...judged.evidence } }];
  },
};
