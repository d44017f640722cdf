/**
 * Local AWS emulator for integration tests: Connect, S3, S3 Control, KMS, Directory Service, STS,
 * Organizations, Kinesis Video Streams and CloudWatch Logs on one port of 127.0.0.1, answering from an
 * evidence document.
 *
 * ```ts
 * const emulator = await startEmulator({ state: evidence });
 * const connect = new ConnectClient({ endpoint: emulator.url, region: 'us-east-1',
 *   credentials: { accessKeyId: 'AKID111111111111', secretAccessKey: 'x' } });   // S3: forcePathStyle: true
 * // S3 Control: endpointProvider: () => ({ url: new URL(emulator.url) }) (its rules prefix the host with the account id)
 * ...
 * await emulator.close();
 * ```
 * For a child process: `AWS_ENDPOINT_URL=<url>`, `AWS_ACCESS_KEY_ID=AKID<account>`, any secret, `AWS_REGION`.
 *
 * Routing: service and region from the SigV4 credential scope; account from the access key id
 * (`AKID<12 digits>`, anything else = the state's first account). STS AssumeRole returns `AKID<target>`.
 * S3 Control signs as `s3` and is told apart by its `/v20180820/` paths.
 */
export { startEmulator } from './server.js';
export type { Emulator, EmulatorOptions, Fault, RequestLogEntry, ServiceName } from './types.js';
