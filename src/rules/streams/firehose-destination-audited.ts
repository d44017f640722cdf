import { ENCRYPTION_IN_TRANSIT } from '../frameworks.js';
import { outcome } from '../lib/outcomes.js';
import { bucketState } from '../lib/storage.js';
import { firehoseDestinations, judgeStreams } from '../lib/streams.js';
import type { Outcome, Rule } from '../types.js';

export const firehoseDestinationAudited: Rule = {
  meta: {
    id: 'firehose-destination-audited',
    title: 'The Firehose delivery stream delivers to an S3 bucket, judged with the recordings bucket rules',
    hops: ['storage.*.transfer', 'storage.*.at-rest'],
    severity: 'critical',
    rationale:
      'Firehose passes what Connect streams to its destination, where the data lives from then on. An S3 destination gets every rule the recordings bucket gets (exists and owned, TLS-only policy, not public, Block Public Access, default encryption, the key Firehose names). Any other destination (Redshift, OpenSearch, Splunk, an HTTP endpoint, ...) is not read by this tool: it is reported as ERROR at the severity of the S3 rule it stands in for, never as verified.',
    evidenceUsed: ['connect:ListInstanceStorageConfigs', 'firehose:DescribeDeliveryStream'],
    decidedBy: ['destination', 'extended_s3_configuration', 'http_endpoint_configuration', 'ExtendedS3DestinationConfiguration', 'S3DestinationConfiguration', 'HttpEndpointDestinationConfiguration'],
    remediation: {
      summary: 'Audit a non-S3 destination by its own means (and waive this finding with the evidence), or deliver to an S3 bucket that meets the recordings bucket rules.',
      console: ['Open the Amazon Data Firehose console, choose the Firehose stream, then Configuration › Destination settings.'],
      cli: 'aws firehose describe-delivery-stream --delivery-stream-name <name> --query DeliveryStreamDescription.Destinations',
    },
    references: [
      'https://docs.aws.amazon.com/firehose/latest/APIReference/API_DescribeDeliveryStream.html',
      'https://docs.aws.amazon.com/firehose/latest/APIReference/API_DestinationDescription.html',
      'https://docs.aws.amazon.com/connect/latest/adminguide/data-streaming.html',
    ],
    compliance: ENCRYPTION_IN_TRANSIT,
  },
  evaluate(ctx) {
    // The at-rest hop hears about an unreadable or missing delivery stream from firehose-encryption.
    return judgeStreams(ctx, 'firehose', 'transfer', ({ hop, resourceType, arn }, state) => {
      const outcomes: Outcome[] = [];
      const atRest = hop.replace(/\.transfer$/, '.at-rest');
      const { s3, other } = firehoseDestinations(state.description);
      const notAudited = (id: string, message: string, code: string, evidence: Record<string, unknown>) =>
        [hop, atRest].map((h) => ({
          ...outcome(h, 'ERROR', state.resource, message, { deliveryStreamArn: arn, ...evidence }),
          error: { operation: 'firehose:DescribeDeliveryStream' as const, resource: arn, code, message: id },
        }));
      for (const destination of other) {
        outcomes.push(...notAudited(destination.destinationId, `Delivery stream ${arn} delivers the ${resourceType} to a ${destination.type} destination (${destination.destinationId}); destination type ${destination.type} is not audited by this tool.`, 'DestinationNotAudited', { destinationId: destination.destinationId, destinationType: destination.type }));
      }
      for (const destination of s3.filter((d) => !d.bucketName)) {
        outcomes.push(...notAudited(destination.destinationId, `Delivery stream ${arn} names S3 destination ${destination.destinationId} with BucketARN ${JSON.stringify(destination.bucketArn ?? null)}, which names no bucket this tool can read.`, 'InvalidField', { destinationId: destination.destinationId, bucketArn: destination.bucketArn ?? null }));
      }
      for (const destination of s3.filter((d) => d.bucketName)) {
        outcomes.push(
          outcome(hop, 'PASS', bucketState(ctx, destination.bucketName ?? '').resource, `Delivery stream ${arn} delivers the ${resourceType} to S3 bucket ${destination.bucketName} (${destination.destinationId}), which the S3 rules judge on this hop.`, {
            deliveryStreamArn: arn,
            destinationId: destination.destinationId,
            bucket: destination.bucketName,
          }),
        );
      }
      if (s3.length + other.length === 0) {
        outcomes.push(...notAudited('none', `DescribeDeliveryStream lists no destination for ${arn}, so where the ${resourceType} end up is unknown.`, 'MissingField', { destinations: 0 }));
      } else if (state.description.HasMoreDestinations === true) {
        outcomes.push(...notAudited('more', `DescribeDeliveryStream says ${arn} has more destinations than the evidence holds; those are not audited.`, 'IncompleteList', { hasMoreDestinations: true }));
      }
      return outcomes;
    });
  },
};
