import { KEY_MANAGEMENT } from '../frameworks.js';
import { grantSummary, roleIdentity } from '../lib/grants.js';
import { lookupKey } from '../lib/kms.js';
import { callErrorOutcome, instanceResource, outcome, readCall } from '../lib/outcomes.js';
import { storageTargets } from '../lib/storage.js';
import type { Outcome, Rule } from '../types.js';

export const kmsKeyGrantForConnect: Rule = {
  meta: {
    id: 'kms-key-grant-for-connect',
    title: 'The key an S3 storage config names has the grant Connect writes with',
    hops: ['voice.recording-at-rest', 'storage.*.at-rest'],
    severity: 'low',
    rationale:
      'When a KMS key is associated with an S3 storage location, Connect creates a grant on the key with the instance\'s service-linked role (Instance.ServiceRole) as grantee, and removes it when the storage config is disassociated. Without that grant Connect may be unable to encrypt recordings and transcripts with the key. Only S3 storage configs are judged: AWS documents this grant for S3 storage locations only.',
    evidenceUsed: ['connect:DescribeInstance', 'connect:ListInstanceStorageConfigs', 'kms:DescribeKey', 'kms:ListGrants'],
    remediation: {
      summary: 'Associate the key again through the Connect storage settings (the caller needs kms:CreateGrant), which recreates the grant for the instance service role.',
      console: ['Open the Amazon Connect console, choose the instance, then Data storage › Edit, and save the encryption key again.'],
      cli: 'aws connect update-instance-storage-config --instance-id <instance-id> --association-id <association-id> --resource-type <type> --storage-config file://storage-config.json',
    },
    references: ['https://docs.aws.amazon.com/connect/latest/adminguide/key-management.html', 'https://docs.aws.amazon.com/kms/latest/APIReference/API_ListGrants.html'],
    compliance: KEY_MANAGEMENT,
  },
  evaluate(ctx) {
    const outcomes: Outcome[] = [];
    const judged = new Set<string>();
    for (const { hop, resourceType, config } of storageTargets(ctx, 'at-rest', ['S3']).targets) {
      const reference = config.S3Config?.EncryptionConfig?.KeyId;
      if (!reference) continue;
      const key = lookupKey(ctx, reference, ctx.region.region);
      // Unresolved keys are reported by the key rules; a grant cannot be looked for on them.
      if (key.kind !== 'resolved' || judged.has(`${hop}|${key.resource.arn}`)) continue;
      judged.add(`${hop}|${key.resource.arn}`);
      const role = ctx.instance?.ServiceRole;
      if (!role) {
        const described = ctx.evidence.describeInstance;
        const error = described.status === 'error' ? described.error : { code: 'MissingField', message: 'DescribeInstance returned no ServiceRole' };
        outcomes.push(callErrorOutcome(hop, instanceResource(ctx), 'connect:DescribeInstance', error, 'the instance service role that Connect writes with'));
        continue;
      }
      const read = readCall(key.record.grants, (error) => callErrorOutcome(hop, key.resource, 'kms:ListGrants', error, `the grants of KMS key ${key.resource.arn}`));
      if (!read.ok) {
        outcomes.push(read.outcome);
        continue;
      }
      const wanted = roleIdentity(role) ?? role;
      const grant = (read.value ?? []).find((g) => g.GranteePrincipal === role || (g.GranteePrincipal !== undefined && roleIdentity(g.GranteePrincipal) === wanted));
      const evidence = { keyArn: key.resource.arn, serviceRole: role, resourceType, grant: grant ? grantSummary(grant) : null, grants: (read.value ?? []).length };
      outcomes.push(
        grant
          ? outcome(hop, 'PASS', key.resource, `KMS key ${key.resource.arn} has a grant to the instance service role ${role} (${(grant.Operations ?? []).join(', ') || 'no operations listed'}).`, evidence)
          : outcome(hop, 'FAIL', key.resource, `KMS key ${key.resource.arn} has no grant to the instance service role ${role}: Connect may be unable to write the ${resourceType} with this key.`, evidence),
      );
    }
    return outcomes;
  },
};
