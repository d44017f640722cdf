/**
 * The real AWS SDK clients pointed at the emulator, and the small helpers the emulator's tests share.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ConnectClient } from '@aws-sdk/client-connect';
import { DirectoryServiceClient } from '@aws-sdk/client-directory-service';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll } from 'vitest';
import { testState } from './fixture.js';
import { startEmulator } from './server.js';
import type { Emulator, EmulatorOptions } from './types.js';

/**
 * A starter of emulators for one test file: on the test fixture unless told otherwise, Connect
 * unthrottled, all closed after the file's tests.
 */
export function emulatorStarter(): (options?: Partial<EmulatorOptions>) => Promise<Emulator> {
  const running: Emulator[] = [];
  afterAll(async () => {
    await Promise.all(running.map((e) => e.close()));
  });
  return async (options = {}) => {
    const emulator = await startEmulator({ state: testState(), connectRate: false, ...options });
    running.push(emulator);
    return emulator;
  };
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Access key `AKID<account>`: the emulator acts as that account. */
export function credentialsOf(account: string): Credentials {
  return { accessKeyId: `AKID${account}`, secretAccessKey: 'x' };
}

export function sdkClients(emulator: Emulator, region: string, credentials: Credentials) {
  const config = { endpoint: emulator.url, region, credentials, maxAttempts: 1 };
  const url = new URL(emulator.url);
  const { endpoint: _endpoint, ...withoutEndpoint } = config;
  return {
    connect: new ConnectClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    // S3 Control's endpoint rules prefix the host with the account id, even for a custom endpoint.
    s3control: new S3ControlClient({ ...withoutEndpoint, endpointProvider: () => ({ url }) }),
    kms: new KMSClient(config),
    ds: new DirectoryServiceClient(config),
    sts: new STSClient(config),
    organizations: new OrganizationsClient(config),
    kinesisVideo: new KinesisVideoClient(config),
    logs: new CloudWatchLogsClient(config),
    // HTTP/1.1, as the collector's Kinesis client (its default is HTTP/2, which the emulator does not speak).
    kinesis: new KinesisClient({ ...config, requestHandler: new NodeHttpHandler() }),
    firehose: new FirehoseClient(config),
  };
}

export interface SdkError {
  name: string;
  message: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
}

export async function failure(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail');
}

export async function allPages<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}
