import { NETWORK_PATHS_DOC } from '../../paths/hops.js';
import { ENCRYPTION_IN_TRANSIT } from '../frameworks.js';
import { judgeDirectory } from '../lib/directory.js';
import { callErrorOutcome, outcome, readCall } from '../lib/outcomes.js';
import type { Rule } from '../types.js';

const HOP = 'auth.ad-connector-to-active-directory';

export const ldapsEnabled: Rule = {
  meta: {
    id: 'directory-client-ldaps-enabled',
    title: 'Client-side LDAPS is enabled between AD Connector and Active Directory',
    hops: [HOP],
    severity: 'high',
    rationale: 'AD Connector authenticates agents with LDAP; without client-side LDAPS the bind, including credentials, crosses the network unencrypted.',
    evidenceUsed: ['ds:DescribeLDAPSSettings'],
    remediation: {
      summary: 'Register the domain controllers\' CA certificate and enable client-side LDAPS on the directory.',
      console: ['Open the AWS Directory Service console and choose the directory.', 'Under Networking & security › Client-side LDAPS, register the CA certificate, then choose Enable.'],
      cli: 'aws ds register-certificate --directory-id <directory-id> --certificate-data file://ca.pem && aws ds enable-ldaps --directory-id <directory-id> --type Client',
    },
    references: ['https://docs.aws.amazon.com/directoryservice/latest/admin-guide/ad_connector_ldap_client_side.html', NETWORK_PATHS_DOC],
    compliance: ENCRYPTION_IN_TRANSIT,
  },
  evaluate(ctx) {
    return judgeDirectory(ctx, HOP, ({ directory, evidence, resource }) => {
      const subject = `the LDAPS settings of directory ${directory.DirectoryId}`;
      const read = readCall(evidence?.ldapsSettings, (error) => callErrorOutcome(HOP, resource, 'ds:DescribeLDAPSSettings', error, subject));
      if (!read.ok) return read.outcome;
      const statuses = (read.value ?? []).map((s) => s.LDAPSStatus ?? 'unknown');
      const facts = { ldapsStatus: statuses, supported: read.value !== undefined };
      if (statuses.includes('Enabled')) return outcome(HOP, 'PASS', resource, `Client-side LDAPS is enabled on directory ${directory.DirectoryId}.`, facts);
      const state = read.value === undefined ? 'not supported by this directory type' : statuses.length > 0 ? statuses.join(', ') : 'not configured';
      return outcome(HOP, 'FAIL', resource, `Client-side LDAPS is ${state} on directory ${directory.DirectoryId}: agent logins reach Active Directory over plain LDAP.`, facts);
    });
  },
};
