import { NETWORK_PATHS_DOC } from '../../paths/hops.js';
import { ENCRYPTION_IN_TRANSIT } from '../frameworks.js';
import { clientLdapsScope, clientLdapsState, judgeDirectory } from '../lib/directory.js';
import { outcome } from '../lib/outcomes.js';
import type { Rule } from '../types.js';

const HOP = 'auth.ad-connector-to-active-directory';

export const ldapsEnabled: Rule = {
  meta: {
    id: 'directory-client-ldaps-enabled',
    title: 'Client-side LDAPS is enabled between the directory and the self-managed Active Directory',
    hops: [HOP],
    // AWS: credentials do not cross in clear text (Kerberos); LDAPS protects the identity data of the lookups.
    severity: 'medium',
    rationale:
      'AWS documents that AD Connector authenticates with Kerberos and uses LDAP only for user and group object lookups (read operations), with no credentials passed in clear text. ' +
      "Client-side LDAPS encrypts those LDAP communications between your Active Directory and AWS applications, which AWS says helps protect your organization's identity data (user and group attributes). " +
      'For AWS Managed Microsoft AD it applies to the self-managed domain reached over a trust; Simple AD has none.',
    evidenceUsed: ['ds:DescribeDirectories', 'ds:DescribeTrusts', 'ds:DescribeLDAPSSettings'],
    decidedBy: ['type', 'Type'],
    remediation: {
      summary: "Register the domain controllers' CA certificate and enable client-side LDAPS on the directory.",
      console: ['Open the AWS Directory Service console and choose the directory.', 'Under Networking & security › Client-side LDAPS, register the CA certificate, then choose Enable.'],
      cli: 'aws ds register-certificate --directory-id <directory-id> --certificate-data file://ca.pem && aws ds enable-ldaps --directory-id <directory-id> --type Client',
    },
    references: [
      // "AD Connector uses Kerberos for authentication ... LDAP is only used for user and group object lookups (read operations)."
      'https://docs.aws.amazon.com/directoryservice/latest/admin-guide/prereq_connector.html',
      'https://docs.aws.amazon.com/directoryservice/latest/admin-guide/ad_connector_ldap_client_side.html',
      // On Managed Microsoft AD it encrypts traffic to a self-managed AD; a trust to it is the first prerequisite.
      'https://docs.aws.amazon.com/directoryservice/latest/admin-guide/ms_ad_ldap_client_side.html',
      // "Simple AD does not support features such as multi-factor authentication (MFA), trust relationships with other domains".
      'https://docs.aws.amazon.com/directoryservice/latest/admin-guide/directory_simple_ad.html',
      NETWORK_PATHS_DOC,
    ],
    compliance: ENCRYPTION_IN_TRANSIT,
  },
  evaluate(ctx) {
    return judgeDirectory(ctx, HOP, (resolved) => {
      const { directory, resource } = resolved;
      const scope = clientLdapsScope(HOP, resolved);
      if (!scope.applies) return scope.outcome;
      const state = clientLdapsState(HOP, resolved);
      if (!state.known) return state.outcome;
      const facts = { ...scope.facts, ldapsStatus: state.statuses, supported: state.supported };
      if (state.enabled) return outcome(HOP, 'PASS', resource, `Client-side LDAPS is enabled on directory ${directory.DirectoryId}.`, facts);
      const status = !state.supported ? 'not supported by this directory' : state.statuses.length > 0 ? state.statuses.join(', ') : 'not configured';
      return outcome(HOP, 'FAIL', resource, `Client-side LDAPS is ${status} on directory ${directory.DirectoryId}: its LDAP lookups of users and groups reach Active Directory unencrypted.`, facts);
    });
  },
};
