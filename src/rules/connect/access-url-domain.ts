import { NETWORK_PATHS_DOC } from '../../paths/hops.js';
import { ENCRYPTION_IN_TRANSIT } from '../frameworks.js';
import { callErrorOutcome, instanceResource, outcome } from '../lib/outcomes.js';
import type { InstanceContext, Outcome, Rule } from '../types.js';

const HOP = 'voice.agent-browser-to-connect';
const NEW_DOMAIN = '.my.connect.aws';
const LEGACY_DOMAIN = '.awsapps.com';

/** The access-URL label of the instance: its alias, or the first label of the legacy host. */
function instanceLabel(ctx: InstanceContext, host: string): string | undefined {
  return ctx.instance?.InstanceAlias ?? (host.endsWith(LEGACY_DOMAIN) ? host.slice(0, -LEGACY_DOMAIN.length) : undefined);
}

export const accessUrlDomain: Rule = {
  meta: {
    id: 'connect-access-url-tls12-domain',
    title: 'Agents can reach the instance on the TLS 1.2+-only *.my.connect.aws domain',
    hops: [HOP],
    severity: 'low',
    rationale:
      'AWS documents the *.my.connect.aws domain as supporting TLS 1.2 or newer only; it does not document which TLS versions the legacy *.awsapps.com/connect domain negotiates. An instance whose access URL is on the legacy domain (fixed when the instance was created) can still be used through the new domain, which agents then need to use.',
    evidenceUsed: ['connect:DescribeInstance'],
    decidedBy: ['instance_alias', 'InstanceAlias'],
    remediation: {
      summary:
        'The access URL cannot be changed after creation, but existing instances can use the new domain: have agents and CCP embeds use https://<alias>.my.connect.aws instead of https://<alias>.awsapps.com/connect; for SAML instances add new_domain=true to the relay state URL in the identity provider.',
      console: [
        'Publish https://<alias>.my.connect.aws/ to agents, bookmarks and CCP embeds (login: https://<alias>.my.connect.aws/ccp-v2).',
        'For SAML instances, add new_domain=true to the relay state URL in the identity provider and log in again.',
        'Add the new domain to allow lists (firewalls, proxies) as AWS lists in "Set up your network".',
      ],
      cli: 'aws connect describe-instance --instance-id <instance-id> --query Instance.[InstanceAlias,InstanceAccessUrl]',
    },
    references: [
      'https://docs.aws.amazon.com/connect/latest/adminguide/infrastructure-security.html',
      'https://docs.aws.amazon.com/connect/latest/adminguide/update-your-connect-domain.html',
      'https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-instances.html',
      NETWORK_PATHS_DOC,
    ],
    compliance: ENCRYPTION_IN_TRANSIT,
  },
  evaluate(ctx): Outcome[] {
    const resource = instanceResource(ctx);
    const call = ctx.evidence.describeInstance;
    if (call.status !== 'ok') {
      const error = call.status === 'error' ? call.error : { code: call.code, message: call.message ?? 'not found' };
      return [callErrorOutcome(HOP, resource, 'connect:DescribeInstance', error, 'the instance')];
    }
    const url = call.response.Instance.InstanceAccessUrl;
    if (!url) {
      return [callErrorOutcome(HOP, resource, 'connect:DescribeInstance', { code: 'MissingField', message: 'no InstanceAccessUrl in the answer' }, 'the instance access URL')];
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return [callErrorOutcome(HOP, resource, 'connect:DescribeInstance', { code: 'InvalidField', message: `InstanceAccessUrl ${url} is not a URL` }, 'the instance access URL')];
    }
    const host = parsed.hostname.toLowerCase();
    if (parsed.protocol !== 'https:') {
      return [outcome(HOP, 'FAIL', resource, `The access URL ${url} uses ${parsed.protocol.replace(':', '')}, not https: agent sessions would not be protected by TLS.`, { accessUrl: url, protocol: parsed.protocol })];
    }
    if (host.endsWith(NEW_DOMAIN)) {
      return [outcome(HOP, 'PASS', resource, `The access URL ${url} is on the my.connect.aws domain, which AWS documents as supporting TLS 1.2 or newer only.`, { accessUrl: url, domain: 'my.connect.aws' })];
    }
    if (!host.endsWith(LEGACY_DOMAIN)) {
      return [callErrorOutcome(HOP, resource, 'connect:DescribeInstance', { code: 'UnrecognisedAccessUrl', message: `InstanceAccessUrl ${url} is on neither the my.connect.aws nor the awsapps.com domain` }, 'the domain of the instance access URL')];
    }
    const label = instanceLabel(ctx, host);
    const newUrl = label ? `https://${label}${NEW_DOMAIN}/` : `https://<alias>${NEW_DOMAIN}/`;
    const saml = ctx.instance?.IdentityManagementType === 'SAML' ? ' and add new_domain=true to the SAML relay state URL' : '';
    return [
      {
        ...outcome(HOP, 'FAIL', resource, `The access URL ${url} is on the legacy awsapps.com domain; AWS documents TLS 1.2 or newer only for the my.connect.aws domain, so have agents use ${newUrl}${saml}.`, { accessUrl: url, domain: 'awsapps.com', newDomainUrl: newUrl, identityManagementType: ctx.instance?.IdentityManagementType ?? null }),
        remediation: `The access URL is fixed at creation, but the instance also answers on the new domain: have agents and CCP embeds use ${newUrl}${saml}.`,
      },
    ];
  },
};
