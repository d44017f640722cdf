/**
 * test/fixtures/iac/cloudformation/cdk.out/ConnectStack.template.json deployed as ConnectStack:
 * CloudFormation names the bucket and the delivery stream; the bucket's Object Ownership is S3's
 * default (the template sets none); Firehose encrypts with the customer key and makes its own grant on it.
 */
import { bucket, connectGrant, connectServiceRole, customerKey, deliveryStream, deployment, instance, keyArnOf, s3Config, type PlanCase } from './aws.js';

const account = '111122223333';
const region = 'eu-west-2';

function deployed() {
  const key = { account, region, keyId: '6c5d4e3f-2a1b-4c0d-9e8f-7a6b5c4d3e2f' };
  const keyArn = keyArnOf(key);
  const serviceRole = connectServiceRole(account, 'Cd7Kc9Dk1Cd3');
  const name = 'connectstack-recordingsbucket6e2db1f7-1q2w3e4r5t6y';
  const firehoseArn = `arn:aws:firehose:${region}:${account}:deliverystream/ConnectStack-ContactTraceRecordsStream7F3E9A21-Zx9Cv8Bn7Mm6`;
  const role = `arn:aws:iam::${account}:role/ConnectStack-DeliveryRoleD6B2A0C4-Qw1Er2Ty3Ui4`;
  const logGroup = '/aws/connect/cdk-contact-center';
  const s3Destination = { RoleARN: role, BucketARN: `arn:aws:s3:::${name}`, Prefix: 'ctr/', CompressionFormat: 'UNCOMPRESSED', EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: keyArn } } };
  const arns = [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`];
  return deployment({
    account,
    region,
    instances: [
      instance({
        id: '8e7f6a5b-4c3d-4e2f-9a1b-0c9d8e7f6a5b',
        alias: 'cdk-contact-center',
        account,
        region,
        serviceRole,
        contactFlowLogs: true,
        storage: {
          CALL_RECORDINGS: [s3Config('5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b', name, 'recordings', keyArn)],
          CONTACT_TRACE_RECORDS: [{ AssociationId: '6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c', StorageType: 'KINESIS_FIREHOSE', KinesisFirehoseConfig: { FirehoseArn: firehoseArn } }],
        },
        flowLogGroups: [{ logGroupName: logGroup, retentionInDays: 731, kmsKeyId: keyArn, arn: `arn:aws:logs:${region}:${account}:log-group:${logGroup}:*`, logGroupArn: `arn:aws:logs:${region}:${account}:log-group:${logGroup}` }],
      }),
    ],
    buckets: {
      [name]: bucket(name, {
        account,
        region,
        kmsKey: keyArn,
        bucketKey: true,
        // enforceSSL and minimumTLSVersion: 1.2, as CDK writes them (the version a number).
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Effect: 'Deny', Principal: { AWS: '*' }, Resource: arns },
            { Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } }, Effect: 'Deny', Principal: { AWS: '*' }, Resource: arns },
          ],
        }),
      }),
    },
    keys: [
      customerKey({
        ...key,
        policy: JSON.stringify({
          Statement: [
            { Action: 'kms:*', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Resource: '*' },
            { Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'], Condition: { StringEquals: { 'aws:SourceAccount': account } }, Effect: 'Allow', Principal: { Service: 'connect.amazonaws.com' }, Resource: '*' },
            { Action: ['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'], Effect: 'Allow', Principal: { Service: `logs.${region}.amazonaws.com` }, Resource: '*' },
          ],
          Version: '2012-10-17',
        }),
        rotation: true,
        grants: [
          connectGrant(keyArn, account, serviceRole, 'g-calls'),
          // "Firehose invokes the AWS KMS operation CreateGrant to create a grant that allows the Firehose
          // service to use the customer managed CMK" (DeliveryStreamEncryptionConfigurationInput.KeyType);
          // AWS does not name the grantee: a service principal here.
          { KeyId: keyArn, GrantId: 'g-firehose', GranteePrincipal: 'firehose.amazonaws.com', IssuingAccount: `arn:aws:iam::${account}:root`, Operations: ['Encrypt', 'Decrypt', 'GenerateDataKey'] },
        ],
      }),
    ],
    deliveryStreams: [
      deliveryStream(firehoseArn, { KeyType: 'CUSTOMER_MANAGED_CMK', KeyARN: keyArn }, [
        { DestinationId: 'destinationId-000000000001', S3DestinationDescription: s3Destination, ExtendedS3DestinationDescription: { ...s3Destination, S3BackupMode: 'Disabled' } },
      ]),
    ],
  });
}

export const cdkConnectStack: PlanCase = {
  name: 'cdk ConnectStack.template.json',
  account,
  region,
  plan: ['--cloudformation', 'test/fixtures/iac/cloudformation/cdk.out/ConnectStack.template.json', '--account-id', account],
  deployed,
};
