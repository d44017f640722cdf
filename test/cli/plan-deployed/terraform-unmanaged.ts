/**
 * test/fixtures/iac/terraform/unmanaged: what the code names but does not manage exists already — the
 * bucket legacy-connect-recordings (SSE-KMS under the shared key, a TLS-only deny without the TLS 1.2
 * statement), the keys behind alias/shared-connect and alias/connect-media, and the instance
 * 99999999-… (acme-legacy) the code attaches chat transcripts to. The code creates acme-managed-chats
 * with S3's defaults and the storage configs. The plan-only run must leave all of that "not managed
 * by this plan"; --live-references must read it back to the live verdicts.
 */
import { bucket, connectGrant, connectServiceRole, customerKey, deployment, instance, keyArnOf, s3Config, tlsPolicy, type PlanCase } from './aws.js';

const account = '555566667777';
const region = 'eu-central-1';

function deployed() {
  const shared = { account, region, keyId: '5fa2edc0-1111-4222-8333-944444444444' };
  const media = { account, region, keyId: '8c1d4e7f-2a3b-4c5d-9e6f-7a8b9c0d1e2f' };
  const serviceRole = connectServiceRole(account, 'abc123');
  const legacy = 'legacy-connect-recordings';
  const chats = 'acme-managed-chats';
  return deployment({
    account,
    region,
    instances: [
      instance({
        id: 'd4e5f6a7-8901-23ab-cdef-444444444444',
        alias: 'acme-unmanaged',
        account,
        region,
        serviceRole,
        storage: {
          CALL_RECORDINGS: [s3Config('9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b', legacy, 'calls', keyArnOf(shared))],
          MEDIA_STREAMS: [
            { AssociationId: '1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c', StorageType: 'KINESIS_VIDEO_STREAM', KinesisVideoStreamConfig: { Prefix: 'acme', RetentionPeriodHours: 24, EncryptionConfig: { EncryptionType: 'KMS', KeyId: keyArnOf(media) } } },
          ],
        },
        videoStreamPrefixes: ['acme'],
      }),
      instance({
        id: '99999999-8888-7777-6666-555555555555',
        alias: 'acme-legacy',
        account,
        region,
        serviceRole: connectServiceRole(account, 'Lg0Cy2Ac4Ee6'),
        outbound: false,
        storage: { CHAT_TRANSCRIPTS: [s3Config('2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d', chats, 'chats')] },
      }),
    ],
    buckets: {
      [legacy]: bucket(legacy, { account, region, kmsKey: keyArnOf(shared), bucketKey: true, policy: tlsPolicy(legacy, { oldTls: false }) }),
      [chats]: bucket(chats, { account, region }),
    },
    keys: [
      customerKey({ ...shared, description: 'shared Connect key', rotation: true, aliases: ['alias/shared-connect'], grants: [connectGrant(keyArnOf(shared), account, serviceRole, 'g-shared')] }),
      customerKey({ ...media, description: 'Connect media streams', rotation: true, aliases: ['alias/connect-media'] }),
    ],
  });
}

export const terraformUnmanaged: PlanCase = {
  name: 'terraform unmanaged',
  account,
  region,
  plan: ['--terraform-plan', 'test/fixtures/iac/terraform/unmanaged/plan.json'],
  deployed,
  // data.aws_kms_key.media is read during apply (depends_on a resource being created).
  unknownUntilApply: /data\.aws_kms_key\.media/,
  notManaged: [
    'acme-unmanaged voice.recording-to-s3 s3-bucket-exists-and-owned AwsS3Bucket',
    'acme-unmanaged voice.recording-to-s3 s3-bucket-denies-tls-below-1-2 AwsS3Bucket',
    'acme-unmanaged voice.recording-at-rest kms-key-rotation-enabled AwsKmsKey',
    'acme-legacy voice.agent-browser-to-connect connect-access-url-tls12-domain AwsConnectInstance',
    'acme-legacy auth.ccp-load connect-approved-origins-https AwsConnectInstance',
  ],
};
