/**
 * test/fixtures/iac/terraform/destroy-replace: after apply the recordings go to the new bucket
 * acme-recordings-v2 (SSE-KMS under the existing key, no bucket key, no policy, S3's defaults for the
 * rest); acme-recordings-v1 and acme-archive are gone.
 */
import { bucket, connectGrant, connectServiceRole, customerKey, deployment, instance, keyArnOf, s3Config, type PlanCase } from './aws.js';

const account = '777788889999';
const region = 'ca-central-1';

function deployed() {
  const key = { account, region, keyId: 'ffff2222-3333-4444-8555-666677778888' };
  const keyArn = keyArnOf(key);
  const serviceRole = connectServiceRole(account, 'abc123');
  const name = 'acme-recordings-v2';
  return deployment({
    account,
    region,
    instances: [
      instance({
        id: 'f6a7b8c9-0123-45ab-cdef-666666666666',
        alias: 'acme-replace',
        account,
        region,
        serviceRole,
        storage: { CALL_RECORDINGS: [s3Config('2222222222222222222222222222222222222222222222222222222222222222', name, 'calls', keyArn)] },
      }),
    ],
    buckets: { [name]: bucket(name, { account, region, kmsKey: keyArn }) },
    keys: [customerKey({ ...key, description: 'recordings', rotation: true, grants: [connectGrant(keyArn, account, serviceRole, 'g-calls')] })],
  });
}

export const terraformDestroyReplace: PlanCase = { name: 'terraform destroy-replace', account, region, plan: ['--terraform-plan', 'test/fixtures/iac/terraform/destroy-replace/plan.json'], deployed };
