/**
 * Evidence for rule tests: `compliantEvidence()` is one fully compliant instance; tests change the
 * piece they care about and run one rule with `runRule`.
 */
import type { Call, EvidenceDocument } from '../../src/evidence/model.js';
import { keyLookupId } from '../../src/evidence/model.js';
import { evaluateEvidence } from '../../src/findings/evaluate.js';
import { STORAGE_RESOURCE_TYPES, type StorageResourceType } from '../../src/paths/hops.js';
import type { Finding } from '../../src/report/schema.js';
import { DEFAULT_RULE_SETTINGS, type Rule, type RuleSettings } from '../../src/rules/types.js';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-central-1';
export const INSTANCE_ID = '11111111-2222-4333-8444-555555555555';
export const INSTANCE_ARN = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/${INSTANCE_ID}`;
export const BUCKET = 'recordings-bucket';
export const KEY_ID = '0b7e6f1c-1111-4222-8333-444455556666';
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}`;
export const DIRECTORY_ID = 'd-1234567890';
export const NOW = new Date('2026-11-28T12:00:00Z');
export const OWNER_CANONICAL_ID = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';

export const ok = <T>(response: T): Call<T> => ({ status: 'ok', response });
export const absent = (code: string): Call<never> => ({ status: 'absent', code });
export const failed = (code: string, httpStatus = 403, message = `${code} for test`): Call<never> => ({ status: 'error', error: { code, message, httpStatus } });

export function tlsPolicy(bucket = BUCKET): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      { Sid: 'DenyOldTls', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } },
    ],
  });
}

export function keyPolicy(): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] });
}

export function compliantEvidence(): EvidenceDocument {
  const instance = {
    Id: INSTANCE_ID,
    Arn: INSTANCE_ARN,
    IdentityManagementType: 'EXISTING_DIRECTORY',
    InstanceAlias: 'test-instance',
    InstanceStatus: 'ACTIVE',
    InstanceAccessUrl: 'https://test-instance.my.connect.aws/',
    ServiceRole: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_abc123`,
  };
  const storageConfigs = Object.fromEntries(STORAGE_RESOURCE_TYPES.map((t) => [t, ok([])])) as EvidenceDocument['accounts'][number]['regions'][number]['instances'][string]['storageConfigs'];
  storageConfigs.CALL_RECORDINGS = ok([
    { AssociationId: 'assoc-1', StorageType: 'S3', S3Config: { BucketName: BUCKET, BucketPrefix: 'connect', EncryptionConfig: { EncryptionType: 'KMS', KeyId: KEY_ARN } } },
  ]);
  return {
    schemaVersion: '1.0',
    kind: 'connect-netpath-audit/evidence',
    collectedAt: NOW.toISOString(),
    accounts: [
      {
        accountId: ACCOUNT,
        regions: [
          {
            region: REGION,
            listInstances: ok([instance]),
            instances: {
              [INSTANCE_ID]: {
                describeInstance: ok({ Instance: instance }),
                storageConfigs,
                approvedOrigins: ok(['https://agents.example.com']),
                attributes: ok([]),
              },
            },
            describeDirectories: ok([
              {
                DirectoryId: DIRECTORY_ID,
                Name: 'corp.example.com',
                Type: 'ADConnector',
                Stage: 'Active',
                RadiusSettings: { RadiusServers: ['10.0.0.5'], RadiusPort: 1812, AuthenticationProtocol: 'MS-CHAPv2' },
                RadiusStatus: 'Completed',
              },
            ]),
            directories: {
              [DIRECTORY_ID]: {
                ldapsSettings: ok([{ LDAPSStatus: 'Enabled' }]),
                certificates: ok([{ CertificateId: 'c-1', CommonName: 'corp-ca', State: 'Registered', Type: 'ClientLDAPS', ExpiryDateTime: '2028-01-01T00:00:00.000Z' }]),
                settings: absent('UnsupportedOperationException'),
              },
            },
          },
        ],
        buckets: {
          [BUCKET]: {
            expectedBucketOwner: ACCOUNT,
            location: ok({ LocationConstraint: REGION }),
            encryption: ok({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN }, BucketKeyEnabled: true }] } }),
            policy: ok({ Policy: tlsPolicy() }),
            policyStatus: ok({ PolicyStatus: { IsPublic: false } }),
            publicAccessBlock: ok({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }),
            ownershipControls: ok({ OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }),
            acl: ok({ Owner: { ID: OWNER_CANONICAL_ID }, Grants: [{ Grantee: { Type: 'CanonicalUser', ID: OWNER_CANONICAL_ID }, Permission: 'FULL_CONTROL' }] }),
          },
        },
        publicAccessBlock: absent('NoSuchPublicAccessBlockConfiguration'),
        keys: {
          [keyLookupId(REGION, KEY_ARN)]: {
            reference: KEY_ARN,
            region: REGION,
            describeKey: ok({
              KeyMetadata: { AWSAccountId: ACCOUNT, KeyId: KEY_ID, Arn: KEY_ARN, Enabled: true, KeyUsage: 'ENCRYPT_DECRYPT', KeyState: 'Enabled', KeyManager: 'CUSTOMER', KeySpec: 'SYMMETRIC_DEFAULT', Origin: 'AWS_KMS', CreationDate: '2026-01-05T09:00:00.000Z' },
            }),
            rotation: ok({ KeyRotationEnabled: true, RotationPeriodInDays: 365 }),
            keyPolicy: ok({ Policy: keyPolicy() }),
            aliases: ok([{ AliasName: 'alias/connect', TargetKeyId: KEY_ID }]),
            // The grant Connect creates for the instance's service role when the key is associated.
            grants: ok([
              {
                KeyId: KEY_ARN,
                GrantId: 'grant-connect-1',
                GranteePrincipal: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_abc123`,
                IssuingAccount: `arn:aws:iam::${ACCOUNT}:root`,
                Operations: ['Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey'],
              },
            ]),
          },
        },
      },
    ],
  };
}

/** The pieces tests change most, reachable without walking the document by hand. */
export function parts(doc: EvidenceDocument) {
  const account = doc.accounts[0]!;
  const region = account.regions[0]!;
  const instance = region.instances[INSTANCE_ID]!;
  const describe = instance.describeInstance as { status: 'ok'; response: { Instance: Record<string, unknown> } };
  const bucket = account.buckets[BUCKET]!;
  const key = account.keys[keyLookupId(REGION, KEY_ARN)]!;
  const directories = region.describeDirectories as { status: 'ok'; response: Array<Record<string, unknown>> };
  const directory = region.directories[DIRECTORY_ID]!;
  return { account, region, instance, instanceRecord: describe.response.Instance, bucket, key, directoryDescription: directories.response[0]!, directories, directory };
}

export interface RunOptions {
  resourceTypes?: StorageResourceType[];
  directoryPins?: Record<string, string>;
  settings?: Partial<RuleSettings>;
  now?: Date;
}

/** Findings of one rule on the evidence, through the real engine. */
export function runRule(rule: Rule, doc: EvidenceDocument, options: RunOptions = {}): Finding[] {
  return evaluateEvidence(doc, {
    now: options.now ?? NOW,
    rules: [rule],
    resourceTypes: options.resourceTypes ?? [...STORAGE_RESOURCE_TYPES],
    instanceIds: [],
    directoryPins: options.directoryPins ?? {},
    severityOverrides: {},
    settings: { ...DEFAULT_RULE_SETTINGS, ...options.settings },
  }).findings.filter((finding) => finding.ruleId === rule.meta.id);
}

/** The single finding of a rule on a hop; fails the test when there is not exactly one. */
export function onlyFinding(findings: Finding[], hop?: string): Finding {
  const matching = hop ? findings.filter((f) => f.hop === hop) : findings;
  if (matching.length !== 1) throw new Error(`expected one finding${hop ? ` on ${hop}` : ''}, got ${matching.length}: ${JSON.stringify(matching.map((f) => [f.hop, f.status, f.message]))}`);
  return matching[0]!;
}

export function policyDoc(...statements: unknown[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export type EvidenceParts = ReturnType<typeof parts>;

/** A case's evidence: the compliant document with one change applied to its parts. */
export function changed(change: (p: EvidenceParts, doc: EvidenceDocument) => void): () => EvidenceDocument {
  return () => {
    const doc = compliantEvidence();
    change(parts(doc), doc);
    return doc;
  };
}

/**
 * The compliant document moved to another partition and region (e.g. GovCloud): every ARN, the
 * region and the bucket policy follow, so a correct policy of that partition must still pass.
 */
export function compliantEvidenceIn(partition: string, region: string): EvidenceDocument {
  const text = JSON.stringify(compliantEvidence())
    .replaceAll(`arn:aws:`, `arn:${partition}:`)
    .replaceAll(REGION, region);
  return JSON.parse(text) as EvidenceDocument;
}

export const OTHER_INSTANCE_ID = '22222222-3333-4444-8555-666666666666';

/**
 * Adds another instance to the compliant document's region, listed by ListInstances. `described`:
 * `true` (default) adds its evidence too, `'denied'` records DescribeInstance as AccessDenied, `false`
 * leaves it listed only (as when it was out of scope). Without `identity` its type is unknown.
 */
export function addInstance(doc: EvidenceDocument, options: { id?: string; identity?: string; described?: boolean | 'denied' } = {}): string {
  const id = options.id ?? OTHER_INSTANCE_ID;
  const { region, instance } = parts(doc);
  const summary = {
    Id: id,
    Arn: `arn:aws:connect:${REGION}:${ACCOUNT}:instance/${id}`,
    ...(options.identity ? { IdentityManagementType: options.identity } : {}),
    InstanceAlias: `other-${id.slice(0, 8)}`,
    InstanceStatus: 'ACTIVE',
  };
  if (region.listInstances?.status === 'ok') region.listInstances.response.push(summary);
  const described = options.described ?? true;
  if (described !== false) {
    region.instances[id] = {
      ...structuredClone(instance),
      describeInstance: described === 'denied' ? failed('AccessDeniedException', 400) : ok({ Instance: { ...summary, InstanceAccessUrl: `https://other-${id.slice(0, 8)}.my.connect.aws/` } }),
    };
  }
  return id;
}

/** The rule as it judges one instance only, so a case with several instances still checks a single finding. */
export function onInstance(rule: Rule, instanceId: string): Rule {
  return { meta: rule.meta, evaluate: (ctx) => (ctx.instanceId === instanceId ? rule.evaluate(ctx) : []) };
}

// ---- Every destination kind Connect writes to (issue 10) ---------------------------------------

export const STREAM_ARN = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/connect-ctr`;
export const FIREHOSE_ARN = `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/connect-agent-events`;
export const ARCHIVE_BUCKET = 'ctr-archive-bucket';
export const SERVICE_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_abc123`;
export const MEDIA_PREFIX = 'media-test';
export const FLOW_LOG_GROUP = '/aws/connect/test-instance';

/** A compliant Firehose S3 destination description: the bucket, and the key Firehose names. */
export function s3Destination(bucket = ARCHIVE_BUCKET, keyArn: string | null = KEY_ARN) {
  return {
    RoleARN: `arn:aws:iam::${ACCOUNT}:role/firehose-delivery`,
    BucketARN: `arn:aws:s3:::${bucket}`,
    Prefix: 'ctr/',
    CompressionFormat: 'UNCOMPRESSED',
    EncryptionConfiguration: keyArn ? { KMSEncryptionConfig: { AWSKMSKeyARN: keyArn } } : { NoEncryptionConfig: 'NoEncryption' },
  };
}

/**
 * The compliant document with every kind of destination: contact trace records to a Kinesis data
 * stream, agent events to a Firehose delivering to a second bucket, media streams to Kinesis Video,
 * flow logs on — all under the customer key, which has Connect's grant for its service role.
 */
export function compliantStreamsEvidence(): EvidenceDocument {
  const doc = compliantEvidence();
  const { account, instance, bucket } = parts(doc);
  const configs = instance.storageConfigs as Record<string, unknown>;
  configs.CONTACT_TRACE_RECORDS = ok([{ AssociationId: 'assoc-ctr', StorageType: 'KINESIS_STREAM', KinesisStreamConfig: { StreamArn: STREAM_ARN } }]);
  configs.AGENT_EVENTS = ok([{ AssociationId: 'assoc-ae', StorageType: 'KINESIS_FIREHOSE', KinesisFirehoseConfig: { FirehoseArn: FIREHOSE_ARN } }]);
  configs.MEDIA_STREAMS = ok([
    { AssociationId: 'assoc-media', StorageType: 'KINESIS_VIDEO_STREAM', KinesisVideoStreamConfig: { Prefix: MEDIA_PREFIX, RetentionPeriodHours: 24, EncryptionConfig: { EncryptionType: 'KMS', KeyId: KEY_ARN } } },
  ]);
  instance.attributes = ok([{ AttributeType: 'CONTACTFLOW_LOGS', Value: 'true' }]);
  instance.contactFlowLogGroups = ok([
    { logGroupName: FLOW_LOG_GROUP, logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${FLOW_LOG_GROUP}`, kmsKeyId: KEY_ARN, retentionInDays: 365, creationTime: 1767600000000 },
  ]);
  instance.videoStreams = {
    [MEDIA_PREFIX]: ok({
      StreamInfoList: [
        { StreamName: `${MEDIA_PREFIX}-connect-test-instance-contact-0001`, StreamARN: `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:stream/${MEDIA_PREFIX}-connect-test-instance-contact-0001/1767600000000`, KmsKeyId: KEY_ARN, Status: 'ACTIVE', DataRetentionInHours: 24 },
      ],
    }),
  };
  account.kinesisStreams = {
    [STREAM_ARN]: {
      describeStreamSummary: ok({ StreamDescriptionSummary: { StreamName: 'connect-ctr', StreamARN: STREAM_ARN, StreamStatus: 'ACTIVE', RetentionPeriodHours: 24, EncryptionType: 'KMS', KeyId: KEY_ARN, OpenShardCount: 1 } }),
    },
  };
  account.deliveryStreams = {
    [FIREHOSE_ARN]: {
      describeDeliveryStream: ok({
        DeliveryStreamDescription: {
          DeliveryStreamName: 'connect-agent-events',
          DeliveryStreamARN: FIREHOSE_ARN,
          DeliveryStreamStatus: 'ACTIVE',
          DeliveryStreamType: 'DirectPut',
          DeliveryStreamEncryptionConfiguration: { KeyARN: KEY_ARN, KeyType: 'CUSTOMER_MANAGED_CMK', Status: 'ENABLED' },
          Destinations: [{ DestinationId: 'destinationId-000000000001', S3DestinationDescription: s3Destination(), ExtendedS3DestinationDescription: s3Destination() }],
          HasMoreDestinations: false,
        },
      }),
    },
  };
  account.buckets[ARCHIVE_BUCKET] = { ...structuredClone(bucket), policy: ok({ Policy: tlsPolicy(ARCHIVE_BUCKET) }) };
  return doc;
}

/** The streams document with one change applied to its parts. */
export function streamsChanged(change: (p: EvidenceParts, doc: EvidenceDocument) => void): () => EvidenceDocument {
  return () => {
    const doc = compliantStreamsEvidence();
    change(parts(doc), doc);
    return doc;
  };
}
