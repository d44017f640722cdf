import { NETWORK_PATHS_DOC } from '../../paths/hops.js';
import { DATA_FLOW_CONTROL } from '../frameworks.js';
import { callErrorOutcome, outcome } from '../lib/outcomes.js';
import { bucketState, bucketsOnHops, s3Destinations } from '../lib/storage.js';
import type { Rule } from '../types.js';

export const bucketExistsAndOwned: Rule = {
  meta: {
    id: 's3-bucket-exists-and-owned',
    title: 'The destination bucket exists and is owned by the instance account',
    hops: ['voice.recording-to-s3', 'storage.*.transfer'],
    severity: 'critical',
    rationale:
      'Connect writes recordings and transcripts to the bucket named in the storage config. If it no longer exists the data is lost; if another account owns it (for example after deletion and re-creation by someone else) the data goes to them.',
    evidenceUsed: ['s3:GetBucketLocation', 's3:HeadBucket', 's3:ListBuckets'],
    decidedBy: ['bucket_name', 'BucketName', 'bucket', 'bucket_prefix'],
    remediation: {
      summary: 'Point the storage config at a bucket this account owns, or re-create the bucket in this account.',
      console: [
        'Open the Amazon Connect console, choose the instance, then Data storage.',
        'Edit the storage location and choose a bucket in this account.',
      ],
      cli: 'aws connect update-instance-storage-config --instance-id <instance-id> --association-id <association-id> --resource-type CALL_RECORDINGS --storage-config \'{"StorageType":"S3","S3Config":{"BucketName":"<bucket>","BucketPrefix":"connect"}}\'',
      terraform: 'resource "aws_connect_instance_storage_config" "recordings" {\n  instance_id   = aws_connect_instance.main.id\n  resource_type = "CALL_RECORDINGS"\n  storage_config {\n    storage_type = "S3"\n    s3_config {\n      bucket_name   = aws_s3_bucket.recordings.id\n      bucket_prefix = "connect"\n    }\n  }\n}',
    },
    references: [
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html',
      'https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html',
      'https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html',
      'https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html',
      NETWORK_PATHS_DOC,
    ],
    compliance: DATA_FLOW_CONTROL,
  },
  evaluate(ctx) {
    const { destinations, outcomes } = s3Destinations(ctx, 'transfer');
    for (const { hop, bucketName } of bucketsOnHops(destinations)) {
      const state = bucketState(ctx, bucketName);
      const owner = ctx.account.accountId;
      switch (state.kind) {
        case 'readable':
          outcomes.push(outcome(hop, 'PASS', state.resource, `Bucket ${bucketName} exists in ${state.region} and is owned by ${owner}.`, { bucket: bucketName, region: state.region, expectedBucketOwner: owner, ownedByInstanceAccount: true }));
          break;
        case 'missing':
          outcomes.push(outcome(hop, 'FAIL', state.resource, `Bucket ${bucketName} does not exist: Connect cannot deliver data to it.`, { bucket: bucketName, exists: false }));
          break;
        case 'foreign':
          outcomes.push(outcome(hop, 'FAIL', state.resource, `Bucket ${bucketName} is owned by another account, not ${owner}: data goes outside the account (${state.shownBy}).`, { bucket: bucketName, expectedBucketOwner: owner, ownedByInstanceAccount: false, shownBy: state.shownBy }));
          break;
        case 'unreadable':
          outcomes.push(callErrorOutcome(hop, state.resource, state.operation, state.error, `bucket ${bucketName}`));
      }
    }
    return outcomes;
  },
};
