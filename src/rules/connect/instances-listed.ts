import { DATA_FLOW_CONTROL } from '../frameworks.js';
import type { RuleMeta } from '../types.js';

/**
 * Not an instance rule: the engine reports it when an account or region could not be searched for
 * instances at all, so a run that saw nothing never passes as a run that found nothing wrong.
 */
export const instancesListedMeta: RuleMeta = {
  id: 'connect-instances-discovered',
  title: 'The Connect instances of every account and region in scope could be listed',
  hops: ['voice.agent-browser-to-connect'],
  severity: 'high',
  rationale: 'Instances that cannot be listed cannot be audited; the run reports them instead of reporting nothing.',
  evidenceUsed: ['connect:ListInstances'],
  remediation: {
    summary: 'Grant connect:ListInstances (and the assume-role permission for multi-account runs), then audit again.',
    console: ['Attach docs/iam-policy.json to the identity that runs the audit.'],
  },
  references: ['https://docs.aws.amazon.com/connect/latest/APIReference/API_ListInstances.html'],
  compliance: DATA_FLOW_CONTROL,
};
