import { expect } from 'vitest';
import { accessUrlDomain } from '../../../src/rules/connect/access-url-domain.js';
import { approvedOriginsHttps } from '../../../src/rules/connect/approved-origins-https.js';
import { loginTlsManaged, oauthTicketManaged, pstnCarrierManaged, webrtcMediaManaged } from '../../../src/rules/managed/aws-managed-hops.js';
import { compliantEvidence, failed, ok, parts } from '../../helpers/evidence.js';
import type { RuleCase } from './types.js';

function withAccessUrl(url: string | undefined) {
  return () => {
    const doc = compliantEvidence();
    if (url === undefined) delete parts(doc).instanceRecord.InstanceAccessUrl;
    else parts(doc).instanceRecord.InstanceAccessUrl = url;
    return doc;
  };
}

function withOrigins(origins: string[]) {
  return () => {
    const doc = compliantEvidence();
    parts(doc).instance.approvedOrigins = ok(origins);
    return doc;
  };
}

export const connectCases: RuleCase[] = [
  { rule: accessUrlDomain, name: 'my.connect.aws domain', evidence: withAccessUrl('https://acme.my.connect.aws/'), expect: 'PASS' },
  {
    rule: accessUrlDomain,
    name: 'legacy awsapps.com/connect domain',
    evidence: withAccessUrl('https://acme.awsapps.com/connect/'),
    expect: 'FAIL',
    check: (f) => expect(f.message).toContain('legacy awsapps.com'),
  },
  { rule: accessUrlDomain, name: 'an http:// access URL fails, even on the new domain', evidence: withAccessUrl('http://acme.my.connect.aws/'), expect: 'FAIL', check: (f) => expect(f.message).toContain('not https') },
  { rule: accessUrlDomain, name: 'a look-alike host ending in my.connect.aws.evil.com is not recognised, never a pass', evidence: withAccessUrl('https://acme.my.connect.aws.evil.com/'), expect: 'ERROR' },
  { rule: accessUrlDomain, name: 'no access URL in the answer is an error, not a pass', evidence: withAccessUrl(undefined), expect: 'ERROR' },
  {
    rule: accessUrlDomain,
    name: 'DescribeInstance denied',
    evidence: () => {
      const doc = compliantEvidence();
      parts(doc).instance.describeInstance = failed('AccessDeniedException');
      return doc;
    },
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('grant connect:DescribeInstance'),
  },
  { rule: approvedOriginsHttps, name: 'https origins only', evidence: withOrigins(['https://a.example.com', 'https://b.example.com:8443']), expect: 'PASS' },
  { rule: approvedOriginsHttps, name: 'no origins approved', evidence: withOrigins([]), expect: 'PASS' },
  { rule: approvedOriginsHttps, name: 'an http:// origin', evidence: withOrigins(['https://a.example.com', 'http://crm.example.com']), expect: 'FAIL', check: (f) => expect(f.message).toContain('http://crm.example.com') },
  { rule: approvedOriginsHttps, name: 'a wildcard origin', evidence: withOrigins(['https://*.example.com']), expect: 'FAIL', check: (f) => expect(f.message).toContain('wildcard') },
  { rule: approvedOriginsHttps, name: 'the same verdict on the CCP hop', hop: 'auth.ccp-load', evidence: withOrigins(['http://crm.example.com']), expect: 'FAIL' },
  { rule: approvedOriginsHttps, name: 'not a URL', evidence: withOrigins(['crm.example.com']), expect: 'FAIL' },
  {
    rule: approvedOriginsHttps,
    name: 'ListApprovedOrigins denied',
    evidence: () => {
      const doc = compliantEvidence();
      parts(doc).instance.approvedOrigins = failed('AccessDeniedException');
      return doc;
    },
    expect: 'ERROR',
  },
  { rule: webrtcMediaManaged, name: 'WebRTC media is AWS managed', evidence: compliantEvidence, expect: 'MANAGED' },
  { rule: pstnCarrierManaged, name: 'PSTN is AWS managed', evidence: compliantEvidence, expect: 'MANAGED' },
  { rule: loginTlsManaged, name: 'login page TLS is AWS managed', evidence: compliantEvidence, expect: 'MANAGED' },
  { rule: oauthTicketManaged, name: 'OAuth ticket TLS is AWS managed', evidence: compliantEvidence, expect: 'MANAGED' },
];
