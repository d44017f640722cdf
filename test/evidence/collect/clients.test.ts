import { describe, expect, it, vi } from 'vitest';
import {
  ClientFactory,
  endpointOverride,
  memoizeCredentials,
  s3NeedsPathStyle,
  type AwsCredentialIdentityProvider,
} from '../../../src/evidence/collect/clients.js';

describe('s3NeedsPathStyle', () => {
  it.each([
    [{ endpointUrl: 'http://127.0.0.1:4566', env: {} }, true],
    [{ env: { AWS_ENDPOINT_URL: 'http://localhost:4566' } }, true],
    [{ env: { AWS_ENDPOINT_URL_S3: 'http://localhost:4566' } }, true],
    [{ env: { AWS_ENDPOINT_URL_KMS: 'http://localhost:4566' } }, false],
    [{ env: { AWS_ENDPOINT_URL: 'http://localhost:4566', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' } }, false],
    [{ env: {} }, false],
  ])('%j → %s', (settings, expected) => {
    expect(s3NeedsPathStyle(settings)).toBe(expected);
  });
});

describe('endpointOverride', () => {
  it.each([
    [{ endpointUrl: 'http://127.0.0.1:1', env: { AWS_ENDPOINT_URL_S3_CONTROL: 'http://127.0.0.1:2' } }, 'http://127.0.0.1:1'],
    [{ env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:3', AWS_ENDPOINT_URL_S3_CONTROL: 'http://127.0.0.1:2' } }, 'http://127.0.0.1:2'],
    [{ env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:3', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4' } }, 'http://127.0.0.1:3'],
    [{ env: { AWS_ENDPOINT_URL_S3_CONTROL: 'http://127.0.0.1:2', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE' } }, undefined],
    [{ env: {} }, undefined],
  ])('%j → %s for S3 Control', (settings, expected) => {
    expect(endpointOverride(settings, 'S3_CONTROL')).toBe(expected);
  });
});

describe('memoizeCredentials', () => {
  it('fetches once, again near expiry, and again after a failure', async () => {
    let now = 0;
    let calls = 0;
    const provider = vi.fn(async () => {
      calls += 1;
      if (calls === 3) throw new Error('sso expired');
      return { accessKeyId: `AKID${calls}`, secretAccessKey: 's', expiration: new Date(now + 60 * 60_000) };
    });
    const memoized = memoizeCredentials(provider as unknown as AwsCredentialIdentityProvider, () => now);
    expect((await memoized()).accessKeyId).toBe('AKID1');
    expect((await memoized()).accessKeyId).toBe('AKID1');
    expect(provider).toHaveBeenCalledTimes(1);
    now = 56 * 60_000; // within five minutes of expiry
    expect((await memoized()).accessKeyId).toBe('AKID2');
    now = 200 * 60_000;
    await expect(memoized()).rejects.toThrow('sso expired');
    expect((await memoized()).accessKeyId).toBe('AKID4');
  });
});

describe('ClientFactory', () => {
  const credentials = vi.fn(async () => ({ accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }));

  it('builds one client per service and region, with retries left to the scheduler', async () => {
    const factory = new ClientFactory({ endpointUrl: 'http://127.0.0.1:9', credentials, env: {} });
    try {
      const east = await factory.s3('us-east-1');
      expect(await factory.s3('us-east-1')).toBe(east);
      const west = await factory.s3('eu-west-1');
      expect(west.client).not.toBe(east.client);
      expect(await west.client.config.region()).toBe('eu-west-1');
      expect(await west.client.config.maxAttempts()).toBe(1);
      expect(west.client.config.forcePathStyle).toBe(true);
      const endpoint = await west.client.config.endpoint?.();
      expect(endpoint?.hostname).toBe('127.0.0.1');
      const kms = await factory.kms('us-east-1');
      expect(await kms.client.config.maxAttempts()).toBe(1);
    } finally {
      factory.destroy();
    }
  });

  // S3 Control's rules put the account id in front of any host, a custom one included.
  const endpointParams = { Region: 'us-east-1', AccountId: '111111111111', RequiresAccountId: true, UseFIPS: false, UseDualStack: false };

  it('points S3 Control at an overridden endpoint as it is, without the account prefix', async () => {
    for (const settings of [{ endpointUrl: 'http://127.0.0.1:9' }, { env: { AWS_ENDPOINT_URL_S3_CONTROL: 'http://127.0.0.1:9' } }]) {
      const factory = new ClientFactory({ credentials, env: {}, ...settings });
      try {
        const { client } = await factory.s3control('us-east-1');
        expect(client.config.endpointProvider(endpointParams).url.href).toBe('http://127.0.0.1:9/');
        expect(await client.config.maxAttempts()).toBe(1);
      } finally {
        factory.destroy();
      }
    }
  });

  it('leaves S3 Control on its endpoint rules against AWS itself', async () => {
    const factory = new ClientFactory({ credentials, env: {} });
    try {
      const { client } = await factory.s3control('eu-west-1');
      expect(client.config.endpointProvider({ ...endpointParams, Region: 'eu-west-1' }).url.hostname).toBe('111111111111.s3-control.eu-west-1.amazonaws.com');
    } finally {
      factory.destroy();
    }
  });

  it('does not force path-style addressing against AWS itself', async () => {
    const factory = new ClientFactory({ credentials, env: {} });
    try {
      const { client } = await factory.s3('us-east-1');
      expect(client.config.forcePathStyle ?? false).toBe(false);
    } finally {
      factory.destroy();
    }
  });

  it('resolves the given credentials once for all clients', async () => {
    credentials.mockClear();
    const factory = new ClientFactory({ endpointUrl: 'http://127.0.0.1:9', credentials, env: {} });
    try {
      const clients = [await factory.connect('us-east-1'), await factory.s3('eu-west-1'), await factory.kms('us-east-1'), await factory.ds('us-east-1')];
      for (const { client } of clients) {
        const identity = await client.config.credentials();
        expect(identity.accessKeyId).toBe('AKIDTEST');
      }
      expect(credentials).toHaveBeenCalledTimes(1);
    } finally {
      factory.destroy();
    }
  });
});
