import type { DirectoryDescription } from '../../evidence/model.js';
import { AUTHENTICATION } from '../frameworks.js';
import { directoryKind, fieldErrorOutcome, judgeDirectory } from '../lib/directory.js';
import { outcome } from '../lib/outcomes.js';
import type { Rule } from '../types.js';

const HOP = 'auth.ad-connector-to-active-directory';

interface RadiusView {
  settings: DirectoryDescription['RadiusSettings'];
  status: string | undefined;
  /** Where the values come from: a shared directory reports its owner's MFA in OwnerDirectoryDescription. */
  source: 'directory' | 'owner directory';
}

function radiusOf(directory: DirectoryDescription): RadiusView {
  const owner = directory.OwnerDirectoryDescription;
  if (directory.Type === 'SharedMicrosoftAD' && typeof owner === 'object' && owner !== null) {
    const o = owner as { RadiusSettings?: DirectoryDescription['RadiusSettings']; RadiusStatus?: unknown };
    if (o.RadiusSettings !== undefined || o.RadiusStatus !== undefined) {
      return { settings: o.RadiusSettings, status: typeof o.RadiusStatus === 'string' ? o.RadiusStatus : undefined, source: 'owner directory' };
    }
  }
  return { settings: directory.RadiusSettings, status: directory.RadiusStatus, source: 'directory' };
}

export const radiusMfa: Rule = {
  meta: {
    id: 'directory-radius-mfa',
    title: 'RADIUS multi-factor authentication is enabled on the directory',
    hops: [HOP],
    severity: 'medium',
    rationale:
      'A password alone protects agent access to customer conversations; Amazon Connect recommends MFA through a SAML identity provider or a RADIUS server, and the directory adds the RADIUS factor once its RadiusStatus is Completed. ' +
      'AWS asks for the protocol your RADIUS server was set up with and states no preferred one, so the protocol is recorded in the evidence rather than judged (MS-CHAPv2 has a published break, so keep the RADIUS path itself private). Simple AD does not support MFA.',
    evidenceUsed: ['ds:DescribeDirectories'],
    decidedBy: ['radius_servers', 'radius_settings', 'type', 'Type'],
    remediation: {
      summary: 'Enable multi-factor authentication on the directory with your RADIUS server, using the protocol that server is configured for.',
      console: [
        'Open the AWS Directory Service console, choose the directory, then Networking & security › Multi-factor authentication › Actions › Enable.',
        'Enter the RADIUS servers, port, shared secret and the protocol your RADIUS server uses; MFA is in effect when the RADIUS status is Completed.',
      ],
      cli: 'aws ds enable-radius --directory-id <directory-id> --radius-settings RadiusServers=10.0.0.10,RadiusPort=1812,RadiusTimeout=5,RadiusRetries=3,SharedSecret=<secret>,AuthenticationProtocol=<protocol-of-your-radius-server>,DisplayLabel=MFA,UseSameUsername=true',
    },
    references: [
      // "Select the protocol that was specified when your RADIUS endpoints were created": no protocol is preferred.
      'https://docs.aws.amazon.com/directoryservice/latest/admin-guide/ad_connector_mfa.html',
      'https://docs.aws.amazon.com/directoryservice/latest/admin-guide/ms_ad_mfa.html',
      // RadiusStatus: "The status of the RADIUS MFA server connection" (Creating | Completed | Failed).
      'https://docs.aws.amazon.com/directoryservice/latest/devguide/API_DirectoryDescription.html',
      // "Simple AD does not support features such as multi-factor authentication (MFA)".
      'https://docs.aws.amazon.com/directoryservice/latest/admin-guide/directory_simple_ad.html',
      'https://docs.aws.amazon.com/connect/latest/adminguide/security-best-practices.html',
    ],
    compliance: AUTHENTICATION,
  },
  evaluate(ctx) {
    return judgeDirectory(ctx, HOP, ({ directory, resource }) => {
      const id = directory.DirectoryId;
      if (directoryKind(directory) === 'simple-ad') {
        return {
          ...outcome(HOP, 'FAIL', resource, `Directory ${id} is Simple AD, which does not support multi-factor authentication: agents log in with a password alone.`, { type: directory.Type, mfaSupported: false }),
          remediation:
            'Simple AD cannot add MFA, and a Connect instance cannot change its directory: create the contact centre on a new instance linked to AD Connector or AWS Managed Microsoft AD with RADIUS MFA, or using SAML with an identity provider that enforces MFA.',
        };
      }
      const radius = radiusOf(directory);
      const facts = { type: directory.Type ?? null, radiusStatus: radius.status ?? null, authenticationProtocol: radius.settings?.AuthenticationProtocol ?? null, readFrom: radius.source };
      if (radius.settings === undefined && radius.status === undefined) return outcome(HOP, 'FAIL', resource, `Directory ${id} has no RADIUS multi-factor authentication.`, facts);
      if (radius.status === undefined) {
        const result = fieldErrorOutcome(HOP, resource, 'ds:DescribeDirectories', { code: 'MissingField', field: 'RadiusStatus', detail: `the ${radius.source} has RadiusSettings but no RadiusStatus` }, `the RADIUS MFA status of directory ${id}`);
        return { ...result, evidence: { ...facts, ...result.evidence } };
      }
      if (radius.status !== 'Completed') return outcome(HOP, 'FAIL', resource, `RADIUS multi-factor authentication on directory ${id} is ${radius.status}, not Completed.`, facts);
      const protocol = radius.settings?.AuthenticationProtocol;
      return outcome(HOP, 'PASS', resource, `Directory ${id} requires RADIUS multi-factor authentication (${protocol ? `protocol ${protocol}` : 'protocol not reported'}).`, facts);
    });
  },
};
