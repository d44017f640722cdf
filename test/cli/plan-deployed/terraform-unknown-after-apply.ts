/**
 * test/fixtures/iac/terraform/unknown-after-apply: the values the plan knows only after apply, as AWS
 * assigns them — bucket names from bucket_prefix (Terraform appends a timestamp and a counter), the new
 * key's id, the stream's ARN — and the policy texts once the ARNs are in them.
 */
import { bucket, connectGrant, connectServiceRole, customerKey, deployment, instance, keyArnOf, kinesisStream, s3Config, type PlanCase } from './aws.js';

const account = '444455556666';
const region = 'ap-southeast-2';

function deployed() {
  const key = { account, region, keyId: '3f6a9c2e-5b8d-4e1f-a4c7-0d3e6f9a2b5c' };
  const keyArn = keyArnOf(key);
  const aliasArn = `arn:aws:kms:${region}:${account}:alias/connect-rec`;
  const serviceRole = connectServiceRole(account, 'abc123');
  const rec = 'connect-rec-20261201110003512300000001';
  const chats = ['connect-chats-0-20261201110003512300000002', 'connect-chats-1-20261201110003512300000003'] as const;
  const streamArn = `arn:aws:kinesis:${region}:${account}:stream/acme-ctr`;
  // jsonencode() sorts keys; the policy names the bucket's ARN, known once the bucket exists.
  const recPolicy = JSON.stringify({
    Statement: [{ Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Effect: 'Deny', Principal: '*', Resource: [`arn:aws:s3:::${rec}`, `arn:aws:s3:::${rec}/*`], Sid: 'DenyInsecureTransport' }],
    Version: '2012-10-17',
  });
  const keyPolicy = JSON.stringify({
    Statement: [{ Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:role/connect-recordings` }, Resource: '*', Sid: 'AllowBucketRole' }],
    Version: '2012-10-17',
  });
  return deployment({
    account,
    region,
    instances: [
      instance({
        id: 'c3d4e5f6-7890-12ab-cdef-333333333333',
        alias: 'acme-unknown',
        account,
        region,
        serviceRole,
        storage: {
          CALL_RECORDINGS: [s3Config('4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e', rec, 'calls', aliasArn)],
          CONTACT_TRACE_RECORDS: [{ AssociationId: '5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f', StorageType: 'KINESIS_STREAM', KinesisStreamConfig: { StreamArn: streamArn } }],
          CHAT_TRANSCRIPTS: [s3Config('6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a', chats[1], 'chats')],
        },
      }),
    ],
    buckets: {
      [rec]: bucket(rec, { account, region, policy: recPolicy }),
      [chats[0]]: bucket(chats[0], { account, region }),
      [chats[1]]: bucket(chats[1], { account, region }),
    },
    keys: [customerKey({ ...key, reference: aliasArn, description: 'recordings', policy: keyPolicy, rotation: true, aliases: ['alias/connect-rec'], grants: [connectGrant(keyArn, account, serviceRole, 'g-rec')] })],
    kinesisStreams: [kinesisStream(streamArn, 'acme-ctr', { mode: 'ON_DEMAND', shards: 4, keyId: keyArn })],
  });
}

export const terraformUnknownAfterApply: PlanCase = {
  name: 'terraform unknown-after-apply',
  account,
  region,
  plan: ['--terraform-plan', 'test/fixtures/iac/terraform/unknown-after-apply/plan.json'],
  deployed,
  // The bucket policy names the new bucket's ARN, the key policy the new role's ARN, and the chat
  // transcripts bucket is element(aws_s3_bucket.chats[*].bucket, 1).
  unknownUntilApply: /aws_s3_bucket_policy\.rec: policy|aws_kms_key\.rec: policy|aws_s3_bucket\.chats has 2 instances/,
};
