import { expect } from 'vitest';
import { directoryActive } from '../../../src/rules/directory/directory-active.js';
import { ldapsCertificates } from '../../../src/rules/directory/ldaps-certificates.js';
import { ldapsEnabled } from '../../../src/rules/directory/ldaps-enabled.js';
import { managedAdSecureProtocols } from '../../../src/rules/directory/managed-ad-secure-protocols.js';
import { radiusMfa } from '../../../src/rules/directory/radius-mfa.js';
import type { EvidenceParts } from '../../helpers/evidence.js';
import { addInstance, changed, DIRECTORY_ID, failed, INSTANCE_ID, ok, onInstance, OTHER_INSTANCE_ID } from '../../helpers/evidence.js';
import type { RuleCase } from './types.js';

/** Issue 8 (verdicts against AWS's documentation): each case name says the old wrong verdict and the new right one. */

const HOP = 'auth.ad-connector-to-active-directory';
const SECOND = 'd-2222222222';
const simpleAd = { DirectoryId: SECOND, Name: 'simple.example.com', Type: 'SimpleAD', Stage: 'Active' };

function asSimpleAd(p: EvidenceParts): void {
  p.directoryDescription.Type = 'SimpleAD';
  delete p.directoryDescription.RadiusSettings;
  delete p.directoryDescription.RadiusStatus;
  // The collector makes no per-directory record for Simple AD.
  delete p.region.directories[DIRECTORY_ID];
}

function asManagedAd(p: EvidenceParts, trusts: Array<Record<string, unknown>> | undefined): void {
  p.directoryDescription.Type = 'MicrosoftAD';
  if (trusts) p.directory.trusts = ok(trusts);
}

const onPremTrust = { TrustId: 't-1', RemoteDomainName: 'corp.example.com', TrustType: 'Forest', TrustDirection: 'Two-Way', TrustState: 'Verified' };

function settings(entries: Array<Record<string, unknown>>) {
  return changed((p) => {
    p.directoryDescription.Type = 'MicrosoftAD';
    p.directory.settings = ok(entries);
  });
}

/** The compliant document with another instance in its region. */
const withOther = (options: Parameters<typeof addInstance>[1]) =>
  changed((_p, doc) => {
    addInstance(doc, options);
  });

const disabled = (Name: string, Type = 'Protocol') => ({ Type, Name, AppliedValue: 'Disable', AllowedValues: '["Enable","Disable"]', RequestStatus: 'Updated' });

const errorNaming = (field: string, operation: string) => (f: { message: string; evidence: Record<string, unknown> }) => {
  expect(f.evidence).toMatchObject({ field, operation });
};

const resolutionCases: RuleCase[] = [
  {
    rule: directoryActive,
    name: '#2 the only directory is Simple AD: inferred, PASS (was ERROR "no AD Connector")',
    evidence: changed(asSimpleAd),
    expect: 'PASS',
    check: (f) => expect(f.evidence).toMatchObject({ directoryId: DIRECTORY_ID, resolvedBy: 'inferred', type: 'SimpleAD' }),
  },
  {
    rule: directoryActive,
    name: '#2 AD Connector and Simple AD: ERROR listing both (was PASS, Simple AD ignored)',
    evidence: changed((p) => {
      p.directories.response.push({ ...simpleAd, Stage: 'Impaired' });
    }),
    expect: 'ERROR',
    check: (f) => {
      expect(f.message).toContain('pin one');
      expect(f.evidence.candidates).toEqual([
        expect.objectContaining({ directoryId: DIRECTORY_ID, type: 'ADConnector', stage: 'Active' }),
        expect.objectContaining({ directoryId: SECOND, type: 'SimpleAD', stage: 'Impaired' }),
      ]);
      expect(f.evidence.resolvedBy).toBeUndefined();
    },
  },
  {
    rule: onInstance(directoryActive, INSTANCE_ID),
    name: '#2 two EXISTING_DIRECTORY instances, one directory: ERROR asking to pin (was PASS, same directory inferred for both)',
    evidence: withOther({ identity: 'EXISTING_DIRECTORY' }),
    expect: 'ERROR',
    check: (f) => {
      expect(f.message).toContain('one Connect instance at a time');
      expect(f.message).toContain('--directory-id');
      expect(f.evidence.candidates).toEqual([expect.objectContaining({ directoryId: DIRECTORY_ID, stage: 'Active' })]);
      expect(f.evidence.otherInstancesThatCouldUseADirectory).toEqual([{ instanceId: OTHER_INSTANCE_ID, identityManagementType: 'EXISTING_DIRECTORY' }]);
    },
  },
  {
    rule: onInstance(directoryActive, OTHER_INSTANCE_ID),
    name: '#2 two EXISTING_DIRECTORY instances, one directory: the other instance is ERROR too (was PASS)',
    evidence: withOther({ identity: 'EXISTING_DIRECTORY' }),
    expect: 'ERROR',
  },
  {
    rule: onInstance(directoryActive, INSTANCE_ID),
    name: '#2 the other instance is pinned to the second directory: the first one is inferred, PASS (was ERROR, two candidates)',
    evidence: changed((p, doc) => {
      p.directories.response.push(simpleAd);
      addInstance(doc, { identity: 'EXISTING_DIRECTORY' });
    }),
    options: { directoryPins: { [OTHER_INSTANCE_ID]: SECOND } },
    expect: 'PASS',
    check: (f) => expect(f.evidence).toMatchObject({ directoryId: DIRECTORY_ID, resolvedBy: 'inferred' }),
  },
  {
    rule: onInstance(directoryActive, INSTANCE_ID),
    name: '#2 the only directory is pinned for the other instance: ERROR (was PASS, inferred anyway)',
    evidence: withOther({ identity: 'EXISTING_DIRECTORY' }),
    options: { directoryPins: { [OTHER_INSTANCE_ID]: DIRECTORY_ID } },
    expect: 'ERROR',
    check: (f) => {
      expect(f.message).toContain('pinned for another instance');
      expect(f.evidence.candidates).toEqual([expect.objectContaining({ directoryId: DIRECTORY_ID, pinnedForOtherInstances: [OTHER_INSTANCE_ID] })]);
    },
  },
  {
    rule: onInstance(directoryActive, INSTANCE_ID),
    name: '#2 a SAML instance beside it does not count: inferred, PASS',
    evidence: withOther({ identity: 'SAML' }),
    expect: 'PASS',
  },
  {
    rule: onInstance(directoryActive, INSTANCE_ID),
    name: '#2 another instance whose identity type is unknown could use the directory: ERROR (was PASS)',
    evidence: withOther({ described: 'denied' }),
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('identity type unknown'),
  },
  {
    rule: directoryActive,
    name: '#2 another EXISTING_DIRECTORY instance known only from ListInstances: ERROR (was PASS)',
    evidence: withOther({ identity: 'EXISTING_DIRECTORY', described: false }),
    expect: 'ERROR',
  },
  {
    rule: onInstance(directoryActive, INSTANCE_ID),
    name: '#2 one directory pinned for two EXISTING_DIRECTORY instances (wildcard pin): ERROR (was PASS for both)',
    evidence: withOther({ identity: 'EXISTING_DIRECTORY' }),
    options: { directoryPins: { '*': DIRECTORY_ID } },
    expect: 'ERROR',
    check: (f) => {
      expect(f.message).toContain('pinned both for this instance and for');
      expect(f.evidence).toMatchObject({ alsoPinnedFor: [OTHER_INSTANCE_ID] });
    },
  },
  {
    rule: directoryActive,
    name: '#2 a directory without Type stays a candidate: ERROR (was PASS, the AD Connector inferred)',
    evidence: changed((p) => {
      p.directories.response.push({ DirectoryId: SECOND, Stage: 'Active' });
    }),
    expect: 'ERROR',
  },
  {
    rule: directoryActive,
    name: '§11 DescribeInstance without IdentityManagementType: ERROR naming the field (was NOT_APPLICABLE)',
    evidence: changed((p) => {
      delete p.instanceRecord.IdentityManagementType;
    }),
    expect: 'ERROR',
    check: errorNaming('IdentityManagementType', 'connect:DescribeInstance'),
  },
  {
    rule: directoryActive,
    name: '§11 directory without Stage: ERROR naming the field (was FAIL "unknown stage")',
    evidence: changed((p) => {
      delete p.directoryDescription.Stage;
    }),
    expect: 'ERROR',
    check: errorNaming('Stage', 'ds:DescribeDirectories'),
  },
  {
    rule: directoryActive,
    name: '#2 directory-active cites the Connect page: one directory per instance',
    evidence: changed(asSimpleAd),
    expect: 'PASS',
    check: (f) => expect(f.references).toContain('https://docs.aws.amazon.com/connect/latest/adminguide/directory-service.html'),
  },
];

const ldapsCases: RuleCase[] = [
  {
    rule: ldapsEnabled,
    name: '#17 LDAPS disabled on AD Connector: FAIL at medium, rationale per AWS (was high, "credentials cross unencrypted")',
    hop: HOP,
    evidence: changed((p) => {
      p.directory.ldapsSettings = ok([{ LDAPSStatus: 'Disabled' }]);
    }),
    expect: 'FAIL',
    check: (f) => {
      expect(f.severity).toBe('medium');
      expect(f.message).not.toContain('credential');
      expect(f.references).toContain('https://docs.aws.amazon.com/directoryservice/latest/admin-guide/prereq_connector.html');
      expect(ldapsEnabled.meta.rationale).toContain('Kerberos');
    },
  },
  {
    rule: ldapsEnabled,
    name: '#10 Managed AD without a trust: NOT_APPLICABLE (was FAIL with LDAPS disabled)',
    hop: HOP,
    evidence: changed((p) => {
      asManagedAd(p, []);
      p.directory.ldapsSettings = ok([{ LDAPSStatus: 'Disabled' }]);
    }),
    expect: 'NOT_APPLICABLE',
    check: (f) => expect(f.message).toContain('no trust to a self-managed domain'),
  },
  {
    rule: ldapsEnabled,
    name: '#10 Managed AD whose only trust is Deleted: NOT_APPLICABLE (was FAIL)',
    hop: HOP,
    evidence: changed((p) => {
      asManagedAd(p, [{ ...onPremTrust, TrustState: 'Deleted' }]);
      p.directory.ldapsSettings = ok([{ LDAPSStatus: 'Disabled' }]);
    }),
    expect: 'NOT_APPLICABLE',
  },
  {
    rule: ldapsEnabled,
    name: '#10 Managed AD with a trust and LDAPS disabled: FAIL naming the trust',
    hop: HOP,
    evidence: changed((p) => {
      asManagedAd(p, [onPremTrust]);
      p.directory.ldapsSettings = ok([{ LDAPSStatus: 'Disabled' }]);
    }),
    expect: 'FAIL',
    check: (f) => expect(f.evidence.trusts).toEqual([expect.objectContaining({ remoteDomainName: 'corp.example.com' })]),
  },
  {
    rule: ldapsEnabled,
    name: '#10 Managed AD with a trust and LDAPS enabled: PASS',
    hop: HOP,
    evidence: changed((p) => asManagedAd(p, [onPremTrust])),
    expect: 'PASS',
  },
  {
    rule: ldapsEnabled,
    name: '#10 Managed AD, DescribeTrusts denied: ERROR granting ds:DescribeTrusts (was PASS)',
    hop: HOP,
    evidence: changed((p) => {
      asManagedAd(p, undefined);
      p.directory.trusts = failed('AccessDeniedException', 400);
    }),
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('grant ds:DescribeTrusts'),
  },
  {
    rule: ldapsEnabled,
    name: '#10 Managed AD, trusts not collected: ERROR naming ds:DescribeTrusts (was PASS)',
    hop: HOP,
    evidence: changed((p) => asManagedAd(p, undefined)),
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('ds:DescribeTrusts failed with NotCollected'),
  },
  {
    rule: ldapsEnabled,
    name: '#10 shared Managed AD without a directory record: ERROR naming ds:DescribeTrusts (was ERROR naming LDAPS only)',
    hop: HOP,
    evidence: changed((p) => {
      p.directoryDescription.Type = 'SharedMicrosoftAD';
      delete p.region.directories[DIRECTORY_ID];
    }),
    expect: 'ERROR',
    check: (f) => expect(f.evidence).toMatchObject({ operation: 'ds:DescribeTrusts', errorCode: 'NotCollected' }),
  },
  {
    rule: ldapsEnabled,
    name: '#10 Simple AD (no directory record): NOT_APPLICABLE, no self-managed domain (was ERROR)',
    hop: HOP,
    evidence: changed(asSimpleAd),
    expect: 'NOT_APPLICABLE',
    check: (f) => expect(f.message).toContain('Simple AD'),
  },
  {
    rule: ldapsEnabled,
    name: '§11 LDAPS settings entry without LDAPSStatus: ERROR naming the field (was FAIL "unknown")',
    hop: HOP,
    evidence: changed((p) => {
      p.directory.ldapsSettings = ok([{ LastUpdatedDateTime: '2026-01-01T00:00:00.000Z' }]);
    }),
    expect: 'ERROR',
    check: errorNaming('LDAPSStatus', 'ds:DescribeLDAPSSettings'),
  },
  {
    rule: ldapsCertificates,
    name: '#21 certificate without ExpiryDateTime: ERROR naming ds:ListCertificates and the field (was FAIL)',
    hop: HOP,
    evidence: changed((p) => {
      p.directory.certificates = ok([{ CertificateId: 'c-1', CommonName: 'corp-ca', State: 'Registered', Type: 'ClientLDAPS' }]);
    }),
    expect: 'ERROR',
    check: (f) => {
      errorNaming('ExpiryDateTime', 'ds:ListCertificates')(f);
      expect(f.message).toContain('corp-ca has no valid ExpiryDateTime');
    },
  },
  {
    rule: ldapsCertificates,
    name: '#21 an expired certificate beside one of unknown expiry: FAIL',
    hop: HOP,
    evidence: changed((p) => {
      p.directory.certificates = ok([
        { CertificateId: 'c-1', CommonName: 'old-ca', State: 'Registered', Type: 'ClientLDAPS', ExpiryDateTime: '2026-01-01T00:00:00.000Z' },
        { CertificateId: 'c-2', CommonName: 'odd-ca', State: 'Registered', Type: 'ClientLDAPS', ExpiryDateTime: 'soon' },
      ]);
    }),
    expect: 'FAIL',
  },
  {
    rule: ldapsCertificates,
    name: '#21 LDAPS disabled and no certificate: NOT_APPLICABLE pointing at the LDAPS rule (was a duplicate FAIL)',
    hop: HOP,
    evidence: changed((p) => {
      p.directory.ldapsSettings = ok([{ LDAPSStatus: 'Disabled' }]);
      p.directory.certificates = ok([]);
    }),
    expect: 'NOT_APPLICABLE',
    check: (f) => expect(f.message).toContain('directory-client-ldaps-enabled'),
  },
  {
    rule: ldapsCertificates,
    name: '#21 LDAPS enabled and no certificate: FAIL',
    hop: HOP,
    evidence: changed((p) => {
      p.directory.certificates = ok([]);
    }),
    expect: 'FAIL',
  },
  {
    rule: ldapsCertificates,
    name: '#21 LDAPS status unreadable: ERROR naming ds:DescribeLDAPSSettings (was PASS on the certificate alone)',
    hop: HOP,
    evidence: changed((p) => {
      p.directory.ldapsSettings = failed('AccessDeniedException', 400);
    }),
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('grant ds:DescribeLDAPSSettings'),
  },
  {
    rule: ldapsCertificates,
    name: '§11 certificate without State: ERROR naming the field (was ignored, PASS with another valid one)',
    hop: HOP,
    evidence: changed((p) => {
      p.directory.certificates = ok([
        { CertificateId: 'c-1', CommonName: 'corp-ca', State: 'Registered', Type: 'ClientLDAPS', ExpiryDateTime: '2028-01-01T00:00:00.000Z' },
        { CertificateId: 'c-2', CommonName: 'other-ca', Type: 'ClientLDAPS', ExpiryDateTime: '2026-12-01T00:00:00.000Z' },
      ]);
    }),
    expect: 'ERROR',
    check: errorNaming('State', 'ds:ListCertificates'),
  },
  {
    rule: ldapsCertificates,
    name: '#10 Managed AD without a trust: certificates NOT_APPLICABLE (was FAIL "no registered certificate")',
    hop: HOP,
    evidence: changed((p) => {
      asManagedAd(p, []);
      p.directory.certificates = ok([]);
    }),
    expect: 'NOT_APPLICABLE',
  },
  {
    rule: ldapsCertificates,
    name: '#10 Simple AD: certificates NOT_APPLICABLE (was ERROR)',
    hop: HOP,
    evidence: changed(asSimpleAd),
    expect: 'NOT_APPLICABLE',
  },
];

const radiusCases: RuleCase[] = [
  {
    rule: radiusMfa,
    name: '#11 RADIUS Completed with PAP: PASS, protocol recorded (was FAIL "instead of MS-CHAPv2")',
    hop: HOP,
    evidence: changed((p) => {
      (p.directoryDescription.RadiusSettings as Record<string, unknown>).AuthenticationProtocol = 'PAP';
    }),
    expect: 'PASS',
    check: (f) => {
      expect(f.ruleId).toBe('directory-radius-mfa');
      expect(f.evidence).toMatchObject({ radiusStatus: 'Completed', authenticationProtocol: 'PAP' });
      expect(f.title).not.toContain('MS-CHAP');
    },
  },
  {
    rule: radiusMfa,
    name: '#11 RADIUS Completed, protocol not reported: PASS (was FAIL)',
    hop: HOP,
    evidence: changed((p) => {
      delete (p.directoryDescription.RadiusSettings as Record<string, unknown>).AuthenticationProtocol;
    }),
    expect: 'PASS',
    check: (f) => expect(f.evidence.authenticationProtocol).toBeNull(),
  },
  {
    rule: radiusMfa,
    name: '#11 RADIUS still Creating: FAIL',
    hop: HOP,
    evidence: changed((p) => {
      p.directoryDescription.RadiusStatus = 'Creating';
    }),
    expect: 'FAIL',
  },
  {
    rule: radiusMfa,
    name: '§11 RadiusSettings without RadiusStatus: ERROR naming the field (was FAIL)',
    hop: HOP,
    evidence: changed((p) => {
      delete p.directoryDescription.RadiusStatus;
    }),
    expect: 'ERROR',
    check: errorNaming('RadiusStatus', 'ds:DescribeDirectories'),
  },
  {
    rule: radiusMfa,
    name: '#11 Simple AD: FAIL, MFA unsupported, remediation names a new instance (was ERROR)',
    hop: HOP,
    evidence: changed(asSimpleAd),
    expect: 'FAIL',
    check: (f) => {
      expect(f.message).toContain('does not support multi-factor authentication');
      expect(f.remediation).toContain('new instance');
    },
  },
  {
    rule: radiusMfa,
    name: "#11 shared Managed AD: the owner directory's Completed RADIUS counts, PASS (was FAIL)",
    hop: HOP,
    evidence: changed((p) => {
      p.directoryDescription.Type = 'SharedMicrosoftAD';
      delete p.directoryDescription.RadiusSettings;
      delete p.directoryDescription.RadiusStatus;
      p.directoryDescription.OwnerDirectoryDescription = { DirectoryId: 'd-9999999999', AccountId: '444455556666', RadiusSettings: { AuthenticationProtocol: 'MS-CHAPv1' }, RadiusStatus: 'Completed' };
    }),
    expect: 'PASS',
    check: (f) => expect(f.evidence).toMatchObject({ readFrom: 'owner directory', authenticationProtocol: 'MS-CHAPv1' }),
  },
];

const settingsCases: RuleCase[] = [
  {
    rule: managedAdSecureProtocols,
    name: '#14 TLS 1.1 not listed, the listed ones disabled: PASS, unlisted recorded (was FAIL "does not report")',
    hop: HOP,
    evidence: settings([disabled('TLS_1_0'), disabled('RC4_128_128', 'Cipher')]),
    expect: 'PASS',
    check: (f) => {
      expect(f.evidence.notListedWeakSettings).toContain('TLS_1_1');
      expect(f.message).toContain('not listed');
    },
  },
  {
    rule: managedAdSecureProtocols,
    name: '#14 RC4 enabled with no Type given: FAIL (was PASS, ciphers needed a Type)',
    hop: HOP,
    evidence: settings([disabled('TLS_1_0'), { Name: 'RC4_128_128', AppliedValue: 'Enable' }]),
    expect: 'FAIL',
    check: (f) => {
      expect(f.message).toContain('RC4_128_128');
      expect(f.remediation).toContain('"Name=RC4_128_128,Value=Disable"');
    },
  },
  {
    rule: managedAdSecureProtocols,
    name: '#14 Triple DES and SSL 3.0 enabled: FAIL naming both',
    hop: HOP,
    evidence: settings([{ ...disabled('SSL_3_0'), AppliedValue: 'Enable' }, { ...disabled('3DES_168_168', 'Cipher'), AppliedValue: 'Enable' }, disabled('AES_128_128', 'Cipher')]),
    expect: 'FAIL',
    check: (f) => expect(f.evidence.enabledWeakSettings).toEqual(['SSL_3_0', '3DES_168_168']),
  },
  {
    rule: managedAdSecureProtocols,
    name: '#14 weak setting without AppliedValue: ERROR naming the field (was PASS)',
    hop: HOP,
    evidence: settings([{ Type: 'Protocol', Name: 'TLS_1_0', RequestStatus: 'Default' }, disabled('TLS_1_1')]),
    expect: 'ERROR',
    check: errorNaming('AppliedValue', 'ds:DescribeSettings'),
  },
  {
    rule: managedAdSecureProtocols,
    name: '#14 weak setting Disable with RequestStatus Failed: ERROR (was PASS)',
    hop: HOP,
    evidence: settings([{ ...disabled('TLS_1_0'), RequestStatus: 'Failed' }, disabled('TLS_1_1')]),
    expect: 'ERROR',
    check: (f) => expect(f.message).toContain('RequestStatus Failed'),
  },
  {
    rule: managedAdSecureProtocols,
    name: '#14 weak setting Enable with RequestStatus Failed: FAIL (AWS keeps the applied value)',
    hop: HOP,
    evidence: settings([{ ...disabled('TLS_1_0'), AppliedValue: 'Enable', RequestedValue: 'Disable', RequestStatus: 'Failed' }]),
    expect: 'FAIL',
  },
  {
    rule: managedAdSecureProtocols,
    name: '#14 AppliedValue outside AllowedValues: ERROR (was PASS)',
    hop: HOP,
    evidence: settings([{ ...disabled('TLS_1_0'), AppliedValue: 'Default' }]),
    expect: 'ERROR',
    check: (f) => expect(f.evidence).toMatchObject({ field: 'AppliedValue', errorCode: 'InvalidField' }),
  },
  {
    rule: managedAdSecureProtocols,
    name: '#14 no legacy setting listed at all: ERROR, nothing judged (was FAIL)',
    hop: HOP,
    evidence: settings([disabled('AES_256_256', 'Cipher')]),
    expect: 'ERROR',
  },
  {
    rule: managedAdSecureProtocols,
    name: '§11 setting entry without Name: ERROR (was ignored)',
    hop: HOP,
    evidence: settings([disabled('TLS_1_0'), { Type: 'Protocol', AppliedValue: 'Enable' }]),
    expect: 'ERROR',
    check: errorNaming('Name', 'ds:DescribeSettings'),
  },
  {
    rule: managedAdSecureProtocols,
    name: '#14 a name with a slash is the documented setting: RC4_128/128 disabled, PASS',
    hop: HOP,
    evidence: settings([disabled('TLS_1_0'), disabled('RC4_128/128', 'Cipher')]),
    expect: 'PASS',
    check: (f) => {
      expect(f.evidence.notListedWeakSettings).not.toContain('RC4_128_128');
      expect(f.evidence.notListedWeakSettings).toContain('RC4_64_128');
    },
  },
  {
    rule: managedAdSecureProtocols,
    name: '#14 a weak-family name AWS might add (Triple DES 168) enabled: FAIL',
    hop: HOP,
    evidence: settings([disabled('TLS_1_0'), { ...disabled('Triple DES 168', 'Cipher'), AppliedValue: 'Enable' }]),
    expect: 'FAIL',
  },
  {
    rule: managedAdSecureProtocols,
    name: '#2 Simple AD: settings NOT_APPLICABLE (was ERROR, not a candidate)',
    hop: HOP,
    evidence: changed(asSimpleAd),
    expect: 'NOT_APPLICABLE',
  },
];

export const accuracyDirectoryCases: RuleCase[] = [...resolutionCases, ...ldapsCases, ...radiusCases, ...settingsCases];
