/**
 * test/fixtures/iac/terraform/insecure: everything exists (a no-op plan) and every setting is
 * insecure. The code does not set the bucket's Object Ownership or its own Block Public Access: the
 * bucket predates April 2023, has no bucket-level Block Public Access and ObjectWriter ownership (its
 * public-read ACL could not have been set under BucketOwnerEnforced).
 */
import { bucket, connectGrant, connectServiceRole, customerKey, deliveryStream, deployment, instance, keyArnOf, ok, s3Config, type PlanCase } from './aws.js';

const account = '666677778888';
const region = 'us-west-2';

function deployed() {
  const key = { account, region, keyId: 'eeee1111-2222-4333-8444-555566667777' };
  const keyArn = keyArnOf(key);
  const name = 'acme-insecure-recordings';
  const firehoseArn = `arn:aws:firehose:${region}:${account}:deliverystream/acme-agent-events`;
  const serviceRole = connectServiceRole(account, 'abc123');
  const firehoseRole = `arn:aws:iam::${account}:role/firehose`;
  return deployment({
    account,
    region,
    instances: [
      instance({
        id: 'e5f6a7b8-9012-34ab-cdef-555555555555',
        alias: 'acme-insecure',
        account,
        region,
        serviceRole,
        storage: {
          CALL_RECORDINGS: [s3Config('call_recordings000000000000000000000000000000000000000000000000', name, 'calls', keyArn)],
          CHAT_TRANSCRIPTS: [s3Config('chat_transcripts00000000000000000000000000000000000000000000000', name, 'chats')],
          AGENT_EVENTS: [{ AssociationId: 'agentevents00000000000000000000000000000000000000000000000000000', StorageType: 'KINESIS_FIREHOSE', KinesisFirehoseConfig: { FirehoseArn: firehoseArn } }],
        },
      }),
    ],
    publicAccessBlock: ok({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false } }),
    buckets: {
      [name]: bucket(name, {
        account,
        region,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: 'AllowAccountRead', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${name}/*` }],
        }),
        publicAccessBlock: null,
        objectOwnership: 'ObjectWriter',
        extraGrants: [{ Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' }],
      }),
    },
    keys: [customerKey({ ...key, description: 'recordings, never rotated', rotation: false, grants: [connectGrant(keyArn, account, serviceRole, 'g-calls')] })],
    deliveryStreams: [
      deliveryStream(firehoseArn, undefined, [
        {
          DestinationId: 'destinationId-000000000001',
          HttpEndpointDestinationDescription: {
            EndpointConfiguration: { Url: 'https://events.partner.example/ingest', Name: 'partner' },
            RoleARN: firehoseRole,
            S3BackupMode: 'FailedDataOnly',
            S3DestinationDescription: { RoleARN: firehoseRole, BucketARN: 'arn:aws:s3:::acme-firehose-backup', CompressionFormat: 'UNCOMPRESSED', EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' } },
          },
        },
      ]),
    ],
  });
}

export const terraformInsecure: PlanCase = {
  name: 'terraform insecure',
  account,
  region,
  plan: ['--terraform-plan', 'test/fixtures/iac/terraform/insecure/plan.json'],
  deployed,
  // Neither the bucket nor the account blocks public policies, so whether the policy is public is S3's
  // judgement (GetBucketPolicyStatus), which the plan leaves to apply even for an unchanged policy.
  unknownUntilApply: /GetBucketPolicyStatus/,
};
