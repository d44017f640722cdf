/**
 * Test helper: reads every call recorded in an evidence document back through the real SDK clients
 * pointed at the emulator, and checks each answer is what was recorded (the response, or an error
 * whose name is the recorded code).
 */
import { paginateDescribeLogGroups } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeInstanceCommand,
  paginateListApprovedOrigins,
  paginateListInstanceAttributes,
  paginateListInstanceStorageConfigs,
  paginateListInstances,
} from '@aws-sdk/client-connect';
import {
  DescribeLDAPSSettingsCommand,
  DescribeSettingsCommand,
  paginateDescribeDirectories,
  paginateDescribeTrusts,
  paginateListCertificates,
} from '@aws-sdk/client-directory-service';
import { DescribeDeliveryStreamCommand, type DeliveryStreamDescription } from '@aws-sdk/client-firehose';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { paginateListStreams } from '@aws-sdk/client-kinesis-video';
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  paginateListAliases,
  paginateListGrants,
  paginateListKeyRotations,
} from '@aws-sdk/client-kms';
import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  paginateListBuckets,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import { expect } from 'vitest';
import { arnRegionAndAccount, contactFlowLogGroupName } from '../../src/evidence/aws-names.js';
import type { Call, EvidenceDocument } from '../../src/evidence/model.js';
import { allPages, credentialsOf, sdkClients } from './sdk.js';
import type { Emulator } from './types.js';

const TIMESTAMP = /(Time|Date|DateTime|Timestamp|ValidTo)$/;

/** Dates (SDK) and ISO strings (evidence) both become canonical ISO strings; `$metadata` is dropped. */
function normalize(value: unknown, key = ''): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' && TIMESTAMP.test(key) && Number.isFinite(Date.parse(value))) return new Date(value).toISOString();
  if (Array.isArray(value)) return value.map((v) => normalize(v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k, v]) => k !== '$metadata' && v !== undefined)
        .map(([k, v]) => [k, normalize(v, k)]),
    );
  }
  return value;
}

type Outcome = { ok: unknown } | { error: string };

async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await run() };
  } catch (error) {
    return { error: (error as { name: string }).name };
  }
}

/** The SDK answer matches the record: same error code, or every field the SDK parsed equals the recorded one. */
function expectAnswered<T>(where: string, call: Call<T>, got: Outcome): void {
  if (call.status === 'ok') {
    expect('ok' in got ? 'ok' : `error ${(got as { error: string }).error}`, where).toBe('ok');
    if ('ok' in got) expect(normalize(call.response), where).toMatchObject(normalize(got.ok) as object);
  } else {
    const code = call.status === 'absent' ? call.code : call.error.code;
    expect('error' in got ? got.error : 'answered', where).toBe(code);
  }
}

export async function expectServedAsRecorded(emulator: Emulator, state: EvidenceDocument): Promise<number> {
  let checked = 0;
  const check = async <T>(where: string, call: Call<T> | undefined, run: () => Promise<unknown>) => {
    if (!call) return;
    expectAnswered(where, call, await outcome(run));
    checked += 1;
  };
  for (const account of state.accounts) {
    const credentials = credentialsOf(account.accountId);
    for (const region of account.regions) {
      const { connect, ds, kinesisVideo, logs } = sdkClients(emulator, region.region, credentials);
      const at = `${account.accountId}/${region.region}`;
      await check(`${at} ListInstances`, region.listInstances, async () =>
        (await allPages(paginateListInstances({ client: connect }, {}))).flatMap((p) => p.InstanceSummaryList ?? []),
      );
      for (const [id, instance] of Object.entries(region.instances)) {
        const InstanceId = id;
        await check(`${at} DescribeInstance ${id}`, instance.describeInstance, () => connect.send(new DescribeInstanceCommand({ InstanceId })));
        for (const [ResourceType, call] of Object.entries(instance.storageConfigs)) {
          await check(`${at} ListInstanceStorageConfigs ${id} ${ResourceType}`, call, async () =>
            (await allPages(paginateListInstanceStorageConfigs({ client: connect }, { InstanceId, ResourceType: ResourceType as never }))).flatMap(
              (p) => p.StorageConfigs ?? [],
            ),
          );
        }
        await check(`${at} ListApprovedOrigins ${id}`, instance.approvedOrigins, async () =>
          (await allPages(paginateListApprovedOrigins({ client: connect }, { InstanceId }))).flatMap((p) => p.Origins ?? []),
        );
        await check(`${at} ListInstanceAttributes ${id}`, instance.attributes, async () =>
          (await allPages(paginateListInstanceAttributes({ client: connect }, { InstanceId }))).flatMap((p) => p.Attributes ?? []),
        );
        for (const [ComparisonValue, call] of Object.entries(instance.videoStreams ?? {})) {
          await check(`${at} kinesisvideo:ListStreams ${id} ${ComparisonValue}`, call, async () => ({
            StreamInfoList: (
              await allPages(paginateListStreams({ client: kinesisVideo }, { StreamNameCondition: { ComparisonOperator: 'BEGINS_WITH', ComparisonValue } }))
            ).flatMap((p) => p.StreamInfoList ?? []),
          }));
        }
        const alias = instance.describeInstance.status === 'ok' ? instance.describeInstance.response.Instance.InstanceAlias : undefined;
        if (alias) {
          await check(`${at} logs:DescribeLogGroups ${id}`, instance.contactFlowLogGroups, async () =>
            (await allPages(paginateDescribeLogGroups({ client: logs }, { logGroupNamePrefix: contactFlowLogGroupName(alias) }))).flatMap((p) => p.logGroups ?? []),
          );
        }
      }
      await check(`${at} DescribeDirectories`, region.describeDirectories, async () =>
        (await allPages(paginateDescribeDirectories({ client: ds }, {}))).flatMap((p) => p.DirectoryDescriptions ?? []),
      );
      for (const [DirectoryId, directory] of Object.entries(region.directories)) {
        await check(`${at} DescribeLDAPSSettings ${DirectoryId}`, directory.ldapsSettings, async () => {
          const out: unknown[] = [];
          let NextToken: string | undefined;
          do {
            const page = await ds.send(new DescribeLDAPSSettingsCommand({ DirectoryId, Type: 'Client', NextToken }));
            out.push(...(page.LDAPSSettingsInfo ?? []));
            NextToken = page.NextToken;
          } while (NextToken);
          return out;
        });
        await check(`${at} ListCertificates ${DirectoryId}`, directory.certificates, async () =>
          (await allPages(paginateListCertificates({ client: ds }, { DirectoryId }))).flatMap((p) => p.CertificatesInfo ?? []),
        );
        await check(`${at} DescribeSettings ${DirectoryId}`, directory.settings, async () => {
          const out: unknown[] = [];
          let NextToken: string | undefined;
          do {
            const page = await ds.send(new DescribeSettingsCommand({ DirectoryId, NextToken }));
            out.push(...(page.SettingEntries ?? []));
            NextToken = page.NextToken;
          } while (NextToken);
          return out;
        });
        await check(`${at} DescribeTrusts ${DirectoryId}`, directory.trusts, async () =>
          (await allPages(paginateDescribeTrusts({ client: ds }, { DirectoryId }))).flatMap((p) => p.Trusts ?? []),
        );
      }
    }

    const firstRegion = account.regions[0]?.region ?? 'us-east-1';
    const { s3, s3control } = sdkClients(emulator, firstRegion, credentials);
    await check(`${account.accountId} s3control:GetPublicAccessBlock`, account.publicAccessBlock, () =>
      s3control.send(new GetAccountPublicAccessBlockCommand({ AccountId: account.accountId })),
    );
    await check(`${account.accountId} ListBuckets`, account.listBuckets, async () =>
      (await allPages(paginateListBuckets({ client: s3 }, {}))).flatMap((p) => p.Buckets ?? []),
    );
    for (const [Bucket, bucket] of Object.entries(account.buckets)) {
      const input = { Bucket, ExpectedBucketOwner: bucket.expectedBucketOwner };
      const at = `${account.accountId} s3://${Bucket}`;
      await check(`${at} GetBucketLocation`, bucket.location, () => s3.send(new GetBucketLocationCommand(input)));
      await check(`${at} GetBucketLocation (no owner)`, bucket.ownerProbe, () => s3.send(new GetBucketLocationCommand({ Bucket })));
      await check(`${at} GetBucketEncryption`, bucket.encryption, () => s3.send(new GetBucketEncryptionCommand(input)));
      await check(`${at} GetBucketPolicy`, bucket.policy, () => s3.send(new GetBucketPolicyCommand(input)));
      await check(`${at} GetBucketPolicyStatus`, bucket.policyStatus, () => s3.send(new GetBucketPolicyStatusCommand(input)));
      await check(`${at} GetPublicAccessBlock`, bucket.publicAccessBlock, () => s3.send(new GetPublicAccessBlockCommand(input)));
      await check(`${at} GetBucketOwnershipControls`, bucket.ownershipControls, () => s3.send(new GetBucketOwnershipControlsCommand(input)));
      await check(`${at} GetBucketAcl`, bucket.acl, () => s3.send(new GetBucketAclCommand(input)));
      await check(`${at} HeadBucket (no owner)`, bucket.headBucket, () => s3.send(new HeadBucketCommand({ Bucket })));
    }

    for (const key of Object.values(account.keys)) {
      const { kms } = sdkClients(emulator, key.region, credentials);
      const KeyId = key.reference;
      const at = `${account.accountId} ${key.region} ${KeyId}`;
      await check(`${at} DescribeKey`, key.describeKey, () => kms.send(new DescribeKeyCommand({ KeyId })));
      await check(`${at} GetKeyRotationStatus`, key.rotation, () => kms.send(new GetKeyRotationStatusCommand({ KeyId })));
      await check(`${at} GetKeyPolicy`, key.keyPolicy, () => kms.send(new GetKeyPolicyCommand({ KeyId })));
      await check(`${at} ListAliases`, key.aliases, async () =>
        (await allPages(paginateListAliases({ client: kms }, { KeyId }))).flatMap((p) => p.Aliases ?? []),
      );
      await check(`${at} ListKeyRotations`, key.rotations, async () =>
        (await allPages(paginateListKeyRotations({ client: kms }, { KeyId }))).flatMap((p) => p.Rotations ?? []),
      );
      await check(`${at} ListGrants`, key.grants, async () => (await allPages(paginateListGrants({ client: kms }, { KeyId }))).flatMap((p) => p.Grants ?? []));
    }

    // Streams answer in their ARN's region, to the account the record was read as.
    const streamClients = (arn: string, readAs: string | undefined) =>
      sdkClients(emulator, arnRegionAndAccount(arn)?.region ?? firstRegion, credentialsOf(readAs ?? account.accountId));
    for (const [StreamARN, stream] of Object.entries(account.kinesisStreams ?? {})) {
      const { kinesis } = streamClients(StreamARN, stream.readAs);
      await check(`${account.accountId} DescribeStreamSummary ${StreamARN}`, stream.describeStreamSummary, () => kinesis.send(new DescribeStreamSummaryCommand({ StreamARN })));
    }
    for (const [arn, delivery] of Object.entries(account.deliveryStreams ?? {})) {
      const { firehose } = streamClients(arn, delivery.readAs);
      const DeliveryStreamName = arn.split('/').pop() ?? arn;
      await check(`${account.accountId} DescribeDeliveryStream ${arn}`, delivery.describeDeliveryStream, async () => {
        let joined: DeliveryStreamDescription | undefined;
        let ExclusiveStartDestinationId: string | undefined;
        do {
          const page = (await firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName, ExclusiveStartDestinationId }))).DeliveryStreamDescription;
          joined = { ...page, ...joined, Destinations: [...(joined?.Destinations ?? []), ...(page?.Destinations ?? [])], HasMoreDestinations: page?.HasMoreDestinations } as DeliveryStreamDescription;
          ExclusiveStartDestinationId = page?.HasMoreDestinations ? page.Destinations?.at(-1)?.DestinationId : undefined;
        } while (ExclusiveStartDestinationId);
        return { DeliveryStreamDescription: joined };
      });
    }
  }
  return checked;
}
