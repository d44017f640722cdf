import { expect } from 'vitest';
import { directoryActive } from '../../../src/rules/directory/directory-active.js';
import { ldapsCertificates } from '../../../src/rules/directory/ldaps-certificates.js';
import { ldapsEnabled } from '../../../src/rules/directory/ldaps-enabled.js';
import { managedAdSecureProtocols } from '../../../src/rules/directory/managed-ad-secure-protocols.js';
import { radiusMfa } from '../../../src/rules/directory/radius-mfa.js';
import { absent, changed, compliantEvidence, DIRECTORY_ID, failed, ok } from '../../helpers/evidence.js';
import type { RuleCase } from './types.js';

const secondDirectory = { DirectoryId: 'd-2222222222', Name: 'other.example.com', Type: 'MicrosoftAD', Stage: 'Active' };
const twoCandidates = changed((p) => {
  p.directories.response.push(secondDirectory);
});

function certificates(...certs: Array<Record<string, unknown>>) {
  return changed((p) => {
    p.directory.certificates = ok(certs);
  });
}

function managedAd(settings: Array<Record<string, unknown>> | 'absent') {
  return changed((p) => {
    p.directoryDescription.Type = 'MicrosoftAD';
    p.directory.settings = settings === 'absent' ? absent('UnsupportedOperationException') : ok(settings);
  });
}

export const directoryCases: RuleCase[] = [
  {
    rule: directoryActive,
    name: 'single AD Connector inferred and Active',
    evidence: compliantEvidence,
    expect: 'PASS',
    check: (f) => expect(f.evidence).toMatchObject({ directoryId: DIRECTORY_ID, resolvedBy: 'inferred' }),
  },
  {
    rule: directoryActive,
    name: 'two candidates and no pin: never guessed',
    evidence: twoCandidates,
    expect: 'ERROR',
    check: (f) => {
      expect(f.message).toContain('--directory-id');
      expect((f.evidence.candidates as unknown[]).length).toBe(2);
    },
  },
  {
    rule: directoryActive,
    name: 'two candidates with a pin',
    evidence: twoCandidates,
    options: { directoryPins: { '*': DIRECTORY_ID } },
    expect: 'PASS',
    check: (f) => expect(f.evidence).toMatchObject({ resolvedBy: 'pinned' }),
  },
  { rule: directoryActive, name: 'pinned directory that does not exist', evidence: compliantEvidence, options: { directoryPins: { '*': 'd-9999999999' } }, expect: 'FAIL' },
  {
    rule: directoryActive,
    name: 'no candidate directory at all',
    evidence: changed((p) => {
      p.directories.response.length = 0;
    }),
    expect: 'ERROR',
  },
  {
    rule: directoryActive,
    name: 'impaired directory',
    evidence: changed((p) => {
      p.directoryDescription.Stage = 'Impaired';
      p.directoryDescription.StageReason = 'DNS unreachable';
    }),
    expect: 'FAIL',
    check: (f) => expect(f.message).toContain('DNS unreachable'),
  },
  {
    rule: directoryActive,
    name: 'SAML instance',
    evidence: changed((p) => {
      p.instanceRecord.IdentityManagementType = 'SAML';
    }),
    expect: 'NOT_APPLICABLE',
    check: (f) => expect(f.message).toContain('SAML'),
  },
  {
    rule: directoryActive,
    name: 'DescribeDirectories denied',
    evidence: changed((p) => {
      p.region.describeDirectories = failed('AccessDeniedException', 400);
    }),
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('grant ds:DescribeDirectories'),
  },
  { rule: ldapsEnabled, name: 'LDAPS enabled', hop: 'auth.ad-connector-to-active-directory', evidence: compliantEvidence, expect: 'PASS' },
  {
    rule: ldapsEnabled,
    name: 'LDAPS disabled',
    hop: 'auth.ad-connector-to-active-directory',
    evidence: changed((p) => {
      p.directory.ldapsSettings = ok([{ LDAPSStatus: 'Disabled' }]);
    }),
    expect: 'FAIL',
  },
  {
    rule: ldapsEnabled,
    name: 'LDAPS enable failed',
    hop: 'auth.ad-connector-to-active-directory',
    evidence: changed((p) => {
      p.directory.ldapsSettings = ok([{ LDAPSStatus: 'EnableFailed' }]);
    }),
    expect: 'FAIL',
  },
  {
    rule: ldapsEnabled,
    name: 'LDAPS settings denied',
    hop: 'auth.ad-connector-to-active-directory',
    evidence: changed((p) => {
      p.directory.ldapsSettings = failed('AccessDeniedException', 400);
    }),
    expect: 'ERROR',
  },
  { rule: ldapsCertificates, name: 'certificate valid for years', hop: 'auth.ad-connector-to-active-directory', evidence: compliantEvidence, expect: 'PASS' },
  {
    rule: ldapsCertificates,
    name: 'expired certificate',
    hop: 'auth.ad-connector-to-active-directory',
    evidence: certificates({ CertificateId: 'c-1', CommonName: 'old-ca', State: 'Registered', Type: 'ClientLDAPS', ExpiryDateTime: '2026-11-01T00:00:00.000Z' }),
    expect: 'FAIL',
    check: (f) => expect(f.message).toContain('expired'),
  },
  {
    rule: ldapsCertificates,
    name: 'certificate expiring in 10 days',
    hop: 'auth.ad-connector-to-active-directory',
    evidence: certificates({ CertificateId: 'c-1', CommonName: 'soon-ca', State: 'Registered', Type: 'ClientLDAPS', ExpiryDateTime: '2026-12-08T12:00:00.000Z' }),
    expect: 'FAIL',
    check: (f) => expect(f.message).toContain('10 days left'),
  },
  {
    rule: ldapsCertificates,
    name: 'deregistered expired certificate is ignored',
    hop: 'auth.ad-connector-to-active-directory',
    evidence: certificates(
      { CertificateId: 'c-0', CommonName: 'old-ca', State: 'Deregistered', Type: 'ClientLDAPS', ExpiryDateTime: '2020-01-01T00:00:00.000Z' },
      { CertificateId: 'c-1', CommonName: 'new-ca', State: 'Registered', Type: 'ClientLDAPS', ExpiryDateTime: '2029-01-01T00:00:00.000Z' },
    ),
    expect: 'PASS',
  },
  { rule: ldapsCertificates, name: 'no registered certificate', hop: 'auth.ad-connector-to-active-directory', evidence: certificates(), expect: 'FAIL' },
  { rule: radiusMfa, name: 'RADIUS completed (MS-CHAPv2 recorded)', hop: 'auth.ad-connector-to-active-directory', evidence: compliantEvidence, expect: 'PASS' },
  {
    rule: radiusMfa,
    name: 'RADIUS failed',
    hop: 'auth.ad-connector-to-active-directory',
    evidence: changed((p) => {
      p.directoryDescription.RadiusStatus = 'Failed';
    }),
    expect: 'FAIL',
  },
  {
    rule: radiusMfa,
    name: 'no RADIUS',
    hop: 'auth.ad-connector-to-active-directory',
    evidence: changed((p) => {
      delete p.directoryDescription.RadiusSettings;
      delete p.directoryDescription.RadiusStatus;
    }),
    expect: 'FAIL',
  },
  { rule: managedAdSecureProtocols, name: 'AD Connector has no protocol settings', hop: 'auth.ad-connector-to-active-directory', evidence: compliantEvidence, expect: 'NOT_APPLICABLE' },
  {
    rule: managedAdSecureProtocols,
    name: 'Managed AD with legacy protocols disabled',
    hop: 'auth.ad-connector-to-active-directory',
    evidence: managedAd([
      { Type: 'Protocol', Name: 'TLS_1_0', AppliedValue: 'Disable' },
      { Type: 'Protocol', Name: 'TLS_1_1', AppliedValue: 'Disable' },
      { Type: 'Cipher', Name: 'RC4_128/128', AppliedValue: 'Disable' },
    ]),
    expect: 'PASS',
  },
  {
    rule: managedAdSecureProtocols,
    name: 'Managed AD with TLS 1.0 enabled',
    hop: 'auth.ad-connector-to-active-directory',
    evidence: managedAd([
      { Type: 'Protocol', Name: 'TLS_1_0', AppliedValue: 'Enable' },
      { Type: 'Protocol', Name: 'TLS_1_1', AppliedValue: 'Disable' },
    ]),
    expect: 'FAIL',
  },
  {
    rule: managedAdSecureProtocols,
    name: 'Managed AD with RC4 enabled',
    hop: 'auth.ad-connector-to-active-directory',
    evidence: managedAd([
      { Type: 'Protocol', Name: 'TLS_1_0', AppliedValue: 'Disable' },
      { Type: 'Protocol', Name: 'TLS_1_1', AppliedValue: 'Disable' },
      { Type: 'Cipher', Name: 'RC4_128/128', AppliedValue: 'Enable' },
    ]),
    expect: 'FAIL',
  },
  { rule: managedAdSecureProtocols, name: 'Managed AD settings unavailable', hop: 'auth.ad-connector-to-active-directory', evidence: managedAd('absent'), expect: 'ERROR' },
];
