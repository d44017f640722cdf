import { AUTHENTICATION } from '../frameworks.js';
import { judgeDirectory } from '../lib/directory.js';
import { outcome } from '../lib/outcomes.js';
import type { Rule } from '../types.js';

const HOP = 'auth.ad-connector-to-active-directory';

export const radiusMfa: Rule = {
  meta: {
    id: 'directory-radius-mfa-mschapv2',
    title: 'RADIUS multi-factor authentication is configured with MS-CHAPv2',
    hops: [HOP],
    severity: 'medium',
    rationale: 'A password alone protects agent access to customer conversations; RADIUS MFA adds a second factor, and PAP, CHAP and MS-CHAPv1 expose the RADIUS exchange to offline cracking.',
    evidenceUsed: ['ds:DescribeDirectories'],
    remediation: {
      summary: 'Enable multi-factor authentication on the directory with your RADIUS server and the MS-CHAPv2 protocol.',
      console: ['Open the AWS Directory Service console, choose the directory, then Networking & security › Multi-factor authentication › Actions › Enable.', 'Choose MS-CHAPv2 as the protocol.'],
      cli: 'aws ds enable-radius --directory-id <directory-id> --radius-settings RadiusServers=10.0.0.10,RadiusPort=1812,RadiusTimeout=5,RadiusRetries=3,SharedSecret=<secret>,AuthenticationProtocol=MS-CHAPv2,DisplayLabel=MFA,UseSameUsername=true',
    },
    references: ['https://docs.aws.amazon.com/directoryservice/latest/admin-guide/ad_connector_mfa.html'],
    compliance: AUTHENTICATION,
  },
  evaluate(ctx) {
    return judgeDirectory(ctx, HOP, ({ directory, resource }) => {
      const protocol = directory.RadiusSettings?.AuthenticationProtocol ?? null;
      const status = directory.RadiusStatus ?? null;
      const facts = { radiusStatus: status, authenticationProtocol: protocol };
      if (!directory.RadiusSettings && !status) return outcome(HOP, 'FAIL', resource, `Directory ${directory.DirectoryId} has no RADIUS multi-factor authentication.`, facts);
      if (status !== 'Completed') return outcome(HOP, 'FAIL', resource, `RADIUS multi-factor authentication on directory ${directory.DirectoryId} is ${status ?? 'not completed'}.`, facts);
      if (protocol !== 'MS-CHAPv2') return outcome(HOP, 'FAIL', resource, `RADIUS on directory ${directory.DirectoryId} uses ${protocol ?? 'an unknown protocol'} instead of MS-CHAPv2.`, facts);
      return outcome(HOP, 'PASS', resource, `Directory ${directory.DirectoryId} requires RADIUS multi-factor authentication over MS-CHAPv2.`, facts);
    });
  },
};
