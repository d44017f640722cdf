import { NETWORK_PATHS_DOC } from '../../paths/hops.js';
import { ENCRYPTION_IN_TRANSIT } from '../frameworks.js';
import { callErrorOutcome, instanceResource, outcome } from '../lib/outcomes.js';
import type { Rule } from '../types.js';

const HOP = 'voice.agent-browser-to-connect';

/** Hosts of the access model that accepts TLS 1.2 or newer only. */
function isTls12OnlyDomain(host: string): boolean {
  return host.endsWith('.my.connect.aws');
}

function isLegacyDomain(host: string): boolean {
  return host.endsWith('.awsapps.com');
}

export const accessUrlDomain: Rule = {
  meta: {
    id: 'connect-access-url-tls12-domain',
    title: 'Agents reach the instance on the TLS 1.2+-only *.my.connect.aws domain',
    hops: [HOP],
    severity: 'medium',
    rationale:
      'The legacy *.awsapps.com/connect domain still negotiates older TLS versions; the *.my.connect.aws domain accepts TLS 1.2 or newer only, so agent sessions cannot be downgraded.',
    evidenceUsed: ['connect:DescribeInstance'],
    remediation: {
      summary: 'Have agents and embedding pages use https://<alias>.my.connect.aws instead of https://<alias>.awsapps.com/connect.',
      console: [
        'Open the Amazon Connect console and choose the instance.',
        'Copy the access URL ending in .my.connect.aws and publish it to agents, bookmarks and CCP embeds.',
        'For SAML instances, add new_domain=true to the relay state URL in the identity provider.',
      ],
      cli: 'aws connect describe-instance --instance-id <instance-id> --query Instance.InstanceAccessUrl',
    },
    references: ['https://docs.aws.amazon.com/connect/latest/adminguide/infrastructure-security.html', NETWORK_PATHS_DOC],
    compliance: ENCRYPTION_IN_TRANSIT,
  },
  evaluate(ctx) {
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
    let host: string;
    try {
      host = new URL(url).hostname.toLowerCase();
    } catch {
      return [outcome(HOP, 'FAIL', resource, `The instance access URL ${url} is not a valid URL.`, { accessUrl: url })];
    }
    if (isTls12OnlyDomain(host)) {
      return [outcome(HOP, 'PASS', resource, `Agents use ${host}, which accepts TLS 1.2 or newer only.`, { accessUrl: url, domain: 'my.connect.aws' })];
    }
    const kind = isLegacyDomain(host) ? 'the legacy awsapps.com domain' : 'a domain that is not the TLS 1.2+-only my.connect.aws domain';
    return [outcome(HOP, 'FAIL', resource, `The access URL ${url} uses ${kind}; switch agents to https://<alias>.my.connect.aws.`, { accessUrl: url, domain: host })];
  },
};
