import { ENCRYPTION_IN_TRANSIT } from '../frameworks.js';
import { callErrorOutcome, instanceResource, outcome } from '../lib/outcomes.js';
import type { Outcome, Rule } from '../types.js';

const HOPS = ['voice.agent-browser-to-connect', 'auth.ccp-load'] as const;

/** Why an approved origin weakens the TLS path, or undefined when it does not. */
export function originProblem(origin: string): string | undefined {
  if (origin.includes('*')) return 'contains a wildcard';
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return 'is not a valid origin';
  }
  if (url.protocol !== 'https:') return `uses ${url.protocol.replace(':', '')} instead of https`;
  return undefined;
}

export const approvedOriginsHttps: Rule = {
  meta: {
    id: 'connect-approved-origins-https',
    title: 'Approved origins that may embed the CCP are all https:// with no wildcards',
    hops: HOPS,
    severity: 'high',
    rationale:
      'A page allowed to embed the Contact Control Panel carries the agent session and OAuth ticket; an http:// origin exposes them to anyone on the network and a wildcard lets unknown sites embed it.',
    evidenceUsed: ['connect:ListApprovedOrigins'],
    decidedBy: ['origin', 'Origin'],
    remediation: {
      summary: 'Remove http:// and wildcard origins; approve only the exact https:// origins that embed the CCP.',
      console: [
        'Open the Amazon Connect console, choose the instance, then Approved origins.',
        'Delete every origin that starts with http:// or contains *.',
        'Add the exact https:// origin of each page that embeds the CCP.',
      ],
      cli: 'aws connect disassociate-approved-origin --instance-id <instance-id> --origin http://example.com',
      terraform: 'resource "aws_connect_approved_origin" "ccp" {\n  instance_id = aws_connect_instance.main.id\n  origin      = "https://agents.example.com"\n}',
    },
    references: ['https://docs.aws.amazon.com/connect/latest/adminguide/app-integration.html'],
    compliance: ENCRYPTION_IN_TRANSIT,
  },
  evaluate(ctx) {
    const resource = instanceResource(ctx);
    const call = ctx.evidence.approvedOrigins;
    if (call.status === 'error') {
      return HOPS.map((hop) => callErrorOutcome(hop, resource, 'connect:ListApprovedOrigins', call.error, 'the approved origins'));
    }
    const origins = call.status === 'ok' ? call.response : [];
    const problems = origins.flatMap((origin) => {
      const problem = originProblem(origin);
      return problem ? [{ origin, problem }] : [];
    });
    return HOPS.map((hop): Outcome => {
      if (problems.length === 0) {
        const message = origins.length === 0 ? 'No origin is approved to embed the CCP.' : `All ${origins.length} approved origins use https:// with no wildcard.`;
        return outcome(hop, 'PASS', resource, message, { origins });
      }
      const list = problems.map((p) => `${p.origin} ${p.problem}`).join('; ');
      return outcome(hop, 'FAIL', resource, `Approved origin(s) weaken TLS: ${list}.`, { origins, problems });
    });
  },
};
