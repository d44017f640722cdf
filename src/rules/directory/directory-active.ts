import { NETWORK_PATHS_DOC } from '../../paths/hops.js';
import { AUTHENTICATION } from '../frameworks.js';
import { fieldErrorOutcome, judgeDirectory } from '../lib/directory.js';
import { outcome } from '../lib/outcomes.js';
import type { Rule } from '../types.js';

const HOP = 'auth.oauth-gateway-to-ad-connector';

export const directoryActive: Rule = {
  meta: {
    id: 'directory-active',
    title: 'The directory that authenticates agents exists and is Active',
    hops: [HOP],
    severity: 'high',
    rationale:
      'The OAuth gateway sends agent logins over TLS to the directory linked to the instance (AD Connector, AWS Managed Microsoft AD or Simple AD; one directory per instance). ' +
      'A directory that is impaired, inoperable or failed cannot authenticate agents, and one that does not exist means logins go nowhere.',
    evidenceUsed: ['connect:ListInstances', 'connect:DescribeInstance', 'ds:DescribeDirectories'],
    decidedBy: ['directory_id', 'DirectoryId', 'type', 'Type'],
    remediation: {
      summary: 'Restore the directory to Active: check its StageReason, the AD Connector service account, DNS and network reachability of the domain controllers.',
      console: ['Open the AWS Directory Service console and choose the directory.', 'Read the status reason and follow the troubleshooting guide for its stage.'],
      cli: 'aws ds describe-directories --directory-ids <directory-id> --query "DirectoryDescriptions[].[Stage,StageReason]"',
    },
    references: [
      // "You can associate an AWS Directory Service directory with only one Amazon Connect instance at a time"; lists AD Connector, Managed Microsoft AD and Simple AD.
      'https://docs.aws.amazon.com/connect/latest/adminguide/directory-service.html',
      // "Some supporting services, such as User Directory, can be linked to only one Amazon Connect instance at a time."
      'https://docs.aws.amazon.com/connect/latest/adminguide/create-connect-instance.html',
      // Stage: "The current stage of the directory."
      'https://docs.aws.amazon.com/directoryservice/latest/devguide/API_DirectoryDescription.html',
      'https://docs.aws.amazon.com/directoryservice/latest/admin-guide/ad_connector_troubleshooting.html',
      NETWORK_PATHS_DOC,
    ],
    compliance: AUTHENTICATION,
  },
  evaluate(ctx) {
    return judgeDirectory(ctx, HOP, ({ directory, resource }) => {
      const evidence = { type: directory.Type ?? null, stage: directory.Stage ?? null, stageReason: directory.StageReason ?? null };
      if (directory.Stage === undefined) {
        const result = fieldErrorOutcome(HOP, resource, 'ds:DescribeDirectories', { code: 'MissingField', field: 'Stage', detail: `the DescribeDirectories answer for ${directory.DirectoryId} has no Stage` }, `the stage of directory ${directory.DirectoryId}`);
        return { ...result, evidence: { ...evidence, ...result.evidence } };
      }
      if (directory.Stage === 'Active') return outcome(HOP, 'PASS', resource, `Directory ${directory.DirectoryId} (${directory.Type ?? 'unknown type'}) is Active.`, evidence);
      const reason = directory.StageReason ? `: ${directory.StageReason}` : '';
      return outcome(HOP, 'FAIL', resource, `Directory ${directory.DirectoryId} is ${directory.Stage}, not Active${reason}.`, evidence);
    });
  },
};
