/**
 * SDK clients, one per service and region, created on first use. The SDK packages are loaded with
 * dynamic `import()` here and nowhere else, so commands that never talk to AWS never load them.
 *
 * Retries are the scheduler's (`maxAttempts: 1`), and so is pacing: every client gets the send-time
 * middleware of pacing.ts. Credentials come from the standard chain (with
 * `profile`), resolved once and shared by every client, unless the caller passes its own provider.
 */
import type * as LogsSdk from '@aws-sdk/client-cloudwatch-logs';
import type * as ConnectSdk from '@aws-sdk/client-connect';
import type * as DirectorySdk from '@aws-sdk/client-directory-service';
import type * as FirehoseSdk from '@aws-sdk/client-firehose';
import type * as KinesisSdk from '@aws-sdk/client-kinesis';
import type * as KinesisVideoSdk from '@aws-sdk/client-kinesis-video';
import type * as KmsSdk from '@aws-sdk/client-kms';
import type * as OrganizationsSdk from '@aws-sdk/client-organizations';
import type * as S3Sdk from '@aws-sdk/client-s3';
import type * as S3ControlSdk from '@aws-sdk/client-s3-control';
import type * as SecurityHubSdk from '@aws-sdk/client-securityhub';
import type * as StsSdk from '@aws-sdk/client-sts';
import { installSendPacing, type MiddlewareStackLike } from './pacing.js';

/** A function returning credentials (what the SDK calls an AwsCredentialIdentityProvider). */
export type AwsCredentialIdentityProvider = Extract<NonNullable<StsSdk.STSClientConfig['credentials']>, (...args: never[]) => unknown>;

export interface ClientSettings {
  /** The run's connection pool, shared by every client of every account (default: one per client, the SDK's). */
  transport?: Transport | undefined;
  profile?: string | undefined;
  /** --endpoint-url: every client talks to it. */
  endpointUrl?: string | undefined;
  credentials?: AwsCredentialIdentityProvider | undefined;
  /** Environment consulted for endpoint overrides (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>). */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

export interface Loaded<C, M> {
  client: C;
  sdk: M;
}

interface Destroyable {
  destroy(): void;
  middlewareStack: MiddlewareStackLike;
}

/**
 * The endpoint override a client of the service gets, as the SDK resolves it: --endpoint-url, else
 * `AWS_ENDPOINT_URL_<service>`, else `AWS_ENDPOINT_URL`, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
 * is true. `envSuffix` is the SDK's serviceId upper-cased with spaces as `_` (S3, S3_CONTROL).
 */
export function endpointOverride(settings: ClientSettings, envSuffix: string): string | undefined {
  if (settings.endpointUrl) return settings.endpointUrl;
  const env = settings.env ?? {};
  if (/^true$/i.test(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '')) return undefined;
  return env[`AWS_ENDPOINT_URL_${envSuffix}`] || env.AWS_ENDPOINT_URL || undefined;
}

/**
 * S3 must address buckets by path when the endpoint is overridden: a local endpoint has no
 * per-bucket DNS names.
 */
export function s3NeedsPathStyle(settings: ClientSettings): boolean {
  return endpointOverride(settings, 'S3') !== undefined;
}

/** Credentials this close to expiry are fetched again. */
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

/**
 * One credentials fetch shared by every client (an assume-role provider would otherwise run once per
 * client), fetched again shortly before they expire or after a failure.
 */
export function memoizeCredentials(provider: AwsCredentialIdentityProvider, now: () => number = Date.now): AwsCredentialIdentityProvider {
  let cached: ReturnType<AwsCredentialIdentityProvider> | undefined;
  let expiresAt = Infinity;
  const memoized = ((...args: Parameters<AwsCredentialIdentityProvider>) => {
    if (!cached || now() >= expiresAt - REFRESH_BEFORE_EXPIRY_MS) {
      const pending = provider(...args);
      cached = pending;
      expiresAt = Infinity;
      pending.then(
        (identity) => {
          if (cached === pending) expiresAt = identity.expiration?.getTime() ?? Infinity;
        },
        () => {
          if (cached === pending) cached = undefined;
        },
      );
    }
    return cached;
  }) as AwsCredentialIdentityProvider;
  return memoized;
}

/**
 * One pool of keep-alive connections for every client of a run, all accounts included. Each SDK client
 * otherwise has its own pool, so a run over 1,000 accounts × 3 regions opened a connection (against
 * AWS, a TLS handshake) per account, service and region: 13,448 for 40,140 requests in the benchmark.
 * Requests of different accounts may share a connection: each is signed on its own. A client's
 * `destroy()` leaves the pool alone (its handler would close every account's sockets); `close()` ends
 * it. Idle keep-alive sockets do not keep the process alive (Node unrefs them).
 */
export class Transport {
  private loading: Promise<void> | undefined;
  private end: (() => void) | undefined;
  private create: (() => unknown) | undefined;
  private closed = false;

  /** Loads the HTTP handler and opens the pool; call before `requestHandler()`. */
  ready(): Promise<void> {
    this.loading ??= Promise.all([import('@smithy/node-http-handler'), import('node:http'), import('node:https')]).then(([handlers, http, https]) => {
      class HttpPool extends http.Agent {
        override destroy(): void {}
        end(): void {
          super.destroy();
        }
      }
      class HttpsPool extends https.Agent {
        override destroy(): void {}
        end(): void {
          super.destroy();
        }
      }
      const httpAgent = new HttpPool({ keepAlive: true });
      const httpsAgent = new HttpsPool({ keepAlive: true });
      this.end = () => {
        httpAgent.end();
        httpsAgent.end();
      };
      this.create = () => new handlers.NodeHttpHandler({ httpAgent, httpsAgent });
      if (this.closed) this.end();
    });
    return this.loading;
  }

  /** A request handler on the pool (undefined before `ready()` resolved). */
  requestHandler(): unknown {
    return this.create?.();
  }

  close(): void {
    this.closed = true;
    this.end?.();
  }
}

export class ClientFactory {
  private readonly cache = new Map<string, Promise<Loaded<Destroyable, unknown>>>();
  private readonly created: Destroyable[] = [];
  private sharedCredentials: AwsCredentialIdentityProvider | undefined;
  private destroyed = false;

  constructor(private readonly settings: ClientSettings) {
    this.sharedCredentials = settings.credentials ? memoizeCredentials(settings.credentials) : undefined;
  }

  connect(region: string): Promise<Loaded<ConnectSdk.ConnectClient, typeof ConnectSdk>> {
    return this.cached('connect', region, async () => {
      const sdk = await import('@aws-sdk/client-connect');
      return { sdk, client: new sdk.ConnectClient(this.baseConfig(region)) };
    });
  }

  s3(region: string): Promise<Loaded<S3Sdk.S3Client, typeof S3Sdk>> {
    return this.cached('s3', region, async () => {
      const sdk = await import('@aws-sdk/client-s3');
      const config: S3Sdk.S3ClientConfig = { ...this.baseConfig(region), followRegionRedirects: true };
      if (s3NeedsPathStyle(this.settings)) config.forcePathStyle = true;
      return { sdk, client: new sdk.S3Client(config) };
    });
  }

  /**
   * S3 Control's endpoint rules put the account id in front of the host (`<account>.s3-control...`)
   * even for an overridden endpoint and with `disableHostPrefix`, which a local endpoint cannot
   * resolve: under an override the client gets an endpoint provider answering the override itself.
   */
  s3control(region: string): Promise<Loaded<S3ControlSdk.S3ControlClient, typeof S3ControlSdk>> {
    return this.cached('s3control', region, async () => {
      const sdk = await import('@aws-sdk/client-s3-control');
      const config: S3ControlSdk.S3ControlClientConfig = this.baseConfig(region);
      const override = endpointOverride(this.settings, 'S3_CONTROL');
      if (override !== undefined) {
        const url = new URL(override);
        config.endpointProvider = () => ({ url });
      }
      return { sdk, client: new sdk.S3ControlClient(config) };
    });
  }

  kms(region: string): Promise<Loaded<KmsSdk.KMSClient, typeof KmsSdk>> {
    return this.cached('kms', region, async () => {
      const sdk = await import('@aws-sdk/client-kms');
      return { sdk, client: new sdk.KMSClient(this.baseConfig(region)) };
    });
  }

  kinesisVideo(region: string): Promise<Loaded<KinesisVideoSdk.KinesisVideoClient, typeof KinesisVideoSdk>> {
    return this.cached('kinesisvideo', region, async () => {
      const sdk = await import('@aws-sdk/client-kinesis-video');
      return { sdk, client: new sdk.KinesisVideoClient(this.baseConfig(region)) };
    });
  }

  logs(region: string): Promise<Loaded<LogsSdk.CloudWatchLogsClient, typeof LogsSdk>> {
    return this.cached('logs', region, async () => {
      const sdk = await import('@aws-sdk/client-cloudwatch-logs');
      return { sdk, client: new sdk.CloudWatchLogsClient(this.baseConfig(region)) };
    });
  }

  ds(region: string): Promise<Loaded<DirectorySdk.DirectoryServiceClient, typeof DirectorySdk>> {
    return this.cached('ds', region, async () => {
      const sdk = await import('@aws-sdk/client-directory-service');
      return { sdk, client: new sdk.DirectoryServiceClient(this.baseConfig(region)) };
    });
  }

  /**
   * Kinesis's SDK client defaults to an HTTP/2 handler, only because SubscribeToShard is an HTTP/2
   * event stream; DescribeStreamSummary is a plain awsJson1_1 request the Kinesis endpoint answers
   * over HTTP/1.1 too. The client gets the HTTP/1.1 handler every other client uses, so one transport
   * (keep-alive agent, TLS, proxies, an http:// endpoint override) serves the whole run, and no
   * h2c is needed against a local endpoint.
   */
  kinesis(region: string): Promise<Loaded<KinesisSdk.KinesisClient, typeof KinesisSdk>> {
    return this.cached('kinesis', region, async () => {
      const [sdk, http] = await Promise.all([import('@aws-sdk/client-kinesis'), import('@smithy/node-http-handler')]);
      const config = this.baseConfig(region);
      return { sdk, client: new sdk.KinesisClient({ ...config, requestHandler: config.requestHandler ?? new http.NodeHttpHandler() }) };
    });
  }

  firehose(region: string): Promise<Loaded<FirehoseSdk.FirehoseClient, typeof FirehoseSdk>> {
    return this.cached('firehose', region, async () => {
      const sdk = await import('@aws-sdk/client-firehose');
      return { sdk, client: new sdk.FirehoseClient(this.baseConfig(region)) };
    });
  }

  /** Security Hub, for `export security-hub` and `audit --to-security-hub` only (never by a collection). */
  securityHub(region: string): Promise<Loaded<SecurityHubSdk.SecurityHubClient, typeof SecurityHubSdk>> {
    return this.cached('securityhub', region, async () => {
      const sdk = await import('@aws-sdk/client-securityhub');
      return { sdk, client: new sdk.SecurityHubClient(this.baseConfig(region)) };
    });
  }

  sts(region: string): Promise<Loaded<StsSdk.STSClient, typeof StsSdk>> {
    return this.cached('sts', region, async () => {
      const sdk = await import('@aws-sdk/client-sts');
      return { sdk, client: new sdk.STSClient(this.baseConfig(region)) };
    });
  }

  /** Organizations is a global service: the SDK sends every region's calls to its one endpoint. */
  organizations(region: string): Promise<Loaded<OrganizationsSdk.OrganizationsClient, typeof OrganizationsSdk>> {
    return this.cached('organizations', region, async () => {
      const sdk = await import('@aws-sdk/client-organizations');
      return { sdk, client: new sdk.OrganizationsClient(this.baseConfig(region)) };
    });
  }

  /** Closes every client's connections. */
  destroy(): void {
    this.destroyed = true;
    for (const client of this.created.splice(0)) client.destroy();
  }

  private baseConfig(region: string) {
    const requestHandler = this.settings.transport?.requestHandler() as KmsSdk.KMSClientConfig['requestHandler'];
    return {
      region,
      maxAttempts: 1,
      ...(requestHandler ? { requestHandler } : {}),
      ...(this.settings.profile ? { profile: this.settings.profile } : {}),
      ...(this.settings.endpointUrl ? { endpoint: this.settings.endpointUrl } : {}),
      ...(this.sharedCredentials ? { credentials: this.sharedCredentials } : {}),
    };
  }

  private cached<C extends Destroyable, M>(service: string, region: string, create: () => Promise<Loaded<C, M>>): Promise<Loaded<C, M>> {
    const key = `${service}|${region}`;
    let entry = this.cache.get(key);
    if (!entry) {
      const transport = this.settings.transport;
      entry = (transport ? transport.ready().then(create) : create()).then((loaded) => {
        if (this.destroyed) {
          loaded.client.destroy();
          throw new Error('The client factory was closed.');
        }
        this.created.push(loaded.client);
        installSendPacing(loaded.client);
        this.shareCredentials(loaded.client);
        return loaded;
      });
      this.cache.set(key, entry);
    }
    return entry as Promise<Loaded<C, M>>;
  }

  /**
   * The first client's resolved credential provider (memoized by the SDK) serves every later client,
   * so the chain — profile files, SSO, assume-role, IMDS — runs once per run, not once per client.
   */
  private shareCredentials(client: Destroyable): void {
    if (this.sharedCredentials) return;
    const provider = (client as { config?: { credentials?: unknown } }).config?.credentials;
    if (typeof provider === 'function') this.sharedCredentials = provider as AwsCredentialIdentityProvider;
  }
}
