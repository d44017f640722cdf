/**
 * test/fixtures/iac/terraform/module: a new SAML instance, and per kind of recording (calls, chats) a
 * new bucket (SSE-KMS, Block Public Access, denies of requests without TLS and below TLS 1.2) and a new
 * rotated key with KMS's default policy, from the for_each module.
 */
import { bucket, connectGrant, connectServiceRole, customerKey, deployment, instance, keyArnOf, s3Config, tlsPolicy, type PlanCase } from './aws.js';

const account = '222233334444';
const region = 'eu-west-1';

function deployed() {
  const serviceRole = connectServiceRole(account, 'Q7rT2mVx9kLp');
  const kinds = [
    { kind: 'calls', resourceType: 'CALL_RECORDINGS', keyId: '6b1f3a2e-4c5d-4e6f-8a9b-0c1d2e3f4a5b', association: '5e0c2f7d9a1b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5' },
    { kind: 'chats', resourceType: 'CHAT_TRANSCRIPTS', keyId: '9d8c7b6a-5f4e-4d3c-9b2a-1f0e9d8c7b6a', association: '7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b' },
  ].map((k) => ({ ...k, bucketName: `acme-${k.kind}`, keyArn: keyArnOf({ account, region, keyId: k.keyId }) }));
  return deployment({
    account,
    region,
    instances: [
      instance({
        id: '0c9e8d7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f',
        alias: 'acme-module',
        account,
        region,
        identity: 'SAML',
        serviceRole,
        outbound: false,
        storage: Object.fromEntries(kinds.map((k) => [k.resourceType, [s3Config(k.association, k.bucketName, k.kind, k.keyArn)]])),
      }),
    ],
    buckets: Object.fromEntries(kinds.map((k) => [k.bucketName, bucket(k.bucketName, { account, region, kmsKey: k.keyArn, bucketKey: true, policy: tlsPolicy(k.bucketName) })])),
    keys: kinds.map((k) =>
      customerKey({ account, region, keyId: k.keyId, description: `${k.bucketName} recordings`, rotation: true, grants: [connectGrant(k.keyArn, account, serviceRole, `g-${k.kind}`)] }),
    ),
  });
}

export const terraformModule: PlanCase = { name: 'terraform module', account, region, plan: ['--terraform-plan', 'test/fixtures/iac/terraform/module/plan.json'], deployed };
