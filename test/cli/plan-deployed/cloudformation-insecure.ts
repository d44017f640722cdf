/**
 * test/fixtures/iac/cloudformation/insecure.yaml deployed as the stack "insecure-stack": CloudFormation
 * names the bucket, the stream and the delivery stream (stack name, logical id, random suffix). The
 * bucket has S3's defaults besides its policy; the stream is unencrypted (no StreamEncryption); the
 * delivery stream has no server-side encryption. existing-transcripts-bucket exists already.
 */
import { bucket, connectGrant, connectServiceRole, customerKey, deliveryStream, deployment, instance, keyArnOf, kinesisStream, s3Config, tlsPolicy, type PlanCase } from './aws.js';

const account = '111122223333';
const region = 'eu-west-2';

function deployed() {
  const key = { account, region, keyId: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d' };
  const keyArn = keyArnOf(key);
  const serviceRole = connectServiceRole(account, 'In5Se7Cu9Re1');
  const name = 'insecure-stack-recordingsbucket-1a2b3c4d5e6f7';
  const transcripts = 'existing-transcripts-bucket';
  const streamName = 'insecure-stack-ContactTraceRecords-AbC123dEf456';
  const streamArn = `arn:aws:kinesis:${region}:${account}:stream/${streamName}`;
  const firehoseArn = `arn:aws:firehose:${region}:${account}:deliverystream/insecure-stack-AgentEvents-Gh789iJk012L`;
  const role = `arn:aws:iam::${account}:role/insecure-stack-AgentEventsRole-Mn345oPq678R`;
  const s3Destination = { RoleARN: role, BucketARN: `arn:aws:s3:::${name}`, Prefix: 'agent-events/', CompressionFormat: 'UNCOMPRESSED', EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' } };
  return deployment({
    account,
    region,
    instances: [
      instance({
        id: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
        alias: 'insecure-contact-center',
        account,
        region,
        identity: 'SAML',
        serviceRole,
        storage: {
          CALL_RECORDINGS: [s3Config('1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d', name, 'recordings', keyArn)],
          CHAT_TRANSCRIPTS: [s3Config('2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e', transcripts, 'transcripts')],
          CONTACT_TRACE_RECORDS: [{ AssociationId: '3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f', StorageType: 'KINESIS_STREAM', KinesisStreamConfig: { StreamArn: streamArn } }],
          AGENT_EVENTS: [{ AssociationId: '4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a', StorageType: 'KINESIS_FIREHOSE', KinesisFirehoseConfig: { FirehoseArn: firehoseArn } }],
        },
      }),
    ],
    buckets: {
      [name]: bucket(name, {
        account,
        region,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: 'ConnectWrites', Effect: 'Allow', Principal: { Service: 'connect.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${name}/*` }],
        }),
      }),
      [transcripts]: bucket(transcripts, { account, region, policy: tlsPolicy(transcripts) }),
    },
    keys: [
      customerKey({
        ...key,
        policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' }] }),
        rotation: false,
        grants: [connectGrant(keyArn, account, serviceRole, 'g-calls')],
      }),
    ],
    kinesisStreams: [kinesisStream(streamArn, streamName, { mode: 'PROVISIONED', shards: 1 })],
    // An extended S3 destination is described both ways by DescribeDeliveryStream.
    deliveryStreams: [deliveryStream(firehoseArn, undefined, [{ DestinationId: 'destinationId-000000000001', S3DestinationDescription: s3Destination, ExtendedS3DestinationDescription: { ...s3Destination, S3BackupMode: 'Disabled' } }])],
  });
}

export const cloudformationInsecure: PlanCase = {
  name: 'cloudformation insecure.yaml',
  account,
  region,
  plan: ['--cloudformation', 'test/fixtures/iac/cloudformation/insecure.yaml', '--account-id', account],
  deployed,
  notManaged: ['insecure-contact-center storage.chat-transcripts.transfer s3-bucket-exists-and-owned AwsS3Bucket'],
};
