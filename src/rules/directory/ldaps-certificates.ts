import type { CertificateInfo } from '../../evidence/model.js';
import { CERTIFICATE_MANAGEMENT } from '../frameworks.js';
import { clientLdapsScope, clientLdapsState, fieldErrorOutcome, judgeDirectory } from '../lib/directory.js';
import { callErrorOutcome, outcome, readCall } from '../lib/outcomes.js';
import type { Rule } from '../types.js';

const HOP = 'auth.ad-connector-to-active-directory';
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

/** One certificate as judged: ignored (not a registered LDAPS CA), of unknown standing (a field is missing), or with days left. */
type Judged =
  | { standing: 'ignored' }
  | { standing: 'unknown'; field: 'State' | 'Type' | 'ExpiryDateTime'; name: string }
  | { standing: 'dated'; name: string; daysLeft: number };

function nameOf(c: CertificateInfo): string {
  return c.CommonName ?? c.CertificateId ?? 'unnamed certificate';
}

function judgeCertificate(c: CertificateInfo, now: Date): Judged {
  if (c.State === undefined) return { standing: 'unknown', field: 'State', name: nameOf(c) };
  if (c.State !== 'Registered') return { standing: 'ignored' };
  if (c.Type === undefined) return { standing: 'unknown', field: 'Type', name: nameOf(c) };
  if (c.Type !== 'ClientLDAPS') return { standing: 'ignored' };
  const expiry = c.ExpiryDateTime === undefined ? Number.NaN : Date.parse(c.ExpiryDateTime);
  if (Number.isNaN(expiry)) return { standing: 'unknown', field: 'ExpiryDateTime', name: nameOf(c) };
  return { standing: 'dated', name: nameOf(c), daysLeft: Math.floor((expiry - now.getTime()) / DAY_MS) };
}

export const ldapsCertificates: Rule = {
  meta: {
    id: 'directory-ldaps-certificate-valid',
    title: 'Registered LDAPS certificates are valid for at least 30 more days',
    hops: [HOP],
    severity: 'medium',
    rationale:
      "With client-side LDAPS on, AWS sends the directory's LDAP traffic only over TCP port 636, with no fallback to port 389, and matches the domain controllers' certificates against the registered CA certificate: " +
      'once that expires, the lookups behind agent logins fail. 30 days leaves time to rotate it. Judged only where client-side LDAPS is enabled.',
    evidenceUsed: ['ds:DescribeDirectories', 'ds:DescribeTrusts', 'ds:DescribeLDAPSSettings', 'ds:ListCertificates'],
    decidedBy: ['type', 'Type'],
    remediation: {
      summary: 'Register a renewed certificate before the current one expires, then deregister the old one.',
      console: ['Open the AWS Directory Service console, choose the directory, then Networking & security › Client-side LDAPS.', 'Register the renewed certificate, then deregister the expiring one.'],
      cli: 'aws ds register-certificate --directory-id <directory-id> --certificate-data file://renewed-ca.pem',
    },
    references: [
      // Client-side LDAPS needs a registered CA certificate; AD Connector and Managed Microsoft AD (with a trust) alike.
      'https://docs.aws.amazon.com/directoryservice/latest/admin-guide/ad_connector_ldap_client_side.html',
      'https://docs.aws.amazon.com/directoryservice/latest/admin-guide/ms_ad_ldap_client_side.html',
      // CertificateInfo.ExpiryDateTime: "The date and time when the certificate will expire" (Required: No, so a missing one is ERROR).
      'https://docs.aws.amazon.com/directoryservice/latest/devguide/API_CertificateInfo.html',
    ],
    compliance: CERTIFICATE_MANAGEMENT,
  },
  evaluate(ctx) {
    return judgeDirectory(ctx, HOP, (resolved) => {
      const { directory, evidence, resource } = resolved;
      const scope = clientLdapsScope(HOP, resolved);
      if (!scope.applies) return scope.outcome;
      const state = clientLdapsState(HOP, resolved);
      if (!state.known) return state.outcome;
      // With LDAPS off there is nothing to judge: directory-client-ldaps-enabled reports it, once.
      if (!state.enabled) {
        return outcome(HOP, 'NOT_APPLICABLE', resource, `Client-side LDAPS is not enabled on directory ${directory.DirectoryId} (see directory-client-ldaps-enabled), so no LDAPS certificate is in use.`, { ...scope.facts, ldapsStatus: state.statuses, reason: 'ldaps-not-enabled' });
      }
      const subject = `the certificates of directory ${directory.DirectoryId}`;
      const read = readCall(evidence?.certificates, (error) => callErrorOutcome(HOP, resource, 'ds:ListCertificates', error, subject));
      if (!read.ok) return read.outcome;
      const judged = (read.value ?? []).map((c) => judgeCertificate(c, ctx.now));
      const dated = judged.filter((j): j is Extract<Judged, { standing: 'dated' }> => j.standing === 'dated');
      const unknown = judged.filter((j): j is Extract<Judged, { standing: 'unknown' }> => j.standing === 'unknown');
      const facts = {
        ...scope.facts,
        ldapsStatus: state.statuses,
        certificates: dated.map((c) => ({ name: c.name, daysLeft: c.daysLeft })),
        unjudgedCertificates: unknown.map((c) => ({ name: c.name, missingField: c.field })),
        warningDays: EXPIRY_WARNING_DAYS,
      };
      const expired = dated.filter((c) => c.daysLeft < 0);
      if (expired.length > 0) return outcome(HOP, 'FAIL', resource, `LDAPS certificate ${expired.map((c) => c.name).join(', ')} of directory ${directory.DirectoryId} has expired.`, facts);
      const expiring = dated.filter((c) => c.daysLeft < EXPIRY_WARNING_DAYS);
      if (expiring.length > 0) {
        const list = expiring.map((c) => `${c.name} (${c.daysLeft} days left)`).join(', ');
        return outcome(HOP, 'FAIL', resource, `LDAPS certificate ${list} of directory ${directory.DirectoryId} expires within ${EXPIRY_WARNING_DAYS} days.`, facts);
      }
      const first = unknown[0];
      if (first) {
        const detail = unknown.map((c) => `certificate ${c.name} has no valid ${c.field}`).join('; ');
        const result = fieldErrorOutcome(HOP, resource, 'ds:ListCertificates', { code: 'MissingField', field: first.field, detail }, subject);
        return { ...result, evidence: { ...facts, ...result.evidence } };
      }
      if (dated.length === 0) return outcome(HOP, 'FAIL', resource, `Client-side LDAPS is enabled on directory ${directory.DirectoryId} but no LDAPS CA certificate is registered.`, facts);
      const soonest = Math.min(...dated.map((c) => c.daysLeft));
      return outcome(HOP, 'PASS', resource, `All ${dated.length} registered LDAPS certificates of directory ${directory.DirectoryId} are valid for ${soonest} more days or longer.`, facts);
    });
  },
};
