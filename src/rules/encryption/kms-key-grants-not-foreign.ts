import { CONTACT_FLOW_LOGS_HOP } from '../../paths/hops.js';
import { PUBLIC_ACCESS } from '../frameworks.js';
import { DECRYPTING_OPERATIONS, grantSummary, granteeOf } from '../lib/grants.js';
import { judgeKeys } from '../lib/kms.js';
import { callErrorOutcome, outcome, readCall } from '../lib/outcomes.js';
import type { Rule } from '../types.js';

const NAMED_IN_MESSAGE = 3;

export const kmsKeyGrantsNotForeign: Rule = {
  meta: {
    id: 'kms-key-grants-not-foreign',
    title: 'No KMS grant lets a principal outside the instance account use the key that protects contact data',
    hops: ['voice.recording-at-rest', 'storage.*.at-rest', CONTACT_FLOW_LOGS_HOP.id],
    severity: 'high',
    rationale:
      'A grant is a second way, beside the key policy, to let a principal use a KMS key; it does not show in the key policy. A grant to a role, user or account outside the instance account (and the trusted key accounts) lets someone else decrypt contact data. Grants to AWS service principals (Firehose, Voice ID, ...) are made by those services for the account and are recorded, not failed; a grantee this tool cannot read is reported as ERROR.',
    evidenceUsed: ['kms:ListGrants', 'kms:DescribeKey'],
    decidedBy: ['grantee_principal', 'retiring_principal'],
    remediation: {
      summary: 'Retire or revoke grants to principals outside the instance account.',
      console: ['Grants are not shown in the console: list them with the AWS CLI.'],
      cli: 'aws kms list-grants --key-id <key-arn> && aws kms revoke-grant --key-id <key-arn> --grant-id <grant-id>',
    },
    references: [
      'https://docs.aws.amazon.com/kms/latest/developerguide/grants.html',
      'https://docs.aws.amazon.com/kms/latest/developerguide/grant-view.html',
      'https://docs.aws.amazon.com/kms/latest/APIReference/API_ListGrants.html',
      'https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantListEntry.html',
    ],
    compliance: PUBLIC_ACCESS,
  },
  evaluate(ctx) {
    return judgeKeys(ctx, 'a key without foreign grants', ({ record, resource }, use) => {
      const read = readCall(record.grants, (error) => callErrorOutcome(use.hop, resource, 'kms:ListGrants', error, `the grants of KMS key ${resource.arn}`));
      if (!read.ok) return read.outcome;
      const grants = read.value ?? [];
      const trusted = new Set([ctx.account.accountId, resource.accountId, ...ctx.settings.trustedKeyAccounts]);
      const foreign = [];
      const unknown = [];
      const services = [];
      for (const grant of grants) {
        const grantee = granteeOf(grant);
        if (grantee.kind === 'service') services.push(grantee.principal);
        else if (grantee.kind === 'unknown') unknown.push(grant);
        else if (!trusted.has(grantee.account)) foreign.push(grant);
      }
      const evidence = { keyArn: resource.arn, source: use.source, grants: grants.length, servicePrincipals: [...new Set(services)], foreignGrants: foreign.map(grantSummary), unreadableGrantees: unknown.map(grantSummary) };
      if (foreign.length > 0) {
        const decrypting = foreign.filter((g) => (g.Operations ?? []).some((op) => DECRYPTING_OPERATIONS.includes(op)));
        const named = foreign.slice(0, NAMED_IN_MESSAGE).map((g) => `${g.GranteePrincipal ?? '?'} (${(g.Operations ?? []).join(', ') || 'no operations listed'})`).join('; ');
        const harm = decrypting.length > 0 ? 'someone else can decrypt contact data' : 'someone else can use the key';
        return outcome(use.hop, 'FAIL', resource, `KMS key ${resource.arn} (${use.source}) has ${foreign.length} grant(s) to principals outside the instance account: ${harm}. ${named}${foreign.length > NAMED_IN_MESSAGE ? ` and ${foreign.length - NAMED_IN_MESSAGE} more` : ''}.`, evidence);
      }
      if (unknown.length > 0) {
        return {
          ...outcome(use.hop, 'ERROR', resource, `KMS key ${resource.arn} has ${unknown.length} grant(s) whose grantee names no account this tool can read (${unknown.slice(0, NAMED_IN_MESSAGE).map((g) => JSON.stringify(g.GranteePrincipal ?? null)).join(', ')}): who can use the key is unknown.`, evidence),
          error: { operation: 'kms:ListGrants', resource: resource.arn, code: 'UnreadableGrantee', message: 'a grant names a grantee that is neither an IAM ARN, an account id nor an AWS service principal' },
        };
      }
      const serviceNote = services.length > 0 ? ` (${services.length} to AWS service principals: ${[...new Set(services)].join(', ')})` : '';
      return outcome(use.hop, 'PASS', resource, `All ${grants.length} grant(s) on KMS key ${resource.arn} are to principals of the instance account or trusted key accounts${serviceNote}.`, evidence);
    });
  },
};
