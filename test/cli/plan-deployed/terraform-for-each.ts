/**
 * test/fixtures/iac/terraform/for-each: "support" exists (instance, bucket, rotated key, its storage
 * config and approved origin), "sales" is created the same way. Neither bucket has a policy, a
 * default encryption or Block Public Access resource in the code: the new one has S3's defaults, and
 * the existing one (created after April 2023) has them too.
 */
import { bucket, connectGrant, connectServiceRole, customerKey, deployment, instance, keyArnOf, s3Config, type PlanCase } from './aws.js';

const account = '333344445555';
const region = 'us-east-1';

function deployed() {
  const centres = [
    { centre: 'support', id: 'b2c3d4e5-6789-01ab-cdef-222222222222', role: 'abc123', keyId: 'abcd1234-0000-4000-8000-000000000001', association: '1111111111111111111111111111111111111111111111111111111111111111' },
    { centre: 'sales', id: '4f3e2d1c-0b9a-4877-a665-544332211009', role: 'Hk3Lm8Np2Qr5', keyId: '2e4d6c8b-0a1f-4e3d-9c5b-7a9f1e3d5c7b', association: '3c5e7a9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c' },
  ].map((c) => ({ ...c, bucketName: `acme-${c.centre}-recordings`, keyArn: keyArnOf({ account, region, keyId: c.keyId }), serviceRole: connectServiceRole(account, c.role) }));
  return deployment({
    account,
    region,
    instances: centres.map((c) =>
      instance({
        id: c.id,
        alias: `acme-${c.centre}`,
        account,
        region,
        serviceRole: c.serviceRole,
        storage: { CALL_RECORDINGS: [s3Config(c.association, c.bucketName, 'connect', c.keyArn)] },
        approvedOrigins: [`https://${c.centre}.acme.example`],
      }),
    ),
    buckets: Object.fromEntries(centres.map((c) => [c.bucketName, bucket(c.bucketName, { account, region })])),
    keys: centres.map((c) => customerKey({ account, region, keyId: c.keyId, description: `${c.centre} call recordings`, rotation: true, grants: [connectGrant(c.keyArn, account, c.serviceRole, `g-${c.centre}`)] })),
  });
}

export const terraformForEach: PlanCase = {
  name: 'terraform for-each',
  account,
  region,
  plan: ['--terraform-plan', 'test/fixtures/iac/terraform/for-each/plan.json'],
  deployed,
  // The existing bucket's settings and the existing key's grants besides the code's own.
  notManaged: ['acme-support voice.recording-to-s3 s3-bucket-denies-insecure-transport AwsS3Bucket', 'acme-support voice.recording-at-rest kms-key-grants-not-foreign AwsKmsKey'],
};
