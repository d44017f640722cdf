/** Hops AWS operates end to end: nothing in the account can change them, so they are reported MANAGED. */
import { DOCUMENTED_HOPS, NETWORK_PATHS_DOC } from '../../paths/hops.js';
import { ENCRYPTION_IN_TRANSIT } from '../frameworks.js';
import { instanceResource, outcome } from '../lib/outcomes.js';
import type { Rule } from '../types.js';

function managedHopRule(id: string, hopId: string, title: string): Rule {
  const hop = DOCUMENTED_HOPS.find((h) => h.id === hopId);
  if (!hop) throw new Error(`unknown hop ${hopId}`);
  return {
    meta: {
      id,
      title,
      hops: [hopId],
      severity: 'info',
      rationale: `AWS protects ${hop.from} → ${hop.to} with ${hop.protection} under the shared responsibility model; no account setting changes it.`,
      evidenceUsed: [],
      remediation: { summary: 'Nothing to configure: keep the AWS documentation reference as the audit evidence.', console: [] },
      references: [NETWORK_PATHS_DOC, 'https://aws.amazon.com/compliance/shared-responsibility-model/'],
      compliance: ENCRYPTION_IN_TRANSIT,
    },
    evaluate(ctx) {
      return [
        outcome(hopId, 'MANAGED', instanceResource(ctx), `AWS protects ${hop.from} → ${hop.to} with ${hop.protection}.`, {
          protection: hop.protection,
          documentation: NETWORK_PATHS_DOC,
        }),
      ];
    },
  };
}

export const webrtcMediaManaged = managedHopRule('connect-webrtc-media-managed', 'voice.webrtc-media', 'Softphone media uses TLS signalling and SRTP audio (AWS managed)');
export const pstnCarrierManaged = managedHopRule('connect-pstn-carrier-managed', 'voice.pstn-carrier', 'Carrier connectivity is private or TLS + SRTP (AWS managed)');
export const loginTlsManaged = managedHopRule('connect-login-tls-managed', 'auth.browser-to-oauth-gateway', 'The login page is served over TLS (AWS managed)');
export const oauthTicketManaged = managedHopRule('connect-oauth-ticket-tls-managed', 'auth.oauth-ticket-to-browser', 'The OAuth ticket returns to the browser over TLS (AWS managed)');
