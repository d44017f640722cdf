/**
 * test/fixtures/iac/cloudformation/connect.yaml (and its JSON twin) deployed as a stack: with
 * parameters.json (Environment=dev: no flow logs, a private ACL, the scratch bucket) and, for
 * connect.json, with parameters-prod.json (the defaults, Environment=prod: flow logs to a log group
 * under the key). AgentDesktopOrigin has no default: CloudFormation needs a value to create the stack.
 */
import { bucket, connectGrant, connectServiceRole, customerKey, deployment, instance, keyArnOf, kinesisStream, s3Config, type PlanCase } from './aws.js';

const account = '111122223333';
const region = 'eu-west-2';

function deployed(environment: 'dev' | 'prod') {
  const alias = 'example-contact-center';
  const key = { account, region, keyId: '0e1d2c3b-4a59-4687-9a5b-4c3d2e1f0a9b' };
  const keyArn = keyArnOf(key);
  const serviceRole = connectServiceRole(account, 'Cf1Ex3Am5Pl7');
  const name = `${alias}-recordings-${account}-${region}`;
  const streamName = `${alias}-ctr`;
  const streamArn = `arn:aws:kinesis:${region}:${account}:stream/${streamName}`;
  const logGroup = `/aws/connect/${alias}`;
  // CloudFormation stores the template's policies as JSON, with the pseudo parameters substituted.
  const keyPolicy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AccountAdministers', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
      {
        Sid: 'ConnectUsesTheKey',
        Effect: 'Allow',
        Principal: { Service: 'connect.amazonaws.com' },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': account } },
      },
      { Sid: 'LogsUsesTheKey', Effect: 'Allow', Principal: { Service: `logs.${region}.amazonaws.com` }, Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'], Resource: '*' },
    ],
  });
  const bucketPolicy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      { Sid: 'DenyTlsBelow12', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`], Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } },
    ],
  });
  const scratch = 'connect-stack-scratchbucket-8k2m4n6p8r0t';
  return deployment({
    account,
    region,
    instances: [
      instance({
        id: '7d6c5b4a-3f2e-4d1c-8b0a-9f8e7d6c5b4a',
        alias,
        account,
        region,
        serviceRole,
        outbound: false,
        contactFlowLogs: environment === 'prod',
        storage: {
          CALL_RECORDINGS: [s3Config('8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f', name, 'connect/recordings', keyArn)],
          CHAT_TRANSCRIPTS: [s3Config('9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a', name, 'connect/transcripts', keyArn)],
          CONTACT_TRACE_RECORDS: [{ AssociationId: '0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b', StorageType: 'KINESIS_STREAM', KinesisStreamConfig: { StreamArn: streamArn } }],
        },
        approvedOrigins: ['https://agents.example.com'],
        flowLogGroups: [{ logGroupName: logGroup, retentionInDays: 365, kmsKeyId: keyArn, arn: `arn:aws:logs:${region}:${account}:log-group:${logGroup}:*`, logGroupArn: `arn:aws:logs:${region}:${account}:log-group:${logGroup}` }],
      }),
    ],
    buckets: {
      // AccessControl Private (dev) is the owner's FULL_CONTROL only, as the default ACL is.
      [name]: bucket(name, { account, region, kmsKey: keyArn, bucketKey: true, policy: bucketPolicy }),
      ...(environment === 'dev' ? { [scratch]: bucket(scratch, { account, region }) } : {}),
    },
    keys: [
      customerKey({
        ...key,
        description: 'example recordings and transcripts',
        policy: keyPolicy,
        rotation: true,
        aliases: [`alias/${alias}-recordings`],
        // One grant per S3 storage config associated with the key.
        grants: [connectGrant(keyArn, account, serviceRole, 'g-calls'), connectGrant(keyArn, account, serviceRole, 'g-chats')],
      }),
    ],
    // StreamEncryption.KeyId is !Ref RecordingsKey: the key id, as Kinesis then reports it.
    kinesisStreams: [kinesisStream(streamArn, streamName, { mode: 'PROVISIONED', shards: 1, keyId: key.keyId })],
  });
}

const fixtures = 'test/fixtures/iac/cloudformation';
const flags = ['--account-id', account];

export const cloudformationYamlDev: PlanCase = {
  name: 'cloudformation connect.yaml (dev parameters)',
  account,
  region,
  plan: ['--cloudformation', `${fixtures}/connect.yaml`, '--parameters', `${fixtures}/parameters.json`, ...flags],
  deployed: () => deployed('dev'),
};

export const cloudformationJsonProd: PlanCase = {
  name: 'cloudformation connect.json (prod parameters)',
  account,
  region,
  plan: ['--cloudformation', `${fixtures}/connect.json`, '--parameters', 'test/cli/plan-deployed/parameters-prod.json', ...flags],
  deployed: () => deployed('prod'),
};
