/** test/fixtures/iac/terraform/basic: an existing instance recording to an existing bucket under an existing key (a no-op plan). */
import { bucket, connectGrant, connectServiceRole, customerKey, deployment, instance, keyArnOf, s3Config, tlsPolicy, type PlanCase } from './aws.js';

const account = '111122223333';
const region = 'eu-west-2';

function deployed() {
  const key = { account, region, keyId: '1234abcd-12ab-34cd-56ef-1234567890ab' };
  const keyArn = keyArnOf(key);
  const name = 'acme-connect-recordings';
  const serviceRole = connectServiceRole(account, 'abc123');
  return deployment({
    account,
    region,
    instances: [
      instance({
        id: 'a1b2c3d4-5678-90ab-cdef-111111111111',
        alias: 'acme-contact',
        account,
        region,
        serviceRole,
        contactFlowLogs: true,
        storage: { CALL_RECORDINGS: [s3Config('assoc-rec', name, 'recordings', keyArn)] },
        flowLogGroups: [{ logGroupName: '/aws/connect/acme-contact', retentionInDays: 365, kmsKeyId: keyArn, arn: `arn:aws:logs:${region}:${account}:log-group:/aws/connect/acme-contact:*` }],
      }),
    ],
    buckets: { [name]: bucket(name, { account, region, kmsKey: keyArn, bucketKey: true, policy: tlsPolicy(name) }) },
    keys: [
      customerKey({
        ...key,
        description: 'Amazon Connect call recordings',
        policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'EnableIAMUserPermissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }] }),
        rotation: true,
        aliases: ['alias/connect-recordings'],
        grants: [connectGrant(keyArn, account, serviceRole, 'g-connect')],
      }),
    ],
  });
}

export const terraformBasic: PlanCase = { name: 'terraform basic', account, region, plan: ['--terraform-plan', 'test/fixtures/iac/terraform/basic/plan.json'], deployed };
