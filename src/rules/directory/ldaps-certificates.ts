import { CERTIFICATE_MANAGEMENT } from '../frameworks.js';
import { judgeDirectory } from '../lib/directory.js';
import { callErrorOutcome, outcome, readCall } from '../lib/outcomes.js';
import type { Rule } from '../types.js';

const HOP = 'auth.ad-connector-to-active-directory';
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

export const ldapsCertificates: Rule = {
  meta: {
    id: 'directory-ldaps-certificate-valid',
    title: 'Registered LDAPS certificates are valid for at least 30 more days',
    hops: [HOP],
    severity: 'medium',
    rationale: 'When the registered CA certificate expires, LDAPS binds fail and agents cannot log in; 30 days leaves time to rotate it.',
    evidenceUsed: ['ds:ListCertificates'],
    remediation: {
      summary: 'Register a renewed certificate before the current one expires, then deregister the old one.',
      console: ['Open the AWS Directory Service console, choose the directory, then Networking & security › Client-side LDAPS.', 'Register the renewed certificate, then deregister the expiring one.'],
      cli: 'aws ds register-certificate --directory-id <directory-id> --certificate-data file://renewed-ca.pem',
    },
    references: ['https://docs.aws.amazon.com/directoryservice/latest/admin-guide/ad_connector_ldap_client_side.html'],
    compliance: CERTIFICATE_MANAGEMENT,
  },
  evaluate(ctx) {
    return judgeDirectory(ctx, HOP, ({ directory, evidence, resource }) => {
      const subject = `the certificates of directory ${directory.DirectoryId}`;
      const read = readCall(evidence?.certificates, (error) => callErrorOutcome(HOP, resource, 'ds:ListCertificates', error, subject));
      if (!read.ok) return read.outcome;
      const registered = (read.value ?? []).filter((c) => c.State === 'Registered' && (c.Type ?? 'ClientLDAPS') === 'ClientLDAPS');
      const certificates = registered.map((c) => {
        const expiry = c.ExpiryDateTime ? Date.parse(c.ExpiryDateTime) : Number.NaN;
        const daysLeft = Number.isNaN(expiry) ? null : Math.floor((expiry - ctx.now.getTime()) / DAY_MS);
        return { certificateId: c.CertificateId ?? null, commonName: c.CommonName ?? null, expiry: c.ExpiryDateTime ?? null, daysLeft };
      });
      const facts = { certificates, warningDays: EXPIRY_WARNING_DAYS };
      if (certificates.length === 0) return outcome(HOP, 'FAIL', resource, `Directory ${directory.DirectoryId} has no registered LDAPS certificate.`, facts);
      const expired = certificates.filter((c) => c.daysLeft !== null && c.daysLeft < 0);
      const expiring = certificates.filter((c) => c.daysLeft === null || (c.daysLeft >= 0 && c.daysLeft < EXPIRY_WARNING_DAYS));
      if (expired.length > 0) {
        return outcome(HOP, 'FAIL', resource, `LDAPS certificate ${expired.map((c) => c.commonName ?? c.certificateId).join(', ')} of directory ${directory.DirectoryId} has expired.`, facts);
      }
      if (expiring.length > 0) {
        const list = expiring.map((c) => `${c.commonName ?? c.certificateId} (${c.daysLeft === null ? 'unknown expiry' : `${c.daysLeft} days left`})`).join(', ');
        return outcome(HOP, 'FAIL', resource, `LDAPS certificate ${list} of directory ${directory.DirectoryId} expires within ${EXPIRY_WARNING_DAYS} days.`, facts);
      }
      const soonest = Math.min(...certificates.map((c) => c.daysLeft ?? 0));
      return outcome(HOP, 'PASS', resource, `All ${certificates.length} registered LDAPS certificates of directory ${directory.DirectoryId} are valid for ${soonest} more days or longer.`, facts);
    });
  },
};
